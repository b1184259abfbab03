-- 004_utc_clock (Oracle): instants in UTC whatever the host's or the session's time zone, days in the library's.
-- 1. The columns that default to the current time take it in UTC (SYS_EXTRACT_UTC(SYSTIMESTAMP)): before,
--    SYSDATE gave the database host's local time on Oracle and the session's on PostgreSQL. Rows already
--    stored keep their values: they were UTC wherever the host and the sessions ran in UTC, as README asked.
-- 2. The LIBRARY_TIME_ZONE setting (UTC, as the days were counted until now): the zone whose calendar
--    days the packages use for due dates, closed days, fines, expiry and the nightly jobs (lib_clock).

ALTER TABLE users MODIFY (created_at DEFAULT SYS_EXTRACT_UTC(SYSTIMESTAMP));
ALTER TABLE user_roles MODIFY (granted_at DEFAULT SYS_EXTRACT_UTC(SYSTIMESTAMP));
ALTER TABLE patrons MODIFY (registered_at DEFAULT SYS_EXTRACT_UTC(SYSTIMESTAMP));
ALTER TABLE materials MODIFY (created_at DEFAULT SYS_EXTRACT_UTC(SYSTIMESTAMP));
ALTER TABLE copies MODIFY (acquired_on DEFAULT SYS_EXTRACT_UTC(SYSTIMESTAMP));
ALTER TABLE copies MODIFY (status_changed_at DEFAULT SYS_EXTRACT_UTC(SYSTIMESTAMP));
ALTER TABLE loans MODIFY (checkout_at DEFAULT SYS_EXTRACT_UTC(SYSTIMESTAMP));
ALTER TABLE holds MODIFY (placed_at DEFAULT SYS_EXTRACT_UTC(SYSTIMESTAMP));
ALTER TABLE fines MODIFY (assessed_at DEFAULT SYS_EXTRACT_UTC(SYSTIMESTAMP));
ALTER TABLE payments MODIFY (paid_at DEFAULT SYS_EXTRACT_UTC(SYSTIMESTAMP));
ALTER TABLE audit_log MODIFY (occurred_at DEFAULT SYS_EXTRACT_UTC(SYSTIMESTAMP));
ALTER TABLE notices MODIFY (created_at DEFAULT SYS_EXTRACT_UTC(SYSTIMESTAMP));

INSERT INTO app_settings (name, value, description) VALUES ('LIBRARY_TIME_ZONE', 'UTC', 'Time zone of the library, a region name such as Europe/Paris: the calendar days of due dates, closed days, fines, card and pickup expiry and the nightly jobs (times are stored in UTC)');
