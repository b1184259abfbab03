CREATE OR REPLACE PACKAGE BODY lib_admin AS

    -- Public routines take plain NUMBER keys and copy them into locals anchored to the key columns
    -- before any SQL (on PostgreSQL a numeric value compared with a bigint key defeats its index);
    -- private routines take anchored parameters.

    -- NULL for a blank optional value, else the trimmed value.
    FUNCTION blank_null(p_value IN VARCHAR2) RETURN VARCHAR2 IS
    BEGIN
        IF NVL(LENGTH(TRIM(p_value)), 0) = 0 THEN
            RETURN NULL;
        END IF;
        RETURN TRIM(p_value);
    END blank_null;

    -- BRANCH_NOT_FOUND unless the branch exists (active or not).
    PROCEDURE assert_branch(p_branch_id IN branches.branch_id%TYPE) IS
        l_count NUMBER;
    BEGIN
        SELECT COUNT(*) INTO l_count FROM branches WHERE branch_id = p_branch_id;
        IF l_count = 0 THEN
            lib_err.raise_error('BRANCH_NOT_FOUND', 'branch ' || TO_CHAR(p_branch_id));
        END IF;
    END assert_branch;

    -- ---- branches ---------------------------------------------------------------------------------

    -- The stored form of a branch code: trimmed, upper case; INVALID_BRANCH_DATA when unusable.
    FUNCTION branch_code_of(p_code IN VARCHAR2) RETURN VARCHAR2 IS
        l_code VARCHAR2(4000); -- unchecked input: wider than the column until checked
    BEGIN
        l_code := UPPER(TRIM(p_code));
        IF NVL(LENGTH(l_code), 0) = 0 OR LENGTH(l_code) > 20 OR INSTR(l_code, ' ') > 0 THEN
            lib_err.raise_error('INVALID_BRANCH_DATA', 'code required, 1 to 20 characters without spaces');
        END IF;
        RETURN l_code;
    END branch_code_of;

    -- INVALID_BRANCH_DATA unless name, address, phone and e-mail fit their columns.
    PROCEDURE check_branch_data(p_name IN VARCHAR2, p_address IN VARCHAR2, p_phone IN VARCHAR2,
                                p_email IN VARCHAR2) IS
        l_email VARCHAR2(4000);
    BEGIN
        IF NVL(LENGTH(TRIM(p_name)), 0) = 0 OR LENGTH(TRIM(p_name)) > 200 THEN
            lib_err.raise_error('INVALID_BRANCH_DATA', 'name required, at most 200 characters');
        END IF;
        IF LENGTH(TRIM(p_address)) > 400 OR LENGTH(TRIM(p_phone)) > 40 THEN
            lib_err.raise_error('INVALID_BRANCH_DATA', 'address or phone too long');
        END IF;
        l_email := blank_null(p_email);
        IF l_email IS NOT NULL AND (LENGTH(l_email) > 254 OR INSTR(l_email, ' ') > 0 OR INSTR(l_email, '@') < 2
                                    OR INSTR(l_email, '@') = LENGTH(l_email)) THEN
            lib_err.raise_error('INVALID_BRANCH_DATA', 'malformed e-mail address');
        END IF;
    END check_branch_data;

    -- BRANCH_CODE_TAKEN when another branch (not p_branch_id) has the code.
    PROCEDURE check_code_free(p_code IN VARCHAR2, p_branch_id IN branches.branch_id%TYPE) IS
        l_count NUMBER;
    BEGIN
        SELECT COUNT(*)
          INTO l_count
          FROM branches
         WHERE UPPER(code) = p_code
           AND (p_branch_id IS NULL OR branch_id <> p_branch_id);
        IF l_count > 0 THEN
            lib_err.raise_error('BRANCH_CODE_TAKEN', p_code);
        END IF;
    END check_code_free;

    PROCEDURE create_branch(p_code IN VARCHAR2, p_name IN VARCHAR2, p_address IN VARCHAR2, p_phone IN VARCHAR2,
                            p_email IN VARCHAR2, p_branch_id OUT NUMBER) IS
        l_code      branches.code%TYPE;
        l_address   branches.address%TYPE;
        l_phone     branches.phone%TYPE;
        l_email     branches.email%TYPE;
        l_branch_id branches.branch_id%TYPE;
    BEGIN
        lib_auth.require_permission('SYS_CONFIG');
        l_code := branch_code_of(p_code);
        check_branch_data(p_name, p_address, p_phone, p_email);
        check_code_free(l_code, NULL);
        -- body-only functions may not appear in SQL on Oracle (PLS-00231): computed here
        l_address := blank_null(p_address);
        l_phone := blank_null(p_phone);
        l_email := blank_null(p_email);
        BEGIN
            INSERT INTO branches (code, name, address, phone, email, is_active)
            VALUES (l_code, TRIM(p_name), l_address, l_phone, l_email, 'Y')
            RETURNING branch_id INTO l_branch_id;
        EXCEPTION
            WHEN DUP_VAL_ON_INDEX THEN -- taken meanwhile by a concurrent transaction
                lib_err.raise_error('BRANCH_CODE_TAKEN', l_code);
        END;
        p_branch_id := l_branch_id;
    END create_branch;

    PROCEDURE update_branch(p_branch_id IN NUMBER, p_code IN VARCHAR2, p_name IN VARCHAR2, p_address IN VARCHAR2,
                            p_phone IN VARCHAR2, p_email IN VARCHAR2, p_active IN VARCHAR2) IS
        l_branch_id branches.branch_id%TYPE := p_branch_id;
        l_found     branches.branch_id%TYPE;
        l_code      branches.code%TYPE;
        l_address   branches.address%TYPE;
        l_phone     branches.phone%TYPE;
        l_email     branches.email%TYPE;
    BEGIN
        lib_auth.require_permission('SYS_CONFIG');
        FOR r_branch IN (SELECT branch_id FROM branches WHERE branch_id = l_branch_id FOR UPDATE) LOOP
            l_found := r_branch.branch_id;
        END LOOP;
        IF l_found IS NULL THEN
            lib_err.raise_error('BRANCH_NOT_FOUND', 'branch ' || TO_CHAR(p_branch_id));
        END IF;
        l_code := branch_code_of(p_code);
        check_branch_data(p_name, p_address, p_phone, p_email);
        IF p_active IS NULL OR p_active NOT IN ('Y', 'N') THEN
            lib_err.raise_error('INVALID_BRANCH_DATA', 'active must be Y or N');
        END IF;
        check_code_free(l_code, l_branch_id);
        l_address := blank_null(p_address); -- not inside the UPDATE: PLS-00231
        l_phone := blank_null(p_phone);
        l_email := blank_null(p_email);
        BEGIN
            UPDATE branches
               SET code = l_code,
                   name = TRIM(p_name),
                   address = l_address,
                   phone = l_phone,
                   email = l_email,
                   is_active = p_active
             WHERE branch_id = l_branch_id;
        EXCEPTION
            WHEN DUP_VAL_ON_INDEX THEN
                lib_err.raise_error('BRANCH_CODE_TAKEN', l_code);
        END;
    END update_branch;

    PROCEDURE deactivate_branch(p_branch_id IN NUMBER) IS
        l_branch_id branches.branch_id%TYPE := p_branch_id;
    BEGIN
        lib_auth.require_permission('SYS_CONFIG');
        assert_branch(l_branch_id);
        UPDATE branches SET is_active = 'N' WHERE branch_id = l_branch_id AND is_active = 'Y';
    END deactivate_branch;

    -- ---- closed days ------------------------------------------------------------------------------

    -- INVALID_CLOSED_DAY / BRANCH_NOT_FOUND / CLOSED_DAY_EXISTS unless the day can be stored for the
    -- branch (p_closed_day_id: the row being changed, NULL for a new one).
    PROCEDURE check_closed_day(p_closed_day_id IN closed_days.closed_day_id%TYPE,
                               p_branch_id IN closed_days.branch_id%TYPE, p_day IN DATE, p_reason IN VARCHAR2) IS
        l_count NUMBER;
    BEGIN
        IF p_day IS NULL THEN
            lib_err.raise_error('INVALID_CLOSED_DAY', 'the day is required');
        END IF;
        IF LENGTH(TRIM(p_reason)) > 200 THEN
            lib_err.raise_error('INVALID_CLOSED_DAY', 'reason longer than 200 characters');
        END IF;
        IF p_branch_id IS NOT NULL THEN
            assert_branch(p_branch_id);
        END IF;
        SELECT COUNT(*)
          INTO l_count
          FROM closed_days
         WHERE COALESCE(branch_id, -1) = COALESCE(p_branch_id, -1)
           AND closed_on = p_day
           AND (p_closed_day_id IS NULL OR closed_day_id <> p_closed_day_id);
        IF l_count > 0 THEN
            lib_err.raise_error('CLOSED_DAY_EXISTS', TO_CHAR(p_day, 'YYYY-MM-DD'));
        END IF;
    END check_closed_day;

    PROCEDURE add_closed_day(p_branch_id IN NUMBER, p_closed_on IN DATE, p_reason IN VARCHAR2,
                             p_closed_day_id OUT NUMBER) IS
        l_branch_id closed_days.branch_id%TYPE := p_branch_id;
        l_day       closed_days.closed_on%TYPE;
        l_reason    closed_days.reason%TYPE;
        l_id        closed_days.closed_day_id%TYPE;
    BEGIN
        lib_auth.require_permission('SYS_CONFIG');
        l_day := TRUNC(p_closed_on);
        check_closed_day(NULL, l_branch_id, l_day, p_reason);
        l_reason := blank_null(p_reason); -- not inside the INSERT: PLS-00231
        BEGIN
            INSERT INTO closed_days (branch_id, closed_on, reason)
            VALUES (l_branch_id, l_day, l_reason)
            RETURNING closed_day_id INTO l_id;
        EXCEPTION
            WHEN DUP_VAL_ON_INDEX THEN -- closed_days_branch_date_uk, taken meanwhile
                lib_err.raise_error('CLOSED_DAY_EXISTS', TO_CHAR(l_day, 'YYYY-MM-DD'));
        END;
        p_closed_day_id := l_id;
    END add_closed_day;

    PROCEDURE update_closed_day(p_closed_day_id IN NUMBER, p_branch_id IN NUMBER, p_closed_on IN DATE,
                                p_reason IN VARCHAR2) IS
        l_id        closed_days.closed_day_id%TYPE := p_closed_day_id;
        l_found     closed_days.closed_day_id%TYPE;
        l_branch_id closed_days.branch_id%TYPE := p_branch_id;
        l_day       closed_days.closed_on%TYPE;
        l_reason    closed_days.reason%TYPE;
    BEGIN
        lib_auth.require_permission('SYS_CONFIG');
        FOR r_day IN (SELECT closed_day_id FROM closed_days WHERE closed_day_id = l_id FOR UPDATE) LOOP
            l_found := r_day.closed_day_id;
        END LOOP;
        IF l_found IS NULL THEN
            lib_err.raise_error('CLOSED_DAY_NOT_FOUND', 'closed day ' || TO_CHAR(p_closed_day_id));
        END IF;
        l_day := TRUNC(p_closed_on);
        check_closed_day(l_id, l_branch_id, l_day, p_reason);
        l_reason := blank_null(p_reason);
        BEGIN
            UPDATE closed_days
               SET branch_id = l_branch_id,
                   closed_on = l_day,
                   reason = l_reason
             WHERE closed_day_id = l_id;
        EXCEPTION
            WHEN DUP_VAL_ON_INDEX THEN
                lib_err.raise_error('CLOSED_DAY_EXISTS', TO_CHAR(l_day, 'YYYY-MM-DD'));
        END;
    END update_closed_day;

    PROCEDURE delete_closed_day(p_closed_day_id IN NUMBER) IS
        l_id closed_days.closed_day_id%TYPE := p_closed_day_id;
    BEGIN
        lib_auth.require_permission('SYS_CONFIG');
        DELETE FROM closed_days WHERE closed_day_id = l_id;
        IF SQL%ROWCOUNT = 0 THEN
            lib_err.raise_error('CLOSED_DAY_NOT_FOUND', 'closed day ' || TO_CHAR(p_closed_day_id));
        END IF;
    END delete_closed_day;

    -- ---- weekly closures --------------------------------------------------------------------------

    -- INVALID_CLOSED_DAY / BRANCH_NOT_FOUND / CLOSED_DAY_EXISTS unless the weekday can be stored for the
    -- branch (p_closed_weekday_id: the row being changed, NULL for a new one).
    PROCEDURE check_closed_weekday(p_closed_weekday_id IN closed_weekdays.closed_weekday_id%TYPE,
                                   p_branch_id IN closed_weekdays.branch_id%TYPE, p_iso_weekday IN NUMBER,
                                   p_reason IN VARCHAR2) IS
        l_count NUMBER;
    BEGIN
        IF p_iso_weekday IS NULL OR p_iso_weekday < 1 OR p_iso_weekday > 7 OR p_iso_weekday <> TRUNC(p_iso_weekday) THEN
            lib_err.raise_error('INVALID_CLOSED_DAY', 'the weekday is required, 1 = Monday to 7 = Sunday');
        END IF;
        IF LENGTH(TRIM(p_reason)) > 200 THEN
            lib_err.raise_error('INVALID_CLOSED_DAY', 'reason longer than 200 characters');
        END IF;
        IF p_branch_id IS NOT NULL THEN
            assert_branch(p_branch_id);
        END IF;
        SELECT COUNT(*)
          INTO l_count
          FROM closed_weekdays
         WHERE COALESCE(branch_id, -1) = COALESCE(p_branch_id, -1)
           AND iso_weekday = p_iso_weekday
           AND (p_closed_weekday_id IS NULL OR closed_weekday_id <> p_closed_weekday_id);
        IF l_count > 0 THEN
            lib_err.raise_error('CLOSED_DAY_EXISTS', 'weekday ' || TO_CHAR(p_iso_weekday));
        END IF;
    END check_closed_weekday;

    PROCEDURE add_closed_weekday(p_branch_id IN NUMBER, p_iso_weekday IN NUMBER, p_reason IN VARCHAR2,
                                 p_closed_weekday_id OUT NUMBER) IS
        l_branch_id closed_weekdays.branch_id%TYPE := p_branch_id;
        l_weekday   closed_weekdays.iso_weekday%TYPE;
        l_reason    closed_weekdays.reason%TYPE;
        l_id        closed_weekdays.closed_weekday_id%TYPE;
    BEGIN
        lib_auth.require_permission('SYS_CONFIG');
        check_closed_weekday(NULL, l_branch_id, p_iso_weekday, p_reason);
        l_weekday := p_iso_weekday;
        l_reason := blank_null(p_reason); -- not inside the INSERT: PLS-00231
        BEGIN
            INSERT INTO closed_weekdays (branch_id, iso_weekday, reason)
            VALUES (l_branch_id, l_weekday, l_reason)
            RETURNING closed_weekday_id INTO l_id;
        EXCEPTION
            WHEN DUP_VAL_ON_INDEX THEN -- closed_weekdays_branch_day_uk, taken meanwhile
                lib_err.raise_error('CLOSED_DAY_EXISTS', 'weekday ' || TO_CHAR(l_weekday));
        END;
        p_closed_weekday_id := l_id;
    END add_closed_weekday;

    PROCEDURE update_closed_weekday(p_closed_weekday_id IN NUMBER, p_branch_id IN NUMBER, p_iso_weekday IN NUMBER,
                                    p_reason IN VARCHAR2) IS
        l_id        closed_weekdays.closed_weekday_id%TYPE := p_closed_weekday_id;
        l_found     closed_weekdays.closed_weekday_id%TYPE;
        l_branch_id closed_weekdays.branch_id%TYPE := p_branch_id;
        l_weekday   closed_weekdays.iso_weekday%TYPE;
        l_reason    closed_weekdays.reason%TYPE;
    BEGIN
        lib_auth.require_permission('SYS_CONFIG');
        FOR r_day IN (SELECT closed_weekday_id FROM closed_weekdays WHERE closed_weekday_id = l_id FOR UPDATE) LOOP
            l_found := r_day.closed_weekday_id;
        END LOOP;
        IF l_found IS NULL THEN
            lib_err.raise_error('CLOSED_DAY_NOT_FOUND', 'weekly closure ' || TO_CHAR(p_closed_weekday_id));
        END IF;
        check_closed_weekday(l_id, l_branch_id, p_iso_weekday, p_reason);
        l_weekday := p_iso_weekday;
        l_reason := blank_null(p_reason);
        BEGIN
            UPDATE closed_weekdays
               SET branch_id = l_branch_id,
                   iso_weekday = l_weekday,
                   reason = l_reason
             WHERE closed_weekday_id = l_id;
        EXCEPTION
            WHEN DUP_VAL_ON_INDEX THEN
                lib_err.raise_error('CLOSED_DAY_EXISTS', 'weekday ' || TO_CHAR(l_weekday));
        END;
    END update_closed_weekday;

    PROCEDURE delete_closed_weekday(p_closed_weekday_id IN NUMBER) IS
        l_id closed_weekdays.closed_weekday_id%TYPE := p_closed_weekday_id;
    BEGIN
        lib_auth.require_permission('SYS_CONFIG');
        DELETE FROM closed_weekdays WHERE closed_weekday_id = l_id;
        IF SQL%ROWCOUNT = 0 THEN
            lib_err.raise_error('CLOSED_DAY_NOT_FOUND', 'weekly closure ' || TO_CHAR(p_closed_weekday_id));
        END IF;
    END delete_closed_weekday;

    -- ---- circulation policies ---------------------------------------------------------------------

    -- INVALID_POLICY unless p_value is a whole number from p_min to p_max.
    PROCEDURE check_whole(p_value IN NUMBER, p_min IN NUMBER, p_max IN NUMBER, p_what IN VARCHAR2) IS
    BEGIN
        IF p_value IS NULL OR p_value < p_min OR p_value > p_max OR p_value <> TRUNC(p_value) THEN
            lib_err.raise_error('INVALID_POLICY', p_what || ' must be a whole number from ' || TO_CHAR(p_min)
                                || ' to ' || TO_CHAR(p_max));
        END IF;
    END check_whole;

    -- INVALID_POLICY unless p_value is an amount: not negative, at most two decimals, fits NUMBER(10,2).
    PROCEDURE check_amount(p_value IN NUMBER, p_what IN VARCHAR2) IS
    BEGIN
        IF p_value IS NULL OR p_value < 0 OR p_value >= 100000000 OR p_value <> ROUND(p_value, 2) THEN
            lib_err.raise_error('INVALID_POLICY', p_what || ' must be an amount of 0 or more with at most two decimals');
        END IF;
    END check_amount;

    -- INVALID_POLICY unless p_value is NULL (no rule) or a whole number from p_min to p_max.
    PROCEDURE check_optional_whole(p_value IN NUMBER, p_min IN NUMBER, p_max IN NUMBER, p_what IN VARCHAR2) IS
    BEGIN
        IF p_value IS NOT NULL THEN
            check_whole(p_value, p_min, p_max, p_what);
        END IF;
    END check_optional_whole;

    -- INVALID_POLICY unless p_value is NULL (no rule) or a share from 0 to 1 with at most two decimals.
    PROCEDURE check_optional_share(p_value IN NUMBER, p_what IN VARCHAR2) IS
    BEGIN
        IF p_value IS NOT NULL AND (p_value < 0 OR p_value > 1 OR p_value <> ROUND(p_value, 2)) THEN
            lib_err.raise_error('INVALID_POLICY', p_what || ' must be a share from 0 to 1 with at most two decimals');
        END IF;
    END check_optional_share;

    -- INVALID_POLICY unless p_value is Y or N.
    PROCEDURE check_flag(p_value IN VARCHAR2, p_what IN VARCHAR2) IS
    BEGIN
        IF p_value IS NULL OR p_value NOT IN ('Y', 'N') THEN
            lib_err.raise_error('INVALID_POLICY', p_what || ' must be Y or N');
        END IF;
    END check_flag;

    -- Every rule of a policy row (the scope is checked by check_scope).
    PROCEDURE check_policy(p_patron_category IN VARCHAR2, p_material_type IN VARCHAR2,
                           p_loan_days IN NUMBER, p_max_renewals IN NUMBER, p_renew_from_due IN VARCHAR2,
                           p_loan_limit IN NUMBER, p_hold_limit IN NUMBER, p_daily_fine IN NUMBER,
                           p_grace_days IN NUMBER, p_max_fine IN NUMBER, p_fine_block_threshold IN NUMBER,
                           p_hold_pickup_days IN NUMBER, p_holdable IN VARCHAR2, p_lost_after_days IN NUMBER,
                           p_lost_refund IN VARCHAR2, p_cap_fine_to_price IN VARCHAR2,
                           p_suspension_days_per_day IN NUMBER, p_max_suspension_days IN NUMBER,
                           p_no_renewal_before_days IN NUMBER, p_max_overdue_loans IN NUMBER,
                           p_damage_fee IN NUMBER, p_damage_fee_share IN NUMBER) IS
        l_count NUMBER;
    BEGIN
        -- NULL = any (a wildcard of the scope)
        SELECT COUNT(*) INTO l_count FROM patron_categories WHERE code = p_patron_category;
        IF p_patron_category IS NOT NULL AND l_count = 0 THEN
            lib_err.raise_error('INVALID_POLICY', 'unknown patron category ' || SUBSTR(p_patron_category, 1, 20));
        END IF;
        SELECT COUNT(*) INTO l_count FROM material_types WHERE code = p_material_type;
        IF p_material_type IS NOT NULL AND l_count = 0 THEN
            lib_err.raise_error('INVALID_POLICY', 'unknown material type ' || SUBSTR(p_material_type, 1, 20));
        END IF;
        check_whole(p_loan_days, 1, 3650, 'loan days');
        check_whole(p_max_renewals, 0, 999, 'maximum renewals');
        check_flag(p_renew_from_due, 'renew from due');
        check_whole(p_loan_limit, 0, 99999, 'loan limit');
        check_whole(p_hold_limit, 0, 99999, 'hold limit');
        check_amount(p_daily_fine, 'daily fine');
        check_whole(p_grace_days, 0, 999, 'grace days');
        check_amount(p_max_fine, 'maximum fine');
        check_amount(p_fine_block_threshold, 'fine block threshold');
        check_whole(p_hold_pickup_days, 1, 999, 'hold pickup days');
        check_flag(p_holdable, 'holdable');
        check_whole(p_lost_after_days, 1, 3650, 'lost after days');
        check_flag(p_lost_refund, 'lost refund');
        check_flag(p_cap_fine_to_price, 'cap fine to price');
        check_whole(p_suspension_days_per_day, 0, 999, 'suspension days per day late');
        check_optional_whole(p_max_suspension_days, 0, 9999, 'maximum suspension days');
        check_optional_whole(p_no_renewal_before_days, 0, 9999, 'no renewal before days');
        check_optional_whole(p_max_overdue_loans, 1, 99999, 'maximum overdue loans');
        IF p_damage_fee IS NOT NULL THEN
            check_amount(p_damage_fee, 'damage fee');
        END IF;
        check_optional_share(p_damage_fee_share, 'damage fee share');
    END check_policy;

    -- POLICY_SCOPE_TAKEN when another policy (not p_policy_id) has the same scope, NULL meaning any:
    -- the rule of circ_policies_scope_uk, checked first to name the policy in the way.
    PROCEDURE check_scope(p_policy_id IN circ_policies.policy_id%TYPE, p_branch_id IN circ_policies.branch_id%TYPE,
                          p_patron_category IN VARCHAR2, p_material_type IN VARCHAR2) IS
        l_other circ_policies.policy_id%TYPE;
    BEGIN
        SELECT MIN(policy_id)
          INTO l_other
          FROM circ_policies
         WHERE COALESCE(branch_id, -1) = COALESCE(p_branch_id, -1)
           AND COALESCE(patron_category, '*') = COALESCE(p_patron_category, '*')
           AND COALESCE(material_type, '*') = COALESCE(p_material_type, '*')
           AND (p_policy_id IS NULL OR policy_id <> p_policy_id);
        IF l_other IS NOT NULL THEN
            lib_err.raise_error('POLICY_SCOPE_TAKEN', 'policy ' || TO_CHAR(l_other));
        END IF;
    END check_scope;

    -- Category and material type as stored: upper case, NULL (any) when blank.
    FUNCTION scope_value(p_value IN VARCHAR2) RETURN VARCHAR2 IS
    BEGIN
        RETURN UPPER(blank_null(p_value));
    END scope_value;

    PROCEDURE create_policy(p_branch_id IN NUMBER, p_patron_category IN VARCHAR2, p_material_type IN VARCHAR2,
                            p_loan_days IN NUMBER, p_max_renewals IN NUMBER, p_renew_from_due IN VARCHAR2,
                            p_loan_limit IN NUMBER, p_hold_limit IN NUMBER,
                            p_daily_fine IN circ_policies.daily_fine%TYPE, p_grace_days IN NUMBER,
                            p_max_fine IN circ_policies.max_fine%TYPE,
                            p_fine_block_threshold IN circ_policies.fine_block_threshold%TYPE,
                            p_hold_pickup_days IN NUMBER, p_holdable IN VARCHAR2, p_lost_after_days IN NUMBER,
                            p_lost_refund IN VARCHAR2, p_cap_fine_to_price IN VARCHAR2,
                            p_suspension_days_per_day IN NUMBER, p_max_suspension_days IN NUMBER,
                            p_no_renewal_before_days IN NUMBER, p_max_overdue_loans IN NUMBER,
                            p_damage_fee IN circ_policies.damage_fee%TYPE,
                            p_damage_fee_share IN circ_policies.damage_fee_share%TYPE, p_policy_id OUT NUMBER) IS
        l_branch_id circ_policies.branch_id%TYPE := p_branch_id;
        l_category  VARCHAR2(4000); -- unchecked input: wider than the columns until checked
        l_type      VARCHAR2(4000);
        l_policy_id circ_policies.policy_id%TYPE;
    BEGIN
        lib_auth.require_permission('SYS_CONFIG');
        l_category := scope_value(p_patron_category);
        l_type := scope_value(p_material_type);
        check_policy(l_category, l_type, p_loan_days, p_max_renewals, p_renew_from_due, p_loan_limit,
                     p_hold_limit, p_daily_fine, p_grace_days, p_max_fine, p_fine_block_threshold,
                     p_hold_pickup_days, p_holdable, p_lost_after_days, p_lost_refund, p_cap_fine_to_price,
                     p_suspension_days_per_day, p_max_suspension_days, p_no_renewal_before_days,
                     p_max_overdue_loans, p_damage_fee, p_damage_fee_share);
        IF l_branch_id IS NOT NULL THEN
            assert_branch(l_branch_id);
        END IF;
        check_scope(NULL, l_branch_id, l_category, l_type);
        BEGIN
            INSERT INTO circ_policies (branch_id, patron_category, material_type, loan_days, max_renewals,
                                       renew_from_due, loan_limit, hold_limit, daily_fine, grace_days, max_fine,
                                       fine_block_threshold, hold_pickup_days, holdable, lost_after_days,
                                       lost_refund, cap_fine_to_price, suspension_days_per_day,
                                       max_suspension_days, no_renewal_before_days, max_overdue_loans, damage_fee,
                                       damage_fee_share)
            VALUES (l_branch_id, l_category, l_type, p_loan_days, p_max_renewals, p_renew_from_due, p_loan_limit,
                    p_hold_limit, p_daily_fine, p_grace_days, p_max_fine, p_fine_block_threshold,
                    p_hold_pickup_days, p_holdable, p_lost_after_days, p_lost_refund, p_cap_fine_to_price,
                    p_suspension_days_per_day, p_max_suspension_days, p_no_renewal_before_days,
                    p_max_overdue_loans, p_damage_fee, p_damage_fee_share)
            RETURNING policy_id INTO l_policy_id;
        EXCEPTION
            WHEN DUP_VAL_ON_INDEX THEN -- circ_policies_scope_uk: a policy of this scope came meanwhile
                lib_err.raise_error('POLICY_SCOPE_TAKEN', 'branch ' || NVL(TO_CHAR(l_branch_id), 'any')
                                    || ', category ' || NVL(l_category, 'any') || ', type ' || NVL(l_type, 'any'));
        END;
        p_policy_id := l_policy_id;
    END create_policy;

    PROCEDURE update_policy(p_policy_id IN NUMBER, p_branch_id IN NUMBER, p_patron_category IN VARCHAR2,
                            p_material_type IN VARCHAR2, p_loan_days IN NUMBER, p_max_renewals IN NUMBER,
                            p_renew_from_due IN VARCHAR2, p_loan_limit IN NUMBER, p_hold_limit IN NUMBER,
                            p_daily_fine IN circ_policies.daily_fine%TYPE, p_grace_days IN NUMBER,
                            p_max_fine IN circ_policies.max_fine%TYPE,
                            p_fine_block_threshold IN circ_policies.fine_block_threshold%TYPE,
                            p_hold_pickup_days IN NUMBER, p_holdable IN VARCHAR2, p_lost_after_days IN NUMBER,
                            p_lost_refund IN VARCHAR2, p_cap_fine_to_price IN VARCHAR2,
                            p_suspension_days_per_day IN NUMBER, p_max_suspension_days IN NUMBER,
                            p_no_renewal_before_days IN NUMBER, p_max_overdue_loans IN NUMBER,
                            p_damage_fee IN circ_policies.damage_fee%TYPE,
                            p_damage_fee_share IN circ_policies.damage_fee_share%TYPE) IS
        l_policy_id circ_policies.policy_id%TYPE := p_policy_id;
        l_found     circ_policies.policy_id%TYPE;
        l_branch_id circ_policies.branch_id%TYPE := p_branch_id;
        l_category  VARCHAR2(4000);
        l_type      VARCHAR2(4000);
    BEGIN
        lib_auth.require_permission('SYS_CONFIG');
        FOR r_policy IN (SELECT policy_id FROM circ_policies WHERE policy_id = l_policy_id FOR UPDATE) LOOP
            l_found := r_policy.policy_id;
        END LOOP;
        IF l_found IS NULL THEN
            lib_err.raise_error('POLICY_NOT_FOUND', 'policy ' || TO_CHAR(p_policy_id));
        END IF;
        l_category := scope_value(p_patron_category);
        l_type := scope_value(p_material_type);
        check_policy(l_category, l_type, p_loan_days, p_max_renewals, p_renew_from_due, p_loan_limit,
                     p_hold_limit, p_daily_fine, p_grace_days, p_max_fine, p_fine_block_threshold,
                     p_hold_pickup_days, p_holdable, p_lost_after_days, p_lost_refund, p_cap_fine_to_price,
                     p_suspension_days_per_day, p_max_suspension_days, p_no_renewal_before_days,
                     p_max_overdue_loans, p_damage_fee, p_damage_fee_share);
        IF l_branch_id IS NOT NULL THEN
            assert_branch(l_branch_id);
        END IF;
        check_scope(l_policy_id, l_branch_id, l_category, l_type);
        BEGIN
            UPDATE circ_policies
               SET branch_id = l_branch_id,
                   patron_category = l_category,
                   material_type = l_type,
                   loan_days = p_loan_days,
                   max_renewals = p_max_renewals,
                   renew_from_due = p_renew_from_due,
                   loan_limit = p_loan_limit,
                   hold_limit = p_hold_limit,
                   daily_fine = p_daily_fine,
                   grace_days = p_grace_days,
                   max_fine = p_max_fine,
                   fine_block_threshold = p_fine_block_threshold,
                   hold_pickup_days = p_hold_pickup_days,
                   holdable = p_holdable,
                   lost_after_days = p_lost_after_days,
                   lost_refund = p_lost_refund,
                   cap_fine_to_price = p_cap_fine_to_price,
                   suspension_days_per_day = p_suspension_days_per_day,
                   max_suspension_days = p_max_suspension_days,
                   no_renewal_before_days = p_no_renewal_before_days,
                   max_overdue_loans = p_max_overdue_loans,
                   damage_fee = p_damage_fee,
                   damage_fee_share = p_damage_fee_share
             WHERE policy_id = l_policy_id;
        EXCEPTION
            WHEN DUP_VAL_ON_INDEX THEN
                lib_err.raise_error('POLICY_SCOPE_TAKEN', 'branch ' || NVL(TO_CHAR(l_branch_id), 'any')
                                    || ', category ' || NVL(l_category, 'any') || ', type ' || NVL(l_type, 'any'));
        END;
    END update_policy;

    PROCEDURE delete_policy(p_policy_id IN NUMBER) IS
        l_policy_id circ_policies.policy_id%TYPE := p_policy_id;
        l_found     circ_policies.policy_id%TYPE;
        l_default   NUMBER;
        l_count     NUMBER;
    BEGIN
        lib_auth.require_permission('SYS_CONFIG');
        FOR r_policy IN (SELECT policy_id,
                                CASE WHEN branch_id IS NULL AND patron_category IS NULL AND material_type IS NULL
                                     THEN 1 ELSE 0 END AS is_default
                           FROM circ_policies
                          WHERE policy_id = l_policy_id
                            FOR UPDATE) LOOP
            l_found := r_policy.policy_id;
            l_default := r_policy.is_default;
        END LOOP;
        IF l_found IS NULL THEN
            lib_err.raise_error('POLICY_NOT_FOUND', 'policy ' || TO_CHAR(p_policy_id));
        END IF;
        IF l_default = 1 THEN
            lib_err.raise_error('INVALID_POLICY', 'the library-wide default policy cannot be deleted');
        END IF;
        SELECT COUNT(*) INTO l_count FROM loans WHERE policy_id = l_policy_id;
        IF l_count > 0 THEN
            lib_err.raise_error('POLICY_IN_USE', 'policy ' || TO_CHAR(p_policy_id));
        END IF;
        DELETE FROM circ_policies WHERE policy_id = l_policy_id;
    END delete_policy;

    -- ---- settings ---------------------------------------------------------------------------------

    -- 1 when p_zone is UTC, or a region name Area/Location that the database converts times to, else 0.
    FUNCTION zone_known(p_zone IN VARCHAR2) RETURN NUMBER IS
        l_now   DATE;
        l_local DATE;
    BEGIN
        IF p_zone = 'UTC' THEN
            RETURN 1;
        END IF;
        -- a region name: starts with a letter, has a '/', only letters, digits and _ - + /
        IF INSTR('ABCDEFGHIJKLMNOPQRSTUVWXYZ', UPPER(SUBSTR(p_zone, 1, 1))) = 0
           OR INSTR(p_zone, '/') = 0 OR SUBSTR(p_zone, LENGTH(p_zone), 1) = '/' OR INSTR(p_zone, '//') > 0
           OR LENGTH(p_zone) > 64
           OR LENGTH(TRIM(TRANSLATE(UPPER(p_zone), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-+/',
                                    RPAD(' ', 40)))) > 0 THEN
            RETURN 0;
        END IF;
        l_now := lib_clock.now_utc();
        BEGIN
            l_local := CAST(FROM_TZ(CAST(l_now AS TIMESTAMP), 'UTC') AT TIME ZONE p_zone AS DATE);
        EXCEPTION
            WHEN OTHERS THEN -- the conversion alone: its only failure is a zone the engine does not know
                l_local := NULL;
        END;
        IF l_local IS NULL THEN
            RETURN 0;
        END IF;
        RETURN 1;
    END zone_known;

    PROCEDURE set_setting(p_name IN VARCHAR2, p_value IN VARCHAR2) IS
        l_name  VARCHAR2(4000); -- unchecked input: wider than the columns until checked
        l_value VARCHAR2(4000);
        l_count NUMBER;
        l_type  app_settings.value_type%TYPE;
        l_min   app_settings.min_value%TYPE;
        l_max   app_settings.max_value%TYPE;
        l_whole NUMBER;
    BEGIN
        lib_auth.require_permission('SYS_CONFIG');
        l_name := UPPER(TRIM(p_name));
        SELECT COUNT(*), MAX(value_type), MAX(min_value), MAX(max_value)
          INTO l_count, l_type, l_min, l_max
          FROM app_settings
         WHERE name = l_name;
        IF l_count = 0 THEN
            lib_err.raise_error('SETTING_NOT_FOUND', SUBSTR(l_name, 1, 40));
        END IF;
        l_value := TRIM(p_value);
        IF NVL(LENGTH(l_value), 0) = 0 OR LENGTH(l_value) > 400 THEN
            lib_err.raise_error('INVALID_SETTING_VALUE', l_name || ': a value of 1 to 400 characters');
        END IF;
        IF l_type = 'INTEGER' THEN
            -- digits only, as lib_auth, lib_patrons and lib_jobs read it
            IF LENGTH(l_value) > 9 OR LENGTH(TRIM(TRANSLATE(l_value, '0123456789', '          '))) > 0 THEN
                lib_err.raise_error('INVALID_SETTING_VALUE', l_name || ': a whole number from ' || TO_CHAR(l_min)
                                    || ' to ' || TO_CHAR(l_max));
            END IF;
            l_whole := TO_NUMBER(l_value);
            IF l_whole < l_min OR l_whole > l_max THEN
                lib_err.raise_error('INVALID_SETTING_VALUE', l_name || ': a whole number from ' || TO_CHAR(l_min)
                                    || ' to ' || TO_CHAR(l_max));
            END IF;
            l_value := TO_CHAR(l_whole, 'FM999999990');
        ELSIF l_type = 'TIME_ZONE' THEN
            IF zone_known(l_value) = 0 THEN
                lib_err.raise_error('INVALID_SETTING_VALUE', l_name || ': UTC or a region name such as Europe/Paris');
            END IF;
        END IF;
        UPDATE app_settings SET value = l_value WHERE name = l_name;
    END set_setting;

END lib_admin;
/
