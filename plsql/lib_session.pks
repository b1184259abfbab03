CREATE OR REPLACE PACKAGE lib_session AS
    /**
     * The acting user of the current transaction and the sign-in session they act under.
     * The API and the staff UI start every transaction with set_actor(user, session key), both taken
     * from the verified token or cookie. set_actor refuses a session that is unknown, of another user,
     * expired or ended, so a caller holding the application role's credentials cannot act in a user's
     * name without a live session key of that user, and only that user's client holds one (the table
     * keeps its SHA-256). actor() answers the user set_actor checked: package state is private to the
     * session and written only by the package on both engines (on PostgreSQL a temporary table of the
     * schema owner's, database/postgres/compat.sql, never a setting the client may change). The audit trigger and the
     * permission checks read actor(). NULL means no user acts: system work (nightly jobs, install scripts,
     * a DBA at the console) when system_caller(), else an anonymous request (login, registration, reads),
     * which the permission checks refuse.
     * Sessions are opened by lib_auth.login_succeeded and ended by lib_auth (password change, roles or
     * home branch changed, deactivation, sign out everywhere) or by end_session (logout).
     */

    /**
     * Set the acting user for this transaction, under one of their sessions. A refusal leaves no actor.
     * @param p_user_id     users.user_id of the authenticated caller, NULL for system work (key ignored)
     * @param p_session_key the secret key of the caller's session, as their login issued it
     * @throws -20450 SESSION_INVALID no session has this key, or it is the session of another user
     * @throws -20451 SESSION_ENDED the session was ended (logout, password or roles changed) or the
     *                account is deactivated
     * @throws -20452 SESSION_EXPIRED the session is past its end
     */
    PROCEDURE set_actor(p_user_id IN NUMBER, p_session_key IN VARCHAR2);

    /** Forget the acting user (end of request). */
    PROCEDURE clear_actor;

    /**
     * @return the acting user's id (the user of the session set_actor accepted, for the rest of the
     *         transaction even if the session ends or expires meanwhile), or NULL
     * @throws -20450 SESSION_INVALID the session state names no unexpired session (it was not set by set_actor)
     */
    FUNCTION actor RETURN NUMBER;

    /**
     * Whether this is the schema owner's own session: system work (the nightly jobs, install and upgrade
     * scripts, `scripts/ils admin bootstrap`, a DBA signed in as the owner), which may act with no actor.
     * The application's login (ILS_APP, ils_app) never is, so it cannot skip set_actor to pass a
     * permission check. Oracle: the login (SESSION_USER) is the owner this definer-rights package runs as
     * (CURRENT_USER). PostgreSQL: the owner never logs in; the cluster's superusers, which build the schema
     * and run its jobs, stand for it (ora_compat.sys_context, database/postgres/compat.sql).
     * @return TRUE for the owner's session, FALSE for any other
     */
    FUNCTION system_caller RETURN BOOLEAN;

    /** End the acting session (logout): its token or cookie is refused from then on. No actor: nothing. */
    PROCEDURE end_session;

    /**
     * @param p_session_key a session key
     * @return its SHA-256 in upper-case hex, as user_sessions.key_hash holds it; NULL for NULL
     */
    FUNCTION key_hash(p_session_key IN VARCHAR2) RETURN VARCHAR2;

END lib_session;
/
