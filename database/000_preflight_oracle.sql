-- 000_preflight_oracle.sql: Oracle only, the first file install.sql runs. Before anything is created,
-- check that the connected user can install the ILS into its own schema, and name everything missing
-- in one error (ORA-20990), so a DBA fixes it in one go instead of one ORA-01031 / ORA-01950 at a time.
-- database/create_users.sql grants exactly what is checked here.
DECLARE
    l_missing    VARCHAR2(2000);
    l_count      NUMBER;
    l_tablespace VARCHAR2(128);
    l_role       VARCHAR2(128) := USER || '_APP_ROLE';
BEGIN
    IF SYS_CONTEXT('USERENV', 'CURRENT_SCHEMA') <> USER THEN
        l_missing := l_missing || CHR(10) || '  - connect as the schema owner: CURRENT_SCHEMA is '
                     || SYS_CONTEXT('USERENV', 'CURRENT_SCHEMA') || ', the session user ' || USER;
    END IF;
    -- system privileges, held directly or through a role
    FOR r_priv IN (SELECT n.privilege
                     FROM (SELECT 'CREATE SESSION' AS privilege FROM dual
                           UNION ALL SELECT 'CREATE TABLE' FROM dual
                           UNION ALL SELECT 'CREATE SEQUENCE' FROM dual
                           UNION ALL SELECT 'CREATE VIEW' FROM dual
                           UNION ALL SELECT 'CREATE TRIGGER' FROM dual
                           UNION ALL SELECT 'CREATE PROCEDURE' FROM dual
                           UNION ALL SELECT 'CREATE JOB' FROM dual) n
                    WHERE n.privilege NOT IN (SELECT s.privilege FROM session_privs s)
                    ORDER BY n.privilege) LOOP
        l_missing := l_missing || CHR(10) || '  - privilege ' || r_priv.privilege;
    END LOOP;
    -- room for the rows: a quota on the default tablespace, or UNLIMITED TABLESPACE
    SELECT default_tablespace INTO l_tablespace FROM user_users;
    SELECT COUNT(*) INTO l_count
      FROM user_ts_quotas q
     WHERE q.tablespace_name = l_tablespace AND q.max_bytes <> 0;
    IF l_count = 0 THEN
        SELECT COUNT(*) INTO l_count FROM session_privs WHERE privilege = 'UNLIMITED TABLESPACE';
    END IF;
    IF l_count = 0 THEN
        l_missing := l_missing || CHR(10) || '  - a quota on tablespace ' || l_tablespace
                     || ' (ALTER USER ' || USER || ' QUOTA UNLIMITED ON ' || l_tablespace || ')';
    END IF;
    -- Oracle Text, for the catalog's search index (016_search_index_oracle.sql): CTX_DDL, directly or by CTXAPP
    SELECT COUNT(*) INTO l_count FROM all_objects WHERE owner = 'CTXSYS' AND object_name = 'CTX_DDL' AND object_type = 'PACKAGE';
    IF l_count = 0 THEN
        l_missing := l_missing || CHR(10) || '  - Oracle Text (CTXSYS.CTX_DDL is not installed or not executable: '
                     || 'GRANT EXECUTE ON CTXSYS.CTX_DDL TO ' || USER || ')';
    END IF;
    -- the application role grants_oracle.sql grants to, visible to the owner once granted to it
    SELECT COUNT(*) INTO l_count FROM user_role_privs WHERE granted_role = l_role;
    IF l_count = 0 THEN
        l_missing := l_missing || CHR(10) || '  - role ' || l_role || ', granted to ' || USER;
    END IF;
    IF l_missing IS NOT NULL THEN
        RAISE_APPLICATION_ERROR(-20990, 'The ILS cannot be installed into ' || USER || '; missing:' || l_missing
                                || CHR(10) || 'A DBA runs database/create_users.sql (ils_owner = ' || USER
                                || ') to grant them, then the install is run again.');
    END IF;
END;
/
