namespace Subscriptions.Domain.Accounts;

/// <summary>The outcome of a command: the new account state and the audit entries the grain persists with it (ACC-7).</summary>
public sealed record AccountDecision(Account State, IReadOnlyList<AuditEntry> Audit)
{
    /// <summary>True when the command changed something; a no-op (e.g. setting the current default again) has no audit entries.</summary>
    public bool Changed => Audit.Count > 0;

    internal static AccountDecision Unchanged(Account state) => new(state, []);

    internal static AccountDecision Of(Account state, params AuditEntry[] audit) => new(state, audit);
}
