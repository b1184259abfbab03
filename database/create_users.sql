-- create_users.sql: the database accounts of the ILS, created by a DBA (Oracle only). Run it once per
-- schema, in the pluggable database (not CDB$ROOT), as SYSTEM or another user with the DBA role:
--     sql system/password@//dbhost:1521/FREEPDB1 @create_users.sql        (SQLcl or SQL*Plus)
-- or without SQL*Plus:  scripts/ils oracle create-users --url oracle+oracledb://system:pw@dbhost:1521/FREEPDB1
--
-- It creates
--   the schema owner   (ils_owner, default ILS): owns the tables, packages, triggers and scheduler jobs;
--                      CREATE SESSION, TABLE, SEQUENCE (identity columns), VIEW, TRIGGER, PROCEDURE, JOB
--                      and a quota on its default tablespace (else ORA-01950 at the first INSERT);
--                      EXECUTE on CTXSYS.CTX_DDL (and role CTXAPP) for the Oracle Text search index.
--                      install.sql checks all of them before it creates anything (000_preflight_oracle.sql).
--   the application    (ils_app_user, default <owner>_APP): CREATE SESSION only. What it may use comes
--   user               from the role below, which install.sql grants to (grants_oracle.sql).
--   the role           <owner>_APP_ROLE, named after the owner so install.sql finds it without being told:
--                      EXECUTE on every package of the specs (plsql/*.pks) but LIB_JOBS (it COMMITs: the
--                      owner's scheduler jobs run it), READ on the tables and views.
--                      Granted to the application user, and to the owner so its installer can see it.
--
-- Values are SQL*Plus substitution variables. DEFINE them before running the script, or answer the
-- prompts (an empty answer keeps the default; the passwords have none):
--     DEFINE ils_owner = ILS                  schema owner
--     DEFINE ils_owner_password = ...         required
--     DEFINE ils_app_user = ILS_APP           application user (default: owner name + _APP)
--     DEFINE ils_app_password = ...           required
--     DEFINE ils_tablespace = USERS           the owner's tablespace (default: the database default)
-- Passwords may not contain quotes (single or double).
--
-- Re-running is safe: an existing user keeps its password and settings (a quota is only added when the
-- owner has none), the privileges and role grants are given again (granting twice changes nothing).
-- Nothing is ever dropped: remove the accounts with DROP USER ... CASCADE and DROP ROLE by hand.
WHENEVER SQLERROR EXIT FAILURE ROLLBACK
WHENEVER OSERROR EXIT FAILURE
SET DEFINE ON
SET VERIFY OFF
SET SERVEROUTPUT ON

DECLARE
    l_owner        VARCHAR2(128) := UPPER(TRIM('&&ils_owner'));
    l_owner_pw     VARCHAR2(128) := '&&ils_owner_password';
    l_app_user     VARCHAR2(128) := UPPER(TRIM('&&ils_app_user'));
    l_app_pw       VARCHAR2(128) := '&&ils_app_password';
    l_tablespace   VARCHAR2(128) := UPPER(TRIM('&&ils_tablespace'));
    l_role         VARCHAR2(128);
    l_count        NUMBER;

    /** Run one DDL statement and say what it did (the text never holds a password). */
    PROCEDURE run_ddl(p_sql IN VARCHAR2, p_say IN VARCHAR2) IS
    BEGIN
        EXECUTE IMMEDIATE p_sql;
        DBMS_OUTPUT.PUT_LINE(p_say);
    END run_ddl;

    /** Refuse a password SQL*Plus or the quoted DDL cannot carry. */
    PROCEDURE check_password(p_password IN VARCHAR2, p_what IN VARCHAR2) IS
    BEGIN
        IF p_password IS NULL THEN
            RAISE_APPLICATION_ERROR(-20990, p_what || ' is required: DEFINE it before running create_users.sql');
        END IF;
        IF INSTR(p_password, '"') > 0 THEN
            RAISE_APPLICATION_ERROR(-20990, p_what || ' may not contain a double quote');
        END IF;
    END check_password;

    /** Create the user unless it exists; an existing user keeps its password. */
    PROCEDURE ensure_user(p_user IN VARCHAR2, p_password IN VARCHAR2, p_extra IN VARCHAR2) IS
        l_exists NUMBER;
    BEGIN
        SELECT COUNT(*) INTO l_exists FROM dba_users WHERE username = p_user;
        IF l_exists = 0 THEN
            EXECUTE IMMEDIATE 'CREATE USER ' || p_user || ' IDENTIFIED BY "' || p_password || '"' || p_extra;
            DBMS_OUTPUT.PUT_LINE('created user ' || p_user);
        ELSE
            DBMS_OUTPUT.PUT_LINE('user ' || p_user || ' exists: kept as it is (password unchanged)');
        END IF;
    END ensure_user;
BEGIN
    IF SYS_CONTEXT('USERENV', 'CON_NAME') = 'CDB$ROOT' THEN
        RAISE_APPLICATION_ERROR(-20990, 'Connected to CDB$ROOT: connect to the pluggable database (e.g. FREEPDB1)');
    END IF;
    l_owner := DBMS_ASSERT.SIMPLE_SQL_NAME(COALESCE(l_owner, 'ILS'));
    l_app_user := DBMS_ASSERT.SIMPLE_SQL_NAME(COALESCE(l_app_user, l_owner || '_APP'));
    l_role := DBMS_ASSERT.SIMPLE_SQL_NAME(l_owner || '_APP_ROLE');
    IF l_app_user = l_owner THEN
        RAISE_APPLICATION_ERROR(-20990, 'The application user must not be the schema owner ' || l_owner);
    END IF;
    check_password(l_owner_pw, 'ils_owner_password');
    check_password(l_app_pw, 'ils_app_password');
    IF l_tablespace IS NULL THEN
        SELECT property_value INTO l_tablespace
          FROM database_properties
         WHERE property_name = 'DEFAULT_PERMANENT_TABLESPACE';
    END IF;
    SELECT COUNT(*) INTO l_count FROM dba_tablespaces WHERE tablespace_name = l_tablespace AND contents = 'PERMANENT';
    IF l_count = 0 THEN
        RAISE_APPLICATION_ERROR(-20990, 'No permanent tablespace ' || l_tablespace);
    END IF;
    l_tablespace := DBMS_ASSERT.SIMPLE_SQL_NAME(l_tablespace);

    -- the schema owner: the privileges the install and the jobs need, and a quota
    ensure_user(l_owner, l_owner_pw, ' DEFAULT TABLESPACE ' || l_tablespace || ' QUOTA UNLIMITED ON ' || l_tablespace);
    SELECT COUNT(*) INTO l_count
      FROM dba_ts_quotas
     WHERE username = l_owner AND tablespace_name = l_tablespace AND max_bytes <> 0;
    IF l_count = 0 THEN
        run_ddl('ALTER USER ' || l_owner || ' QUOTA UNLIMITED ON ' || l_tablespace,
                'quota unlimited on ' || l_tablespace || ' for ' || l_owner);
    END IF;
    run_ddl('GRANT CREATE SESSION, CREATE TABLE, CREATE SEQUENCE, CREATE VIEW, CREATE TRIGGER, CREATE PROCEDURE, '
            || 'CREATE JOB TO ' || l_owner,
            'granted CREATE SESSION, TABLE, SEQUENCE, VIEW, TRIGGER, PROCEDURE, JOB to ' || l_owner);
    -- Oracle Text: the catalog's search index and its preferences (016_search_index_oracle.sql)
    run_ddl('GRANT CTXAPP TO ' || l_owner, 'granted CTXAPP to ' || l_owner);
    run_ddl('GRANT EXECUTE ON CTXSYS.CTX_DDL TO ' || l_owner, 'granted EXECUTE on CTXSYS.CTX_DDL to ' || l_owner);

    -- the application user: it may only connect; the role brings the rest
    ensure_user(l_app_user, l_app_pw, NULL);
    run_ddl('GRANT CREATE SESSION TO ' || l_app_user, 'granted CREATE SESSION to ' || l_app_user);

    -- the role the install grants to
    SELECT COUNT(*) INTO l_count FROM dba_roles WHERE role = l_role;
    IF l_count = 0 THEN
        run_ddl('CREATE ROLE ' || l_role, 'created role ' || l_role);
    END IF;
    run_ddl('GRANT ' || l_role || ' TO ' || l_app_user, 'granted ' || l_role || ' to ' || l_app_user);
    run_ddl('GRANT ' || l_role || ' TO ' || l_owner, 'granted ' || l_role || ' to ' || l_owner);
END;
/

PROMPT == ILS accounts ready: install the schema as the owner (install.sql), then the jobs (install_jobs.sql)
