using Subscriptions.Domain.Accounts;
using Subscriptions.Domain.Billing;
using Subscriptions.Domain.Currencies;
using Subscriptions.Domain.Errors;
using Subscriptions.Domain.Invoices;
using Subscriptions.Domain.Subscriptions;
using static Subscriptions.Domain.Tests.TestKit;

namespace Subscriptions.Domain.Tests.Invoices;


/// <summary>The invoice lifecycle's decisions (INV-3 to INV-7) and its table.</summary>
public sealed class InvoiceLifecycleTests
{
    private static readonly DateTimeOffset Issued = Utc(2026, 3, 1, 23, 30);

    private static Invoice Open(decimal total = 100m) =>
        new InvoiceBuilder("acc-1", "ACME-000001", Issued, Currency.Usd)
            .Add([new ChargeLine(InvoiceLineKind.SubscriptionCharge, "Plan", 1, new Money(total, Currency.Usd), SubscriptionId: "sub-1")])
            .Build();

    private static PaymentAttempt Attempt(Invoice invoice, DateTimeOffset at, PaymentAttemptStatus status, decimal amount = 100m) => new()
    {
        Number = invoice.Attempts.Count + 1, At = at, Amount = new Money(amount, Currency.Usd), Method = "Visa ending 4242", PaymentMethodId = "card-1", Status = status, By = "u-1",
    };

    private static InvoiceContext At(DateTimeOffset now, TimeZoneInfo? zone = null) => new(now, zone ?? TimeZoneInfo.Utc);

    private static Invoice Tried(Invoice invoice, DateTimeOffset at, PaymentAttemptStatus status, decimal amount = 100m) =>
        Invoice.Decide(invoice, new RecordPaymentAttempt(Attempt(invoice, at, status, amount)), At(Issued)).Invoice;

    [Fact]
    public void INV_3_a_partial_then_a_full_payment_keep_paid_amount_and_balance_exact()
    {
        var partly = Invoice.Decide(Open(), new RecordPaymentAttempt(Attempt(Open(), Issued, PaymentAttemptStatus.Succeeded, 33.33m)), At(Issued));
        var paid = Invoice.Decide(partly.Invoice, new RecordPaymentAttempt(Attempt(partly.Invoice, Issued, PaymentAttemptStatus.Succeeded, 66.67m)), At(Issued));

        Assert.Equal((InvoiceStatus.Open, 66.67m, InvoiceEvent.PaidInPart), (partly.Invoice.Status, partly.Invoice.Balance.Amount, partly.Steps.Single().Event));
        Assert.Equal((InvoiceStatus.Paid, 0m, 100m, InvoiceEvent.PaidInFull), (paid.Invoice.Status, paid.Invoice.Balance.Amount, paid.Invoice.AmountPaid.Amount, paid.Steps.Single().Event));
    }

    [Fact]
    public void INV_3_the_whole_balance_is_charged_when_no_amount_is_given_and_more_is_refused()
    {
        var invoice = Tried(Open(), Issued, PaymentAttemptStatus.Succeeded, 40m);

        Assert.Equal(60m, InvoiceLifecycle.CheckPayment(invoice, null, Issued, PaymentPolicy.Default).Amount);
        Assert.Equal(Rules.Inv3, Assert.Throws<RuleViolationException>(() => InvoiceLifecycle.CheckPayment(invoice, 60.01m, Issued, PaymentPolicy.Default)).RuleId);
        Assert.Equal("amount", Assert.Throws<ValidationException>(() => InvoiceLifecycle.CheckPayment(invoice, 0m, Issued, PaymentPolicy.Default)).Violations.Single().Field);
    }

    [Fact]
    public void INV_4_the_attempt_limit_and_the_wait_after_a_decline_come_from_the_policy()
    {
        var policy = new PaymentPolicy(TimeSpan.FromMinutes(30), 2, TimeSpan.FromHours(12));
        var once = Tried(Open(), Issued, PaymentAttemptStatus.Declined);

        var tooSoon = Assert.Throws<RuleViolationException>(() => InvoiceLifecycle.CheckRetryAfterDecline(once, Issued.AddMinutes(29), policy, null));
        var twice = Tried(once, Issued.AddMinutes(30), PaymentAttemptStatus.Declined);
        var limit = Assert.Throws<RuleViolationException>(() => InvoiceLifecycle.CheckPayment(twice, null, Issued.AddHours(11), policy));

        Assert.Contains("after 30 minutes", tooSoon.Reason, StringComparison.Ordinal);
        Assert.Contains("maximum attempts reached, try again in 12 hours", limit.Reason, StringComparison.Ordinal);
        Assert.Equal(100m, InvoiceLifecycle.CheckPayment(twice, null, Issued.AddHours(12).AddMinutes(1), policy).Amount);
    }

