using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Subscriptions.Domain;
using Subscriptions.Domain.Currencies;
using Subscriptions.Domain.Invoices;
using Subscriptions.Domain.Orders;
using Subscriptions.Domain.Quotes;
using Subscriptions.Domain.Subscriptions;
using Subscriptions.Grains.Ops;
using Subscriptions.Grpc.Api.Auth;
using Subscriptions.Grpc.Api.Edge;
using Proto = Subscriptions.Grpc.Api.V1;

namespace Subscriptions.Grpc.Api.Ops;

/// <summary>
/// Ops search over the ops projection (docs/ops.md): subscriptions, invoices, quotes and orders by their searchable
/// fields, and wanted wake-ups by grain or due window, one page at a time with stable page tokens.
/// </summary>
public sealed partial class OpsService
{
    private const string PageTokenViolation = "is not a page token this search returned";
    private const int MaxPageTokenLength = 512;
    private const int MaxStates = 10;

    private static readonly IReadOnlyList<string> SubscriptionStates = [.. System.Enum.GetValues<SubscriptionStatus>().Select(s => s.ToWireName())];
    private static readonly IReadOnlyList<string> InvoiceStates = [.. System.Enum.GetValues<InvoiceStatus>().Select(s => s.ToWireName())];
    private static readonly IReadOnlyList<string> QuoteStates = [.. System.Enum.GetValues<QuoteStatus>().Select(s => s.ToWireName())];
    private static readonly IReadOnlyList<string> OrderStates = [.. System.Enum.GetValues<OrderStatus>().Select(s => s.ToWireName())];

    /// <summary>The grain types with wake-ups ops can list and correct.</summary>
    private static readonly IReadOnlyList<string> WakeableTypes = ProjectedGrainTypes.All;

    /// <summary>Subscriptions by state, account, product, plan, renewal and grace windows, in key order.</summary>
    [OpsOnly]
    public override async Task<Proto.SearchSubscriptionsResponse> SearchSubscriptions(Proto.SearchSubscriptionsRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var validation = EdgeValidation.Reading();
        var query = new ProjectionQuery
        {
            GrainType = "subscription",
            States = States(validation, "states", request.States, SubscriptionStates),
            AccountId = OptionalId(validation, "account_id", request.AccountId),
            ProductId = OptionalId(validation, "product_id", request.ProductId),
            PlanId = OptionalId(validation, "plan_id", request.PlanId),
            PeriodEnd = Window(validation, "renews", request.Renews),
            GraceEnd = Window(validation, "grace_ends", request.GraceEnds),
            Limit = PageSize(validation, request.PageSize),
            After = PageToken(validation, request.PageToken, ProjectionOrder.Key, "subscription"),
        };
        var (rows, next) = await PageAsync(validation, query, context.CancellationToken);
        var response = new Proto.SearchSubscriptionsResponse { NextPageToken = next };
        response.Subscriptions.AddRange(rows.Select(row => new Proto.SubscriptionSummary
        {
            AccountId = row.Fields.AccountId,
            SubscriptionId = row.Fields.EntityId,
            ProductId = row.Fields.ProductId ?? "",
            PlanId = row.Fields.PlanId ?? "",
            State = row.Fields.State,
            Seats = row.Fields.Seats ?? 0,
            CurrentPeriodEnd = CommonMapping.ToProto(row.Fields.PeriodEnd),
            GracePeriodEnd = CommonMapping.ToProto(row.Fields.GraceEnd),
            NextWakeUp = row.WakeAt is null ? "" : row.Fields.WakeName ?? "",
            NextWakeUpAt = CommonMapping.ToProto(row.WakeAt),
            ClockId = row.ClockId ?? "",
            Version = row.Version,
        }));
        return response;
    }

