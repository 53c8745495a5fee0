using System.Globalization;
using Subscriptions.Domain.Currencies;
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
            AmountCredited = CommonMapping.ToProto(invoice.AmountCredited),
            AccountCreditApplied = CommonMapping.ToProto(invoice.AccountCreditApplied ?? Money.Zero(invoice.Currency)),
            Dispute = invoice.Dispute is { } dispute ? ToProto(dispute) : null,
            PaymentAttemptCount = invoice.Attempts.Count,
            VoidReason = invoice.VoidReason ?? "",
        };
        proto.Lines.AddRange(invoice.Lines.Select(ToProto));
        return proto;
    }

    /// <summary>A payment attempt as the API shows it.</summary>
    public static Proto.PaymentAttempt ToProto(PaymentAttempt attempt) => new()
    {
        Number = attempt.Number,
        At = CommonMapping.ToProto(attempt.At),
        Amount = CommonMapping.ToProto(attempt.Amount),
        Method = attempt.Method,
        PaymentMethodId = attempt.PaymentMethodId ?? "",
        Status = attempt.Status switch
        {
            PaymentAttemptStatus.Succeeded => Proto.PaymentAttemptStatus.Succeeded,
            PaymentAttemptStatus.Declined => Proto.PaymentAttemptStatus.Declined,
            PaymentAttemptStatus.RequiresAction => Proto.PaymentAttemptStatus.RequiresAction,
            PaymentAttemptStatus.Abandoned => Proto.PaymentAttemptStatus.Abandoned,
            _ => Proto.PaymentAttemptStatus.Unspecified,
        },
        FailureReason = attempt.FailureReason ?? "",
        By = attempt.By,
        SettledAt = CommonMapping.ToProto(attempt.SettledAt),
        GatewayReference = attempt.GatewayReference ?? "",
    };

    /// <summary>The domain status of a proto one (Unspecified is refused at the edge).</summary>
    public static InvoiceStatus? ToDomain(Proto.InvoiceStatus status) => status switch
    {
        Proto.InvoiceStatus.Open => InvoiceStatus.Open,
        Proto.InvoiceStatus.Paid => InvoiceStatus.Paid,
        Proto.InvoiceStatus.Overdue => InvoiceStatus.Overdue,
        Proto.InvoiceStatus.Disputed => InvoiceStatus.Disputed,
        Proto.InvoiceStatus.Void => InvoiceStatus.Void,
        _ => null,
    };

    private static Proto.InvoiceDispute ToProto(InvoiceDispute dispute) => new()
    {
        OpenedAt = CommonMapping.ToProto(dispute.OpenedAt),
        OpenedBy = dispute.OpenedBy,
        Reason = dispute.Reason,
        ResolvedAt = CommonMapping.ToProto(dispute.ResolvedAt),
        ResolvedBy = dispute.ResolvedBy ?? "",
        Credit = dispute.Credit is { } credit ? CommonMapping.ToProto(credit) : null,
        ResolutionComment = dispute.ResolutionComment ?? "",
    };

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
