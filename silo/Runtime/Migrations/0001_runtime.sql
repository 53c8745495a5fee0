-- The grain runtime: state with versions, history, outbox, reminders, answered request ids, test clocks.

CREATE TABLE IF NOT EXISTS grain_state (
    grain_type  text        NOT NULL,
    grain_key   text        NOT NULL,
    version     bigint      NOT NULL CHECK (version > 0),
    state       jsonb       NOT NULL,
    clock_id    text        NULL,
    updated_at  timestamptz NOT NULL,
    PRIMARY KEY (grain_type, grain_key)
);

-- One row per change a turn recorded; (version, idx) orders a grain's history.
CREATE TABLE IF NOT EXISTS grain_history (
    grain_type  text        NOT NULL,
    grain_key   text        NOT NULL,
    version     bigint      NOT NULL,
    idx         int         NOT NULL,
    at          timestamptz NOT NULL,
    cause_kind  text        NOT NULL,
    cause_name  text        NOT NULL,
    caller      text        NOT NULL,
    request_id  text        NULL,
    change      text        NOT NULL,
    from_state  text        NULL,
    to_state    text        NULL,
    payload     jsonb       NULL,
    PRIMARY KEY (grain_type, grain_key, version, idx)
);

-- Outbound notifications (NOT-1), written in the turn's transaction, delivered at least once by a sender.
CREATE TABLE IF NOT EXISTS outbox (
    id           bigserial   PRIMARY KEY,
    grain_type   text        NOT NULL,
    grain_key    text        NOT NULL,
    version      bigint      NOT NULL,
    kind         text        NOT NULL,
    payload      jsonb       NOT NULL,
    created_at   timestamptz NOT NULL,
    delivered_at timestamptz NULL,
    attempts     int         NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS outbox_undelivered ON outbox (id) WHERE delivered_at IS NULL;

-- Durable reminders. A reminder on a test clock (clock_id) fires only when that clock is advanced.
CREATE TABLE IF NOT EXISTS reminders (
    grain_type   text        NOT NULL,
    grain_key    text        NOT NULL,
    name         text        NOT NULL,
    due_at       timestamptz NOT NULL,
    period_ticks bigint      NULL CHECK (period_ticks IS NULL OR period_ticks > 0),
    clock_id     text        NULL,
    lease_owner  text        NULL,
    lease_until  timestamptz NULL,
    PRIMARY KEY (grain_type, grain_key, name)
);
CREATE INDEX IF NOT EXISTS reminders_due ON reminders (due_at) WHERE clock_id IS NULL;
CREATE INDEX IF NOT EXISTS reminders_clock_due ON reminders (clock_id, due_at) WHERE clock_id IS NOT NULL;

-- Request ids already answered per grain and caller, with the first result (IDEM-1).
CREATE TABLE IF NOT EXISTS grain_requests (
    grain_type  text        NOT NULL,
    grain_key   text        NOT NULL,
    caller      text        NOT NULL,
    request_id  text        NOT NULL,
    method      text        NOT NULL,
    result      jsonb       NOT NULL,
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (grain_type, grain_key, caller, request_id)
);
CREATE INDEX IF NOT EXISTS grain_requests_created ON grain_requests (created_at);

-- Named test clocks (CLOCK-1): their current time, moved only by advancing them.
CREATE TABLE IF NOT EXISTS test_clocks (
    clock_id    text        PRIMARY KEY,
    now         timestamptz NOT NULL,
    created_at  timestamptz NOT NULL
);
