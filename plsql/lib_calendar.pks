CREATE OR REPLACE PACKAGE lib_calendar AS
    /**
     * Opening calendar of the branches: single closed days (closed_days) and weekly closures
     * (closed_weekdays, e.g. closed every Sunday). Due dates never fall on a closed day and overdue
     * fines are not charged for closed days. A row with branch_id NULL closes every branch. Days are the library's calendar days (LIBRARY_TIME_ZONE, see lib_clock),
     * whole days (midnight): times passed in as days are truncated. due_at and end_of_day return
     * UTC instants.
     */

    /**
     * ISO weekday of a day, whatever the session's territory: 1 = Monday to 7 = Sunday.
     * @param p_day any time of the day
     * @return 1 to 7
     */
    FUNCTION iso_weekday(p_day IN DATE) RETURN NUMBER;

    /**
     * Whether a branch is closed on a day: its own closed day or weekday, or a library-wide one.
     * @param p_branch_id branches.branch_id
     * @param p_day       any time of the day
     * @return 1 when closed, else 0
     */
    FUNCTION is_closed(p_branch_id IN NUMBER, p_day IN DATE) RETURN NUMBER;

    /**
     * First day on or after p_day on which the branch is open. Looks at most 366 days ahead: a
     * calendar closed for a whole year returns the day after that year (a configuration error,
     * not a reason to stop lending).
     * @param p_branch_id branches.branch_id
     * @param p_day       any time of the starting day
     * @return midnight of the first open day on or after TRUNC(p_day)
     */
    FUNCTION next_open_day(p_branch_id IN NUMBER, p_day IN DATE) RETURN DATE;

    /**
     * Last day on or before p_day on which the branch is open (looks at most 366 days back, then
     * returns the day before that year).
     * @param p_branch_id branches.branch_id
     * @param p_day       any time of the starting day
     * @return midnight of the last open day on or before TRUNC(p_day)
     */
    FUNCTION previous_open_day(p_branch_id IN NUMBER, p_day IN DATE) RETURN DATE;

    /**
     * Number of closed days d (closed days and weekly closures of the branch (own or library-wide, each day counted once) with
     * TRUNC(p_from) < d <= TRUNC(p_to).
     * @param p_branch_id branches.branch_id
     * @param p_from      start, exclusive (e.g. the due date)
     * @param p_to        end, inclusive (e.g. the return date)
     * @return the count, 0 when p_to is not after p_from
     */
    FUNCTION closed_days_between(p_branch_id IN NUMBER, p_from IN DATE, p_to IN DATE) RETURN NUMBER;

    /**
     * Due time of a loan: p_days after the library day of p_from, moved forward past the branch's
     * closed days, at 23:59:59 of that day in the library.
     * @param p_branch_id branches.branch_id whose calendar applies (the loan's branch)
     * @param p_from      start of the loan period in UTC (checkout or renewal time, or the old due date)
     * @param p_days      loan period in days
     * @return the due date and time, in UTC
     */
    FUNCTION due_at(p_branch_id IN NUMBER, p_from IN DATE, p_days IN NUMBER) RETURN DATE;

    /**
     * Last second (23:59:59) of a library day, as a UTC instant (lib_clock.day_end_utc).
     * @param p_day any time of the library day
     * @return 23:59:59 of TRUNC(p_day) in the library, in UTC
     */
    FUNCTION end_of_day(p_day IN DATE) RETURN DATE;
END lib_calendar;
/
