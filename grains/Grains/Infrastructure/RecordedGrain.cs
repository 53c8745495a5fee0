using System.Text.Json;
using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;
using Subscriptions.Domain;
using Subscriptions.Domain.Errors;
using Subscriptions.Grains.Ops;
using Subscriptions.Grains.TestClocks;

namespace Subscriptions.Grains.Infrastructure;

/// <summary>
/// Base of every grain of this service, on Orleans' <see cref="Grain"/> and one <see cref="IPersistentState{TState}"/>
/// holding a <see cref="GrainRecord{TState}"/>. A change (<see cref="ChangeAsync{T}"/>) runs the grain's code, which
/// replaces <see cref="State"/> and records history and notifications; then everything the change produced is
/// committed by one <c>WriteStateAsync</c>, in one PostgreSQL transaction, or nothing is: the new state, its history
/// entries with their cause, its notifications, the invoices it issued, the answered request id with its answer
/// (IDEM-1), the test clock binding and the wanted wake-up (<see cref="ChangeRows"/>).
/// </summary>
public abstract partial class RecordedGrain<TState> : Grain, IInspectableGrain, IRemindable, IIntentRecoveryGrain where TState : class, IProjectedState<TState>, new()
{
    /// <summary>The name of a grain's one Orleans reminder (production clock).</summary>
    public const string WakeReminder = "wake";

    private readonly IPersistentState<GrainRecord<TState>> _record;
    private readonly ILogger _logger;
    private Turn? _turn;
    private DateTimeOffset _now;
    private StoredAnswer? _lastAnswer;
    private int _reminderRegistrations;
    private IGrainReminder? _reminder;

    // True while the reminder row this activation last committed was not told to the reminder service (a wake-up due at
    // once, run by the grain itself, or one left to the service's reads of the table): removing that row needs no
    // unregistering.
    private bool _rowOnly;
    private IGrainTimer? _wakeNow;
    private bool _wakingUp;
    private ProjectionRow? _projected;

    /// <summary>Creates the grain on its stored record.</summary>
    protected RecordedGrain(IPersistentState<GrainRecord<TState>> record, GrainServices services)
    {
        ArgumentNullException.ThrowIfNull(services);
        _record = record;
        Services = services;
        _logger = services.Loggers.CreateLogger(GetType());
    }

    /// <summary>The grain type name, as keys in the records and ops inspection name it ("account").</summary>
    protected abstract string GrainTypeName { get; }

    /// <summary>What the grain is built with.</summary>
    protected GrainServices Services { get; }

    /// <summary>The grain's key.</summary>
    protected string GrainKey => this.GetPrimaryKeyString();

    /// <summary>"type/key", as messages name the grain.</summary>
    protected string GrainName => $"{GrainTypeName}/{GrainKey}";

    /// <summary>The grain's state: as stored, or as the running change has replaced it.</summary>
    protected TState State
    {
        get => _turn?.State ?? _record.State.Value;
        set => RequireTurn().State = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>True once the grain has been written.</summary>
    protected bool RecordExists => _record.State.Version > 0;

    /// <summary>True while the running change is a stored intent being finished (see <see cref="CompleteIntentAsync"/>).</summary>
    protected bool FinishingIntent => _turn?.FinishingIntent == true;

    /// <summary>The test clock the grain follows (CLOCK-1), or null for the real clock.</summary>
    protected string? ClockId => _turn?.ClockId ?? _record.State.ClockId;

    /// <summary>The grain's time for the running change: its test clock's, or the silo's.</summary>
    protected DateTimeOffset Now => _now;

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await base.OnActivateAsync(cancellationToken);
        if (_record.State.Intent is not null)
        {
            try
            {
                await FinishIntentAsync();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The intent stays stored; the grain's reminder, or its next call, finishes it.
                LogIntentDeferred(_logger, GrainName, e.Message);
            }
        }
    }

    /// <inheritdoc />
    public virtual Task<GrainInspection> InspectAsync(CancellationToken cancellationToken = default) => InspectAsync(null, null, cancellationToken);

    /// <inheritdoc />
    public virtual Task<GrainInspection> InspectPageAsync(int historyLimit, long? historyBefore, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(historyLimit, 1);
        return InspectAsync(historyLimit, historyBefore, cancellationToken);
    }

    private async Task<GrainInspection> InspectAsync(int? historyLimit, long? historyBefore, CancellationToken cancellationToken)
    {
        if (!RecordExists)
        {
            throw new NotFoundException("Grain", GrainName);
        }

        var stored = _record.State;

        // One entry more than the page says whether older ones remain.
        var page = await Services.Tables.ReadHistoryAsync(GrainTypeName, GrainKey, historyBefore, historyLimit + 1, cancellationToken);
        var earlier = historyLimit is { } limit && page.Count > limit;
        var history = earlier ? page.Skip(1).ToList() : page;
        List<PendingWakeUp> wakeUps = [];
        if (stored.ClockId is { } clock)
        {
            if (await Services.Tables.ReadClockEventAsync(clock, GrainTypeName, GrainKey, cancellationToken) is { } due)
            {
                wakeUps.Add(new PendingWakeUp(WakeName(stored.Value) ?? WakeReminder, due.DueAt, null, clock, due.Failures, due.QuarantinedReason));
            }
        }
        else if (stored.WakeAt is { } wake && await this.GetReminder(WakeReminder, cancellationToken) is { } reminder)
        {
            wakeUps.Add(new PendingWakeUp(WakeName(stored.Value) ?? reminder.ReminderName, wake, Services.Options.WakeRetryPeriod, null));
        }

        return new GrainInspection(
            GrainTypeName, GrainKey, stored.Version, _record.Etag, JsonSerializer.Serialize(stored.Value, DomainJson.Options), stored.ClockId, stored.UpdatedAt, wakeUps, history,
            earlier ? history[0].Seq : null);
    }

