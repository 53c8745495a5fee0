using Subscriptions.Domain.Lifecycles;

namespace Subscriptions.Domain.Orders;

/// <summary>Where a service order is (QUO-5); fulfilled and refused are final.</summary>
public enum OrderStatus
{
    /// <summary>Accepted: its quotes and subscriptions are held for it while its changes are applied.</summary>
    Placed,

    /// <summary>Every change applied, its invoice issued, its charge made and its confirmation sent.</summary>
    Fulfilled,

    /// <summary>A quote or a line of the cart could not be applied: nothing of it was.</summary>
    Refused,
}

/// <summary>What happens to a service order.</summary>
public enum OrderEvent
{
    /// <summary>The order's changes were applied, its invoice issued and charged (QUO-5).</summary>
    Fulfilled,

    /// <summary>The cart could not be applied whole (QUO-5).</summary>
    Refused,
}

/// <summary>The lifecycle of a service order as data for the one engine (<see cref="LifecycleTable{TState, TEvent}"/>).</summary>
public static class OrderTransitions
{
    /// <summary>The table.</summary>
    public static LifecycleTable<OrderStatus, OrderEvent> Table { get; } = new(
        [
            new(OrderStatus.Placed, OrderEvent.Fulfilled, OrderStatus.Fulfilled),
            new(OrderStatus.Placed, OrderEvent.Refused, OrderStatus.Refused),
        ],
        [
            new(OrderStatus.Fulfilled, OrderEvent.Refused, Rules.Quo5, "The order was fulfilled: its changes are applied and invoiced."),
            new(OrderStatus.Refused, OrderEvent.Fulfilled, Rules.Quo5, "The order was refused: nothing of it was applied; accept the quotes that remain in a new cart."),
        ],
        _ => Rules.Quo5,
        e => e == OrderEvent.Fulfilled ? "fulfil" : "refuse",
        s => s.ToString().ToLowerInvariant(),
        e => e.ToString().ToLowerInvariant(),
        new LifecycleNaming("a service order", "Service order lifecycle", StateWidth: 12, EventWidth: 11));
}
