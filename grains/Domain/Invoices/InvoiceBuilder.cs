using Subscriptions.Domain.Currencies;
using Subscriptions.Domain.Errors;
using Subscriptions.Domain.Tax;

namespace Subscriptions.Domain.Invoices;


/// <summary>
/// Turns the charge lines of subscription decisions into an open invoice (INV-1): finalises (rounds) each line once,
/// sums the subtotal, asks for tax on the subtotal (INV-2), and sets the due date to issue + 15 days.
/// </summary>
public sealed class InvoiceBuilder(string accountId, string number, DateTimeOffset issuedAt, Currency currency)
{
    private readonly List<ChargeLine> _charges = [];

    /// <summary>Adds charge and credit lines; their currency must be the invoice currency.</summary>
    public InvoiceBuilder Add(IEnumerable<ChargeLine> charges)
    {
        foreach (var charge in charges)
        {
            if (charge.UnitPrice.Currency != currency)
            {
                throw new ValidationException(
                    "currency", $"Invoice {number} is in {currency.Code} but line {Quoted.Of(charge.Description)} is priced in {charge.UnitPrice.Currency.Code}.");
            }

            _charges.Add(charge);
        }

        return this;
    }

    /// <summary>Builds the open invoice with the given tax rule (none when null). Refuses an empty or negative invoice.</summary>
    public Invoice Build(Func<Money, TaxAssessment>? tax = null)
    {
        if (_charges.Count == 0)
        {
            throw new RuleViolationException(Rules.Inv1, $"Invoice {number} for account {Quoted.Of(accountId)} has no lines.");
        }

        var lines = _charges.Select(InvoiceLine.Finalise).ToList();
        var subtotal = lines.Aggregate(Money.Zero(currency), (sum, line) => sum + line.Amount);
        if (subtotal.IsNegative)
        {
            throw new RuleViolationException(
                Rules.Inv1, $"Invoice {number} for account {Quoted.Of(accountId)} would total {subtotal}; a credit belongs on the account balance, not on an invoice.");
        }

        var assessment = tax?.Invoke(subtotal) ?? TaxAssessment.None;
        lines.AddRange(assessment.Amounts.Select(t => new InvoiceLine(
            InvoiceLineKind.Tax, $"{t.Name} {t.Rate * 100m:0.###} %", 1m, t.Amount, t.Amount, Period: null, SubscriptionId: null)));
        if (assessment.Note is not null)
        {
            lines.Add(new InvoiceLine(InvoiceLineKind.Tax, assessment.Note, 1m, Money.Zero(currency), Money.Zero(currency), Period: null, SubscriptionId: null));
        }

        var taxTotal = assessment.Total(currency);
        if (!Limits.InRange((subtotal + taxTotal).Amount))
        {
            throw new RuleViolationException(
                Rules.Inv1, $"Invoice {number} for account {Quoted.Of(accountId)} would total {subtotal + taxTotal}, above the largest invoice total {Limits.MaxAmount}; nothing was invoiced.");
        }

        return new Invoice
        {
            Number = number,
            AccountId = accountId,
            IssuedAt = issuedAt,
            DueAt = issuedAt.AddDays(Invoice.PaymentTermDays),
            Currency = currency,
            Lines = lines,
            Subtotal = subtotal,
            Tax = taxTotal,
            Total = subtotal + taxTotal,
            AmountPaid = Money.Zero(currency),
            AmountCredited = Money.Zero(currency),
            Status = InvoiceStatus.Open,
            ReverseCharge = assessment.ReverseCharge,
        };
    }
}
