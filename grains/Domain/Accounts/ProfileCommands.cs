namespace Subscriptions.Domain.Accounts;

/// <summary>Opens an account (ACC-1). A blank time zone means "UTC"; a test clock may only be bound to a sandbox account (CLOCK-1).</summary>
public sealed record CreateAccount(
    string AccountId,
    string CompanyName,
    ContactPerson PrimaryContact,
    PostalAddress BillingAddress,
    PostalAddress? ShippingAddress,
    string Currency,
    AccountKind Kind,
    string? TimeZoneId,
    string PrimaryHolderSubjectId,
    bool IsSandbox = false,
    string? TestClockId = null);

/// <summary>Changes the company name, primary contact and time zone (ACC-1).</summary>
public sealed record UpdateCompanyProfile(string CompanyName, ContactPerson PrimaryContact, string? TimeZoneId) : AccountCommand;

/// <summary>Replaces the billing address; taxes follow it (ACC-5).</summary>
public sealed record ChangeBillingAddress(PostalAddress Address) : AccountCommand;

/// <summary>Sets the shipping address, or removes it when null (ACC-1).</summary>
public sealed record ChangeShippingAddress(PostalAddress? Address) : AccountCommand;

/// <summary>Binds a sandbox account to a test clock (CLOCK-1).</summary>
public sealed record AttachTestClock(string TestClockId) : AccountCommand;
