using System.Text.Json;
using Grpc.Core;
using Proto = Subscriptions.Grpc.Api.V1;

namespace Subscriptions.Api.Tests.SubscriptionLifecycle;

/// <summary>Retried requests (IDEM-1), the transition history ops inspect (OPS-1) and test clocks kept apart (CLOCK-1).</summary>
[Collection(ApiCollection.Name)]
public sealed class IdempotencyAndHistoryTests(ApiServer server)
{
    private static readonly DateTimeOffset Start = SubscriptionKit.Start;

    [Fact]
    public async Task IDEM_1_the_same_CreateSubscription_twice_gives_one_subscription_one_invoice_and_the_same_response()
    {
        var kit = await SubscriptionKit.OpenAsync(server);
        var request = kit.Purchase("meeting-1", "meeting", "professional", seats: 3);

        var first = await kit.CallAsync("CreateSubscription", request, kit.Holder);
        var retried = await kit.CallAsync("CreateSubscription", request, kit.Holder);

        Assert.Equal(first, retried);
        Assert.Single(await kit.ListAsync());
        var invoice = Assert.Single(await kit.InvoicesAsync());
        Assert.Equal(first.IssuedInvoiceNumber, invoice.Number);
    }

    [Fact]
    public async Task IDEM_1_a_retried_seat_addition_invoices_once_and_a_new_request_for_a_taken_id_is_ALREADY_EXISTS()
    {
        var kit = await SubscriptionKit.OpenAsync(server);
        await kit.BuyAsync("meeting-1", "meeting", "professional");
        await kit.AdvanceToAsync(Start.AddDays(5));
        var add = new Proto.AddSeatsRequest { RequestId = Requests.NewRequestId(), AccountId = kit.AccountId, SubscriptionId = "meeting-1", Seats = 2 };

        var first = await kit.CallAsync("AddSeats", add, kit.Holder);
        var retried = await kit.CallAsync("AddSeats", add, kit.Holder);
        await Api.FailsWithAsync(StatusCode.AlreadyExists, () => kit.BuyAsync("meeting-1", "meeting", "professional"));

        Assert.Equal(first, retried);
        Assert.Equal(3, (await kit.GetAsync("meeting-1")).Seats);
        Assert.Equal(2, (await kit.InvoicesAsync()).Count);
    }

    [Fact]
    public async Task OPS_1_the_history_of_a_subscription_lists_its_transitions_with_their_causes()
    {
        var kit = await SubscriptionKit.OpenAsync(server);
        var trial = kit.Trial("pro-1", "pro", "personal");
        await kit.CallAsync("StartTrial", trial, kit.Holder);
        await kit.AdvanceToAsync(Start.AddDays(20));
        await kit.ActAsync("CancelSubscription", "pro-1", kit.Ops);
        var pending = await kit.InspectAsync("pro-1");
        await kit.AdvanceToAsync(Start.AddDays(50));

        var inspection = await kit.InspectAsync("pro-1");

        Assert.Equal(
            [
                ("trial-started", "", "trial", "call", "StartTrialAsync"),
                ("trial-ended-to-paid", "trial", "active", "reminder", "trial-end"),
                ("cancellation-requested", "active", "pending-cancellation", "call", "CancelAsync"),
                ("cancellation-effective", "pending-cancellation", "cancelled", "reminder", "cancellation-effective"),
            ],
            inspection.History.Select(h => (h.Change, h.From, h.To, h.Cause.Kind, h.Cause.Name)));
        var started = inspection.History[0];
        Assert.Equal((TestTokens.HolderOf(kit.AccountId), trial.RequestId), (started.Cause.Caller, started.Cause.RequestId));
        Assert.Equal(TestTokens.OpsSubject, inspection.History[2].Cause.Caller);
        var invoiced = (await kit.GetAsync("pro-1")).InvoiceNumbers.Single();
        using var payload = JsonDocument.Parse(inspection.History[1].PayloadJson);
        Assert.Equal(invoiced, payload.RootElement.GetProperty("invoiceNumber").GetString());
        var reminder = Assert.Single(pending.Reminders);
        Assert.Equal(("cancellation-effective", Start.AddDays(44), kit.ClockId), (reminder.Name, reminder.DueAt.ToDateTimeOffset(), reminder.ClockId));
        Assert.Empty(inspection.Reminders);
    }

    [Fact]
    public async Task CLOCK_1_advancing_one_sandbox_account_clock_renews_only_that_account()
    {
        var advanced = await SubscriptionKit.OpenAsync(server);
        var other = await SubscriptionKit.OpenAsync(server);
        await advanced.BuyAsync("meeting-1", "meeting", "professional");
        await other.BuyAsync("meeting-1", "meeting", "professional");

        await advanced.AdvanceToAsync(Start.AddDays(61));

        Assert.Equal(3, (await advanced.InvoicesAsync()).Count);
        Assert.Single(await other.InvoicesAsync());
        Assert.Equal(Start.AddDays(30), (await other.GetAsync("meeting-1")).NextRenewal.ToDateTimeOffset());
    }
}
