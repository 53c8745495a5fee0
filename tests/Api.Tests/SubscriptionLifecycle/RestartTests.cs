using Subscriptions.Grains.Accounts;
using Subscriptions.Grains.Invoices;
using Proto = Subscriptions.Grpc.Api.V1;

namespace Subscriptions.Api.Tests.SubscriptionLifecycle;

/// <summary>Invoices survive a silo restart: the account's record, its numbering and the invoice grains are all in PostgreSQL (INV-1).</summary>
public sealed class RestartTests(ApiServer server) : IClassFixture<ApiServer>
{
    private static readonly DateTimeOffset Start = SubscriptionKit.Start;

    [Fact]
    public async Task INV_1_a_renewal_after_a_silo_restart_takes_the_next_number_and_every_invoice_reads_back()
    {
        var kit = await SubscriptionKit.OpenAsync(server);
        var bought = await kit.BuyAsync("meeting-1", "meeting", "professional", seats: 2);
        var first = await kit.InvoiceAsync(bought.IssuedInvoiceNumber);

        await server.RestartAsync();
        await kit.AdvanceToAsync(Start.AddDays(30));

        var invoices = await kit.InvoicesAsync();
        Assert.Equal(2, invoices.Count);
        // Autopay (INV-6) paid both after the restart; everything issued reads back as it was.
        Assert.Equal(first.Clone().Tap(i => (i.Status, i.AmountPaid, i.Balance, i.PaymentAttemptCount) = (Proto.InvoiceStatus.Paid, first.Total, Zero(first), 1)), invoices[0]);
        var renewal = invoices[1];
        Assert.Equal($"{AccountGrain.InvoicePrefix(kit.AccountId)}-000002", renewal.Number);
        Assert.Equal((Start.AddDays(30), Proto.InvoiceStatus.Paid), (renewal.IssuedAt.ToDateTimeOffset(), renewal.Status));
        Assert.Equal(first.Total, renewal.Total);
        Assert.Equal([first.Number, renewal.Number], (await kit.GetAsync("meeting-1")).InvoiceNumbers);
        var adopted = await server.Client.InspectAsync(InvoiceGrain.TypeName, InvoiceKey.Of(kit.AccountId, renewal.Number), kit.Ops);
        Assert.Equal(kit.ClockId, adopted.ClockId);
    }

    private static Proto.Money Zero(Proto.Invoice invoice) => new() { Amount = "0.00", CurrencyCode = invoice.Currency };
}

/// <summary>Changes a copy in place, for expected values that differ from another in a few fields.</summary>
internal static class ProtoCopies
{
    public static T Tap<T>(this T value, Action<T> change)
    {
        change(value);
        return value;
    }
}
