-- 004_utc_clock (PostgreSQL, the defaults as the build translates them): instants in UTC whatever the host's or the session's time zone, days in the library's.
-- 1. The columns that default to the current time take it in UTC (SYS_EXTRACT_UTC(SYSTIMESTAMP)): before,
--    SYSDATE gave the database host's local time on Oracle and the session's on PostgreSQL. Rows already
--    stored keep their values: they were UTC wherever the host and the sessions ran in UTC, as README asked.
-- 2. The LIBRARY_TIME_ZONE setting (UTC, as the days were counted until now): the zone whose calendar
--    days the packages use for due dates, closed days, fines, expiry and the nightly jobs (lib_clock).

ALTER TABLE users ALTER COLUMN created_at SET DEFAULT (CURRENT_TIMESTAMP AT TIME ZONE 'UTC');
ALTER TABLE user_roles ALTER COLUMN granted_at SET DEFAULT (CURRENT_TIMESTAMP AT TIME ZONE 'UTC');
ALTER TABLE patrons ALTER COLUMN registered_at SET DEFAULT (CURRENT_TIMESTAMP AT TIME ZONE 'UTC');
ALTER TABLE materials ALTER COLUMN created_at SET DEFAULT (CURRENT_TIMESTAMP AT TIME ZONE 'UTC');
ALTER TABLE copies ALTER COLUMN acquired_on SET DEFAULT (CURRENT_TIMESTAMP AT TIME ZONE 'UTC');
ALTER TABLE copies ALTER COLUMN status_changed_at SET DEFAULT (CURRENT_TIMESTAMP AT TIME ZONE 'UTC');
ALTER TABLE loans ALTER COLUMN checkout_at SET DEFAULT (CURRENT_TIMESTAMP AT TIME ZONE 'UTC');
ALTER TABLE holds ALTER COLUMN placed_at SET DEFAULT (CURRENT_TIMESTAMP AT TIME ZONE 'UTC');
ALTER TABLE fines ALTER COLUMN assessed_at SET DEFAULT (CURRENT_TIMESTAMP AT TIME ZONE 'UTC');
ALTER TABLE payments ALTER COLUMN paid_at SET DEFAULT (CURRENT_TIMESTAMP AT TIME ZONE 'UTC');
ALTER TABLE audit_log ALTER COLUMN occurred_at SET DEFAULT (CURRENT_TIMESTAMP AT TIME ZONE 'UTC');
ALTER TABLE notices ALTER COLUMN created_at SET DEFAULT (CURRENT_TIMESTAMP AT TIME ZONE 'UTC');

INSERT INTO app_settings (name, value, description) VALUES ('LIBRARY_TIME_ZONE', 'UTC', 'Time zone of the library, a region name such as Europe/Paris: the calendar days of due dates, closed days, fines, card and pickup expiry and the nightly jobs (times are stored in UTC)');
