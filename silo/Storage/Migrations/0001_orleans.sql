-- 0001_orleans: the tables and queries Microsoft Orleans' ADO.NET providers (clustering, grain storage, reminders)
-- run on, for PostgreSQL 15 or later.
--
-- How the providers use this schema:
--   * At start-up each provider runs `SELECT QueryKey, QueryText FROM OrleansQuery` (an unqualified name, so the
--     table must be found through the default search_path: it lives in `public`) and keeps the texts by key.
--     The clustering and reminder providers refuse to start when one of their keys is missing.
--   * Each operation runs one stored text with named parameters (@DeploymentId, @GrainId, ...) and reads the result
--     columns by name, so every result column carries the provider's name as a quoted alias.
--   * ETags are integers we own: a write names the version it expects and gets the next one back; a write whose
--     expected version is stale changes nothing and returns nothing, which the provider reports as a conflict.
--
-- Every name below is qualified with `public.` so no query depends on the caller's search_path. Applied once,
-- inside the migration runner's transaction, and recorded in public.schema_version.

-- ---------------------------------------------------------------------------------------------------------------
-- The query catalogue
-- ---------------------------------------------------------------------------------------------------------------

CREATE TABLE public.orleansquery (
    querykey  text PRIMARY KEY,
    querytext text NOT NULL
);

COMMENT ON TABLE public.orleansquery IS
    'SQL texts the Orleans ADO.NET providers load by key at start-up (migration 0001_orleans).';

-- ---------------------------------------------------------------------------------------------------------------
-- Cluster membership
-- ---------------------------------------------------------------------------------------------------------------

-- One row per cluster (Orleans calls the cluster id "DeploymentId"). `version` is the membership table's ETag:
-- every change of a silo's entry must name the version it read and moves it on by one, so of two silos racing to
-- change membership only one wins. Heartbeats (i_am_alive_time) do not move it.
CREATE TABLE public.orleans_membership_version (
    deployment_id text        PRIMARY KEY,
    version       integer     NOT NULL DEFAULT 0,
    changed_at    timestamptz NOT NULL DEFAULT now()
);

-- One row per silo incarnation: its endpoint (address, port) plus the generation that tells restarts apart.
-- status is Orleans' SiloStatus: 1 Created, 2 Joining, 3 Active, 4 ShuttingDown, 5 Stopping, 6 Dead.
-- suspect_times holds the votes against the silo as Orleans formats them: "silo,time|silo,time".
CREATE TABLE public.orleans_membership (
    deployment_id   text        NOT NULL REFERENCES public.orleans_membership_version (deployment_id) ON DELETE CASCADE,
    address         text        NOT NULL,
    port            integer     NOT NULL,
    generation      integer     NOT NULL,
    silo_name       text        NOT NULL,
    host_name       text        NOT NULL,
    status          integer     NOT NULL,
    proxy_port      integer     NOT NULL,
    suspect_times   text        NULL,
    start_time      timestamptz NOT NULL,
    i_am_alive_time timestamptz NOT NULL,
    PRIMARY KEY (deployment_id, address, port, generation)
);

-- Adds a silo's row and moves the cluster's version on, both or neither. Returns false, having changed nothing,
-- when the row already exists or when the version is no longer the one the caller read.
CREATE FUNCTION public.orleans_membership_insert(
    p_deployment_id    text,
    p_address          text,
    p_port             integer,
    p_generation       integer,
    p_silo_name        text,
    p_host_name        text,
    p_status           integer,
    p_proxy_port       integer,
    p_start_time       timestamptz,
    p_i_am_alive_time  timestamptz,
    p_expected_version integer)
RETURNS boolean
LANGUAGE plpgsql
AS $fn$
BEGIN
    INSERT INTO public.orleans_membership AS m
        (deployment_id, address, port, generation, silo_name, host_name, status, proxy_port, start_time, i_am_alive_time)
    VALUES
        (p_deployment_id, p_address, p_port, p_generation, p_silo_name, p_host_name, p_status, p_proxy_port, p_start_time, p_i_am_alive_time)
    ON CONFLICT (deployment_id, address, port, generation) DO NOTHING;
    IF NOT FOUND THEN
        RETURN false;
    END IF;

    UPDATE public.orleans_membership_version AS v
       SET version = v.version + 1, changed_at = now()
     WHERE v.deployment_id = p_deployment_id AND v.version = p_expected_version;
    IF NOT FOUND THEN
        -- Lost the race: leave the block through the handler below, which undoes the insert.
        RAISE EXCEPTION 'membership version % of cluster % is stale', p_expected_version, p_deployment_id
            USING ERRCODE = 'OM409';
    END IF;
    RETURN true;
