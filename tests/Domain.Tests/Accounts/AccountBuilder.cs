using Subscriptions.Domain.Accounts;
using Subscriptions.Domain.Accounts.Payments;
using Subscriptions.Domain.Currencies;

namespace Subscriptions.Domain.Tests.Accounts;

/// <summary>Builds valid accounts for tests; every step goes through the aggregate's own commands.</summary>
internal sealed class AccountBuilder
{
    public static readonly DateTimeOffset Now = new(2025, 6, 15, 12, 0, 0, TimeSpan.Zero);
    public const string HolderId = "u-holder";
    public static readonly Actor Holder = Actor.Customer(HolderId);
    public static readonly Actor Ops = Actor.Ops("ops-ann");

    private readonly List<Func<Account, AccountDecision>> _steps = [];
    private string _currency = "USD";
    private AccountKind _kind = AccountKind.SelfService;
    private PostalAddress _billingAddress = Addresses.Us;
    private string? _timeZoneId;
    private bool _isSandbox;

    /// <summary>A valid creation command for a US self-service account held by <see cref="HolderId"/>.</summary>
    public static CreateAccount ValidCreate() => new(
        AccountId: "acc-1",
        CompanyName: "Acme Widgets",
        PrimaryContact: new ContactPerson("Jane Doe", "jane@acme.example.com", "+1 415 555 0123"),
        BillingAddress: Addresses.Us,
        ShippingAddress: null,
        Currency: "USD",
        Kind: AccountKind.SelfService,
        TimeZoneId: null,
        PrimaryHolderSubjectId: HolderId);

    public AccountBuilder WithCurrency(Currency value)
    {
        _currency = value.Code;
        return this;
    }

    public AccountBuilder WithKind(AccountKind value)
    {
        _kind = value;
        return this;
    }

    public AccountBuilder WithBillingAddress(PostalAddress value)
    {
        _billingAddress = value;
        return this;
    }

    public AccountBuilder WithTimeZone(string value)
    {
        _timeZoneId = value;
        return this;
    }

    public AccountBuilder AsSandbox()
    {
        _isSandbox = true;
        return this;
    }

    public AccountBuilder WithMember(string subjectId, AccountRole role) =>
        Then(a => a.Decide(Holder, new AddMember(subjectId, $"{subjectId}@acme.example.com", role), Now));

    public AccountBuilder WithCard(string id, CardBrand brand = CardBrand.Visa, int expiryMonth = 12, int expiryYear = 2030, string? last4 = null) =>
        Then(a => a.Decide(Holder, new AddCard(id, brand, $"tok_{id}", last4 ?? "4242", expiryMonth, expiryYear), Now));

    public AccountBuilder WithBankAccount(string id) =>
        Then(a => a.Decide(Holder, new AddBankAccount(id, $"tok_{id}", "First Bank", "6789"), Now));

    public AccountBuilder WithWallet(string id) =>
        Then(a => a.Decide(Holder, new AddPayPalWallet(id, $"tok_{id}", $"{id}@paypal.example.com"), Now));

    public AccountBuilder WithInvoiceRecipients(int count)
    {
        for (var i = 1; i <= count; i++)
        {
            var email = $"ap{i}@acme.example.com";
            Then(a => a.Decide(Holder, new AddInvoiceRecipient(email), Now));
        }

        return this;
    }

    public AccountBuilder Then(Func<Account, AccountDecision> step)
    {
        _steps.Add(step);
        return this;
    }

    public Account Build()
    {
        var command = ValidCreate() with
        {
            Currency = _currency,
            Kind = _kind,
            BillingAddress = _billingAddress,
            TimeZoneId = _timeZoneId,
            IsSandbox = _isSandbox,
        };
        return _steps.Aggregate(Account.Create(Ops, command, Now).State, (account, step) => step(account).State);
    }
}

/// <summary>Valid addresses in a few countries.</summary>
internal static class Addresses
{
    public static readonly PostalAddress Us = new("1 Main Street", null, "Springfield", "IL", "62701", "US");
    public static readonly PostalAddress Alabama = new("200 Dexter Avenue", null, "Montgomery", "AL", "36104", "US");
    public static readonly PostalAddress Germany = new("Unter den Linden 1", null, "Berlin", null, "10117", "DE");
    public static readonly PostalAddress France = new("1 rue de Rivoli", null, "Paris", null, "75001", "FR");
    public static readonly PostalAddress Greece = new("Ermou 10", null, "Athens", null, "105 63", "GR");
    public static readonly PostalAddress Ontario = new("100 Queen St W", "Suite 200", "Toronto", "ON", "M5H 2N2", "CA");
}
