-- 0014_outbox_retention: delivered messages are deleted once they are older than Notifications:Retention
-- (NotificationPruning, on every silo). A message stays while any of its deliveries is pending or dead. The outbox is
-- appended in creation order, so a BRIN index on its creation time finds the old pages at a cost of next to nothing
-- per insert.

CREATE INDEX outbox_created_at ON public.outbox USING brin (created_at);
