-- 0010_ops_projection: the ops projection, what billing ops search grains by (docs/ops.md). One row per grain, written
-- by the grain storage in the same statement as the grain's record and the rest of its change, so it never runs ahead
-- of the grain; the records stay the source of truth, and `subscriptions-silo rebuild-projections` computes every row
-- again from them. A row is only ever replaced by one of a later version of its record. The migration creates it empty;
-- a silo starting on it (or `migrate`) fills it from the stored grains before serving (ops_projection_built).

CREATE TABLE public.ops_projection (
    grain_type    text        NOT NULL,
    grain_key     text        NOT NULL,
    version       bigint      NOT NULL,
    account_id    text        NOT NULL,
    entity_id     text        NOT NULL,
    state         text        NOT NULL,
    clock_id      text,
    wake_at       timestamptz,
    wake_name     text,
    last_woken_at timestamptz,
    product_id    text,
    plan_id       text,
    seats         integer,
    period_end    timestamptz,
    grace_end     timestamptz,
    currency      text,
    total         numeric,
    balance       numeric,
    issued_at     timestamptz,
    due_at        timestamptz,
    expires_at    timestamptz,
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (grain_type, grain_key)
);

-- When the projection was first built from the grains stored before it existed: a silo (or `migrate`) builds it until
-- this holds a row, so a build stopped half-way is done again at the next start.
CREATE TABLE public.ops_projection_built (
    built_at timestamptz NOT NULL,
    rows     bigint      NOT NULL
);

-- Searches page in key order (type, key) or in wake-up order; each filter ops use has an index that keeps that order
-- or narrows the rows to a window.
CREATE INDEX ops_projection_state ON public.ops_projection (grain_type, state, grain_key);
CREATE INDEX ops_projection_account ON public.ops_projection (account_id, grain_type, grain_key);
CREATE INDEX ops_projection_wake ON public.ops_projection (wake_at, grain_type, grain_key) WHERE wake_at IS NOT NULL;
CREATE INDEX ops_projection_period_end ON public.ops_projection (period_end) WHERE grain_type = 'subscription';
CREATE INDEX ops_projection_grace_end ON public.ops_projection (grace_end) WHERE grace_end IS NOT NULL;
CREATE INDEX ops_projection_due ON public.ops_projection (due_at) WHERE grain_type = 'invoice';
CREATE INDEX ops_projection_expires ON public.ops_projection (expires_at) WHERE expires_at IS NOT NULL;

-- Every call to the ops service, as an ops read of the audit trail (ACC-7): who, when, which method, which account (when
-- the request names one), the request (cut to 2,000 characters) and its gRPC status.
CREATE TABLE public.ops_reads (
    id         bigserial   PRIMARY KEY,
    at         timestamptz NOT NULL,
    caller     text        NOT NULL,
    method     text        NOT NULL,
    account_id text,
    request    text        NOT NULL,
    status     text        NOT NULL
);
CREATE INDEX ops_reads_account ON public.ops_reads (account_id, id) WHERE account_id IS NOT NULL;
CREATE INDEX ops_reads_at ON public.ops_reads (at);

-- Dead letters billing ops sent again (NOT-1): which delivery, when, by whom and why. The delivery itself goes back to
-- pending with its attempts reset.
CREATE TABLE public.notification_redeliveries (
    id        bigserial   PRIMARY KEY,
    outbox_id  bigint      NOT NULL,
    sink       text        NOT NULL,
    at         timestamptz NOT NULL,
    caller     text        NOT NULL,
    request_id text        NOT NULL,
    reason     text        NOT NULL,
    UNIQUE (caller, request_id)
);
CREATE INDEX notification_redeliveries_delivery ON public.notification_redeliveries (sink, outbox_id);