EXCEPTION
    WHEN SQLSTATE 'OM409' THEN
        RETURN false;
END
$fn$;

-- Changes a silo's status, suspicion votes and heartbeat and moves the cluster's version on, both or neither.
-- Returns false, having changed nothing, when the version is stale or the silo has no row.
CREATE FUNCTION public.orleans_membership_update(
    p_deployment_id    text,
    p_address          text,
    p_port             integer,
    p_generation       integer,
    p_status           integer,
    p_suspect_times    text,
    p_i_am_alive_time  timestamptz,
    p_expected_version integer)
RETURNS boolean
LANGUAGE plpgsql
AS $fn$
BEGIN
    UPDATE public.orleans_membership_version AS v
       SET version = v.version + 1, changed_at = now()
     WHERE v.deployment_id = p_deployment_id AND v.version = p_expected_version;
    IF NOT FOUND THEN
        RETURN false;
    END IF;

    UPDATE public.orleans_membership AS m
       SET status = p_status, suspect_times = p_suspect_times, i_am_alive_time = p_i_am_alive_time
     WHERE m.deployment_id = p_deployment_id AND m.address = p_address AND m.port = p_port AND m.generation = p_generation;
    IF NOT FOUND THEN
        -- No such silo: undo the version change through the handler below.
        RAISE EXCEPTION 'silo %:%@% of cluster % has no membership row', p_address, p_port, p_generation, p_deployment_id
            USING ERRCODE = 'OM404';
    END IF;
    RETURN true;
EXCEPTION
    WHEN SQLSTATE 'OM404' THEN
        RETURN false;
END
$fn$;

INSERT INTO public.orleansquery (querykey, querytext) VALUES

-- Creates the cluster's version row unless it exists. One boolean column: whether it was created.
('InsertMembershipVersionKey', $q$
WITH created AS (
    INSERT INTO public.orleans_membership_version (deployment_id)
    VALUES (@DeploymentId)
    ON CONFLICT (deployment_id) DO NOTHING
    RETURNING deployment_id
)
SELECT EXISTS (SELECT 1 FROM created) AS "Created"
$q$),

-- A silo joins: its row plus a version move, atomically (see public.orleans_membership_insert).
('InsertMembershipKey', $q$
SELECT public.orleans_membership_insert(
    p_deployment_id    => @DeploymentId,
    p_address          => @Address,
    p_port             => @Port,
    p_generation       => @Generation,
    p_silo_name        => @SiloName,
    p_host_name        => @HostName,
    p_status           => @Status,
    p_proxy_port       => @ProxyPort,
    p_start_time       => @StartTime,
    p_i_am_alive_time  => @IAmAliveTime,
    p_expected_version => @Version) AS "Inserted"
$q$),

-- A silo's status or suspicion votes change: row plus version move, atomically (see public.orleans_membership_update).
('UpdateMembershipKey', $q$
SELECT public.orleans_membership_update(
    p_deployment_id    => @DeploymentId,
    p_address          => @Address,
    p_port             => @Port,
    p_generation       => @Generation,
    p_status           => @Status,
    p_suspect_times    => @SuspectTimes,
    p_i_am_alive_time  => @IAmAliveTime,
    p_expected_version => @Version) AS "Updated"
$q$),

-- A silo's heartbeat. Deliberately leaves the version alone: liveness is not a membership change.
('UpdateIAmAlivetimeKey', $q$
UPDATE public.orleans_membership
   SET i_am_alive_time = @IAmAliveTime
 WHERE deployment_id = @DeploymentId
   AND address = @Address AND port = @Port AND generation = @Generation
$q$),

