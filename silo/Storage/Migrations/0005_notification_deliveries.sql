-- 0005_notification_deliveries: outbound notifications (NOT-1) are delivered per sink (the log, each webhook), at
-- least once and in order per account, with retries and a dead-letter state. A trigger gives every new outbox row one
-- delivery row per enabled sink in the same transaction as the hand-off that inserts it, so no message can be missed
-- whatever order concurrent transactions commit in.

ALTER TABLE public.outbox ADD COLUMN account_id text GENERATED ALWAYS AS (split_part(grain_key, '/', 1)) STORED;
DROP INDEX public.outbox_undelivered;
ALTER TABLE public.outbox DROP COLUMN delivered_at, DROP COLUMN attempts;

-- The sinks the silos deliver to; registered (enabled) at silo start-up from configuration.
CREATE TABLE public.notification_sinks (
    sink       text        PRIMARY KEY,
    enabled    boolean     NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- One row per (sink, message): pending until delivered, or dead after the last retry.
CREATE TABLE public.notification_deliveries (
    sink            text        NOT NULL REFERENCES public.notification_sinks (sink),
    outbox_id       bigint      NOT NULL REFERENCES public.outbox (id),
    account_id      text        NOT NULL,
    state           text        NOT NULL CHECK (state IN ('pending', 'delivered', 'dead')),
    attempts        int         NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    last_error      text        NULL,
    delivered_at    timestamptz NULL,
    PRIMARY KEY (sink, outbox_id)
);
CREATE INDEX notification_deliveries_pending ON public.notification_deliveries (sink, outbox_id) WHERE state = 'pending';
CREATE INDEX notification_deliveries_account ON public.notification_deliveries (sink, account_id, outbox_id) WHERE state = 'pending';
CREATE INDEX notification_deliveries_dead ON public.notification_deliveries (sink, outbox_id) WHERE state = 'dead';

CREATE FUNCTION public.outbox_enqueue_deliveries() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO public.notification_deliveries (sink, outbox_id, account_id, state, next_attempt_at)
    SELECT s.sink, NEW.id, NEW.account_id, 'pending', NEW.created_at
      FROM public.notification_sinks s
     WHERE s.enabled;
    RETURN NEW;
END;
$$;

CREATE TRIGGER outbox_enqueue_deliveries AFTER INSERT ON public.outbox
    FOR EACH ROW EXECUTE FUNCTION public.outbox_enqueue_deliveries();
