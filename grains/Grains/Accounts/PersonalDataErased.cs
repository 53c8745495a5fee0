namespace Subscriptions.Grains.Accounts;

/// <summary>The "personal-data-erased" notification (ACC-8, NOT-1): which account, when, by whom and why; never the erased values.</summary>
public sealed record PersonalDataErased(string AccountId, DateTimeOffset ErasedAt, string By, string Reason)
{
    /// <summary>The outbox kind of this message.</summary>
    public const string Kind = "personal-data-erased";
}
