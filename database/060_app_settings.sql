-- 060_app_settings.sql: library-wide settings read by the packages (a table beside the 19 core tables).
-- Each row declares its type (and range), which lib_admin.set_setting checks: staff change values only
-- through it.

CREATE TABLE app_settings (
    name            VARCHAR2(40 CHAR) NOT NULL,
    value           VARCHAR2(400 CHAR) NOT NULL,
    description     VARCHAR2(400 CHAR) NOT NULL,
    value_type      VARCHAR2(20 CHAR) DEFAULT 'TEXT' NOT NULL,
    min_value       NUMBER(10),
    max_value       NUMBER(10),
    CONSTRAINT app_settings_pk PRIMARY KEY (name),
    CONSTRAINT app_settings_value_ck CHECK ((COALESCE(LENGTH(TRIM(value)), 0) > 0)),
    CONSTRAINT app_settings_value_type_ck CHECK ((value_type IN ('INTEGER', 'TIME_ZONE', 'TEXT'))),
    CONSTRAINT app_settings_range_ck CHECK (((value_type = 'INTEGER' AND min_value IS NOT NULL AND max_value >= min_value) OR (value_type <> 'INTEGER' AND min_value IS NULL AND max_value IS NULL)))
);

COMMENT ON TABLE app_settings IS 'Library-wide settings read by the PL/SQL packages, changed by staff with SYS_CONFIG.';
COMMENT ON COLUMN app_settings.name IS 'Setting name, upper case, e.g. MAX_FAILED_LOGINS.';
COMMENT ON COLUMN app_settings.value IS 'Setting value as text, converted by the package that reads it.';
COMMENT ON COLUMN app_settings.description IS 'What the setting controls and its unit.';
COMMENT ON COLUMN app_settings.value_type IS 'How lib_admin.set_setting checks a new value: INTEGER = a whole number from min_value to max_value, TIME_ZONE = UTC or a region name such as Europe/Paris, TEXT = any text of 1 to 400 characters.';
COMMENT ON COLUMN app_settings.min_value IS 'Smallest value of an INTEGER setting, NULL for other types.';
COMMENT ON COLUMN app_settings.max_value IS 'Largest value of an INTEGER setting, NULL for other types.';