-- One silo's entry with the cluster's version. The version row is always returned (with empty silo columns when
-- the silo has no row), because the provider takes the table version from the first row.
('MembershipReadRowKey', $q$
SELECT v.version         AS "Version",
       m.address         AS "Address",
       m.port            AS "Port",
       m.generation      AS "Generation",
       m.silo_name       AS "SiloName",
       m.host_name       AS "HostName",
       m.status          AS "Status",
       m.proxy_port      AS "ProxyPort",
       m.suspect_times   AS "SuspectTimes",
       m.start_time      AS "StartTime",
       m.i_am_alive_time AS "IAmAliveTime"
  FROM public.orleans_membership_version AS v
  LEFT JOIN public.orleans_membership AS m
         ON m.deployment_id = v.deployment_id
        AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
 WHERE v.deployment_id = @DeploymentId
$q$),

-- Every silo entry of the cluster with the cluster's version (one row with empty silo columns when there are none).
('MembershipReadAllKey', $q$
SELECT v.version         AS "Version",
       m.address         AS "Address",
       m.port            AS "Port",
       m.generation      AS "Generation",
       m.silo_name       AS "SiloName",
       m.host_name       AS "HostName",
       m.status          AS "Status",
       m.proxy_port      AS "ProxyPort",
       m.suspect_times   AS "SuspectTimes",
       m.start_time      AS "StartTime",
       m.i_am_alive_time AS "IAmAliveTime"
  FROM public.orleans_membership_version AS v
  LEFT JOIN public.orleans_membership AS m ON m.deployment_id = v.deployment_id
 WHERE v.deployment_id = @DeploymentId
 ORDER BY m.address, m.port, m.generation
$q$),

-- Forgets a cluster entirely: its version row, and its silo rows through the cascading foreign key.
('DeleteMembershipTableEntriesKey', $q$
DELETE FROM public.orleans_membership_version
 WHERE deployment_id = @DeploymentId
$q$),

-- Gateways for clients: silos in the requested status (the provider asks for Active) that accept clients.
('GatewaysQueryKey', $q$
SELECT address    AS "Address",
       proxy_port AS "ProxyPort",
       generation AS "Generation"
  FROM public.orleans_membership
 WHERE deployment_id = @DeploymentId
   AND status = @Status
   AND proxy_port > 0
$q$),

-- Removes dead silos (status 6) whose last heartbeat is older than the cut-off, in bulk. Used only when the
-- provider finds no CleanupDefunctSiloEntryKey.
('CleanupDefunctSiloEntriesKey', $q$
DELETE FROM public.orleans_membership
 WHERE deployment_id = @DeploymentId
   AND status = 6
   AND i_am_alive_time < @IAmAliveTime
$q$),

-- Removes one dead silo's row, chosen by the provider from a read of the table, and only if the row is still as it
-- was read (same status, start, heartbeat and votes): a row that changed since is left for a later pass.
('CleanupDefunctSiloEntryKey', $q$
DELETE FROM public.orleans_membership
 WHERE deployment_id = @DeploymentId
   AND address = @Address AND port = @Port AND generation = @Generation
   AND status = 6
   AND start_time = @StartTime
   AND i_am_alive_time = @IAmAliveTime
   AND suspect_times IS NOT DISTINCT FROM @SuspectTimes
$q$);

-- ---------------------------------------------------------------------------------------------------------------
-- Grain state
-- ---------------------------------------------------------------------------------------------------------------

-- The JSON view of a payload: the bytes as UTF-8 JSON, or NULL when they are not (a binary serializer, invalid
-- text). Immutable: it depends on nothing but its argument, so a stored generated column may use it.
CREATE FUNCTION public.orleans_payload_json(payload bytea)
RETURNS jsonb
LANGUAGE plpgsql
IMMUTABLE STRICT PARALLEL SAFE
AS $fn$
BEGIN
    RETURN pg_catalog.convert_from(payload, 'UTF8')::jsonb;
EXCEPTION
    WHEN data_exception THEN
        RETURN NULL;
END
$fn$;

