using Subscriptions.Domain.Accounts;
using Subscriptions.Domain.Billing;
using Subscriptions.Domain.Currencies;
using Subscriptions.Domain.Errors;
using Subscriptions.Domain.Subscriptions;
using static Subscriptions.Domain.Invoices.InvoiceEvent;

namespace Subscriptions.Domain.Invoices;


/// <summary>One transition an invoice went through, as its history records it.</summary>
public sealed record InvoiceStep(InvoiceStatus From, InvoiceEvent Event, InvoiceStatus To, string Description);

/// <summary>The invoice after a decision and the transitions that led there (one, or two when a resolution falls overdue at once).</summary>
public sealed record InvoiceOutcome(Invoice Invoice, IReadOnlyList<InvoiceStep> Steps)
{
    /// <summary>
    /// Money the account is credited with, null when none: what a found charge took beyond what the invoice can take
    /// (<see cref="RecordFoundPayment"/>), or the credit resolving a dispute on a paid invoice (INV-7).
    /// </summary>
    public Money? AccountCredit { get; init; }

    /// <summary>True when one of the steps is <paramref name="invoiceEvent"/>.</summary>
    public bool Has(InvoiceEvent invoiceEvent) => Steps.Any(s => s.Event == invoiceEvent);
}

/// <summary>
/// The rules of an invoice's lifecycle (INV-3 to INV-7), pure: the checks a payment passes before the gateway is asked,
/// autopay's schedule, and the decisions behind <see cref="Invoice.Decide"/> (payments, authentication, falling overdue,
/// disputes, voids), each consulting <see cref="InvoiceTransitions"/> before it changes anything.
/// </summary>
public static class InvoiceLifecycle
{
    /// <summary>Days after the issue date within which a dispute is accepted (INV-7).</summary>
    public const int DisputeWindowDays = 15;

    /// <summary>The day of the month autopay charges calendar-billed invoices (INV-6).</summary>
    public const int CalendarAutopayDay = 10;

    /// <summary>
    /// Checks a payment before the gateway is asked (INV-3, INV-4) and returns the amount to charge: the balance when no
    /// amount is given. Refused: a paid, disputed or void invoice; an attempt while another waits for authentication; the
    /// attempt limit in the window, which counts the attempts that failed or asked for authentication, never a payment
    /// that went through; an amount that is not positive, finer than the currency's minor unit, or more than the balance
    /// (no overpayment). The wait after a decline is <see cref="CheckRetryAfterDecline"/>, once the method is known.
    /// </summary>
    public static Money CheckPayment(Invoice invoice, decimal? amount, DateTimeOffset now, PaymentPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        ArgumentNullException.ThrowIfNull(policy);
        InvoiceTransitions.Table.Require(invoice.Status, PaidInFull);
        if (invoice.PendingAuthentication is { } pending)
        {
            throw new RuleViolationException(
                Rules.Inv4, $"Payment attempt {pending.Number} on invoice {invoice.Number} is waiting for authentication: confirm or abandon it before paying again.");
        }

        var recent = invoice.Attempts.Where(a => a.At > now - policy.Window && a.Status != PaymentAttemptStatus.Succeeded).ToList();
        if (recent.Count >= policy.MaxAttempts)
        {
            var hours = (int)Math.Round(policy.Window.TotalHours);
            throw new RuleViolationException(
                Rules.Inv4,
                $"{recent.Count} payment attempts failed or asked for authentication on invoice {invoice.Number} in the last {hours} hours: maximum attempts reached, try again in {hours} hours "
                + $"(from {(recent.Min(a => a.At) + policy.Window).UtcDateTime:yyyy-MM-dd HH:mm} UTC).");
        }

        var balance = invoice.Balance;
        var charge = amount is { } asked ? new Money(asked, invoice.Currency) : balance;
        if (charge.Amount <= 0m)
        {
            throw new ValidationException("amount", $"amount must be more than 0 (got {charge.Amount}).");
        }

        if (charge.Round() != charge)
        {
            throw new ValidationException("amount", $"amount {charge.Amount} has more decimals than {invoice.Currency.Code} allows ({invoice.Currency.MinorUnits}).");
        }

        if (charge > balance)
        {
            throw new RuleViolationException(Rules.Inv3, $"Overpayment refused: {charge} is more than the balance of invoice {invoice.Number}, {balance}.");
        }

        return charge;
    }

