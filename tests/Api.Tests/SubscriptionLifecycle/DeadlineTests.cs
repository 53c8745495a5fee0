using Grpc.Core;
using Proto = Subscriptions.Grpc.Api.V1;

namespace Subscriptions.Api.Tests.SubscriptionLifecycle;

/// <summary>
/// Deadlines reach the work: a change whose deadline passes before it runs answers DEADLINE_EXCEEDED and applies
/// nothing, and a retry with the same request id then applies it once (IDEM-1). No timing: the call gate holds the
/// call until the server has cancelled it.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class DeadlineTests(ApiServer server)
{
    [Fact]
    public async Task IDEM_1_a_change_whose_deadline_passes_before_it_runs_is_DEADLINE_EXCEEDED_and_applies_nothing_until_retried()
    {
        var kit = await SubscriptionKit.OpenAsync(server);
        await kit.BuyAsync("seats-1", "meeting", "professional", seats: 3);
        await kit.AdvanceToAsync(SubscriptionKit.Start.AddDays(5));
        var invoicesBefore = (await kit.InvoicesAsync()).Count;
        var add = new Proto.AddSeatsRequest { RequestId = Requests.NewRequestId(), AccountId = kit.AccountId, SubscriptionId = "seats-1", Seats = 2 };
        var headers = new Metadata { { "authorization", kit.Holder.Headers!.GetValue("authorization")! }, { CallGate.Header, "1" } };
        server.Gate.Reset();

        var expired = await Assert.ThrowsAsync<RpcException>(() =>
            server.Client.Subscriptions.AddSeatsAsync(add, new CallOptions(headers, DateTime.UtcNow.AddMilliseconds(300))).ResponseAsync);
        var workOutcome = await server.Gate.Released.Task;
        var untouched = await kit.GetAsync("seats-1");
        var invoicesAfterDeadline = (await kit.InvoicesAsync()).Count;
        var retried = await kit.CallAsync("AddSeats", add, kit.Holder);
        var again = await kit.CallAsync("AddSeats", add, kit.Holder);

        Assert.Equal(StatusCode.DeadlineExceeded, expired.StatusCode);
        Assert.IsAssignableFrom<OperationCanceledException>(workOutcome);
        Assert.Equal((3, invoicesBefore), (untouched.Seats, invoicesAfterDeadline));
        Assert.Equal((5, 5), (retried.Subscription.Seats, again.Subscription.Seats));
        Assert.Equal(retried.IssuedInvoiceNumber, again.IssuedInvoiceNumber);
        Assert.Equal(invoicesBefore + 1, (await kit.InvoicesAsync()).Count);
    }
}