-- One row per grain state. The provider identifies a state by service, state name and grain key only (the grain
-- type is not part of it): the key arrives as two 64-bit halves (a Guid, or 0 and an integer) plus a string
-- (a string key, or the key extension; NULL when there is none). Two grain types sharing a key must therefore use
-- different state names.
--   version       the ETag: 1 when first written, +1 on every write or clear (wrapping to 1 after 2^31-1).
--   payload       the serialized state exactly as the provider wrote it (System.Text.Json: UTF-8 JSON);
--                 NULL after a clear, while the row and its version remain.
--   payload_json  the same state as jsonb, derived from payload, for SQL and operators; never read by Orleans.
CREATE TABLE public.orleans_storage (
    service_id         text        NOT NULL,
    state_name         text        NOT NULL,
    grain_id_n0        bigint      NOT NULL,
    grain_id_n1        bigint      NOT NULL,
    grain_id_extension text        NULL,
    version            integer     NOT NULL,
    payload            bytea       NULL,
    payload_json       jsonb       GENERATED ALWAYS AS (public.orleans_payload_json(payload)) STORED,
    modified_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT orleans_storage_state UNIQUE NULLS NOT DISTINCT (service_id, state_name, grain_id_n0, grain_id_n1, grain_id_extension)
);

INSERT INTO public.orleansquery (querykey, querytext) VALUES

-- Reads a state: its payload (NULL when cleared) and version. No row when it was never written.
('ReadFromStorageKey', $q$
SELECT payload AS "PayloadBinary",
       version AS "Version"
  FROM public.orleans_storage
 WHERE service_id = @ServiceId
   AND state_name = @GrainTypeString
   AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
   AND grain_id_extension IS NOT DISTINCT FROM @GrainIdExtensionString
$q$),

-- Writes a state and returns its new version.
--   With an expected version: replaces the payload only if the stored version is that one.
--   Without one (the grain read nothing): creates the row only if there is none, cleared or not.
-- Otherwise nothing changes and no row comes back, which the provider raises as InconsistentStateException.
('WriteToStorageKey', $q$
WITH replaced AS (
    UPDATE public.orleans_storage
       SET payload = @PayloadBinary,
           version = version % 2147483647 + 1,
           modified_at = now()
     WHERE @GrainStateVersion IS NOT NULL
       AND service_id = @ServiceId
       AND state_name = @GrainTypeString
       AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
       AND grain_id_extension IS NOT DISTINCT FROM @GrainIdExtensionString
       AND version = @GrainStateVersion
    RETURNING version
), created AS (
    INSERT INTO public.orleans_storage (service_id, state_name, grain_id_n0, grain_id_n1, grain_id_extension, version, payload)
    SELECT @ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1, @GrainIdExtensionString, 1, @PayloadBinary
     WHERE @GrainStateVersion IS NULL
    ON CONFLICT DO NOTHING
    RETURNING version
)
SELECT version AS "NewGrainStateVersion" FROM replaced
UNION ALL
SELECT version FROM created
$q$),

-- Clears a state but keeps its row: payload to NULL, version moved on and returned. Stale or missing version:
-- nothing changes, no row comes back (a conflict).
('ClearStorageKey', $q$
UPDATE public.orleans_storage
   SET payload = NULL,
       version = version % 2147483647 + 1,
       modified_at = now()
 WHERE service_id = @ServiceId
   AND state_name = @GrainTypeString
   AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
   AND grain_id_extension IS NOT DISTINCT FROM @GrainIdExtensionString
   AND version = @GrainStateVersion
RETURNING version AS "NewGrainStateVersion"
$q$),

-- Deletes a state's row (used instead of ClearStorageKey when DeleteStateOnClear is set). Returns the deleted
-- version plus one, a value the grain does not hold, as the provider's proof of success; a stale version deletes
-- nothing and returns no row (a conflict).
('DeleteStorageKey', $q$
DELETE FROM public.orleans_storage
 WHERE service_id = @ServiceId
   AND state_name = @GrainTypeString
   AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
   AND grain_id_extension IS NOT DISTINCT FROM @GrainIdExtensionString
   AND version = @GrainStateVersion
RETURNING version % 2147483647 + 1 AS "DeletedVersion"
$q$);

-- ---------------------------------------------------------------------------------------------------------------
-- Reminders
-- ---------------------------------------------------------------------------------------------------------------

