-- 0005_notification_deliveries: outbound notifications (NOT-1) are delivered per sink (the log, each webhook), at
-- least once and in order per account, with retries and a dead-letter state. A trigger gives every new outbox row one
-- delivery row per enabled sink in the same transaction as the hand-off that inserts it, so no message can be missed
-- whatever order concurrent transactions commit in.

ALTER TABLE public.outbox ADD COLUMN account_id text GENERATED ALWAYS AS (split_part(grain_key, '/', 1)) STORED;

-- Each message gets the next number of its account's stream, taken under the stream row's lock until the hand-off
-- commits: an account's messages commit in the order of their numbers, which is the order they are delivered in.
CREATE TABLE public.notification_streams (
    account_id text   PRIMARY KEY,
    last_seq   bigint NOT NULL
);
ALTER TABLE public.outbox ADD COLUMN account_seq bigint;
UPDATE public.outbox o SET account_seq = n.seq
  FROM (SELECT id, row_number() OVER (PARTITION BY account_id ORDER BY id) AS seq FROM public.outbox) n
 WHERE n.id = o.id;
INSERT INTO public.notification_streams (account_id, last_seq) SELECT account_id, max(account_seq) FROM public.outbox GROUP BY account_id;
ALTER TABLE public.outbox ALTER COLUMN account_seq SET NOT NULL;

CREATE FUNCTION public.outbox_number_in_stream() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO public.notification_streams (account_id, last_seq) VALUES (split_part(NEW.grain_key, '/', 1), 1)
    ON CONFLICT (account_id) DO UPDATE SET last_seq = public.notification_streams.last_seq + 1
    RETURNING last_seq INTO NEW.account_seq;
    RETURN NEW;
END;
$$;

CREATE TRIGGER outbox_number_in_stream BEFORE INSERT ON public.outbox
    FOR EACH ROW EXECUTE FUNCTION public.outbox_number_in_stream();

-- The sinks the silos deliver to: registered (enabled) by the silos from their configuration. The log sink exists from
-- the start, so messages handed on before a silo registers its sinks are delivered to it; a sink is retired by
-- setting enabled = false (a silo never disables one another silo may still be configured with).
CREATE TABLE public.notification_sinks (
    sink       text        PRIMARY KEY,
    enabled    boolean     NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO public.notification_sinks (sink, enabled) VALUES ('log', true);

-- One row per (sink, message): pending until delivered, or dead after the last retry.
CREATE TABLE public.notification_deliveries (
    sink            text        NOT NULL REFERENCES public.notification_sinks (sink),
    outbox_id       bigint      NOT NULL REFERENCES public.outbox (id),
    account_id      text        NOT NULL,
    account_seq     bigint      NOT NULL,
    state           text        NOT NULL CHECK (state IN ('pending', 'delivered', 'dead')),
    attempts        int         NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    last_error      text        NULL,
    delivered_at    timestamptz NULL,
    PRIMARY KEY (sink, outbox_id)
);
CREATE INDEX notification_deliveries_pending ON public.notification_deliveries (sink, outbox_id) WHERE state = 'pending';
CREATE INDEX notification_deliveries_account ON public.notification_deliveries (sink, account_id, account_seq) WHERE state = 'pending';
CREATE INDEX notification_deliveries_dead ON public.notification_deliveries (sink, outbox_id) WHERE state = 'dead';

CREATE FUNCTION public.outbox_enqueue_deliveries() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO public.notification_deliveries (sink, outbox_id, account_id, account_seq, state, next_attempt_at)
    SELECT s.sink, NEW.id, NEW.account_id, NEW.account_seq, 'pending', NEW.created_at
      FROM public.notification_sinks s
     WHERE s.enabled;
    RETURN NEW;
END;
$$;

CREATE TRIGGER outbox_enqueue_deliveries AFTER INSERT ON public.outbox
    FOR EACH ROW EXECUTE FUNCTION public.outbox_enqueue_deliveries();

-- Messages the previous sender had not delivered yet are queued for the log sink, then the old columns go.
INSERT INTO public.notification_deliveries (sink, outbox_id, account_id, account_seq, state, next_attempt_at)
SELECT 'log', id, account_id, account_seq, 'pending', created_at FROM public.outbox WHERE delivered_at IS NULL;
DROP INDEX public.outbox_undelivered;
ALTER TABLE public.outbox DROP COLUMN delivered_at, DROP COLUMN attempts;
