using Subscriptions.Domain.Accounts;
using Subscriptions.Domain.Accounts.Payments;
using Subscriptions.Domain.Billing;
using Subscriptions.Domain.Invoices;
using Subscriptions.Domain.Money;
using Subscriptions.Grains.Accounts;
using Subscriptions.Grains.Invoices;
using Subscriptions.Runtime;
using Money = Subscriptions.Domain.Money.Money;

namespace Subscriptions.Api.Tests;

/// <summary>Grain state survives the runtime's JSON (a reloaded activation sees exactly what was written).</summary>
public sealed class StateJsonTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly GrainSerializer _serializer = new();

    [Fact]
    public void Account_state_with_every_kind_of_payment_method_and_an_issued_invoice_round_trips_through_the_runtime_json()
    {
        var holder = Actor.Customer("u-1");
        var account = Account.Create(holder, new CreateAccount(
            "acc-1", "Acme", new ContactPerson("Ada", "ada@acme.example", "+12175550100"),
            new PostalAddress("1 Main St", null, "Springfield", "IL", "62701", "US"), null, "USD", AccountKind.SelfService, null, "u-1"), Now).State;
        account = account.Decide(holder, new AddCard("card-1", CardBrand.Discover, "tok_1", "4242", 12, 2030), Now).State;
        account = account.Decide(holder, new AddBankAccount("bank-1", "tok_2", "First Bank", "1111"), Now).State;
        account = account.Decide(holder, new AddPayPalWallet("pp-1", "tok_3", "ada@paypal.example"), Now).State;
        account = account.Decide(holder, new RequestTaxExemption("IL-EX-1"), Now).State;
        var invoice = new InvoiceBuilder("acc-1", "ACC-1-000001", Now, Currency.Usd)
            .Add([new ChargeLine(InvoiceLineKind.SubscriptionCharge, "Pro", 2m, new Money(12.5m, Currency.Usd), Period: new BillingPeriod(Now, Now.AddDays(30)), SubscriptionId: "sub-1")])
            .Build();
        var state = new AccountState { Account = account, SubscriptionIds = ["sub-1"], IssuedInvoices = [invoice], UnappliedCredit = 3.33m };

        var read = _serializer.Deserialize<AccountState>(_serializer.Serialize(state));

        Assert.Equal(_serializer.Serialize(state), _serializer.Serialize(read));
        var issued = Assert.Single(read.IssuedInvoices);
        Assert.Equal(invoice.Lines, issued.Lines);
        Assert.Equal((invoice.Number, invoice.Total, invoice.Balance, invoice.Status), (issued.Number, issued.Total, issued.Balance, issued.Status));
        Assert.Equal(account.PaymentMethods, read.Account!.PaymentMethods);
        Assert.Equal(Currency.Usd, read.Account.Currency);
        Assert.Equal(account.TaxExemption, read.Account.TaxExemption);
    }

    [Fact]
    public void Invoice_state_round_trips_through_the_runtime_json_with_exact_amounts()
    {
        var period = new BillingPeriod(Now, Now.AddDays(30));
        var invoice = new InvoiceBuilder("acc-1", "ACC-1-000001", Now, Currency.Jpy)
            .Add([new ChargeLine(InvoiceLineKind.ProrationCharge, "Pro", 3m, new Money(1001m, Currency.Jpy), new ProrationFactor(16, 31), period, "sub-1")])
            .Build();

        var read = _serializer.Deserialize<InvoiceState>(_serializer.Serialize(new InvoiceState { Invoice = invoice })).Invoice!;

        Assert.Equal(invoice.Lines, read.Lines);
        Assert.Equal((invoice.Total, invoice.Balance, invoice.DueAt), (read.Total, read.Balance, read.DueAt));
    }
}
