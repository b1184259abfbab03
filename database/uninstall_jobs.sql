-- uninstall_jobs.sql: remove the DBMS_SCHEDULER jobs install_jobs.sql created (Oracle only).
-- Run from this folder:  sql user/password@//host:1521/FREEPDB1 @uninstall_jobs.sql
-- A job that is running is stopped. The jobs catalog and the run history (job_runs) stay.
-- uninstall.sql runs it first, so no scheduler job outlives the packages it calls.
WHENEVER SQLERROR EXIT FAILURE ROLLBACK
WHENEVER OSERROR EXIT FAILURE
SET DEFINE OFF
SET SERVEROUTPUT ON

BEGIN
    FOR r_job IN (SELECT s.job_name
                    FROM user_scheduler_jobs s
                   WHERE s.job_name LIKE 'ILS\_%' ESCAPE '\') LOOP
        DBMS_SCHEDULER.DROP_JOB(r_job.job_name, TRUE);
        DBMS_OUTPUT.PUT_LINE('dropped ' || r_job.job_name);
    END LOOP;
END;
/

PROMPT == nightly jobs unscheduled
