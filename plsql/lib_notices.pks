CREATE OR REPLACE PACKAGE lib_notices AS
    /**
     * What patrons are told and how: their choices per notice type, the address marked undeliverable by
     * the mail provider, and the notice templates.
     *
     * Notice types a patron chooses (notice_preferences; no row = the default):
     *   HOLD_READY, HOLD_EXPIRED, FINE_CHARGED, CARD_EXPIRING, DUE_SOON, OVERDUE   on unless turned off;
     *   CHECKOUT_RECEIPT, RETURN_RECEIPT                                           off unless asked for.
     * DUE_SOON and OVERDUE are the lines of the daily LOAN_DIGEST: a patron who turned both off gets none.
     * The packages write a notice only for a patron who wants it (lib_notices_core.queue, the nightly
     * job); the renderer asks again when the notice is sent, so turning a type off stops what is queued.
     *
     * Templates (notice_templates) are Jinja2 text per notice type and language; their syntax is checked
     * by the application before save_template (the database keeps them non-blank and within the columns).
     */

    /**
     * Does the patron want notices of this type now? LOAN_DIGEST: when DUE_SOON or OVERDUE is wanted.
     * @param p_patron_id   patrons.patron_id
     * @param p_notice_type a preference type or LOAN_DIGEST
     * @return 1 = yes, 0 = no (unknown types: 0)
     */
    FUNCTION wants(p_patron_id IN NUMBER, p_notice_type IN VARCHAR2) RETURN NUMBER;

    /**
     * Turn a notice type on or off for a patron: the patron themselves (the user linked to the patron)
     * or staff with PATRON_MANAGE.
     * @param p_patron_id   patrons.patron_id
     * @param p_notice_type one of the preference types above
     * @param p_enabled     Y or N
     * @throws -20401 PATRON_NOT_FOUND no such patron
     * @throws -20980 NOTICE_TYPE_UNKNOWN not a preference type
     * @throws -20903 INVALID_ARGUMENT p_enabled is not Y or N
     * @throws -20411 PERMISSION_DENIED neither the patron nor PATRON_MANAGE
     */
    PROCEDURE set_preference(p_patron_id IN NUMBER, p_notice_type IN VARCHAR2, p_enabled IN VARCHAR2);

    /**
     * One-click unsubscribe from the link of a notice: turns the type off with no signed-in user. The
     * caller has verified the link's signature (the application's secret); ALL turns every type off.
     * @param p_patron_id   patrons.patron_id
     * @param p_notice_type a preference type, LOAN_DIGEST (DUE_SOON and OVERDUE) or ALL
     * @throws -20401 PATRON_NOT_FOUND
     * @throws -20980 NOTICE_TYPE_UNKNOWN
     */
    PROCEDURE unsubscribe(p_patron_id IN NUMBER, p_notice_type IN VARCHAR2);

    /**
     * The mail provider reported an address as undeliverable (bounce, dropped, spam report): every patron
     * with that address (any case) is marked, and no notice is rendered for them until the e-mail
     * changes. The caller has verified the provider's signature.
     * @param p_email  the address reported
     * @param p_reason the event and reason, cut to 200 characters
     * @param p_rows   OUT patrons marked
     */
    PROCEDURE mark_undeliverable(p_email IN VARCHAR2, p_reason IN VARCHAR2, p_rows OUT NUMBER);

    /**
     * Staff clear the mark (the patron confirmed the address works). PATRON_MANAGE.
     * @param p_patron_id patrons.patron_id
     * @throws -20401 PATRON_NOT_FOUND
     * @throws -20411 PERMISSION_DENIED
     */
    PROCEDURE clear_undeliverable(p_patron_id IN NUMBER);

    /**
     * Create or replace the template of a notice type in a language. SYS_CONFIG.
     * @param p_notice_type   a template type (notice_templates_type_ck)
     * @param p_language_code e.g. en
     * @param p_subject       Jinja2, 1 to 400 characters
     * @param p_body_text     Jinja2, 1 to 4000 characters
     * @param p_body_html     Jinja2, 1 to 4000 characters
     * @throws -20980 NOTICE_TYPE_UNKNOWN
     * @throws -20982 INVALID_NOTICE_TEMPLATE blank or too long
     * @throws -20411 PERMISSION_DENIED
     */
    PROCEDURE save_template(p_notice_type IN VARCHAR2, p_language_code IN VARCHAR2, p_subject IN VARCHAR2,
                            p_body_text IN VARCHAR2, p_body_html IN VARCHAR2);
END lib_notices;
/
