using System.Globalization;
using Subscriptions.Domain.Invoices;
using Subscriptions.Grpc.Api.Edge;
using Proto = Subscriptions.Grpc.Api.V1;

namespace Subscriptions.Grpc.Api.Invoices;

/// <summary>Maps invoices from domain to proto.</summary>
internal static class InvoiceMapping
{
    /// <summary>The proto Invoice: exact decimal strings, lines in order, status and reverse-charge mark.</summary>
    public static Proto.Invoice ToProto(Invoice invoice)
    {
        var proto = new Proto.Invoice
        {
            Number = invoice.Number,
            AccountId = invoice.AccountId,
            IssuedAt = CommonMapping.ToProto(invoice.IssuedAt),
            DueAt = CommonMapping.ToProto(invoice.DueAt),
            Currency = invoice.Currency.Code,
            Subtotal = CommonMapping.ToProto(invoice.Subtotal),
            Tax = CommonMapping.ToProto(invoice.Tax),
            Total = CommonMapping.ToProto(invoice.Total),
            AmountPaid = CommonMapping.ToProto(invoice.AmountPaid),
            Balance = CommonMapping.ToProto(invoice.Balance),
            Status = ToProto(invoice.Status),
            ReverseCharge = invoice.ReverseCharge,
        };
        proto.Lines.AddRange(invoice.Lines.Select(ToProto));
        return proto;
    }

    private static Proto.InvoiceLine ToProto(InvoiceLine line) => new()
    {
        Kind = line.Kind switch
        {
            InvoiceLineKind.SubscriptionCharge => Proto.InvoiceLineKind.SubscriptionCharge,
            InvoiceLineKind.ProrationCharge => Proto.InvoiceLineKind.ProrationCharge,
            InvoiceLineKind.ProrationCredit => Proto.InvoiceLineKind.ProrationCredit,
            InvoiceLineKind.Usage => Proto.InvoiceLineKind.Usage,
            InvoiceLineKind.Fee => Proto.InvoiceLineKind.Fee,
            InvoiceLineKind.Tax => Proto.InvoiceLineKind.Tax,
            _ => Proto.InvoiceLineKind.Unspecified,
        },
        Description = line.Description,
        Quantity = line.Quantity.ToString(CultureInfo.InvariantCulture),
        UnitPrice = CommonMapping.ToProto(line.UnitPrice),
        Amount = CommonMapping.ToProto(line.Amount),
        PeriodStart = CommonMapping.ToProto(line.Period?.Start),
        PeriodEnd = CommonMapping.ToProto(line.Period?.End),
        SubscriptionId = line.SubscriptionId ?? "",
    };

    private static Proto.InvoiceStatus ToProto(InvoiceStatus status) => status switch
    {
        InvoiceStatus.Open => Proto.InvoiceStatus.Open,
        InvoiceStatus.Paid => Proto.InvoiceStatus.Paid,
        InvoiceStatus.Overdue => Proto.InvoiceStatus.Overdue,
        InvoiceStatus.Disputed => Proto.InvoiceStatus.Disputed,
        InvoiceStatus.Void => Proto.InvoiceStatus.Void,
        _ => Proto.InvoiceStatus.Unspecified,
    };
}
