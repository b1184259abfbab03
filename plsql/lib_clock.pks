CREATE OR REPLACE PACKAGE lib_clock AS
    /**
     * The one clock of the system and the library's calendar.
     *
     * Instants (checkout_at, due_at, returned_at, placed_at, expires_at of a hold, every *_at column,
     * audit_log.occurred_at, job_runs.started_at) are stored in UTC, whatever the time zone of the
     * database host or of the session. Every package takes the time from now_utc(); nothing else
     * reads SYSDATE or SYSTIMESTAMP.
     *
     * Days (patrons.expires_on, closed_days.closed_on, fines.accrued_through, notices.notice_day,
     * job_runs.as_of_day, the as-of day of a job) are calendar days of the library, at midnight, in
     * the time zone named by the LIBRARY_TIME_ZONE setting (a region such as Europe/Paris; 'UTC' when
     * the setting is missing). A day boundary (due date, closed day, fine day, card and pickup expiry,
     * "today" of a job) is where that day starts or ends in the library, converted to UTC.
     *
     * The conversions use the database's own time zone rules (Oracle's time zone file, PostgreSQL's
     * tzdata). Set-based statements over many rows convert a UTC column inline with the same
     * expression as local_time (lib_fines_core.accrue_overdue, lib_jobs), reading the zone once.
     */

    /**
     * The current instant in UTC, to the second: the database host's clock, independent of the
     * host's and the session's time zone.
     * @return the current date and time in UTC
     */
    FUNCTION now_utc RETURN DATE;

    /**
     * The library's time zone: the LIBRARY_TIME_ZONE setting, 'UTC' when missing or blank.
     * @return a time zone region name, e.g. Europe/Paris
     */
    FUNCTION time_zone_name RETURN VARCHAR2;

    /**
     * The library's calendar day now.
     * @return midnight of today in the library's time zone
     */
    FUNCTION today RETURN DATE;

    /**
     * Wall-clock time in the library of a UTC instant.
     * @param p_utc a date and time in UTC
     * @return the same instant as the library's clocks show it, NULL when p_utc is NULL
     */
    FUNCTION local_time(p_utc IN DATE) RETURN DATE;

    /**
     * The library's calendar day of a UTC instant.
     * @param p_utc a date and time in UTC
     * @return midnight of the day p_utc falls on in the library, NULL when p_utc is NULL
     */
    FUNCTION local_day(p_utc IN DATE) RETURN DATE;

    /**
     * The UTC instant of a wall-clock time in the library. A time the clocks skip (when daylight
     * saving time starts) gives the instant they show as that much later; a time they show twice
     * (when it ends) gives the later of the two instants.
     * @param p_local a date and time as the library's clocks show it
     * @return the same instant in UTC, NULL when p_local is NULL
     */
    FUNCTION utc_time(p_local IN DATE) RETURN DATE;

    /**
     * The UTC instant at which a library day begins (one second after the end of the day before,
     * so that a zone whose clocks skip midnight still has a start of day).
     * @param p_day any time of the library day
     * @return the first second of that day, in UTC
     */
    FUNCTION day_start_utc(p_day IN DATE) RETURN DATE;

    /**
     * The UTC instant of the last second (23:59:59) of a library day.
     * @param p_day any time of the library day
     * @return 23:59:59 of that day in the library, in UTC
     */
    FUNCTION day_end_utc(p_day IN DATE) RETURN DATE;
END lib_clock;
/
