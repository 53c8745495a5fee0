using Grpc.Core;
using Subscriptions.Grains.Accounts;
using Subscriptions.TestHost;

namespace Subscriptions.Api.Tests.SubscriptionLifecycle;

/// <summary>Invoice numbers issued by purchases and renewals: one account transaction each, unique and gap-free (INV-1, NOT-1).</summary>
[Collection(ApiCollection.Name)]
public sealed class InvoiceIssuanceTests(ApiServer server)
{
    private static readonly DateTimeOffset Start = SubscriptionKit.Start;

    [Fact]
    public async Task INV_1_an_invoice_whose_account_commit_fails_leaves_nothing_behind_and_the_next_purchase_takes_its_number()
    {
        var kit = await SubscriptionKit.OpenAsync(server);
        // Another writer moves the account on, as a second silo would: this silo's next write to it conflicts.
        await server.Cluster.BumpStoredVersionAsync(AccountGrain.TypeName, kit.AccountId);

        await Api.FailsWithAsync(StatusCode.Aborted, () => kit.BuyAsync("meeting-1", "meeting", "professional"));
        var bought = await kit.BuyAsync("meeting-1", "meeting", "professional");

        var number = $"{AccountGrain.InvoicePrefix(kit.AccountId)}-000001";
        Assert.Equal(number, bought.IssuedInvoiceNumber);
        Assert.Equal([number], (await kit.InvoicesAsync()).Select(i => i.Number));
        var message = Assert.Single(await server.Cluster.OutboxAsync(AccountGrain.TypeName, kit.AccountId));
        Assert.Contains(number, message.PayloadJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task INV_1_numbers_stay_unique_and_gap_free_in_issue_order_over_a_year_of_interleaved_renewals()
    {
        var kit = await SubscriptionKit.OpenAsync(server);
        await kit.BuyAsync("meeting-1", "meeting", "professional");
        await kit.BuyAsync("connect-1", "connect", "phone-system");

        await kit.AdvanceToAsync(Start.AddDays(365));

        var invoices = await kit.InvoicesAsync();
        var prefix = AccountGrain.InvoicePrefix(kit.AccountId);
        Assert.Equal(Enumerable.Range(1, invoices.Count).Select(n => $"{prefix}-{n:D6}"), invoices.Select(i => i.Number));
        Assert.All(invoices.Zip(invoices.Skip(1)), pair => Assert.True(pair.First.IssuedAt.ToDateTimeOffset() <= pair.Second.IssuedAt.ToDateTimeOffset()));
        var meeting = (await kit.GetAsync("meeting-1")).InvoiceNumbers;
        var connect = (await kit.GetAsync("connect-1")).InvoiceNumbers;
        Assert.Equal((13, 13), (meeting.Count, connect.Count));
        Assert.Equal(invoices.Select(i => i.Number), meeting.Concat(connect).Order(StringComparer.Ordinal));
    }
}
