CREATE OR REPLACE PACKAGE BODY lib_calendar AS

    -- how far next_open_day looks ahead before it gives up
    gc_max_lookahead CONSTANT PLS_INTEGER := 366;

    FUNCTION iso_weekday(p_day IN DATE) RETURN NUMBER IS
        l_monday DATE;
    BEGIN
        -- counted from a known Monday (TO_CHAR(d, 'D') depends on NLS_TERRITORY)
        l_monday := TO_DATE('2001-01-01', 'YYYY-MM-DD');
        RETURN MOD(TRUNC(p_day) - l_monday, 7) + 1;
    END iso_weekday;

    -- 1 when the branch (or every branch) is closed every week on the weekday of p_day, else 0
    FUNCTION weekly_closed(p_branch_id IN NUMBER, p_day IN DATE) RETURN NUMBER IS
        l_branch_id branches.branch_id%TYPE := p_branch_id;
        l_weekday   closed_weekdays.iso_weekday%TYPE;
        l_count     PLS_INTEGER;
    BEGIN
        l_weekday := iso_weekday(p_day);
        SELECT COUNT(*)
          INTO l_count
          FROM closed_weekdays cw
         WHERE cw.iso_weekday = l_weekday
           AND (cw.branch_id = l_branch_id OR cw.branch_id IS NULL);
        IF l_count > 0 THEN
            RETURN 1;
        END IF;
        RETURN 0;
    END weekly_closed;

    FUNCTION is_closed(p_branch_id IN NUMBER, p_day IN DATE) RETURN NUMBER IS
        l_branch_id branches.branch_id%TYPE := p_branch_id;
        l_count     PLS_INTEGER;
    BEGIN
        SELECT COUNT(*)
          INTO l_count
          FROM closed_days cd
         WHERE cd.closed_on = TRUNC(p_day)
           AND (cd.branch_id = l_branch_id OR cd.branch_id IS NULL);
        IF l_count > 0 THEN
            RETURN 1;
        END IF;
        RETURN weekly_closed(p_branch_id, p_day);
    END is_closed;

    FUNCTION next_open_day(p_branch_id IN NUMBER, p_day IN DATE) RETURN DATE IS
        l_day DATE;
    BEGIN
        l_day := TRUNC(p_day);
        FOR i IN 1 .. gc_max_lookahead LOOP
            EXIT WHEN is_closed(p_branch_id, l_day) = 0;
            l_day := l_day + 1;
        END LOOP;
        RETURN l_day;
    END next_open_day;

    FUNCTION previous_open_day(p_branch_id IN NUMBER, p_day IN DATE) RETURN DATE IS
        l_day DATE;
    BEGIN
        l_day := TRUNC(p_day);
        FOR i IN 1 .. gc_max_lookahead LOOP
            EXIT WHEN is_closed(p_branch_id, l_day) = 0;
            l_day := l_day - 1;
        END LOOP;
        RETURN l_day;
    END previous_open_day;

    FUNCTION closed_days_between(p_branch_id IN NUMBER, p_from IN DATE, p_to IN DATE) RETURN NUMBER IS
        l_branch_id branches.branch_id%TYPE := p_branch_id;
        l_from      DATE;
        l_to        DATE;
        l_days      NUMBER;
        l_first     NUMBER;
        l_count     NUMBER;
    BEGIN
        l_from := TRUNC(p_from);
        l_to := TRUNC(p_to);
        IF l_to <= l_from THEN
            RETURN 0;
        END IF;
        l_days := l_to - l_from;
        l_first := iso_weekday(l_from + 1);
        l_count := 0;
        -- a weekly closure falls once in every whole week of the span, and once more when its weekday is
        -- among the days left over (counted from the weekday of the first day, l_first)
        FOR r_weekday IN (SELECT DISTINCT cw.iso_weekday
                            FROM closed_weekdays cw
                           WHERE cw.branch_id = l_branch_id OR cw.branch_id IS NULL) LOOP
            l_count := l_count + TRUNC(l_days / 7);
            IF MOD(r_weekday.iso_weekday - l_first + 7, 7) < MOD(l_days, 7) THEN
                l_count := l_count + 1;
            END IF;
        END LOOP;
        -- single closed days, those on a weekly closure already counted
        FOR r_day IN (SELECT DISTINCT cd.closed_on
                        FROM closed_days cd
                       WHERE cd.closed_on > l_from
                         AND cd.closed_on <= l_to
                         AND (cd.branch_id = l_branch_id OR cd.branch_id IS NULL)) LOOP
            IF weekly_closed(p_branch_id, r_day.closed_on) = 0 THEN
                l_count := l_count + 1;
            END IF;
        END LOOP;
        RETURN l_count;
    END closed_days_between;

    FUNCTION end_of_day(p_day IN DATE) RETURN DATE IS
    BEGIN
        RETURN lib_clock.day_end_utc(p_day);
    END end_of_day;

    FUNCTION due_at(p_branch_id IN NUMBER, p_from IN DATE, p_days IN NUMBER) RETURN DATE IS
        l_day DATE;
    BEGIN
        l_day := lib_clock.local_day(p_from) + p_days;
        RETURN end_of_day(next_open_day(p_branch_id, l_day));
    END due_at;

END lib_calendar;
/
