using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Orleans;
using Orleans.Runtime;
using Subscriptions.Domain;
using Subscriptions.Domain.Errors;
using Subscriptions.Domain.Lifecycles;
using Subscriptions.Grains.Ops;
using Subscriptions.Grpc.Api.Auth;
using Subscriptions.Grpc.Api.Edge;
using Proto = Subscriptions.Grpc.Api.V1;

namespace Subscriptions.Grpc.Api.Ops;

/// <summary>
/// subscriptions.v1.OpsService: shows any grain as stored, with its wake-ups and ordered history (OPS-1), prints the
/// lifecycles, lists notification deliveries (NOT-1), dead letters first of all, and searches the ops projection.
/// </summary>
public sealed partial class OpsService(
    IGrainFactory grains, INotificationDeliveries deliveries, IOpsProjection projection, IOpsReadAudit reads, TimeProvider time, SubscriptionsApiOptions options) : Proto.OpsService.OpsServiceBase
{
    /// <summary>History entries an inspection answers unless told otherwise.</summary>
    public const int DefaultHistoryPage = 100;

    /// <summary>The most history entries one inspection answers.</summary>
    public const int MaxHistoryPage = 1000;

    /// <summary>The grain types ops can inspect.</summary>
    public static readonly IReadOnlyList<string> GrainTypes = ["account", "subscription", "invoice", "quote", "order", "testclock"];

    /// <summary>State, version, clock, pending wake-up and history with causes; NOT_FOUND for a grain never written (an issued invoice adopts its record first).</summary>
    [OpsOnly]
    public override async Task<Proto.GrainInspection> InspectGrain(Proto.InspectGrainRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        EdgeValidation.Reading().Required("grain_type", request.GrainType).Required("grain_key", request.GrainKey)
            .Check("history_limit", request.HistoryLimit is >= 0 and <= MaxHistoryPage, $"must be 0 (for {DefaultHistoryPage}) to {MaxHistoryPage}")
            .Check("history_before", request.HistoryBefore >= 0, "must be 0 (the newest) or an entry's index")
            .ThrowIfInvalid();
        if (!GrainTypes.Contains(request.GrainType))
        {
            throw new ValidationException("grain_type", $"must be one of {string.Join(", ", GrainTypes)} (got {Quoted.Of(request.GrainType)}).");
        }

        GrainInspection found;
        using (CallScope.Enter(context))
        {
            found = await grains.GetGrain<IInspectableGrain>(GrainId.Create(request.GrainType, request.GrainKey)).InspectPageAsync(
                request.HistoryLimit == 0 ? DefaultHistoryPage : request.HistoryLimit, request.HistoryBefore == 0 ? null : request.HistoryBefore, context.CancellationToken);
        }

        var inspection = new Proto.GrainInspection
        {
            GrainType = found.GrainType,
            GrainKey = found.GrainKey,
            Version = found.Version,
            StateJson = found.StateJson,
            ClockId = found.ClockId ?? "",
            UpdatedAt = CommonMapping.ToProto(found.UpdatedAt),
        };
        inspection.Reminders.AddRange(found.WakeUps.Select(ToProto));
        inspection.History.AddRange(found.History.Select(ToProto));
        inspection.EarlierHistoryBefore = found.EarlierHistoryBefore ?? 0;
        return inspection;
    }

    /// <summary>The lifecycle table the domain decides with, as printable text.</summary>
    [OpsOnly]
    public override Task<Proto.SubscriptionLifecycleDescription> DescribeSubscriptionLifecycle(
        Proto.DescribeSubscriptionLifecycleRequest request, ServerCallContext context) =>
        Task.FromResult(new Proto.SubscriptionLifecycleDescription { Text = LifecycleCatalogue.ByKind["subscription"].Describe() });

    /// <summary>The invoice lifecycle table the domain decides with, as printable text.</summary>
    [OpsOnly]
    public override Task<Proto.InvoiceLifecycleDescription> DescribeInvoiceLifecycle(Proto.DescribeInvoiceLifecycleRequest request, ServerCallContext context) =>
        Task.FromResult(new Proto.InvoiceLifecycleDescription { Text = LifecycleCatalogue.ByKind["invoice"].Describe() });

    /// <summary>Any lifecycle by kind, as text and as a Graphviz dot graph.</summary>
    [OpsOnly]
    public override Task<Proto.LifecycleDescription> DescribeLifecycle(Proto.DescribeLifecycleRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var table = LifecycleCatalogue.Find(request.Kind)
            ?? throw new ValidationException("kind", $"must be one of {string.Join(", ", LifecycleCatalogue.ByKind.Keys)} (got {Quoted.Of(request.Kind)}).");
        var description = new Proto.LifecycleDescription { Kind = request.Kind.Trim().ToLowerInvariant(), Text = table.Describe(), Dot = table.ToDot() };
        description.Transitions.AddRange(table.Rows().Select(r => new Proto.LifecycleTransition { From = r.From, Event = r.Event, To = r.To, Rule = r.RuleId }));
        description.Refusals.AddRange(table.RefusalRows().Select(r => new Proto.LifecycleRefusal { From = r.From, Event = r.Event, Rule = r.RuleId, Reason = r.Reason }));
        return Task.FromResult(description);
    }

    /// <summary>Notification deliveries in one state (dead letters by default), oldest first.</summary>
    [OpsOnly]
    public override async Task<Proto.ListNotificationDeliveriesResponse> ListNotificationDeliveries(Proto.ListNotificationDeliveriesRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var state = request.State.Length == 0 ? "dead" : request.State;
        EdgeValidation.Reading()
            .Check("state", state is "dead" or "pending" or "delivered", "must be empty, \"dead\", \"pending\" or \"delivered\"")
            .Check("page_size", request.PageSize >= 0 && request.PageSize <= options.MaxPageSize, $"must be 0 (for {options.DefaultPageSize}) to {options.MaxPageSize}")
            .Check("account_id", request.AccountId.Length <= 64, "must be at most 64 characters")
            .ThrowIfInvalid();
        var found = await deliveries.ListAsync(state, CommonMapping.Blank(request.AccountId), request.PageSize == 0 ? options.DefaultPageSize : request.PageSize, context.CancellationToken);
        var response = new Proto.ListNotificationDeliveriesResponse();
        response.Deliveries.AddRange(found.Select(ToProto));
        return response;
    }

    /// <summary>Sends a dead letter again, recording the caller and reason.</summary>
    [OpsOnly]
    public override async Task<Proto.NotificationDelivery> RedeliverNotification(Proto.RedeliverNotificationRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        EdgeValidation.Mutating(request.RequestId)
            .Check("event_id", Subscriptions.Grpc.Api.Ops.EventIds.IsValid(request.EventId), "must be an event id such as \"evt_000000000042\"")
            .Required("sink", request.Sink)
            .Check("reason", !string.IsNullOrWhiteSpace(request.Reason), "is required: why the notification is sent again; it is recorded with the caller")
            .ThrowIfInvalid();
        var redelivered = await deliveries.RedeliverAsync(
            request.EventId, request.Sink, EdgeInterceptor.Caller(context).Subject, request.RequestId, request.Reason.Trim(), CancellationToken.None)
            ?? throw new NotFoundException("Notification delivery", $"{request.EventId} to {request.Sink}");
        if (!redelivered.Retried && redelivered.PreviousState != "dead")
        {
            throw new RuleViolationException(Rules.Not1, $"{request.EventId} to {request.Sink} is {redelivered.PreviousState}, not dead: only a dead letter is sent again.");
        }

        return ToProto(redelivered.Delivery);
    }

    /// <summary>Streams committed notifications as they commit, until the client cancels.</summary>
    [OpsOnly]
    public override async Task WatchTransitions(Proto.WatchTransitionsRequest request, IServerStreamWriter<Proto.Transition> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(responseStream);
        ArgumentNullException.ThrowIfNull(context);
        EdgeValidation.Reading()
            .Check("grain_type", request.GrainType.Length == 0 || WakeableTypes.Contains(request.GrainType), $"must be empty or one of {string.Join(", ", WakeableTypes)}")
            .Check("kinds", request.Kinds.Count <= 20, "must list at most 20 kinds")
            .Check("after_event_id", request.AfterEventId.Length == 0 || Subscriptions.Grpc.Api.Ops.EventIds.IsValid(request.AfterEventId), "must be empty or an event id such as \"evt_000000000042\"")
            .ThrowIfInvalid();
        var filter = new TransitionFilter(
            CommonMapping.Blank(request.AccountId), CommonMapping.Blank(request.GrainType), request.Kinds.ToHashSet(StringComparer.Ordinal), CommonMapping.Blank(request.AfterEventId));
        try
        {
            await foreach (var transition in deliveries.WatchAsync(filter, context.CancellationToken))
            {
                await responseStream.WriteAsync(new Proto.Transition
                {
                    EventId = transition.EventId,
                    AccountId = transition.AccountId,
                    GrainType = transition.GrainType,
                    GrainKey = transition.GrainKey,
                    Kind = transition.Kind,
                    At = CommonMapping.ToProto(transition.At),
                    PayloadJson = transition.PayloadJson,
                }, context.CancellationToken);
            }
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            // The client ended the watch.
        }
    }

    private static Proto.NotificationDelivery ToProto(NotificationDeliveryView d) => new()
    {
        EventId = d.EventId,
        Sink = d.Sink,
        AccountId = d.AccountId,
        Kind = d.Kind,
        Source = d.Source,
        State = d.State,
        Attempts = d.Attempts,
        LastError = d.LastError ?? "",
        CreatedAt = CommonMapping.ToProto(d.CreatedAt),
        NextAttemptAt = CommonMapping.ToProto(d.NextAttemptAt),
        DeliveredAt = CommonMapping.ToProto(d.DeliveredAt),
    };

    private static Proto.PendingReminder ToProto(PendingWakeUp wakeUp) => new()
    {
        Name = wakeUp.Name,
        DueAt = CommonMapping.ToProto(wakeUp.DueAt),
        Period = wakeUp.Period is { } period ? Duration.FromTimeSpan(period) : null,
        ClockId = wakeUp.ClockId ?? "",
        Failures = wakeUp.Failures,
        QuarantinedReason = wakeUp.QuarantinedReason ?? "",
    };

    private static Proto.GrainHistoryEntry ToProto(HistoryEntry entry) => new()
    {
        Version = entry.Version,
        Index = (int)entry.Seq,
        At = CommonMapping.ToProto(entry.At),
        Cause = new Proto.TurnCause
        {
            Kind = entry.Cause.Kind,
            Name = entry.Cause.Name,
            Caller = entry.Cause.Caller,
            RequestId = entry.Cause.RequestId ?? "",
        },
        Change = entry.Change,
        From = entry.From ?? "",
        To = entry.To ?? "",
        PayloadJson = entry.PayloadJson ?? "",
    };
}
