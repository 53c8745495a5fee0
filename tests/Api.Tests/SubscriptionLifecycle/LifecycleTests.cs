using Google.Protobuf.WellKnownTypes;
using Subscriptions.Domain;
using Proto = Subscriptions.Grpc.Api.V1;

namespace Subscriptions.Api.Tests.SubscriptionLifecycle;

/// <summary>Trials, renewals, cancellation dates, seat credits and reactivation driven through gRPC and the account's test clock.</summary>
[Collection(ApiCollection.Name)]
public sealed class LifecycleTests(ApiServer server)
{
    private static readonly DateTimeOffset Start = SubscriptionKit.Start;

    [Fact]
    public async Task SUB_1_a_central_trial_becomes_free_after_its_trial_length()
    {
        var kit = await SubscriptionKit.OpenAsync(server);

        var started = await kit.CallAsync("StartTrial", kit.Trial("central-1", "central", "basic"), kit.Holder);
        Assert.Equal(Proto.SubscriptionStatus.Trial, started.Subscription.Status);
        Assert.Equal(Start.AddDays(14), started.Subscription.TrialEnd.ToDateTimeOffset());

        await kit.AdvanceToAsync(Start.AddDays(14).AddTicks(-1));
        Assert.Equal(Proto.SubscriptionStatus.Trial, (await kit.GetAsync("central-1")).Status);

        await kit.AdvanceToAsync(Start.AddDays(14));
        var free = await kit.GetAsync("central-1");
        Assert.Equal(Proto.SubscriptionStatus.Free, free.Status);
        Assert.Null(free.NextRenewal);
        Assert.Empty(free.InvoiceNumbers);
        Assert.Empty(await kit.InvoicesAsync());
    }

