CREATE OR REPLACE PACKAGE BODY lib_fines_core AS

    ----------------------------------------------------------------------------------------------
    -- private helpers
    ----------------------------------------------------------------------------------------------

    -- overdue charge of one period before the max_fine cap: daily_fine per chargeable library day
    -- from the due day (exclusive) to the as-of day (inclusive)
    FUNCTION uncapped_charge(p_branch_id IN NUMBER, p_due_day IN DATE, p_as_of_day IN DATE,
                             p_daily_fine IN NUMBER, p_grace_days IN NUMBER) RETURN NUMBER IS
        l_days NUMBER;
    BEGIN
        IF p_as_of_day IS NULL OR p_due_day IS NULL OR p_as_of_day <= p_due_day THEN
            RETURN 0;
        END IF;
        l_days := p_as_of_day - p_due_day;
        l_days := l_days - lib_calendar.closed_days_between(p_branch_id, p_due_day, p_as_of_day) - p_grace_days;
        IF l_days <= 0 THEN
            RETURN 0;
        END IF;
        RETURN p_daily_fine * l_days;
    END uncapped_charge;

    -- a fine created before the loan's last renewal holds a charge of an earlier overdue period
    FUNCTION has_frozen_part(p_assessed_at IN DATE, p_last_renewed_at IN DATE) RETURN BOOLEAN IS
    BEGIN
        RETURN p_last_renewed_at IS NOT NULL AND p_assessed_at <= p_last_renewed_at;
    END has_frozen_part;

    ----------------------------------------------------------------------------------------------
    -- public
    ----------------------------------------------------------------------------------------------

    -- the loan's OVERDUE fine amount as of p_as_of, given its current row (p_fine_id NULL = none)
    FUNCTION target_amount(p_loan_id IN NUMBER, p_as_of IN DATE, p_fine_id IN NUMBER, p_amount IN NUMBER,
                           p_amount_paid IN NUMBER, p_accrued_through IN DATE, p_assessed_at IN DATE)
        RETURN NUMBER IS
        l_loan_id         loans.loan_id%TYPE := p_loan_id;
        l_branch_id       loans.branch_id%TYPE;
        l_due_at          loans.due_at%TYPE;
        l_last_renewed_at loans.last_renewed_at%TYPE;
        l_daily_fine      circ_policies.daily_fine%TYPE;
        l_grace_days      circ_policies.grace_days%TYPE;
        l_max_fine        circ_policies.max_fine%TYPE;
        l_now_charge      NUMBER;
        l_due_day         DATE;
        l_from            DATE;
        l_result          NUMBER;
    BEGIN
        BEGIN
            -- the cap: max_fine, and with cap_fine_to_price also the material's replacement cost
            SELECT l.branch_id, l.due_at, l.last_renewed_at, p.daily_fine, p.grace_days,
                   CASE WHEN p.cap_fine_to_price = 'Y' THEN LEAST(p.max_fine, m.replacement_cost) ELSE p.max_fine END
              INTO l_branch_id, l_due_at, l_last_renewed_at, l_daily_fine, l_grace_days, l_max_fine
              FROM loans l
              JOIN circ_policies p ON p.policy_id = l.policy_id
              JOIN copies c ON c.copy_id = l.copy_id
              JOIN materials m ON m.material_id = c.material_id
             WHERE l.loan_id = l_loan_id;
        EXCEPTION
            WHEN NO_DATA_FOUND THEN
                lib_err.raise_error('LOAN_NOT_FOUND', 'loan ' || p_loan_id);
        END;
        l_due_day := lib_clock.local_day(l_due_at);
        l_now_charge := uncapped_charge(l_branch_id, l_due_day, lib_clock.local_day(p_as_of), l_daily_fine,
                                        l_grace_days);
        IF p_fine_id IS NULL THEN
            l_result := LEAST(l_max_fine, l_now_charge);
        ELSIF has_frozen_part(p_assessed_at, l_last_renewed_at) THEN
            -- earlier periods are frozen in the row: move it by the current period's difference
            l_from := GREATEST(NVL(p_accrued_through, l_due_day), l_due_day);
            l_result := LEAST(l_max_fine, p_amount + l_now_charge
                                          - uncapped_charge(l_branch_id, l_due_day, l_from, l_daily_fine,
                                                            l_grace_days));
        ELSE
            l_result := LEAST(l_max_fine, l_now_charge);
        END IF;
        l_result := GREATEST(ROUND(l_result, 2), NVL(p_amount_paid, 0), 0);
        RETURN l_result;
    END target_amount;

    PROCEDURE accrue_overdue(p_as_of IN DATE, p_rows OUT NUMBER) IS
        l_now    DATE;
        l_day    DATE;
        l_cutoff DATE;
        l_zone   app_settings.value%TYPE;
    BEGIN
        l_now := lib_clock.now_utc();
        l_day := lib_clock.local_day(NVL(p_as_of, l_now));
        l_cutoff := lib_clock.day_start_utc(l_day); -- loans due before it are overdue on l_day
        l_zone := lib_clock.time_zone_name();
        -- One statement for all loans. Closed days (single days and weekly closures, lib_calendar) are
        -- counted once per distinct (branch, day) pair (k1: from the due day, k2: from the day a frozen
        -- row was last charged, both up to l_day), not per loan, so the cost stays one pass over the
        -- overdue loans. With cap_fine_to_price the material's replacement cost caps the fine too. The library day of a due
        -- date (due_day) is lib_clock.local_day written inline: a function call per loan would cost
        -- more than the rest of the statement.
        MERGE INTO fines f
        USING (
            SELECT a.loan_id, a.patron_id, a.fine_id, a.new_amount, a.old_amount, a.old_accrued
              FROM (
                SELECT b.loan_id, b.patron_id, b.fine_id, b.old_amount, b.accrued_through AS old_accrued,
                       GREATEST(NVL(b.old_amount, 0), NVL(b.amount_paid, 0),
                                ROUND(LEAST(b.max_fine,
                                      CASE WHEN b.frozen = 1
                                           THEN b.old_amount
                                                + b.daily_fine * GREATEST(0, b.days_a - b.closed_a - b.grace_days)
                                                - b.daily_fine * GREATEST(0, b.days_p - (b.closed_a - b.closed_after_p)
                                                                             - b.grace_days)
                                           ELSE b.daily_fine * GREATEST(0, b.days_a - b.closed_a - b.grace_days)
                                      END), 2)) AS new_amount
                  FROM (
                    SELECT l.loan_id, l.patron_id, x.fine_id, x.amount AS old_amount, x.amount_paid, x.accrued_through,
                           p.daily_fine, p.grace_days,
                           CASE WHEN p.cap_fine_to_price = 'Y' THEN LEAST(p.max_fine, m.replacement_cost)
                                ELSE p.max_fine END AS max_fine,
                           l_day - l.due_day AS days_a,
                           NVL(k1.closed_count, 0) AS closed_a,
                           CASE WHEN x.fine_id IS NOT NULL AND l.last_renewed_at IS NOT NULL
                                     AND x.assessed_at <= l.last_renewed_at THEN 1 ELSE 0 END AS frozen,
                           GREATEST(NVL(x.accrued_through, l.due_day), l.due_day) - l.due_day
                               AS days_p,
                           NVL(k2.closed_count, 0) AS closed_after_p
                      FROM (SELECT l0.loan_id, l0.patron_id, l0.branch_id, l0.policy_id, l0.last_renewed_at, l0.copy_id,
                                   TRUNC(CAST(FROM_TZ(CAST(l0.due_at AS TIMESTAMP), 'UTC') AT TIME ZONE l_zone AS DATE))
                                       AS due_day
                              FROM loans l0
                             WHERE l0.status = 'ACTIVE'
                               AND l0.due_at < l_cutoff) l
                      JOIN circ_policies p ON p.policy_id = l.policy_id
                      JOIN copies c ON c.copy_id = l.copy_id
                      JOIN materials m ON m.material_id = c.material_id
                      LEFT JOIN fines x ON x.loan_id = l.loan_id AND x.fine_type = 'OVERDUE'
                      LEFT JOIN (SELECT q1.branch_id, q1.from_day,
                                        lib_calendar.closed_days_between(q1.branch_id, q1.from_day, l_day) AS closed_count
                                   FROM (SELECT DISTINCT l1.branch_id,
                                                TRUNC(CAST(FROM_TZ(CAST(l1.due_at AS TIMESTAMP), 'UTC')
                                                           AT TIME ZONE l_zone AS DATE)) AS from_day
                                           FROM loans l1
                                          WHERE l1.status = 'ACTIVE'
                                            AND l1.due_at < l_cutoff) q1) k1
                        ON k1.branch_id = l.branch_id
                       AND k1.from_day = l.due_day
                      LEFT JOIN (SELECT q2.branch_id, q2.from_day,
                                        lib_calendar.closed_days_between(q2.branch_id, q2.from_day, l_day) AS closed_count
                                   FROM (SELECT DISTINCT l2.branch_id,
                                                GREATEST(x2.accrued_through,
                                                         TRUNC(CAST(FROM_TZ(CAST(l2.due_at AS TIMESTAMP), 'UTC')
                                                                    AT TIME ZONE l_zone AS DATE))) AS from_day
                                           FROM loans l2
                                           JOIN fines x2 ON x2.loan_id = l2.loan_id AND x2.fine_type = 'OVERDUE'
                                          WHERE l2.status = 'ACTIVE'
                                            AND l2.due_at < l_cutoff
                                            AND l2.last_renewed_at IS NOT NULL
                                            AND x2.assessed_at <= l2.last_renewed_at
                                            AND x2.accrued_through IS NOT NULL) q2) k2
                        ON k2.branch_id = l.branch_id
                       AND k2.from_day = GREATEST(NVL(x.accrued_through, l.due_day), l.due_day)
                     WHERE (x.fine_id IS NULL
                            OR ((x.status = 'OPEN' OR x.status = 'PAID')
                                AND (x.accrued_through IS NULL OR x.accrued_through < l_day)))
                  ) b
              ) a
             WHERE a.new_amount > 0
        ) s
        ON (f.fine_id = s.fine_id)
        WHEN MATCHED THEN
            -- A check-in (back-dated too), renewal, payment or waiver that committed while this statement
            -- waited for the row wins: the CASEs read the row as it is now (NOTES.md: no WHERE in WHEN
            -- MATCHED) and write the new charge only over the amount and day this statement read, on an
            -- open or paid fine; otherwise the row is written back as it is. A payment changes neither,
            -- and the status follows the amount paid now.
            UPDATE SET amount = CASE WHEN (f.status = 'OPEN' OR f.status = 'PAID') AND f.amount = s.old_amount
                                          AND (f.accrued_through = s.old_accrued
                                               OR (f.accrued_through IS NULL AND s.old_accrued IS NULL))
                                     THEN s.new_amount ELSE f.amount END,
                       accrued_through = CASE WHEN (f.status = 'OPEN' OR f.status = 'PAID') AND f.amount = s.old_amount
                                                   AND (f.accrued_through = s.old_accrued
                                                        OR (f.accrued_through IS NULL AND s.old_accrued IS NULL))
                                              THEN l_day ELSE f.accrued_through END,
                       status = CASE WHEN (f.status = 'OPEN' OR f.status = 'PAID') AND f.amount = s.old_amount
                                          AND (f.accrued_through = s.old_accrued
                                               OR (f.accrued_through IS NULL AND s.old_accrued IS NULL))
                                     THEN CASE WHEN f.amount_paid >= s.new_amount THEN 'PAID' ELSE 'OPEN' END
                                     ELSE f.status END,
                       closed_at = CASE WHEN (f.status = 'OPEN' OR f.status = 'PAID') AND f.amount = s.old_amount
                                             AND (f.accrued_through = s.old_accrued
                                                  OR (f.accrued_through IS NULL AND s.old_accrued IS NULL))
                                        THEN CASE WHEN f.amount_paid >= s.new_amount THEN NVL(f.closed_at, l_now) END
                                        ELSE f.closed_at END
        WHEN NOT MATCHED THEN
            INSERT (patron_id, loan_id, fine_type, amount, amount_paid, status, assessed_at, accrued_through,
                    description)
            VALUES (s.patron_id, s.loan_id, 'OVERDUE', s.new_amount, 0, 'OPEN', l_now, l_day,
                    'Overdue loan ' || s.loan_id);
        p_rows := SQL%ROWCOUNT;
    END accrue_overdue;

    PROCEDURE charge_overdue(p_loan_id IN NUMBER, p_as_of IN DATE, p_fine_id OUT NUMBER, p_amount OUT NUMBER) IS
        l_loan_id         loans.loan_id%TYPE := p_loan_id;
        l_patron_id       loans.patron_id%TYPE;
        l_fine_id         fines.fine_id%TYPE;
        l_amount          fines.amount%TYPE;
        l_amount_paid     fines.amount_paid%TYPE;
        l_status          fines.status%TYPE;
        l_accrued_through fines.accrued_through%TYPE;
        l_assessed_at     fines.assessed_at%TYPE;
        l_new             fines.amount%TYPE;
        l_now             DATE;
        l_day             DATE;
    BEGIN
        l_now := lib_clock.now_utc();
        l_day := lib_clock.local_day(p_as_of);
        p_fine_id := NULL;
        p_amount := 0;
        BEGIN
            SELECT l.patron_id INTO l_patron_id FROM loans l WHERE l.loan_id = l_loan_id;
        EXCEPTION
            WHEN NO_DATA_FOUND THEN
                lib_err.raise_error('LOAN_NOT_FOUND', 'loan ' || p_loan_id);
        END;
        BEGIN
            SELECT f.fine_id, f.amount, f.amount_paid, f.status, f.accrued_through, f.assessed_at
              INTO l_fine_id, l_amount, l_amount_paid, l_status, l_accrued_through, l_assessed_at
              FROM fines f
             WHERE f.loan_id = l_loan_id
               AND f.fine_type = 'OVERDUE'
               FOR UPDATE;
        EXCEPTION
            WHEN NO_DATA_FOUND THEN
                l_fine_id := NULL;
        END;
        IF l_fine_id IS NOT NULL AND l_status <> 'OPEN' AND l_status <> 'PAID' THEN
            RETURN; -- waived (or refunded) by staff: settled for good
        END IF;
        l_new := target_amount(p_loan_id, p_as_of, l_fine_id, l_amount, l_amount_paid, l_accrued_through,
                               l_assessed_at);
        IF l_fine_id IS NULL THEN
            IF l_new > 0 THEN
                INSERT INTO fines (patron_id, loan_id, fine_type, amount, amount_paid, status, assessed_at,
                                   accrued_through, description)
                VALUES (l_patron_id, p_loan_id, 'OVERDUE', l_new, 0, 'OPEN', l_now, l_day,
                        'Overdue loan ' || p_loan_id)
                RETURNING fine_id INTO p_fine_id;
                p_amount := l_new;
            END IF;
        ELSIF l_new = 0 THEN
            -- nothing owed as of this time and nothing paid: close the row
            UPDATE fines
               SET amount = 0, accrued_through = l_day, status = 'WAIVED', closed_at = l_now,
                   waived_by = lib_session.actor(), waive_reason = 'No overdue charge as of the return time'
             WHERE fine_id = l_fine_id;
        ELSE
            UPDATE fines
               SET amount = l_new,
                   accrued_through = l_day,
                   status = CASE WHEN amount_paid >= l_new THEN 'PAID' ELSE 'OPEN' END,
                   closed_at = CASE WHEN amount_paid >= l_new THEN NVL(closed_at, l_now) END
             WHERE fine_id = l_fine_id;
            p_fine_id := l_fine_id;
            p_amount := l_new;
        END IF;
    END charge_overdue;

    PROCEDURE charge_lost(p_loan_id IN NUMBER, p_fine_id OUT NUMBER) IS
        l_loan_id   loans.loan_id%TYPE := p_loan_id;
        l_patron_id loans.patron_id%TYPE;
        l_cost      materials.replacement_cost%TYPE;
        l_barcode   copies.barcode%TYPE;
    BEGIN
        p_fine_id := NULL;
        BEGIN
            SELECT l.patron_id, m.replacement_cost, c.barcode
              INTO l_patron_id, l_cost, l_barcode
              FROM loans l
              JOIN copies c ON c.copy_id = l.copy_id
              JOIN materials m ON m.material_id = c.material_id
             WHERE l.loan_id = l_loan_id;
        EXCEPTION
            WHEN NO_DATA_FOUND THEN
                lib_err.raise_error('LOAN_NOT_FOUND', 'loan ' || p_loan_id);
        END;
        SELECT MAX(f.fine_id) INTO p_fine_id FROM fines f WHERE f.loan_id = l_loan_id AND f.fine_type = 'LOST';
        IF p_fine_id IS NULL AND l_cost > 0 THEN
            INSERT INTO fines (patron_id, loan_id, fine_type, amount, amount_paid, status, assessed_at, description)
            VALUES (l_patron_id, p_loan_id, 'LOST', l_cost, 0, 'OPEN', lib_clock.now_utc(), 'Lost copy ' || l_barcode)
            RETURNING fine_id INTO p_fine_id;
            lib_notices_core.queue('FINE_CHARGED', l_patron_id, p_fine_id, p_loan_id, NULL);
        END IF;
    END charge_lost;

    PROCEDURE settle_lost_return(p_loan_id IN NUMBER, p_refund_amount OUT NUMBER) IS
        l_loan_id     loans.loan_id%TYPE := p_loan_id;
        l_refund      circ_policies.lost_refund%TYPE;
        l_fine_id     fines.fine_id%TYPE;
        l_patron_id   fines.patron_id%TYPE;
        l_amount_paid fines.amount_paid%TYPE;
        l_status      fines.status%TYPE;
        l_now         DATE;
        l_refund_paid app_settings.value%TYPE;
        l_refunded    NUMBER;
    BEGIN
        l_now := lib_clock.now_utc();
        p_refund_amount := 0;
        SELECT MAX(s.value) INTO l_refund_paid FROM app_settings s WHERE s.name = 'LOST_REFUND_PAID';
        SELECT MAX(p.lost_refund)
          INTO l_refund
          FROM loans l
          JOIN circ_policies p ON p.policy_id = l.policy_id
         WHERE l.loan_id = l_loan_id;
        IF l_refund IS NULL OR l_refund <> 'Y' THEN
            RETURN;
        END IF;
        BEGIN
            SELECT f.fine_id, f.patron_id, f.amount_paid, f.status
              INTO l_fine_id, l_patron_id, l_amount_paid, l_status
              FROM fines f
             WHERE f.loan_id = l_loan_id
               AND f.fine_type = 'LOST'
               FOR UPDATE;
        EXCEPTION
            WHEN NO_DATA_FOUND THEN
                l_fine_id := NULL;
        END;
        IF l_fine_id IS NULL OR (l_status <> 'OPEN' AND l_status <> 'PAID') THEN
            RETURN;
        END IF;
        -- what staff refunded already (lib_fines.refund) is not paid back twice
        SELECT NVL(SUM(y.amount), 0) INTO l_refunded FROM payments y WHERE y.fine_id = l_fine_id AND y.method = 'REFUND';
        IF l_amount_paid > 0 AND NVL(l_refund_paid, '1') = '0' THEN
            -- the paid part is kept (setting LOST_REFUND_PAID = 0): the charge ends at what was paid
            UPDATE fines SET amount = amount_paid, status = 'PAID', closed_at = l_now WHERE fine_id = l_fine_id;
        ELSIF l_amount_paid > 0 THEN
            IF l_amount_paid > l_refunded THEN
                INSERT INTO payments (fine_id, patron_id, amount, method, paid_at, received_by, note)
                VALUES (l_fine_id, l_patron_id, l_amount_paid - l_refunded, 'REFUND', l_now, lib_session.actor(),
                        'Lost copy returned: replacement charge refunded');
            END IF;
            UPDATE fines SET status = 'REFUNDED', closed_at = l_now WHERE fine_id = l_fine_id;
            p_refund_amount := l_amount_paid - l_refunded;
        ELSE
            UPDATE fines
               SET status = 'WAIVED', closed_at = l_now, waived_by = lib_session.actor(),
                   waive_reason = 'Lost copy returned'
             WHERE fine_id = l_fine_id;
        END IF;
    END settle_lost_return;

END lib_fines_core;
/