-- One row per reminder of a grain. grain_id is Orleans' text form of the grain id ("type/key"); grain_hash is its
-- uniform hash as a signed 32-bit integer, which places the reminder on the ring the silos divide between them.
-- period_ms is the period in milliseconds; version is the reminder's ETag (moves on at every upsert).
CREATE TABLE public.orleans_reminders (
    service_id    text        NOT NULL,
    grain_id      text        NOT NULL,
    reminder_name text        NOT NULL,
    grain_hash    integer     NOT NULL,
    start_time    timestamptz NOT NULL,
    period_ms     bigint      NOT NULL,
    version       integer     NOT NULL,
    PRIMARY KEY (service_id, grain_id, reminder_name)
);

CREATE INDEX orleans_reminders_ring ON public.orleans_reminders (service_id, grain_hash);

INSERT INTO public.orleansquery (querykey, querytext) VALUES

-- Registers a reminder or replaces its schedule; returns its new version.
('UpsertReminderRowKey', $q$
INSERT INTO public.orleans_reminders AS r
       (service_id, grain_id, reminder_name, grain_hash, start_time, period_ms, version)
VALUES (@ServiceId, @GrainId, @ReminderName, @GrainHash, @StartTime, @Period, 1)
ON CONFLICT (service_id, grain_id, reminder_name) DO UPDATE
   SET grain_hash = EXCLUDED.grain_hash,
       start_time = EXCLUDED.start_time,
       period_ms  = EXCLUDED.period_ms,
       version    = r.version % 2147483647 + 1
RETURNING r.version AS "Version"
$q$),

-- Every reminder of one grain.
('ReadReminderRowsKey', $q$
SELECT grain_id      AS "GrainId",
       reminder_name AS "ReminderName",
       start_time    AS "StartTime",
       period_ms     AS "Period",
       version       AS "Version"
  FROM public.orleans_reminders
 WHERE service_id = @ServiceId
   AND grain_id = @GrainId
$q$),

-- One reminder of one grain, or no row.
('ReadReminderRowKey', $q$
SELECT grain_id      AS "GrainId",
       reminder_name AS "ReminderName",
       start_time    AS "StartTime",
       period_ms     AS "Period",
       version       AS "Version"
  FROM public.orleans_reminders
 WHERE service_id = @ServiceId
   AND grain_id = @GrainId
   AND reminder_name = @ReminderName
$q$),

-- Reminders whose grain hash lies in the ring range (@BeginHash, @EndHash] when, compared as signed integers,
-- @BeginHash < @EndHash: the range does not wrap.
('ReadRangeRows1Key', $q$
SELECT grain_id      AS "GrainId",
       reminder_name AS "ReminderName",
       start_time    AS "StartTime",
       period_ms     AS "Period",
       version       AS "Version"
  FROM public.orleans_reminders
 WHERE service_id = @ServiceId
   AND grain_hash > @BeginHash
   AND grain_hash <= @EndHash
$q$),

-- Reminders in the ring range (@BeginHash, @EndHash] when @BeginHash >= @EndHash as signed integers: the range wraps
-- past the end of the integers (equal bounds mean the whole ring).
('ReadRangeRows2Key', $q$
SELECT grain_id      AS "GrainId",
       reminder_name AS "ReminderName",
       start_time    AS "StartTime",
       period_ms     AS "Period",
       version       AS "Version"
  FROM public.orleans_reminders
 WHERE service_id = @ServiceId
   AND (grain_hash > @BeginHash OR grain_hash <= @EndHash)
$q$),

-- Removes a reminder if its version is still the given one. One boolean column: whether it was removed.
('DeleteReminderRowKey', $q$
WITH removed AS (
    DELETE FROM public.orleans_reminders
     WHERE service_id = @ServiceId
       AND grain_id = @GrainId
       AND reminder_name = @ReminderName
       AND version = @Version
    RETURNING 1
)
SELECT EXISTS (SELECT 1 FROM removed) AS "Deleted"
$q$),

-- Removes every reminder of the service (Orleans uses it in tests only).
('DeleteReminderRowsKey', $q$
DELETE FROM public.orleans_reminders
 WHERE service_id = @ServiceId
$q$);
