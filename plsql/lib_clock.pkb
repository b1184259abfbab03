CREATE OR REPLACE PACKAGE BODY lib_clock AS

    -- Wall-clock time in p_zone of a UTC instant (the one place the conversion is written in PL/SQL).
    FUNCTION in_zone(p_utc IN DATE, p_zone IN VARCHAR2) RETURN DATE IS
    BEGIN
        RETURN CAST(FROM_TZ(CAST(p_utc AS TIMESTAMP), 'UTC') AT TIME ZONE p_zone AS DATE);
    END in_zone;

    FUNCTION now_utc RETURN DATE IS
        l_now DATE;
    BEGIN
        -- The host's clock less the host's UTC offset. Not SYS_EXTRACT_UTC(SYSTIMESTAMP): ora2pg turns
        -- SYSTIMESTAMP into CURRENT_TIMESTAMP, which on PostgreSQL is the start of the transaction, and
        -- SYSDATE into clock_timestamp(), so this form reads the clock on both engines. On PostgreSQL
        -- clock and offset are both the session's (compat.sql subtracts days in the session's zone).
        l_now := SYSDATE - (EXTRACT(TIMEZONE_HOUR FROM SYSTIMESTAMP) * 60
                            + EXTRACT(TIMEZONE_MINUTE FROM SYSTIMESTAMP)) / 1440;
        RETURN l_now;
    END now_utc;

    FUNCTION time_zone_name RETURN VARCHAR2 IS
        l_value app_settings.value%TYPE;
    BEGIN
        SELECT MAX(s.value) INTO l_value FROM app_settings s WHERE s.name = 'LIBRARY_TIME_ZONE';
        IF NVL(LENGTH(TRIM(l_value)), 0) = 0 THEN
            RETURN 'UTC';
        END IF;
        RETURN TRIM(l_value);
    END time_zone_name;

    FUNCTION today RETURN DATE IS
    BEGIN
        RETURN TRUNC(in_zone(now_utc(), time_zone_name()));
    END today;

    FUNCTION local_time(p_utc IN DATE) RETURN DATE IS
    BEGIN
        IF p_utc IS NULL THEN
            RETURN NULL;
        END IF;
        RETURN in_zone(p_utc, time_zone_name());
    END local_time;

    FUNCTION local_day(p_utc IN DATE) RETURN DATE IS
    BEGIN
        RETURN TRUNC(local_time(p_utc));
    END local_day;

    FUNCTION utc_time(p_local IN DATE) RETURN DATE IS
        l_zone  app_settings.value%TYPE;
        l_guess DATE;
        l_later DATE;
    BEGIN
        IF p_local IS NULL THEN
            RETURN NULL;
        END IF;
        -- FROM_TZ with a zone held in a variable does not translate (ora2pg takes only a literal), so
        -- the offset is found with the UTC-to-local conversion: the zone's offset at p_local read as
        -- UTC, then again at that first guess, which gives the instant unless daylight saving time
        -- changes the offset within an hour of it (see the spec for times skipped or shown twice).
        l_zone := time_zone_name();
        l_guess := p_local - (in_zone(p_local, l_zone) - p_local);
        l_guess := p_local - (in_zone(l_guess, l_zone) - l_guess);
        -- a time the clocks show twice (they fall back): the later instant, so that an hour shown twice
        -- at the end of a day belongs to that day, as local_day says
        l_later := p_local - (in_zone(l_guess + 3 / 24.0, l_zone) - (l_guess + 3 / 24.0));
        IF l_later > l_guess AND in_zone(l_later, l_zone) = p_local THEN
            l_guess := l_later;
        END IF;
        RETURN l_guess;
    END utc_time;

    FUNCTION day_end_utc(p_day IN DATE) RETURN DATE IS
        l_midnight DATE;
    BEGIN
        l_midnight := TRUNC(p_day);
        -- 86399 seconds after midnight, written with a decimal divisor so that no engine divides integers
        RETURN utc_time(l_midnight + 86399 / 86400.0);
    END day_end_utc;

    FUNCTION day_start_utc(p_day IN DATE) RETURN DATE IS
        l_midnight DATE;
    BEGIN
        l_midnight := TRUNC(p_day);
        RETURN day_end_utc(l_midnight - 1) + 1 / 86400.0;
    END day_start_utc;

END lib_clock;
/
