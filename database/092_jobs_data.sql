-- 092_jobs_data.sql: the nightly jobs and their default times (UTC), and the settings the jobs read.
-- Portable SQL, loaded as is on both engines. Order of the night: patrons and holds first, then
-- fines for yesterday, then lost loans (their overdue fine is final by then), notices last.
INSERT INTO jobs (job_name, description, procedure_name, run_hour, run_minute) VALUES ('EXPIRE_PATRONS', 'Patrons whose card expired before today become EXPIRED', 'lib_jobs.expire_patrons', 0, 15);
INSERT INTO jobs (job_name, description, procedure_name, run_hour, run_minute) VALUES ('EXPIRE_HOLDS', 'READY holds not picked up by their deadline expire, their copies go to the next hold in the queue', 'lib_jobs.expire_holds', 0, 30);
INSERT INTO jobs (job_name, description, procedure_name, run_hour, run_minute) VALUES ('ACCRUE_FINES', 'Overdue fines of every overdue loan brought up to yesterday (set-based)', 'lib_jobs.accrue_fines', 1, 0);
INSERT INTO jobs (job_name, description, procedure_name, run_hour, run_minute) VALUES ('MARK_LOST', 'Loans overdue longer than their policy lost_after_days are marked lost with the lost charge', 'lib_jobs.mark_lost_loans', 1, 30);
INSERT INTO jobs (job_name, description, procedure_name, run_hour, run_minute) VALUES ('GENERATE_NOTICES', 'Due-soon, overdue and hold-ready notices written to the notices outbox', 'lib_jobs.generate_notices', 2, 0);
INSERT INTO app_settings (name, value, description, value_type, min_value, max_value) VALUES ('NOTICE_OVERDUE_REPEAT_DAYS', '7', 'Days between two overdue notices for a loan that stays overdue', 'INTEGER', 1, 90);
COMMIT;
