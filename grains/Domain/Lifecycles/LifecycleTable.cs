using System.Text;
using Subscriptions.Domain.Errors;

namespace Subscriptions.Domain.Lifecycles;

/// <summary>One allowed row of a lifecycle table: in state From, Event leads to state To.</summary>
public sealed record Transition<TState, TEvent>(TState From, TEvent Event, TState To)
    where TState : struct, Enum
    where TEvent : struct, Enum;

/// <summary>One refused (state, event) pair with the rule that refuses it and the sentence a portal can show.</summary>
public sealed record Refusal<TState, TEvent>(TState From, TEvent Event, string RuleId, string Reason)
    where TState : struct, Enum
    where TEvent : struct, Enum;

/// <summary>How a lifecycle names what it governs, for generic refusals and the printed table.</summary>
/// <param name="Entity">The thing with the lifecycle, with its article: "a subscription", "an invoice".</param>
/// <param name="Title">The printout's first line, e.g. "Subscription lifecycle".</param>
/// <param name="StateWidth">The width of the printout's state columns.</param>
/// <param name="EventWidth">The width of the printout's event column.</param>
public sealed record LifecycleNaming(string Entity, string Title, int StateWidth, int EventWidth);

/// <summary>
/// The one state-machine engine: a lifecycle as data (its allowed transitions, its explained refusals, the rule and
/// the verb of each event). Every (state, event) pair is either an allowed transition or a refusal carrying a rule id
/// and a sentence for the customer; every decision consults its table before it changes anything, and the same table
/// prints itself for ops. Each lifecycle (subscriptions, invoices, and the ones to come) supplies only its data.
/// </summary>
public sealed class LifecycleTable<TState, TEvent> : ILifecycleTable
    where TState : struct, Enum
    where TEvent : struct, Enum
{
    private readonly Dictionary<(TState, TEvent), Transition<TState, TEvent>> _allowed;
    private readonly Dictionary<(TState, TEvent), Refusal<TState, TEvent>> _refusals;
    private readonly Func<TEvent, string> _ruleOf;
    private readonly Func<TEvent, string> _verb;
    private readonly Func<TState, string> _stateName;
    private readonly Func<TEvent, string> _eventName;
    private readonly LifecycleNaming _naming;

    /// <summary>A table from its rows and its names; a pair listed twice, or both allowed and refused, is a defect.</summary>
    public LifecycleTable(
        IReadOnlyList<Transition<TState, TEvent>> allowed,
        IReadOnlyList<Refusal<TState, TEvent>> explainedRefusals,
        Func<TEvent, string> ruleOf,
        Func<TEvent, string> verb,
        Func<TState, string> stateName,
        Func<TEvent, string> eventName,
        LifecycleNaming naming)
    {
        ArgumentNullException.ThrowIfNull(allowed);
        ArgumentNullException.ThrowIfNull(explainedRefusals);
        Allowed = allowed;
        ExplainedRefusals = explainedRefusals;
        _allowed = allowed.ToDictionary(t => (t.From, t.Event));
        _refusals = explainedRefusals.ToDictionary(r => (r.From, r.Event));
        foreach (var (from, lifecycleEvent) in _refusals.Keys.Where(_allowed.ContainsKey))
        {
            throw new ArgumentException($"{naming.Title}: ({from}, {lifecycleEvent}) is both allowed and refused.", nameof(explainedRefusals));
        }

        _ruleOf = ruleOf;
        _verb = verb;
        _stateName = stateName;
        _eventName = eventName;
        _naming = naming;
    }

    /// <summary>The allowed transitions, in the order they are printed.</summary>
    public IReadOnlyList<Transition<TState, TEvent>> Allowed { get; }

    /// <summary>Refusals that tell the customer what to do instead (every other refused pair gets a generic sentence).</summary>
    public IReadOnlyList<Refusal<TState, TEvent>> ExplainedRefusals { get; }

    /// <summary>The allowed transition for the pair, or null when the pair is refused.</summary>
    public Transition<TState, TEvent>? Find(TState from, TEvent lifecycleEvent) => _allowed.GetValueOrDefault((from, lifecycleEvent));

    /// <summary>True when the pair is an allowed transition.</summary>
    public bool Allows(TState from, TEvent lifecycleEvent) => _allowed.ContainsKey((from, lifecycleEvent));

    /// <summary>The target state, or a <see cref="RuleViolationException"/> with the pair's rule id and reason.</summary>
    public TState Require(TState from, TEvent lifecycleEvent)
    {
        if (Find(from, lifecycleEvent) is { } transition)
        {
            return transition.To;
        }

        var refusal = RefusalFor(from, lifecycleEvent);
        throw new RuleViolationException(refusal.RuleId, refusal.Reason);
    }

    /// <summary>Why the pair is refused: its explained refusal, else a generic one under the event's rule.</summary>
    public Refusal<TState, TEvent> RefusalFor(TState from, TEvent lifecycleEvent) =>
        _refusals.GetValueOrDefault((from, lifecycleEvent))
        ?? new Refusal<TState, TEvent>(
            from, lifecycleEvent, RuleOf(lifecycleEvent), $"It is not possible to {_verb(lifecycleEvent)} {_naming.Entity} that is {_stateName(from)}.");

    /// <summary>The SPEC rule that governs an event.</summary>
    public string RuleOf(TEvent lifecycleEvent) => _ruleOf(lifecycleEvent);

    /// <inheritdoc />
    public IReadOnlyList<LifecycleRow> Rows() =>
        [.. Allowed.Select(t => new LifecycleRow(_stateName(t.From), _eventName(t.Event), _stateName(t.To), RuleOf(t.Event)))];

    /// <inheritdoc />
    public IReadOnlyList<LifecycleRefusalRow> RefusalRows() =>
        [.. ExplainedRefusals.Select(r => new LifecycleRefusalRow(_stateName(r.From), _eventName(r.Event), r.RuleId, r.Reason))];

    /// <summary>The whole table as text for ops: allowed transitions, then explained refusals.</summary>
    public string Describe()
    {
        var (state, eventWidth) = (_naming.StateWidth, _naming.EventWidth);
        var text = new StringBuilder();
        text.AppendLine($"{_naming.Title}: (state, event) -> next state");
        text.AppendLine($"{Pad("state", state)}{Pad("event", eventWidth)}{Pad("next state", state)}rule");
        foreach (var t in Allowed)
        {
            text.AppendLine($"{Pad(_stateName(t.From), state)}{Pad(_eventName(t.Event), eventWidth)}{Pad(_stateName(t.To), state)}{RuleOf(t.Event)}");
        }

        text.AppendLine();
        text.AppendLine("Refused with an explanation:");
        text.AppendLine($"{Pad("state", state)}{Pad("event", eventWidth)}{Pad("rule", 8)}reason");
        foreach (var r in ExplainedRefusals)
        {
            text.AppendLine($"{Pad(_stateName(r.From), state)}{Pad(_eventName(r.Event), eventWidth)}{Pad(r.RuleId, 8)}{r.Reason}");
        }

        text.AppendLine();
        text.AppendLine($"Every other (state, event) pair is refused under the event's rule: \"It is not possible to <action> {_naming.Entity} that is <state>.\"");
        return text.ToString();
    }

    /// <summary>
    /// The allowed transitions as a Graphviz dot graph: one node per state, one edge per transition labelled with the
    /// event and its rule. Refusals are not drawn: every pair without an edge is refused.
    /// </summary>
    public string ToDot()
    {
        var text = new StringBuilder();
        text.AppendLine($"digraph \"{_naming.Title}\" {{");
        text.AppendLine("  rankdir=LR;");
        text.AppendLine("  node [shape=box, style=rounded];");
        foreach (var state in Enum.GetValues<TState>())
        {
            text.AppendLine($"  \"{_stateName(state)}\";");
        }

        foreach (var t in Allowed)
        {
            text.AppendLine($"  \"{_stateName(t.From)}\" -> \"{_stateName(t.To)}\" [label=\"{_eventName(t.Event)} ({RuleOf(t.Event)})\"];");
        }

        text.AppendLine("}");
        return text.ToString();
    }

    private static string Pad(string text, int width) => text.PadRight(width);
}
