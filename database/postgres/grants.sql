-- grants.sql: PostgreSQL counterpart of database/grants_oracle.sql, loaded by the build after the
-- translated schema (engine-specific: roles, schemas and GRANT ... IN SCHEMA differ from Oracle's).
-- The application role ils_app (NOLOGIN: a login role is given it with GRANT ils_app TO <login>) may:
--   call the packages: USAGE and EXECUTE on the package schemas lib_* (a package becomes a schema),
--     and the same on ora_compat, the compat layer the translated code calls;
--   read: SELECT on the tables and views of public.
-- Nothing else: no INSERT/UPDATE/DELETE, no DDL. Roles belong to the cluster, the grants to the
-- database (copied with the build's template). Idempotent: every upgrade loads it again.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ils_app') THEN
        CREATE ROLE ils_app NOLOGIN;
    END IF;
EXCEPTION
    WHEN duplicate_object THEN
        NULL;  -- created meanwhile by a concurrent build of the same cluster
    WHEN insufficient_privilege THEN
        RAISE EXCEPTION 'role ils_app is missing and % may not create it', current_user
            USING HINT = 'a superuser runs: CREATE ROLE ils_app NOLOGIN';
END
$$;

DO $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT nspname FROM pg_namespace WHERE nspname LIKE 'lib\_%' OR nspname = 'ora_compat' ORDER BY nspname LOOP
        EXECUTE format('GRANT USAGE ON SCHEMA %I TO ils_app', r.nspname);
        EXECUTE format('GRANT EXECUTE ON ALL ROUTINES IN SCHEMA %I TO ils_app', r.nspname);
    END LOOP;
END
$$;

GRANT USAGE ON SCHEMA public TO ils_app;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO ils_app;
