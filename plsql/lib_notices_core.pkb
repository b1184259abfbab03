CREATE OR REPLACE PACKAGE BODY lib_notices_core AS

    PROCEDURE queue(p_notice_type IN VARCHAR2, p_patron_id IN NUMBER, p_subject_id IN NUMBER,
                    p_loan_id IN NUMBER, p_hold_id IN NUMBER) IS
        l_patron_id  notices.patron_id%TYPE := p_patron_id;
        l_subject_id notices.subject_id%TYPE := p_subject_id;
        l_loan_id    notices.loan_id%TYPE := p_loan_id;
        l_hold_id    notices.hold_id%TYPE := p_hold_id;
        l_type       notices.notice_type%TYPE := p_notice_type;
        l_day        notices.notice_day%TYPE;
    BEGIN
        IF lib_notices.wants(l_patron_id, l_type) = 0 THEN
            RETURN;
        END IF;
        l_day := lib_clock.today();
        INSERT INTO notices (notice_type, patron_id, loan_id, hold_id, subject_id, notice_day, created_at, status)
        SELECT l_type, l_patron_id, l_loan_id, l_hold_id, l_subject_id, l_day, lib_clock.now_utc(), 'PENDING'
          FROM dual
         WHERE NOT EXISTS (SELECT 1
                             FROM notices n
                            WHERE n.subject_id = l_subject_id
                              AND n.notice_type = l_type
                              AND n.notice_day = l_day);
    END queue;

END lib_notices_core;
/
