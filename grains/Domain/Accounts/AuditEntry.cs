namespace Subscriptions.Domain.Accounts;

/// <summary>
/// One access-relevant or billing change (ACC-7): who acted (and whether as billing ops), when, what changed,
/// and short before/after descriptions (null where there was nothing before or is nothing after).
/// </summary>
public sealed record AuditEntry(DateTimeOffset At, string ActorSubjectId, bool ActorIsOps, string What, string? Before, string? After)
{
    internal static AuditEntry Of(Actor actor, DateTimeOffset at, string what, string? before, string? after) =>
        new(at, actor.SubjectId, actor.IsOps, what, before, after);

    /// <summary>Readable one-line form, e.g. "2025-06-15T12:00:00Z ops:jane billing_address: A → B".</summary>
    public override string ToString() =>
        $"{At:u} {(ActorIsOps ? "ops:" : "")}{ActorSubjectId} {What}: {Before ?? "(none)"} → {After ?? "(none)"}";
}