    [Fact]
    public void INV_4_an_attempt_waiting_for_authentication_blocks_others_until_settled()
    {
        var waiting = Tried(Open(), Issued, PaymentAttemptStatus.RequiresAction);

        Assert.Equal(Rules.Inv4, Assert.Throws<RuleViolationException>(() => InvoiceLifecycle.CheckPayment(waiting, null, Issued.AddDays(1), PaymentPolicy.Default)).RuleId);
        var declined = Invoice.Decide(waiting, new SettleAuthentication(1, Succeeded: false, "authentication_failed"), At(Issued.AddMinutes(5)));
        var abandoned = Invoice.Decide(waiting, new AbandonAuthentication(1), At(Issued.AddMinutes(5)));
        var confirmed = Invoice.Decide(waiting, new SettleAuthentication(1, Succeeded: true, null), At(Issued.AddMinutes(5)));

        Assert.Equal((PaymentAttemptStatus.Declined, InvoiceStatus.Open), (declined.Invoice.Attempts[0].Status, declined.Invoice.Status));
        Assert.Equal((PaymentAttemptStatus.Abandoned, 100m), (abandoned.Invoice.Attempts[0].Status, abandoned.Invoice.Balance.Amount));
        Assert.Equal((PaymentAttemptStatus.Succeeded, InvoiceStatus.Paid), (confirmed.Invoice.Attempts[0].Status, confirmed.Invoice.Status));
        Assert.Equal(Rules.Inv4, Assert.Throws<RuleViolationException>(() => Invoice.Decide(confirmed.Invoice, new AbandonAuthentication(1), At(Issued))).RuleId);
    }

    [Fact]
    public void INV_5_an_invoice_falls_overdue_at_its_due_date_only_with_a_balance()
    {
        var invoice = Open();

        Assert.Empty(Invoice.Decide(invoice, new FallOverdue(), At(invoice.DueAt.AddTicks(-1))).Steps);
        Assert.Equal(InvoiceStatus.Overdue, Invoice.Decide(invoice, new FallOverdue(), At(invoice.DueAt)).Invoice.Status);
        Assert.Empty(Invoice.Decide(Tried(invoice, Issued, PaymentAttemptStatus.Succeeded), new FallOverdue(), At(invoice.DueAt)).Steps);
        Assert.Equal(invoice.DueAt, InvoiceLifecycle.WantedWakeAt(invoice));
    }

    [Fact]
    public void INV_6_the_autopay_schedule_retries_on_the_catalog_days_and_wakes_before_the_due_date()
    {
        var invoice = Open() with { AutopaySchedule = InvoiceLifecycle.AutopaySchedule(Issued, [1, 3, 7]) };

        Assert.Equal([Issued, Issued.AddDays(1), Issued.AddDays(3), Issued.AddDays(7)], invoice.AutopaySchedule);
        Assert.Equal(Issued, InvoiceLifecycle.WantedWakeAt(invoice));
        var afterThree = InvoiceLifecycle.TakeAutopay(InvoiceLifecycle.TakeAutopay(InvoiceLifecycle.TakeAutopay(invoice)));
        Assert.Equal(Issued.AddDays(7), InvoiceLifecycle.WantedWakeAt(afterThree));
        Assert.Equal(invoice.DueAt, InvoiceLifecycle.WantedWakeAt(InvoiceLifecycle.TakeAutopay(afterThree)));
        Assert.Null(InvoiceLifecycle.NextAutopay(Tried(invoice, Issued, PaymentAttemptStatus.Succeeded)));
    }