    /// <summary>Invoices by status, account, due window, minimum balance and currency, in key order.</summary>
    [OpsOnly]
    public override async Task<Proto.SearchInvoicesResponse> SearchInvoices(Proto.SearchInvoicesRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var validation = EdgeValidation.Reading();
        validation.Decimal("min_balance", request.MinBalance, out var minBalance)
            .Check("currency_code", request.CurrencyCode.Length == 0 || Currency.TryParse(request.CurrencyCode, out _), "must be empty or a supported ISO 4217 code (e.g. \"USD\")");
        var query = new ProjectionQuery
        {
            GrainType = "invoice",
            States = States(validation, "statuses", request.Statuses, InvoiceStates),
            AccountId = OptionalId(validation, "account_id", request.AccountId),
            Due = Window(validation, "due", request.Due),
            MinBalance = minBalance,
            Currency = CommonMapping.Blank(request.CurrencyCode)?.Trim().ToUpperInvariant(),
            Limit = PageSize(validation, request.PageSize),
            After = PageToken(validation, request.PageToken, ProjectionOrder.Key, "invoice"),
        };
        var (rows, next) = await PageAsync(validation, query, context.CancellationToken);
        var response = new Proto.SearchInvoicesResponse { NextPageToken = next };
        response.Invoices.AddRange(rows.Select(row => new Proto.InvoiceSummary
        {
            AccountId = row.Fields.AccountId,
            Number = row.Fields.EntityId,
            Status = row.Fields.State,
            Total = Money(row.Fields.Total, row.Fields.Currency),
            Balance = Money(row.Fields.Balance, row.Fields.Currency),
            IssuedAt = CommonMapping.ToProto(row.Fields.IssuedAt),
            DueAt = CommonMapping.ToProto(row.Fields.DueAt),
            NextWakeUp = row.WakeAt is null ? "" : row.Fields.WakeName ?? "",
            NextWakeUpAt = CommonMapping.ToProto(row.WakeAt),
            ClockId = row.ClockId ?? "",
            Version = row.Version,
        }));
        return response;
    }

    /// <summary>Quotes by state, account and expiry window, in key order.</summary>
    [OpsOnly]
    public override async Task<Proto.SearchQuotesResponse> SearchQuotes(Proto.SearchQuotesRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var validation = EdgeValidation.Reading();
        var query = new ProjectionQuery
        {
            GrainType = "quote",
            States = States(validation, "states", request.States, QuoteStates),
            AccountId = OptionalId(validation, "account_id", request.AccountId),
            Expires = Window(validation, "expires", request.Expires),
            Limit = PageSize(validation, request.PageSize),
            After = PageToken(validation, request.PageToken, ProjectionOrder.Key, "quote"),
        };
        var (rows, next) = await PageAsync(validation, query, context.CancellationToken);
        var response = new Proto.SearchQuotesResponse { NextPageToken = next };
        response.Quotes.AddRange(rows.Select(row => new Proto.QuoteSummary
        {
            AccountId = row.Fields.AccountId,
            Number = row.Fields.EntityId,
            State = row.Fields.State,
            Total = Money(row.Fields.Total, row.Fields.Currency),
            SentAt = CommonMapping.ToProto(row.Fields.IssuedAt),
            ExpiresAt = CommonMapping.ToProto(row.Fields.ExpiresAt),
            ClockId = row.ClockId ?? "",
            Version = row.Version,
        }));
        return response;
    }

    /// <summary>Service orders by state and account, in key order.</summary>
    [OpsOnly]
    public override async Task<Proto.SearchOrdersResponse> SearchOrders(Proto.SearchOrdersRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var validation = EdgeValidation.Reading();
        var query = new ProjectionQuery
        {
            GrainType = "order",
            States = States(validation, "states", request.States, OrderStates),
            AccountId = OptionalId(validation, "account_id", request.AccountId),
            Limit = PageSize(validation, request.PageSize),
            After = PageToken(validation, request.PageToken, ProjectionOrder.Key, "order"),
        };
        var (rows, next) = await PageAsync(validation, query, context.CancellationToken);
        var response = new Proto.SearchOrdersResponse { NextPageToken = next };
        response.Orders.AddRange(rows.Select(row => new Proto.OrderSummary
        {
            AccountId = row.Fields.AccountId,
            Number = row.Fields.EntityId,
            State = row.Fields.State,
            PlacedAt = CommonMapping.ToProto(row.Fields.IssuedAt),
            NextWakeUp = row.WakeAt is null ? "" : row.Fields.WakeName ?? "",
            NextWakeUpAt = CommonMapping.ToProto(row.WakeAt),
            ClockId = row.ClockId ?? "",
            Version = row.Version,
        }));
        return response;
    }

