using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Subscriptions.Api.Tests.SubscriptionLifecycle;
using Subscriptions.Domain;
using Proto = Subscriptions.Grpc.Api.V1;

namespace Subscriptions.Api.Tests.Ops;

/// <summary>
/// Billing ops correct a grain's wake-up (OPS-1, docs/ops.md): firing runs only the events already due, rescheduling
/// holds them until the new time (billing dates do not move), cancelling drops the wake-up until the state wants
/// another; each is recorded in the grain's history with its reason and the ops caller, once per request id.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class WakeUpCorrectionTests(ApiServer server)
{
    private static readonly DateTimeOffset Start = SubscriptionKit.Start;

    [Fact]
    public async Task OPS_1_firing_a_wake_up_that_is_not_due_is_refused_and_records_nothing()
    {
        var kit = await BoughtAsync();
        var before = await kit.InspectAsync("meeting-1");

        var refused = await Api.FailsWithAsync(StatusCode.FailedPrecondition, () => FireAsync(kit, "customer asked"));

        Assert.Equal(Rules.Ops1, refused.RuleId());
        Assert.Contains("renewal", refused.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("Firing runs only due events", refused.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(before.Version, (await kit.InspectAsync("meeting-1")).Version);
    }

    [Fact]
    public async Task OPS_1_a_renewal_rescheduled_later_waits_until_then_and_keeps_its_billing_dates()
    {
        var kit = await BoughtAsync();
        var renewal = (await kit.GetAsync("meeting-1")).CurrentPeriodEnd.ToDateTimeOffset();
        var later = renewal.AddDays(2);

        var moved = await RescheduleAsync(kit, later, "card update expected on the 2nd");
        Assert.Equal(("renewal", later, renewal), (moved.Name, moved.DueAt.ToDateTimeOffset(), moved.WantedAt.ToDateTimeOffset()));
        var wakeUp = Assert.Single((await kit.InspectAsync("meeting-1")).Reminders);
        Assert.Equal(later, wakeUp.DueAt.ToDateTimeOffset());

        // Past the billing date, before the new time: held.
        await kit.AdvanceToAsync(renewal.AddDays(1));
        Assert.Single((await kit.GetAsync("meeting-1")).InvoiceNumbers);

        // At the new time: renewed as of its billing date.
        await kit.AdvanceToAsync(later);
        var renewed = await kit.GetAsync("meeting-1");
        Assert.Equal(2, renewed.InvoiceNumbers.Count);
        Assert.Equal(renewal, renewed.CurrentPeriodStart.ToDateTimeOffset());

        var entry = Assert.Single((await kit.InspectAsync("meeting-1")).History, h => h.Change == "wake-up");
        Assert.Equal(("call", "RescheduleWakeUp", TestTokens.OpsSubject), (entry.Cause.Kind, entry.Cause.Name, entry.Cause.Caller));
        Assert.Equal((Iso(renewal), Iso(later)), (entry.From, entry.To));
        Assert.Equal(("reschedule", "card update expected on the 2nd"), Details(entry));
    }

    [Fact]
    public async Task OPS_1_firing_runs_the_due_events_a_reschedule_held_and_is_recorded_with_its_reason()
    {
        var kit = await BoughtAsync();
        var renewal = (await kit.GetAsync("meeting-1")).CurrentPeriodEnd.ToDateTimeOffset();
        await RescheduleAsync(kit, renewal.AddDays(10), "waiting for the purchase order");
        await kit.AdvanceToAsync(renewal.AddDays(3));
        Assert.Single((await kit.GetAsync("meeting-1")).InvoiceNumbers);

        var fired = await FireAsync(kit, "purchase order arrived");

        Assert.True(fired.EventsRun >= 1);
        var renewed = await kit.GetAsync("meeting-1");
        Assert.Equal(2, renewed.InvoiceNumbers.Count);
        Assert.Equal(renewal, renewed.CurrentPeriodStart.ToDateTimeOffset());
        Assert.Equal(renewed.CurrentPeriodEnd, fired.WantedAt);
        Assert.Equal(renewed.CurrentPeriodEnd, fired.DueAt);
        var history = (await kit.InspectAsync("meeting-1")).History;
        var firing = Assert.Single(history, h => h.Change == "wake-up" && h.Cause.Name == "FireWakeUp");
        Assert.Equal(("purchase order arrived", "fired"), (Details(firing).Reason, firing.To));
        Assert.Contains(history, h => h.Cause.Kind == "reminder" && h.Version > firing.Version);
    }

    [Fact]
    public async Task OPS_1_a_cancelled_wake_up_is_not_delivered_until_fired_and_a_retry_is_answered_once()
    {
        var kit = await BoughtAsync();
        var renewal = (await kit.GetAsync("meeting-1")).CurrentPeriodEnd.ToDateTimeOffset();
        var request = new Proto.CancelWakeUpRequest
        {
            RequestId = Requests.NewRequestId(), GrainType = "subscription", GrainKey = $"{kit.AccountId}/meeting-1", Reason = "duplicate reminder",
        };

        var cancelled = await server.Client.OpsAsync<Proto.CancelWakeUpRequest, Proto.WakeUpCorrection>("CancelWakeUp", request, kit.Ops);
        var retried = await server.Client.OpsAsync<Proto.CancelWakeUpRequest, Proto.WakeUpCorrection>("CancelWakeUp", request, kit.Ops);

        Assert.Null(cancelled.DueAt);
        Assert.Equal(cancelled, retried);
        Assert.Single((await kit.InspectAsync("meeting-1")).History, h => h.Change == "wake-up");
        Assert.Empty((await kit.InspectAsync("meeting-1")).Reminders);
        await kit.AdvanceToAsync(renewal.AddDays(5));
        Assert.Single((await kit.GetAsync("meeting-1")).InvoiceNumbers);

        await FireAsync(kit, "cancelled by mistake");
        Assert.Equal(2, (await kit.GetAsync("meeting-1")).InvoiceNumbers.Count);
        Assert.Single((await kit.InspectAsync("meeting-1")).Reminders);
    }

    [Fact]
    public async Task OPS_1_a_correction_needs_a_reason_a_wakeable_grain_and_a_time_ahead()
    {
        var kit = await BoughtAsync();
        var noReason = await Api.FailsWithAsync(StatusCode.InvalidArgument, () => FireAsync(kit, " "));
        Assert.Contains("reason", noReason.BadFields());

        var clock = await Api.FailsWithAsync(StatusCode.InvalidArgument, () => server.Client.OpsAsync<Proto.FireWakeUpRequest, Proto.WakeUpCorrection>(
            "FireWakeUp", new Proto.FireWakeUpRequest { RequestId = Requests.NewRequestId(), GrainType = "testclock", GrainKey = kit.ClockId, Reason = "x" }, kit.Ops));
        Assert.Contains("grain_type", clock.BadFields());

        var past = await Api.FailsWithAsync(StatusCode.InvalidArgument, () => RescheduleAsync(kit, Start.AddDays(-1), "too late"));
        Assert.Contains("due_at", past.BadFields());

        var missing = await Api.FailsWithAsync(StatusCode.NotFound, () => server.Client.OpsAsync<Proto.CancelWakeUpRequest, Proto.WakeUpCorrection>(
            "CancelWakeUp", new Proto.CancelWakeUpRequest { RequestId = Requests.NewRequestId(), GrainType = "invoice", GrainKey = $"{kit.AccountId}/NONE-1", Reason = "x" }, kit.Ops));
        Assert.Contains("NONE-1", missing.Status.Detail, StringComparison.Ordinal);
    }

    private async Task<SubscriptionKit> BoughtAsync()
    {
        var kit = await SubscriptionKit.OpenAsync(server);
        await kit.BuyAsync("meeting-1", "meeting", "professional");
        return kit;
    }

    private Task<Proto.WakeUpCorrection> FireAsync(SubscriptionKit kit, string reason) =>
        server.Client.OpsAsync<Proto.FireWakeUpRequest, Proto.WakeUpCorrection>("FireWakeUp", new Proto.FireWakeUpRequest
        {
            RequestId = Requests.NewRequestId(), GrainType = "subscription", GrainKey = $"{kit.AccountId}/meeting-1", Reason = reason,
        }, kit.Ops);

    private Task<Proto.WakeUpCorrection> RescheduleAsync(SubscriptionKit kit, DateTimeOffset at, string reason) =>
        server.Client.OpsAsync<Proto.RescheduleWakeUpRequest, Proto.WakeUpCorrection>("RescheduleWakeUp", new Proto.RescheduleWakeUpRequest
        {
            RequestId = Requests.NewRequestId(), GrainType = "subscription", GrainKey = $"{kit.AccountId}/meeting-1", DueAt = Timestamp.FromDateTimeOffset(at), Reason = reason,
        }, kit.Ops);

    private static (string Action, string Reason) Details(Proto.GrainHistoryEntry entry)
    {
        using var json = JsonDocument.Parse(entry.PayloadJson);
        return (json.RootElement.GetProperty("action").GetString()!, json.RootElement.GetProperty("reason").GetString()!);
    }

    private static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
