CREATE OR REPLACE PACKAGE BODY lib_calendar AS

    -- how far next_open_day looks ahead before it gives up
    gc_max_lookahead CONSTANT PLS_INTEGER := 366;

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
        RETURN 0;
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

    FUNCTION closed_days_between(p_branch_id IN NUMBER, p_from IN DATE, p_to IN DATE) RETURN NUMBER IS
        l_branch_id branches.branch_id%TYPE := p_branch_id;
        l_count     PLS_INTEGER;
    BEGIN
        SELECT COUNT(DISTINCT cd.closed_on)
          INTO l_count
          FROM closed_days cd
         WHERE cd.closed_on > TRUNC(p_from)
           AND cd.closed_on <= TRUNC(p_to)
           AND (cd.branch_id = l_branch_id OR cd.branch_id IS NULL);
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
