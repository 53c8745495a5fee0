namespace Subscriptions.Domain.Accounts;

/// <summary>Who is acting on an account: the authenticated subject id and whether it is a billing-ops member of staff (ACC-2).</summary>
public sealed record Actor(string SubjectId, bool IsOps)
{
    /// <summary>A customer identified by their subject id.</summary>
    public static Actor Customer(string subjectId) => new(subjectId, IsOps: false);

    /// <summary>A billing-ops member of staff identified by their subject id.</summary>
    public static Actor Ops(string subjectId) => new(subjectId, IsOps: true);

    /// <summary>Short form used in audit entries and messages, e.g. "ops:jane" or "u-42".</summary>
    public override string ToString() => IsOps ? $"ops:{SubjectId}" : SubjectId;
}
