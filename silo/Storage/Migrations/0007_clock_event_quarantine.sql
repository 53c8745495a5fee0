-- 0007_clock_event_quarantine: a sandbox event whose wake-up keeps failing (a poison event) is counted, then
-- quarantined after a few failures so its test clock goes on; ops see the quarantined event, its failures and the last
-- error on the clock (InspectGrain) and on the grain.

ALTER TABLE public.test_clock_events
    ADD COLUMN failures       integer     NOT NULL DEFAULT 0,
    ADD COLUMN last_error     text,
    ADD COLUMN quarantined_at timestamptz;
