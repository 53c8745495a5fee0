using Subscriptions.Domain.Accounts;
using Subscriptions.Domain.Accounts.Payments;
using Subscriptions.Grains.Accounts;
using Subscriptions.Grpc.Api.Edge;
using Proto = Subscriptions.Grpc.Api.V1;

namespace Subscriptions.Grpc.Api.Accounts;

/// <summary>Maps accounts and account enums between proto and domain.</summary>
internal static class AccountMapping
{
    /// <summary>The proto Account of a grain snapshot.</summary>
    public static Proto.Account ToProto(AccountSnapshot snapshot)
    {
        var account = snapshot.Account;
        var proto = new Proto.Account
        {
            AccountId = account.Id,
            CompanyName = account.CompanyName,
            PrimaryContact = CommonMapping.ToProto(account.PrimaryContact),
            BillingAddress = CommonMapping.ToProto(account.BillingAddress),
            ShippingAddress = account.ShippingAddress is null ? null : CommonMapping.ToProto(account.ShippingAddress),
            Currency = account.Currency.Code,
            Kind = ToProto(account.Kind),
            TimeZone = account.TimeZoneId,
            Sandbox = account.IsSandbox,
            TestClockId = account.TestClockId ?? "",
            DefaultPaymentMethodId = account.DefaultPaymentMethodId ?? "",
            AutopayEnabled = account.AutopayEnabled,
            ReceiptRecipient = account.ReceiptRecipient,
            VatId = account.VatId ?? "",
            TaxExemption = account.TaxExemption is null ? null : ToProto(account.TaxExemption),
            CreatedAt = CommonMapping.ToProto(account.CreatedAt),
            PersonalDataErasedAt = CommonMapping.ToProto(account.PersonalDataErasedAt),
            UnappliedCredit = CommonMapping.ToProto(snapshot.UnappliedCredit),
            Balance = CommonMapping.ToProto(snapshot.Balances.Balance),
            OverdueBalance = CommonMapping.ToProto(snapshot.Balances.OverdueBalance),
        };
        proto.Members.AddRange(account.Members.Select(m => new Proto.Member { SubjectId = m.SubjectId, Email = m.Email, Role = ToProto(m.Role) }));
        proto.PaymentMethods.AddRange(account.PaymentMethods.Select(m => ToProto(m, m.Id == account.DefaultPaymentMethodId)));
        proto.InvoiceRecipients.AddRange(account.InvoiceRecipients);
        proto.SubscriptionIds.AddRange(snapshot.SubscriptionIds);
        var numbers = snapshot.InvoiceNumbers;
        var first = Math.Max(0, numbers.Count - MaxInvoiceNumbers);
        proto.InvoiceNumbers.AddRange(Enumerable.Range(first, numbers.Count - first).Select(i => numbers[i]));
        proto.InvoiceCount = snapshot.InvoiceCount;
        return proto;
    }

    /// <summary>How many of the newest invoice numbers an account answers with (ListInvoices pages through all).</summary>
    public const int MaxInvoiceNumbers = 100;

    /// <summary>The domain kind; unspecified maps to an undefined value the domain refuses on field "kind".</summary>
    public static AccountKind ToDomain(Proto.AccountKind kind) => kind switch
    {
        Proto.AccountKind.SelfService => AccountKind.SelfService,
        Proto.AccountKind.Corporate => AccountKind.Corporate,
        _ => default,
    };

    /// <summary>The domain role; unspecified maps to an undefined value the domain refuses on field "role".</summary>
    public static AccountRole ToDomain(Proto.MemberRole role) => role switch
    {
        Proto.MemberRole.PrimaryHolder => AccountRole.PrimaryHolder,
        Proto.MemberRole.BillingViewer => AccountRole.BillingViewer,
        Proto.MemberRole.User => AccountRole.User,
        Proto.MemberRole.Administrator => AccountRole.Administrator,
        _ => default,
    };

