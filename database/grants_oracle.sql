-- grants_oracle.sql: Oracle only. What the application role may use, granted by the schema owner:
-- EXECUTE on every package (a package's EXECUTE reaches only what its spec, plsql/*.pks, declares; the
-- packages run with the owner's rights) except those whose body COMMITs (LIB_JOBS: the owner's scheduler
-- jobs run them, never the application; the same rule as the PostgreSQL build) and those whose spec is
-- marked @internal (LIB_AUDIT, LIB_FINES_CORE, LIB_HOLDS_CORE, LIB_INSPECTIONS, LIB_NOTICES_CORE: only the triggers and the other packages call
-- them), and READ on every table and view (the API's reads: READ, unlike SELECT, cannot lock rows with
-- SELECT ... FOR UPDATE or a table with LOCK TABLE). Read from the data dictionary, so it never drifts from
-- the sources; what an older install granted beyond that (SELECT, EXECUTE on a committing package) is
-- revoked. install.sql runs it before the verify step, every upgrade runs it again; it is safe to run at any
-- time as the owner:
--     sql ils/password@//dbhost:1521/FREEPDB1 @grants_oracle.sql
-- The role is <owner>_APP_ROLE, created by a DBA with database/create_users.sql.
WHENEVER SQLERROR EXIT FAILURE ROLLBACK
WHENEVER OSERROR EXIT FAILURE

DECLARE
    l_role   VARCHAR2(128) := USER || '_APP_ROLE';
    l_count  NUMBER;
BEGIN
    SELECT COUNT(*) INTO l_count FROM user_role_privs WHERE granted_role = l_role;
    IF l_count = 0 THEN
        RAISE_APPLICATION_ERROR(-20991, 'Role ' || l_role || ' does not exist or is not granted to ' || USER
                                || ': a DBA runs database/create_users.sql (ils_owner = ' || USER || ')');
    END IF;
    FOR r_obj IN (SELECT o.object_name,
                         (SELECT COUNT(*) FROM user_source s
                           WHERE s.name = o.object_name AND s.type = 'PACKAGE BODY'
                             AND REGEXP_LIKE(s.text, '(^|;)\s*(COMMIT|ROLLBACK)(\s+WORK)?\s*;', 'i'))
                         + (SELECT COUNT(*) FROM user_source s  -- a spec marked @internal: packages and triggers only
                             WHERE s.name = o.object_name AND s.type = 'PACKAGE'
                               AND REGEXP_LIKE(s.text, '^\s*\*\s*@internal(\s|$)')) AS withheld,
                         (SELECT COUNT(*) FROM user_tab_privs_made p
                           WHERE p.table_name = o.object_name AND p.grantee = l_role
                             AND p.privilege = 'EXECUTE') AS granted
                    FROM user_objects o
                   WHERE o.object_type = 'PACKAGE' AND o.object_name LIKE 'LIB\_%' ESCAPE '\'
                   ORDER BY o.object_name) LOOP
        IF r_obj.withheld = 0 THEN
            EXECUTE IMMEDIATE 'GRANT EXECUTE ON ' || DBMS_ASSERT.ENQUOTE_NAME(r_obj.object_name, FALSE) || ' TO ' || l_role;
        ELSIF r_obj.granted > 0 THEN
            EXECUTE IMMEDIATE 'REVOKE EXECUTE ON ' || DBMS_ASSERT.ENQUOTE_NAME(r_obj.object_name, FALSE) || ' FROM ' || l_role;
        END IF;
    END LOOP;
    -- tables (not the recycle bin, nor the secondary tables of domain indexes such as Oracle Text) and views
    FOR r_obj IN (SELECT t.table_name AS object_name
                    FROM user_tables t
                   WHERE COALESCE(t.dropped, 'NO') = 'NO' AND t.secondary = 'N' AND t.nested = 'NO'
                     AND (t.iot_type IS NULL OR t.iot_type = 'IOT')
                  UNION ALL
                  SELECT v.view_name FROM user_views v
                   ORDER BY 1) LOOP
        EXECUTE IMMEDIATE 'GRANT READ ON ' || DBMS_ASSERT.ENQUOTE_NAME(r_obj.object_name, FALSE) || ' TO ' || l_role;
    END LOOP;
    -- anything else an older install granted (SELECT, which can lock rows; any write)
    FOR r_priv IN (SELECT p.table_name, p.privilege
                     FROM user_tab_privs_made p
                    WHERE p.grantee = l_role AND p.privilege NOT IN ('READ', 'EXECUTE')
                    ORDER BY p.table_name, p.privilege) LOOP
        EXECUTE IMMEDIATE 'REVOKE ' || r_priv.privilege || ' ON ' || DBMS_ASSERT.ENQUOTE_NAME(r_priv.table_name, FALSE)
                          || ' FROM ' || l_role;
    END LOOP;
END;
/
