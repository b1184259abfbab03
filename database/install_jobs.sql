-- install_jobs.sql: schedule the nightly jobs of lib_jobs with DBMS_SCHEDULER (Oracle only).
-- Not part of install.sql: run it after install.sql, as the schema owner (needs CREATE JOB):
--     sql user/password@//host:1521/FREEPDB1 @install_jobs.sql
-- or without SQL*Plus: scripts/ils oracle install-jobs --url oracle+oracledb://user:password@host:1521/FREEPDB1
-- Every row of the jobs catalog becomes one scheduler job ILS_<job_name> that runs daily
--     BEGIN <procedure_name>(NULL); END;
-- at the catalog's time (jobs.run_hour:run_minute) unless a time is set in the block below.
-- Times are wall-clock times in the library's time zone: app_settings LIBRARY_TIME_ZONE, a region name
-- such as Europe/Paris (UTC when the setting is missing). The scheduler reads the time zone of a job's
-- start date, so a region keeps 01:00 at 01:00 across daylight saving changes; the database host's
-- offset (SYSTIMESTAMP) or the scheduler's DEFAULT_TIMEZONE play no part.
-- To change a time for good: UPDATE jobs SET run_hour = 2, run_minute = 30 WHERE job_name = 'ACCRUE_FINES';
-- COMMIT; then run this script again. Running it again replaces the jobs (nothing is duplicated), and
-- is how a changed LIBRARY_TIME_ZONE reaches the schedules.
-- uninstall_jobs.sql removes them. Run history: SELECT * FROM job_runs ORDER BY run_id DESC;
WHENEVER SQLERROR EXIT FAILURE ROLLBACK
WHENEVER OSERROR EXIT FAILURE
SET DEFINE OFF
SET SERVEROUTPUT ON

DECLARE
    -- ======== nightly times: 'HH24:MI' overrides the catalog time, NULL keeps it ========
    l_expire_patrons_at   VARCHAR2(5) := NULL;   -- catalog default 00:15
    l_expire_holds_at     VARCHAR2(5) := NULL;   -- catalog default 00:30
    l_accrue_fines_at     VARCHAR2(5) := NULL;   -- catalog default 01:00
    l_mark_lost_at        VARCHAR2(5) := NULL;   -- catalog default 01:30
    l_generate_notices_at VARCHAR2(5) := NULL;   -- catalog default 02:00
    -- =====================================================================================
    l_at        VARCHAR2(5);
    l_hour      NUMBER;
    l_minute    NUMBER;
    l_sched     VARCHAR2(128);
    l_existing  NUMBER;
    l_time_zone VARCHAR2(64) := 'UTC';
    l_start     TIMESTAMP WITH TIME ZONE;
BEGIN
    FOR r_setting IN (SELECT s.value FROM app_settings s WHERE s.name = 'LIBRARY_TIME_ZONE') LOOP
        l_time_zone := COALESCE(TRIM(r_setting.value), 'UTC');
    END LOOP;
    IF SUBSTR(l_time_zone, 1, 1) IN ('+', '-') THEN
        RAISE_APPLICATION_ERROR(-20903, 'LIBRARY_TIME_ZONE must be a region name such as Europe/Paris, not the offset '
                                || l_time_zone || ', which does not follow daylight saving time');
    END IF;
    -- now, in the library's region (an unknown region stops here with ORA-01882)
    SELECT SYSTIMESTAMP AT TIME ZONE l_time_zone INTO l_start FROM dual;
    DBMS_OUTPUT.PUT_LINE('times are in ' || l_time_zone);
    FOR r_job IN (SELECT j.job_name, j.description, j.procedure_name, j.run_hour, j.run_minute
                    FROM jobs j
                   ORDER BY j.run_hour, j.run_minute, j.job_name) LOOP
        l_at := CASE r_job.job_name
                    WHEN 'EXPIRE_PATRONS' THEN l_expire_patrons_at
                    WHEN 'EXPIRE_HOLDS' THEN l_expire_holds_at
                    WHEN 'ACCRUE_FINES' THEN l_accrue_fines_at
                    WHEN 'MARK_LOST' THEN l_mark_lost_at
                    WHEN 'GENERATE_NOTICES' THEN l_generate_notices_at
                END;
        IF l_at IS NULL THEN
            l_hour := r_job.run_hour;
            l_minute := r_job.run_minute;
        ELSE
            l_hour := TO_NUMBER(SUBSTR(l_at, 1, 2));
            l_minute := TO_NUMBER(SUBSTR(l_at, 4, 2));
            IF LENGTH(l_at) <> 5 OR SUBSTR(l_at, 3, 1) <> ':' OR l_hour NOT BETWEEN 0 AND 23
               OR l_minute NOT BETWEEN 0 AND 59 THEN
                RAISE_APPLICATION_ERROR(-20903, 'Time for ' || r_job.job_name || ' must be HH24:MI, not ' || l_at);
            END IF;
        END IF;
        l_sched := 'ILS_' || r_job.job_name;
        SELECT COUNT(*) INTO l_existing FROM user_scheduler_jobs WHERE job_name = l_sched;
        IF l_existing > 0 THEN
            DBMS_SCHEDULER.DROP_JOB(l_sched, TRUE);
        END IF;
        DBMS_SCHEDULER.CREATE_JOB(
            job_name        => l_sched,
            job_type        => 'PLSQL_BLOCK',
            job_action      => 'BEGIN ' || r_job.procedure_name || '(NULL); END;',
            start_date      => l_start,
            repeat_interval => 'FREQ=DAILY;BYHOUR=' || l_hour || ';BYMINUTE=' || l_minute || ';BYSECOND=0',
            enabled         => TRUE,
            comments        => r_job.description);
        DBMS_OUTPUT.PUT_LINE(RPAD(l_sched, 24) || ' daily at ' || TO_CHAR(l_hour, 'FM00') || ':'
                             || TO_CHAR(l_minute, 'FM00') || '  ' || r_job.procedure_name || '(NULL)');
    END LOOP;
END;
/

PROMPT == nightly jobs scheduled: SELECT job_name, repeat_interval, enabled, next_run_date FROM user_scheduler_jobs;
