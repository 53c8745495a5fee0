using Orleans;
using Subscriptions.Domain.Accounts;

namespace Subscriptions.Grains.Accounts;

/// <summary>
/// One account (SPEC §1), keyed by account id. Customer-facing methods take the acting <see cref="Actor"/> and enforce
/// ACC-2 through the domain; every change is recorded in the grain's history with its audit entry (ACC-7).
/// </summary>
[Alias("subscriptions.account")]
public interface IAccountGrain : IGrainWithStringKey
{
    /// <summary>Opens the account (ACC-1); a sandbox account naming a test clock is bound to it (CLOCK-1).</summary>
    Task<AccountSnapshot> CreateAsync(Actor actor, CreateAccount command, CancellationToken cancellationToken = default);

    /// <summary>Reads the account; the actor needs read access (ACC-2).</summary>
    Task<AccountSnapshot> GetAsync(Actor actor, CancellationToken cancellationToken = default);


    /// <summary>
    /// Changes the account (ACC-1..5): profile, addresses, taxes, payment methods, recipients, members, test clock.
    /// Decided by <c>Account.Decide</c>, which checks the actor's right to the change (ACC-2) first; every change is
    /// recorded in the account's history with its audit entry (ACC-7). A request id already answered for the same kind
    /// of command returns the first answer (IDEM-1).
    /// </summary>
    Task<AccountSnapshot> ChangeAsync(Actor actor, AccountCommand command, CancellationToken cancellationToken = default);

    /// <summary>
    /// Gives the account's next quote number (QUO-1) to the primary holder or billing ops, answered again for a retry of
    /// the same request id. Numbers increase and are never reused; a number given to a request that was then refused
    /// stays unused (unlike invoice numbers, which are gap-free, INV-1).
    /// </summary>
    Task<string> NumberQuoteAsync(Actor actor, CancellationToken cancellationToken = default);

    /// <summary>Gives the account's next service order number (QUO-5), as <see cref="NumberQuoteAsync"/> gives quote numbers.</summary>
    Task<string> NumberOrderAsync(Actor actor, CancellationToken cancellationToken = default);
}
/// <summary>What the account numbers besides invoices.</summary>
public enum NumberedDocument
{
    /// <summary>A quote (QUO-1): "ACME-Q000001".</summary>
    Quote,

    /// <summary>A service order (QUO-5): "ACME-O000001".</summary>
    Order,
}

/// <summary>
/// An account as callers see it: the domain account plus its subscriptions, how many invoices it issued, the ledger
/// of the invoices it is still owed or that are disputed or void (ACC-6), and its balances when read. Paid invoices
/// leave the ledger, so neither the account's record nor this snapshot grows with the invoices it has issued.
/// </summary>
[GenerateSerializer, Immutable, Alias("subscriptions.AccountSnapshot")]
public sealed record AccountSnapshot(
    [property: Id(0)] Account Account,
    [property: Id(1)] IReadOnlyList<string> SubscriptionIds,
    [property: Id(2)] int InvoiceCount,
    [property: Id(3)] Subscriptions.Domain.Currencies.Money UnappliedCredit,
    [property: Id(4)] IReadOnlyList<Subscriptions.Domain.Invoices.InvoiceLedgerEntry> Invoices,
    [property: Id(5)] Subscriptions.Domain.Invoices.AccountBalances Balances)
{
    /// <summary>The numbers of the invoices issued so far, oldest first (INV-1: the account's prefix and 1 to <see cref="InvoiceCount"/>), formatted when read.</summary>
    public IReadOnlyList<string> InvoiceNumbers => new InvoiceNumberRange(AccountNumbers.Prefix(Account.Id), InvoiceCount);

    /// <summary>True when <paramref name="number"/> is one of the invoices this account issued.</summary>
    public bool Issued(string number) => new InvoiceNumberRange(AccountNumbers.Prefix(Account.Id), InvoiceCount).Holds(number);

    /// <summary>The ledger as of this read: its entries and how many invoices were issued.</summary>
    public Subscriptions.Domain.Invoices.InvoiceLedger Ledger => new(Invoices, InvoiceCount);

    /// <summary>The quotes sent and not yet answered, oldest first (QUO-3).</summary>
    [Id(6)]
    public IReadOnlyList<string> PendingQuotes { get; init; } = [];

    /// <summary>Quote numbers given so far (numbers 1 to this count, QUO-1).</summary>
    [Id(7)]
    public int QuoteCount { get; init; }

    /// <summary>Service order numbers given so far (numbers 1 to this count, QUO-5).</summary>
    [Id(8)]
    public int OrderCount { get; init; }
}
