-- compat.sql: the PostgreSQL side of the Oracle translation, loaded before the ora2pg output.
-- orafce gives the Oracle built-ins; this file adds what neither ora2pg nor orafce carries:
--   * Oracle DATE arithmetic (date + n days, date - date = days) for non-literal operands;
--   * package variables, which ora2pg turns into set_config/current_setting on custom GUCs.
-- search_path is public, ora_compat, oracle, pg_catalog: these operators shadow pg_catalog's.
CREATE EXTENSION IF NOT EXISTS orafce;
CREATE EXTENSION IF NOT EXISTS plpgsql_check;
CREATE SCHEMA IF NOT EXISTS ora_compat;

-- Oracle DATE +/- a number of days. timestamptz operands come from SYSDATE (clock_timestamp());
-- the result is a local timestamp, as an Oracle DATE is.
CREATE OR REPLACE FUNCTION ora_compat.ts_plus_days(timestamp, numeric) RETURNS timestamp
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT $1 OPERATOR(pg_catalog.+) ($2 OPERATOR(pg_catalog.*) interval '1 day') $$;
CREATE OR REPLACE FUNCTION ora_compat.tstz_plus_days(timestamptz, numeric) RETURNS timestamp
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT $1::timestamp OPERATOR(pg_catalog.+) ($2 OPERATOR(pg_catalog.*) interval '1 day') $$;
CREATE OR REPLACE FUNCTION ora_compat.ts_minus_days(timestamp, numeric) RETURNS timestamp
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT ora_compat.ts_plus_days($1, OPERATOR(pg_catalog.-) $2) $$;
CREATE OR REPLACE FUNCTION ora_compat.tstz_minus_days(timestamptz, numeric) RETURNS timestamp
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT ora_compat.tstz_plus_days($1, OPERATOR(pg_catalog.-) $2) $$;

-- date - date is a number of days (fractional), as in Oracle
CREATE OR REPLACE FUNCTION ora_compat.ts_diff_days(timestamp, timestamp) RETURNS numeric
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT extract(epoch FROM ($1 OPERATOR(pg_catalog.-) $2)) OPERATOR(pg_catalog./) 86400 $$;
CREATE OR REPLACE FUNCTION ora_compat.tstz_diff_days(timestamptz, timestamptz) RETURNS numeric
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT ora_compat.ts_diff_days($1::timestamp, $2::timestamp) $$;
CREATE OR REPLACE FUNCTION ora_compat.ts_tstz_diff_days(timestamp, timestamptz) RETURNS numeric
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT ora_compat.ts_diff_days($1, $2::timestamp) $$;
CREATE OR REPLACE FUNCTION ora_compat.tstz_ts_diff_days(timestamptz, timestamp) RETURNS numeric
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT ora_compat.ts_diff_days($1::timestamp, $2) $$;

-- One operator per numeric type: with only numeric, 'ts + 3' would be ambiguous
-- against orafce's oracle.date operators. Created only when missing: an upgrade loads this file again.
DO $$
DECLARE
    t text;
    op record;
BEGIN
    FOREACH t IN ARRAY ARRAY['smallint', 'integer', 'bigint'] LOOP
        EXECUTE format('CREATE OR REPLACE FUNCTION ora_compat.ts_plus_days(timestamp, %1$s) RETURNS timestamp LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$ SELECT ora_compat.ts_plus_days($1, $2::numeric) $f$', t);
        EXECUTE format('CREATE OR REPLACE FUNCTION ora_compat.ts_minus_days(timestamp, %1$s) RETURNS timestamp LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$ SELECT ora_compat.ts_minus_days($1, $2::numeric) $f$', t);
        EXECUTE format('CREATE OR REPLACE FUNCTION ora_compat.tstz_plus_days(timestamptz, %1$s) RETURNS timestamp LANGUAGE sql STABLE PARALLEL SAFE AS $f$ SELECT ora_compat.tstz_plus_days($1, $2::numeric) $f$', t);
        EXECUTE format('CREATE OR REPLACE FUNCTION ora_compat.tstz_minus_days(timestamptz, %1$s) RETURNS timestamp LANGUAGE sql STABLE PARALLEL SAFE AS $f$ SELECT ora_compat.tstz_minus_days($1, $2::numeric) $f$', t);
    END LOOP;
    FOR op IN
        SELECT o.name, o.l, r.r, o.fn
          FROM (VALUES ('+', 'timestamp', 'ts_plus_days'), ('-', 'timestamp', 'ts_minus_days'),
                       ('+', 'timestamptz', 'tstz_plus_days'), ('-', 'timestamptz', 'tstz_minus_days')) o(name, l, fn)
         CROSS JOIN unnest(ARRAY['numeric', 'smallint', 'integer', 'bigint']) r(r)
        UNION ALL
        VALUES ('-', 'timestamp', 'timestamp', 'ts_diff_days'), ('-', 'timestamptz', 'timestamptz', 'tstz_diff_days'),
               ('-', 'timestamp', 'timestamptz', 'ts_tstz_diff_days'), ('-', 'timestamptz', 'timestamp', 'tstz_ts_diff_days')
    LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_operator
                        WHERE oprnamespace = 'ora_compat'::regnamespace AND oprname = op.name
                          AND oprleft = op.l::regtype AND oprright = op.r::regtype) THEN
            EXECUTE format('CREATE OPERATOR ora_compat.%s (LEFTARG = %s, RIGHTARG = %s, FUNCTION = ora_compat.%I)',
                           op.name, op.l, op.r, op.fn);
        END IF;
    END LOOP;
