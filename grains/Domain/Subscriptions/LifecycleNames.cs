using System.Text;

namespace Subscriptions.Domain.Subscriptions;

/// <summary>Kebab-case names of lifecycle states and events, as shown to ops and written in history.</summary>
public static class LifecycleNames
{
    /// <summary>E.g. "pending-cancellation".</summary>
    public static string ToWireName(this SubscriptionStatus status) => Kebab(status.ToString());

    /// <summary>E.g. "trial-ended-to-free".</summary>
    public static string ToWireName(this SubscriptionEvent subscriptionEvent) => Kebab(subscriptionEvent.ToString());

    /// <summary>E.g. "overdue".</summary>
    public static string ToWireName(this Invoices.InvoiceStatus status) => Kebab(status.ToString());

    /// <summary>E.g. "fell-overdue".</summary>
    public static string ToWireName(this Invoices.InvoiceEvent invoiceEvent) => Kebab(invoiceEvent.ToString());

    /// <summary>E.g. "requires-action".</summary>
    public static string ToWireName(this Invoices.PaymentAttemptStatus status) => Kebab(status.ToString());

    /// <summary>E.g. "superseded".</summary>
    public static string ToWireName(this Quotes.QuoteStatus status) => Kebab(status.ToString());

    /// <summary>E.g. "sent".</summary>
    public static string ToWireName(this Quotes.QuoteEvent quoteEvent) => Kebab(quoteEvent.ToString());

    /// <summary>"placed", "fulfilled", "refused".</summary>
    public static string ToWireName(this Orders.OrderStatus status) => Kebab(status.ToString());

    private static string Kebab(string pascal)
    {
        var builder = new StringBuilder(pascal.Length + 4);
        foreach (var c in pascal)
        {
            if (char.IsUpper(c) && builder.Length > 0)
            {
                builder.Append('-');
            }

            builder.Append(char.ToLowerInvariant(c));
        }

        return builder.ToString();
    }
}
