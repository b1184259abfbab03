CREATE OR REPLACE PACKAGE BODY lib_audit AS

    -- Literals rather than package constants: on PostgreSQL a package constant is a setting read
    -- on every use, and these helpers run for every audited column of every row change.
    -- Dates are written YYYY-MM-DD HH24:MI:SS (instants in UTC), money as lib_fines.money_text.
    -- Texts are cut to 4000 bytes with SUBSTRB: on Oracle a VARCHAR2(4000 CHAR) column still holds at
    -- most 4000 bytes (MAX_STRING_SIZE STANDARD), and ora2pg turns SUBSTRB into SUBSTR, which fits
    -- PostgreSQL's varchar(4000) in characters.

    -- 'col=a;col2=b;' -> 'col=a;col2=b', '' or NULL -> NULL, cut to the column size
    FUNCTION values_text(p_text IN VARCHAR2) RETURN VARCHAR2 IS
    BEGIN
        IF LENGTH(p_text) > 0 THEN
            RETURN SUBSTRB(SUBSTR(p_text, 1, LENGTH(p_text) - 1), 1, 4000);
        END IF;
        RETURN NULL;
    END values_text;

    PROCEDURE log_event(p_table_name IN VARCHAR2, p_row_id IN NUMBER, p_action IN VARCHAR2,
                        p_details IN VARCHAR2) IS
    BEGIN
        INSERT INTO audit_log (occurred_at, actor_user_id, table_name, row_id, action, old_values, new_values)
        VALUES (lib_clock.now_utc(), lib_session.actor(), p_table_name, p_row_id, p_action, NULL,
                SUBSTRB(p_details, 1, 4000));
    END log_event;

    PROCEDURE log_event_by(p_actor_id IN NUMBER, p_table_name IN VARCHAR2, p_row_id IN NUMBER,
                           p_action IN VARCHAR2, p_details IN VARCHAR2) IS
    BEGIN
        INSERT INTO audit_log (occurred_at, actor_user_id, table_name, row_id, action, old_values, new_values)
        VALUES (lib_clock.now_utc(), NVL(p_actor_id, lib_session.actor()), p_table_name, p_row_id, p_action, NULL,
                SUBSTRB(p_details, 1, 4000));
    END log_event_by;

    FUNCTION log_change(p_table_name IN VARCHAR2, p_row_id IN NUMBER, p_action IN VARCHAR2,
                        p_key IN VARCHAR2, p_old_values IN VARCHAR2, p_new_values IN VARCHAR2) RETURN NUMBER IS
        l_old      audit_log.old_values%TYPE;
        l_new      audit_log.new_values%TYPE;
        l_audit_id audit_log.audit_id%TYPE;
    BEGIN
        IF p_action <> 'INSERT' THEN
            l_old := values_text(p_old_values);
        END IF;
        IF p_action <> 'DELETE' THEN
            l_new := values_text(p_new_values);
        END IF;
        IF p_action = 'UPDATE' AND l_old IS NULL AND l_new IS NULL THEN
            RETURN NULL;
        END IF;
        -- the key first, so that a long value cut to the column size never cuts the key
        IF p_action = 'UPDATE' AND LENGTH(p_key) > 0 THEN
            l_old := values_text(p_key || NVL(p_old_values, ''));
            l_new := values_text(p_key || NVL(p_new_values, ''));
        END IF;
        INSERT INTO audit_log (occurred_at, actor_user_id, table_name, row_id, action, old_values, new_values)
        VALUES (lib_clock.now_utc(), lib_session.actor(), p_table_name, p_row_id, p_action, l_old, l_new)
        RETURNING audit_id INTO l_audit_id;
        RETURN l_audit_id;
    END log_change;

    FUNCTION key_txt(p_name IN VARCHAR2, p_old IN VARCHAR2, p_new IN VARCHAR2) RETURN VARCHAR2 IS
    BEGIN
        IF p_old = p_new THEN
            RETURN p_name || '=' || p_old || ';';
        END IF;
        RETURN '';
    END key_txt;

    FUNCTION key_num(p_name IN VARCHAR2, p_old IN NUMBER, p_new IN NUMBER) RETURN VARCHAR2 IS
    BEGIN
        IF p_old = p_new THEN
            RETURN p_name || '=' || TO_CHAR(p_old) || ';';
        END IF;
        RETURN '';
    END key_num;

    FUNCTION old_txt(p_name IN VARCHAR2, p_old IN VARCHAR2, p_new IN VARCHAR2) RETURN VARCHAR2 IS
    BEGIN
        IF p_old = p_new OR (p_old IS NULL AND p_new IS NULL) THEN
            RETURN '';
        END IF;
        RETURN p_name || '=' || NVL(p_old, '') || ';';
    END old_txt;

    FUNCTION new_txt(p_name IN VARCHAR2, p_old IN VARCHAR2, p_new IN VARCHAR2) RETURN VARCHAR2 IS
    BEGIN
        IF p_old = p_new OR (p_old IS NULL AND p_new IS NULL) THEN
            RETURN '';
        END IF;
        RETURN p_name || '=' || NVL(p_new, '') || ';';
    END new_txt;

    FUNCTION old_num(p_name IN VARCHAR2, p_old IN NUMBER, p_new IN NUMBER) RETURN VARCHAR2 IS
    BEGIN
        IF p_old = p_new OR (p_old IS NULL AND p_new IS NULL) THEN
            RETURN '';
        END IF;
        RETURN p_name || '=' || NVL(TO_CHAR(p_old), '') || ';';
    END old_num;

    FUNCTION new_num(p_name IN VARCHAR2, p_old IN NUMBER, p_new IN NUMBER) RETURN VARCHAR2 IS
    BEGIN
        IF p_old = p_new OR (p_old IS NULL AND p_new IS NULL) THEN
            RETURN '';
        END IF;
        RETURN p_name || '=' || NVL(TO_CHAR(p_new), '') || ';';
    END new_num;

    FUNCTION old_money(p_name IN VARCHAR2, p_old IN NUMBER, p_new IN NUMBER) RETURN VARCHAR2 IS
    BEGIN
        IF p_old = p_new OR (p_old IS NULL AND p_new IS NULL) THEN
            RETURN '';
        END IF;
        RETURN p_name || '=' || NVL(lib_fines.money_text(p_old), '') || ';';
    END old_money;

    FUNCTION new_money(p_name IN VARCHAR2, p_old IN NUMBER, p_new IN NUMBER) RETURN VARCHAR2 IS
    BEGIN
        IF p_old = p_new OR (p_old IS NULL AND p_new IS NULL) THEN
            RETURN '';
        END IF;
        RETURN p_name || '=' || NVL(lib_fines.money_text(p_new), '') || ';';
    END new_money;

    FUNCTION old_date(p_name IN VARCHAR2, p_old IN DATE, p_new IN DATE) RETURN VARCHAR2 IS
    BEGIN
        IF p_old = p_new OR (p_old IS NULL AND p_new IS NULL) THEN
            RETURN '';
        END IF;
        RETURN p_name || '=' || NVL(TO_CHAR(p_old, 'YYYY-MM-DD HH24:MI:SS'), '') || ';';
    END old_date;

    FUNCTION new_date(p_name IN VARCHAR2, p_old IN DATE, p_new IN DATE) RETURN VARCHAR2 IS
    BEGIN
        IF p_old = p_new OR (p_old IS NULL AND p_new IS NULL) THEN
            RETURN '';
        END IF;
        RETURN p_name || '=' || NVL(TO_CHAR(p_new, 'YYYY-MM-DD HH24:MI:SS'), '') || ';';
    END new_date;

    FUNCTION old_secret(p_name IN VARCHAR2, p_old IN VARCHAR2, p_new IN VARCHAR2) RETURN VARCHAR2 IS
    BEGIN
        IF p_old = p_new OR p_old IS NULL THEN
            RETURN '';
        END IF;
        RETURN p_name || '=***;';
    END old_secret;

    FUNCTION new_secret(p_name IN VARCHAR2, p_old IN VARCHAR2, p_new IN VARCHAR2) RETURN VARCHAR2 IS
    BEGIN
        IF p_old = p_new OR p_new IS NULL THEN
            RETURN '';
        END IF;
        RETURN p_name || '=***;';
    END new_secret;

    FUNCTION reject_change RETURN NUMBER IS
    BEGIN
        lib_err.raise_error('AUDIT_LOG_APPEND_ONLY', NULL);
        RETURN NULL;
    END reject_change;

END lib_audit;
/
