namespace Subscriptions.Domain.Accounts;

/// <summary>A person with a role on an account, identified by their subject id (ACC-2).</summary>
public sealed record AccountMember(string SubjectId, string Email, AccountRole Role);
