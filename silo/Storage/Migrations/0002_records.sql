-- 0002_records: what the grains hand on after each committed write (docs/runtime.md, "One atomic commit per change").
-- A grain's write puts its new history entries, notifications and issued invoices in its own state; once the write
-- is committed they are copied here, idempotently (keyed by grain and sequence), and dropped from the state at a later
-- write. Test clock schedules (CLOCK-1) are here too: due events of sandbox grains, held until their clock passes them.

-- Every change a grain recorded, with its cause (OPS-1, ACC-7). seq orders a grain's history.
CREATE TABLE public.grain_history (
    grain_type  text        NOT NULL,
    grain_key   text        NOT NULL,
    seq         bigint      NOT NULL,
    version     bigint      NOT NULL,
    at          timestamptz NOT NULL,
    cause_kind  text        NOT NULL,
    cause_name  text        NOT NULL,
    caller      text        NOT NULL,
    request_id  text        NULL,
    change      text        NOT NULL,
    from_state  text        NULL,
    to_state    text        NULL,
    payload     jsonb       NULL,
    PRIMARY KEY (grain_type, grain_key, seq)
);

-- Outbound notifications (NOT-1), delivered at least once by the silos' dispatchers.
CREATE TABLE public.outbox (
    id           bigserial   PRIMARY KEY,
    grain_type   text        NOT NULL,
    grain_key    text        NOT NULL,
    seq          bigint      NOT NULL,
    version      bigint      NOT NULL,
    kind         text        NOT NULL,
    payload      jsonb       NOT NULL,
    created_at   timestamptz NOT NULL,
    delivered_at timestamptz NULL,
    attempts     int         NOT NULL DEFAULT 0,
    UNIQUE (grain_type, grain_key, seq)
);
CREATE INDEX outbox_undelivered ON public.outbox (id) WHERE delivered_at IS NULL;

-- Invoices as their account issued them (INV-1), for the invoice grain to adopt.
CREATE TABLE public.issued_invoices (
    account_id  text        NOT NULL,
    number      text        NOT NULL,
    clock_id    text        NULL,
    invoice     jsonb       NOT NULL,
    issued_at   timestamptz NOT NULL,
    PRIMARY KEY (account_id, number)
);

-- Test clocks (CLOCK-1): each sandbox grain's next due event, delivered when its clock is advanced past it.
CREATE TABLE public.test_clock_events (
    clock_id    text        NOT NULL,
    grain_type  text        NOT NULL,
    grain_key   text        NOT NULL,
    due_at      timestamptz NOT NULL,
    PRIMARY KEY (clock_id, grain_type, grain_key)
);
CREATE INDEX test_clock_events_due ON public.test_clock_events (clock_id, due_at);