    [Fact]
    public void INV_7_the_dispute_window_counts_local_days_from_the_issue_date()
    {
        // Issued 1 March 18:30 in New York (23:30 UTC): day 15 is 16 March local time.
        var zone = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
        var invoice = Open();

        var accepted = Invoice.Decide(invoice, new OpenDispute("u-1", "Not ordered"), At(Utc(2026, 3, 17, 3, 0), zone));
        var refused = Assert.Throws<RuleViolationException>(() => Invoice.Decide(invoice, new OpenDispute("u-1", "Not ordered"), At(Utc(2026, 3, 17, 5, 0), zone)));

        Assert.Equal(InvoiceStatus.Disputed, accepted.Invoice.Status);
        Assert.Equal(Rules.Inv7, refused.RuleId);
        Assert.Contains("16 days ago", refused.Reason, StringComparison.Ordinal);
        Assert.Equal("reason", Assert.Throws<ValidationException>(() => Invoice.Decide(invoice, new OpenDispute("u-1", " "), At(Issued, zone))).Violations.Single().Field);
    }

    [Fact]
    public void INV_7_a_rejected_dispute_past_the_due_date_is_overdue_at_once()
    {
        var disputed = Invoice.Decide(Open(), new OpenDispute("u-1", "Wrong seats"), At(Issued.AddDays(2), TimeZoneInfo.Utc)).Invoice;

        var rejected = Invoice.Decide(disputed, new ResolveDispute("ops-1", null, "Seats were used"), At(Issued.AddDays(20)));

        Assert.Equal([InvoiceEvent.DisputeRejected, InvoiceEvent.FellOverdue], rejected.Steps.Select(s => s.Event));
        Assert.Equal((InvoiceStatus.Overdue, 100m), (rejected.Invoice.Status, rejected.Invoice.Balance.Amount));
        Assert.Equal("comment", Assert.Throws<ValidationException>(() => Invoice.Decide(disputed, new ResolveDispute("ops-1", null, ""), At(Issued))).Violations.Single().Field);
    }

    [Fact]
    public void INV_lifecycle_every_state_and_event_pair_is_allowed_or_refused_with_a_rule()
    {
        foreach (var status in Enum.GetValues<InvoiceStatus>())
        {
            foreach (var invoiceEvent in Enum.GetValues<InvoiceEvent>())
            {
                if (!InvoiceTransitions.Table.Allows(status, invoiceEvent))
                {
                    var refusal = InvoiceTransitions.Table.RefusalFor(status, invoiceEvent);
                    Assert.Matches("^INV-[0-9]$", refusal.RuleId);
                    Assert.False(string.IsNullOrWhiteSpace(refusal.Reason));
                }
            }
        }

        var table = InvoiceTransitions.Table.Describe();
        Assert.All(InvoiceTransitions.Table.Allowed, t => Assert.Contains(
            $"{t.From.ToWireName(),-12}{t.Event.ToWireName(),-28}{t.To.ToWireName(),-12}{InvoiceTransitions.Table.RuleOf(t.Event)}", table, StringComparison.Ordinal));
    }

    [Fact]
    public void ACC_6_balances_count_owed_invoices_and_credit_and_a_disputed_invoice_is_not_overdue()
    {
        var usd = Currency.Usd;
        var now = Utc(2026, 4, 1);
        InvoiceLedgerEntry Entry(string n, decimal balance, InvoiceStatus status, DateTimeOffset due) => new(n, now.AddDays(-20), due, new Money(100m, usd), new Money(balance, usd), status, 1);

        var balances = AccountBalances.Of(
            [Entry("1", 0m, InvoiceStatus.Paid, now.AddDays(-5)), Entry("2", 40m, InvoiceStatus.Overdue, now.AddDays(-5)), Entry("3", 30m, InvoiceStatus.Disputed, now.AddDays(-5)),
             Entry("4", 20m, InvoiceStatus.Open, now), Entry("5", 10m, InvoiceStatus.Open, now.AddDays(1))],
            new Money(15m, usd),
            now);

        Assert.Equal((85m, 60m, 15m), (balances.Balance.Amount, balances.OverdueBalance.Amount, balances.UnappliedCredit.Amount));
    }

