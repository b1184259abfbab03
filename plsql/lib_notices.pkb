CREATE OR REPLACE PACKAGE BODY lib_notices AS

    -- Public routines copy their NUMBER keys into locals anchored to the key columns (lib_holds says why).

    -- 1 when p_type is a type a patron chooses.
    FUNCTION is_preference_type(p_type IN VARCHAR2) RETURN NUMBER IS
    BEGIN
        IF p_type IN ('HOLD_READY', 'HOLD_EXPIRED', 'CHECKOUT_RECEIPT', 'RETURN_RECEIPT', 'FINE_CHARGED',
                      'CARD_EXPIRING', 'DUE_SOON', 'OVERDUE') THEN
            RETURN 1;
        END IF;
        RETURN 0;
    END is_preference_type;

    -- Receipts are sent only when asked for; everything else until turned off.
    FUNCTION default_choice(p_type IN VARCHAR2) RETURN VARCHAR2 IS
    BEGIN
        IF p_type IN ('CHECKOUT_RECEIPT', 'RETURN_RECEIPT') THEN
            RETURN 'N';
        END IF;
        RETURN 'Y';
    END default_choice;

    FUNCTION choice(p_patron_id IN patrons.patron_id%TYPE, p_type IN VARCHAR2) RETURN VARCHAR2 IS
        l_enabled notice_preferences.enabled%TYPE;
    BEGIN
        SELECT MAX(np.enabled)
          INTO l_enabled
          FROM notice_preferences np
         WHERE np.patron_id = p_patron_id
           AND np.notice_type = p_type;
        RETURN NVL(l_enabled, default_choice(p_type));
    END choice;

    FUNCTION wants(p_patron_id IN NUMBER, p_notice_type IN VARCHAR2) RETURN NUMBER IS
        l_patron_id patrons.patron_id%TYPE := p_patron_id;
    BEGIN
        IF p_notice_type IN ('LOAN_DIGEST') THEN
            IF choice(l_patron_id, 'DUE_SOON') = 'Y' OR choice(l_patron_id, 'OVERDUE') = 'Y' THEN
                RETURN 1;
            END IF;
            RETURN 0;
        END IF;
        IF is_preference_type(p_notice_type) = 0 THEN
            RETURN 0;
        END IF;
        IF choice(l_patron_id, p_notice_type) = 'Y' THEN
            RETURN 1;
        END IF;
        RETURN 0;
    END wants;

    PROCEDURE assert_patron(p_patron_id IN patrons.patron_id%TYPE) IS
        l_count NUMBER;
    BEGIN
        SELECT COUNT(*) INTO l_count FROM patrons p WHERE p.patron_id = p_patron_id;
        IF l_count = 0 THEN
            lib_err.raise_error('PATRON_NOT_FOUND', 'patron ' || TO_CHAR(p_patron_id));
        END IF;
    END assert_patron;

    -- The row of one choice, written or replaced.
    PROCEDURE put_choice(p_patron_id IN patrons.patron_id%TYPE, p_type IN VARCHAR2, p_enabled IN VARCHAR2) IS
        l_now notice_preferences.updated_at%TYPE;
    BEGIN
        l_now := lib_clock.now_utc();
        UPDATE notice_preferences
           SET enabled = p_enabled,
               updated_at = l_now
         WHERE patron_id = p_patron_id
           AND notice_type = p_type
           AND enabled <> p_enabled;
        IF SQL%ROWCOUNT = 0 THEN
            INSERT INTO notice_preferences (patron_id, notice_type, enabled, updated_at)
            SELECT p_patron_id, p_type, p_enabled, l_now
              FROM dual
             WHERE NOT EXISTS (SELECT 1
                                 FROM notice_preferences np
                                WHERE np.patron_id = p_patron_id
                                  AND np.notice_type = p_type);
        END IF;
    END put_choice;

    PROCEDURE set_preference(p_patron_id IN NUMBER, p_notice_type IN VARCHAR2, p_enabled IN VARCHAR2) IS
        l_patron_id patrons.patron_id%TYPE := p_patron_id;
        l_actor     users.user_id%TYPE;
        l_count     NUMBER := 0;
    BEGIN
        -- the patron themselves, else staff who edit patrons (system work with no actor passes too)
        l_actor := lib_session.actor();
        IF l_actor IS NOT NULL THEN
            SELECT COUNT(*) INTO l_count FROM patrons p WHERE p.patron_id = l_patron_id AND p.user_id = l_actor;
        END IF;
        IF l_count = 0 THEN
            lib_auth.require_permission('PATRON_MANAGE');
        END IF;
        assert_patron(l_patron_id);
        IF is_preference_type(p_notice_type) = 0 THEN
            lib_err.raise_error('NOTICE_TYPE_UNKNOWN', 'type ' || NVL(SUBSTR(p_notice_type, 1, 40), 'NULL'));
        END IF;
        IF p_enabled IS NULL OR p_enabled NOT IN ('Y', 'N') THEN
            lib_err.raise_error('INVALID_ARGUMENT', 'enabled must be Y or N');
        END IF;
        put_choice(l_patron_id, p_notice_type, p_enabled);
    END set_preference;

    PROCEDURE unsubscribe(p_patron_id IN NUMBER, p_notice_type IN VARCHAR2) IS
        l_patron_id patrons.patron_id%TYPE := p_patron_id;
    BEGIN
        assert_patron(l_patron_id);
        IF p_notice_type = 'ALL' THEN
            FOR r_type IN (SELECT 'HOLD_READY' AS t FROM dual UNION ALL SELECT 'HOLD_EXPIRED' FROM dual
                           UNION ALL SELECT 'CHECKOUT_RECEIPT' FROM dual UNION ALL SELECT 'RETURN_RECEIPT' FROM dual
                           UNION ALL SELECT 'FINE_CHARGED' FROM dual UNION ALL SELECT 'CARD_EXPIRING' FROM dual
                           UNION ALL SELECT 'DUE_SOON' FROM dual UNION ALL SELECT 'OVERDUE' FROM dual) LOOP
                put_choice(l_patron_id, r_type.t, 'N');
            END LOOP;
        ELSIF p_notice_type = 'LOAN_DIGEST' THEN
            put_choice(l_patron_id, 'DUE_SOON', 'N');
            put_choice(l_patron_id, 'OVERDUE', 'N');
        ELSIF is_preference_type(p_notice_type) = 1 THEN
            put_choice(l_patron_id, p_notice_type, 'N');
        ELSE
            lib_err.raise_error('NOTICE_TYPE_UNKNOWN', 'type ' || NVL(SUBSTR(p_notice_type, 1, 40), 'NULL'));
        END IF;
    END unsubscribe;

    PROCEDURE mark_undeliverable(p_email IN VARCHAR2, p_reason IN VARCHAR2, p_rows OUT NUMBER) IS
        l_email  patrons.email%TYPE;
        l_reason patrons.email_undeliverable_reason%TYPE;
    BEGIN
        p_rows := 0;
        l_email := LOWER(TRIM(SUBSTR(p_email, 1, 254)));
        IF l_email IS NULL THEN
            RETURN;
        END IF;
        l_reason := SUBSTR(NVL(p_reason, 'undeliverable'), 1, 200);
        UPDATE patrons
           SET email_undeliverable_at = lib_clock.now_utc(),
               email_undeliverable_reason = l_reason
         WHERE LOWER(email) = l_email;
        p_rows := SQL%ROWCOUNT;
    END mark_undeliverable;

    PROCEDURE clear_undeliverable(p_patron_id IN NUMBER) IS
        l_patron_id patrons.patron_id%TYPE := p_patron_id;
    BEGIN
        lib_auth.require_permission('PATRON_MANAGE');
        assert_patron(l_patron_id);
        UPDATE patrons
           SET email_undeliverable_at = NULL,
               email_undeliverable_reason = NULL
         WHERE patron_id = l_patron_id
           AND email_undeliverable_at IS NOT NULL;
    END clear_undeliverable;

    PROCEDURE save_template(p_notice_type IN VARCHAR2, p_language_code IN VARCHAR2, p_subject IN VARCHAR2,
                            p_body_text IN VARCHAR2, p_body_html IN VARCHAR2) IS
        l_type     notice_templates.notice_type%TYPE;
        l_language notice_templates.language_code%TYPE;
        l_now      notice_templates.updated_at%TYPE;
    BEGIN
        lib_auth.require_permission('SYS_CONFIG');
        IF p_notice_type IS NULL OR p_notice_type NOT IN ('HOLD_READY', 'HOLD_EXPIRED', 'CHECKOUT_RECEIPT',
                                                          'RETURN_RECEIPT', 'FINE_CHARGED', 'CARD_EXPIRING',
                                                          'LOAN_DIGEST') THEN
            lib_err.raise_error('NOTICE_TYPE_UNKNOWN', 'type ' || NVL(SUBSTR(p_notice_type, 1, 40), 'NULL'));
        END IF;
        IF TRIM(p_language_code) IS NULL OR LENGTH(TRIM(p_language_code)) > 10 THEN
            lib_err.raise_error('INVALID_NOTICE_TEMPLATE', 'language code');
        END IF;
        IF TRIM(p_subject) IS NULL OR LENGTH(p_subject) > 400 THEN
            lib_err.raise_error('INVALID_NOTICE_TEMPLATE', 'subject: 1 to 400 characters');
        END IF;
        IF TRIM(p_body_text) IS NULL OR LENGTH(p_body_text) > 4000 THEN
            lib_err.raise_error('INVALID_NOTICE_TEMPLATE', 'text body: 1 to 4000 characters');
        END IF;
        IF TRIM(p_body_html) IS NULL OR LENGTH(p_body_html) > 4000 THEN
            lib_err.raise_error('INVALID_NOTICE_TEMPLATE', 'HTML body: 1 to 4000 characters');
        END IF;
        l_type := p_notice_type;
        l_language := LOWER(TRIM(p_language_code));
        l_now := lib_clock.now_utc();
        UPDATE notice_templates
           SET subject = p_subject,
               body_text = p_body_text,
               body_html = p_body_html,
               updated_at = l_now,
               updated_by = lib_session.actor()
         WHERE notice_type = l_type
           AND language_code = l_language;
        IF SQL%ROWCOUNT = 0 THEN
            INSERT INTO notice_templates (notice_type, language_code, subject, body_text, body_html, updated_at,
                                          updated_by)
            VALUES (l_type, l_language, p_subject, p_body_text, p_body_html, l_now, lib_session.actor());
        END IF;
    END save_template;

END lib_notices;
/