    /// <summary>
    /// An Orleans reminder tick (production clock): does every event due by the silo's time, then re-arms. A silo runs
    /// at most <see cref="GrainRecordOptions.MaxConcurrentWakeUps"/> ticks at once: when every slot stays busy for
    /// <see cref="GrainRecordOptions.WakeUpQueueWait"/>, the tick is put off to the reminder's next one, so a burst of
    /// due reminders (the first of the month) never takes more database connections and threads than the silo has.
    /// </summary>
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        using var slot = await Services.WakeUps.TryEnterAsync();
        if (slot is null)
        {
            LogWakeUpPutOff(_logger, GrainName);
            return;
        }

        await FinishIntentAsync();
        if (_record.State.ClockId is not null)
        {
            // A sandbox grain follows its test clock; a reminder left from before it was bound does nothing.
            await this.UnregisterReminder(await this.GetReminder(reminderName) ?? throw new InvalidOperationException($"{GrainName} got a tick of an unknown reminder."));
            return;
        }

        var now = Services.Time.GetUtcNow();
        Services.Metrics.ReminderTicked(GrainTypeName, WakeName(_record.State.Value), _record.State.WakeAt, now);
        await WakeUpAsync(now, CancellationToken.None);
    }

    /// <summary>
    /// Does every event due at <paramref name="at"/> (the test clock's time, or the silo's), each as its own change,
    /// however late the wake-up comes; returns when the grain wants to be woken next.
    /// </summary>
    protected async Task<DateTimeOffset?> WakeUpAsync(DateTimeOffset at, CancellationToken cancellationToken)
    {
        await FinishIntentAsync();
        await BeforeWakeAsync(cancellationToken);
        var registrations = _reminderRegistrations;
        _wakingUp = true;
        try
        {
            for (var handled = 0; handled < Services.Options.MaxEventsPerWake; handled++)
            {
                if (!RecordExists || WantedWakeAt(_record.State.Value) is not { } due || due > at || Deferred(at))
                {
                    break;
                }

                await HandleDueAsync(at, cancellationToken);
            }

            await EndCorrectionAsync(at, cancellationToken);
        }
        finally
        {
            _wakingUp = false;
        }

        if (_record.State.ClockId is null && _reminderRegistrations == registrations)
        {
            // No change of this wake-up re-armed the reminder: it is armed for the next event (or dropped), so a tick
            // never leaves the reminder firing for nothing.
            await RearmAsync(_record.State.WakeAt, cancellationToken);
        }

        return _record.State.WakeAt;
    }

    /// <summary>Runs before a wake-up handles due events: a grain woken before its first write makes its record here.</summary>
    protected virtual Task BeforeWakeAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The grain's time outside a change: its test clock's, or the silo's.</summary>
    protected Task<DateTimeOffset> CurrentTimeAsync(CancellationToken cancellationToken) => ClockTimeAsync(cancellationToken);

    /// <summary>When the grain wants to be woken for <paramref name="state"/> (a due renewal, a trial end…), or null.</summary>
    protected virtual DateTimeOffset? WantedWakeAt(TState state) => null;

    /// <summary>What the grain will be woken for (the event due first), as ops inspection names it.</summary>
    private static string? WakeName(TState state) => TState.Project(state)?.WakeName;

    /// <summary>Handles the earliest due event as a change (see <see cref="ChangeOnWakeAsync"/>); grains with due events override it.</summary>
    protected virtual Task HandleDueAsync(DateTimeOffset at, CancellationToken cancellationToken) =>
        throw new InvalidOperationException($"{GrainName} wants a wake-up but does not handle one.");

    /// <summary>
    /// A change caused by a wake-up: its cause is the event, its request id "<paramref name="eventName"/>@due", so the
    /// nested calls of an event delivered twice are answered once.
    /// </summary>
    protected Task ChangeOnWakeAsync(string eventName, DateTimeOffset due, DateTimeOffset at, Func<Task> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var requestId = $"{eventName}@{due.UtcDateTime:O}";
        return RunAsync(new TurnCause(TurnCause.ReminderKind, eventName, TurnCause.ReminderKind, requestId), at, async () =>
        {
            await change();
            return true;
        }, CancellationToken.None);
    }

    /// <summary>
    /// Runs one change under the current request id: answered from the record when the id was answered before (the
    /// same method) or refused (another method); otherwise run, then committed in one write with everything it produced.
    /// A change that throws, or whose write fails, leaves nothing behind.
    /// </summary>
    /// <param name="requestChecked">True when the caller looked the request id up itself in this call (<see cref="AnsweredAsync{T}"/>) and found no answer.</param>
    protected async Task<T> ChangeAsync<T>(string method, Func<Task<T>> change, CancellationToken cancellationToken, bool answersRequestId = true, bool requestChecked = false)
    {
        ArgumentNullException.ThrowIfNull(change);
        // Another grain's intent this change is to store, when it is that grain's first nested change.
        var carried = IntentCarrier.Take();

        // A change this grain left unfinished (its write failed after it changed other grains) is finished first.
        await FinishIntentAsync();
        var caller = CallContext.Caller;
        var requestId = answersRequestId ? CallContext.RequestId : null;
        if (requestId is not null && !requestChecked && await FindAnswerAsync(AnswerKey(caller, requestId), cancellationToken) is { } answered)
        {
            return answered.Method == method
                ? JsonSerializer.Deserialize<T>(answered.ResultJson, DomainJson.Options)!
                : throw new RequestIdReusedException(GrainName, requestId, answered.Method, method);
        }

        // A call whose caller gave up (deadline, cancellation) before it ran changes nothing.
        cancellationToken.ThrowIfCancellationRequested();
        var at = await ClockTimeAsync(cancellationToken);
        return await RunAsync(new TurnCause(TurnCause.CallKind, method, caller, requestId), at, change, cancellationToken, carried);
    }

    /// <summary>
    /// The answer the grain gave to the current request id for <paramref name="method"/> (a retry), read before any work
    /// the change would do first (reading other grains); null when the request was not answered. The same id used for
    /// another method is refused, as <see cref="ChangeAsync{T}(string, Func{Task{T}}, CancellationToken, bool)"/> refuses it.
    /// </summary>
    protected async Task<T?> AnsweredAsync<T>(string method, CancellationToken cancellationToken) where T : class
    {
        // A change this grain left unfinished is finished first: it may be this very request's, whose answer it stores.
        await FinishIntentAsync();
        if (CallContext.RequestId is not { } requestId)
        {
            return null;
        }

        if (await FindAnswerAsync(AnswerKey(CallContext.Caller, requestId), cancellationToken) is not { } answered)
        {
            return null;
        }

        return answered.Method == method
            ? JsonSerializer.Deserialize<T>(answered.ResultJson, DomainJson.Options)
            : throw new RequestIdReusedException(GrainName, requestId, answered.Method, method);
    }

    /// <summary>A synchronous change (see <see cref="ChangeAsync{T}(string, Func{Task{T}}, CancellationToken)"/>).</summary>
    protected Task<T> ChangeSync<T>(string method, Func<T> change, CancellationToken cancellationToken) =>
        ChangeAsync(method, () => Task.FromResult(change()), cancellationToken);

    /// <summary>
    /// Gives the running change an intent: <paramref name="payload"/> is what <see cref="CompleteIntentAsync"/> needs to
    /// finish the change if this grain's own write never lands (its decision). It is stored by the commit of the
    /// change's first nested change in another grain (<see cref="NestedAsync{T}(Func{Task{T}})"/> carries it in the
    /// call's context), so nothing is written for it before then and no nested change is ever made without it; this
    /// grain's own commit deletes it. Until then, the grain's next activation or call, or a silo's sweep of intents
    /// older than <see cref="GrainRecordOptions.IntentRecoveryDelay"/>, finishes the change without a client retry.
    /// Only calls with a request id carry one: a wake-up is retried by its own reminder under the same ids.
    /// </summary>
    protected void CarryIntent(object payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var turn = RequireTurn();
        if (turn.Cause.Kind != TurnCause.CallKind || turn.Cause.RequestId is null || turn.Intent is not null || turn.FinishingIntent)
        {
            return;
        }

        turn.Intent = new PendingIntent(
            turn.Cause, _now, JsonSerializer.Serialize(payload, payload.GetType(), DomainJson.Options), Services.Time.GetUtcNow(), _record.State.Version);
    }

    /// <inheritdoc />
    public async Task FinishStoredIntentAsync()
    {
        if (_record.State.Intent is null)
        {
            // A nested change may have stored one that this activation does not know of.
            await _record.ReadStateAsync(CancellationToken.None);
        }

        await FinishIntentAsync();
    }

    /// <summary>
    /// Finishes a change whose intent was stored (<see cref="CarryIntent"/>) (the grain's write failed after it changed other
    /// grains): re-applies the stored decision under the same cause, time and nested request ids, records it, and returns
    /// the change's answer (kept for a retry of its request id).
    /// </summary>
    protected virtual Task<object> CompleteIntentAsync(PendingIntent intent) =>
        throw new InvalidOperationException($"{GrainName} stored an intent but does not finish one.");

    /// <summary>Records a history entry (what changed, from → to, details) with the running change's cause (OPS-1).</summary>
    protected void RecordHistory(string change, string? from = null, string? to = null, object? payload = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(change);
        RequireTurn().History.Add((change, from, to, payload is null ? null : JsonSerializer.Serialize(payload, payload.GetType(), DomainJson.Options)));
    }

    /// <summary>Queues an outbound notification (NOT-1), committed with the change and handed to the outbox after it.</summary>
    protected void Notify(string kind, object payload)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(kind);
        ArgumentNullException.ThrowIfNull(payload);
        RequireTurn().Notifications.Add((kind, JsonSerializer.Serialize(payload, payload.GetType(), DomainJson.Options)));
    }

    /// <summary>Records an issued invoice for the issued-invoices table, committed with the change (INV-1).</summary>
    private protected void RecordIssuedInvoice(PendingInvoice invoice) => RequireTurn().Invoices.Add(invoice);

    /// <summary>
    /// Creates another grain's first record with the running change, committed in its statement (<see cref="BornRecord"/>):
    /// <paramref name="value"/> at version 1, following test clock <paramref name="clockId"/> (null: the real clock), with one
    /// history entry of this change's cause and time, its projection row and its wake-up at <paramref name="wakeAt"/>. The grain finds it on activation and arms
    /// the wake-up on its first call (<see cref="ArmWakeUpAsync"/>). At most one per change.
    /// </summary>
    private protected void RecordBorn<TOther>(
        IAddressable grain, string grainType, TOther value, string? clockId, DateTimeOffset? wakeAt, string change, string? to, object? payload)
        where TOther : class, IProjectedState<TOther>, new()
    {
        ArgumentNullException.ThrowIfNull(grain);
        var turn = RequireTurn();
        if (turn.Born is not null)
        {
            throw new InvalidOperationException($"{GrainName} creates one other grain's record per change at most.");
        }

        var id = grain.GetGrainId();
        var record = new GrainRecord<TOther>
        {
            Value = value,
            Version = 1,
            LastSeq = 1,
            ClockId = clockId,
            WakeAt = wakeAt,
            UpdatedAt = Services.Time.GetUtcNow(),
        };
        var history = new HistoryEntry(1, 1, _now, turn.Cause, change, null, to, payload is null ? null : JsonSerializer.Serialize(payload, payload.GetType(), DomainJson.Options));
        turn.Born = new BornRecord(
            grainType,
            id.Key.ToString()!,
            record,
            history,
            Services.Options.OpsProjection ? ProjectionRow.Of(record) : null,
            clockId is null && wakeAt is { } wake ? ReminderAt(id, wake) : null,
            clockId is not null && wakeAt is not null ? new ClockWakeUp(clockId, wakeAt) : null);
    }

    /// <summary>
    /// Arms the wake-up of a record that another grain's change created (<see cref="RecordBorn{TOther}"/>), once per
    /// activation: its row was committed with that change, but nobody asked the reminder service for it. A wake-up due
    /// already runs at once (an autopay at issue); one within the service's loading window is registered, which finds its
    /// row stored and writes nothing; one further off is left to the service's reads of the table. Nothing to do for a sandbox grain (its test clock's event is committed) or a grain that armed already.
    /// </summary>
    protected async Task ArmWakeUpAsync()
    {
        if (_reminderRegistrations > 0 || _record.State.ClockId is not null || _record.State.WakeAt is not { } wake)
        {
            return;
        }

        await ArmCommittedAsync(ReminderAt(wake), wake, null, null);
    }

    /// <summary>
    /// Reads the grain's record again when this activation has none: another grain's change may have created it since
    /// the activation read it (<see cref="RecordBorn{TOther}"/>).
    /// </summary>
    protected async Task ReloadIfAbsentAsync()
    {
        if (!RecordExists && _turn is null)
        {
            await _record.ReadStateAsync();
        }
    }

    /// <summary>Binds the grain to a test clock (CLOCK-1) with the running change; its time and wake-ups follow that clock.</summary>
    protected async Task BindToClockAsync(string clockId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(clockId);
        var turn = RequireTurn();
        turn.ClockId = clockId;
        if (!turn.FinishingIntent)
        {
            // A change being finished keeps the time it was decided at.
            _now = await ClockNowAsync(clockId, cancellationToken);
        }
    }

    /// <summary>
    /// Scope of a nested grain call made by the running change: the call gets its own request id derived from the
    /// change's ("id&gt;type/key#n"), the same on every retry, so a nested change already committed is answered, not
    /// applied again.
    /// </summary>
    protected IDisposable NestedCall()
    {
        var turn = RequireTurn();
        var requestId = turn.Cause.RequestId;
        turn.NestedCalls++;
        CallContext.SetRequestId(requestId is null ? null : $"{requestId}>{GrainName}#{turn.NestedCalls}");
        return new RestoreRequestId(requestId);
    }

    /// <summary>
    /// A nested change in another grain, under its derived request id (see <see cref="NestedCall"/>); the first one after
    /// the running change got an intent carries it, to be stored with its commit (<see cref="CarryIntent"/>).
    /// </summary>
    protected async Task<T> NestedAsync<T>(Func<Task<T>> call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var turn = RequireTurn();
        T result;
        using (NestedCall())
        {
            result = await CarryingAsync(turn, call);
        }

        return result;
    }

    /// <summary>A nested change without an answer (see <see cref="NestedAsync{T}(Func{Task{T}})"/>).</summary>
    protected Task NestedAsync(Func<Task> call)
    {
        ArgumentNullException.ThrowIfNull(call);
        return NestedAsync(async () =>
        {
            await call();
            return true;
        });
    }

    /// <summary>
    /// A nested change named by its step rather than its place in the change (see <see cref="NestedAsync{T}(Func{Task{T}})"/>):
    /// its request id is "id&gt;type/key:step", the same on every retry whichever steps ran before it, for changes whose
    /// steps depend on what earlier ones answered (a service order's).
    /// </summary>
    protected async Task<T> NestedStepAsync<T>(string step, Func<Task<T>> call)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(step);
        ArgumentNullException.ThrowIfNull(call);
        var turn = RequireTurn();
        var requestId = turn.Cause.RequestId;
        T result;
        using (new RestoreRequestId(requestId))
        {
            CallContext.SetRequestId(requestId is null ? null : $"{requestId}>{GrainName}:{step}");
            result = await CarryingAsync(turn, call);
        }

        return result;
    }

    /// <summary>
    /// Makes a nested change; the first one after the change got an intent carries it, to be stored with its commit.
    /// When that call fails in a way that does not say nothing was written (an outage, a timeout), the intent may be
    /// stored: the activation goes, so the next one reads what is.
    /// </summary>
    private async Task<T> CarryingAsync<T>(Turn turn, Func<Task<T>> call)
    {
        if (turn.Intent is not { } intent || turn.IntentStored)
        {
            return await call();
        }

        using var carrying = IntentCarrier.Carry(new CarriedIntent(GrainTypeName, GrainKey, intent));
        try
        {
            var result = await call();
            turn.IntentStored = true;
            return result;
        }
        catch (Exception e) when (e is ConcurrentChangeException || !NothingWrittenElsewhere(e))
        {
            // Stored or not, as far as this activation knows (a lost write race may also be another stored intent of
            // this grain that the called grain's commit ran into): the activation goes, and the next one reads it.
            turn.IntentUncertain = true;
            throw;
        }
    }

    private static string AnswerKey(string caller, string requestId) => $"{caller} {requestId}";

    /// <summary>
    /// The answer given to <paramref name="key"/>, if any (IDEM-1): the last change's of this activation, or the answers
    /// table's. A grain never written has none.
    /// </summary>
    private async Task<AnsweredRequest?> FindAnswerAsync(string key, CancellationToken cancellationToken)
    {
        if (_lastAnswer is { } last && last.Key == key && last.AnsweredAt >= Services.Time.GetUtcNow() - Services.Options.RequestIdRetention)
        {
            return new AnsweredRequest(last.Method, last.ResultJson, last.AnsweredAt);
        }

        return RecordExists ? await Services.Tables.ReadAnswerAsync(GrainTypeName, GrainKey, key, cancellationToken) : null;
    }

    /// <summary>True for a refusal by a called grain that says it wrote nothing (a lost write race, a rule, a bad field), unlike an outage or a timeout.</summary>
    private static bool NothingWrittenElsewhere(Exception e) =>
        e is ConcurrentChangeException or DomainException or AlreadyExistsException or RequestIdReusedException;

    /// <summary>Finishes the stored intent, if any, as a change of its own cause (see <see cref="CompleteIntentAsync"/>).</summary>
    private async Task FinishIntentAsync()
    {
        if (_turn is not null || _record.State.Intent is not { } intent)
        {
            return;
        }

        using var scope = CallContext.Enter(intent.Cause.Caller, intent.Cause.RequestId);
        try
        {
            await RunAsync(intent.Cause, intent.At, async () =>
            {
                // The intent is already stored: finishing it stores none, and keeps it whatever fails, until it commits.
                RequireTurn().FinishingIntent = true;
                if (intent.BaseVersion is { } decidedOn && decidedOn != _record.State.Version)
                {
                    throw new InvalidOperationException(
                        $"The change was decided on version {decidedOn} of {GrainName}, which is at version {_record.State.Version} now: another activation wrote it since.");
                }

                var answer = await CompleteIntentAsync(intent);
                RecordHistory("change-completed", null, null, new
                {
                    Method = intent.Cause.Name,
                    Description = $"Completed by the service: the change stopped after it had changed other grains (recorded {intent.RecordedAt:O}) and before its own write, and no retry finished it.",
                });
                return answer;
            }, CancellationToken.None);
            LogIntentCompleted(_logger, GrainName, intent.Cause.Name, intent.Cause.RequestId ?? "");
        }
        catch (Exception e) when (!IsOutage(e))
        {
            // A stored change that cannot be finished (it fails for a reason an outage does not explain) would block
            // every later change of the grain: it is abandoned, loudly, with its reason in the history for ops.
            LogIntentAbandoned(_logger, GrainName, intent.Cause.Name, intent.Cause.RequestId ?? "", e);
            await RunAsync(new TurnCause(TurnCause.ReminderKind, "abandon-change", TurnCause.ReminderKind, null), intent.At, () =>
            {
                RecordHistory("change-abandoned", null, null, new
                {
                    Method = intent.Cause.Name,
                    intent.Cause.RequestId,
                    Reason = Quoted.Cut($"{e.GetType().Name}: {e.Message}"),
                    Description = "The service could not finish this change after its write failed; billing ops should check the grains it had changed.",
                });
                return Task.FromResult(true);
            }, CancellationToken.None);
        }
    }

    /// <summary>True for a failure of the database, the cluster or a concurrent write, which a later try may not meet (unlike a defect or a refusal).</summary>
    protected static bool IsOutage(Exception e) =>
        e is StorageUnavailableException or ConcurrentChangeException or PaymentGatewayUnavailableException or TimeoutException or OperationCanceledException
            or OrleansMessageRejectionException or SiloUnavailableException
        || DatabaseFailures.Is(e);

    /// <summary>
    /// The time for a read outside a change (a change takes its own when it starts): test clock
    /// <paramref name="clockId"/>'s when the data read follows one (CLOCK-1), else the service's.
    /// </summary>
    protected Task<DateTimeOffset> ReadTimeAsync(string? clockId, CancellationToken cancellationToken) =>
        clockId is { } clock ? ClockNowAsync(clock, cancellationToken) : Task.FromResult(Services.Time.GetUtcNow());

    private async Task<DateTimeOffset> ClockTimeAsync(CancellationToken cancellationToken) =>
        _record.State.ClockId is { } clock ? await ClockNowAsync(clock, cancellationToken) : Services.Time.GetUtcNow();

    /// <summary>A test clock's time: carried by the call when it is part of that clock's advance, otherwise asked of the clock.</summary>
    private async Task<DateTimeOffset> ClockNowAsync(string clockId, CancellationToken cancellationToken) =>
        CallContext.ClockTime(clockId) ?? (await GrainFactory.GetGrain<ITestClockGrain>(clockId).GetAsync(cancellationToken)).Now;

    private async Task<T> RunAsync<T>(TurnCause cause, DateTimeOffset at, Func<Task<T>> change, CancellationToken cancellationToken, CarriedIntent? carried = null)
    {
        if (_turn is not null)
        {
            throw new InvalidOperationException($"{GrainName} started a change inside another change.");
        }

        _now = at;
        var turn = _turn = new Turn(cause) { Carried = carried };
        var incomingRequestId = CallContext.RequestId;

        // A wake-up acts on the service's own authority, whoever's call delivered it (a test clock advance carries its
        // client's context): its nested calls are answered under the wake-up's caller and ids, the same on redelivery.
        var wakeUpScope = cause.Kind == TurnCause.ReminderKind ? CallContext.Enter(cause.Caller, cause.RequestId) : null;
        T result;
        try
        {
            result = await change();
        }
        catch (Exception) when (turn.IntentStored || turn.IntentUncertain)
        {
            KeepIntent(turn);
            throw;
        }
        finally
        {
            _turn = null;
            if (wakeUpScope is null)
            {
                CallContext.SetRequestId(incomingRequestId);
            }
            else
            {
                wakeUpScope.Dispose();
            }
        }

        // Once the change has run (and may have billed through nested calls), its write is carried through.
        try
        {
            await CommitAsync(turn, result);
        }
        catch (Exception) when (turn.IntentStored)
        {
            KeepIntent(turn);
            throw;
        }

        return result;
    }

    /// <summary>
    /// A change that failed after its intent went with a nested change: the intent is stored, and kept in memory so the
    /// next call finishes it; when whether it was stored is not known, the activation goes and the next one reads it.
    /// </summary>
    private void KeepIntent(Turn turn)
    {
        if (turn.IntentStored && turn.Intent is { } intent)
        {
            _record.State = _record.State with { Intent = intent };
        }
        else
        {
            DeactivateOnIdle();
        }
    }

    private async Task CommitAsync<T>(Turn turn, T result)
    {
        var old = _record.State;
        var clearsIntent = turn.IntentStored || old.Intent is not null;
        if (!turn.Changed && !clearsIntent)
        {
            return;
        }

        var siloNow = Services.Time.GetUtcNow();
        var version = old.Version + 1;
        var seq = old.LastSeq;
        var history = turn.History.Select(h => new HistoryEntry(++seq, version, _now, turn.Cause, h.Change, h.From, h.To, h.PayloadJson)).ToList();
        var notifications = turn.Notifications.Select(n => new PendingNotification(++seq, version, n.Kind, n.PayloadJson, siloNow)).ToList();
        var answer = turn.Cause.Kind == TurnCause.CallKind && turn.Cause.RequestId is { } requestId
            ? new StoredAnswer(AnswerKey(turn.Cause.Caller, requestId), turn.Cause.Name, JsonSerializer.Serialize(result, DomainJson.Options), siloNow)
            : null;

        var value = turn.State ?? old.Value;
        var clockId = turn.ClockId ?? old.ClockId;
        var correction = LastingCorrection(turn.CorrectionSet ? turn.Correction : old.WakeCorrection, value, _now);
        var wakeAt = correction is null ? WantedWakeAt(value) : correction.At;

        // A sandbox grain's wake-up on its test clock commits with the change (the row is rewritten only when it moves,
        // or to lift a quarantine: CLOCK-1); a production reminder is armed once, before the write when it comes earlier
        // (a crash after the write can then only wake the grain early), after it otherwise.
        var next = old with
        {
            Value = value,
            Version = version,
            LastSeq = seq,
            ClockId = clockId,
            WakeAt = wakeAt,
            UpdatedAt = siloNow,
            LastWokenAt = turn.Cause.Kind == TurnCause.ReminderKind && turn.Cause.RequestId is not null && (old.LastWokenAt is null || old.LastWokenAt < _now) ? _now : old.LastWokenAt,
            WakeCorrection = correction,
            Intent = null,
        };

        // The ops projection row goes with the write when it differs from the one this activation last wrote, and so does
        // the reminder row when the wanted wake-up moves.
        var projected = Services.Options.OpsProjection ? ProjectionRow.Of(next) : null;
        var reminder = clockId is null ? WantedReminder(old, wakeAt) : null;
        var dropping = reminder is { StartTime: null } && !_rowOnly ? _reminder ?? await ReadReminderAsync() : null;
        next = next with
        {
            Change = new ChangeRows(history, notifications, turn.Invoices, answer, clockId is null ? null : new ClockWakeUp(clockId, wakeAt))
            {
                Projection = projected == _projected ? null : projected,
                Reminder = reminder,
                CarriedIntent = turn.Carried,
                ClearsIntent = clearsIntent,
                Born = turn.Born,
            },
        };

        await WriteRecordAsync(old, next);
        Services.Metrics.Committed(GrainTypeName, turn.Cause, clockId is not null, history, notifications);
        if (history.Count > 0 && _logger.IsEnabled(LogLevel.Information))
        {
            LogChange(_logger, GrainName, version, ChangeLog.Describe(history, withValues: GrainTypeName != "account"), turn.Cause.Kind, turn.Cause.Name, turn.Cause.Caller,
                turn.Cause.RequestId ?? "-", ChangeLog.RuleOf(history) ?? "-", System.Diagnostics.Activity.Current?.TraceId.ToHexString() ?? "-");
        }

        _lastAnswer = answer ?? _lastAnswer;
        _projected = projected;
        if (reminder is not null)
        {
            await ArmCommittedAsync(reminder, wakeAt, old.WakeAt, dropping);
        }
    }

    /// <summary>
    /// A change left its grain with a wake-up due already (an autopay at issue): the grain runs it in its next turn, on a
    /// timer, rather than asking the reminder service for a tick <see cref="GrainRecordOptions.MinimumWakeDelay"/> later.
    /// The committed reminder row is the safety net: when the activation goes before the timer fires, the reminder
    /// service loads the row at its next read of the table; when the wake-up fails, the grain registers the row, so the
    /// reminder's tick tries again.
    /// </summary>
    private void WakeAtOnce()
    {
        LeaveToTable();
        _wakeNow ??= this.RegisterGrainTimer(WakeNowAsync, TimeSpan.Zero, Timeout.InfiniteTimeSpan);
    }

    /// <summary>
    /// Arms the wake-up at <paramref name="wakeAt"/> whose reminder row <paramref name="row"/> was just committed,
    /// replacing one at <paramref name="replaced"/>: run at once when due already (not from inside a wake-up, which
    /// handles every due event itself), left to the table when beyond the reminder service's loading window, and
    /// otherwise told to the service (<paramref name="dropping"/>: the reminder a removed row leaves to unregister).
    /// </summary>
    private async Task ArmCommittedAsync(ReminderRow row, DateTimeOffset? wakeAt, DateTimeOffset? replaced, IGrainReminder? dropping)
    {
        if (row.StartTime is not null && wakeAt <= Services.Time.GetUtcNow() && !_wakingUp)
        {
            WakeAtOnce();
        }
        else if (row.StartTime is { } later && BeyondLoadingWindow(later, replaced))
        {
            LeaveToTable();
        }
        else
        {
            await RegisterCommittedAsync(row, dropping);
        }
    }

    /// <summary>
    /// True when a reminder row starting at <paramref name="start"/> (the reminder service's clock), replacing one for a
    /// wake-up at <paramref name="replaced"/> (the grain's clock; null: none), is left to the reminder service's reads of
    /// the table: both lie beyond its loading window (<see cref="GrainServices.ReminderLoadingWindow"/>), so the service
    /// holds neither in memory, and a read brings the new row within the window before it falls due. Registering it
    /// would write nothing (the row is committed) and keep nothing in memory: a grain call and a statement for nothing.
    /// </summary>
    private bool BeyondLoadingWindow(DateTimeOffset start, DateTimeOffset? replaced) =>
        start - Services.ReminderTime.GetUtcNow() > Services.ReminderLoadingWindow
        && (replaced is null || replaced.Value - Services.Time.GetUtcNow() > Services.ReminderLoadingWindow);

    /// <summary>The committed reminder row is left to the reminder service's reads of the table: this activation never told the service of it.</summary>
    private void LeaveToTable()
    {
        _reminderRegistrations++;
        _reminder = null;
        _rowOnly = true;
    }

    private async Task WakeNowAsync(CancellationToken cancellationToken)
    {
        _wakeNow?.Dispose();
        _wakeNow = null;
        if (!_rowOnly || _record.State.ClockId is not null)
        {
            // A later change registered the reminder (or bound a test clock): the wake-up is theirs now.
            return;
        }

        try
        {
            using var slot = await Services.WakeUps.TryEnterAsync();
            if (slot is null)
            {
                LogWakeUpPutOff(_logger, GrainName);
                await RearmAsync(_record.State.WakeAt, CancellationToken.None);
                return;
            }

            await WakeUpAsync(Services.Time.GetUtcNow(), CancellationToken.None);
        }
        catch (Exception e)
        {
            // Whatever failed, the reminder service takes the wake-up over: its tick tries again. When it cannot be told
            // either (the database gone), the grain tries again itself one retry period later, while the stored row
            // waits for the service's next read of the table.
            LogReminderDeferred(_logger, GrainName, Quoted.Cut(e.Message));
            try
            {
                await RearmAsync(_record.State.WakeAt, CancellationToken.None);
            }
            catch (Exception rearm) when (IsOutage(rearm))
            {
                LogReminderDeferred(_logger, GrainName, Quoted.Cut(rearm.Message));
                _rowOnly = true;
                _wakeNow ??= this.RegisterGrainTimer(WakeNowAsync, Services.Options.WakeRetryPeriod, Timeout.InfiniteTimeSpan);
            }
        }
    }

    /// <summary>
    /// The reminder row a change commits (production clock), or null to leave the reminder as it is: armed for the
    /// wanted wake-up when it moves, removed when none is wanted any more.
    /// </summary>
    private ReminderRow? WantedReminder(GrainRecord<TState> old, DateTimeOffset? wakeAt)
    {
        if (wakeAt is { } wake)
        {
            return old.WakeAt == wake && old.ClockId is null ? null : ReminderAt(wake);
        }

        return old.WakeAt is not null ? ReminderRowOf(null) : null;
    }

    /// <summary>
    /// The reminder row for a wake-up at <paramref name="wake"/> (the grain's time). A wake-up due now or in the past is
    /// asked for <see cref="GrainRecordOptions.MinimumWakeDelay"/> ahead: Orleans schedules a reminder whose start time
    /// has passed by the time its row is written at the next period boundary, not at once. The start is on the reminder
    /// service's clock, where its registration after the commit will put it.
    /// </summary>
    private ReminderRow ReminderAt(DateTimeOffset wake) => ReminderAt(this.GetGrainId(), wake);

    /// <summary>The reminder row of grain <paramref name="id"/> for a wake-up at <paramref name="wake"/> (see <see cref="ReminderAt(DateTimeOffset)"/>).</summary>
    private ReminderRow ReminderAt(GrainId id, DateTimeOffset wake) => ReminderRowOf(id, Services.ReminderTime.GetUtcNow() + DueTime(wake));

    /// <summary>How long from now a reminder for <paramref name="wake"/> (the grain's time) is asked for: at least <see cref="GrainRecordOptions.MinimumWakeDelay"/>.</summary>
    private TimeSpan DueTime(DateTimeOffset wake)
    {
        var dueTime = wake - Services.Time.GetUtcNow();
        return dueTime < Services.Options.MinimumWakeDelay ? Services.Options.MinimumWakeDelay : dueTime;
    }

    private ReminderRow ReminderRowOf(DateTimeOffset? start) => ReminderRowOf(this.GetGrainId(), start);

    private ReminderRow ReminderRowOf(GrainId id, DateTimeOffset? start) =>
        new(Services.ServiceId, id.ToString(), unchecked((int)id.GetUniformHashCode()), WakeReminder, start, Services.Options.WakeRetryPeriod);

    /// <summary>
    /// Tells Orleans' reminder service about the reminder row just committed, so it ticks without waiting for its next
    /// read of the table: the registration finds the row stored with that schedule and writes nothing
    /// (0011_reminder_in_commit.sql); a removal stops the reminder the service holds. When the service cannot be told
    /// (an outage), the committed row stands and the service loads it at its next read of the table (every few minutes).
    /// </summary>
    private async Task RegisterCommittedAsync(ReminderRow row, IGrainReminder? dropping)
    {
        _reminderRegistrations++;
        _rowOnly = false;
        try
        {
            if (row.StartTime is { } start)
            {
                var dueTime = start - Services.ReminderTime.GetUtcNow();
                _reminder = null;
                _reminder = await this.RegisterOrUpdateReminder(WakeReminder, dueTime > TimeSpan.Zero ? dueTime : Services.Options.MinimumWakeDelay, row.Period);
            }
            else
            {
                _reminder = null;
                if (dropping is not null)
                {
                    await this.UnregisterReminder(dropping);
                }
            }
        }
        catch (Exception e) when (e is ReminderException or OrleansException or TimeoutException || DatabaseFailures.Is(e))
        {
            LogReminderDeferred(_logger, GrainName, Quoted.Cut(e.Message));
        }
    }

    /// <summary>The grain's reminder as the reminder table holds it, or null (read before a change removes its row).</summary>
    private async Task<IGrainReminder?> ReadReminderAsync()
    {
        IGrainReminder? reminder = null;
        await GuardReminderAsync("reading", async () => reminder = await this.GetReminder(WakeReminder));
        return reminder;
    }

    /// <summary>
    /// Writes <paramref name="next"/> in place of <paramref name="old"/>, with the rows its change produced, in one
    /// transaction. On failure nothing of it is kept in memory: the activation goes, the next call reloads what is stored
    /// (the write may have landed if the connection dropped during commit; a retry with the same request id says so).
    /// </summary>
    private async Task WriteRecordAsync(GrainRecord<TState> old, GrainRecord<TState> next)
    {
        _record.State = next;
        try
        {
            await _record.WriteStateAsync(CancellationToken.None);
        }
        catch (Exception e)
        {
            _record.State = old;
            DeactivateOnIdle();
            throw e switch
            {
                InconsistentStateException => new ConcurrentChangeException(GrainName),
                _ when DatabaseFailures.Is(e) => new StorageUnavailableException($"PostgreSQL is unavailable while writing {GrainName}: {e.Message}"),
                _ => e,
            };
        }

        if (next.Change is not null)
        {
            // Committed: the rows are in their tables, and the next write must not carry them again.
            _record.State = next with { Change = null };
        }
    }

    /// <summary>
    /// Sets the reminder to exactly what the record wants, outside a change (a tick that changed nothing): registered for
    /// <paramref name="wake"/>, or removed. A wake-up due now or in the past is asked for a few seconds ahead
    /// (<see cref="GrainRecordOptions.MinimumWakeDelay"/>): Orleans schedules a reminder whose start time has passed by
    /// the time its row is written at the next period boundary, not at once.
    /// </summary>
    private async Task RearmAsync(DateTimeOffset? wake, CancellationToken cancellationToken)
    {
        _reminderRegistrations++;
        _reminder = null;
        _rowOnly = false;
        if (wake is { } at)
        {
            await GuardReminderAsync("arming", async () => _reminder = await this.RegisterOrUpdateReminder(WakeReminder, DueTime(at), Services.Options.WakeRetryPeriod));
            return;
        }

        await GuardReminderAsync("dropping", async () =>
        {
            if (await this.GetReminder(WakeReminder, cancellationToken) is { } reminder)
            {
                await this.UnregisterReminder(reminder, cancellationToken);
            }
        });
    }

    /// <summary>
    /// Runs a reminder table operation, turning an unreachable database (or a reminder service that cannot reach it)
    /// into <see cref="StorageUnavailableException"/>.
    /// </summary>
    private async Task GuardReminderAsync(string what, Func<Task> work)
    {
        try
        {
            await work();
        }
        catch (Exception e) when (e is not StorageUnavailableException && DatabaseFailures.Is(e))
        {
            throw new StorageUnavailableException($"PostgreSQL is unavailable while {what} the wake-up of {GrainName}: {Quoted.Cut(e.Message)}");
        }
        catch (ReminderException e)
        {
            throw new StorageUnavailableException($"The reminder service failed while {what} the wake-up of {GrainName}: {Quoted.Cut(e.Message)}");
        }
    }

    private Turn RequireTurn() => _turn ?? throw new InvalidOperationException($"{GrainName} is not in a change; state, history and notifications change only inside one.");

    [LoggerMessage(Level = LogLevel.Information, Message = "{Grain} v{Version}: {Changes} | {CauseKind} {Cause} by {Caller}, request {RequestId}, rule {Rule}, trace {TraceId}")]
    private static partial void LogChange(
        ILogger logger, string grain, long version, string changes, string causeKind, string cause, string caller, string requestId, string rule, string traceId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Grain} put its wake-up off to its reminder's next tick: the silo's wake-up slots are all busy")]
    private static partial void LogWakeUpPutOff(ILogger logger, string grain);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Grain} committed its reminder row but could not tell the reminder service, which loads it at its next read of the table: {Reason}")]
    private static partial void LogReminderDeferred(ILogger logger, string grain, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Grain} keeps an unfinished change until its reminder or next call finishes it: {Reason}")]
    private static partial void LogIntentDeferred(ILogger logger, string grain, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Grain} abandoned the unfinished change {Method} (request {RequestId}): it cannot be finished; see its history")]
    private static partial void LogIntentAbandoned(ILogger logger, string grain, string method, string requestId, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Grain} finished the change {Method} (request {RequestId}) that stopped between its nested changes and its write")]
    private static partial void LogIntentCompleted(ILogger logger, string grain, string method, string requestId);

    /// <summary>What the running change has produced so far.</summary>
    private sealed class Turn(TurnCause cause)
    {
        public TurnCause Cause { get; } = cause;

        public TState? State { get; set; }

        public string? ClockId { get; set; }

        public List<(string Change, string? From, string? To, string? PayloadJson)> History { get; } = [];

        public List<(string Kind, string PayloadJson)> Notifications { get; } = [];

        public List<PendingInvoice> Invoices { get; } = [];

        /// <summary>Another grain's first record this change creates (<see cref="RecordBorn{TOther}"/>), or null.</summary>
        public BornRecord? Born { get; set; }

        public int NestedCalls { get; set; }

        /// <summary>The change's intent (<see cref="CarryIntent"/>), until its first nested change stores it.</summary>
        public PendingIntent? Intent { get; set; }

        /// <summary>True once a nested change committed (or had committed) with the intent.</summary>
        public bool IntentStored { get; set; }

        /// <summary>True when a nested call carrying the intent failed without saying that nothing was written.</summary>
        public bool IntentUncertain { get; set; }

        /// <summary>Another grain's intent this change stores with its commit.</summary>
        public CarriedIntent? Carried { get; init; }

        public bool FinishingIntent { get; set; }

        public bool CorrectionSet { get; set; }

        public WakeCorrection? Correction { get; set; }

        public bool Changed => Carried is not null || CorrectionSet || State is not null || ClockId is not null || History.Count > 0 || Notifications.Count > 0 || Invoices.Count > 0 || Born is not null;
    }

    private sealed class RestoreRequestId(string? requestId) : IDisposable
    {
        public void Dispose() => CallContext.SetRequestId(requestId);
    }
}
