using Subscriptions.Domain.Lifecycles;
using Subscriptions.Domain.Subscriptions;
using static Subscriptions.Domain.Invoices.InvoiceEvent;
using static Subscriptions.Domain.Invoices.InvoiceStatus;

namespace Subscriptions.Domain.Invoices;

/// <summary>What happens to an invoice (INV-3 to INV-7).</summary>
public enum InvoiceEvent
{
    /// <summary>A payment (or a confirmed authentication) brought the balance to 0.00 (INV-3).</summary>
    PaidInFull,

    /// <summary>A payment left part of the balance (INV-3).</summary>
    PaidInPart,

    /// <summary>The gateway declined a payment (INV-4).</summary>
    PaymentDeclined,

    /// <summary>The card's bank asked for strong customer authentication (INV-4).</summary>
    AuthenticationRequired,

    /// <summary>The customer gave up an authentication (INV-4).</summary>
    AuthenticationAbandoned,

    /// <summary>The due date passed with a balance (INV-5).</summary>
    FellOverdue,

    /// <summary>The customer disputed the invoice within 15 days of its issue date (INV-7).</summary>
    DisputeOpened,

    /// <summary>Billing ops resolved the dispute with a credit covering the whole balance (INV-7).</summary>
    DisputeCreditedInFull,

    /// <summary>Billing ops resolved the dispute with a credit of part of the balance (INV-7).</summary>
    DisputeCredited,

    /// <summary>Billing ops rejected the dispute (INV-7).</summary>
    DisputeRejected,

    /// <summary>Billing ops resolved a dispute on a paid invoice with a credit to the account: the invoice stays paid (INV-7).</summary>
    PaidDisputeCredited,

    /// <summary>Billing ops rejected a dispute on a paid invoice: the invoice stays paid (INV-7).</summary>
    PaidDisputeRejected,

    /// <summary>Billing ops cancelled an invoice nothing was paid on: nothing is due on it any more (SPEC §4).</summary>
    Voided,
}

/// <summary>
/// The lifecycle of an invoice as data for the one engine (<see cref="LifecycleTable{TState, TEvent}"/>): every
/// (state, event) pair is an allowed transition or a refusal with a rule id. A payment's events are checked before the
/// gateway is called, so a refused payment never reaches it.
/// </summary>
public static class InvoiceTransitions
{
    private static readonly InvoiceEvent[] PaymentEvents = [PaidInFull, PaidInPart, PaymentDeclined, AuthenticationRequired, AuthenticationAbandoned];

    /// <summary>The table.</summary>
    public static LifecycleTable<InvoiceStatus, InvoiceEvent> Table { get; } = new(
        [
            new(Open, PaidInFull, Paid),
            new(Open, PaidInPart, Open),
            new(Open, PaymentDeclined, Open),
            new(Open, AuthenticationRequired, Open),
            new(Open, AuthenticationAbandoned, Open),
            new(Open, FellOverdue, Overdue),
            new(Open, DisputeOpened, Disputed),
            new(Overdue, PaidInFull, Paid),
            new(Overdue, PaidInPart, Overdue),
            new(Overdue, PaymentDeclined, Overdue),
            new(Overdue, AuthenticationRequired, Overdue),
            new(Overdue, AuthenticationAbandoned, Overdue),
            new(Overdue, DisputeOpened, Disputed),
            new(Disputed, DisputeCreditedInFull, Paid),
            new(Disputed, DisputeCredited, Open),
            new(Disputed, DisputeRejected, Open),
            new(Paid, DisputeOpened, Disputed),
            new(Disputed, PaidDisputeCredited, Paid),
            new(Disputed, PaidDisputeRejected, Paid),
            new(Open, Voided, InvoiceStatus.Void),
            new(Overdue, Voided, InvoiceStatus.Void),
            new(Disputed, Voided, InvoiceStatus.Void),
        ],
        BuildRefusals(),
        RuleOf,
        Verb,
        status => status.ToWireName(),
        invoiceEvent => invoiceEvent.ToWireName(),
        new LifecycleNaming("an invoice", "Invoice lifecycle", StateWidth: 12, EventWidth: 28));

    /// <summary>The SPEC rule that governs an event.</summary>
    private static string RuleOf(InvoiceEvent invoiceEvent) => invoiceEvent switch
    {
        PaidInFull or PaidInPart => Rules.Inv3,
        PaymentDeclined or AuthenticationRequired or AuthenticationAbandoned => Rules.Inv4,
        FellOverdue => Rules.Inv5,
        DisputeOpened or DisputeCreditedInFull or DisputeCredited or DisputeRejected or PaidDisputeCredited or PaidDisputeRejected => Rules.Inv7,
        Voided => Rules.Inv1,
        _ => throw new ArgumentOutOfRangeException(nameof(invoiceEvent), invoiceEvent, "Unknown invoice event."),
    };

    private static List<Refusal<InvoiceStatus, InvoiceEvent>> BuildRefusals()
    {
        var refusals = new List<Refusal<InvoiceStatus, InvoiceEvent>>();
        foreach (var payment in PaymentEvents)
        {
            refusals.Add(new(Paid, payment, Rules.Inv3, "The invoice is already paid in full."));
            refusals.Add(new(Disputed, payment, Rules.Inv7, "The invoice is under dispute: billing ops resolve the dispute before it can be paid."));
            refusals.Add(new(InvoiceStatus.Void, payment, Rules.Inv3, "The invoice is void: nothing is due on it."));
        }

        refusals.Add(new(Paid, Voided, Rules.Inv1, "A paid invoice cannot be voided: credit the customer instead."));
        refusals.Add(new(Disputed, DisputeOpened, Rules.Inv7, "The invoice is already under dispute."));
        refusals.Add(new(InvoiceStatus.Void, DisputeOpened, Rules.Inv7, "A void invoice cannot be disputed: nothing is due on it."));
        foreach (var from in new[] { Open, Overdue, Paid, InvoiceStatus.Void })
        {
            foreach (var resolution in new[] { DisputeCreditedInFull, DisputeCredited, DisputeRejected, PaidDisputeCredited, PaidDisputeRejected })
            {
                refusals.Add(new(from, resolution, Rules.Inv7, $"The invoice is {from.ToWireName()}, not under dispute: there is no dispute to resolve."));
            }
        }

        return refusals;
    }

    private static string Verb(InvoiceEvent invoiceEvent) => invoiceEvent switch
    {
        PaidInFull or PaidInPart => "pay",
        PaymentDeclined => "decline a payment of",
        AuthenticationRequired => "authenticate a payment of",
        AuthenticationAbandoned => "abandon a payment of",
        FellOverdue => "mark as overdue",
        DisputeOpened => "dispute",
        DisputeCreditedInFull or DisputeCredited or PaidDisputeCredited => "credit",
        DisputeRejected or PaidDisputeRejected => "reject the dispute of",
        Voided => "void",
        _ => throw new ArgumentOutOfRangeException(nameof(invoiceEvent), invoiceEvent, "Unknown invoice event."),
    };
}
