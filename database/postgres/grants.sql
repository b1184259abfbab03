-- grants.sql: the two roles of a PostgreSQL install, the counterpart of database/create_users.sql and
-- database/grants_oracle.sql (engine-specific: roles, SECURITY DEFINER and GRANT ... ON ROUTINE differ
-- from Oracle's). The build loads it as the cluster's superuser after the translated schema, and every
-- upgrade loads it again (idempotent). Roles belong to the cluster, the rest to the database.
--
--   ils_owner  the schema owner: owns the tables, views and sequences of public, the package schemas
--              lib_* with their routines, and the trigger functions. NOLOGIN, not a superuser; nobody
--              connects as it: the spec routines run with its rights (SECURITY DEFINER).
--   ils_app    the application role the API, the staff UI and any worker connect as (the embedded run
--              gives it LOGIN and a password; elsewhere GRANT ils_app TO <login role>). It may:
--                call the routines the package specs (plsql/*.pks) declare, except those of packages
--                  that COMMIT (lib_jobs: run by the owner or a superuser, from pg_cron or
--                  `scripts/ils jobs run`) and of packages marked @internal in their spec (lib_audit,
--                  lib_fines_core, lib_holds_core, lib_inspections, lib_notices_core: only the triggers and the other packages call them), each SECURITY DEFINER with a
--                  fixed search_path;
--                read every table and view of public (SELECT), and use the schemas that holds
--                  (public; ora_compat, whose operators give Oracle's date arithmetic to its reads).
--              Nothing else: no INSERT/UPDATE/DELETE/TRUNCATE, no DDL, no body-private routine, no role
--              attribute (superuser, replication, bypassrls, createrole, createdb), no membership.
--
-- psql variables set by database/postgres/build.py:
--   app_routines  'schema.routine(arg,...)' of each routine the application role may call, space-separated
--                 (argument names as declared, OUT ones included: body-private overloads never match)
--   search_path   the search_path of the definer routines (pg_temp last: a caller's temporary table
--                 can never stand in for a table)
-- (pg_catalog's own settings functions: ora_compat's keep package state, compat.sql)
SELECT pg_catalog.set_config('ils.app_routines', :'app_routines', false),
       pg_catalog.set_config('ils.definer_path', :'search_path', false);

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ils_owner') THEN
        CREATE ROLE ils_owner NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ils_app') THEN
        CREATE ROLE ils_app NOLOGIN;
    END IF;
EXCEPTION
    WHEN duplicate_object THEN
        NULL;  -- created meanwhile by a concurrent build of the same cluster
    WHEN insufficient_privilege THEN
        RAISE EXCEPTION 'roles ils_owner and ils_app are missing and % may not create them', current_user
            USING HINT = 'a superuser runs: CREATE ROLE ils_owner NOLOGIN; CREATE ROLE ils_app NOLOGIN';
END
$$;

-- No attribute beyond LOGIN (left as the deployment set it), no membership in another role. Changed only
-- when needed: roles are shared by the cluster's databases, whose builds may run at the same time.
DO $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT rolname FROM pg_roles
              WHERE rolname IN ('ils_owner', 'ils_app')
                AND (rolsuper OR rolcreatedb OR rolcreaterole OR rolreplication OR rolbypassrls) LOOP
        EXECUTE format('ALTER ROLE %I NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS', r.rolname);
    END LOOP;
    FOR r IN SELECT m.roleid::regrole AS granted, m.member::regrole AS member
               FROM pg_auth_members m
              WHERE m.member IN ('ils_app'::regrole, 'ils_owner'::regrole) LOOP
        EXECUTE format('REVOKE %s FROM %s', r.granted, r.member);
    END LOOP;
END
$$;

-- Ownership: everything the sources create (not what extensions bring, not ora_compat).
DO $$
DECLARE
    r record;
BEGIN
    FOR r IN
        SELECT format('ALTER %s %s OWNER TO ils_owner',
                      CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                                     WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END, c.oid::regclass) AS stmt
          FROM pg_class c
         WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
           AND c.relowner <> 'ils_owner'::regrole
           AND NOT EXISTS (SELECT 1 FROM pg_depend d  -- extension members; identity and serial sequences go with their table
                            WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('e', 'a', 'i'))
        UNION ALL
        SELECT format('ALTER SCHEMA %I OWNER TO ils_owner', n.nspname)
          FROM pg_namespace n
         WHERE n.nspname LIKE 'lib\_%' AND n.nspowner <> 'ils_owner'::regrole
        UNION ALL
        SELECT format('ALTER ROUTINE %s OWNER TO ils_owner', p.oid::regprocedure)
          FROM pg_proc p
         WHERE (p.pronamespace::regnamespace::text LIKE 'lib\_%'
                OR (p.pronamespace = 'public'::regnamespace AND p.prorettype = 'trigger'::regtype))
           AND p.proowner <> 'ils_owner'::regrole
           AND NOT EXISTS (SELECT 1 FROM pg_depend d
                            WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
    LOOP
        EXECUTE r.stmt;
    END LOOP;
END
$$;

-- The owner's routines reach the compat layer (its operators are found through search_path only with USAGE).
GRANT USAGE ON SCHEMA ora_compat TO ils_owner;

-- Package state (compat.sql): a temporary table of the session owned by the schema owner, written only
-- through ora_compat.set_config, which runs with the owner's rights and which only the owner (the
-- packages, running with its rights) may call. The application role reads state through the packages.
ALTER FUNCTION ora_compat.set_config(text, anyelement, boolean) OWNER TO ils_owner;
ALTER FUNCTION ora_compat.current_setting(text) OWNER TO ils_owner;
ALTER FUNCTION ora_compat.set_config(text, text, boolean) OWNER TO ils_owner;
ALTER FUNCTION ora_compat.package_state_put(text, text) OWNER TO ils_owner;
REVOKE EXECUTE ON FUNCTION ora_compat.package_state_put(text, text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION ora_compat.current_setting(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ora_compat.current_setting(text) TO ils_owner;
REVOKE EXECUTE ON FUNCTION ora_compat.set_config(text, anyelement, boolean) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION ora_compat.set_config(text, text, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ora_compat.set_config(text, anyelement, boolean) TO ils_owner;
GRANT EXECUTE ON FUNCTION ora_compat.set_config(text, text, boolean) TO ils_owner;
-- The accent folding of the search documents' generated column (search_indexes.sql): the owner's, like
-- every routine of the sources; the app folds its query text with unaccent() itself.
ALTER FUNCTION public.ils_search_fold(text) OWNER TO ils_owner;
REVOKE EXECUTE ON FUNCTION public.ils_search_fold(text) FROM PUBLIC;
-- (the owner's TEMPORARY privilege is per database, not copied from a template: build.py's _configure)

-- EXECUTE: taken from PUBLIC (PostgreSQL's default) on every translated routine, body-private ones
-- included; then given back to the application role on the spec routines only, each run with the
-- owner's rights and a fixed search_path.
DO $$
DECLARE
    l_wanted text[] := string_to_array(pg_catalog.current_setting('ils.app_routines'), ' ');
    l_found  text[] := '{}';
    r        record;
BEGIN
    FOR r IN SELECT p.oid::regprocedure AS routine
               FROM pg_proc p
              WHERE (p.pronamespace::regnamespace::text LIKE 'lib\_%'
                     OR (p.pronamespace = 'public'::regnamespace AND p.prorettype = 'trigger'::regtype))
                AND NOT EXISTS (SELECT 1 FROM pg_depend d
                                 WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e') LOOP
        EXECUTE format('REVOKE ALL ON ROUTINE %s FROM PUBLIC, ils_app', r.routine);
    END LOOP;
    FOR r IN SELECT p.oid::regprocedure AS routine,
                    n.nspname || '.' || p.proname || '(' || COALESCE(array_to_string(p.proargnames, ','), '') || ')' AS sig
               FROM pg_proc p
               JOIN pg_namespace n ON n.oid = p.pronamespace
              WHERE n.nspname LIKE 'lib\_%' LOOP
        IF r.sig = ANY (l_wanted) THEN
            EXECUTE format('ALTER ROUTINE %s SECURITY DEFINER SET search_path = %s', r.routine,
                           pg_catalog.current_setting('ils.definer_path'));
            EXECUTE format('GRANT EXECUTE ON ROUTINE %s TO ils_app', r.routine);
            l_found := l_found || r.sig;
        END IF;
    END LOOP;
    IF cardinality(l_wanted) = 0 OR NOT l_wanted <@ l_found THEN
        RAISE EXCEPTION 'spec routines without a translated routine of the same name and arguments: %',
            (SELECT string_agg(w, ', ') FROM unnest(l_wanted) w WHERE w <> ALL (l_found));
    END IF;
END
$$;

-- Schemas: USAGE where the application role calls or reads, CREATE nowhere.
DO $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT n.nspname, EXISTS (SELECT 1 FROM pg_proc p WHERE p.pronamespace = n.oid
                                           AND has_function_privilege('ils_app', p.oid, 'EXECUTE')) AS used
               FROM pg_namespace n
              WHERE n.nspname LIKE 'lib\_%' ORDER BY n.nspname LOOP
        EXECUTE format('REVOKE ALL ON SCHEMA %I FROM PUBLIC, ils_app', r.nspname);
        IF r.used THEN
            EXECUTE format('GRANT USAGE ON SCHEMA %I TO ils_app', r.nspname);
        END IF;
    END LOOP;
END
$$;
REVOKE CREATE ON SCHEMA public, ora_compat FROM PUBLIC, ils_app;
GRANT USAGE ON SCHEMA public, ora_compat TO ils_app;

-- Tables and views: SELECT, no write of any kind.
REVOKE INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA public FROM PUBLIC, ils_app;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM PUBLIC, ils_app;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO ils_app;
