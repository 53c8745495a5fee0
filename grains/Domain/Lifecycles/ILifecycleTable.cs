namespace Subscriptions.Domain.Lifecycles;

/// <summary>A lifecycle table as ops see it, whatever its states and events.</summary>
public interface ILifecycleTable
{
    /// <summary>The table as text: allowed transitions with their rules, then the explained refusals.</summary>
    string Describe();

    /// <summary>The allowed transitions as a Graphviz dot graph.</summary>
    string ToDot();
}
