using Google.Protobuf;
using Google.Rpc;
using Grpc.Core;
using Subscriptions.Domain;
using Proto = Subscriptions.Grpc.Api.V1;

namespace Subscriptions.Fuzz.Tests;

/// <summary>The fuzzer itself, without a server: its checks flag what they should, its calls follow from the seed, and it covers the whole API.</summary>
public sealed class FuzzerTests
{
    private static readonly FuzzWorld World = FuzzWorld.Plan(5);

    [Fact]
    public void the_checks_flag_INTERNAL_UNKNOWN_a_long_message_a_long_detail_and_an_echo_of_more_than_64_characters()
    {
        var echoed = new string('x', 10) + FuzzValues.Ascii(new Random(1), 70);
        var call = Call(strings: [echoed, "short"]);

        Assert.Equal(["INTERNAL"], Checks(call, new CallOutcome(StatusCode.Internal, "failed", [], false)));
        Assert.Equal(["UNKNOWN"], Checks(call, new CallOutcome(StatusCode.Unknown, "failed", [], false)));
        Assert.Empty(Checks(call, new CallOutcome(StatusCode.InvalidArgument, "account_id must be at most 64 characters (got 80)", [], false)));
        Assert.Equal(["long message"], Checks(call, new CallOutcome(StatusCode.InvalidArgument, new string('é', 513), [], false)));
        Assert.Empty(Checks(call, new CallOutcome(StatusCode.InvalidArgument, new string('é', 512), [], false)));
        Assert.Equal(["long message"], Checks(call, new CallOutcome(StatusCode.InvalidArgument, "bad", ["bad", new string('a', 1025)], false)));
        Assert.Equal(["echo"], Checks(call, new CallOutcome(StatusCode.InvalidArgument, $"value \"{echoed[..65]}\" is bad", [], false)));
        Assert.Equal(["echo"], Checks(call, new CallOutcome(StatusCode.NotFound, "not found", ["account", echoed[5..75]], false)));
        Assert.Empty(Checks(call, new CallOutcome(StatusCode.InvalidArgument, $"value \"{echoed[..63]}…\" is bad", [], false)));
    }

    [Fact]
    public void a_framing_violation_answered_INTERNAL_or_UNKNOWN_is_a_finding_and_a_valid_frame_is_checked_like_any_call()
    {
        var violation = Call(frame: new FrameCase([], null, "no frame at all", Violation: true));
        var valid = Call(frame: new FrameCase([], "gzip", "a gzip-compressed message (valid framing)", Violation: false));

        Assert.Empty(Checks(violation, new CallOutcome(StatusCode.InvalidArgument, "the request could not be read as one gRPC message", [], false)));
        Assert.Equal(["INTERNAL"], Checks(violation, new CallOutcome(StatusCode.Internal, "Incomplete message.", [], false)));
        Assert.Equal(["UNKNOWN"], Checks(violation, new CallOutcome(StatusCode.Unknown, "Exception was thrown by handler.", [], false)));
        Assert.Equal(["INTERNAL"], Checks(valid, new CallOutcome(StatusCode.Internal, "failed", [], false)));
    }

    [Fact]
    public void a_successful_answer_with_an_out_of_range_value_is_flagged()
    {
        var addSeats = ApiSurface.Methods.Single(m => m.Name == "SubscriptionService/AddSeats");
        var call = new PlannedCall(7, addSeats, "mutated", "ops", "t", [], "{seats=2147483647}", "seats changed", [], null);
        CallOutcome Answer(int seats, long endSeconds) => new(StatusCode.OK, "", [], false, new Proto.SubscriptionChange
        {
            Subscription = new Proto.Subscription
            {
                AccountId = "acme-1",
                SubscriptionId = "sub-1",
                Seats = seats,
                CurrentPeriodStart = new Google.Protobuf.WellKnownTypes.Timestamp { Seconds = 1_767_225_600 },
                CurrentPeriodEnd = new Google.Protobuf.WellKnownTypes.Timestamp { Seconds = endSeconds },
            },
        }.ToByteArray());

        Assert.Empty(Checks(call, Answer(3, 1_769_904_000)));
        var found = Fuzz.Checks.Evaluate(call, Answer(-2_147_483_646, 253_402_300_800)).Single();
        Assert.Equal("out-of-range value", found.Check);
        Assert.Equal("subscription acme-1/sub-1 seats=-2147483646; subscription.current_period_end={seconds:253402300800 nanos:0}", found.Detail);
        Assert.Equal(["unreadable answer"], Checks(call, new CallOutcome(StatusCode.OK, "", [], false, [0xFF])));
    }

