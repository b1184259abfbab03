-- 065_jobs.sql: the catalog of nightly jobs (a table beside the 19 core tables).
-- One row per job entry point of lib_jobs, with its default nightly time. The schedulers (DBMS_SCHEDULER
-- through install_jobs.sql, pg_cron through scripts/jobs.py) and the job CLI read it.
-- Rows are loaded by 092_jobs_data.sql.

CREATE TABLE jobs (
    job_name        VARCHAR2(30 CHAR) NOT NULL,
    description     VARCHAR2(400 CHAR) NOT NULL,
    procedure_name  VARCHAR2(61 CHAR) NOT NULL,
    run_hour        NUMBER(2) NOT NULL,
    run_minute      NUMBER(2) NOT NULL,
    CONSTRAINT jobs_pk PRIMARY KEY (job_name),
    CONSTRAINT jobs_procedure_name_uk UNIQUE (procedure_name),
    CONSTRAINT jobs_name_ck CHECK ((job_name = UPPER(job_name))),
    CONSTRAINT jobs_run_time_ck CHECK ((run_hour BETWEEN 0 AND 23 AND run_minute BETWEEN 0 AND 59))
);

COMMENT ON TABLE jobs IS 'Catalog of the nightly jobs: one row per lib_jobs entry point with its default nightly time. Scheduled by install_jobs.sql (Oracle DBMS_SCHEDULER) or scripts/ils jobs schedule (pg_cron), run history in job_runs.';
COMMENT ON COLUMN jobs.job_name IS 'Stable job name in upper case, e.g. ACCRUE_FINES, used by job_runs, the schedulers and the job CLI.';
COMMENT ON COLUMN jobs.description IS 'What the job does, shown by scripts/ils jobs list and as the scheduler job comment.';
COMMENT ON COLUMN jobs.procedure_name IS 'Entry point called by the scheduler with one argument, the as-of day (NULL = the job default), e.g. lib_jobs.accrue_fines.';
COMMENT ON COLUMN jobs.run_hour IS 'Default hour of the daily run, 0-23, in the scheduler time zone (UTC in the embedded database).';
COMMENT ON COLUMN jobs.run_minute IS 'Default minute of the daily run, 0-59.';
