-- 0003_storage_lookup: grain state is found by index, not by scanning.
-- For string grain keys the storage provider puts the key in grain_id_extension and the same numbers in
-- grain_id_n0/n1 for every grain, and the queries of 0001 compared the extension with IS NOT DISTINCT FROM, which
-- PostgreSQL cannot answer from an index: every read and write scanned all grains of a state name (measured: a renewal
-- burst slowed down as accounts were added). The queries now compare coalesce(extension, '') with an equality that
-- the index below answers. NULL and '' are one key here; the service's keys always carry a non-empty extension.

CREATE UNIQUE INDEX orleans_storage_lookup
    ON public.orleans_storage (service_id, state_name, grain_id_n0, grain_id_n1, (coalesce(grain_id_extension, '')));

UPDATE public.orleansquery
   SET querytext = replace(querytext,
                           'grain_id_extension IS NOT DISTINCT FROM @GrainIdExtensionString',
                           'coalesce(grain_id_extension, '''') = coalesce(@GrainIdExtensionString, '''')')
 WHERE querykey IN ('ReadFromStorageKey', 'WriteToStorageKey', 'ClearStorageKey', 'DeleteStorageKey');
