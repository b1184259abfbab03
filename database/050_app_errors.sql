-- 050_app_errors.sql: the catalog of application errors (a table beside the 19 core tables).
-- lib_err raises from it; the API reads it to map a code to its name and HTTP status.

CREATE TABLE app_errors (
    error_code      NUMBER(6) NOT NULL,
    name            VARCHAR2(40 CHAR) NOT NULL,
    http_status     NUMBER(3) NOT NULL,
    message         VARCHAR2(400 CHAR) NOT NULL,
    overridable     CHAR(1 CHAR) DEFAULT 'N' NOT NULL,
    CONSTRAINT app_errors_pk PRIMARY KEY (error_code),
    CONSTRAINT app_errors_name_uk UNIQUE (name),
    CONSTRAINT app_errors_code_ck CHECK ((error_code BETWEEN -20999 AND -20100)),
    CONSTRAINT app_errors_http_ck CHECK ((http_status BETWEEN 400 AND 599)),
    CONSTRAINT app_errors_overridable_ck CHECK ((overridable IN ('Y', 'N')))
);

COMMENT ON TABLE app_errors IS 'Catalog of application errors raised by lib_err with RAISE_APPLICATION_ERROR. Ranges: -201xx circulation, -202xx fines and payments, -203xx holds, -204xx patrons and accounts, -205xx catalog, -209xx system.';
COMMENT ON COLUMN app_errors.error_code IS 'Oracle error number (-20nnn), reported by PostgreSQL as SQLSTATE 45nnn.';
COMMENT ON COLUMN app_errors.name IS 'Stable symbolic name returned by the API as error.code.';
COMMENT ON COLUMN app_errors.http_status IS 'HTTP status the API answers with: 404 not found, 409 conflict with state, 422 invalid input, 403 forbidden, 423 locked.';
COMMENT ON COLUMN app_errors.message IS 'Human sentence shown to staff and patrons, completed with details at raise time.';
COMMENT ON COLUMN app_errors.overridable IS 'Y = a refusal staff with CIRC_OVERRIDE may pass at checkout or renewal (lib_circulation, the desk''s override button); N = never passed.';
