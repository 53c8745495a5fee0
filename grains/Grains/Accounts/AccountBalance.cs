using Subscriptions.Domain.Invoices;
using Subscriptions.Grains.Invoices;
using Orleans;
using Money = Subscriptions.Domain.Money.Money;

namespace Subscriptions.Grains.Accounts;

/// <summary>
/// The account balance (ACC-6): open invoice balances minus unapplied credit, and the overdue part (balances of
/// invoices past their due date), in the account currency.
/// </summary>
public sealed record AccountBalance(Money Balance, Money OverdueBalance, Money UnappliedCredit)
{
    /// <summary>
    /// The balance of <paramref name="account"/> at <paramref name="now"/>, read from its invoice grains, which hold each
    /// invoice's payments and status once issued. Call it outside any account turn: an invoice's first turn asks its
    /// account for its record, so an account turn calling an invoice would be a call cycle.
    /// </summary>
    public static async Task<AccountBalance> ReadAsync(IGrainFactory grains, AccountSnapshot account, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentNullException.ThrowIfNull(account);
        var currency = account.Account.Currency;
        var open = Money.Zero(currency);
        var overdue = Money.Zero(currency);
        var invoices = await Task.WhenAll(account.InvoiceNumbers.Select(number => grains.GetGrain<IInvoiceGrain>(InvoiceKey.Of(account.Account.Id, number)).GetAsync()));
        foreach (var invoice in invoices)
        {
            if (invoice.Status is InvoiceStatus.Paid or InvoiceStatus.Void || invoice.Balance.IsZero)
            {
                continue;
            }

            open += invoice.Balance;
            if (invoice.Status == InvoiceStatus.Overdue || invoice.DueAt < now)
            {
                overdue += invoice.Balance;
            }
        }

        return new AccountBalance(open - account.UnappliedCredit, overdue, account.UnappliedCredit);
    }
}
