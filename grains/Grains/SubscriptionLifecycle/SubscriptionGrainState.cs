using Orleans;
using Subscriptions.Domain.Subscriptions;
using Subscriptions.Grains.Infrastructure;
using Subscriptions.Grains.Ops;

namespace Subscriptions.Grains.SubscriptionLifecycle;

/// <summary>The persisted state of a subscription grain: the domain subscription and the invoices it caused.</summary>
[GenerateSerializer, Alias("subscriptions.SubscriptionGrainState")]
public sealed record SubscriptionGrainState : IProjectedState<SubscriptionGrainState>
{
    /// <summary>The subscription, or null until it is started.</summary>
    [Id(0)]
    public SubscriptionState? Subscription { get; init; }

    /// <summary>
    /// Numbers of the newest invoices this subscription caused, oldest first (INV-1): at most
    /// <see cref="MaxInvoiceNumbers"/>, so the record does not grow with the subscription's age. The account's invoice
    /// list (ListInvoices) reaches every one.
    /// </summary>
    [Id(1)]
    public IReadOnlyList<string> InvoiceNumbers { get; init; } = [];

    /// <summary>The most invoice numbers a subscription keeps: two years of monthly renewals.</summary>
    public const int MaxInvoiceNumbers = 24;

    /// <summary><see cref="InvoiceNumbers"/> with <paramref name="number"/> added last, the oldest dropped beyond <see cref="MaxInvoiceNumbers"/>.</summary>
    public IReadOnlyList<string> WithInvoice(string number) => [.. InvoiceNumbers.Skip(Math.Max(0, InvoiceNumbers.Count + 1 - MaxInvoiceNumbers)), number];

    /// <summary>A plan upgrade whose invoice is not paid yet: access stays on the paid plan until it is (SUB-4).</summary>
    [Id(2)]
    public UpgradeAwaitingPayment? AwaitingPayment { get; init; }

    /// <summary>
    /// The service order being placed that holds this subscription for the seats it adds (QUO-5): until the order
    /// applies them or releases it, no other change of a customer or of billing ops is taken.
    /// </summary>
    [Id(3)]
    public OrderHold? HeldBy { get; init; }

    /// <summary>
    /// The last service order that applied a line to this subscription and the charges it billed (one decision's lines),
    /// so a step of that order run again answers the same; each order replaces the one before, so it never grows.
    /// </summary>
    [Id(4)]
    public OrderApplied? LastOrder { get; init; }

    /// <inheritdoc />
    public static ProjectedFields? Project(SubscriptionGrainState state) => state?.Subscription is { } subscription
        ? new ProjectedFields(subscription.AccountId, subscription.Id, subscription.Status.ToWireName())
        {
            WakeName = subscription.WantedReminders().MinBy(r => r.DueAt)?.Name,
            ProductId = subscription.ProductId,
            PlanId = subscription.PlanId,
            Seats = subscription.Seats,
            PeriodEnd = subscription.CurrentPeriod?.End,
            GraceEnd = subscription.GracePeriodEndsAt,
        }
        : null;
}

/// <summary>
/// A service order's line applied to a subscription, and the charges the order bills for it (QUO-5). Bounded: the charge
/// lines of one seats decision (a proration credit and a charge), and only the last order's (the next replaces it).
/// </summary>
[GenerateSerializer, Immutable, Alias("subscriptions.OrderApplied")]
public sealed record OrderApplied([property: Id(0)] string OrderNumber, [property: Id(1)] IReadOnlyList<Subscriptions.Domain.Invoices.ChargeLine> Charges);

/// <summary>A service order's hold on a subscription: the order and the seats it adds (QUO-5).</summary>
[GenerateSerializer, Immutable, Alias("subscriptions.OrderHold")]
public sealed record OrderHold([property: Id(0)] string OrderNumber, [property: Id(1)] int Seats);
