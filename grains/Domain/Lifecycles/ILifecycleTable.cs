namespace Subscriptions.Domain.Lifecycles;

/// <summary>A lifecycle table as ops see it, whatever its states and events.</summary>
public interface ILifecycleTable
{
    /// <summary>The table as text: allowed transitions with their rules, then the explained refusals.</summary>
    string Describe();

    /// <summary>The allowed transitions as a Graphviz dot graph.</summary>
    string ToDot();

    /// <summary>The allowed transitions as rows, by their wire names, in the table's order.</summary>
    IReadOnlyList<LifecycleRow> Rows();

    /// <summary>The explained refusals as rows, by their wire names, in the table's order.</summary>
    IReadOnlyList<LifecycleRefusalRow> RefusalRows();
}

/// <summary>One allowed transition, by wire names: in state <paramref name="From"/>, <paramref name="Event"/> leads to <paramref name="To"/> under <paramref name="RuleId"/>.</summary>
public sealed record LifecycleRow(string From, string Event, string To, string RuleId);

/// <summary>One explained refusal, by wire names, with its rule and the customer's sentence.</summary>
public sealed record LifecycleRefusalRow(string From, string Event, string RuleId, string Reason);
