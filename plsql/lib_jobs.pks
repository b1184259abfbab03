CREATE OR REPLACE PACKAGE lib_jobs AS
    /**
     * The nightly jobs: the only code of the system that COMMITs.
     *
     * Every entry point takes the as-of day (the business day the run works for; the time of day is
     * ignored; NULL = the job's default: yesterday for ACCRUE_FINES, today for the others), runs as the
     * system (no acting user) and:
     *   1. writes a job_runs row with status RUNNING and commits it;
     *   2. works in batches, each committed on its own together with the run's progress
     *      (job_runs.rows_affected, job_runs.batches);
     *   3. ends the run SUCCEEDED and commits; or, when a batch fails, rolls the batch back whole,
     *      ends the run FAILED with the error text, commits that, and raises JOB_FAILED.
     * Batches committed before a failure stay: every job is idempotent for a day, so running it again
     * for the same day finishes the work, and a second successful run for a day changes nothing.
     * Batches of one job never run at the same time in two sessions (the jobs row is locked per batch).
     *
     * Call the entry points outside an explicit transaction (SQL*Plus, DBMS_SCHEDULER, pg_cron, or
     * CALL with autocommit on): PostgreSQL allows COMMIT in a procedure only then.
     *
     * The jobs (catalog in the jobs table):
     *   EXPIRE_PATRONS   patrons whose card expired before the day become EXPIRED (lib_patrons).
     *   EXPIRE_HOLDS     READY holds whose pickup deadline passed before the day expire, their copies go
     *                    to the next hold in the queue (lib_holds.expire_unclaimed).
     *   ACCRUE_FINES     overdue fines brought up to the day, set-based (lib_fines_core.accrue_overdue).
     *   MARK_LOST        ACTIVE loans overdue by more than their policy's lost_after_days on the day
     *                    (TRUNC(day) - TRUNC(due_at) > lost_after_days) are marked lost with the lost
     *                    charge (lib_circulation.mark_lost), 500 loans per batch. Each loan is locked
     *                    (copy, then loan) and checked again first: one returned or renewed while
     *                    the run waited for it is left alone.
     *   GENERATE_NOTICES notices outbox rows for the day, one batch each (a patron who turned a type
     *                    off in notice_preferences gets none of it):
     *                    LOAN_DIGEST  one per patron and day (subject_id = patron_id), its loans in
     *                                 notice_items: ACTIVE loans due from the day to the day +
     *                                 NOTICE_DUE_DAYS (DUE_SOON, once per due date), and loans overdue by
     *                                 OVERDUE_NOTICE_1/2/3_DAYS days or more (OVERDUE level 1, 2, 3, each
     *                                 once per due date; the highest level reached, as Koha's overdue
     *                                 triggers). A renewal brings new notices for the new due date;
     *                    HOLD_READY   READY holds without a notice (a trap writes its own);
     *                    CARD_EXPIRING ACTIVE patrons whose card expires within CARD_EXPIRY_NOTICE_DAYS
     *                                 days, once per expiry date.
     */

    /**
     * Run a job of the catalog by name (the job CLI uses this).
     * @param p_job_name jobs.job_name, e.g. ACCRUE_FINES
     * @param p_as_of    the as-of day, NULL = the job's default
     * @param p_run_id   OUT job_runs.run_id of this run
     * @throws -20904 JOB_NOT_FOUND the name is not in the jobs catalog
     * @throws -20905 JOB_FAILED a batch failed: it was rolled back, the run is recorded FAILED
     */
    PROCEDURE run_job(p_job_name IN VARCHAR2, p_as_of IN DATE, p_run_id OUT NUMBER);

    /**
     * EXPIRE_PATRONS: patrons ACTIVE with expires_on before the day become EXPIRED.
     * @param p_as_of the as-of day, NULL = today
     * @throws -20905 JOB_FAILED
     */
    PROCEDURE expire_patrons(p_as_of IN DATE DEFAULT NULL);

    /**
     * EXPIRE_HOLDS: READY holds whose expires_at is before the day (midnight) become EXPIRED and
     * their copies go to the next hold in the queue or back to AVAILABLE.
     * @param p_as_of the as-of day, NULL = today
     * @throws -20905 JOB_FAILED
     */
    PROCEDURE expire_holds(p_as_of IN DATE DEFAULT NULL);

    /**
     * ACCRUE_FINES: every overdue ACTIVE loan's OVERDUE fine brought up to the day.
     * @param p_as_of the day fines are charged through, NULL = yesterday (the last whole day)
     * @throws -20905 JOB_FAILED
     */
    PROCEDURE accrue_fines(p_as_of IN DATE DEFAULT NULL);

    /**
     * MARK_LOST: ACTIVE loans more than their policy's lost_after_days overdue on the day are
     * marked lost (loan LOST, copy LOST, lost charge), 500 loans per committed batch.
     * @param p_as_of the as-of day, NULL = today
     * @throws -20905 JOB_FAILED
     */
    PROCEDURE mark_lost_loans(p_as_of IN DATE DEFAULT NULL);

    /**
     * GENERATE_NOTICES: loan digests, HOLD_READY and CARD_EXPIRING rows in the notices outbox for the day.
     * @param p_as_of the as-of day, NULL = today
     * @throws -20905 JOB_FAILED
     */
    PROCEDURE generate_notices(p_as_of IN DATE DEFAULT NULL);
END lib_jobs;
/
