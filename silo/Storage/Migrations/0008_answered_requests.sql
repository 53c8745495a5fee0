-- 0008_answered_requests: answered request ids (IDEM-1) leave the grains' records for a table of their own, so a
-- record no longer grows with the requests its grain answered. A change's answer travels in its record's payload as
-- "newAnswer" and the grain storage write stores it here in the same statement as the state, so the state and its
-- answer commit together or not at all. Rows older than the retention are deleted by the silos, on the real clock.

CREATE TABLE public.answered_requests (
    grain_type  text        NOT NULL,
    grain_key   text        NOT NULL,
    answer_key  text        NOT NULL,
    method      text        NOT NULL,
    result      text        NOT NULL,
    answered_at timestamptz NOT NULL,
    PRIMARY KEY (grain_type, grain_key, answer_key)
);
CREATE INDEX answered_requests_age ON public.answered_requests (answered_at);

-- The answers records hold today move to the table once; each record drops them at its next write.
INSERT INTO public.answered_requests (grain_type, grain_key, answer_key, method, result, answered_at)
SELECT s.state_name,
       substr(s.grain_id_extension, 3),
       e.key,
       e.value ->> 'method',
       e.value ->> 'resultJson',
       (e.value ->> 'answeredAt')::timestamptz
  FROM public.orleans_storage AS s
 CROSS JOIN LATERAL jsonb_each(CASE WHEN jsonb_typeof(s.payload_json -> 'answered') = 'object' THEN s.payload_json -> 'answered' ELSE '{}'::jsonb END) AS e
 WHERE s.grain_id_extension LIKE 'k:%'
ON CONFLICT DO NOTHING;

-- The grain storage write: the state (updated on its version, or created), and with it the answer the payload
-- carries, if any. Data-modifying CTEs all run; the answer is stored only when the state was. The state is found by
-- the index of 0003_storage_lookup.
UPDATE public.orleansquery SET querytext = $q$
WITH replaced AS (
    UPDATE public.orleans_storage
       SET payload = @PayloadBinary,
           version = version % 2147483647 + 1,
           modified_at = now()
     WHERE @GrainStateVersion IS NOT NULL
       AND service_id = @ServiceId
       AND state_name = @GrainTypeString
       AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
       AND coalesce(grain_id_extension, '') = coalesce(@GrainIdExtensionString, '')
       AND version = @GrainStateVersion
    RETURNING version
), created AS (
    INSERT INTO public.orleans_storage (service_id, state_name, grain_id_n0, grain_id_n1, grain_id_extension, version, payload)
    SELECT @ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1, @GrainIdExtensionString, 1, @PayloadBinary
     WHERE @GrainStateVersion IS NULL
    ON CONFLICT DO NOTHING
    RETURNING version
), written AS (
    SELECT version FROM replaced
    UNION ALL
    SELECT version FROM created
), answer AS (
    SELECT public.orleans_payload_json(@PayloadBinary) -> 'newAnswer' AS a
), stored AS (
    INSERT INTO public.answered_requests (grain_type, grain_key, answer_key, method, result, answered_at)
    SELECT a ->> 'grainType', a ->> 'grainKey', a ->> 'key', a ->> 'method', a ->> 'resultJson', (a ->> 'answeredAt')::timestamptz
      FROM answer
     WHERE jsonb_typeof(a) = 'object' AND EXISTS (SELECT 1 FROM written)
    ON CONFLICT DO NOTHING
    RETURNING 1
)
SELECT version AS "NewGrainStateVersion" FROM written
$q$
WHERE querykey = 'WriteToStorageKey';
