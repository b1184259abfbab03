CREATE OR REPLACE PACKAGE lib_session AS
    /**
     * The acting user of the current transaction. The API server sets it at the start of every
     * transaction from the verified token, never from client input. The audit trigger and the
     * permission checks read it. NULL means a system job or a DBA at the console.
     */

    /**
     * Set the acting user for this transaction.
     * @param p_user_id users.user_id of the authenticated caller, NULL for system work
     */
    PROCEDURE set_actor(p_user_id IN NUMBER);

    /** Forget the acting user (end of request). */
    PROCEDURE clear_actor;

    /** @return the acting user's id, or NULL */
    FUNCTION actor RETURN NUMBER;
END lib_session;
/
