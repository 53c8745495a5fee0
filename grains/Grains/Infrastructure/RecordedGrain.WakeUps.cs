using System.Globalization;
using Subscriptions.Domain;
using Subscriptions.Domain.Errors;
using Subscriptions.Grains.Ops;

namespace Subscriptions.Grains.Infrastructure;

/// <summary>
/// Billing ops' corrections of a grain's wake-up (<see cref="IWakeUpCorrectionGrain"/>): fire what is due, reschedule or
/// cancel. Each is a change like any other: one commit, a history entry ("wake-up", from the old time to the new, with
/// the action and reason) under the ops call's cause, answered once per request id. A correction is kept in the record
/// (<see cref="GrainRecord{TState}.WakeCorrection"/>) while the state wants the wake-up it corrected, and until the
/// grain is woken at the corrected time.
/// </summary>
public abstract partial class RecordedGrain<TState> : IWakeUpCorrectionGrain
{
    /// <summary>The longest reason a correction keeps.</summary>
    public const int MaxReasonLength = 1000;

    /// <summary>How far ahead a wake-up may be rescheduled.</summary>
    public static readonly TimeSpan MaxReschedule = TimeSpan.FromDays(366);

    /// <inheritdoc />
    public async Task<WakeUpState> FireWakeUpAsync(string reason, CancellationToken cancellationToken = default)
    {
        RequireReason(reason);
        var fired = await ChangeSync("FireWakeUp", () =>
        {
            var wanted = RequireRecord();
            if (wanted is not { } due || due > Now)
            {
                throw new RuleViolationException(
                    Rules.Ops1,
                    wanted is { } later
                        ? $"Nothing of {GrainName} is due at {Iso(Now)}: its next wake-up ({WakeName(State) ?? WakeReminder}) is due at {Iso(later)}. Firing runs only due events; reschedule the wake-up to move it."
                        : $"{GrainName} has nothing to wake up for: firing runs only due events.");
            }

            Correct(null, "fire", reason);
            return new WakeUpState(WakeName(State), due, due, 0);
        }, cancellationToken);

        // The due events run as the grain's own wake-up, each its own change under its event's cause and ids, whatever the
        // caller's deadline (a retry of this request runs whatever is still due, at the grain's time now).
        var version = _record.State.Version;
        var next = await WakeUpAsync(await CurrentTimeAsync(CancellationToken.None), CancellationToken.None);
        return fired with { DueAt = next, WantedAt = WantedWakeAt(_record.State.Value), EventsRun = (int)(_record.State.Version - version) };
    }

    /// <inheritdoc />
    public Task<WakeUpState> RescheduleWakeUpAsync(DateTimeOffset at, string reason, CancellationToken cancellationToken = default)
    {
        RequireReason(reason);
        return ChangeSync("RescheduleWakeUp", () =>
        {
            var wanted = RequireRecord();
            if (wanted is null)
            {
                throw new RuleViolationException(Rules.Ops1, $"{GrainName} has no wake-up to reschedule: its state wants none.");
            }

            if (at <= Now || at > Now + MaxReschedule)
            {
                throw new ValidationException("due_at", $"must be after the grain's time {Iso(Now)} and at most {MaxReschedule.TotalDays:0} days ahead (got {Iso(at)}); to run what is due now, fire it.");
            }

            Correct(new WakeCorrection(at, wanted), "reschedule", reason);
            return new WakeUpState(WakeName(State), at, wanted, 0);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<WakeUpState> CancelWakeUpAsync(string reason, CancellationToken cancellationToken = default)
    {
        RequireReason(reason);
        return ChangeSync("CancelWakeUp", () =>
        {
            var wanted = RequireRecord();
            if (wanted is null)
            {
                throw new RuleViolationException(Rules.Ops1, $"{GrainName} has no wake-up to cancel.");
            }

            Correct(new WakeCorrection(null, wanted), "cancel", reason);
            return new WakeUpState(WakeName(State), null, wanted, 0);
        }, cancellationToken);
    }

    /// <summary>
    /// <paramref name="correction"/> if it still holds for <paramref name="value"/> at <paramref name="now"/>: the state
    /// wants the wake-up it corrected, and its time has not come. Null otherwise.
    /// </summary>
    private WakeCorrection? LastingCorrection(WakeCorrection? correction, TState value, DateTimeOffset now) =>
        correction is { } c && c.Wanted == WantedWakeAt(value) && (c.At is null || c.At > now) ? c : null;

    /// <summary>True when a correction holds the grain's due events past <paramref name="at"/>.</summary>
    private bool Deferred(DateTimeOffset at) => LastingCorrection(_record.State.WakeCorrection, _record.State.Value, at) is not null;

    /// <summary>
    /// A rescheduled wake-up that came and found nothing due (it was moved earlier) ends its correction with a change of
    /// its own, so the grain is armed for what its state wants again.
    /// </summary>
    private async Task EndCorrectionAsync(DateTimeOffset at, CancellationToken cancellationToken)
    {
        if (_record.State.WakeCorrection is not { } correction || LastingCorrection(correction, _record.State.Value, at) is not null)
        {
            return;
        }

        await RunAsync(new TurnCause(TurnCause.ReminderKind, "rescheduled-wake-up", TurnCause.ReminderKind, null), at, () =>
        {
            var turn = RequireTurn();
            turn.CorrectionSet = true;
            turn.Correction = null;
            RecordHistory("wake-up", Iso(correction.At), Iso(WantedWakeAt(State)));
            return Task.FromResult(0);
        }, cancellationToken);
    }

    /// <summary>Records a correction of the wake-up with the running ops change, and its history entry.</summary>
    private void Correct(WakeCorrection? correction, string action, string reason)
    {
        var turn = RequireTurn();
        turn.CorrectionSet = true;
        turn.Correction = correction;
        var before = LastingCorrection(_record.State.WakeCorrection, State, Now) is { } lasting ? lasting.At : WantedWakeAt(State);
        RecordHistory("wake-up", Iso(before), action == "fire" ? "fired" : Iso(correction?.At), new WakeUpCorrectionEntry(action, reason.Trim()));
    }

    /// <summary>The wake-up the state wants; NOT_FOUND for a grain never written.</summary>
    private DateTimeOffset? RequireRecord() => RecordExists ? WantedWakeAt(State) : throw new NotFoundException("Grain", GrainName);

    private static void RequireReason(string reason)
    {
        if (string.IsNullOrWhiteSpace(reason) || reason.Length > MaxReasonLength)
        {
            throw new ValidationException("reason", $"is required: why the wake-up is corrected, at most {MaxReasonLength} characters; it is kept in the grain's history.");
        }
    }

    private static string Iso(DateTimeOffset? time) =>
        time is { } value ? value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "none";
}