    [Fact]
    public void INV_6_autopay_charges_anniversary_invoices_at_once_and_calendar_invoices_on_the_10th_local_or_at_once_once_it_passed()
    {
        var paris = AccountTimeZone.Resolve("Europe/Paris");
        var first = Utc(2026, 3, 1, 9);
        var late = Utc(2026, 3, 12, 9);

        Assert.Equal(first, InvoiceLifecycle.FirstAutopayAt(BillingModel.Anniversary, first, paris));
        Assert.Equal(Utc(2026, 3, 9, 23), InvoiceLifecycle.FirstAutopayAt(BillingModel.Calendar, first, paris));
        Assert.Equal(late, InvoiceLifecycle.FirstAutopayAt(BillingModel.Calendar, late, paris));
    }

    [Fact]
    public void INV_3_a_charge_found_at_the_gateway_pays_at_most_the_balance_and_the_rest_is_excess_for_the_account_credit()
    {
        var invoice = Open();
        var found = Attempt(invoice, Issued, PaymentAttemptStatus.Succeeded, 120m);

        var over = Invoice.Decide(invoice, new RecordFoundPayment(found), At(Issued));
        var onPaid = Invoice.Decide(over.Invoice, new RecordFoundPayment(Attempt(over.Invoice, Issued, PaymentAttemptStatus.Succeeded, 30m)), At(Issued));

        Assert.Equal((InvoiceStatus.Paid, 100m, 20m), (over.Invoice.Status, over.Invoice.AmountPaid.Amount, over.AccountCredit?.Amount));
        Assert.Equal((InvoiceStatus.Paid, 30m, 2), (onPaid.Invoice.Status, onPaid.AccountCredit?.Amount, onPaid.Invoice.Attempts.Count));
        Assert.Empty(onPaid.Steps);
    }

    [Fact]
    public void INV_1_an_invoice_nobody_paid_is_voided_and_one_with_payments_is_refused()
    {
        var voided = Invoice.Decide(Open(), new VoidInvoice("ops-1", "Issued twice"), At(Issued));
        var partlyPaid = Tried(Open(), Issued, PaymentAttemptStatus.Succeeded, 10m);

        var refused = Assert.Throws<RuleViolationException>(() => Invoice.Decide(partlyPaid, new VoidInvoice("ops-1", "Issued twice"), At(Issued)));

        Assert.Equal(InvoiceStatus.Void, voided.Invoice.Status);
        Assert.Equal(Rules.Inv1, refused.RuleId);
    }

    [Fact]
    public void INV_4_only_attempts_that_failed_or_asked_for_authentication_count_toward_the_limit_and_the_wait_is_for_the_declined_method()
    {
        var policy = new PaymentPolicy(TimeSpan.FromHours(1), 2, TimeSpan.FromHours(24));
        var partlyPaid = Tried(Tried(Open(), Issued, PaymentAttemptStatus.Succeeded, 10m), Issued.AddMinutes(1), PaymentAttemptStatus.Succeeded, 10m);
        var declined = Tried(partlyPaid, Issued.AddMinutes(2), PaymentAttemptStatus.Declined);
        var sameCard = new ChargeSource("tok_1", "Visa ending 4242", "card-1");
        var otherCard = new ChargeSource("tok_2", "Visa ending 1111", "card-2");
        var oneTime = new ChargeSource("tok_once", "one-time card", null);

        var same = Assert.Throws<RuleViolationException>(() => InvoiceLifecycle.CheckRetryAfterDecline(declined, Issued.AddMinutes(3), policy, sameCard));
        var thenOther = Tried(declined, Issued.AddMinutes(4), PaymentAttemptStatus.Declined);
        var sameAfterOther = Assert.Throws<RuleViolationException>(() => InvoiceLifecycle.CheckRetryAfterDecline(
            thenOther with { Attempts = [.. thenOther.Attempts.SkipLast(1), thenOther.Attempts[^1] with { PaymentMethodId = "card-2" }] }, Issued.AddMinutes(5), policy, sameCard));

        Assert.Equal(80m, InvoiceLifecycle.CheckPayment(partlyPaid, null, Issued.AddMinutes(2), policy).Amount);
        Assert.Contains("or try another card now", same.Reason, StringComparison.Ordinal);
        Assert.Equal(Rules.Inv4, sameAfterOther.RuleId);
        InvoiceLifecycle.CheckRetryAfterDecline(declined, Issued.AddMinutes(3), policy, otherCard);
        InvoiceLifecycle.CheckRetryAfterDecline(declined, Issued.AddMinutes(3), policy, oneTime);
        InvoiceLifecycle.CheckRetryAfterDecline(declined, Issued.AddMinutes(62), policy, sameCard);
    }