    /// <summary>Wanted wake-ups of one grain, one type or all, optionally due in a window, in due order.</summary>
    [OpsOnly]
    public override async Task<Proto.ListWakeUpsResponse> ListWakeUps(Proto.ListWakeUpsRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var validation = EdgeValidation.Reading()
            .Check("grain_type", request.GrainType.Length == 0 || WakeableTypes.Contains(request.GrainType), $"must be empty or one of {string.Join(", ", WakeableTypes)}")
            .Check("grain_key", request.GrainKey.Length == 0 || request.GrainType.Length > 0, "needs grain_type")
            .Check("grain_key", request.GrainKey.Length <= 200, "must be at most 200 characters")
            .Check("real_clock_only", !(request.RealClockOnly && request.ClockId.Length > 0), "cannot be set with clock_id");
        var query = new ProjectionQuery
        {
            GrainType = CommonMapping.Blank(request.GrainType),
            GrainKey = CommonMapping.Blank(request.GrainKey),
            Wake = Window(validation, "due", request.Due),
            AccountId = OptionalId(validation, "account_id", request.AccountId),
            ClockId = OptionalId(validation, "clock_id", request.ClockId),
            RealClockOnly = request.RealClockOnly,
            Order = ProjectionOrder.WakeAt,
            Limit = PageSize(validation, request.PageSize),
            After = PageToken(validation, request.PageToken, ProjectionOrder.WakeAt, CommonMapping.Blank(request.GrainType)),
        };
        var (rows, next) = await PageAsync(validation, query, context.CancellationToken);
        var now = time.GetUtcNow();
        var response = new Proto.ListWakeUpsResponse { NextPageToken = next };
        response.WakeUps.AddRange(rows.Select(row => new Proto.WakeUpSummary
        {
            GrainType = row.GrainType,
            GrainKey = row.GrainKey,
            AccountId = row.Fields.AccountId,
            Name = row.Fields.WakeName ?? "wake",
            DueAt = CommonMapping.ToProto(row.WakeAt),
            Period = row.ClockId is null ? Duration.FromTimeSpan(projection.ReminderPeriod) : null,
            ClockId = row.ClockId ?? "",
            LastWokenAt = CommonMapping.ToProto(row.LastWokenAt),
            // A test clock's grains are due when their clock is advanced: their lag is not the silo's to tell.
            Lag = row.ClockId is null && row.WakeAt is { } due && due <= now ? Duration.FromTimeSpan(now - due) : null,
        }));
        return response;
    }

    /// <summary>Runs a grain's due events now, with a reason recorded in its history.</summary>
    [OpsOnly]
    public override Task<Proto.WakeUpCorrection> FireWakeUp(Proto.FireWakeUpRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        return CorrectAsync(request.RequestId, request.GrainType, request.GrainKey, request.Reason, context, (grain, token) => grain.FireWakeUpAsync(request.Reason, token));
    }

    /// <summary>Moves a grain's wake-up, with a reason recorded in its history.</summary>
    [OpsOnly]
    public override Task<Proto.WakeUpCorrection> RescheduleWakeUp(Proto.RescheduleWakeUpRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        EdgeValidation.Reading().Present("due_at", request.DueAt).ThrowIfInvalid();
        return CorrectAsync(
            request.RequestId, request.GrainType, request.GrainKey, request.Reason, context, (grain, token) => grain.RescheduleWakeUpAsync(request.DueAt.ToDateTimeOffset(), request.Reason, token));
    }

    /// <summary>Drops a grain's wake-up until its state wants another, with a reason recorded in its history.</summary>
    [OpsOnly]
    public override Task<Proto.WakeUpCorrection> CancelWakeUp(Proto.CancelWakeUpRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        return CorrectAsync(request.RequestId, request.GrainType, request.GrainKey, request.Reason, context, (grain, token) => grain.CancelWakeUpAsync(request.Reason, token));
    }

    /// <summary>The audit trail of ops reads (ACC-7), newest first.</summary>
    [OpsOnly]
    public override async Task<Proto.ListOpsReadsResponse> ListOpsReads(Proto.ListOpsReadsRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var validation = EdgeValidation.Reading();
        var accountId = OptionalId(validation, "account_id", request.AccountId);
        var limit = PageSize(validation, request.PageSize);
        validation.ThrowIfInvalid();
        var response = new Proto.ListOpsReadsResponse();
        response.Reads.AddRange((await reads.ListAsync(accountId, limit, context.CancellationToken)).Select(read => new Proto.OpsReadEntry
        {
            At = CommonMapping.ToProto(read.At),
            Caller = read.Caller,
            Method = read.Method,
            AccountId = read.AccountId ?? "",
            RequestJson = read.RequestJson,
            Status = read.Status,
        }));
        return response;
    }

