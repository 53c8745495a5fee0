-- 0011_reminder_in_commit: a grain's reminder row is written by the grain storage in the statement that commits the
-- change wanting it (docs/runtime.md, "Wake-ups"); the grain then registers the same reminder with Orleans' reminder
-- service, so the service ticks it without waiting for its next read of the table. That registration runs the
-- provider's upsert below, which now leaves a row alone when it already holds that schedule: same grain hash and
-- period, and a start time at most 10 seconds before the one asked for (the registration computes its start a moment
-- after the commit did). It answers the stored version, and the read-only statement commits nothing to disk. Any other
-- registration replaces the row as before.

UPDATE public.orleansquery SET querytext = $q$
WITH kept AS (
    SELECT version
      FROM public.orleans_reminders
     WHERE service_id = @ServiceId
       AND grain_id = @GrainId
       AND reminder_name = @ReminderName
       AND grain_hash = @GrainHash
       AND period_ms = @Period
       AND start_time <= @StartTime + interval '1 millisecond'
       AND start_time > @StartTime - interval '10 seconds'),
upserted AS (
    INSERT INTO public.orleans_reminders AS r
           (service_id, grain_id, reminder_name, grain_hash, start_time, period_ms, version)
    SELECT @ServiceId, @GrainId, @ReminderName, @GrainHash, @StartTime, @Period, 1
     WHERE NOT EXISTS (SELECT 1 FROM kept)
    ON CONFLICT (service_id, grain_id, reminder_name) DO UPDATE
       SET grain_hash = EXCLUDED.grain_hash,
           start_time = EXCLUDED.start_time,
           period_ms  = EXCLUDED.period_ms,
           version    = r.version % 2147483647 + 1
    RETURNING r.version)
SELECT version AS "Version" FROM kept
UNION ALL
SELECT version FROM upserted
$q$
WHERE querykey = 'UpsertReminderRowKey';
