CREATE OR REPLACE PACKAGE lib_audit AS
    /**
     * The audit trail: one audit_log row per audited row change or event, with the acting user
     * (lib_session.actor()) and the changed values as compact text 'col=value' pairs joined by
     * semicolons (only the changed columns for UPDATE, every non-NULL column for INSERT and DELETE).
     * The row triggers in plsql/triggers.sql build the text with the old_/new_ helpers below and make
     * one call to log_change. The helpers return '' (NULL in Oracle) when a column did not change,
     * so that concatenation works alike on both engines.
     */

    /**
     * Record an event that is not a plain row change, e.g. OVERRIDE, LOGIN, LOGIN_FAILED.
     * @param p_table_name table the event concerns, e.g. loans
     * @param p_row_id     key of the row concerned, or NULL
     * @param p_action     an audit_log.action value (INSERT, UPDATE, DELETE, OVERRIDE, LOGIN, LOGIN_FAILED)
     * @param p_details    free text stored as new_values (cut to 4000 characters)
     */
    PROCEDURE log_event(p_table_name IN VARCHAR2, p_row_id IN NUMBER, p_action IN VARCHAR2,
                        p_details IN VARCHAR2);

    /**
     * Record an event on behalf of a given actor, e.g. LOGIN before the session has an actor.
     * @param p_actor_id   users.user_id recorded as actor_user_id (NULL = lib_session.actor())
     * @param p_table_name table the event concerns
     * @param p_row_id     key of the row concerned, or NULL
     * @param p_action     an audit_log.action value
     * @param p_details    free text stored as new_values (cut to 4000 characters)
     */
    PROCEDURE log_event_by(p_actor_id IN NUMBER, p_table_name IN VARCHAR2, p_row_id IN NUMBER,
                           p_action IN VARCHAR2, p_details IN VARCHAR2);

    /**
     * Record a row change (called by the audit triggers). An UPDATE that changed no audited column
     * is not recorded. INSERT keeps no old values, DELETE no new values.
     * A function, so that a trigger body is one assignment: ora2pg's TRIGGER pass does not know the
     * package procedures and would not turn a procedure call into CALL.
     * @param p_table_name audited table
     * @param p_row_id     primary key of the row (user_id for user_roles)
     * @param p_action     INSERT, UPDATE or DELETE
     * @param p_old_values changed values before, as built by the old_ helpers
     * @param p_new_values changed values after, as built by the new_ helpers
     * @return audit_log.audit_id of the new row, NULL when nothing was recorded
     */
    FUNCTION log_change(p_table_name IN VARCHAR2, p_row_id IN NUMBER, p_action IN VARCHAR2,
                        p_old_values IN VARCHAR2, p_new_values IN VARCHAR2) RETURN NUMBER;

    /**
     * Text column, before side.
     * @param p_name column name
     * @param p_old  value before (NULL on INSERT)
     * @param p_new  value after (NULL on DELETE)
     * @return 'name=old;' when the value changed, else ''
     */
    FUNCTION old_txt(p_name IN VARCHAR2, p_old IN VARCHAR2, p_new IN VARCHAR2) RETURN VARCHAR2;

    /**
     * Text column, after side.
     * @param p_name column name
     * @param p_old  value before
     * @param p_new  value after
     * @return 'name=new;' when the value changed, else ''
     */
    FUNCTION new_txt(p_name IN VARCHAR2, p_old IN VARCHAR2, p_new IN VARCHAR2) RETURN VARCHAR2;

    /**
     * Number column (keys, counts: integers; money columns use old_money), before side.
     * @param p_name column name
     * @param p_old  value before
     * @param p_new  value after
     * @return 'name=old;' when the value changed, else ''
     */
    FUNCTION old_num(p_name IN VARCHAR2, p_old IN NUMBER, p_new IN NUMBER) RETURN VARCHAR2;

    /**
     * Number column (integers; money columns use new_money), after side.
     * @param p_name column name
     * @param p_old  value before
     * @param p_new  value after
     * @return 'name=new;' when the value changed, else ''
     */
    FUNCTION new_num(p_name IN VARCHAR2, p_old IN NUMBER, p_new IN NUMBER) RETURN VARCHAR2;

    /**
     * Money column (NUMBER(10,2)), before side, formatted by lib_fines.money_text ('10.00', '0.25'):
     * the same text on both engines, where TO_CHAR without a format model is not.
     * @param p_name column name
     * @param p_old  value before
     * @param p_new  value after
     * @return 'name=old;' when the value changed, else ''
     */
    FUNCTION old_money(p_name IN VARCHAR2, p_old IN NUMBER, p_new IN NUMBER) RETURN VARCHAR2;

    /**
     * Money column, after side, formatted by lib_fines.money_text.
     * @param p_name column name
     * @param p_old  value before
     * @param p_new  value after
     * @return 'name=new;' when the value changed, else ''
     */
    FUNCTION new_money(p_name IN VARCHAR2, p_old IN NUMBER, p_new IN NUMBER) RETURN VARCHAR2;

    /**
     * Date column, before side, formatted YYYY-MM-DD HH24:MI:SS.
     * @param p_name column name
     * @param p_old  value before
     * @param p_new  value after
     * @return 'name=old;' when the value changed, else ''
     */
    FUNCTION old_date(p_name IN VARCHAR2, p_old IN DATE, p_new IN DATE) RETURN VARCHAR2;

    /**
     * Date column, after side, formatted YYYY-MM-DD HH24:MI:SS.
     * @param p_name column name
     * @param p_old  value before
     * @param p_new  value after
     * @return 'name=new;' when the value changed, else ''
     */
    FUNCTION new_date(p_name IN VARCHAR2, p_old IN DATE, p_new IN DATE) RETURN VARCHAR2;

    /**
     * Secret column (users.password_hash), before side: the value is never written.
     * @param p_name column name
     * @param p_old  value before
     * @param p_new  value after
     * @return 'name=***;' when the value changed, else ''
     */
    FUNCTION old_secret(p_name IN VARCHAR2, p_old IN VARCHAR2, p_new IN VARCHAR2) RETURN VARCHAR2;

    /**
     * Secret column, after side: the value is never written.
     * @param p_name column name
     * @param p_old  value before
     * @param p_new  value after
     * @return 'name=***;' when the value changed, else ''
     */
    FUNCTION new_secret(p_name IN VARCHAR2, p_old IN VARCHAR2, p_new IN VARCHAR2) RETURN VARCHAR2;

    /**
     * Called by the audit_log trigger on UPDATE or DELETE: the audit log is append-only.
     * A function for the same reason as log_change.
     * @return never returns
     * @throws -20902 AUDIT_LOG_APPEND_ONLY always
     */
    FUNCTION reject_change RETURN NUMBER;
END lib_audit;
/