END $$;

-- Package variables: ora2pg emits set_config('pkg.var', <typed value>, false) and
-- current_setting('pkg.var')::type. A never-set or NULL variable reads back as NULL, as in Oracle.
-- In Oracle a package's state is private to its session and only the package writes it. A PostgreSQL
-- setting is neither: any role may SET it (a client of the application role could name its own actor
-- with pg_catalog.set_config). So the state lives in a temporary table of the session owned by the schema
-- owner (these functions run with its rights, grants.sql), which the application role can neither write
-- nor create, and it is read from there, or else from the database's defaults (ALTER DATABASE SET, which
-- the build writes from ora2pg's global_variables.conf): never from a setting of the session.
CREATE OR REPLACE FUNCTION ora_compat.package_state_put(text, text) RETURNS text
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    IF to_regclass('pg_temp.ora_package_state') IS NULL THEN
        CREATE TEMPORARY TABLE ora_package_state (name text PRIMARY KEY, value text);
    END IF;
    INSERT INTO pg_temp.ora_package_state (name, value) VALUES ($1, $2)
        ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value;
    RETURN $2;
END $$;
CREATE OR REPLACE FUNCTION ora_compat.set_config(text, anyelement, boolean) RETURNS text
    LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
    AS $$ SELECT ora_compat.package_state_put($1, $2::text) $$;
-- A text value (a session key) or a NULL (clear_actor) would resolve to pg_catalog.set_config: this overload,
-- found before pg_catalog's of the same signature on the search_path, keeps it in the same table.
CREATE OR REPLACE FUNCTION ora_compat.set_config(text, text, boolean) RETURNS text
    LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
    AS $$ SELECT ora_compat.package_state_put($1, $2) $$;
CREATE OR REPLACE FUNCTION ora_compat.current_setting(text) RETURNS text
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    l_value text;
BEGIN
    IF to_regclass('pg_temp.ora_package_state') IS NOT NULL THEN
        SELECT s.value INTO l_value FROM pg_temp.ora_package_state s WHERE s.name = $1;
        IF FOUND THEN
            RETURN NULLIF(l_value, '');
        END IF;
    END IF;
    SELECT substr(c.setting, length($1) + 2) INTO l_value
      FROM pg_db_role_setting d CROSS JOIN LATERAL unnest(d.setconfig) c(setting)
     WHERE d.setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database()) AND d.setrole = 0
       AND starts_with(c.setting, $1 || '=');
    RETURN NULLIF(l_value, '');
END $$;

-- STANDARD_HASH(expr, 'SHA256') and RAWTOHEX (Oracle 12c+ SQL functions), which neither ora2pg nor orafce
-- carries: lib_session keeps only the SHA-256 of a session key. The text is hashed as UTF-8, as Oracle
-- hashes a VARCHAR2 of an AL32UTF8 database. Only SHA256: another method is an error, never another hash.
CREATE OR REPLACE FUNCTION ora_compat.standard_hash(p_expr text, p_method text) RETURNS bytea
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
    AS $$
BEGIN
    IF pg_catalog.upper(p_method) <> 'SHA256' THEN
        RAISE EXCEPTION 'standard_hash: only SHA256 is carried over, not %', p_method;
    END IF;
    RETURN pg_catalog.sha256(pg_catalog.convert_to(p_expr, 'UTF8'));
END $$;
CREATE OR REPLACE FUNCTION ora_compat.rawtohex(bytea) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT pg_catalog.upper(pg_catalog.encode($1, 'hex')) $$;

-- SYS_CONTEXT('USERENV', 'SESSION_USER' | 'CURRENT_USER'), which ora2pg leaves as it is and orafce lacks:
-- lib_session.system_caller compares them to tell the schema owner's own session (system work) from the
-- application's. Names come upper-cased, as Oracle returns them. CURRENT_USER is the role whose rights are
-- in force: the owner inside the packages' definer-rights routines (this function is not SECURITY DEFINER,
-- so it sees its caller's). SESSION_USER is the login, except that on PostgreSQL the owner (ils_owner) never
-- logs in: the cluster's superusers build the schema and run its jobs (pg_cron, scripts/ils jobs, demo,
-- admin), so a superuser session's SESSION_USER reads as the CURRENT_USER. Any other session's is its login
-- role (ils_app, ils_app_tester), which never equals the owner. It only reads; anything else raises.
CREATE OR REPLACE FUNCTION ora_compat.sys_context(p_namespace text, p_parameter text) RETURNS text
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    l_super boolean;
BEGIN
    IF pg_catalog.upper(p_namespace) IS DISTINCT FROM 'USERENV' THEN
        RAISE EXCEPTION 'sys_context: only the USERENV namespace is carried over, not %', p_namespace
            USING ERRCODE = 'feature_not_supported';
    END IF;
    IF pg_catalog.upper(p_parameter) = 'CURRENT_USER' THEN
        RETURN pg_catalog.upper(current_user);
    ELSIF pg_catalog.upper(p_parameter) = 'SESSION_USER' THEN
        SELECT r.rolsuper INTO l_super FROM pg_catalog.pg_roles r WHERE r.rolname = session_user;
        IF l_super THEN
            RETURN pg_catalog.upper(current_user);
        END IF;
        RETURN pg_catalog.upper(session_user);
    END IF;
    RAISE EXCEPTION 'sys_context: only USERENV SESSION_USER and CURRENT_USER are carried over, not %', p_parameter
        USING ERRCODE = 'feature_not_supported';
END $$;
