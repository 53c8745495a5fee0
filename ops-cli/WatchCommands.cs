using System.CommandLine;
using System.Globalization;
using Grpc.Core;
using Spectre.Console;
using Proto = Subscriptions.Grpc.Api.V1;

namespace Subscriptions.OpsCli;

/// <summary><c>subs watch</c> follows notifications as changes commit; <c>subs deliveries redeliver</c> sends a dead letter again.</summary>
internal static class WatchCommands
{
    /// <summary>Adds <c>watch</c> to <paramref name="root"/> and <c>redeliver</c> to <paramref name="deliveries"/>.</summary>
    public static void Add(RootCommand root, Command deliveries, CallRunner call, TextWriter output)
    {
        var account = new Option<string?>("--account") { Description = "Only this account's notifications" };
        var type = new Option<string?>("--type") { Description = "Only this grain type's: subscription, invoice, quote, order or account" };
        var kinds = new Option<string[]>("--kind") { Description = "Only these kinds, e.g. subscription-suspended (repeat for several)", AllowMultipleArgumentsPerToken = true };
        var after = new Option<string?>("--after") { Description = "Resume after this event id (evt_…); default: from now" };
        var watch = new Command("watch", "Follows notifications (invoice issued, receipts, limited, suspended, restored, quotes…) as their changes commit, one line each, until Ctrl-C")
        {
            account, type, kinds, after,
        };
        watch.SetAction((parse, cancellation) => call(parse, async (channel, options, console, json) =>
        {
            var ops = new Proto.OpsService.OpsServiceClient(channel);
            var request = new Proto.WatchTransitionsRequest { AccountId = parse.GetValue(account) ?? "", GrainType = parse.GetValue(type) ?? "", AfterEventId = parse.GetValue(after) ?? "" };
            request.Kinds.AddRange(parse.GetValue(kinds) ?? []);

            // A watch has no deadline: it runs until the user stops it.
            using var stream = ops.WatchTransitions(request, new CallOptions(options.Headers, cancellationToken: cancellation));
            try
            {
                await foreach (var transition in stream.ResponseStream.ReadAllAsync(cancellation))
                {
                    await output.WriteLineAsync(json
                        ? SubsCli.Json(transition).ReplaceLineEndings(" ")
                        : string.Create(CultureInfo.InvariantCulture, $"{transition.At.ToDateTimeOffset():yyyy-MM-dd HH:mm:ss}Z  {transition.EventId}  {transition.Kind,-26} {transition.GrainType}/{transition.GrainKey}"));
                    await output.FlushAsync(cancellation);
                }
            }
            catch (Exception e) when (cancellation.IsCancellationRequested && e is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled })
            {
                // Stopped by the user.
            }
        }));
        root.Subcommands.Add(watch);

        var eventId = new Argument<string>("event") { Description = "The event id, e.g. evt_000000000042 (see subs deliveries)" };
        var sink = new Option<string>("--sink") { Description = "The sink it is dead-lettered at, e.g. webhook:crm", Required = true };
        var reason = new Option<string>("--reason") { Description = "Why (recorded with you as the caller)", Required = true };
        var redeliver = new Command("redeliver", "Sends a dead-lettered notification again: back to pending with its attempts reset") { eventId, sink, reason };
        redeliver.SetAction((parse, _) => call(parse, async (channel, options, console, json) =>
        {
            var ops = new Proto.OpsService.OpsServiceClient(channel);
            var delivery = await ops.RedeliverNotificationAsync(new Proto.RedeliverNotificationRequest
            {
                RequestId = $"subs-redeliver-{Guid.NewGuid():N}", EventId = parse.GetValue(eventId)!, Sink = parse.GetValue(sink)!, Reason = parse.GetValue(reason)!,
            }, options);
            if (json)
            {
                await output.WriteLineAsync(SubsCli.Json(delivery));
                return;
            }

            console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{delivery.EventId} ({delivery.Kind}) to {delivery.Sink}: {delivery.State}, attempts {delivery.Attempts}"));
        }));
        deliveries.Subcommands.Add(redeliver);
    }
}
