using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Subscriptions.Api.Tests.Invoices;
using Subscriptions.Grains.Accounts;
using Subscriptions.TestHost;
using Proto = Subscriptions.Grpc.Api.V1;

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

    [Fact]
    public async Task ACC_6_invoices_are_listed_by_status_and_due_date_whether_the_ledger_still_holds_them_or_they_are_paid()
    {
        var kit = await SubscriptionKit.OpenAsync(server);
        await kit.SetAutopayAsync(false);
        var paid = (await kit.BuyAsync("meeting-1", "meeting", "professional")).IssuedInvoiceNumber;
        await kit.PayAsync(paid);
        await kit.AdvanceToAsync(Start.AddDays(5));
        var open = (await kit.BuyAsync("meeting-2", "meeting", "professional")).IssuedInvoiceNumber;

        async Task<IReadOnlyList<string>> ListAsync(Proto.InvoiceStatus[] statuses, DateTimeOffset? dueFrom = null, DateTimeOffset? dueBefore = null)
        {
            var request = new Proto.ListInvoicesRequest { AccountId = kit.AccountId, Statuses = { statuses } };
            request.DueFrom = dueFrom is { } from ? Timestamp.FromDateTimeOffset(from) : null;
            request.DueBefore = dueBefore is { } before ? Timestamp.FromDateTimeOffset(before) : null;
            var page = await kit.Client.InvoiceAsync<Proto.ListInvoicesRequest, Proto.ListInvoicesResponse>("ListInvoices", request, kit.Holder);
            Assert.Empty(page.NextPageToken);
            return [.. page.Invoices.Select(i => i.Number)];
        }

        var account = await kit.Client.GetAccountAsync(kit.AccountId, kit.Holder);
        Assert.Equal(2, account.InvoiceCount);
        Assert.Equal([paid, open], account.InvoiceNumbers);
        Assert.Equal([paid], await ListAsync([Proto.InvoiceStatus.Paid]));
        Assert.Equal([open], await ListAsync([Proto.InvoiceStatus.Open]));
        Assert.Equal([open, paid], await ListAsync([Proto.InvoiceStatus.Open, Proto.InvoiceStatus.Paid]));
        Assert.Equal([paid], await ListAsync([], dueBefore: Start.AddDays(16)));
        Assert.Equal([open], await ListAsync([], dueFrom: Start.AddDays(16)));
        Assert.Empty(await ListAsync([Proto.InvoiceStatus.Paid], dueFrom: Start.AddDays(16)));
        Assert.Equal([paid], await ListAsync([Proto.InvoiceStatus.Paid], dueFrom: Start.AddDays(15), dueBefore: Start.AddDays(16)));
    }
}
