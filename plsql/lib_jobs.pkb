CREATE OR REPLACE PACKAGE BODY lib_jobs AS

    -- Transaction layout (the same on both engines):
    --   execute_job     the loop that COMMITs/ROLLBACKs: it has no EXCEPTION clause, because
    --                   PL/pgSQL cannot end a transaction inside a block that has one.
    --   run_batch       one batch; its EXCEPTION handler turns any error into p_error. On PostgreSQL
    --                   the handler's subtransaction has undone the batch already, on Oracle the
    --                   caller's ROLLBACK does it.

    -- Loans marked lost per committed batch.
    FUNCTION lost_batch_size RETURN NUMBER IS
    BEGIN
        RETURN 500;
    END lost_batch_size;

    -- A numeric setting of app_settings, p_default when missing.
    FUNCTION setting_number(p_name IN VARCHAR2, p_default IN NUMBER) RETURN NUMBER IS
        l_value app_settings.value%TYPE;
    BEGIN
        SELECT MAX(s.value) INTO l_value FROM app_settings s WHERE s.name = p_name;
        IF l_value IS NULL THEN
            RETURN p_default;
        END IF;
        RETURN TO_NUMBER(l_value);
    END setting_number;

    -- JOB_NOT_FOUND unless the job is in the catalog.
    PROCEDURE assert_job(p_job_name IN VARCHAR2) IS
        l_count NUMBER;
    BEGIN
        SELECT COUNT(*) INTO l_count FROM jobs j WHERE j.job_name = p_job_name;
        IF l_count = 0 THEN
            lib_err.raise_error('JOB_NOT_FOUND', 'job ' || NVL(p_job_name, '(none)'));
        END IF;
    END assert_job;

    -- The business day a run works for: the given day, else yesterday for fines, today otherwise
    -- (library days: lib_clock).
    FUNCTION run_day(p_job_name IN VARCHAR2, p_as_of IN DATE) RETURN DATE IS
    BEGIN
        IF p_as_of IS NOT NULL THEN
            RETURN TRUNC(p_as_of);
        END IF;
        IF p_job_name = 'ACCRUE_FINES' THEN
            RETURN lib_clock.today() - 1;
        END IF;
        RETURN lib_clock.today();
    END run_day;

    -- A MARK_LOST candidate locked as a check-in locks it (the copy, then the loan) and read again:
    -- 1 when it is still ACTIVE and past its policy's lost_after_days on the day. The batch query read
    -- it without a lock, so a return or a renewal committed since then (while this session waited for
    -- the copy or the loan) shows here and the loan is left alone, instead of failing the batch
    -- (LOAN_NOT_ACTIVE) or marking a loan renewed a moment ago lost.
    FUNCTION still_lost(p_loan_id IN loans.loan_id%TYPE, p_day IN DATE) RETURN NUMBER IS
        l_copy_id    loans.copy_id%TYPE;
        l_status     loans.status%TYPE;
        l_due_at     loans.due_at%TYPE;
        l_policy_id  loans.policy_id%TYPE;
        l_after_days circ_policies.lost_after_days%TYPE;
    BEGIN
        SELECT l.copy_id INTO l_copy_id FROM loans l WHERE l.loan_id = p_loan_id;
        SELECT c.copy_id INTO l_copy_id FROM copies c WHERE c.copy_id = l_copy_id FOR UPDATE;
        SELECT l.status, l.due_at, l.policy_id
          INTO l_status, l_due_at, l_policy_id
          FROM loans l
         WHERE l.loan_id = p_loan_id
           FOR UPDATE;
        IF l_status <> 'ACTIVE' THEN
            RETURN 0;
        END IF;
        SELECT cp.lost_after_days INTO l_after_days FROM circ_policies cp WHERE cp.policy_id = l_policy_id;
        IF lib_clock.local_day(l_due_at) < p_day - l_after_days THEN
            RETURN 1;
        END IF;
        RETURN 0;
    END still_lost;

    -- MARK_LOST: mark up to lost_batch_size() loans lost, oldest due date first. Marked loans leave
    -- the candidate set, and so do the ones skipped (returned or renewed meanwhile), so the next
    -- batch picks up where this one ended. A loan is a candidate when its due day in the library
    -- (lib_clock.local_day, written inline) is more than its policy's lost_after_days before p_day;
    -- the bound of the smallest lost_after_days, converted once, keeps the due_at index usable.
    PROCEDURE lost_batch(p_day IN DATE, p_rows OUT NUMBER, p_more OUT NUMBER) IS
        l_min_days circ_policies.lost_after_days%TYPE;
        l_bound    loans.due_at%TYPE;
        l_zone     app_settings.value%TYPE;
        l_limit    NUMBER;
        l_seen     NUMBER;
    BEGIN
        p_rows := 0;
        p_more := 0;
        l_seen := 0;
        l_limit := lost_batch_size();
        SELECT MIN(cp.lost_after_days) INTO l_min_days FROM circ_policies cp;
        IF l_min_days IS NULL THEN
            RETURN;
        END IF;
        l_bound := lib_clock.day_start_utc(p_day - l_min_days);
        l_zone := lib_clock.time_zone_name();
        FOR r_loan IN (SELECT l.loan_id
                         FROM loans l
                         JOIN circ_policies cp ON cp.policy_id = l.policy_id
                        WHERE l.status = 'ACTIVE'
                          AND l.due_at < l_bound
                          AND TRUNC(CAST(FROM_TZ(CAST(l.due_at AS TIMESTAMP), 'UTC') AT TIME ZONE l_zone AS DATE))
                              < p_day - cp.lost_after_days
                        ORDER BY l.due_at, l.loan_id
                        FETCH FIRST l_limit ROWS ONLY) LOOP
            l_seen := l_seen + 1;
            IF still_lost(r_loan.loan_id, p_day) = 1 THEN
                lib_circulation.mark_lost(r_loan.loan_id);
                p_rows := p_rows + 1;
            END IF;
        END LOOP;
        IF l_seen >= l_limit THEN
            p_more := 1;
        END IF;
    END lost_batch;

    -- The PENDING loan digest of a patron for the day, written when there is none: its id, or NULL when
    -- the day's digest is already on its way (its loans wait for tomorrow's).
    FUNCTION digest_for(p_patron_id IN notices.patron_id%TYPE, p_day IN DATE, p_run_id IN NUMBER,
                        p_now IN DATE) RETURN NUMBER IS
        l_notice_id notices.notice_id%TYPE;
        l_status    notices.status%TYPE;
    BEGIN
        SELECT MAX(n.notice_id), MAX(n.status)
          INTO l_notice_id, l_status
          FROM notices n
         WHERE n.subject_id = p_patron_id
           AND n.notice_type = 'LOAN_DIGEST'
           AND n.notice_day = p_day;
        IF l_notice_id IS NULL THEN
            INSERT INTO notices (notice_type, patron_id, subject_id, notice_day, run_id, created_at, status)
            VALUES ('LOAN_DIGEST', p_patron_id, p_patron_id, p_day, p_run_id, p_now, 'PENDING')
            RETURNING notice_id INTO l_notice_id;
            RETURN l_notice_id;
        END IF;
        IF l_status = 'PENDING' THEN
            RETURN l_notice_id;
        END IF;
        RETURN NULL;
    END digest_for;

    -- GENERATE_NOTICES: batch 1 the loan digests, batch 2 HOLD_READY (holds trapped write their own
    -- notice; this catches any without one), batch 3 CARD_EXPIRING. p_day is a library day: the instants
    -- compared with it are bounded by its start in UTC, and the library day of an instant is
    -- lib_clock.local_day written inline (one zone lookup per batch, not per row). A patron who turned a
    -- type off (notice_preferences) gets no line or notice of it.
    PROCEDURE notice_batch(p_day IN DATE, p_batch IN NUMBER, p_run_id IN NUMBER, p_rows OUT NUMBER,
                           p_more OUT NUMBER) IS
        l_due_days    NUMBER;
        l_level1      NUMBER;
        l_level2      NUMBER;
        l_level3      NUMBER;
        l_card_days   NUMBER;
        l_now         notices.created_at%TYPE;
        l_start       loans.due_at%TYPE;
        l_end         loans.due_at%TYPE;
        l_zone        app_settings.value%TYPE;
        l_patron_id   notices.patron_id%TYPE;
        l_notice_id   notices.notice_id%TYPE;
    BEGIN
        p_rows := 0;
        p_more := 0;
        l_now := lib_clock.now_utc();
        l_start := lib_clock.day_start_utc(p_day);
        l_zone := lib_clock.time_zone_name();
        IF p_batch = 1 THEN
            l_due_days := setting_number('NOTICE_DUE_DAYS', 3);
            l_level1 := setting_number('OVERDUE_NOTICE_1_DAYS', 1);
            l_level2 := GREATEST(setting_number('OVERDUE_NOTICE_2_DAYS', 7), l_level1);
            l_level3 := GREATEST(setting_number('OVERDUE_NOTICE_3_DAYS', 14), l_level2);
            l_end := lib_clock.day_start_utc(p_day + (l_due_days + 1));
            -- One digest per patron and day listing each loan once per due date: due soon (from the day to
            -- the day + NOTICE_DUE_DAYS), or overdue at the highest of the three levels reached and not
            -- told yet for this due date (a loan first seen 20 days late gets the third notice at once).
            FOR r_item IN (SELECT l.patron_id, l.loan_id, l.due_at, 'DUE_SOON' AS item_type, NULL AS overdue_level
                             FROM loans l
                            WHERE l.status = 'ACTIVE'
                              AND l.due_at >= l_start
                              AND l.due_at < l_end
                              AND NOT EXISTS (SELECT 1
                                                FROM notice_items i
                                               WHERE i.loan_id = l.loan_id
                                                 AND i.item_type = 'DUE_SOON'
                                                 AND i.due_at = l.due_at)
                              AND NOT EXISTS (SELECT 1
                                                FROM notice_preferences np
                                               WHERE np.patron_id = l.patron_id
                                                 AND np.notice_type = 'DUE_SOON'
                                                 AND np.enabled = 'N')
                           UNION ALL
                           SELECT o.patron_id, o.loan_id, o.due_at, 'OVERDUE' AS item_type, o.overdue_level
                             FROM (SELECT d.patron_id, d.loan_id, d.due_at,
                                          CASE
                                              WHEN d.due_day <= p_day - l_level3 THEN 3
                                              WHEN d.due_day <= p_day - l_level2 THEN 2
                                              WHEN d.due_day <= p_day - l_level1 THEN 1
                                              ELSE 0
                                          END AS overdue_level
                                     FROM (SELECT l.patron_id, l.loan_id, l.due_at,
                                                  TRUNC(CAST(FROM_TZ(CAST(l.due_at AS TIMESTAMP), 'UTC')
                                                             AT TIME ZONE l_zone AS DATE)) AS due_day
                                             FROM loans l
                                            WHERE l.status = 'ACTIVE'
                                              AND l.due_at < l_start) d) o
                            WHERE o.overdue_level > 0
                              AND NOT EXISTS (SELECT 1
                                                FROM notice_items i
                                               WHERE i.loan_id = o.loan_id
                                                 AND i.item_type = 'OVERDUE'
                                                 AND i.due_at = o.due_at
                                                 AND i.overdue_level >= o.overdue_level)
                              AND NOT EXISTS (SELECT 1
                                                FROM notice_preferences np
                                               WHERE np.patron_id = o.patron_id
                                                 AND np.notice_type = 'OVERDUE'
                                                 AND np.enabled = 'N')
                            ORDER BY 1, 2) LOOP
                IF l_patron_id IS NULL OR l_patron_id <> r_item.patron_id THEN
                    l_patron_id := r_item.patron_id;
                    l_notice_id := digest_for(l_patron_id, p_day, p_run_id, l_now);
                END IF;
                IF l_notice_id IS NOT NULL THEN
                    INSERT INTO notice_items (notice_id, loan_id, item_type, overdue_level, due_at)
                    VALUES (l_notice_id, r_item.loan_id, r_item.item_type, r_item.overdue_level, r_item.due_at);
                    p_rows := p_rows + 1;
                END IF;
            END LOOP;
            p_more := 1;
        ELSIF p_batch = 2 THEN
            -- once each time a hold becomes READY
            l_end := lib_clock.day_start_utc(p_day + 1);
            INSERT INTO notices (notice_type, patron_id, hold_id, subject_id, notice_day, run_id, created_at, status)
            SELECT 'HOLD_READY', h.patron_id, h.hold_id, h.hold_id, p_day, p_run_id, l_now, 'PENDING'
              FROM holds h
             WHERE h.status = 'READY'
               AND h.ready_at < l_end
               AND NOT EXISTS (SELECT 1
                                 FROM notices n
                                WHERE n.subject_id = h.hold_id
                                  AND n.notice_type = 'HOLD_READY'
                                  AND n.notice_day >= TRUNC(CAST(FROM_TZ(CAST(h.ready_at AS TIMESTAMP), 'UTC')
                                                                 AT TIME ZONE l_zone AS DATE)))
               AND NOT EXISTS (SELECT 1
                                 FROM notice_preferences np
                                WHERE np.patron_id = h.patron_id
                                  AND np.notice_type = 'HOLD_READY'
                                  AND np.enabled = 'N');
            p_rows := SQL%ROWCOUNT;
            p_more := 1;
        ELSE
            -- once per expiry date: a notice written since this date's window opened counts
            l_card_days := setting_number('CARD_EXPIRY_NOTICE_DAYS', 30);
            INSERT INTO notices (notice_type, patron_id, subject_id, notice_day, run_id, created_at, status)
            SELECT 'CARD_EXPIRING', p.patron_id, p.patron_id, p_day, p_run_id, l_now, 'PENDING'
              FROM patrons p
             WHERE p.status = 'ACTIVE'
               AND p.expires_on >= p_day
               AND p.expires_on <= p_day + l_card_days
               AND NOT EXISTS (SELECT 1
                                 FROM notices n
                                WHERE n.subject_id = p.patron_id
                                  AND n.notice_type = 'CARD_EXPIRING'
                                  AND n.notice_day >= p.expires_on - l_card_days)
               AND NOT EXISTS (SELECT 1
                                 FROM notice_preferences np
                                WHERE np.patron_id = p.patron_id
                                  AND np.notice_type = 'CARD_EXPIRING'
                                  AND np.enabled = 'N');
            p_rows := SQL%ROWCOUNT;
        END IF;
    END notice_batch;

    -- One batch of a job. Never raises: an error comes back in p_error (SQLERRM), with p_rows 0.
    PROCEDURE run_batch(p_job_name IN VARCHAR2, p_day IN DATE, p_batch IN NUMBER, p_run_id IN NUMBER,
                        p_rows OUT NUMBER, p_more OUT NUMBER, p_error OUT CLOB) IS
        l_locked jobs.job_name%TYPE;
    BEGIN
        p_rows := 0;
        p_more := 0;
        p_error := NULL;
        -- one batch of a job at a time across sessions (a manual run beside the scheduled one)
        SELECT j.job_name INTO l_locked FROM jobs j WHERE j.job_name = p_job_name FOR UPDATE;
        -- these take an instant: the start of the run's library day
        IF l_locked = 'EXPIRE_PATRONS' THEN
            lib_patrons.expire_patrons(lib_clock.day_start_utc(p_day), p_rows);
        ELSIF l_locked = 'EXPIRE_HOLDS' THEN
            lib_holds.expire_unclaimed(lib_clock.day_start_utc(p_day), p_rows);
        ELSIF l_locked = 'ACCRUE_FINES' THEN
            lib_fines_core.accrue_overdue(lib_clock.day_start_utc(p_day), p_rows);
        ELSIF l_locked = 'MARK_LOST' THEN
            lost_batch(p_day, p_rows, p_more);
        ELSIF l_locked = 'GENERATE_NOTICES' THEN
            notice_batch(p_day, p_batch, p_run_id, p_rows, p_more);
        ELSE
            lib_err.raise_error('JOB_NOT_FOUND', 'job ' || p_job_name || ' has no batch routine');
        END IF;
    EXCEPTION
        WHEN OTHERS THEN
            -- log and re-raise: the caller records the error and raises JOB_FAILED
            p_rows := 0;
            p_more := 0;
            p_error := SUBSTR(NVL(SQLERRM, 'unknown error'), 1, 4000);
    END run_batch;

    -- The run row, committed by the caller.
    PROCEDURE start_run(p_job_name IN VARCHAR2, p_day IN DATE, p_run_id OUT NUMBER) IS
    BEGIN
        INSERT INTO job_runs (job_name, as_of_day, started_at, status, rows_affected, batches)
        VALUES (p_job_name, p_day, lib_clock.now_utc(), 'RUNNING', 0, 0)
        RETURNING run_id INTO p_run_id;
    END start_run;

    PROCEDURE finish_run(p_run_id IN job_runs.run_id%TYPE, p_status IN VARCHAR2, p_error IN VARCHAR2) IS
    BEGIN
        UPDATE job_runs
           SET status = p_status,
               finished_at = lib_clock.now_utc(),
               error_text = p_error
         WHERE run_id = p_run_id;
    END finish_run;

    -- The run: the one routine that ends transactions. No EXCEPTION clause here (see the top).
    PROCEDURE execute_job(p_job_name IN VARCHAR2, p_as_of IN DATE, p_run_id OUT NUMBER) IS
        l_run_id job_runs.run_id%TYPE; -- the key's own type: a NUMBER bind would not use the index on PostgreSQL
        l_day   DATE;
        l_batch NUMBER;
        l_rows  NUMBER;
        l_more  NUMBER;
        l_error CLOB;
    BEGIN
        assert_job(p_job_name);
        lib_session.set_actor(NULL, NULL);
        l_day := run_day(p_job_name, p_as_of);
        start_run(p_job_name, l_day, p_run_id);
        l_run_id := p_run_id;
        COMMIT;
        l_batch := 0;
        LOOP
            l_batch := l_batch + 1;
            run_batch(p_job_name, l_day, l_batch, p_run_id, l_rows, l_more, l_error);
            IF l_error IS NOT NULL THEN
                ROLLBACK;
                finish_run(l_run_id, 'FAILED', l_error);
                COMMIT;
                lib_err.raise_error('JOB_FAILED', p_job_name || ' run ' || p_run_id || ' batch ' || l_batch
                                    || ': ' || SUBSTR(l_error, 1, 1000));
            END IF;
            UPDATE job_runs
               SET rows_affected = rows_affected + l_rows,
                   batches = batches + 1
             WHERE run_id = l_run_id;
            COMMIT;
            EXIT WHEN l_more = 0;
        END LOOP;
        finish_run(l_run_id, 'SUCCEEDED', NULL);
        COMMIT;
    END execute_job;

    PROCEDURE run_job(p_job_name IN VARCHAR2, p_as_of IN DATE, p_run_id OUT NUMBER) IS
    BEGIN
        execute_job(UPPER(p_job_name), p_as_of, p_run_id);
    END run_job;

    PROCEDURE expire_patrons(p_as_of IN DATE DEFAULT NULL) IS
        l_run_id NUMBER;
    BEGIN
        execute_job('EXPIRE_PATRONS', p_as_of, l_run_id);
    END expire_patrons;

    PROCEDURE expire_holds(p_as_of IN DATE DEFAULT NULL) IS
        l_run_id NUMBER;
    BEGIN
        execute_job('EXPIRE_HOLDS', p_as_of, l_run_id);
    END expire_holds;

    PROCEDURE accrue_fines(p_as_of IN DATE DEFAULT NULL) IS
        l_run_id NUMBER;
    BEGIN
        execute_job('ACCRUE_FINES', p_as_of, l_run_id);
    END accrue_fines;

    PROCEDURE mark_lost_loans(p_as_of IN DATE DEFAULT NULL) IS
        l_run_id NUMBER;
    BEGIN
        execute_job('MARK_LOST', p_as_of, l_run_id);
    END mark_lost_loans;

    PROCEDURE generate_notices(p_as_of IN DATE DEFAULT NULL) IS
        l_run_id NUMBER;
    BEGIN
        execute_job('GENERATE_NOTICES', p_as_of, l_run_id);
    END generate_notices;

END lib_jobs;
/
