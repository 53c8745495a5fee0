-- 0015_room_for_updates: the rows rewritten on every change of their grain (its record and its ops projection row)
-- leave room on their pages, so an update that changes no indexed column is a heap-only tuple update: written beside
-- the old version on the same page, with no new index entry.

ALTER TABLE public.grain_records SET (fillfactor = 70);
ALTER TABLE public.ops_projection SET (fillfactor = 70);
