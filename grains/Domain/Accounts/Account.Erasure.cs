using Subscriptions.Domain.Errors;

namespace Subscriptions.Domain.Accounts;

/// <summary>Erase the account's personal data (ACC-8): a GDPR request by billing ops, or the retention period's end.</summary>
public sealed record ErasePersonalData(string Reason) : AccountCommand;

public sealed partial record Account
{
    /// <summary>What erased personal fields read as.</summary>
    public const string ErasedMarker = "[erased]";

    /// <summary>Months personal data is kept after the account's last subscription ended (ACC-8).</summary>
    public const int RetentionMonths = 6;

    /// <summary>The longest erasure reason kept in the audit trail.</summary>
    public const int MaxErasureReasonLength = 500;

    /// <summary>True once personal data is erased: the account then takes no change at all.</summary>
    public bool IsErased => PersonalDataErasedAt is not null;

    /// <summary>
    /// True while the account has a billing address to invoice and tax (QUO-4): every account opens with one (ACC-1),
    /// and loses it only when its personal data is erased.
    /// </summary>
    public bool HasBillingAddress => !IsErased && BillingAddress.Line1 != ErasedMarker;

    /// <summary>
    /// Erases personal data (ACC-8) and keeps the financial identity: id, currency, kind, time zone, the billing country
    /// and region (the tax jurisdiction of its invoices) and the sandbox binding. Names, addresses, e-mails, members,
    /// payment methods, recipients, the VAT id and the tax exemption go. The audit entry says who, when and why, never
    /// the erased values. Erasing an erased account changes nothing; an account with live subscriptions is refused:
    /// they must be cancelled first.
    /// </summary>
    private AccountDecision Decide(Actor actor, ErasePersonalData command, DateTimeOffset now, IReadOnlyList<string> liveSubscriptionIds)
    {
        ArgumentNullException.ThrowIfNull(command);
        Authorize(actor, AccountAction.EraseData);
        var reason = command.Reason?.Trim();
        if (string.IsNullOrEmpty(reason) || reason.Length > MaxErasureReasonLength)
        {
            throw new ValidationException("reason", $"reason is required (at most {MaxErasureReasonLength} characters): say why the data is erased, e.g. the GDPR request reference.");
        }

        if (IsErased)
        {
            return AccountDecision.Unchanged(this);
        }

        if (liveSubscriptionIds.Count > 0)
        {
            throw new RuleViolationException(
                Rules.Acc8, $"Account {Quoted.Of(Id)} has live subscriptions ({string.Join(", ", liveSubscriptionIds.Select(Quoted.Of))}): cancel them before erasing its personal data.");
        }

        var erased = this with
        {
            CompanyName = ErasedMarker,
            PrimaryContact = new ContactPerson(ErasedMarker, ErasedMarker, ErasedMarker),
            BillingAddress = new PostalAddress(ErasedMarker, null, ErasedMarker, BillingAddress.Region, ErasedMarker, BillingAddress.Country),
            ShippingAddress = null,
            Members = [new AccountMember(ErasedMarker, ErasedMarker, AccountRole.PrimaryHolder)],
            PaymentMethods = [],
            DefaultPaymentMethodId = null,
            AutopayEnabled = false,
            InvoiceRecipients = [],
            ReceiptRecipient = ErasedMarker,
            VatId = null,
            TaxExemption = null,
            PersonalDataErasedAt = now,
        };
        return AccountDecision.Of(erased, AuditEntry.Of(actor, now, "personal_data_erased", null, $"reason: {reason}"));
    }

    /// <summary>An erased account takes no change (ACC-8).</summary>
    private void RequireNotErased()
    {
        if (PersonalDataErasedAt is { } at)
        {
            throw new RuleViolationException(
                Rules.Acc8, $"The personal data of account {Quoted.Of(Id)} was erased on {at.UtcDateTime:yyyy-MM-dd}: the account can no longer be changed or reactivated.");
        }
    }
}