    [Fact]
    public void the_strings_of_error_details_are_read_from_grpc_status_details_bin()
    {
        var status = new Google.Rpc.Status { Code = 3, Message = "invalid request" };
        var badRequest = new BadRequest();
        badRequest.FieldViolations.Add(new BadRequest.Types.FieldViolation { Field = "seats", Description = "seats must be 1 or more" });
        status.Details.Add(Google.Protobuf.WellKnownTypes.Any.Pack(badRequest));
        var info = new ErrorInfo { Reason = Rules.Acc2, Domain = "subscriptions" };
        info.Metadata["account_id"] = "acme-1";
        status.Details.Add(Google.Protobuf.WellKnownTypes.Any.Pack(info));

        var strings = Fuzz.Checks.DetailStrings(status.ToByteArray());

        Assert.Equal(["invalid request", "seats", "seats must be 1 or more", Rules.Acc2, "subscriptions", "account_id", "acme-1"], strings);
    }

    [Fact]
    public void a_call_follows_from_the_seed_and_its_number_alone()
    {
        var first = Planner(seed: 5);
        var second = Planner(seed: 5);
        var other = Planner(seed: 6);
        var indexes = Enumerable.Range(0, 400).Select(i => (long)i).ToList();

        // The second planner plans them in the reverse order, as parallel workers might.
        var reversed = indexes.AsEnumerable().Reverse().ToDictionary(i => i, second.Plan);

        Assert.All(indexes, i =>
        {
            var (a, b) = (first.Plan(i), reversed[i]);
            Assert.Equal((a.Method.Name, a.Kind, a.Caller, a.Description, Convert.ToHexString(a.Body)), (b.Method.Name, b.Kind, b.Caller, b.Description, Convert.ToHexString(b.Body)));
        });
        Assert.Contains(indexes, i => !first.Plan(i).Body.AsSpan().SequenceEqual(other.Plan(i).Body));
    }

    [Fact]
    public void the_surface_holds_every_method_of_every_subscriptions_v1_service_and_every_template_names_one()
    {
        var services = ApiSurface.Methods.Select(m => m.Service.Name).Distinct().Order(StringComparer.Ordinal);

        Assert.Equal(["AccountService", "InvoiceService", "OpsService", "QuoteService", "SubscriptionService", "TestClockService"], services);
        Assert.Equal(Proto.AccountService.Descriptor.Methods.Count, ApiSurface.Methods.Count(m => m.Service.Name == "AccountService"));
        Assert.All(Templates.All, t => Assert.Contains(t.Method, ApiSurface.Methods.Select(m => m.Name)));
        Assert.All(Templates.All, t =>
        {
            var message = t.Build(World, World.Accounts[0], 1);
            Assert.Equal(ApiSurface.Methods.Single(m => m.Name == t.Method).Input, message.Descriptor);
        });
    }

    [Fact]
    public void every_kind_of_request_is_planned_and_malformed_bodies_do_not_parse()
    {
        var planner = Planner(seed: 5);
        var calls = Enumerable.Range(0, 2000).Select(i => planner.Plan(i)).ToList();

        Assert.Equal(["frame", "malformed", "mutated", "typed"], calls.Select(c => c.Kind).Distinct().Order(StringComparer.Ordinal));
        string[] neverValid = ["truncated fixed64", "varint over 10 bytes", "negative length", "invalid UTF-8 in a string", "unmatched end-group"];
        var malformed = calls.Where(c => c.Kind == "malformed" && neverValid.Contains(c.Shape)).ToList();
        Assert.Equal(neverValid.Order(StringComparer.Ordinal), malformed.Select(c => c.Shape).Distinct().Order(StringComparer.Ordinal));
        Assert.All(malformed, c => Assert.False(Parses(c), c.Description));
        Assert.All(calls.Where(c => c.Kind is "typed" or "mutated"), c => Assert.True(Parses(c), c.Description));
    }

    private static bool Parses(PlannedCall call)
    {
        try
        {
            call.Method.Input.Parser.ParseFrom(call.Body);
            return true;
        }
        catch (InvalidProtocolBufferException)
        {
            return false;
        }
    }

    private static CallPlanner Planner(int seed)
    {
        var world = FuzzWorld.Plan(seed);
        return new CallPlanner(seed, world, new Callers(world, (subject, roles) => $"token-of-{subject}-{string.Join(',', roles)}"), ApiSurface.Methods);
    }

    private static PlannedCall Call(IReadOnlyList<string>? strings = null, FrameCase? frame = null) =>
        new(1, ApiSurface.Methods[0], frame is null ? "typed" : "frame", "ops", "t", [], "{}", "random request", strings ?? [], frame);

    private static List<string> Checks(PlannedCall call, CallOutcome outcome) => [.. Fuzz.Checks.Evaluate(call, outcome).Select(f => f.Check)];
}
