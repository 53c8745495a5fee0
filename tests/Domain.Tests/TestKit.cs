using Subscriptions.Domain.Accounts;
using Subscriptions.Domain.Billing;
using Subscriptions.Domain.Catalog;
using Subscriptions.Domain.Currencies;
using Subscriptions.Domain.Invoices;
using Subscriptions.Domain.Subscriptions;

namespace Subscriptions.Domain.Tests;

/// <summary>Builders for contexts and subscriptions used across the domain tests.</summary>
internal static class TestKit
{
    /// <summary>
    /// The domain tests' own catalog (Catalog/test-catalog.json): the products, plans and prices the tests' expected
    /// amounts come from. It starts as the shipped catalog's shape and prices but is not read from it, so a price change
    /// in the shipped catalog changes no domain test; the shipped catalog has tests of its own (CatalogLoaderTests).
    /// </summary>
    public static ProductCatalog Catalog { get; } = LoadTestCatalog();

    private static ProductCatalog LoadTestCatalog()
    {
        using var stream = typeof(TestKit).Assembly.GetManifestResourceStream("Subscriptions.Domain.Tests.test-catalog.json")
            ?? throw new InvalidOperationException("The domain tests' catalog (Catalog/test-catalog.json) is not embedded.");
        using var reader = new StreamReader(stream);
        return CatalogLoader.Parse(reader.ReadToEnd());
    }

    public static DateTimeOffset Utc(int year, int month, int day, int hour = 0, int minute = 0) => new(year, month, day, hour, minute, 0, TimeSpan.Zero);

    public static SubscriptionContext Context(
        DateTimeOffset now,
        CallerAuthority caller = CallerAuthority.PrimaryHolder,
        Currency? currency = null,
        string? timeZone = null,
        bool hasPaymentMethod = true,
        bool overdue = false,
        AccountKind kind = AccountKind.SelfService) =>
        new(Catalog, new AccountFacts(kind, currency ?? Currency.Usd, timeZone, hasPaymentMethod, overdue), caller, now);

    public static SubscriptionContext Ops(DateTimeOffset now, Currency? currency = null, string? timeZone = null) =>
        Context(now, CallerAuthority.BillingOps, currency, timeZone);

    public static SubscriptionContext Service(DateTimeOffset now, Currency? currency = null, string? timeZone = null, bool hasPaymentMethod = true, bool overdue = false) =>
        Context(now, CallerAuthority.System, currency, timeZone, hasPaymentMethod, overdue);

    public static SubscriptionDecision Paid(
        string product, string plan, int seats, DateTimeOffset at, BillingFrequency frequency = BillingFrequency.Monthly, Currency? currency = null, string? timeZone = null) =>
        Subscription.CreatePaid(new CreatePaid("sub-1", "acc-1", product, plan, seats, frequency), Context(at, currency: currency, timeZone: timeZone));

    public static SubscriptionDecision Renew(SubscriptionState state, Currency? currency = null, string? timeZone = null) =>
        Subscription.Decide(state, new Renew(), Service(state.NextRenewal!.Value, currency, timeZone));

    public static decimal Amount(ChargeLine line) => InvoiceLine.Finalise(line).Amount.Amount;
}

/// <summary>Account changes in tests go through the one entry, <see cref="Account.Decide(Account, AccountCommand, AccountContext)"/>.</summary>
internal static class AccountDecisions
{
    /// <summary>Decides <paramref name="command"/> by <paramref name="actor"/> at <paramref name="now"/>, for an account without subscriptions.</summary>
    public static AccountDecision Decide(this Account account, Actor actor, AccountCommand command, DateTimeOffset now) =>
        Account.Decide(account, command, new AccountContext(actor, now));
}