    private async Task<Proto.WakeUpCorrection> CorrectAsync(
        string requestId, string grainType, string grainKey, string reason, ServerCallContext context, Func<IWakeUpCorrectionGrain, CancellationToken, Task<WakeUpState>> correct)
    {
        ArgumentNullException.ThrowIfNull(context);
        EdgeValidation.Mutating(requestId)
            .Check("grain_type", WakeableTypes.Contains(grainType), $"must be one of {string.Join(", ", WakeableTypes)}")
            .Required("grain_key", grainKey)
            .Check("reason", !string.IsNullOrWhiteSpace(reason), "is required: why the wake-up is corrected; it is kept in the grain's history")
            .ThrowIfInvalid();
        WakeUpState state;
        using (CallScope.Enter(context, requestId))
        {
            state = await correct(grains.GetGrain<IWakeUpCorrectionGrain>(Orleans.Runtime.GrainId.Create(grainType, grainKey)), context.CancellationToken);
        }

        return new Proto.WakeUpCorrection
        {
            GrainType = grainType,
            GrainKey = grainKey,
            Name = state.Name ?? "",
            DueAt = CommonMapping.ToProto(state.DueAt),
            WantedAt = CommonMapping.ToProto(state.WantedAt),
            EventsRun = state.EventsRun,
        };
    }

    private static IReadOnlyList<string> States(EdgeValidation validation, string field, IReadOnlyList<string> given, IReadOnlyList<string> known)
    {
        var states = given.Select(s => s.Trim().ToLowerInvariant()).Distinct(StringComparer.Ordinal).ToList();
        validation.Check(field, given.Count <= MaxStates && states.All(known.Contains), $"must list at most {MaxStates} of {string.Join(", ", known)}");
        return states;
    }

    private static string? OptionalId(EdgeValidation validation, string field, string value)
    {
        if (value.Length == 0)
        {
            return null;
        }

        validation.Id(field, value);
        return value;
    }

    private static TimeWindow? Window(EdgeValidation validation, string field, Proto.TimeWindow? window)
    {
        if (window is null)
        {
            return null;
        }

        var from = window.From?.ToDateTimeOffset();
        var before = window.Before?.ToDateTimeOffset();
        validation.Check(field, from is null || before is null || from < before, "must start before it ends (from < before)");
        return new TimeWindow(from, before);
    }

    private int PageSize(EdgeValidation validation, int pageSize)
    {
        validation.Check("page_size", pageSize >= 0 && pageSize <= options.MaxPageSize, $"must be 0 (for {options.DefaultPageSize}) to {options.MaxPageSize}");
        return pageSize == 0 ? options.DefaultPageSize : pageSize;
    }

    /// <summary>The cursor a page token holds: base64url JSON of the last row's wake-up (wake order only), type and key.</summary>
    private static ProjectionCursor? PageToken(EdgeValidation validation, string token, ProjectionOrder order, string? grainType)
    {
        if (token.Length == 0)
        {
            return null;
        }

        ProjectionCursor? cursor = null;
        try
        {
            if (token.Length <= MaxPageTokenLength && Base64Url.IsValid(token))
            {
                cursor = JsonSerializer.Deserialize<ProjectionCursor>(Base64Url.DecodeFromChars(token));
            }
        }
        catch (JsonException)
        {
            cursor = null;
        }

        var valid = cursor is { GrainType: { Length: > 0 }, GrainKey: { Length: > 0 } } && (cursor.WakeAt is not null) == (order == ProjectionOrder.WakeAt)
            && (grainType is null || cursor.GrainType == grainType);
        validation.Check("page_token", valid, PageTokenViolation);
        return valid ? cursor : null;
    }

    /// <summary>Refuses the request if a field was wrong, else one page of the search and the token of the next.</summary>
    private async Task<(IReadOnlyList<ProjectedGrain> Rows, string NextPageToken)> PageAsync(EdgeValidation validation, ProjectionQuery query, CancellationToken cancellationToken)
    {
        validation.ThrowIfInvalid();
        var page = await projection.SearchAsync(query, cancellationToken);
        return (page.Rows, Token(page.Next));
    }

    private static string Token(ProjectionCursor? next) =>
        next is null ? "" : Base64Url.EncodeToString(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(next)));

    private static Proto.Money? Money(decimal? amount, string? currency) =>
        amount is { } value && currency is not null && Currency.TryParse(currency, out var found)
            ? CommonMapping.ToProto(new Domain.Currencies.Money(value, found))
            : null;
}
