using System.Text.Json.Serialization;
using Subscriptions.Domain.Accounts.Payments;
using Subscriptions.Domain.Billing;
using Subscriptions.Domain.Currencies;

namespace Subscriptions.Domain.Accounts;

/// <summary>
/// The account aggregate (ACC-1 to ACC-7): immutable state. Every change goes through a <c>Decide</c> method that
/// checks authority, validates, applies the rules and returns the new state with its audit entries.
/// </summary>
public sealed partial record Account
{
    /// <summary>The account's key.</summary>
    public required string Id { get; init; }

    /// <summary>The customer's company name.</summary>
    public required string CompanyName { get; init; }

    /// <summary>The company's primary contact (name, email, phone).</summary>
    public required ContactPerson PrimaryContact { get; init; }

    /// <summary>The billing address; taxes follow it (ACC-5).</summary>
    public required PostalAddress BillingAddress { get; init; }

    /// <summary>Where physical goods go, when the account has a separate one.</summary>
    public PostalAddress? ShippingAddress { get; init; }

    /// <summary>The account currency, fixed at creation.</summary>
    public required Currency Currency { get; init; }

    /// <summary>Self-service or corporate, fixed at creation.</summary>
    public required AccountKind Kind { get; init; }

    /// <summary>IANA time zone id for calendar rules (month ends, card expiry); "UTC" by default.</summary>
    public required string TimeZoneId { get; init; }

    /// <summary>True for sandbox accounts, which may be bound to a test clock (CLOCK-1).</summary>
    public bool IsSandbox { get; init; }

    /// <summary>The test clock this sandbox account follows, if any (CLOCK-1).</summary>
    public string? TestClockId { get; init; }

    /// <summary>People with a role on the account; exactly one is the primary holder (ACC-2).</summary>
    public required IReadOnlyList<AccountMember> Members { get; init; }

    /// <summary>Saved payment methods in the order they were added (ACC-3).</summary>
    public IReadOnlyList<PaymentMethod> PaymentMethods { get; init; } = [];

    /// <summary>Id of the default payment method; set exactly when any payment method is saved (ACC-3).</summary>
    public string? DefaultPaymentMethodId { get; init; }

    /// <summary>Whether invoices are charged to the default payment method automatically (ACC-3, INV-6).</summary>
    public bool AutopayEnabled { get; init; }

    /// <summary>Up to 5 invoice recipients besides the billing contact (ACC-4).</summary>
    public IReadOnlyList<string> InvoiceRecipients { get; init; } = [];

    /// <summary>The one address payment receipts go to (ACC-4).</summary>
    public required string ReceiptRecipient { get; init; }

    /// <summary>The EU/UK VAT id, stored compact and upper-case, e.g. "DE123456789" (ACC-5).</summary>
    public string? VatId { get; init; }

    /// <summary>The latest US tax exemption request and its decision, if any (ACC-5).</summary>
    public TaxExemption? TaxExemption { get; init; }

    /// <summary>When the account was opened.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When personal data was erased (ACC-8); null while the data is kept.</summary>
    public DateTimeOffset? PersonalDataErasedAt { get; init; }

    /// <summary>The primary holder, who is also the billing contact (ACC-2).</summary>
    [JsonIgnore]
    public AccountMember PrimaryHolder => Members.Single(m => m.Role == AccountRole.PrimaryHolder);

    /// <summary>The default payment method, or null when none is saved (ACC-3).</summary>
    [JsonIgnore]
    public PaymentMethod? DefaultPaymentMethod => PaymentMethods.FirstOrDefault(m => m.Id == DefaultPaymentMethodId);

    /// <summary>Where invoices go: the billing contact first, then the other recipients (ACC-4).</summary>
    [JsonIgnore]
    public IReadOnlyList<string> InvoiceRecipientEmails =>
        PersonalDataErasedAt is not null ? [] : [.. BillingContactEmails.Concat(InvoiceRecipients).Distinct(StringComparer.OrdinalIgnoreCase)];

    /// <summary>
    /// The billing contact's e-mail, for what goes to the billing contact alone: quotes and order confirmations (QUO-5).
    /// The billing contact is the primary holder (ACC-2), who can hand it over; none once personal data is erased.
    /// </summary>
    [JsonIgnore]
    public IReadOnlyList<string> BillingContactEmails => PersonalDataErasedAt is not null ? [] : [PrimaryHolder.Email];

    /// <summary>True when an approved exemption applies: approved and the billing address is in the US (TAX-2).</summary>
    [JsonIgnore]
    public bool IsTaxExempt => TaxExemption?.Status == TaxExemptionStatus.Approved && BillingAddress.Country == "US";

    /// <summary>The default payment method when it can be charged at <paramref name="now"/>, else null: an expired card cannot be (ACC-3, INV-3).</summary>
    public PaymentMethod? ChargeableDefaultPaymentMethod(DateTimeOffset now) =>
        DefaultPaymentMethod is { } method && !method.IsExpiredOn(LocalDate(now)) ? method : null;

    /// <summary>
    /// True when a saved card valid at <paramref name="now"/> or a direct-debit bank account can pay a seats order
    /// (QUO-4): its checkout charges any saved automatic method, not only the default. A wallet is not one.
    /// </summary>
    public bool HasAutomaticPaymentMethod(DateTimeOffset now) =>
        PaymentMethods.Any(m => m.IsAutomatic && !m.IsExpiredOn(LocalDate(now)));

    /// <summary>The account's time zone.</summary>
    public TimeZoneInfo ResolveTimeZone() => AccountTimeZone.Resolve(TimeZoneId);

    /// <summary>The calendar date at <paramref name="now"/> in the account's time zone.</summary>
    public DateOnly LocalDate(DateTimeOffset now) => AccountTimeZone.LocalDate(now, ResolveTimeZone());

    /// <summary>The member's role, or null when the subject is not a member.</summary>
    public AccountRole? RoleOf(string subjectId) => Members.FirstOrDefault(m => m.SubjectId == subjectId)?.Role;
}