    [Fact]
    public void INV_7_a_paid_invoice_is_disputed_within_15_days_and_a_credit_goes_to_the_account_while_it_stays_paid()
    {
        var paid = Tried(Open(), Issued, PaymentAttemptStatus.Succeeded);
        var disputed = Invoice.Decide(paid, new OpenDispute("u-1", "Charged after cancelling"), At(Issued.AddDays(3))).Invoice;

        var tooMuch = Assert.Throws<ValidationException>(() => Invoice.Decide(disputed, new ResolveDispute("ops-1", 100.01m, "Refund"), At(Issued.AddDays(4))));
        var credited = Invoice.Decide(disputed, new ResolveDispute("ops-1", 40m, "Two seats were never used"), At(Issued.AddDays(4)));
        var rejected = Invoice.Decide(disputed, new ResolveDispute("ops-1", null, "Seats were used"), At(Issued.AddDays(4)));

        Assert.Equal(InvoiceStatus.Disputed, disputed.Status);
        Assert.Equal("credit", tooMuch.Violations.Single().Field);
        Assert.Equal((InvoiceStatus.Paid, 40m, 0m), (credited.Invoice.Status, credited.AccountCredit?.Amount, credited.Invoice.Balance.Amount));
        Assert.Equal([InvoiceEvent.PaidDisputeCredited], credited.Steps.Select(s => s.Event));
        Assert.Equal((InvoiceStatus.Paid, (decimal?)null), (rejected.Invoice.Status, rejected.AccountCredit?.Amount));
        Assert.Equal([InvoiceEvent.PaidDisputeRejected], rejected.Steps.Select(s => s.Event));
    }

    [Fact]
    public void ACC_6_account_credit_pays_what_it_can_of_a_new_invoice_and_one_it_covers_whole_is_paid_at_issue()
    {
        var open = Open() with { AutopaySchedule = [Issued] };

        var (part, partApplied) = InvoiceLifecycle.ApplyAccountCredit(open, new Money(30m, Currency.Usd));
        var (whole, wholeApplied) = InvoiceLifecycle.ApplyAccountCredit(open, new Money(250m, Currency.Usd));
        var (none, noneApplied) = InvoiceLifecycle.ApplyAccountCredit(open, Money.Zero(Currency.Usd));

        Assert.Equal((30m, 70m, InvoiceStatus.Open, 1), (partApplied.Amount, part.Balance.Amount, part.Status, part.AutopaySchedule.Count));
        Assert.Equal((100m, 0m, InvoiceStatus.Paid, 0), (wholeApplied.Amount, whole.Balance.Amount, whole.Status, whole.AutopaySchedule.Count));
        Assert.Equal((0m, open), (noneApplied.Amount, none));
    }

    [Fact]
    public void INV_7_a_dispute_on_an_invoice_the_account_credit_paid_at_issue_stays_paid_and_may_credit_back_what_the_credit_paid()
    {
        var (coveredByCredit, _) = InvoiceLifecycle.ApplyAccountCredit(Open(), new Money(100m, Currency.Usd));
        var disputed = Invoice.Decide(coveredByCredit, new OpenDispute("u-1", "Not ordered"), At(Issued.AddDays(1))).Invoice;

        var rejected = Invoice.Decide(disputed, new ResolveDispute("ops-1", null, "Ordered on the phone"), At(Issued.AddDays(2)));
        var credited = Invoice.Decide(disputed, new ResolveDispute("ops-1", 100m, "Not ordered"), At(Issued.AddDays(2)));

        Assert.Equal((InvoiceStatus.Paid, InvoiceEvent.PaidDisputeRejected), (rejected.Invoice.Status, rejected.Steps.Single().Event));
        Assert.Equal((InvoiceStatus.Paid, 100m), (credited.Invoice.Status, credited.AccountCredit?.Amount));
    }
}
