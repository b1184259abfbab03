-- uninstall.sql: remove every object install.sql created, data included. Irreversible. Oracle only.
-- Run from this folder, as the schema owner:  sql user/password@//host:1521/FREEPDB1 @uninstall.sql
-- Drops only the ILS objects named below, each only when it is there, so a partial install or an empty
-- schema uninstalls cleanly; any other error (an object locked or in use) stops the script.
-- A new table, view, package or trigger gets its drop_object line here (tests/test_oracle_scripts.py
-- checks that every object install.sql creates is listed). The accounts stay: see create_users.sql.
WHENEVER SQLERROR EXIT FAILURE ROLLBACK
WHENEVER OSERROR EXIT FAILURE
SET DEFINE OFF
SET SERVEROUTPUT ON

@@uninstall_jobs.sql

DECLARE
    /** Drop one ILS object of this schema if it exists (tables with their constraints, past the recycle bin). */
    PROCEDURE drop_object(p_type IN VARCHAR2, p_name IN VARCHAR2) IS
        l_exists NUMBER;
    BEGIN
        SELECT COUNT(*) INTO l_exists FROM user_objects WHERE object_type = p_type AND object_name = p_name;
        IF l_exists > 0 THEN
            IF p_type = 'TABLE' THEN
                EXECUTE IMMEDIATE 'DROP TABLE ' || DBMS_ASSERT.ENQUOTE_NAME(p_name, FALSE) || ' CASCADE CONSTRAINTS PURGE';
            ELSE
                EXECUTE IMMEDIATE 'DROP ' || p_type || ' ' || DBMS_ASSERT.ENQUOTE_NAME(p_name, FALSE);
            END IF;
            DBMS_OUTPUT.PUT_LINE('dropped ' || LOWER(p_type) || ' ' || LOWER(p_name));
        END IF;
    END drop_object;
