using Grpc.Core;
using Subscriptions.Api.Tests.SubscriptionLifecycle;
using Subscriptions.Domain;
using Subscriptions.Grains.Invoices;
using Proto = Subscriptions.Grpc.Api.V1;

namespace Subscriptions.Api.Tests.Invoices;

/// <summary>Disputes through the API on a test clock (INV-7): the 15-day window, who may open and resolve one, and what a resolution does.</summary>
[Collection(ApiCollection.Name)]
public sealed class DisputeTests(ApiServer server)
{
    private static readonly DateTimeOffset Start = SubscriptionKit.Start;

    [Fact]
    public async Task INV_7_a_dispute_on_day_15_is_accepted_and_puts_the_invoice_on_hold()
    {
        var (kit, number) = await InvoiceKit.OpenWithInvoiceAsync(server);
        await kit.AdvanceToAsync(Start.AddDays(15));
        Assert.Equal(Proto.SubscriptionStatus.Limited, (await kit.GetAsync("meeting-1")).Status);

        var disputed = await kit.DisputeAsync(number);

        Assert.Equal(Proto.InvoiceStatus.Disputed, disputed.Status);
        Assert.Equal(("Seats were never used", TestTokens.HolderOf(kit.AccountId)), (disputed.Dispute.Reason, disputed.Dispute.OpenedBy));
        // On hold: counted in the balance, not in the overdue balance, so the subscription is no longer limited (SUB-9).
        Assert.Equal(("12.00", "0.00"), await kit.BalancesAsync());
        Assert.Equal(Proto.SubscriptionStatus.Active, (await kit.GetAsync("meeting-1")).Status);
        var payDisputed = await Api.FailsWithAsync(StatusCode.FailedPrecondition, () => kit.PayAsync(number));
        Assert.Equal(Rules.Inv7, payDisputed.RuleId());
    }

    [Fact]
    public async Task INV_7_a_dispute_on_day_16_is_refused_with_the_reason()
    {
        var (kit, number) = await InvoiceKit.OpenWithInvoiceAsync(server);
        await kit.AdvanceToAsync(Start.AddDays(16));

        var refused = await Api.FailsWithAsync(StatusCode.FailedPrecondition, () => kit.DisputeAsync(number));

        Assert.Equal(Rules.Inv7, refused.RuleId());
        Assert.Contains("only within 15 days of the issue date", refused.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(Proto.InvoiceStatus.Overdue, (await kit.InvoiceAsync(number)).Status);
    }

    [Fact]
    public async Task INV_7_billing_ops_resolve_with_a_partial_credit_and_the_rest_falls_overdue_again_at_once()
    {
        var (kit, number) = await InvoiceKit.OpenWithInvoiceAsync(server);
        await kit.AdvanceToAsync(Start.AddDays(15));
        await kit.DisputeAsync(number);

        var byViewer = await Api.FailsWithAsync(StatusCode.PermissionDenied, () => kit.DisputeAsync(number, kit.Viewer));
        var byHolder = await Api.FailsWithAsync(StatusCode.PermissionDenied, () => kit.ResolveAsync(number, "2.00", kit.Holder));
        var tooMuch = await Api.FailsWithAsync(StatusCode.InvalidArgument, () => kit.ResolveAsync(number, "12.01"));
        var resolved = await kit.ResolveAsync(number, "2.00");

        Assert.Equal((Rules.Acc2, Rules.Acc2), (byViewer.RuleId(), byHolder.RuleId()));
        Assert.Equal(["credit"], tooMuch.BadFields());
        Assert.Equal((Proto.InvoiceStatus.Overdue, "2.00", "10.00"), (resolved.Status, resolved.AmountCredited.Amount, resolved.Balance.Amount));
        Assert.Equal(("2.00", "Checked the usage logs"), (resolved.Dispute.Credit.Amount, resolved.Dispute.ResolutionComment));
        Assert.Equal(("10.00", "10.00"), await kit.BalancesAsync());
        Assert.Equal(Proto.SubscriptionStatus.Limited, (await kit.GetAsync("meeting-1")).Status);
        var again = await Api.FailsWithAsync(StatusCode.FailedPrecondition, () => kit.DisputeAsync(number));
        Assert.Equal(Rules.Inv7, again.RuleId());
    }

    [Fact]
    public async Task INV_7_a_credit_of_the_whole_balance_settles_the_invoice()
    {
        var (kit, number) = await InvoiceKit.OpenWithInvoiceAsync(server);
        await kit.DisputeAsync(number);

        var resolved = await kit.ResolveAsync(number, "12.00");

        Assert.Equal((Proto.InvoiceStatus.Paid, "0.00"), (resolved.Status, resolved.Balance.Amount));
        Assert.Equal(("0.00", "0.00"), await kit.BalancesAsync());
    }

    [Fact]
    public async Task INV_7_a_paid_invoice_is_disputed_within_15_days_and_its_credit_goes_to_the_account_while_it_stays_paid()
    {
        var (kit, number) = await InvoiceKit.OpenWithInvoiceAsync(server);
        await kit.PayAsync(number);
        await kit.AdvanceToAsync(Start.AddDays(3));

        var disputed = await kit.DisputeAsync(number);
        var resolved = await kit.ResolveAsync(number, "5.00");
        var account = await kit.AccountAsync();

        Assert.Equal(Proto.InvoiceStatus.Disputed, disputed.Status);
        Assert.Equal((Proto.InvoiceStatus.Paid, "0.00", "12.00"), (resolved.Status, resolved.Balance.Amount, resolved.AmountPaid.Amount));
        Assert.Equal("5.00", resolved.Dispute.Credit.Amount);
        Assert.Equal(("5.00", "-5.00", "0.00"), (account.UnappliedCredit.Amount, account.Balance.Amount, account.OverdueBalance.Amount));
        Assert.Equal(
            [InvoiceNotice.Receipt, InvoiceNotice.DisputeOpened, InvoiceNotice.DisputeResolved],
            await kit.NotificationsAsync(InvoiceGrain.TypeName, InvoiceKey.Of(kit.AccountId, number)));
    }
}
