-- 0013_outbox_in_the_write: a change's notifications are numbered in their account's stream and queued for every
-- enabled sink by the statement that commits the change (silo/Storage/Grains/GrainRecordStorage.cs), not by row
-- triggers on the outbox. The stream row is still upserted and locked until the change commits, once per change
-- instead of once per message, so an account's messages still commit in the order of their numbers; the delivery rows
-- are still inserted in that same transaction. Each trigger call ran PL/pgSQL and a statement of its own per message.
--
-- A delivery row no longer checks its sink or its message by foreign key. Every insert took a share lock on the one
-- sink row, so concurrent changes piled their transactions into one multixact on it; and deleting a message checked
-- every delivery row for it, by a column no index leads with. Delivery rows are only made by that statement, from the
-- sinks table and the messages it inserts; sinks are never deleted (a silo enables them, ops retire one with
-- enabled = false); a message goes only with its delivery rows (0014_outbox_retention.sql).

DROP TRIGGER outbox_number_in_stream ON public.outbox;
DROP TRIGGER outbox_enqueue_deliveries ON public.outbox;
DROP FUNCTION public.outbox_number_in_stream();
DROP FUNCTION public.outbox_enqueue_deliveries();
ALTER TABLE public.notification_deliveries DROP CONSTRAINT notification_deliveries_sink_fkey, DROP CONSTRAINT notification_deliveries_outbox_id_fkey;
