using Subscriptions.Domain.Accounts.Validation;
using Subscriptions.Domain.Currencies;
using Subscriptions.Domain.Errors;

namespace Subscriptions.Domain.Accounts;

/// <summary>Opening an account (ACC-1).</summary>
public sealed partial record Account
{
    /// <summary>
    /// Opens an account whose primary holder (and billing contact) is <see cref="CreateAccount.PrimaryHolderSubjectId"/>, reachable
    /// at the primary contact's email. Customers can only open accounts they hold themselves; billing ops can open any.
    /// </summary>
    public static AccountDecision Create(Actor actor, CreateAccount command, DateTimeOffset now)
    {
        var violations = new ViolationList();
        violations.Check("account_id", TextRules.Required(command.AccountId, 100));
        violations.Check("company_name", TextRules.Required(command.CompanyName));
        var contact = ContactRules.Validate(command.PrimaryContact, "primary_contact", violations);
        var billing = AddressRules.Validate(command.BillingAddress, "billing_address", violations);
        var shipping = command.ShippingAddress is null ? null : AddressRules.Validate(command.ShippingAddress, "shipping_address", violations);
        violations.Check("currency", Currency.TryParse(command.Currency, out var currency)
            ? null
            : $"{Quoted.Of(command.Currency)} is not supported; use one of {string.Join(", ", Currency.All.Select(c => c.Code))}");
        violations.Check("kind", Enum.IsDefined(command.Kind) ? null : "must be self-service or corporate");
        violations.Check("time_zone", TimeZoneRules.Problem(command.TimeZoneId));
        violations.Check("primary_holder_subject_id", TextRules.Required(command.PrimaryHolderSubjectId));
        violations.Check("test_clock_id", TestClockProblem(command.IsSandbox, command.TestClockId));
        violations.ThrowIfAny();
        var holder = command.PrimaryHolderSubjectId.Trim();
        if (!actor.IsOps && actor.SubjectId != holder)
        {
            throw new PermissionDeniedException(
                Rules.Acc2, $"{Quoted.Of(actor.SubjectId)} may not open account {Quoted.Of(command.AccountId)} for {Quoted.Of(holder)}; customers open accounts they hold themselves, billing ops may open any.");
        }

        var account = new Account
        {
            Id = command.AccountId.Trim(),
            CompanyName = command.CompanyName.Trim(),
            PrimaryContact = contact!,
            BillingAddress = billing!,
            ShippingAddress = shipping,
            Currency = currency,
            Kind = command.Kind,
            TimeZoneId = TimeZoneRules.Normalize(command.TimeZoneId),
            IsSandbox = command.IsSandbox,
            TestClockId = TextRules.TrimToNull(command.TestClockId),
            Members = [new AccountMember(holder, contact!.Email, AccountRole.PrimaryHolder)],
            AutopayEnabled = command.Kind == AccountKind.SelfService,
            ReceiptRecipient = contact.Email,
            CreatedAt = now,
        };
        return AccountDecision.Of(account, AuditEntry.Of(actor, now, "account", null, account.Describe()));
    }

    /// <summary>The kind as the API names it: "self-service" or "corporate".</summary>
    public static string KindName(AccountKind kind) => kind == AccountKind.Corporate ? "corporate" : "self-service";

    private static string? TestClockProblem(bool isSandbox, string? testClockId) =>
        string.IsNullOrWhiteSpace(testClockId) ? null
        : !isSandbox ? $"can only be set on a sandbox account ({Rules.Clock1})"
        : TextRules.Required(testClockId, 100);

    private string Describe() =>
        $"{CompanyName} ({Currency.Code}, {KindName(Kind)}, {TimeZoneId}{(IsSandbox ? ", sandbox" : "")}), primary holder {PrimaryHolder.SubjectId}";
}
