-- 0004_payment_simulator: the development payment gateway's own ledger. The simulator stands in for a real gateway,
-- which keeps its charges outside this service: a charge is stored under its idempotency key, so a retried request
-- (after a crash between the gateway's answer and the service's commit) gets the first answer and charges once.

CREATE TABLE public.payment_simulator_charges (
    idempotency_key text PRIMARY KEY,
    reference text NOT NULL UNIQUE,
    token text NOT NULL,
    amount numeric NOT NULL,
    currency text NOT NULL,
    description text NOT NULL,
    -- succeeded | declined | requires-action | cancelled | transient (a first call that failed; the next one succeeds)
    status text NOT NULL,
    decline_reason text,
    calls integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
