-- 092_jobs_data.sql: the nightly jobs and their default times (UTC), and the settings the jobs read.
-- Portable SQL, loaded as is on both engines. Order of the night: patrons and holds first, then
-- fines for yesterday, then lost loans (their overdue fine is final by then), notices last.
INSERT INTO jobs (job_name, description, procedure_name, run_hour, run_minute) VALUES ('EXPIRE_PATRONS', 'Patrons whose card expired before today become EXPIRED', 'lib_jobs.expire_patrons', 0, 15);
INSERT INTO jobs (job_name, description, procedure_name, run_hour, run_minute) VALUES ('EXPIRE_HOLDS', 'READY holds not picked up by their deadline expire, their copies go to the next hold in the queue', 'lib_jobs.expire_holds', 0, 30);
INSERT INTO jobs (job_name, description, procedure_name, run_hour, run_minute) VALUES ('ACCRUE_FINES', 'Overdue fines of every overdue loan brought up to yesterday (set-based)', 'lib_jobs.accrue_fines', 1, 0);
INSERT INTO jobs (job_name, description, procedure_name, run_hour, run_minute) VALUES ('MARK_LOST', 'Loans overdue longer than their policy lost_after_days are marked lost with the lost charge', 'lib_jobs.mark_lost_loans', 1, 30);
INSERT INTO jobs (job_name, description, procedure_name, run_hour, run_minute) VALUES ('GENERATE_NOTICES', 'Loan digests (due soon, 1st to 3rd overdue notice), hold-ready and card-expiry notices written to the notices outbox', 'lib_jobs.generate_notices', 2, 0);
INSERT INTO app_settings (name, value, description, value_type, min_value, max_value) VALUES ('OVERDUE_NOTICE_1_DAYS', '1', 'Days overdue at which a loan is listed in the first overdue notice', 'INTEGER', 1, 365);
INSERT INTO app_settings (name, value, description, value_type, min_value, max_value) VALUES ('OVERDUE_NOTICE_2_DAYS', '7', 'Days overdue at which a loan is listed in the second overdue notice (at least OVERDUE_NOTICE_1_DAYS)', 'INTEGER', 1, 365);
INSERT INTO app_settings (name, value, description, value_type, min_value, max_value) VALUES ('OVERDUE_NOTICE_3_DAYS', '14', 'Days overdue at which a loan is listed in the third and last overdue notice (at least OVERDUE_NOTICE_2_DAYS)', 'INTEGER', 1, 365);
INSERT INTO app_settings (name, value, description, value_type, min_value, max_value) VALUES ('CARD_EXPIRY_NOTICE_DAYS', '30', 'Days before a patron card expires at which the patron is told', 'INTEGER', 1, 365);
INSERT INTO app_settings (name, value, description, value_type) VALUES ('NOTICE_LANGUAGE', 'en', 'Language of the notice templates used for patron e-mails (notice_templates.language_code; en when that language has no template)', 'TEXT');
COMMIT;
