-- 0012_pending_intents: a billing change's intent, stored by the commit of its first nested change in another grain
-- (docs/runtime.md, "A change that billed elsewhere is finished by the service"). One row per grain with a change under
-- way: written in the statement that commits the first change the grain's change made elsewhere (an invoice issued, a
-- credit granted), deleted in the statement that commits the grain's own change. A grain reads its row with its record
-- and finishes the change before anything else; rows older than Grains:IntentRecoveryDelay are swept by every silo,
-- which wakes their grains to finish them. The primary key refuses a second intent for a grain whose first is still
-- stored: the nested change carrying it is then not committed either.

CREATE TABLE public.pending_intents (
    grain_type   text        NOT NULL,
    grain_key    text        NOT NULL,
    base_version bigint      NOT NULL,
    intent       bytea       NOT NULL,
    recorded_at  timestamptz NOT NULL,
    PRIMARY KEY (grain_type, grain_key)
);

CREATE INDEX pending_intents_recorded_at ON public.pending_intents (recorded_at);
