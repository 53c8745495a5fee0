using Orleans;
using Subscriptions.Domain.Currencies;
using Subscriptions.Domain.Invoices;

namespace Subscriptions.Grains.Accounts;

/// <summary>
/// What other grains of this service do with an account, without a caller check: the account grain's internal
/// contract. It lives with the grains, not in the contracts the API compiles against, so no client can call it.
/// </summary>
[Alias("subscriptions.account-ledger")]
public interface IAccountLedgerGrain : IGrainWithStringKey
{
    /// <summary>Reads the account for grains acting on its behalf (subscriptions, invoices).</summary>
    Task<AccountSnapshot> ReadAsync();

    /// <summary>Records a subscription started for this account.</summary>
    Task<AccountSnapshot> AddSubscriptionAsync(string subscriptionId);

    /// <summary>
    /// Records that subscription <paramref name="subscriptionId"/> ended at <paramref name="endedAt"/> (cancelled or
    /// expired), or is live again (null, after a reactivation): the account erases its personal data 6 months after its
    /// last subscription ended (ACC-8).
    /// </summary>
    Task<bool> RecordSubscriptionEndAsync(string subscriptionId, DateTimeOffset? endedAt);

    /// <summary>Adds a credit to the account balance (SUB-4); the amount must be positive and in the account currency.</summary>
    Task<AccountSnapshot> AddCreditAsync(AddAccountCredit command);

    /// <summary>
    /// Numbers the charges as the account's next invoice, taxes it by the billing address, records it and queues its
    /// "invoice-issued" notification, all in this one change (INV-1, INV-2, NOT-1). No other grain is called.
    /// </summary>
    Task<Invoice> IssueInvoiceAsync(IssueInvoice command);

    /// <summary>
    /// Takes an invoice's new amounts and status into the account's ledger (ACC-6), unless a later report is already
    /// there; answers the overdue balance before and after, and the account's subscriptions (SUB-9 restores them when
    /// the overdue balance reaches 0.00).
    /// </summary>
    Task<InvoiceLedgerUpdate> RecordInvoiceAsync(InvoiceLedgerEntry entry);

    /// <summary>
    /// Records quote <paramref name="number"/> as sent and waiting for an answer (QUO-3); answers the account, whose
    /// pending quotes then list it. Refused under QUO-1 when <see cref="AccountState.MaxPendingQuotes"/> already wait,
    /// unless the quote is a seats order that supersedes them all (<paramref name="supersedesPending"/>, QUO-3).
    /// </summary>
    Task<AccountSnapshot> QuoteSentAsync(string number, bool supersedesPending);

    /// <summary>Records quote <paramref name="number"/> as answered, expired or superseded: no longer pending (QUO-3).</summary>
    Task<bool> QuoteSettledAsync(string number);

    /// <summary>
    /// Issued invoice <paramref name="number"/> as recorded at issue, for an invoice grain activated before its
    /// subscription handed it over to adopt; NOT_FOUND if the account never issued it.
    /// </summary>
    Task<IssuedInvoice> GetIssuedInvoiceAsync(string number);
}

/// <summary>
/// Charges to invoice now (renewal, upgrade, proration): the account numbers, taxes and issues the invoice (INV-1,
/// INV-2). With <see cref="AutopaySchedule"/>, the invoice is charged to the default method at those instants while the
/// account has autopay on (INV-6). With <see cref="NewSubscriptionId"/>, the invoice is a new subscription's first, and the
/// same change adds the subscription to the account.
/// </summary>
[GenerateSerializer, Immutable, Alias("subscriptions.IssueInvoice")]
public sealed record IssueInvoice(
    [property: Id(0)] IReadOnlyList<ChargeLine> Charges, [property: Id(1)] IReadOnlyList<DateTimeOffset>? AutopaySchedule = null, [property: Id(2)] string? NewSubscriptionId = null);

/// <summary>An invoice as its account issued it, and the test clock the account follows (CLOCK-1), if any.</summary>
[GenerateSerializer, Immutable, Alias("subscriptions.IssuedInvoice")]
public sealed record IssuedInvoice([property: Id(0)] Invoice Invoice, [property: Id(1)] string? ClockId);

/// <summary>Puts a credit on the account balance (SUB-4 seat removal, ops downgrade), naming the subscription it comes from.</summary>
[GenerateSerializer, Immutable, Alias("subscriptions.AddAccountCredit")]
public sealed record AddAccountCredit([property: Id(0)] string SubscriptionId, [property: Id(1)] Money Amount, [property: Id(2)] string Description);

/// <summary>The account's overdue balance before and after an invoice report, and its subscriptions.</summary>
[GenerateSerializer, Immutable, Alias("subscriptions.InvoiceLedgerUpdate")]
public sealed record InvoiceLedgerUpdate([property: Id(0)] Money OverdueBefore, [property: Id(1)] Money OverdueAfter, [property: Id(2)] IReadOnlyList<string> SubscriptionIds);