    [Fact]
    public async Task SUB_1_a_pro_trial_with_a_card_becomes_active_and_invoiced_at_its_trial_end()
    {
        var kit = await SubscriptionKit.OpenAsync(server, withCard: true);
        await kit.CallAsync("StartTrial", kit.Trial("pro-1", "pro", "personal"), kit.Holder);

        await kit.AdvanceToAsync(Start.AddDays(20));

        var active = await kit.GetAsync("pro-1");
        Assert.Equal(Proto.SubscriptionStatus.Active, active.Status);
        var trialEnd = Start.AddDays(14);
        Assert.Equal(trialEnd, active.CurrentPeriodStart.ToDateTimeOffset());
        Assert.Equal(trialEnd.AddDays(30), active.NextRenewal.ToDateTimeOffset());
        var invoice = Assert.Single(await kit.InvoicesAsync());
        Assert.Equal([invoice.Number], active.InvoiceNumbers);
        Assert.Equal(Proto.InvoiceStatus.Paid, invoice.Status);
        Assert.Equal(trialEnd, invoice.IssuedAt.ToDateTimeOffset());
        var line = Assert.Single(invoice.Lines, l => l.Kind == Proto.InvoiceLineKind.SubscriptionCharge);
        Assert.Equal("pro-1", line.SubscriptionId);
        Assert.Equal(SubscriptionKit.SeatPrice("pro", "personal"), decimal.Parse(invoice.Total.Amount, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task SUB_1_a_pro_trial_without_a_default_payment_method_expires_uninvoiced()
    {
        var kit = await SubscriptionKit.OpenAsync(server, withCard: false);
        await kit.CallAsync("StartTrial", kit.Trial("pro-1", "pro", "personal"), kit.Holder);

        await kit.AdvanceToAsync(Start.AddDays(20));

        var expired = await kit.GetAsync("pro-1");
        Assert.Equal(Proto.SubscriptionStatus.Expired, expired.Status);
        Assert.Equal(Start.AddDays(14), expired.EndedAt.ToDateTimeOffset());
        Assert.Empty(await kit.InvoicesAsync());
    }

    [Fact]
    public async Task SUB_1_and_ACC_3_a_pro_trial_whose_only_card_expired_before_its_trial_end_expires_uninvoiced()
    {
        var start = new DateTimeOffset(2026, 3, 25, 0, 0, 0, TimeSpan.Zero);
        var kit = await SubscriptionKit.OpenAsync(server, withCard: false, start: start);
        var card = Requests.AddCard(kit.AccountId, 1);
        (card.ExpiryMonth, card.ExpiryYear) = (3, 2026);
        var account = await server.Client.AccountAsync("AddCard", card, kit.Holder);
        await kit.CallAsync("StartTrial", kit.Trial("pro-1", "pro", "personal"), kit.Holder);

        await kit.AdvanceToAsync(start.AddDays(20));

        Assert.Equal("card-1", account.DefaultPaymentMethodId);
        var expired = await kit.GetAsync("pro-1");
        Assert.Equal(Proto.SubscriptionStatus.Expired, expired.Status);
        Assert.Equal(start.AddDays(14), expired.EndedAt.ToDateTimeOffset());
        Assert.Empty(expired.InvoiceNumbers);
        Assert.Empty(await kit.InvoicesAsync());
    }

    [Fact]
    public async Task SUB_3_an_active_monthly_subscription_renews_12_times_in_a_simulated_year_with_one_invoice_per_period()
    {
        var kit = await SubscriptionKit.OpenAsync(server);
        var bought = await kit.BuyAsync("meeting-1", "meeting", "professional", seats: 2);
        Assert.Equal(Start.AddDays(30), bought.Subscription.NextRenewal.ToDateTimeOffset());

        await kit.AdvanceToAsync(Start.AddDays(365));

        var renewed = await kit.GetAsync("meeting-1");
        Assert.Equal(Proto.SubscriptionStatus.Active, renewed.Status);
        Assert.Equal(Start.AddDays(360), renewed.CurrentPeriodStart.ToDateTimeOffset());
        Assert.Equal(Start.AddDays(390), renewed.NextRenewal.ToDateTimeOffset());
        var invoices = await kit.InvoicesAsync();
        Assert.Equal(13, invoices.Count);
        Assert.Equal(13, invoices.Select(i => i.Number).Distinct().Count());
        Assert.Equal(invoices.Select(i => i.Number), renewed.InvoiceNumbers);
        var periods = invoices.Select(i => Assert.Single(i.Lines, l => l.Kind == Proto.InvoiceLineKind.SubscriptionCharge).PeriodStart.ToDateTimeOffset()).ToList();
        Assert.Equal(Enumerable.Range(0, 13).Select(k => Start.AddDays(30 * k)), periods);
        var amount = (2 * SubscriptionKit.SeatPrice("meeting", "professional")).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);
        Assert.All(invoices, i => Assert.Equal(amount, i.Total.Amount));
        var history = (await kit.InspectAsync("meeting-1")).History;
        Assert.Equal(12, history.Count(h => h.Change == "renewed" && h.Cause.Kind == "reminder"));
    }

    [Fact]
    public async Task SUB_6_a_subscription_cancelled_mid_period_stays_usable_until_the_period_end_then_is_cancelled()
    {
        var kit = await SubscriptionKit.OpenAsync(server);
        await kit.BuyAsync("meeting-1", "meeting", "professional");
        await kit.AdvanceToAsync(Start.AddDays(10));

        var pending = (await kit.ActAsync("CancelSubscription", "meeting-1", kit.Holder)).Subscription;

        Assert.Equal(Proto.SubscriptionStatus.PendingCancellation, pending.Status);
        Assert.Equal(Start.AddDays(30), pending.CancellationEffectiveAt.ToDateTimeOffset());
        Assert.Null(pending.NextRenewal);
        await kit.AdvanceToAsync(Start.AddDays(30).AddTicks(-1));
        Assert.Equal(Proto.SubscriptionStatus.PendingCancellation, (await kit.GetAsync("meeting-1")).Status);
        await kit.AdvanceToAsync(Start.AddDays(90));
        var cancelled = await kit.GetAsync("meeting-1");
        Assert.Equal(Proto.SubscriptionStatus.Cancelled, cancelled.Status);
        Assert.Equal(Start.AddDays(30), cancelled.EndedAt.ToDateTimeOffset());
        Assert.Single(await kit.InvoicesAsync());
    }

    [Fact]
    public async Task SUB_6_a_withdrawn_cancellation_renews_again_at_the_period_end()
    {
        var kit = await SubscriptionKit.OpenAsync(server);
        await kit.BuyAsync("meeting-1", "meeting", "professional");
        await kit.AdvanceToAsync(Start.AddDays(10));
        await kit.ActAsync("CancelSubscription", "meeting-1", kit.Holder);

        var resumed = (await kit.ActAsync("WithdrawCancellation", "meeting-1", kit.Holder)).Subscription;
        await kit.AdvanceToAsync(Start.AddDays(31));

        Assert.Equal(Proto.SubscriptionStatus.Active, resumed.Status);
        Assert.Equal(Start.AddDays(30), resumed.NextRenewal.ToDateTimeOffset());
        var renewed = await kit.GetAsync("meeting-1");
        Assert.Equal(Proto.SubscriptionStatus.Active, renewed.Status);
        Assert.Equal(2, (await kit.InvoicesAsync()).Count);
    }

    [Fact]
    public async Task SUB_6_a_15_month_contract_cancelled_with_3_months_left_bills_those_3_months_and_ends_at_the_contract_end()
    {
        // Payments are outside this API, so the first 12 months are left unbilled (an ops billing start) to keep the
        // account free of overdue invoices, which would refuse the cancellation (SUB-6).
        var kit = await SubscriptionKit.OpenAsync(server);
        var contract = kit.Purchase("connect-1", "connect", "phone-system", seats: 4);
        contract.ContractTermMonths = 15;
        contract.BillingStart = Timestamp.FromDateTimeOffset(Start.AddMonths(12));
        var signed = (await kit.CallAsync("CreateSubscription", contract, kit.Ops)).Subscription;
        Assert.Equal(Start.AddMonths(15), signed.ContractEnd.ToDateTimeOffset());
        await kit.AdvanceToAsync(new DateTimeOffset(2027, 2, 15, 0, 0, 0, TimeSpan.Zero));
        Assert.Empty(await kit.InvoicesAsync());

        var cancelled = await kit.ActAsync("CancelSubscription", "connect-1", kit.Ops);

        Assert.Equal(Proto.SubscriptionStatus.PendingCancellation, cancelled.Subscription.Status);
        Assert.Equal(Start.AddMonths(15), cancelled.Subscription.CancellationEffectiveAt.ToDateTimeOffset());
        var invoice = await kit.InvoiceAsync(cancelled.IssuedInvoiceNumber);
        var line = Assert.Single(invoice.Lines, l => l.Kind == Proto.InvoiceLineKind.SubscriptionCharge);
        Assert.Equal("12", line.Quantity);
        Assert.Equal(Start.AddMonths(12), line.PeriodStart.ToDateTimeOffset());
        Assert.Equal(Start.AddMonths(15), line.PeriodEnd.ToDateTimeOffset());
        Assert.Equal(3 * 4 * SubscriptionKit.SeatPrice("connect", "phone-system"), decimal.Parse(invoice.Subtotal.Amount, System.Globalization.CultureInfo.InvariantCulture));
        await kit.AdvanceToAsync(Start.AddMonths(16));
        Assert.Equal(Proto.SubscriptionStatus.Cancelled, (await kit.GetAsync("connect-1")).Status);
        Assert.Single(await kit.InvoicesAsync());
    }

    [Fact]
    public async Task SUB_6_a_connect_cancellation_9_days_before_month_end_takes_effect_at_the_end_of_the_following_month()
    {
        var kit = await SubscriptionKit.OpenAsync(server, start: new DateTimeOffset(2026, 3, 20, 9, 0, 0, TimeSpan.Zero));
        await kit.BuyAsync("connect-1", "connect", "phone-system");
        await kit.AdvanceToAsync(new DateTimeOffset(2026, 3, 22, 9, 0, 0, TimeSpan.Zero));

        var pending = (await kit.ActAsync("CancelSubscription", "connect-1", kit.Ops)).Subscription;

        Assert.Equal(Proto.SubscriptionStatus.PendingCancellation, pending.Status);
        Assert.Equal(new DateTimeOffset(2026, 5, 1, 0, 0, 0, TimeSpan.Zero), pending.CancellationEffectiveAt.ToDateTimeOffset());
        await kit.AdvanceToAsync(new DateTimeOffset(2026, 4, 30, 0, 0, 0, TimeSpan.Zero));
        var stillServed = await kit.GetAsync("connect-1");
        Assert.Equal(Proto.SubscriptionStatus.PendingCancellation, stillServed.Status);
        var april = Assert.Single(await kit.InvoicesAsync());
        Assert.Equal(new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero), april.IssuedAt.ToDateTimeOffset());
        await kit.AdvanceToAsync(new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero));
        Assert.Equal(Proto.SubscriptionStatus.Cancelled, (await kit.GetAsync("connect-1")).Status);
        Assert.Single(await kit.InvoicesAsync());
    }