    /// <summary>The domain brand; unspecified maps to an undefined value the domain refuses on field "brand".</summary>
    public static CardBrand ToDomain(Proto.CardBrand brand) => brand switch
    {
        Proto.CardBrand.Visa => CardBrand.Visa,
        Proto.CardBrand.Mastercard => CardBrand.Mastercard,
        Proto.CardBrand.AmericanExpress => CardBrand.AmericanExpress,
        Proto.CardBrand.Discover => CardBrand.Discover,
        Proto.CardBrand.VisaElectron => CardBrand.VisaElectron,
        Proto.CardBrand.AmericanExpressUk => CardBrand.AmericanExpressUk,
        _ => default,
    };

    private static Proto.AccountKind ToProto(AccountKind kind) => kind switch
    {
        AccountKind.SelfService => Proto.AccountKind.SelfService,
        AccountKind.Corporate => Proto.AccountKind.Corporate,
        _ => Proto.AccountKind.Unspecified,
    };

    private static Proto.MemberRole ToProto(AccountRole role) => role switch
    {
        AccountRole.PrimaryHolder => Proto.MemberRole.PrimaryHolder,
        AccountRole.BillingViewer => Proto.MemberRole.BillingViewer,
        AccountRole.User => Proto.MemberRole.User,
        AccountRole.Administrator => Proto.MemberRole.Administrator,
        _ => Proto.MemberRole.Unspecified,
    };

    private static Proto.CardBrand ToProto(CardBrand brand) => brand switch
    {
        CardBrand.Visa => Proto.CardBrand.Visa,
        CardBrand.Mastercard => Proto.CardBrand.Mastercard,
        CardBrand.AmericanExpress => Proto.CardBrand.AmericanExpress,
        CardBrand.Discover => Proto.CardBrand.Discover,
        CardBrand.VisaElectron => Proto.CardBrand.VisaElectron,
        CardBrand.AmericanExpressUk => Proto.CardBrand.AmericanExpressUk,
        _ => Proto.CardBrand.Unspecified,
    };

    private static Proto.PaymentMethod ToProto(PaymentMethod method, bool isDefault)
    {
        var proto = new Proto.PaymentMethod { PaymentMethodId = method.Id, AddedAt = CommonMapping.ToProto(method.AddedAt), IsDefault = isDefault };
        switch (method)
        {
            case Card card:
                proto.Card = new Proto.CardDetails { Brand = ToProto(card.Brand), Last4 = card.Last4, ExpiryMonth = card.ExpiryMonth, ExpiryYear = card.ExpiryYear };
                break;
            case BankAccount bank:
                proto.BankAccount = new Proto.BankAccountDetails { BankName = bank.BankName, Last4 = bank.Last4 };
                break;
            case PayPalWallet wallet:
                proto.Paypal = new Proto.PayPalDetails { Email = wallet.Email };
                break;
            default:
                throw new InvalidOperationException($"Payment method {method.Id} is of an unknown kind {method.GetType().Name}.");
        }

        return proto;
    }

    private static Proto.TaxExemption ToProto(TaxExemption exemption) => new()
    {
        CertificateReference = exemption.CertificateReference,
        Status = exemption.Status switch
        {
            TaxExemptionStatus.Pending => Proto.TaxExemptionStatus.Pending,
            TaxExemptionStatus.Approved => Proto.TaxExemptionStatus.Approved,
            TaxExemptionStatus.Rejected => Proto.TaxExemptionStatus.Rejected,
            _ => Proto.TaxExemptionStatus.Unspecified,
        },
        RequestedAt = CommonMapping.ToProto(exemption.RequestedAt),
        RequestedBy = exemption.RequestedBy,
        DecidedAt = CommonMapping.ToProto(exemption.DecidedAt),
        DecidedBy = exemption.DecidedBy ?? "",
        DecisionNote = exemption.DecisionNote ?? "",
    };
}
