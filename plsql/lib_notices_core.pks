CREATE OR REPLACE PACKAGE lib_notices_core AS
    /**
     * Notices written as things happen, in the transaction of the event (a rollback takes the notice
     * with it): hold ready and expired, checkout and return receipts, fines charged. The nightly
     * GENERATE_NOTICES job (lib_jobs) writes the loan digests and card expiry notices.
     * @internal called only by the other packages: the application role gets no EXECUTE on it (a direct
     *           caller could fill any patron's outbox).
     */

    /**
     * Queue a notice for today (library day) when the patron wants this type (lib_notices.wants), at most
     * one per subject, type and day (notices_subject_uk).
     * @param p_notice_type a notices.notice_type
     * @param p_patron_id   patron told
     * @param p_subject_id  loan, hold or fine id (notices.subject_id)
     * @param p_loan_id     notices.loan_id or NULL
     * @param p_hold_id     notices.hold_id or NULL
     */
    PROCEDURE queue(p_notice_type IN VARCHAR2, p_patron_id IN NUMBER, p_subject_id IN NUMBER,
                    p_loan_id IN NUMBER, p_hold_id IN NUMBER);
END lib_notices_core;
/