BEGIN
    drop_object('PACKAGE', 'LIB_INSPECTIONS');
    drop_object('TRIGGER', 'CLOSED_WEEKDAYS_AUDIT_TRG');
    drop_object('TRIGGER', 'CONDITION_GRADES_AUDIT_TRG');
    drop_object('TRIGGER', 'COPY_INSPECTIONS_AUDIT_TRG');
    drop_object('TRIGGER', 'TRANSITS_AUDIT_TRG');
    drop_object('PACKAGE', 'LIB_IMPORTS');
    drop_object('PACKAGE', 'LIB_ADMIN');
    drop_object('TRIGGER', 'AUTHORS_SEARCH_REFRESH_TRG');
    drop_object('TRIGGER', 'AUTHORS_SEARCH_MARK_TRG');
    drop_object('TRIGGER', 'CREDITS_SEARCH_REFRESH_TRG');
    drop_object('TRIGGER', 'CREDITS_SEARCH_MARK_TRG');
    drop_object('TRIGGER', 'MATERIALS_SEARCH_REMOVE_TRG');
    drop_object('TRIGGER', 'MATERIALS_SEARCH_TRG');
    drop_object('PACKAGE', 'LIB_SEARCH');
    drop_object('PACKAGE', 'LIB_JOBS');
    drop_object('PACKAGE', 'LIB_OUTBOX');
    drop_object('PACKAGE', 'LIB_NOTICES_CORE');
    drop_object('PACKAGE', 'LIB_NOTICES');

    drop_object('TRIGGER', 'AUDIT_LOG_APPEND_ONLY_TRG');
    -- the generated audit triggers (plsql/audit_triggers.sql)
    drop_object('TRIGGER', 'USER_SESSIONS_AUDIT_TRG');
    drop_object('TRIGGER', 'ROLE_REQUESTS_AUDIT_TRG');
    drop_object('TRIGGER', 'JOBS_AUDIT_TRG');
    drop_object('TRIGGER', 'APP_ERRORS_AUDIT_TRG');
    drop_object('TRIGGER', 'APP_SETTINGS_AUDIT_TRG');
    drop_object('TRIGGER', 'NOTICE_PREFERENCES_AUDIT_TRG');
    drop_object('TRIGGER', 'NOTICE_TEMPLATES_AUDIT_TRG');
    drop_object('TRIGGER', 'NOTICE_ITEMS_AUDIT_TRG');
    drop_object('TRIGGER', 'NOTICES_AUDIT_TRG');
    drop_object('TRIGGER', 'PAYMENTS_AUDIT_TRG');
    drop_object('TRIGGER', 'FINES_AUDIT_TRG');
    drop_object('TRIGGER', 'HOLDS_AUDIT_TRG');
    drop_object('TRIGGER', 'LOANS_AUDIT_TRG');
    drop_object('TRIGGER', 'CIRC_POLICIES_AUDIT_TRG');
    drop_object('TRIGGER', 'COPIES_AUDIT_TRG');
    drop_object('TRIGGER', 'MATERIAL_AUTHORS_AUDIT_TRG');
    drop_object('TRIGGER', 'MATERIAL_IDENTIFIERS_AUDIT_TRG');
    drop_object('TRIGGER', 'MATERIAL_SUBJECTS_AUDIT_TRG');
    drop_object('TRIGGER', 'CATALOG_IMPORTS_AUDIT_TRG');
    drop_object('TRIGGER', 'MATERIALS_AUDIT_TRG');
    drop_object('TRIGGER', 'AUTHORS_AUDIT_TRG');
    drop_object('TRIGGER', 'GENRES_AUDIT_TRG');
    drop_object('TRIGGER', 'PATRONS_AUDIT_TRG');
    drop_object('TRIGGER', 'CLOSED_DAYS_AUDIT_TRG');
    drop_object('TRIGGER', 'BRANCHES_AUDIT_TRG');
    drop_object('TRIGGER', 'ROLE_PERMISSIONS_AUDIT_TRG');
    drop_object('TRIGGER', 'USER_ROLES_AUDIT_TRG');
    drop_object('TRIGGER', 'PERMISSIONS_AUDIT_TRG');
    drop_object('TRIGGER', 'ROLES_AUDIT_TRG');
    drop_object('TRIGGER', 'USERS_AUDIT_TRG');
    drop_object('TRIGGER', 'PAYMENT_METHODS_AUDIT_TRG');
    drop_object('TRIGGER', 'FINE_STATUSES_AUDIT_TRG');
    drop_object('TRIGGER', 'FINE_TYPES_AUDIT_TRG');
    drop_object('TRIGGER', 'HOLD_STATUSES_AUDIT_TRG');
    drop_object('TRIGGER', 'LOAN_STATUSES_AUDIT_TRG');
    drop_object('TRIGGER', 'COPY_STATUSES_AUDIT_TRG');
    drop_object('TRIGGER', 'PATRON_STATUSES_AUDIT_TRG');
    drop_object('TRIGGER', 'PATRON_CATEGORIES_AUDIT_TRG');
    drop_object('TRIGGER', 'MATERIAL_TYPES_AUDIT_TRG');

    drop_object('PACKAGE', 'LIB_HOLDS_CORE');
    drop_object('PACKAGE', 'LIB_HOLDS');
    drop_object('PACKAGE', 'LIB_CATALOG');
    drop_object('PACKAGE', 'LIB_PATRONS');
    drop_object('PACKAGE', 'LIB_AUTH');
    drop_object('PACKAGE', 'LIB_AUDIT');
    drop_object('PACKAGE', 'LIB_CIRCULATION');
    drop_object('PACKAGE', 'LIB_FINES_CORE');
    drop_object('PACKAGE', 'LIB_FINES');
    drop_object('PACKAGE', 'LIB_CALENDAR');
    drop_object('PACKAGE', 'LIB_POLICY');
    drop_object('PACKAGE', 'LIB_CLOCK');
    drop_object('PACKAGE', 'LIB_SESSION');
    drop_object('PACKAGE', 'LIB_ERR');

    drop_object('VIEW', 'HOLD_QUEUE_V');
    drop_object('VIEW', 'PATRON_CURRENT_LOANS_V');
    drop_object('VIEW', 'COPY_AVAILABILITY_V');

    drop_object('TABLE', 'CLOSED_WEEKDAYS');
    drop_object('TABLE', 'CONDITION_GRADES');
    drop_object('TABLE', 'COPY_INSPECTIONS');
    drop_object('TABLE', 'TRANSITS');
    drop_object('TABLE', 'ROLE_REQUESTS');
    drop_object('TABLE', 'USER_SESSIONS');
    drop_object('TABLE', 'NOTICE_PREFERENCES');
    drop_object('TABLE', 'NOTICE_TEMPLATES');
    drop_object('TABLE', 'NOTICE_ITEMS');
    drop_object('TABLE', 'NOTICES');
    drop_object('TABLE', 'JOB_RUNS');
    drop_object('TABLE', 'JOBS');
    drop_object('TABLE', 'APP_SETTINGS');
    drop_object('TABLE', 'APP_ERRORS');
    drop_object('TABLE', 'AUDIT_LOG');
    drop_object('TABLE', 'PAYMENTS');
    drop_object('TABLE', 'FINES');
    drop_object('TABLE', 'HOLDS');
    drop_object('TABLE', 'LOANS');
    drop_object('TABLE', 'CIRC_POLICIES');
    drop_object('TABLE', 'COPIES');
    drop_object('TABLE', 'CATALOG_IMPORT_RECORDS');
    drop_object('TABLE', 'CATALOG_IMPORTS');
    drop_object('TABLE', 'MATERIAL_SUBJECTS');
    drop_object('TABLE', 'MATERIAL_IDENTIFIERS');
    drop_object('TABLE', 'SEARCH_DOCUMENTS');
    drop_object('TABLE', 'MATERIAL_AUTHORS');
    drop_object('TABLE', 'MATERIALS');
    drop_object('TABLE', 'AUTHORS');
    drop_object('TABLE', 'GENRES');
    drop_object('TABLE', 'PATRONS');
    drop_object('TABLE', 'CLOSED_DAYS');
    drop_object('TABLE', 'BRANCHES');
    drop_object('TABLE', 'ROLE_PERMISSIONS');
    drop_object('TABLE', 'USER_ROLES');
    drop_object('TABLE', 'PERMISSIONS');
    drop_object('TABLE', 'ROLES');
    drop_object('TABLE', 'USERS');
    -- the vocabulary (009_vocabulary.sql), after the tables that refer to it
    drop_object('TABLE', 'PAYMENT_METHODS');
    drop_object('TABLE', 'FINE_STATUSES');
    drop_object('TABLE', 'FINE_TYPES');
    drop_object('TABLE', 'HOLD_STATUSES');
    drop_object('TABLE', 'LOAN_STATUSES');
    drop_object('TABLE', 'COPY_STATUSES');
    drop_object('TABLE', 'PATRON_STATUSES');
    drop_object('TABLE', 'PATRON_CATEGORIES');
    drop_object('TABLE', 'MATERIAL_TYPES');
    drop_object('TABLE', 'SCHEMA_VERSION');
END;
/
-- the Oracle Text preferences of the catalog's search index (016_search_index_oracle.sql; the index went
-- with search_documents)
BEGIN
    FOR r_pref IN (SELECT pre_name FROM ctx_user_preferences
                    WHERE pre_name IN ('ILS_SEARCH_DATASTORE', 'ILS_SEARCH_LEXER')) LOOP
        CTX_DDL.DROP_PREFERENCE(r_pref.pre_name);
        DBMS_OUTPUT.PUT_LINE('dropped text preference ' || LOWER(r_pref.pre_name));
    END LOOP;
    FOR r_group IN (SELECT sgp_name FROM ctx_user_section_groups WHERE sgp_name = 'ILS_SEARCH_SECTIONS') LOOP
        CTX_DDL.DROP_SECTION_GROUP(r_group.sgp_name);
        DBMS_OUTPUT.PUT_LINE('dropped section group ' || LOWER(r_group.sgp_name));
    END LOOP;
END;
/
PROMPT == ILS schema removed
