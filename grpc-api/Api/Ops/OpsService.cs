using Grpc.Core;
using Google.Protobuf.WellKnownTypes;
using Subscriptions.Domain.Errors;
using Subscriptions.Grains.Invoices;
using Subscriptions.Grpc.Api.Edge;
using Subscriptions.Grpc.Api.Auth;
using Subscriptions.Runtime;
using Proto = Subscriptions.Grpc.Api.V1;
using SubscriptionTransitions = Subscriptions.Domain.Subscriptions.SubscriptionTransitions;

namespace Subscriptions.Grpc.Api.Ops;

/// <summary>subscriptions.v1.OpsService: shows any grain as stored, with its reminders and ordered history (OPS-1), and prints the subscription lifecycle.</summary>
public sealed class OpsService(GrainStorage storage, IGrainFactory grains) : Proto.OpsService.OpsServiceBase
{
    /// <summary>State, version, clock, pending reminders and history with causes; NOT_FOUND for a grain never written (an issued invoice adopts its record first).</summary>
    [OpsOnly]
    public override async Task<Proto.GrainInspection> InspectGrain(Proto.InspectGrainRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        EdgeValidation.Reading().Required("grain_type", request.GrainType).Required("grain_key", request.GrainKey).ThrowIfInvalid();
        var grain = new GrainId(request.GrainType, request.GrainKey);
        var snapshot = await storage.ReadSnapshotAsync(grain, context.CancellationToken);
        if (snapshot.StateJson is null && grain.Type == InvoiceGrain.TypeName)
        {
            // An issued invoice is recorded by its account and becomes a grain of its own on its first turn: take that
            // turn, so ops see every issued invoice as a grain (NOT_FOUND if its account never issued it).
            using (CallScope.Enter(context))
            {
                await grains.GetGrain<IInvoiceGrain>(grain.Key).GetAsync(context.CancellationToken);
            }

            snapshot = await storage.ReadSnapshotAsync(grain, context.CancellationToken);
        }

        if (snapshot.StateJson is null)
        {
            throw new NotFoundException("Grain", grain.ToString());
        }

        var reminders = await storage.ReadRemindersAsync(grain, context.CancellationToken);
        var history = await storage.ReadHistoryAsync(grain, context.CancellationToken);
        var inspection = new Proto.GrainInspection
        {
            GrainType = grain.Type,
            GrainKey = grain.Key,
            Version = snapshot.Version,
            StateJson = snapshot.StateJson,
            ClockId = snapshot.ClockId ?? "",
            UpdatedAt = CommonMapping.ToProto(snapshot.UpdatedAt),
        };
        inspection.Reminders.AddRange(reminders.Select(ToProto));
        inspection.History.AddRange(history.Select(ToProto));
        return inspection;
    }

    /// <summary>The lifecycle table the domain decides with, as printable text.</summary>
    [OpsOnly]
    public override Task<Proto.SubscriptionLifecycleDescription> DescribeSubscriptionLifecycle(
        Proto.DescribeSubscriptionLifecycleRequest request, ServerCallContext context) =>
        Task.FromResult(new Proto.SubscriptionLifecycleDescription { Text = SubscriptionTransitions.Describe() });

    private static Proto.PendingReminder ToProto(ReminderEntry reminder) => new()
    {
        Name = reminder.Name,
        DueAt = CommonMapping.ToProto(reminder.DueAt),
        Period = reminder.Period is { } period ? Duration.FromTimeSpan(period) : null,
        ClockId = reminder.ClockId ?? "",
    };

    private static Proto.GrainHistoryEntry ToProto(HistoryEntry entry) => new()
    {
        Version = entry.Version,
        Index = entry.Index,
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
