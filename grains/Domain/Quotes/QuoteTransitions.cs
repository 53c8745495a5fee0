using Subscriptions.Domain.Lifecycles;
using Subscriptions.Domain.Subscriptions;
using static Subscriptions.Domain.Quotes.QuoteEvent;
using static Subscriptions.Domain.Quotes.QuoteStatus;

namespace Subscriptions.Domain.Quotes;

/// <summary>Where a quote is in its lifecycle (SPEC §3); accepted, rejected, expired and superseded are final.</summary>
public enum QuoteStatus
{
    /// <summary>Billing ops are writing it; the customer does not see it yet.</summary>
    Draft,

    /// <summary>Sent to the billing contact, waiting for an answer for 7 days (QUO-2).</summary>
    Sent,

    /// <summary>The billing contact accepted it: it became a service order (QUO-5).</summary>
    Accepted,

    /// <summary>The billing contact rejected it, with a comment (QUO-6).</summary>
    Rejected,

    /// <summary>Nobody answered within 7 days of sending (QUO-2).</summary>
    Expired,

    /// <summary>A newer order replaced it while it was pending (QUO-3).</summary>
    Superseded,
}

/// <summary>What happens to a quote.</summary>
public enum QuoteEvent
{
    /// <summary>Billing ops changed a draft's lines (QUO-1).</summary>
    Edited,

    /// <summary>The quote was sent to the billing contact, and expires 7 days later (QUO-2).</summary>
    Sent,

    /// <summary>The billing contact accepted it (QUO-5).</summary>
    Accepted,

    /// <summary>The billing contact rejected it with a comment (QUO-6).</summary>
    Rejected,

    /// <summary>7 days passed since it was sent (QUO-2).</summary>
    Expired,

    /// <summary>A new order replaced it (QUO-3).</summary>
    Superseded,
}

/// <summary>The lifecycle of a quote as data for the one engine (<see cref="LifecycleTable{TState, TEvent}"/>).</summary>
public static class QuoteTransitions
{
    private static readonly QuoteStatus[] Final = [QuoteStatus.Accepted, QuoteStatus.Rejected, QuoteStatus.Expired, QuoteStatus.Superseded];

    /// <summary>The table.</summary>
    public static LifecycleTable<QuoteStatus, QuoteEvent> Table { get; } = new(
        [
            new(Draft, Edited, Draft),
            new(Draft, QuoteEvent.Sent, QuoteStatus.Sent),
            new(QuoteStatus.Sent, QuoteEvent.Accepted, QuoteStatus.Accepted),
            new(QuoteStatus.Sent, QuoteEvent.Rejected, QuoteStatus.Rejected),
            new(QuoteStatus.Sent, QuoteEvent.Expired, QuoteStatus.Expired),
            new(QuoteStatus.Sent, QuoteEvent.Superseded, QuoteStatus.Superseded),
        ],
        BuildRefusals(),
        RuleOf,
        Verb,
        status => status.ToWireName(),
        quoteEvent => quoteEvent.ToWireName(),
        new LifecycleNaming("a quote", "Quote lifecycle", StateWidth: 12, EventWidth: 12));

    private static string RuleOf(QuoteEvent quoteEvent) => quoteEvent switch
    {
        Edited => Rules.Quo1,
        QuoteEvent.Sent or QuoteEvent.Expired => Rules.Quo2,
        QuoteEvent.Superseded => Rules.Quo3,
        QuoteEvent.Accepted => Rules.Quo5,
        QuoteEvent.Rejected => Rules.Quo6,
        _ => throw new ArgumentOutOfRangeException(nameof(quoteEvent), quoteEvent, "Unknown quote event."),
    };

    private static List<Refusal<QuoteStatus, QuoteEvent>> BuildRefusals()
    {
        var refusals = new List<Refusal<QuoteStatus, QuoteEvent>>
        {
            new(QuoteStatus.Sent, Edited, Rules.Quo1, "A sent quote cannot be changed: billing ops send a new quote instead."),
            new(Draft, QuoteEvent.Accepted, Rules.Quo5, "The quote has not been sent yet: it can be accepted once billing ops send it."),
            new(Draft, QuoteEvent.Rejected, Rules.Quo6, "The quote has not been sent yet: there is nothing to reject."),
        };
        foreach (var final in Final)
        {
            var why = final switch
            {
                QuoteStatus.Expired => "The quote expired 7 days after it was sent: ask billing ops for a new one.",
                QuoteStatus.Superseded => "The quote was replaced by a newer order: answer the newer quote instead.",
                _ => $"The quote is already {final.ToWireName()}: it cannot change any more.",
            };
            foreach (var quoteEvent in new[] { QuoteEvent.Accepted, QuoteEvent.Rejected, Edited })
            {
                refusals.Add(new(final, quoteEvent, final == QuoteStatus.Expired ? Rules.Quo2 : final == QuoteStatus.Superseded ? Rules.Quo3 : RuleOf(quoteEvent), why));
            }
        }

        return refusals;
    }

    private static string Verb(QuoteEvent quoteEvent) => quoteEvent switch
    {
        Edited => "edit",
        QuoteEvent.Sent => "send",
        QuoteEvent.Accepted => "accept",
        QuoteEvent.Rejected => "reject",
        QuoteEvent.Expired => "expire",
        QuoteEvent.Superseded => "supersede",
        _ => throw new ArgumentOutOfRangeException(nameof(quoteEvent), quoteEvent, "Unknown quote event."),
    };
}
