-- 099_verify_oracle.sql: Oracle only. CREATE of a package or trigger with compilation errors is only
-- a warning in SQL*Plus, so fail the install here when any object of the schema is invalid.
DECLARE
    l_invalid NUMBER;
BEGIN
    SELECT COUNT(*) INTO l_invalid FROM user_objects WHERE status = 'INVALID';
    IF l_invalid > 0 THEN
        RAISE_APPLICATION_ERROR(-20909, l_invalid || ' invalid object(s): SELECT * FROM user_errors');
    END IF;
END;
/
