CREATE OR REPLACE PACKAGE BODY lib_patrons AS

    -- Public routines take plain NUMBER keys and copy them into locals anchored to the key columns
    -- before any SQL (on PostgreSQL a numeric value compared with a bigint key defeats its index);
    -- private routines take anchored parameters.

    -- Months a new or renewed card stays valid: 12 x PATRON_CARD_YEARS (3 years when unset).
    FUNCTION card_months RETURN PLS_INTEGER IS
        l_value app_settings.value%TYPE;
    BEGIN
        SELECT MAX(value) INTO l_value FROM app_settings WHERE name = 'PATRON_CARD_YEARS';
        IF l_value IS NULL OR LENGTH(TRIM(TRANSLATE(l_value, '0123456789', '          '))) > 0 THEN
            RETURN 36;
        END IF;
        RETURN 12 * TO_NUMBER(l_value);
    END card_months;

    -- Expiry of a card issued or renewed from the library day p_from: that day + the card validity.
    FUNCTION expiry_from(p_from IN DATE) RETURN DATE IS
        l_day    patrons.expires_on%TYPE;
        l_months PLS_INTEGER;
    BEGIN
        l_day := TRUNC(p_from);
        l_months := card_months();
        RETURN ADD_MONTHS(l_day, l_months);
    END expiry_from;

    FUNCTION new_card_number RETURN VARCHAR2 IS
        l_card  patrons.card_number%TYPE;
        l_count NUMBER := 1;
    BEGIN
        WHILE l_count > 0 LOOP
            l_card := '2' || TO_CHAR(TRUNC(DBMS_RANDOM.VALUE(0, 9999999999999)), 'FM0000000000000');
            SELECT COUNT(*) INTO l_count FROM patrons WHERE card_number = l_card;
        END LOOP;
        RETURN l_card;
    END new_card_number;

    FUNCTION default_branch RETURN NUMBER IS
        l_branch_id branches.branch_id%TYPE;
    BEGIN
        FOR r_branch IN (SELECT branch_id
                           FROM branches
                          WHERE is_active = 'Y'
                          ORDER BY CASE WHEN code = 'MAIN' THEN 0 ELSE 1 END, branch_id) LOOP
            l_branch_id := r_branch.branch_id;
            EXIT;
        END LOOP;
        IF l_branch_id IS NULL THEN
            lib_err.raise_error('BRANCH_NOT_FOUND', 'no active branch');
        END IF;
        RETURN l_branch_id;
    END default_branch;

    -- BRANCH_NOT_FOUND unless the branch exists and is active.
    PROCEDURE assert_branch(p_branch_id IN branches.branch_id%TYPE) IS
        l_count NUMBER;
    BEGIN
        SELECT COUNT(*) INTO l_count FROM branches WHERE branch_id = p_branch_id AND is_active = 'Y';
        IF l_count = 0 THEN
            lib_err.raise_error('BRANCH_NOT_FOUND', 'branch ' || TO_CHAR(p_branch_id));
        END IF;
    END assert_branch;

    -- INVALID_PATRON_DATA unless the contact data and category are acceptable.
    PROCEDURE check_patron_data(p_first_name IN VARCHAR2, p_last_name IN VARCHAR2, p_email IN VARCHAR2,
                       p_phone IN VARCHAR2, p_address IN VARCHAR2, p_category IN VARCHAR2) IS
        l_at    PLS_INTEGER;
        l_count NUMBER;
    BEGIN
        IF NVL(LENGTH(TRIM(p_first_name)), 0) = 0 OR LENGTH(TRIM(p_first_name)) > 100 THEN
            lib_err.raise_error('INVALID_PATRON_DATA', 'first name required, at most 100 characters');
        END IF;
        IF NVL(LENGTH(TRIM(p_last_name)), 0) = 0 OR LENGTH(TRIM(p_last_name)) > 100 THEN
            lib_err.raise_error('INVALID_PATRON_DATA', 'last name required, at most 100 characters');
        END IF;
        IF LENGTH(TRIM(p_email)) > 0 THEN
            l_at := INSTR(TRIM(p_email), '@');
            IF l_at < 2 OR INSTR(SUBSTR(TRIM(p_email), l_at + 1), '.') < 2 OR INSTR(TRIM(p_email), ' ') > 0
               OR LENGTH(TRIM(p_email)) > 254 OR SUBSTR(TRIM(p_email), -1) = '.' THEN
                lib_err.raise_error('INVALID_PATRON_DATA', 'malformed e-mail address');
            END IF;
        END IF;
        IF LENGTH(p_phone) > 40 OR LENGTH(p_address) > 400 THEN
            lib_err.raise_error('INVALID_PATRON_DATA', 'phone or address too long');
        END IF;
        SELECT COUNT(*) INTO l_count FROM patron_categories WHERE code = p_category;
        IF l_count = 0 THEN
            lib_err.raise_error('INVALID_PATRON_DATA', 'unknown category ' || SUBSTR(p_category, 1, 20));
        END IF;
    END check_patron_data;

    -- The normalised category: upper case, NULL or blank = ADULT.
    FUNCTION category_of(p_category IN VARCHAR2) RETURN VARCHAR2 IS
    BEGIN
        IF NVL(LENGTH(TRIM(p_category)), 0) = 0 THEN
            RETURN 'ADULT';
        END IF;
        RETURN UPPER(TRIM(p_category));
    END category_of;

    -- NULL for a blank optional value, else the trimmed value.
    FUNCTION blank_null(p_value IN VARCHAR2) RETURN VARCHAR2 IS
    BEGIN
        IF NVL(LENGTH(TRIM(p_value)), 0) = 0 THEN
            RETURN NULL;
        END IF;
        RETURN TRIM(p_value);
    END blank_null;

    -- a comma-separated list of error names with one more name (NULL = empty list)
    FUNCTION add_reason(p_list IN VARCHAR2, p_name IN VARCHAR2) RETURN VARCHAR2 IS
    BEGIN
        IF p_list IS NULL THEN
            RETURN p_name;
        END IF;
        RETURN p_list || ',' || p_name;
    END add_reason;

    -- Lock a patron row; PATRON_NOT_FOUND when missing. Returns the status.
    FUNCTION lock_patron(p_patron_id IN patrons.patron_id%TYPE) RETURN VARCHAR2 IS
        l_status patrons.status%TYPE;
    BEGIN
        FOR r_patron IN (SELECT status FROM patrons WHERE patron_id = p_patron_id FOR UPDATE) LOOP
            l_status := r_patron.status;
        END LOOP;
        IF l_status IS NULL THEN
            lib_err.raise_error('PATRON_NOT_FOUND', 'patron ' || TO_CHAR(p_patron_id));
        END IF;
        RETURN l_status;
    END lock_patron;

    -- Validate and insert a patron; returns its id.
    FUNCTION insert_patron(p_user_id IN patrons.user_id%TYPE, p_first_name IN VARCHAR2, p_last_name IN VARCHAR2,
                           p_email IN VARCHAR2, p_phone IN VARCHAR2, p_address IN VARCHAR2,
                           p_category IN VARCHAR2, p_home_branch_id IN patrons.home_branch_id%TYPE,
                           p_card_number IN VARCHAR2) RETURN NUMBER IS
        l_category  VARCHAR2(4000); -- unchecked input: wider than the column until checked
        l_branch_id patrons.home_branch_id%TYPE;
        l_card      VARCHAR2(4000);
        l_count     NUMBER;
        l_patron_id patrons.patron_id%TYPE;
        l_now       patrons.registered_at%TYPE;
        l_email     patrons.email%TYPE;
        l_phone     patrons.phone%TYPE;
        l_address   patrons.address%TYPE;
        l_expires   patrons.expires_on%TYPE;
        l_today     patrons.expires_on%TYPE;
    BEGIN
        l_now := lib_clock.now_utc();
        l_today := lib_clock.local_day(l_now);
        l_category := category_of(p_category);
        check_patron_data(p_first_name, p_last_name, p_email, p_phone, p_address, l_category);
        IF p_home_branch_id IS NULL THEN
            l_branch_id := default_branch();
        ELSE
            assert_branch(p_home_branch_id);
            l_branch_id := p_home_branch_id;
        END IF;
        l_card := UPPER(blank_null(p_card_number));
        IF l_card IS NULL THEN
            l_card := new_card_number();
        ELSIF LENGTH(l_card) > 30 OR INSTR(l_card, ' ') > 0 THEN
            lib_err.raise_error('INVALID_PATRON_DATA', 'card number at most 30 characters without spaces');
        ELSE
            SELECT COUNT(*) INTO l_count FROM patrons WHERE card_number = l_card;
            IF l_count > 0 THEN
                lib_err.raise_error('CARD_NUMBER_TAKEN', l_card);
            END IF;
        END IF;
        -- body-only functions may not appear in SQL on Oracle (PLS-00231): computed here
        l_email := blank_null(p_email);
        l_phone := blank_null(p_phone);
        l_address := blank_null(p_address);
        l_expires := expiry_from(l_today);
        BEGIN
            INSERT INTO patrons (user_id, card_number, first_name, last_name, email, phone, address, category,
                                 home_branch_id, status, registered_at, expires_on)
            VALUES (p_user_id, l_card, TRIM(p_first_name), TRIM(p_last_name), l_email,
                    l_phone, l_address, l_category, l_branch_id, 'ACTIVE', l_now,
                    l_expires)
            RETURNING patron_id INTO l_patron_id;
        EXCEPTION
            WHEN DUP_VAL_ON_INDEX THEN
                lib_err.raise_error('CARD_NUMBER_TAKEN', l_card);
        END;
        RETURN l_patron_id;
    END insert_patron;

    PROCEDURE register(p_first_name IN VARCHAR2, p_last_name IN VARCHAR2, p_email IN VARCHAR2,
                       p_phone IN VARCHAR2, p_address IN VARCHAR2, p_category IN VARCHAR2,
                       p_home_branch_id IN NUMBER, p_card_number IN VARCHAR2, p_patron_id OUT NUMBER) IS
        l_branch_id patrons.home_branch_id%TYPE := p_home_branch_id;
    BEGIN
        lib_auth.require_permission('PATRON_MANAGE');
        p_patron_id := insert_patron(NULL, p_first_name, p_last_name, p_email, p_phone, p_address, p_category,
                                     l_branch_id, p_card_number);
    END register;

    -- The patron record of an account that has none (the caller checked who may make it).
    FUNCTION insert_for_user(p_user_id IN users.user_id%TYPE, p_first_name IN VARCHAR2, p_last_name IN VARCHAR2,
                             p_email IN VARCHAR2) RETURN NUMBER IS
        l_count NUMBER;
    BEGIN
        IF NVL(LENGTH(TRIM(p_email)), 0) = 0 THEN
            lib_err.raise_error('INVALID_PATRON_DATA', 'e-mail required');
        END IF;
        SELECT COUNT(*) INTO l_count FROM patrons WHERE user_id = p_user_id;
        IF l_count > 0 THEN
            lib_err.raise_error('INVALID_PATRON_DATA', 'the account already has a patron record');
        END IF;
        RETURN insert_patron(p_user_id, p_first_name, p_last_name, p_email, NULL, NULL, 'ADULT', NULL, NULL);
    END insert_for_user;

    PROCEDURE register_account(p_username IN VARCHAR2, p_password_hash IN VARCHAR2, p_full_name IN VARCHAR2,
                               p_email IN VARCHAR2, p_user_id OUT NUMBER, p_patron_id OUT NUMBER) IS
        l_full_name users.full_name%TYPE;
        l_space     PLS_INTEGER;
        l_first     patrons.first_name%TYPE;
        l_last      patrons.last_name%TYPE;
        l_user_id   users.user_id%TYPE;
    BEGIN
        IF NVL(LENGTH(TRIM(p_email)), 0) = 0 THEN
            lib_err.raise_error('INVALID_PATRON_DATA', 'e-mail required');
        END IF;
        -- the account and its record in one call: no actor may make a record for an account of its choosing
        lib_auth.create_patron_account(p_username, p_password_hash, p_full_name, p_email, p_user_id);
        l_user_id := p_user_id; -- into the key's type (PostgreSQL: an OUT argument takes a NUMBER variable)
        l_full_name := TRIM(p_full_name);
        l_space := INSTR(l_full_name, ' ', -1);
        IF l_space > 0 THEN
            l_first := SUBSTR(TRIM(SUBSTR(l_full_name, 1, l_space - 1)), 1, 100);
            l_last := SUBSTR(SUBSTR(l_full_name, l_space + 1), 1, 100);
        ELSE
            l_first := SUBSTR(l_full_name, 1, 100);
            l_last := SUBSTR(l_full_name, 1, 100);
        END IF;
        p_patron_id := insert_for_user(l_user_id, l_first, l_last, p_email);
    END register_account;

    PROCEDURE register_for_user(p_user_id IN NUMBER, p_first_name IN VARCHAR2, p_last_name IN VARCHAR2,
                                p_email IN VARCHAR2, p_patron_id OUT NUMBER) IS
        l_user_id users.user_id%TYPE := p_user_id;
        l_actor   users.user_id%TYPE;
    BEGIN
        l_actor := lib_session.actor();
        IF l_actor IS NULL OR l_actor <> l_user_id THEN
            lib_auth.require_permission('PATRON_MANAGE'); -- staff, or system work with no actor
        END IF;
        p_patron_id := insert_for_user(l_user_id, p_first_name, p_last_name, p_email);
    END register_for_user;

    PROCEDURE update_patron(p_patron_id IN NUMBER, p_first_name IN VARCHAR2, p_last_name IN VARCHAR2,
                            p_email IN VARCHAR2, p_phone IN VARCHAR2, p_address IN VARCHAR2,
                            p_category IN VARCHAR2, p_home_branch_id IN NUMBER) IS
        l_patron_id patrons.patron_id%TYPE := p_patron_id;
        l_branch_id patrons.home_branch_id%TYPE := p_home_branch_id;
        l_status   patrons.status%TYPE;
        l_category VARCHAR2(4000); -- unchecked input: wider than the column until checked
        l_email    patrons.email%TYPE;
        l_phone    patrons.phone%TYPE;
        l_address  patrons.address%TYPE;
    BEGIN
        lib_auth.require_permission('PATRON_MANAGE');
        l_status := lock_patron(l_patron_id);
        IF l_status = 'DELETED' THEN
            lib_err.raise_error('PATRON_INACTIVE', 'patron ' || TO_CHAR(p_patron_id));
        END IF;
        l_category := category_of(p_category);
        check_patron_data(p_first_name, p_last_name, p_email, p_phone, p_address, l_category);
        IF l_branch_id IS NULL THEN
            lib_err.raise_error('INVALID_PATRON_DATA', 'home branch required');
        END IF;
        assert_branch(l_branch_id);
        l_email := blank_null(p_email); -- not inside the UPDATE: PLS-00231
        l_phone := blank_null(p_phone);
        l_address := blank_null(p_address);
        UPDATE patrons
           SET first_name = TRIM(p_first_name),
               last_name = TRIM(p_last_name),
               email = l_email,
               phone = l_phone,
               address = l_address,
               category = l_category,
               home_branch_id = l_branch_id,
               -- a new address has not bounced: the provider's mark is for the old one
               email_undeliverable_at = CASE WHEN LOWER(email) = LOWER(l_email) THEN email_undeliverable_at END,
               email_undeliverable_reason = CASE WHEN LOWER(email) = LOWER(l_email) THEN email_undeliverable_reason END
         WHERE patron_id = l_patron_id;
    END update_patron;

    PROCEDURE suspend(p_patron_id IN NUMBER, p_reason IN VARCHAR2) IS
        l_patron_id patrons.patron_id%TYPE := p_patron_id;
        l_status patrons.status%TYPE;
    BEGIN
        lib_auth.require_permission('PATRON_SUSPEND');
        l_status := lock_patron(l_patron_id);
        IF NVL(LENGTH(TRIM(p_reason)), 0) = 0 THEN
            lib_err.raise_error('REASON_REQUIRED', NULL);
        END IF;
        IF l_status = 'DELETED' THEN
            lib_err.raise_error('PATRON_INACTIVE', 'patron ' || TO_CHAR(p_patron_id));
        END IF;
        UPDATE patrons
           SET status = 'SUSPENDED',
               status_reason = SUBSTR(TRIM(p_reason), 1, 400),
               status_changed_at = lib_clock.now_utc()
         WHERE patron_id = l_patron_id;
    END suspend;

    PROCEDURE reinstate(p_patron_id IN NUMBER, p_reason IN VARCHAR2) IS
        l_patron_id patrons.patron_id%TYPE := p_patron_id;
        l_status patrons.status%TYPE;
        l_now    patrons.status_changed_at%TYPE;
        l_today  patrons.expires_on%TYPE;
        l_late   NUMBER;
    BEGIN
        lib_auth.require_permission('PATRON_SUSPEND');
        l_status := lock_patron(l_patron_id);
        IF NVL(LENGTH(TRIM(p_reason)), 0) = 0 THEN
            lib_err.raise_error('REASON_REQUIRED', NULL);
        END IF;
        l_now := lib_clock.now_utc();
        l_today := lib_clock.local_day(l_now);
        SELECT COUNT(*) INTO l_late FROM patrons p WHERE p.patron_id = l_patron_id AND p.suspended_until >= l_today;
        IF l_status <> 'SUSPENDED' AND l_late = 0 THEN
            lib_err.raise_error('PATRON_NOT_SUSPENDED', 'patron ' || TO_CHAR(p_patron_id));
        END IF;
        -- lifts a suspension for returning late too
        UPDATE patrons
           SET suspended_until = NULL,
               status = CASE WHEN status <> 'SUSPENDED' THEN status
                             WHEN expires_on < l_today THEN 'EXPIRED' ELSE 'ACTIVE' END,
               status_reason = SUBSTR(TRIM(p_reason), 1, 400),
               status_changed_at = l_now
         WHERE patron_id = l_patron_id;
    END reinstate;

    PROCEDURE renew_card(p_patron_id IN NUMBER, p_expires_on OUT DATE) IS
        l_patron_id patrons.patron_id%TYPE := p_patron_id;
        l_status  patrons.status%TYPE;
        l_current patrons.expires_on%TYPE;
        l_now     patrons.status_changed_at%TYPE;
        l_today   patrons.expires_on%TYPE;
    BEGIN
        lib_auth.require_permission('PATRON_MANAGE');
        l_status := lock_patron(l_patron_id);
        IF l_status = 'DELETED' THEN
            lib_err.raise_error('PATRON_INACTIVE', 'patron ' || TO_CHAR(p_patron_id));
        END IF;
        SELECT expires_on INTO l_current FROM patrons WHERE patron_id = l_patron_id;
        l_now := lib_clock.now_utc();
        l_today := lib_clock.local_day(l_now);
        p_expires_on := expiry_from(GREATEST(l_today, TRUNC(l_current)));
        UPDATE patrons
           SET expires_on = p_expires_on,
               status = CASE WHEN status = 'EXPIRED' THEN 'ACTIVE' ELSE status END,
               status_changed_at = CASE WHEN status = 'EXPIRED' THEN l_now ELSE status_changed_at END
         WHERE patron_id = l_patron_id;
    END renew_card;

    PROCEDURE set_expiry(p_patron_id IN NUMBER, p_expires_on IN DATE) IS
        l_patron_id patrons.patron_id%TYPE := p_patron_id;
        l_status patrons.status%TYPE;
        l_day    patrons.expires_on%TYPE;
        l_now    patrons.status_changed_at%TYPE;
        l_today  patrons.expires_on%TYPE;
    BEGIN
        lib_auth.require_permission('PATRON_MANAGE');
        l_status := lock_patron(l_patron_id);
        IF l_status = 'DELETED' THEN
            lib_err.raise_error('PATRON_INACTIVE', 'patron ' || TO_CHAR(p_patron_id));
        END IF;
        IF p_expires_on IS NULL THEN
            lib_err.raise_error('INVALID_PATRON_DATA', 'expiry date required');
        END IF;
        l_day := TRUNC(p_expires_on);
        l_now := lib_clock.now_utc();
        l_today := lib_clock.local_day(l_now);
        UPDATE patrons
           SET expires_on = l_day,
               status = CASE
                            WHEN status = 'EXPIRED' AND l_day >= l_today THEN 'ACTIVE'
                            WHEN status = 'ACTIVE' AND l_day < l_today THEN 'EXPIRED'
                            ELSE status
                        END,
               status_changed_at = CASE
                                       WHEN status = 'EXPIRED' AND l_day >= l_today THEN l_now
                                       WHEN status = 'ACTIVE' AND l_day < l_today THEN l_now
                                       ELSE status_changed_at
                                   END
         WHERE patron_id = l_patron_id;
    END set_expiry;

    PROCEDURE expire_patrons(p_as_of IN DATE, p_rows OUT NUMBER) IS
        l_day patrons.expires_on%TYPE;
        l_now patrons.status_changed_at%TYPE;
    BEGIN
        lib_auth.require_permission('PATRON_MANAGE');
        l_now := lib_clock.now_utc();
        l_day := lib_clock.local_day(NVL(p_as_of, l_now));
        UPDATE patrons
           SET status = 'EXPIRED',
               status_reason = 'Card expired',
               status_changed_at = l_now
         WHERE status = 'ACTIVE'
           AND expires_on < l_day;
        p_rows := SQL%ROWCOUNT;
    END expire_patrons;

    ----------------------------------------------------------------------------------------------
    -- standing: the one rule of checkout, renewal and hold placement
    ----------------------------------------------------------------------------------------------

    FUNCTION standing(p_patron_id IN NUMBER, p_threshold IN NUMBER) RETURN VARCHAR2 IS
        l_patron_id  patrons.patron_id%TYPE := p_patron_id;
        l_refusal    patron_statuses.refusal%TYPE;
        l_expires_on patrons.expires_on%TYPE;
        l_suspended  patrons.suspended_until%TYPE;
        l_found      BOOLEAN := FALSE;
        l_list       VARCHAR2(400);
    BEGIN
        FOR r_patron IN (SELECT ps.refusal, p.expires_on, p.suspended_until
                           FROM patrons p
                           JOIN patron_statuses ps ON ps.code = p.status
                          WHERE p.patron_id = l_patron_id) LOOP
            l_found := TRUE;
            l_refusal := r_patron.refusal;
            l_expires_on := r_patron.expires_on;
            l_suspended := r_patron.suspended_until;
        END LOOP;
        IF NOT l_found THEN
            RETURN 'PATRON_NOT_FOUND';
        END IF;
        -- 1. the record's state (patron_statuses.refusal): deleted, suspended, expired
        l_list := l_refusal;
        -- 2. the card's date, when the state did not already say expired
        IF l_expires_on < lib_clock.today() AND NVL(l_refusal, '-') <> 'PATRON_EXPIRED' THEN
            l_list := add_reason(l_list, 'PATRON_EXPIRED');
        END IF;
        -- 3. a suspension for returning late (lib_policy.suspend_for_late_return) that runs through today
        IF l_suspended >= lib_clock.today() THEN
            l_list := add_reason(l_list, 'PATRON_BORROWING_SUSPENDED');
        END IF;
        -- 4. the fines, against the threshold of the policy that applies
        IF p_threshold IS NOT NULL AND lib_fines.blocking_balance(p_patron_id, p_threshold) > 0 THEN
            l_list := add_reason(l_list, 'PATRON_FINES_OVER_LIMIT');
        END IF;
        RETURN l_list;
    END standing;

    PROCEDURE check_standing(p_patron_id IN NUMBER, p_threshold IN NUMBER) IS
        l_list  VARCHAR2(400);
        l_first VARCHAR2(400);
    BEGIN
        l_list := standing(p_patron_id, p_threshold);
        IF l_list IS NULL THEN
            RETURN;
        END IF;
        l_first := l_list;
        IF INSTR(l_list, ',') > 0 THEN
            l_first := SUBSTR(l_list, 1, INSTR(l_list, ',') - 1);
        END IF;
        IF l_first = 'PATRON_FINES_OVER_LIMIT' THEN
            lib_err.raise_error(l_first, 'patron ' || TO_CHAR(p_patron_id) || ' owes '
                                || lib_fines.money_text(lib_fines.blocking_balance(p_patron_id, p_threshold)));
        END IF;
        lib_err.raise_error(l_first, 'patron ' || TO_CHAR(p_patron_id));
    END check_standing;

END lib_patrons;
/