    /// <summary>
    /// Refuses charging <paramref name="source"/> again within the wait after its last decline (INV-4): the declined
    /// saved method waits; another card, or a one-time card, may be tried at once. With no <paramref name="source"/>
    /// the wait follows the last decline of any method.
    /// </summary>
    public static void CheckRetryAfterDecline(Invoice invoice, DateTimeOffset now, PaymentPolicy policy, ChargeSource? source)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        ArgumentNullException.ThrowIfNull(policy);
        if (source is { PaymentMethodId: null })
        {
            return;
        }

        if (invoice.Attempts.LastOrDefault(a => a.Status == PaymentAttemptStatus.Declined && (source is null || a.PaymentMethodId == source.PaymentMethodId)) is { } declined
            && now < declined.At + policy.RetryAfterDecline)
        {
            throw new RuleViolationException(
                Rules.Inv4,
                $"Payment attempt {declined.Number} on invoice {invoice.Number} was declined; the same payment method can be retried after {Describe(policy.RetryAfterDecline)}, "
                + $"from {(declined.At + policy.RetryAfterDecline).UtcDateTime:yyyy-MM-dd HH:mm} UTC, or try another card now.");
        }
    }

    /// <summary>Records an attempt the gateway answered: a success applies the amount (paid in full or in part), a decline or an authentication request changes no amount.</summary>
    internal static InvoiceOutcome RecordAttempt(Invoice invoice, PaymentAttempt attempt)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        ArgumentNullException.ThrowIfNull(attempt);
        var recorded = invoice with { Attempts = [.. invoice.Attempts, attempt] };
        return attempt.Status switch
        {
            PaymentAttemptStatus.Succeeded => Apply(invoice, recorded, attempt),
            PaymentAttemptStatus.Declined => Step(invoice, recorded, PaymentDeclined, $"Payment {attempt.Number} of {attempt.Amount} by {attempt.Method} declined: {attempt.FailureReason ?? "no reason given"}."),
            PaymentAttemptStatus.RequiresAction => Step(invoice, recorded, AuthenticationRequired, $"Payment {attempt.Number} of {attempt.Amount} by {attempt.Method} waits for authentication."),
            _ => throw new ArgumentException($"A new attempt cannot be {attempt.Status.ToWireName()}.", nameof(attempt)),
        };
    }

    /// <summary>
    /// Records a charge the gateway made that the invoice never recorded (a crash between the gateway's answer and the
    /// write), found before the invoice charges again. The money was taken whatever the invoice's state now: a success
    /// applies at most the balance, and what the invoice cannot take (already paid, disputed, void, or more than the
    /// balance) is returned as <c>AccountCredit</c> for the account's credit. A decline or an authentication request is
    /// recorded with its transition when the state allows one; an abandoned authentication moves no money.
    /// </summary>
    internal static InvoiceOutcome RecordFound(Invoice invoice, PaymentAttempt attempt)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        ArgumentNullException.ThrowIfNull(attempt);
        var zero = Money.Zero(invoice.Currency);
        var payable = InvoiceTransitions.Table.Allows(invoice.Status, PaidInFull);
        if (attempt.Status == PaymentAttemptStatus.Succeeded && (!payable || attempt.Amount > invoice.Balance))
        {
            var applied = payable ? invoice.Balance : zero;
            var recorded = invoice with { Attempts = [.. invoice.Attempts, attempt] };
            if (applied.IsZero)
            {
                return new InvoiceOutcome(recorded, []) { AccountCredit = attempt.Amount };
            }

            var paid = recorded with { AmountPaid = recorded.AmountPaid + applied };
            return Step(invoice, paid, PaidInFull, $"Payment {attempt.Number} of {attempt.Amount} found at the gateway; {applied} applied, paid in full.") with { AccountCredit = attempt.Amount - applied };
        }

        if (attempt.Status == PaymentAttemptStatus.Abandoned || !payable)
        {
            return new InvoiceOutcome(invoice with { Attempts = [.. invoice.Attempts, attempt] }, []);
        }

        return RecordAttempt(invoice, attempt);
    }

    /// <summary>The attempt <paramref name="number"/>, which must be waiting for authentication (INV-4).</summary>
    public static PaymentAttempt RequireAuthentication(Invoice invoice, int number)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        var attempt = invoice.Attempts.FirstOrDefault(a => a.Number == number)
            ?? throw new NotFoundException("Payment attempt", $"{invoice.Number}#{number}");
        return attempt.Status == PaymentAttemptStatus.RequiresAction
            ? attempt
            : throw new RuleViolationException(Rules.Inv4, $"Payment attempt {number} on invoice {invoice.Number} is {attempt.Status.ToWireName()}, not waiting for authentication.");
    }

    /// <summary>The outcome of an authentication the customer completed: the payment succeeded (applied) or was declined.</summary>
    internal static InvoiceOutcome SettleAuthentication(Invoice invoice, int number, bool succeeded, string? failureReason, DateTimeOffset now)
    {
        var attempt = RequireAuthentication(invoice, number);
        var settled = attempt with
        {
            Status = succeeded ? PaymentAttemptStatus.Succeeded : PaymentAttemptStatus.Declined,
            FailureReason = succeeded ? null : failureReason,
            SettledAt = now,
        };
        var recorded = invoice with { Attempts = [.. invoice.Attempts.Select(a => a.Number == number ? settled : a)] };
        return succeeded
            ? Apply(invoice, recorded, settled)
            : Step(invoice, recorded, PaymentDeclined, $"Payment {number} of {attempt.Amount} declined after authentication: {failureReason ?? "no reason given"}.");
    }

    /// <summary>The customer gave up an authentication: nothing was taken (INV-4).</summary>
    internal static InvoiceOutcome AbandonAuthentication(Invoice invoice, int number, DateTimeOffset now)
    {
        var attempt = RequireAuthentication(invoice, number);
        var recorded = invoice with
        {
            Attempts = [.. invoice.Attempts.Select(a => a.Number == number ? a with { Status = PaymentAttemptStatus.Abandoned, SettledAt = now } : a)],
        };
        return Step(invoice, recorded, AuthenticationAbandoned, $"Payment {number} of {attempt.Amount} abandoned before authentication; nothing was taken.");
    }

    /// <summary>The due date passed with a balance (INV-5): an open invoice becomes overdue; null when there is nothing to do.</summary>
    internal static InvoiceOutcome? FallOverdue(Invoice invoice, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        if (invoice.DueAt > now || invoice.Balance.IsZero || !InvoiceTransitions.Table.Allows(invoice.Status, FellOverdue))
        {
            return null;
        }

        return Step(invoice, invoice, FellOverdue, $"Due on {invoice.DueAt.UtcDateTime:yyyy-MM-dd} and unpaid: {invoice.Balance} overdue.");
    }

    /// <summary>
    /// Opens a dispute (INV-7): accepted up to the 15th day after the issue date (local dates in the account's time zone),
    /// refused after with that reason; an invoice is disputed at most once, and not while a payment waits for authentication.
    /// </summary>
    internal static InvoiceOutcome OpenDispute(Invoice invoice, string by, string? reason, DateTimeOffset now, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        InvoiceTransitions.Table.Require(invoice.Status, DisputeOpened);
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new ValidationException("reason", "reason is required: say what is wrong with the invoice.");
        }

        var issued = AccountTimeZone.LocalDate(invoice.IssuedAt, zone);
        var days = AccountTimeZone.DaysBetween(issued, AccountTimeZone.LocalDate(now, zone));
        if (days > DisputeWindowDays)
        {
            throw new RuleViolationException(
                Rules.Inv7, $"A dispute is accepted only within {DisputeWindowDays} days of the issue date: invoice {invoice.Number} was issued on {issued:yyyy-MM-dd}, {days} days ago.");
        }

        if (invoice.Dispute is { } earlier)
        {
            throw new RuleViolationException(Rules.Inv7, $"Invoice {invoice.Number} was already disputed on {earlier.OpenedAt.UtcDateTime:yyyy-MM-dd}; contact support.");
        }

        if (invoice.PendingAuthentication is { } pending)
        {
            throw new RuleViolationException(Rules.Inv7, $"Payment attempt {pending.Number} on invoice {invoice.Number} is waiting for authentication: confirm or abandon it first.");
        }

        var disputed = invoice with { Dispute = new InvoiceDispute { OpenedAt = now, OpenedBy = by, Reason = reason.Trim() } };
        return Step(invoice, disputed, DisputeOpened, $"Disputed by {Quoted.Of(by)} on day {days} after issue: {Quoted.Of(reason.Trim())}.");
    }

    /// <summary>
    /// Billing ops resolve a dispute (INV-7) with a credit of part or all of the balance, or reject it (no credit). An
    /// invoice left with a balance goes back to open, and at once to overdue if its due date has passed. A dispute on a
    /// paid invoice (nothing is due on it) is resolved with a credit of at most what was paid, which goes to the account's
    /// credit (<see cref="InvoiceOutcome.AccountCredit"/>) for its next invoices, or rejected; either way it stays paid.
    /// </summary>
    internal static InvoiceOutcome ResolveDispute(Invoice invoice, string by, decimal? credit, string? comment, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        var dispute = invoice.Dispute;
        if (invoice.Status != InvoiceStatus.Disputed || dispute is null)
        {
            InvoiceTransitions.Table.Require(invoice.Status, DisputeRejected);
            throw new InvalidOperationException($"Invoice {invoice.Number} is disputed but holds no dispute.");
        }

        if (string.IsNullOrWhiteSpace(comment))
        {
            throw new ValidationException("comment", "comment is required: say why the dispute is resolved this way.");
        }

        var balance = invoice.Balance;
        Money? credited = credit is { } amount ? new Money(amount, invoice.Currency) : null;
        if (balance.IsZero)
        {
            return ResolvePaidDispute(invoice, dispute, by, credited, comment.Trim(), now);
        }

        if (credited is { } c && (c.Amount <= 0m || c.Round() != c || c > balance))
        {
            throw new ValidationException("credit", $"credit must be more than 0, in {invoice.Currency.Code} minor units, and at most the balance {balance} (got {c.Amount}).");
        }

        var resolved = invoice with
        {
            AmountCredited = credited is { } given ? invoice.AmountCredited + given : invoice.AmountCredited,
            Dispute = dispute with { ResolvedAt = now, ResolvedBy = by, Credit = credited, ResolutionComment = comment.Trim() },
        };
        var (resolution, description) = credited switch
        {
            null => (DisputeRejected, $"Dispute rejected by {Quoted.Of(by)}: {Quoted.Of(comment.Trim())}."),
            { } full when full == balance => (DisputeCreditedInFull, $"Dispute resolved by {Quoted.Of(by)} with a credit of {full}, the whole balance: {Quoted.Of(comment.Trim())}."),
            { } part => (DisputeCredited, $"Dispute resolved by {Quoted.Of(by)} with a credit of {part}; {resolved.Balance} still due: {Quoted.Of(comment.Trim())}."),
        };
        var first = Step(invoice, resolved, resolution, description);
        return FallOverdue(first.Invoice, now) is { } overdue ? new InvoiceOutcome(overdue.Invoice, [.. first.Steps, .. overdue.Steps]) : first;
    }

    private static InvoiceOutcome ResolvePaidDispute(Invoice invoice, InvoiceDispute dispute, string by, Money? credited, string comment, DateTimeOffset now)
    {
        // What settled the invoice: payments, and the account credit applied at issue (ACC-6).
        var settled = invoice.AmountPaid + (invoice.AccountCreditApplied ?? Money.Zero(invoice.Currency));
        if (credited is { } c && (c.Amount <= 0m || c.Round() != c || c > settled))
        {
            throw new ValidationException(
                "credit", $"credit must be more than 0, in {invoice.Currency.Code} minor units, and at most the {settled} paid on invoice {invoice.Number} (got {c.Amount}).");
        }

        var resolved = invoice with { Dispute = dispute with { ResolvedAt = now, ResolvedBy = by, Credit = credited, ResolutionComment = comment } };
        return credited is { } given
            ? Step(invoice, resolved, PaidDisputeCredited, $"Dispute on the paid invoice resolved by {Quoted.Of(by)} with {given} credited to the account: {Quoted.Of(comment)}.") with { AccountCredit = given }
            : Step(invoice, resolved, PaidDisputeRejected, $"Dispute on the paid invoice rejected by {Quoted.Of(by)}: {Quoted.Of(comment)}.");
    }

    /// <summary>
    /// Billing ops void an invoice nothing was paid on (SPEC §4: cancelled by billing ops): nothing is due on it any
    /// more, so it leaves the balances and the dunning of its subscriptions. An invoice with payments is credited
    /// instead (a dispute resolution), and one waiting for an authentication is settled first.
    /// </summary>
    internal static InvoiceOutcome Void(Invoice invoice, string by, string? reason)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        InvoiceTransitions.Table.Require(invoice.Status, Voided);
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new ValidationException("reason", "reason is required: say why the invoice is voided.");
        }

        if (!invoice.AmountPaid.IsZero || invoice.PendingAuthentication is not null)
        {
            throw new RuleViolationException(
                Rules.Inv1, $"Invoice {invoice.Number} has payments ({invoice.AmountPaid}) or one waiting for authentication: it cannot be voided; credit the balance instead.");
        }

        var voided = invoice with { VoidReason = $"{reason.Trim()} ({by})", AutopaySchedule = [] };
        var step = Step(invoice, voided, Voided, $"Voided by {Quoted.Of(by)}: {Quoted.Of(reason.Trim())}.");

        // The account credit applied at issue (ACC-6) goes back to the account: nothing was due after all.
        return invoice.AccountCreditApplied is { IsZero: false } applied ? step with { AccountCredit = applied } : step;
    }

    /// <summary>
    /// Applies the account's unapplied credit (<paramref name="available"/>: seat removals, downgrades, dispute credits) to
    /// a new invoice before anything is charged (ACC-6): as much as the invoice's total, shown on the invoice. An invoice
    /// the credit covers whole is paid at issue, with nothing for autopay to charge. Returns the invoice and what was applied.
    /// </summary>
    public static (Invoice Invoice, Money Applied) ApplyAccountCredit(Invoice invoice, Money available)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        if (available.Currency != invoice.Currency)
        {
            throw new ArgumentException($"Account credit {available} cannot pay invoice {invoice.Number} in {invoice.Currency.Code}.", nameof(available));
        }

        var applied = available.Amount <= 0m || invoice.Balance.Amount <= 0m ? Money.Zero(invoice.Currency) : available < invoice.Balance ? available : invoice.Balance;
        if (applied.IsZero)
        {
            return (invoice, applied);
        }

        var credited = invoice with { AccountCreditApplied = applied };
        return (credited.Balance.IsZero ? credited with { Status = InvoiceStatus.Paid, AutopaySchedule = [] } : credited, applied);
    }

    /// <summary>The autopay schedule of a new invoice (INV-6): the first attempt at <paramref name="firstAt"/>, then one retry <paramref name="retryDays"/> days after it each.</summary>
    public static IReadOnlyList<DateTimeOffset> AutopaySchedule(DateTimeOffset firstAt, IEnumerable<int> retryDays)
    {
        ArgumentNullException.ThrowIfNull(retryDays);
        return [firstAt, .. retryDays.Select(d => firstAt.AddDays(d))];
    }

    /// <summary>
    /// When autopay first charges an invoice a subscription causes at <paramref name="now"/> (INV-6): at once for the
    /// anniversary model; for the calendar model on the 10th of the month in the account's time zone, or at once when
    /// the 10th has passed.
    /// </summary>
    public static DateTimeOffset FirstAutopayAt(BillingModel model, DateTimeOffset now, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        if (model != BillingModel.Calendar)
        {
            return now;
        }

        var today = AccountTimeZone.LocalDate(now, zone);
        var tenth = AccountTimeZone.StartOfDay(new DateOnly(today.Year, today.Month, CalendarAutopayDay), zone);
        return tenth > now ? tenth : now;
    }

    /// <summary>The next autopay instant while the invoice can still be paid (open or overdue with a balance), or null.</summary>
    public static DateTimeOffset? NextAutopay(Invoice invoice)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        return invoice is { Status: InvoiceStatus.Open or InvoiceStatus.Overdue } && !invoice.Balance.IsZero && invoice.AutopaySchedule.Count > 0
            ? invoice.AutopaySchedule[0]
            : null;
    }

    /// <summary>The invoice with its next autopay instant used up.</summary>
    public static Invoice TakeAutopay(Invoice invoice)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        return invoice with { AutopaySchedule = [.. invoice.AutopaySchedule.Skip(1)] };
    }

    /// <summary>The due date while open with a balance (INV-5) or the next autopay instant (INV-6), whichever is first.</summary>
    public static DateTimeOffset? WantedWakeAt(Invoice invoice)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        DateTimeOffset? due = invoice is { Status: InvoiceStatus.Open } && !invoice.Balance.IsZero ? invoice.DueAt : null;
        return (due, NextAutopay(invoice)) switch
        {
            ({ } d, { } a) => d < a ? d : a,
            ({ } d, null) => d,
            (null, var a) => a,
        };
    }

    private static InvoiceOutcome Apply(Invoice before, Invoice recorded, PaymentAttempt attempt)
    {
        var paid = recorded with { AmountPaid = recorded.AmountPaid + attempt.Amount };
        return paid.Balance.IsZero
            ? Step(before, paid, PaidInFull, $"Paid {attempt.Amount} by {attempt.Method}; paid in full.")
            : Step(before, paid, PaidInPart, $"Paid {attempt.Amount} by {attempt.Method}; {paid.Balance} still due.");
    }

    private static InvoiceOutcome Step(Invoice before, Invoice after, InvoiceEvent invoiceEvent, string description)
    {
        var to = InvoiceTransitions.Table.Require(before.Status, invoiceEvent);
        return new InvoiceOutcome(after with { Status = to }, [new InvoiceStep(before.Status, invoiceEvent, to, description)]);
    }

    private static string Describe(TimeSpan wait) =>
        wait.TotalHours >= 1 && wait.TotalHours == Math.Floor(wait.TotalHours)
            ? (wait.TotalHours == 1 ? "1 hour" : $"{wait.TotalHours} hours")
            : $"{wait.TotalMinutes} minutes";
}
