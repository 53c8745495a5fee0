using System.Text;
using Subscriptions.Domain.Errors;
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

    /// <summary>Billing ops cancelled an invoice nothing was paid on: nothing is due on it any more (SPEC §4).</summary>
    Voided,
}

/// <summary>One allowed row of the invoice lifecycle: in state From, Event leads to state To.</summary>
public sealed record InvoiceTransition(InvoiceStatus From, InvoiceEvent Event, InvoiceStatus To);

/// <summary>A refused (state, event) pair with its rule and the sentence a portal can show.</summary>
public sealed record InvoiceRefusal(InvoiceStatus From, InvoiceEvent Event, string RuleId, string Reason);

/// <summary>
/// The invoice lifecycle table: every (state, event) pair is an allowed transition or a refusal with a rule id. A
/// payment's events are checked before the gateway is called, so a refused payment never reaches it.
/// </summary>
public static class InvoiceTransitions
{
    private static readonly InvoiceEvent[] PaymentEvents = [PaidInFull, PaidInPart, PaymentDeclined, AuthenticationRequired, AuthenticationAbandoned];

    /// <summary>The allowed transitions.</summary>
    public static IReadOnlyList<InvoiceTransition> Allowed { get; } =
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
        new(Open, Voided, InvoiceStatus.Void),
        new(Overdue, Voided, InvoiceStatus.Void),
        new(Disputed, Voided, InvoiceStatus.Void),
    ];

    /// <summary>Refusals that say what to do instead (every other pair gets a generic sentence under the event's rule).</summary>
    public static IReadOnlyList<InvoiceRefusal> ExplainedRefusals { get; } = BuildRefusals();

    private static readonly Dictionary<(InvoiceStatus, InvoiceEvent), InvoiceTransition> AllowedByKey = Allowed.ToDictionary(t => (t.From, t.Event));

    private static readonly Dictionary<(InvoiceStatus, InvoiceEvent), InvoiceRefusal> RefusalsByKey = ExplainedRefusals.ToDictionary(r => (r.From, r.Event));

    /// <summary>True when the pair is an allowed transition.</summary>
    public static bool Allows(InvoiceStatus from, InvoiceEvent invoiceEvent) => AllowedByKey.ContainsKey((from, invoiceEvent));

    /// <summary>The target state, or a <see cref="RuleViolationException"/> with the pair's rule id and reason.</summary>
    public static InvoiceStatus Require(InvoiceStatus from, InvoiceEvent invoiceEvent)
    {
        if (AllowedByKey.TryGetValue((from, invoiceEvent), out var transition))
        {
            return transition.To;
        }

        var refusal = RefusalFor(from, invoiceEvent);
        throw new RuleViolationException(refusal.RuleId, refusal.Reason);
    }

    /// <summary>Why the pair is refused.</summary>
    public static InvoiceRefusal RefusalFor(InvoiceStatus from, InvoiceEvent invoiceEvent) =>
        RefusalsByKey.GetValueOrDefault((from, invoiceEvent))
        ?? new InvoiceRefusal(from, invoiceEvent, RuleOf(invoiceEvent), $"It is not possible to {Verb(invoiceEvent)} an invoice that is {from.ToWireName()}.");

    /// <summary>The SPEC rule that governs an event.</summary>
    public static string RuleOf(InvoiceEvent invoiceEvent) => invoiceEvent switch
    {
        PaidInFull or PaidInPart => Rules.Inv3,
        PaymentDeclined or AuthenticationRequired or AuthenticationAbandoned => Rules.Inv4,
        FellOverdue => Rules.Inv5,
        DisputeOpened or DisputeCreditedInFull or DisputeCredited or DisputeRejected => Rules.Inv7,
        Voided => Rules.Inv1,
        _ => throw new ArgumentOutOfRangeException(nameof(invoiceEvent), invoiceEvent, "Unknown invoice event."),
    };

    /// <summary>The whole table as text (docs, ops): allowed transitions, then explained refusals.</summary>
    public static string Describe()
    {
        var text = new StringBuilder();
        text.AppendLine("Invoice lifecycle: (state, event) -> next state");
        text.AppendLine($"{"state",-12}{"event",-28}{"next state",-12}rule");
        foreach (var t in Allowed)
        {
            text.AppendLine($"{t.From.ToWireName(),-12}{t.Event.ToWireName(),-28}{t.To.ToWireName(),-12}{RuleOf(t.Event)}");
        }

        text.AppendLine();
        text.AppendLine("Refused with an explanation:");
        text.AppendLine($"{"state",-12}{"event",-28}{"rule",-8}reason");
        foreach (var r in ExplainedRefusals)
        {
            text.AppendLine($"{r.From.ToWireName(),-12}{r.Event.ToWireName(),-28}{r.RuleId,-8}{r.Reason}");
        }

        text.AppendLine();
        text.AppendLine("Every other (state, event) pair is refused under the event's rule: \"It is not possible to <action> an invoice that is <state>.\"");
        return text.ToString();
    }

    private static List<InvoiceRefusal> BuildRefusals()
    {
        var refusals = new List<InvoiceRefusal>();
        foreach (var payment in PaymentEvents)
        {
            refusals.Add(new(Paid, payment, Rules.Inv3, "The invoice is already paid in full."));
            refusals.Add(new(Disputed, payment, Rules.Inv7, "The invoice is under dispute: billing ops resolve the dispute before it can be paid."));
            refusals.Add(new(InvoiceStatus.Void, payment, Rules.Inv3, "The invoice is void: nothing is due on it."));
        }

        refusals.Add(new(Paid, DisputeOpened, Rules.Inv7, "A paid invoice cannot be disputed: contact support about a refund."));
        refusals.Add(new(Paid, Voided, Rules.Inv1, "A paid invoice cannot be voided: credit the customer instead."));
        refusals.Add(new(Disputed, DisputeOpened, Rules.Inv7, "The invoice is already under dispute."));
        refusals.Add(new(InvoiceStatus.Void, DisputeOpened, Rules.Inv7, "A void invoice cannot be disputed: nothing is due on it."));
        foreach (var from in new[] { Open, Overdue, Paid, InvoiceStatus.Void })
        {
            foreach (var resolution in new[] { DisputeCreditedInFull, DisputeCredited, DisputeRejected })
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
        DisputeCreditedInFull or DisputeCredited => "credit",
        DisputeRejected => "reject the dispute of",
        Voided => "void",
        _ => throw new ArgumentOutOfRangeException(nameof(invoiceEvent), invoiceEvent, "Unknown invoice event."),
    };
}
