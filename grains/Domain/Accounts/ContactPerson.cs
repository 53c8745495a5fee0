namespace Subscriptions.Domain.Accounts;

/// <summary>The company's primary contact (ACC-1); the phone is kept in E.164 form, e.g. "+14155550123".</summary>
public sealed record ContactPerson(string Name, string Email, string Phone)
{
    /// <summary>Short form for audit entries.</summary>
    public override string ToString() => $"{Name} <{Email}> {Phone}";
}
