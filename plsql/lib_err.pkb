CREATE OR REPLACE PACKAGE BODY lib_err AS

    FUNCTION code_of(p_name IN VARCHAR2) RETURN NUMBER IS
        l_code app_errors.error_code%TYPE;
    BEGIN
        SELECT MAX(error_code) INTO l_code FROM app_errors WHERE name = p_name;
        RETURN l_code;
    END code_of;

    PROCEDURE raise_error(p_name IN VARCHAR2, p_detail IN VARCHAR2) IS
        l_code    app_errors.error_code%TYPE;
        l_message VARCHAR2(2000);
    BEGIN
        SELECT MAX(error_code), MAX(message) INTO l_code, l_message FROM app_errors WHERE name = p_name;
        IF l_code IS NULL THEN
            RAISE_APPLICATION_ERROR(-20901, 'Unknown error name ' || p_name);
        END IF;
        IF p_detail IS NOT NULL THEN
            l_message := l_message || ' ' || p_detail;
        END IF;
        -- RAISE_APPLICATION_ERROR needs a literal code to translate to a fixed SQLSTATE (45nnn),
        -- hence one branch per catalog entry; a test keeps this list equal to app_errors.
        CASE l_code
            WHEN -20101 THEN RAISE_APPLICATION_ERROR(-20101, l_message);
            WHEN -20102 THEN RAISE_APPLICATION_ERROR(-20102, l_message);
            WHEN -20103 THEN RAISE_APPLICATION_ERROR(-20103, l_message);
            WHEN -20104 THEN RAISE_APPLICATION_ERROR(-20104, l_message);
            WHEN -20105 THEN RAISE_APPLICATION_ERROR(-20105, l_message);
            WHEN -20106 THEN RAISE_APPLICATION_ERROR(-20106, l_message);
            WHEN -20107 THEN RAISE_APPLICATION_ERROR(-20107, l_message);
            WHEN -20108 THEN RAISE_APPLICATION_ERROR(-20108, l_message);
            WHEN -20109 THEN RAISE_APPLICATION_ERROR(-20109, l_message);
            WHEN -20110 THEN RAISE_APPLICATION_ERROR(-20110, l_message);
            WHEN -20111 THEN RAISE_APPLICATION_ERROR(-20111, l_message);
            WHEN -20112 THEN RAISE_APPLICATION_ERROR(-20112, l_message);
            WHEN -20113 THEN RAISE_APPLICATION_ERROR(-20113, l_message);
            WHEN -20114 THEN RAISE_APPLICATION_ERROR(-20114, l_message);
            WHEN -20115 THEN RAISE_APPLICATION_ERROR(-20115, l_message);
            WHEN -20201 THEN RAISE_APPLICATION_ERROR(-20201, l_message);
            WHEN -20202 THEN RAISE_APPLICATION_ERROR(-20202, l_message);
            WHEN -20203 THEN RAISE_APPLICATION_ERROR(-20203, l_message);
            WHEN -20204 THEN RAISE_APPLICATION_ERROR(-20204, l_message);
            WHEN -20205 THEN RAISE_APPLICATION_ERROR(-20205, l_message);
            WHEN -20206 THEN RAISE_APPLICATION_ERROR(-20206, l_message);
            WHEN -20207 THEN RAISE_APPLICATION_ERROR(-20207, l_message);
            WHEN -20301 THEN RAISE_APPLICATION_ERROR(-20301, l_message);
            WHEN -20302 THEN RAISE_APPLICATION_ERROR(-20302, l_message);
            WHEN -20303 THEN RAISE_APPLICATION_ERROR(-20303, l_message);
            WHEN -20304 THEN RAISE_APPLICATION_ERROR(-20304, l_message);
            WHEN -20305 THEN RAISE_APPLICATION_ERROR(-20305, l_message);
            WHEN -20306 THEN RAISE_APPLICATION_ERROR(-20306, l_message);
            WHEN -20307 THEN RAISE_APPLICATION_ERROR(-20307, l_message);
            WHEN -20308 THEN RAISE_APPLICATION_ERROR(-20308, l_message);
            WHEN -20309 THEN RAISE_APPLICATION_ERROR(-20309, l_message);
            WHEN -20401 THEN RAISE_APPLICATION_ERROR(-20401, l_message);
            WHEN -20402 THEN RAISE_APPLICATION_ERROR(-20402, l_message);
            WHEN -20403 THEN RAISE_APPLICATION_ERROR(-20403, l_message);
            WHEN -20404 THEN RAISE_APPLICATION_ERROR(-20404, l_message);
            WHEN -20405 THEN RAISE_APPLICATION_ERROR(-20405, l_message);
            WHEN -20406 THEN RAISE_APPLICATION_ERROR(-20406, l_message);
            WHEN -20407 THEN RAISE_APPLICATION_ERROR(-20407, l_message);
            WHEN -20408 THEN RAISE_APPLICATION_ERROR(-20408, l_message);
            WHEN -20409 THEN RAISE_APPLICATION_ERROR(-20409, l_message);
            WHEN -20410 THEN RAISE_APPLICATION_ERROR(-20410, l_message);
            WHEN -20411 THEN RAISE_APPLICATION_ERROR(-20411, l_message);
            WHEN -20412 THEN RAISE_APPLICATION_ERROR(-20412, l_message);
            WHEN -20413 THEN RAISE_APPLICATION_ERROR(-20413, l_message);
            WHEN -20414 THEN RAISE_APPLICATION_ERROR(-20414, l_message);
            WHEN -20415 THEN RAISE_APPLICATION_ERROR(-20415, l_message);
            WHEN -20416 THEN RAISE_APPLICATION_ERROR(-20416, l_message);
            WHEN -20430 THEN RAISE_APPLICATION_ERROR(-20430, l_message);
            WHEN -20431 THEN RAISE_APPLICATION_ERROR(-20431, l_message);
            WHEN -20432 THEN RAISE_APPLICATION_ERROR(-20432, l_message);
            WHEN -20433 THEN RAISE_APPLICATION_ERROR(-20433, l_message);
            WHEN -20450 THEN RAISE_APPLICATION_ERROR(-20450, l_message);
            WHEN -20451 THEN RAISE_APPLICATION_ERROR(-20451, l_message);
            WHEN -20452 THEN RAISE_APPLICATION_ERROR(-20452, l_message);
            WHEN -20453 THEN RAISE_APPLICATION_ERROR(-20453, l_message);
            WHEN -20480 THEN RAISE_APPLICATION_ERROR(-20480, l_message);
            WHEN -20481 THEN RAISE_APPLICATION_ERROR(-20481, l_message);
            WHEN -20501 THEN RAISE_APPLICATION_ERROR(-20501, l_message);
            WHEN -20502 THEN RAISE_APPLICATION_ERROR(-20502, l_message);
            WHEN -20503 THEN RAISE_APPLICATION_ERROR(-20503, l_message);
            WHEN -20504 THEN RAISE_APPLICATION_ERROR(-20504, l_message);
            WHEN -20505 THEN RAISE_APPLICATION_ERROR(-20505, l_message);
            WHEN -20506 THEN RAISE_APPLICATION_ERROR(-20506, l_message);
            WHEN -20507 THEN RAISE_APPLICATION_ERROR(-20507, l_message);
            WHEN -20508 THEN RAISE_APPLICATION_ERROR(-20508, l_message);
            WHEN -20509 THEN RAISE_APPLICATION_ERROR(-20509, l_message);
            WHEN -20510 THEN RAISE_APPLICATION_ERROR(-20510, l_message);
            WHEN -20511 THEN RAISE_APPLICATION_ERROR(-20511, l_message);
            WHEN -20512 THEN RAISE_APPLICATION_ERROR(-20512, l_message);
            WHEN -20901 THEN RAISE_APPLICATION_ERROR(-20901, l_message);
            WHEN -20902 THEN RAISE_APPLICATION_ERROR(-20902, l_message);
            WHEN -20903 THEN RAISE_APPLICATION_ERROR(-20903, l_message);
            WHEN -20904 THEN RAISE_APPLICATION_ERROR(-20904, l_message);
            WHEN -20905 THEN RAISE_APPLICATION_ERROR(-20905, l_message);
            WHEN -20910 THEN RAISE_APPLICATION_ERROR(-20910, l_message);
            WHEN -20911 THEN RAISE_APPLICATION_ERROR(-20911, l_message);
            WHEN -20912 THEN RAISE_APPLICATION_ERROR(-20912, l_message);
            WHEN -20913 THEN RAISE_APPLICATION_ERROR(-20913, l_message);
            WHEN -20914 THEN RAISE_APPLICATION_ERROR(-20914, l_message);
            WHEN -20915 THEN RAISE_APPLICATION_ERROR(-20915, l_message);
            WHEN -20916 THEN RAISE_APPLICATION_ERROR(-20916, l_message);
            WHEN -20917 THEN RAISE_APPLICATION_ERROR(-20917, l_message);
            WHEN -20918 THEN RAISE_APPLICATION_ERROR(-20918, l_message);
            WHEN -20919 THEN RAISE_APPLICATION_ERROR(-20919, l_message);
            WHEN -20920 THEN RAISE_APPLICATION_ERROR(-20920, l_message);
            WHEN -20980 THEN RAISE_APPLICATION_ERROR(-20980, l_message);
            WHEN -20981 THEN RAISE_APPLICATION_ERROR(-20981, l_message);
            WHEN -20982 THEN RAISE_APPLICATION_ERROR(-20982, l_message);
            ELSE RAISE_APPLICATION_ERROR(-20901, 'No raise branch for ' || p_name);
        END CASE;
    END raise_error;

END lib_err;
/
