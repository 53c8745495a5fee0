using Subscriptions.Domain.Accounts;
using Money = Subscriptions.Domain.Money.Money;

namespace Subscriptions.Grains.Accounts;

/// <summary>The persisted state of an account grain: the domain account, its subscriptions and its invoice sequence.</summary>
public sealed record AccountState
{
    /// <summary>The account, or null until it is created.</summary>
    public Account? Account { get; init; }

    /// <summary>Ids of the account's subscriptions, in the order they were started.</summary>
    public IReadOnlyList<string> SubscriptionIds { get; init; } = [];

    /// <summary>Numbers of the invoices issued to the account, oldest first (INV-1).</summary>
    public IReadOnlyList<string> InvoiceNumbers { get; init; } = [];

    /// <summary>Credit on the account not yet applied to an invoice (ACC-6); zero amount in the account currency once created.</summary>
    public decimal UnappliedCredit { get; init; }

    /// <summary>The sequence value the next invoice number takes (INV-1: unique per account sequence).</summary>
    public long NextInvoiceSequence { get; init; } = 1;
}

/// <summary>An account as callers see it: the domain account plus its subscriptions, invoices and unapplied credit.</summary>
public sealed record AccountSnapshot(Account Account, IReadOnlyList<string> SubscriptionIds, IReadOnlyList<string> InvoiceNumbers, Money UnappliedCredit);
