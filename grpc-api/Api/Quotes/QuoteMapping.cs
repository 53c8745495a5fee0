using System.Globalization;
using Subscriptions.Domain.Orders;
using Subscriptions.Domain.Quotes;
using Subscriptions.Grpc.Api.Edge;
using Subscriptions.Grpc.Api.SubscriptionLifecycle;
using Proto = Subscriptions.Grpc.Api.V1;

namespace Subscriptions.Grpc.Api.Quotes;

/// <summary>Maps quotes and service orders between domain and proto.</summary>
internal static class QuoteMapping
{
    /// <summary>The proto Quote.</summary>
    public static Proto.Quote ToProto(Quote quote)
    {
        var proto = new Proto.Quote
        {
            Number = quote.Number,
            AccountId = quote.AccountId,
            Status = ToProto(quote.Status),
            Currency = quote.Currency.Code,
            Subtotal = CommonMapping.ToProto(quote.Subtotal),
            Tax = CommonMapping.ToProto(quote.Tax.Total(quote.Currency)),
            Total = CommonMapping.ToProto(quote.Total),
            CreatedAt = CommonMapping.ToProto(quote.CreatedAt),
            SentAt = CommonMapping.ToProto(quote.SentAt),
            ExpiresAt = CommonMapping.ToProto(quote.ExpiresAt),
            RejectionComment = quote.RejectionComment ?? "",
            SupersededBy = quote.SupersededBy ?? "",
            OrderNumber = quote.OrderNumber ?? "",
            HeldBy = quote.HeldBy ?? "",
        };
        proto.Lines.AddRange(quote.Lines.Select(l => new Proto.QuoteLine
        {
            Kind = ToProto(l.Line.Kind),
            SubscriptionId = l.Line.SubscriptionId ?? "",
            ProductId = l.Line.ProductId,
            PlanId = l.Line.PlanId,
            Seats = l.Line.Seats,
            Frequency = SubscriptionMapping.ToProto(l.Line.Frequency),
            Description = l.Description,
            UnitPrice = CommonMapping.ToProto(l.UnitPrice),
            Amount = CommonMapping.ToProto(l.Amount),
        }));
        return proto;
    }

    /// <summary>The proto ServiceOrder.</summary>
    public static Proto.ServiceOrder ToProto(ServiceOrder order)
    {
        var proto = new Proto.ServiceOrder
        {
            Number = order.Number,
            AccountId = order.AccountId,
            Status = order.Status switch
            {
                OrderStatus.Placed => Proto.OrderStatus.Placed,
                OrderStatus.Fulfilled => Proto.OrderStatus.Fulfilled,
                OrderStatus.Refused => Proto.OrderStatus.Refused,
                _ => Proto.OrderStatus.Unspecified,
            },
            PlacedAt = CommonMapping.ToProto(order.PlacedAt),
            PlacedBy = order.PlacedBy,
            InvoiceNumber = order.InvoiceNumber ?? "",
            Charge = order.Charge is { } charge ? new Proto.OrderCharge { Status = charge.Status, Amount = charge.Amount, Attempt = charge.Attempt ?? 0, Description = charge.Description } : null,
            FulfilledAt = CommonMapping.ToProto(order.FulfilledAt),
            RefusalRule = order.Refusal?.RuleId ?? "",
            RefusalQuote = order.Refusal?.Subject ?? "",
            RefusalMessage = order.Refusal?.Message ?? "",
            AdministratorSubjectId = order.Checkout.Administrator.SubjectId,
        };
        proto.QuoteNumbers.AddRange(order.QuoteNumbers);
        proto.Lines.AddRange(order.Lines.Select(l => new Proto.ServiceOrderLine
        {
            QuoteNumber = l.QuoteNumber,
            Kind = ToProto(l.Line.Kind),
            SubscriptionId = l.SubscriptionId,
            ProductId = l.Line.ProductId,
            PlanId = l.Line.PlanId,
            Seats = l.Line.Seats,
        }));
        return proto;
    }

    /// <summary>The domain lines of a request, checked for what needs no account: kind, product, plan, seats, frequency.</summary>
    public static IReadOnlyList<QuoteLine> ToDomain(IReadOnlyList<Proto.QuoteLineRequest> lines, EdgeValidation check)
    {
        check.Check("lines", lines.Count is >= 1 and <= Quote.MaxLines, $"must hold 1 to {Quote.MaxLines} lines (got {lines.Count})");
        var result = new List<QuoteLine>();
        for (var i = 0; i < Math.Min(lines.Count, Quote.MaxLines); i++)
        {
            var line = lines[i];
            var at = string.Create(CultureInfo.InvariantCulture, $"lines[{i}]");
            check.Check($"{at}.kind", line.Kind is Proto.QuoteLineKind.AddSeats or Proto.QuoteLineKind.NewSubscription, "is required: add-seats or new-subscription")
                .Check($"{at}.subscription_id", line.Kind != Proto.QuoteLineKind.AddSeats || line.SubscriptionId.Length > 0, "is required for seats added to a subscription")
                .Check($"{at}.subscription_id", line.Kind != Proto.QuoteLineKind.NewSubscription || line.SubscriptionId.Length == 0, "must be empty for a new subscription: its id is the quote number and the line's place")
                .Required($"{at}.product_id", line.ProductId)
                .Required($"{at}.plan_id", line.PlanId)
                .Check($"{at}.seats", line.Seats >= 1, $"must be 1 or more (got {line.Seats})")
                .Check($"{at}.frequency", SubscriptionMapping.IsFrequency(line.Frequency), "is required: monthly or annual");
            if (SubscriptionMapping.IsFrequency(line.Frequency))
            {
                result.Add(new QuoteLine(
                    line.Kind == Proto.QuoteLineKind.AddSeats ? QuoteLineKind.AddSeats : QuoteLineKind.NewSubscription,
                    line.SubscriptionId.Length == 0 ? null : line.SubscriptionId,
                    line.ProductId,
                    line.PlanId,
                    line.Seats,
                    SubscriptionMapping.ToDomain(line.Frequency)));
            }
        }

        return result;
    }

    /// <summary>The domain checkout of a request; null fields become empty values the domain names.</summary>
    public static Checkout ToDomain(Proto.Checkout? checkout) => new(
        new AdministratorContact(checkout?.Administrator?.SubjectId ?? "", checkout?.Administrator?.Email ?? ""),
        checkout?.PaymentMethodId ?? "",
        CommonMapping.ToDomain(checkout?.BillingAddress));

    private static Proto.QuoteStatus ToProto(QuoteStatus status) => status switch
    {
        QuoteStatus.Draft => Proto.QuoteStatus.Draft,
        QuoteStatus.Sent => Proto.QuoteStatus.Sent,
        QuoteStatus.Accepted => Proto.QuoteStatus.Accepted,
        QuoteStatus.Rejected => Proto.QuoteStatus.Rejected,
        QuoteStatus.Expired => Proto.QuoteStatus.Expired,
        QuoteStatus.Superseded => Proto.QuoteStatus.Superseded,
        _ => Proto.QuoteStatus.Unspecified,
    };

    private static Proto.QuoteLineKind ToProto(QuoteLineKind kind) =>
        kind == QuoteLineKind.AddSeats ? Proto.QuoteLineKind.AddSeats : Proto.QuoteLineKind.NewSubscription;
}
