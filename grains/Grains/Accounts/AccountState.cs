using Orleans;
using Subscriptions.Domain.Accounts;
using Subscriptions.Grains.Infrastructure;
using Subscriptions.Grains.Ops;

namespace Subscriptions.Grains.Accounts;

/// <summary>
/// The state of an account grain: the domain account, its subscriptions, how many invoices it issued, its unapplied
/// credit and a ledger of its unpaid invoices' balances (ACC-6). Issued invoices themselves go to the issued-invoices table
/// with the change that issues them; their numbers are the account's prefix and 1..<see cref="IssuedInvoiceCount"/> (INV-1).
/// </summary>
[GenerateSerializer, Alias("subscriptions.AccountState")]
public sealed record AccountState : IProjectedState<AccountState>
{
    /// <summary>The account, or null until it is created.</summary>
    [Id(0)]
    public Account? Account { get; init; }

    /// <summary>
    /// Ids of the account's subscriptions, in the order they were started: at most <see cref="MaxSubscriptions"/>. Ended
    /// ones stay listed, since erasure reaches every subscription (ACC-8).
    /// </summary>
    [Id(1)]
    public IReadOnlyList<string> SubscriptionIds { get; init; } = [];

    /// <summary>Invoices issued so far: the n-th is numbered with sequence n, so numbers are unique and gap-free (INV-1).</summary>
    [Id(2)]
    public int IssuedInvoiceCount { get; init; }

    /// <summary>Credit on the account not yet applied to an invoice (ACC-6); zero amount in the account currency once created.</summary>
    [Id(3)]
    public decimal UnappliedCredit { get; init; }

    /// <summary>
    /// The ledger (ACC-6): the amounts, due date and status of every invoice not paid (open, overdue, disputed or
    /// void), as the invoice last reported them, in issue order. A paid invoice leaves it, so it holds what the account
    /// is owed, not what it has issued; an issued invoice without an entry is paid (<see cref="Subscriptions.Domain.Invoices.InvoiceLedger"/>).
    /// </summary>
    [Id(4)]
    public IReadOnlyList<Subscriptions.Domain.Invoices.InvoiceLedgerEntry> Invoices { get; init; } = [];

    /// <summary>When each ended (cancelled or expired) subscription ended; the others are live (ACC-8 retention).</summary>
    [Id(5)]
    public IReadOnlyDictionary<string, DateTimeOffset> SubscriptionEndedAt { get; init; } = new Dictionary<string, DateTimeOffset>();

    /// <summary>Quote numbers given so far: the n-th is the account's prefix, "Q" and n (QUO-1).</summary>
    [Id(6)]
    public int QuoteCount { get; init; }

    /// <summary>Service order numbers given so far: the n-th is the account's prefix, "O" and n (QUO-5).</summary>
    [Id(7)]
    public int OrderCount { get; init; }

    /// <summary>
    /// The quotes sent and not yet answered, oldest first (QUO-3): at most <see cref="MaxPendingQuotes"/>, one more for
    /// the moment a seats order joins a full list before it supersedes the others; a quote leaves it when answered,
    /// expired or superseded, so its size never grows with the account's age or traffic.
    /// </summary>
    [Id(8)]
    public IReadOnlyList<string> PendingQuotes { get; init; } = [];

    /// <summary>The most subscriptions one account starts over its life, ended ones included.</summary>
    public const int MaxSubscriptions = 200;

    /// <summary>The most quotes an account has waiting for an answer at once.</summary>
    public const int MaxPendingQuotes = 50;

    /// <inheritdoc />
    public static ProjectedFields? Project(AccountState state) => state?.Account is { } account
        ? new ProjectedFields(account.Id, account.Id, account.IsErased ? "erased" : "open")
        {
            WakeName = state.RetentionEndsAt() is null ? null : "retention-end",
            Currency = account.Currency.Code,
        }
        : null;

    /// <summary>
    /// When the account's personal data is erased by the retention rule (ACC-8): 6 months after its last subscription
    /// ended, once every subscription has ended; null while one is live, before the first, or once erased.
    /// </summary>
    public DateTimeOffset? RetentionEndsAt()
    {
        if (Account is not { IsErased: false } account || SubscriptionIds.Count == 0 || SubscriptionIds.Any(id => !SubscriptionEndedAt.ContainsKey(id)))
        {
            return null;
        }

        return Subscriptions.Domain.Billing.AccountTimeZone.AddLocalMonths(
            SubscriptionEndedAt.Values.Max(), Subscriptions.Domain.Accounts.Account.RetentionMonths, account.ResolveTimeZone());
    }
}
