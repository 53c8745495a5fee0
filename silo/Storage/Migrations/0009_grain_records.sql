-- 0009_grain_records: grain state moves from Orleans' ADO.NET storage table to a table of this service's own storage
-- provider (silo/Storage/Grains), which commits a change's state and everything the change produced (history, outbox,
-- issued invoices, the answered request id, a sandbox grain's wake-up) in one statement, one transaction. Records no
-- longer carry pending lists: what older records still hold is moved into its tables here, once.

-- One row per grain: its type (the state name), its key as given (no numeric parsing, no prefix), the version that is
-- its ETag, and the record as the storage serializer wrote it (UTF-8 JSON; read it with convert_from(payload, 'UTF8')).
CREATE TABLE public.grain_records (
    grain_type text        NOT NULL,
    grain_key  text        NOT NULL,
    version    bigint      NOT NULL,
    payload    bytea       NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (grain_type, grain_key)
);

-- History entries, notifications and issued invoices older records had not handed on yet (idempotent: rows are keyed
-- by grain and sequence, or by account and number).
INSERT INTO public.grain_history (grain_type, grain_key, seq, version, at, cause_kind, cause_name, caller, request_id, change, from_state, to_state, payload)
SELECT s.state_name, substr(s.grain_id_extension, 3), (e ->> 'seq')::bigint, (e ->> 'version')::bigint, (e ->> 'at')::timestamptz,
       e -> 'cause' ->> 'kind', e -> 'cause' ->> 'name', e -> 'cause' ->> 'caller', e -> 'cause' ->> 'requestId',
       e ->> 'change', e ->> 'from', e ->> 'to', (e ->> 'payloadJson')::jsonb
  FROM public.orleans_storage AS s
 CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(s.payload_json -> 'pendingHistory') = 'array' THEN s.payload_json -> 'pendingHistory' ELSE '[]'::jsonb END) AS e
 WHERE s.grain_id_extension LIKE 'k:%'
ON CONFLICT DO NOTHING;

INSERT INTO public.outbox (grain_type, grain_key, seq, version, kind, payload, created_at)
SELECT s.state_name, substr(s.grain_id_extension, 3), (e ->> 'seq')::bigint, (e ->> 'version')::bigint, e ->> 'kind',
       (e ->> 'payloadJson')::jsonb, (e ->> 'createdAt')::timestamptz
  FROM public.orleans_storage AS s
 CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(s.payload_json -> 'pendingNotifications') = 'array' THEN s.payload_json -> 'pendingNotifications' ELSE '[]'::jsonb END) AS e
 WHERE s.grain_id_extension LIKE 'k:%'
 ORDER BY s.state_name, s.grain_id_extension, (e ->> 'seq')::bigint
ON CONFLICT DO NOTHING;

INSERT INTO public.issued_invoices (account_id, number, clock_id, invoice, issued_at)
SELECT e ->> 'accountId', e ->> 'number', e ->> 'clockId', (e ->> 'invoiceJson')::jsonb, (e ->> 'issuedAt')::timestamptz
  FROM public.orleans_storage AS s
 CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(s.payload_json -> 'pendingInvoices') = 'array' THEN s.payload_json -> 'pendingInvoices' ELSE '[]'::jsonb END) AS e
 WHERE s.grain_id_extension LIKE 'k:%'
ON CONFLICT DO NOTHING;

-- The records, byte for byte: the fields records no longer have are ignored when read and gone at the next write. A
-- state cleared by the old provider (payload NULL) has no record.
INSERT INTO public.grain_records (grain_type, grain_key, version, payload, updated_at)
SELECT DISTINCT ON (s.state_name, substr(s.grain_id_extension, 3))
       s.state_name, substr(s.grain_id_extension, 3), s.version, s.payload, s.modified_at
  FROM public.orleans_storage AS s
 WHERE s.grain_id_extension LIKE 'k:%' AND s.payload IS NOT NULL
 ORDER BY s.state_name, substr(s.grain_id_extension, 3), s.modified_at DESC;

-- Orleans' ADO.NET grain storage is no longer used: its table, its queries and its JSON helper go.
DROP TABLE public.orleans_storage;
DELETE FROM public.orleansquery WHERE querykey IN ('WriteToStorageKey', 'ReadFromStorageKey', 'ClearStorageKey', 'DeleteStorageKey');
DROP FUNCTION public.orleans_payload_json(bytea);