    [Fact]
    public async Task SUB_4_removing_seats_credits_the_unused_part_to_the_account_balance_and_keeps_the_billing_date()
    {
        var kit = await SubscriptionKit.OpenAsync(server);
        await kit.BuyAsync("meeting-1", "meeting", "professional", seats: 5);
        await kit.AdvanceToAsync(Start.AddDays(10));

        var change = await kit.CallAsync("RemoveSeats", new Proto.RemoveSeatsRequest
        {
            RequestId = Requests.NewRequestId(), AccountId = kit.AccountId, SubscriptionId = "meeting-1", Seats = 2,
        }, kit.Holder);

        Assert.Equal(3, change.Subscription.Seats);
        Assert.Equal(Start.AddDays(30), change.Subscription.NextRenewal.ToDateTimeOffset());
        Assert.Empty(change.IssuedInvoiceNumber);
        var credit = Assert.Single(change.Credits);
        var expected = Math.Round(2 * SubscriptionKit.SeatPrice("meeting", "professional") * 20 / 30, 2, MidpointRounding.AwayFromZero);
        Assert.Equal(expected.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture), credit.Amount.Amount);
        var account = await kit.InspectAccountAsync();
        var entry = Assert.Single(account.History, h => h.Change == "credit");
        Assert.Contains("meeting-1", entry.PayloadJson, StringComparison.Ordinal);
        Assert.Single(await kit.InvoicesAsync());
    }

    [Fact]
    public async Task SUB_4_an_upgrade_credits_the_unused_part_and_invoices_a_new_period_from_the_change_date()
    {
        var kit = await SubscriptionKit.OpenAsync(server);
        await kit.BuyAsync("meeting-1", "meeting", "professional");
        await kit.AdvanceToAsync(Start.AddDays(15));

        var change = await kit.CallAsync("ChangePlan", new Proto.ChangePlanRequest
        {
            RequestId = Requests.NewRequestId(), AccountId = kit.AccountId, SubscriptionId = "meeting-1", PlanId = "business",
        }, kit.Holder);

        Assert.Equal("business", change.Subscription.PlanId);
        Assert.Equal(Start.AddDays(45), change.Subscription.NextRenewal.ToDateTimeOffset());
        var invoice = await kit.InvoiceAsync(change.IssuedInvoiceNumber);
        var credit = Assert.Single(invoice.Lines, l => l.Kind == Proto.InvoiceLineKind.ProrationCredit);
        var charge = Assert.Single(invoice.Lines, l => l.Kind == Proto.InvoiceLineKind.SubscriptionCharge);
        Assert.Equal(-SubscriptionKit.SeatPrice("meeting", "professional") / 2, decimal.Parse(credit.Amount.Amount, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(SubscriptionKit.SeatPrice("meeting", "business"), decimal.Parse(charge.Amount.Amount, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task SUB_5_licences_are_assigned_up_to_the_seats_and_unassigning_frees_a_seat()
    {
        var kit = await SubscriptionKit.OpenAsync(server);
        await kit.BuyAsync("meeting-1", "meeting", "professional", seats: 1);
        Proto.AssignLicenceRequest Assign(string user) => new() { RequestId = Requests.NewRequestId(), AccountId = kit.AccountId, SubscriptionId = "meeting-1", UserId = user };

        await kit.CallAsync("AssignLicence", Assign("u-1"), kit.Holder);
        var full = await Api.FailsWithAsync(global::Grpc.Core.StatusCode.FailedPrecondition, () => kit.CallAsync("AssignLicence", Assign("u-2"), kit.Holder));
        await kit.CallAsync("UnassignLicence", new Proto.UnassignLicenceRequest
        {
            RequestId = Requests.NewRequestId(), AccountId = kit.AccountId, SubscriptionId = "meeting-1", UserId = "u-1",
        }, kit.Holder);
        var reassigned = await kit.CallAsync("AssignLicence", Assign("u-2"), kit.Holder);

        Assert.Equal(Rules.Sub5, full.RuleId());
        Assert.Equal(["u-2"], reassigned.Subscription.AssignedUsers);
    }

    [Fact]
    public async Task SUB_10_a_frequency_change_takes_effect_at_the_next_renewal()
    {
        var kit = await SubscriptionKit.OpenAsync(server);
        await kit.BuyAsync("meeting-1", "meeting", "professional");

        var scheduled = await kit.CallAsync("ChangeBillingFrequency", new Proto.ChangeBillingFrequencyRequest
        {
            RequestId = Requests.NewRequestId(), AccountId = kit.AccountId, SubscriptionId = "meeting-1", Frequency = Proto.BillingFrequency.Annual,
        }, kit.Holder);
        await kit.AdvanceToAsync(Start.AddDays(31));

        Assert.Equal(Proto.BillingFrequency.Monthly, scheduled.Subscription.Frequency);
        Assert.Equal(Proto.BillingFrequency.Annual, scheduled.Subscription.PendingFrequency);
        var renewed = await kit.GetAsync("meeting-1");
        Assert.Equal(Proto.BillingFrequency.Annual, renewed.Frequency);
        Assert.Equal(Start.AddDays(30).AddYears(1), renewed.NextRenewal.ToDateTimeOffset());
        var annual = (await kit.InvoicesAsync())[^1];
        Assert.Equal(SubscriptionKit.SeatPrice("meeting", "professional", Domain.Billing.BillingFrequency.Annual), decimal.Parse(annual.Total.Amount, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task SUB_2_and_SUB_7_a_free_subscription_is_upgraded_to_paid_and_a_cancelled_one_reactivated_with_new_invoices()
    {
        var kit = await SubscriptionKit.OpenAsync(server);
        await kit.CallAsync("StartTrial", kit.Trial("central-1", "central", "basic"), kit.Holder);
        await kit.AdvanceToAsync(Start.AddDays(14));

        var paid = await kit.CallAsync("UpgradeToPaid", new Proto.UpgradeToPaidRequest
        {
            RequestId = Requests.NewRequestId(), AccountId = kit.AccountId, SubscriptionId = "central-1", Seats = 3,
        }, kit.Holder);
        await kit.ActAsync("CancelSubscription", "central-1", kit.Ops);
        await kit.AdvanceToAsync(Start.AddDays(50));
        var reactivated = await kit.ActAsync("ReactivateSubscription", "central-1", kit.Holder);

        Assert.Equal(Proto.SubscriptionStatus.Active, paid.Subscription.Status);
        Assert.NotEmpty(paid.IssuedInvoiceNumber);
        Assert.Equal(Proto.SubscriptionStatus.Active, reactivated.Subscription.Status);
        Assert.Equal(Start.AddDays(50), reactivated.Subscription.CurrentPeriodStart.ToDateTimeOffset());
        Assert.NotEmpty(reactivated.IssuedInvoiceNumber);
        Assert.Equal([paid.IssuedInvoiceNumber, reactivated.IssuedInvoiceNumber], reactivated.Subscription.InvoiceNumbers);
    }

    [Fact]
    public async Task SUB_11_free_months_granted_by_billing_ops_bill_nothing_before_the_billing_start_and_customers_cannot_grant_them()
    {
        var kit = await SubscriptionKit.OpenAsync(server);
        var request = kit.Purchase("connect-1", "connect", "standard", seats: 2);
        request.FreeMonths = 2;

        var refused = await Api.FailsWithAsync(global::Grpc.Core.StatusCode.FailedPrecondition, () => kit.CallAsync("CreateSubscription", request, kit.Holder));
        var signed = (await kit.CallAsync("CreateSubscription", request, kit.Ops)).Subscription;
        await kit.AdvanceToAsync(Start.AddMonths(2).AddTicks(-1));
        var beforeBilling = await kit.InvoicesAsync();
        await kit.AdvanceToAsync(Start.AddMonths(2));

        Assert.Equal(Rules.Sub11, refused.RuleId());
        Assert.Equal((Proto.SubscriptionStatus.Active, 2), (signed.Status, signed.FreeMonths));
        Assert.Equal(Start.AddMonths(2), signed.BillingStart.ToDateTimeOffset());
        Assert.Empty(beforeBilling);
        var first = Assert.Single(await kit.InvoicesAsync());
        Assert.Equal(Start.AddMonths(2), first.IssuedAt.ToDateTimeOffset());
        Assert.Equal(2 * SubscriptionKit.SeatPrice("connect", "standard"), decimal.Parse(first.Subtotal.Amount, System.Globalization.CultureInfo.InvariantCulture));
    }
}
