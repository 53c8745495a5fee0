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
}

/// <summary>An account as callers see it: the domain account plus its subscriptions, its invoices' amounts and status, and its balances (ACC-6) when read.</summary>
[GenerateSerializer, Immutable, Alias("subscriptions.AccountSnapshot")]
public sealed record AccountSnapshot(
    [property: Id(0)] Account Account,
    [property: Id(1)] IReadOnlyList<string> SubscriptionIds,
    [property: Id(2)] IReadOnlyList<string> InvoiceNumbers,
    [property: Id(3)] Subscriptions.Domain.Currencies.Money UnappliedCredit,
    [property: Id(4)] IReadOnlyList<Subscriptions.Domain.Invoices.InvoiceLedgerEntry> Invoices,
    [property: Id(5)] Subscriptions.Domain.Invoices.AccountBalances Balances);
