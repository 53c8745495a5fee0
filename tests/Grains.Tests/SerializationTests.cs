using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Subscriptions.Domain;
using Subscriptions.Domain.Accounts;
using Subscriptions.Domain.Accounts.Payments;
using Subscriptions.Domain.Billing;
using Subscriptions.Domain.Currencies;
using Subscriptions.Domain.Errors;
using Subscriptions.Domain.Invoices;
using Subscriptions.Grains.Accounts;

namespace Subscriptions.Grains.Tests;

/// <summary>
/// What crosses a grain call survives Orleans' serializer as the silos configure it: domain values through the JSON
/// codec with the domain's contract, contract types through generated serializers, refusals with their details.
/// </summary>
public sealed class SerializationTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly ServiceProvider _services = new ServiceCollection().AddSerializer(s => s.AddSubscriptionsSerializers()).BuildServiceProvider();

    private Serializer Serializer => _services.GetRequiredService<Serializer>();

    public void Dispose() => _services.Dispose();

    [Fact]
    public void money_currencies_periods_and_proration_factors_cross_a_call_exactly()
    {
        var money = new Money(1234.5678m, Currency.Jpy);
        var period = new BillingPeriod(Now, Now.AddMonths(1));
        var factor = new ProrationFactor(16, 31);

        Assert.Equal(money, RoundTrip(money));
        Assert.Equal(Currency.Usd, RoundTrip(Currency.Usd));
        Assert.Equal(period, RoundTrip(period));
        Assert.Equal(factor, RoundTrip(factor));
    }

    [Fact]
    public void every_kind_of_payment_method_crosses_a_call_as_itself()
    {
        var holder = Actor.Customer("u-1");
        var account = Account.Create(holder, new CreateAccount(
            "acc-1", "Acme", new ContactPerson("Ada", "ada@acme.example", "+12175550100"),
            new PostalAddress("1 Main St", null, "Springfield", "IL", "62701", "US"), null, "USD", AccountKind.SelfService, null, "u-1"), Now).State;
        account = Account.Decide(account, new AddCard("card-1", CardBrand.Discover, "tok_1", "4242", 12, 2030), new AccountContext(holder, Now)).State;
        account = Account.Decide(account, new AddBankAccount("bank-1", "tok_2", "First Bank", "1111"), new AccountContext(holder, Now)).State;
        account = Account.Decide(account, new AddPayPalWallet("pp-1", "tok_3", "ada@paypal.example"), new AccountContext(holder, Now)).State;
        var ledger = new InvoiceLedgerEntry("ACME-000001", Now, Now.AddDays(15), new Money(12.00m, Currency.Usd), new Money(2.50m, Currency.Usd), InvoiceStatus.Open, 3);
        var snapshot = new AccountSnapshot(
            account, ["sub-1"], 1, new Money(3.33m, Currency.Usd), [ledger], AccountBalances.Of([ledger], new Money(3.33m, Currency.Usd), Now.AddDays(16)));

        var read = RoundTrip(snapshot);

        Assert.Equal(account.PaymentMethods, read.Account.PaymentMethods);
        Assert.Equal([typeof(Card), typeof(BankAccount), typeof(PayPalWallet)], read.Account.PaymentMethods.Select(p => p.GetType()));
        Assert.Equal(snapshot.SubscriptionIds, read.SubscriptionIds);
        Assert.Equal(["ACC-1-000001"], read.InvoiceNumbers);
        Assert.Equal(snapshot.UnappliedCredit, read.UnappliedCredit);
        Assert.Equal([ledger], read.Invoices);
        Assert.Equal(new AccountBalances(new Money(-0.83m, Currency.Usd), new Money(2.50m, Currency.Usd), new Money(3.33m, Currency.Usd)), read.Balances);
        Assert.Equal(RoundTrip<PaymentMethod>(account.PaymentMethods[1]), account.PaymentMethods[1]);
    }

    [Fact]
    public void refusals_cross_a_call_with_their_rule_id_violations_and_kind()
    {
        var validation = RoundTrip<Exception>(new ValidationException([new FieldViolation("seats", "must be 1 or more"), new FieldViolation("plan_id", "is required")]));
        var rule = RoundTrip<Exception>(new RuleViolationException(Rules.Sub6, "Cancel before the effective date."));
        var missing = RoundTrip<Exception>(new NotFoundException("Subscription", "acc-1/sub-9"));
        var denied = RoundTrip<Exception>(new PermissionDeniedException(Rules.Acc2, "a user may not read billing"));
        var exists = RoundTrip<Exception>(new AlreadyExistsException("Account", "acc-1"));
        var reused = RoundTrip<Exception>(new RequestIdReusedException("account/acc-1", "req-1", "AddCardAsync", "SetAutopayAsync"));

        Assert.Equal([("seats", "must be 1 or more"), ("plan_id", "is required")], Assert.IsType<ValidationException>(validation).Violations.Select(v => (v.Field, v.Description)));
        Assert.Equal((Rules.Sub6, "Cancel before the effective date."), (Assert.IsType<RuleViolationException>(rule).RuleId, ((RuleViolationException)rule).Reason));
        Assert.Equal(("Subscription", "acc-1/sub-9"), (Assert.IsType<NotFoundException>(missing).Kind, ((NotFoundException)missing).Id));
        Assert.Equal((Rules.Acc2, "a user may not read billing"), (Assert.IsType<PermissionDeniedException>(denied).RuleId, ((PermissionDeniedException)denied).Reason));
        Assert.Equal(("Account", "acc-1"), (Assert.IsType<AlreadyExistsException>(exists).Kind, ((AlreadyExistsException)exists).Id));
        Assert.Equal(("account", "req-1", "AddCardAsync"), (Assert.IsType<RequestIdReusedException>(reused).GrainType, ((RequestIdReusedException)reused).RequestId, ((RequestIdReusedException)reused).FirstMethod));
    }

    [Fact]
    public void a_deeply_immutable_domain_value_is_passed_between_grains_of_one_silo_as_it_is()
    {
        var copier = _services.GetRequiredService<DeepCopier>();
        var actor = Actor.Customer("u-1");
        AccountCommand command = new AddCard("card-1", CardBrand.Visa, "tok_1", "4242", 12, 2030);
        var open = new CreateAccount(
            "acc-1", "Acme", new ContactPerson("Ada", "ada@acme.example", "+12175550100"),
            new PostalAddress("1 Main St", null, "Springfield", "IL", "62701", "US"), null, "USD", AccountKind.SelfService, null, "u-1");

        Assert.Same(actor, copier.Copy(actor));
        Assert.Same(command, copier.Copy(command));
        Assert.Same(open, copier.Copy(open));
        Assert.Same(Currency.Jpy, copier.Copy(Currency.Jpy));
        Assert.True(SubscriptionsSerialization.IsDeeplyImmutable(typeof(Money)));
        Assert.True(SubscriptionsSerialization.IsDeeplyImmutable(typeof(Card)));
    }

    [Fact]
    public void a_domain_value_holding_a_collection_is_copied_whole()
    {
        var ledger = new InvoiceLedgerEntry("ACME-000001", Now, Now.AddDays(15), new Money(12.00m, Currency.Usd), new Money(2.50m, Currency.Usd), InvoiceStatus.Open, 3);
        var entries = new List<InvoiceLedgerEntry> { ledger };

        var copy = _services.GetRequiredService<DeepCopier>().Copy(new InvoiceLedger(entries, 1));
        entries.Add(ledger with { Number = "ACME-000002" });

        Assert.Equal([ledger], copy.Entries);
        Assert.False(SubscriptionsSerialization.IsDeeplyImmutable(typeof(InvoiceLedger)));
        Assert.False(SubscriptionsSerialization.IsDeeplyImmutable(typeof(PaymentMethod)));
        Assert.False(SubscriptionsSerialization.IsDeeplyImmutable(typeof(List<Card>)));
    }

    private T RoundTrip<T>(T value) => Serializer.Deserialize<T>(Serializer.SerializeToArray(value))!;
}
