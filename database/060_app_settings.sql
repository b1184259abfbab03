-- 060_app_settings.sql: library-wide settings read by the packages (a table beside the 19 core tables).

CREATE TABLE app_settings (
    name            VARCHAR2(40 CHAR) NOT NULL,
    value           VARCHAR2(400 CHAR) NOT NULL,
    description     VARCHAR2(400 CHAR) NOT NULL,
    CONSTRAINT app_settings_pk PRIMARY KEY (name),
    CONSTRAINT app_settings_value_ck CHECK ((COALESCE(LENGTH(TRIM(value)), 0) > 0))
);

COMMENT ON TABLE app_settings IS 'Library-wide settings read by the PL/SQL packages, changed by staff with SYS_CONFIG.';
COMMENT ON COLUMN app_settings.name IS 'Setting name, upper case, e.g. MAX_FAILED_LOGINS.';
COMMENT ON COLUMN app_settings.value IS 'Setting value as text, converted by the package that reads it.';
COMMENT ON COLUMN app_settings.description IS 'What the setting controls and its unit.';
