CREATE OR REPLACE PACKAGE BODY lib_policy AS

    -- an INTEGER setting, 0 when missing
    FUNCTION setting_number(p_name IN VARCHAR2) RETURN NUMBER IS
        l_value app_settings.value%TYPE;
    BEGIN
        SELECT MAX(s.value) INTO l_value FROM app_settings s WHERE s.name = p_name;
        RETURN NVL(TO_NUMBER(l_value), 0);
    END setting_number;

    FUNCTION find_policy(p_branch_id IN NUMBER, p_patron_category IN VARCHAR2, p_material_type IN VARCHAR2)
        RETURN NUMBER IS
        -- keys are compared through variables of the column's type (an index-friendly comparison)
        l_branch_id branches.branch_id%TYPE := p_branch_id;
        -- every row that matches (NULL = any), most specific first
        CURSOR c_match IS
            SELECT cp.policy_id
              FROM circ_policies cp
             WHERE (cp.branch_id = l_branch_id OR cp.branch_id IS NULL)
               AND (cp.patron_category = p_patron_category OR cp.patron_category IS NULL)
               AND (cp.material_type = p_material_type OR cp.material_type IS NULL)
             ORDER BY CASE WHEN cp.branch_id IS NOT NULL THEN 4 ELSE 0 END
                    + CASE WHEN cp.patron_category IS NOT NULL THEN 2 ELSE 0 END
                    + CASE WHEN cp.material_type IS NOT NULL THEN 1 ELSE 0 END DESC NULLS LAST,
                      cp.policy_id;
        l_policy_id circ_policies.policy_id%TYPE;
    BEGIN
        l_policy_id := NULL;
        OPEN c_match;
        FETCH c_match INTO l_policy_id;
        CLOSE c_match;
        RETURN l_policy_id;
    END find_policy;

    FUNCTION policy_for(p_branch_id IN NUMBER, p_patron_category IN VARCHAR2, p_material_type IN VARCHAR2)
        RETURN NUMBER IS
        l_policy_id circ_policies.policy_id%TYPE;
    BEGIN
        l_policy_id := find_policy(p_branch_id, p_patron_category, p_material_type);
        IF l_policy_id IS NULL THEN
            lib_err.raise_error('NO_CIRC_POLICY', 'branch ' || NVL(TO_CHAR(p_branch_id), 'any')
                                || ', category ' || NVL(p_patron_category, 'any')
                                || ', type ' || NVL(p_material_type, 'any'));
        END IF;
        RETURN l_policy_id;
    END policy_for;

    FUNCTION policy_for_loan(p_patron_id IN NUMBER, p_copy_id IN NUMBER) RETURN NUMBER IS
        l_patron_id patrons.patron_id%TYPE := p_patron_id;
        l_copy_id   copies.copy_id%TYPE := p_copy_id;
        l_category  patrons.category%TYPE;
        l_branch_id copies.branch_id%TYPE;
        l_type      materials.material_type%TYPE;
    BEGIN
        BEGIN
            SELECT p.category INTO l_category FROM patrons p WHERE p.patron_id = l_patron_id;
        EXCEPTION
            WHEN NO_DATA_FOUND THEN
                lib_err.raise_error('PATRON_NOT_FOUND', 'patron ' || p_patron_id);
        END;
        BEGIN
            SELECT c.branch_id, m.material_type
              INTO l_branch_id, l_type
              FROM copies c
              JOIN materials m ON m.material_id = c.material_id
             WHERE c.copy_id = l_copy_id;
        EXCEPTION
            WHEN NO_DATA_FOUND THEN
                lib_err.raise_error('COPY_NOT_FOUND', 'copy ' || p_copy_id);
        END;
        RETURN policy_for(l_branch_id, l_category, l_type);
    END policy_for_loan;

    FUNCTION loan_due_at(p_patron_id IN NUMBER, p_branch_id IN NUMBER, p_from IN DATE, p_days IN NUMBER)
        RETURN DATE IS
        l_patron_id  patrons.patron_id%TYPE := p_patron_id;
        l_expires_on patrons.expires_on%TYPE;
        l_due        DATE;
        l_cap        DATE;
    BEGIN
        l_due := lib_calendar.due_at(p_branch_id, p_from, p_days);
        IF setting_number('DUE_DATE_BEFORE_EXPIRY') <> 1 THEN
            RETURN l_due;
        END IF;
        SELECT MAX(p.expires_on) INTO l_expires_on FROM patrons p WHERE p.patron_id = l_patron_id;
        IF l_expires_on IS NULL THEN
            RETURN l_due;
        END IF;
        l_cap := lib_calendar.end_of_day(lib_calendar.previous_open_day(p_branch_id, l_expires_on));
        -- an expired card lent to by override: due at the end of today, not in the past
        l_cap := GREATEST(l_cap, lib_calendar.end_of_day(lib_clock.today()));
        RETURN LEAST(l_due, l_cap);
    END loan_due_at;

    FUNCTION checkout_refusals(p_patron_id IN NUMBER, p_policy_id IN NUMBER) RETURN VARCHAR2 IS
        l_patron_id   patrons.patron_id%TYPE := p_patron_id;
        l_policy_id   circ_policies.policy_id%TYPE := p_policy_id;
        l_max_overdue circ_policies.max_overdue_loans%TYPE;
        l_overdue     NUMBER;
        l_now         DATE;
    BEGIN
        IF p_policy_id IS NULL OR p_patron_id IS NULL THEN
            RETURN NULL;
        END IF;
        SELECT MAX(cp.max_overdue_loans) INTO l_max_overdue FROM circ_policies cp WHERE cp.policy_id = l_policy_id;
        IF l_max_overdue IS NULL THEN
            RETURN NULL;
        END IF;
        l_now := lib_clock.now_utc();
        SELECT COUNT(*)
          INTO l_overdue
          FROM loans l
         WHERE l.patron_id = l_patron_id
           AND l.status = 'ACTIVE'
           AND l.due_at < l_now;
        IF l_overdue >= l_max_overdue THEN
            RETURN 'PATRON_OVERDUE_LIMIT';
        END IF;
        RETURN NULL;
    END checkout_refusals;

    FUNCTION renewal_refusal(p_loan_id IN NUMBER) RETURN VARCHAR2 IS
        l_loan_id   loans.loan_id%TYPE := p_loan_id;
        l_patron_id loans.patron_id%TYPE;
        l_due_at    loans.due_at%TYPE;
        l_before    circ_policies.no_renewal_before_days%TYPE;
        l_mode      NUMBER;
        l_overdue   NUMBER;
        l_now       DATE;
    BEGIN
        SELECT l.patron_id, l.due_at, cp.no_renewal_before_days
          INTO l_patron_id, l_due_at, l_before
          FROM loans l
          JOIN circ_policies cp ON cp.policy_id = l.policy_id
         WHERE l.loan_id = l_loan_id;
        l_now := lib_clock.now_utc();
        l_mode := setting_number('OVERDUE_BLOCKS_RENEWAL');
        IF l_mode = 1 AND l_due_at < l_now THEN
            RETURN 'RENEWAL_BLOCKED_BY_OVERDUE';
        ELSIF l_mode = 2 THEN
            SELECT COUNT(*)
              INTO l_overdue
              FROM loans l
             WHERE l.patron_id = l_patron_id
               AND l.status = 'ACTIVE'
               AND l.due_at < l_now;
            IF l_overdue > 0 THEN
                RETURN 'RENEWAL_BLOCKED_BY_OVERDUE';
            END IF;
        END IF;
        IF l_before IS NOT NULL AND lib_clock.today() < lib_clock.local_day(l_due_at) - l_before THEN
            RETURN 'RENEWAL_TOO_EARLY';
        END IF;
        RETURN NULL;
    END renewal_refusal;

    PROCEDURE suspend_for_late_return(p_loan_id IN NUMBER, p_returned_at IN DATE) IS
        l_loan_id   loans.loan_id%TYPE := p_loan_id;
        l_patron_id loans.patron_id%TYPE;
        l_branch_id loans.branch_id%TYPE;
        l_due_at    loans.due_at%TYPE;
        l_per_day   circ_policies.suspension_days_per_day%TYPE;
        l_max       circ_policies.max_suspension_days%TYPE;
        l_grace     circ_policies.grace_days%TYPE;
        l_due_day   DATE;
        l_back_day  DATE;
        l_late      NUMBER;
        l_days      NUMBER;
        l_until     DATE;
    BEGIN
        SELECT l.patron_id, l.branch_id, l.due_at, cp.suspension_days_per_day, cp.max_suspension_days, cp.grace_days
          INTO l_patron_id, l_branch_id, l_due_at, l_per_day, l_max, l_grace
          FROM loans l
          JOIN circ_policies cp ON cp.policy_id = l.policy_id
         WHERE l.loan_id = l_loan_id;
        IF l_per_day = 0 THEN
            RETURN;
        END IF;
        l_due_day := lib_clock.local_day(l_due_at);
        l_back_day := lib_clock.local_day(p_returned_at);
        l_late := l_back_day - l_due_day - lib_calendar.closed_days_between(l_branch_id, l_due_day, l_back_day);
        IF l_late <= l_grace THEN
            RETURN;
        END IF;
        l_days := l_late * l_per_day;
        IF l_max IS NOT NULL THEN
            l_days := LEAST(l_days, l_max);
        END IF;
        IF l_days <= 0 THEN
            RETURN;
        END IF;
        l_until := l_back_day + l_days - 1;
        UPDATE patrons
           SET suspended_until = l_until
         WHERE patron_id = l_patron_id
           AND (suspended_until IS NULL OR suspended_until < l_until);
    END suspend_for_late_return;

END lib_policy;
/
