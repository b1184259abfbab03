-- 076_notice_content.sql: what a notice says and who wants it (tables beside the notices outbox).
-- notice_items lists the loans of a LOAN_DIGEST (one outbox row per patron and day, not one per loan);
-- notice_templates holds the Jinja2 text per notice type and language, edited by IT admins through
-- lib_notices; notice_preferences holds a patron's choices (no row = the type's default). Patrons whose
-- address bounced carry the mark in patrons.email_undeliverable_at (010_tables.sql).

CREATE TABLE notice_items (
    notice_id       NUMBER(18) NOT NULL,
    loan_id         NUMBER(18) NOT NULL,
    item_type       VARCHAR2(20 CHAR) NOT NULL,
    overdue_level   NUMBER(1),
    due_at          DATE NOT NULL,
    CONSTRAINT notice_items_pk PRIMARY KEY (notice_id, loan_id),
    CONSTRAINT notice_items_notice_id_fk FOREIGN KEY (notice_id) REFERENCES notices (notice_id),
    CONSTRAINT notice_items_loan_id_fk FOREIGN KEY (loan_id) REFERENCES loans (loan_id),
    CONSTRAINT notice_items_type_ck CHECK (((item_type = 'DUE_SOON' AND overdue_level IS NULL) OR (item_type = 'OVERDUE' AND overdue_level IN (1, 2, 3))))
);

-- the nightly job's "already told about this loan" test
CREATE INDEX notice_items_loan_id_i ON notice_items (loan_id, item_type);

CREATE TABLE notice_templates (
    notice_type     VARCHAR2(20 CHAR) NOT NULL,
    language_code   VARCHAR2(10 CHAR) NOT NULL,
    subject         VARCHAR2(400 CHAR) NOT NULL,
    body_text       VARCHAR2(4000 CHAR) NOT NULL,
    body_html       VARCHAR2(4000 CHAR) NOT NULL,
    updated_at      DATE DEFAULT SYS_EXTRACT_UTC(SYSTIMESTAMP) NOT NULL,
    updated_by      NUMBER(18),
    CONSTRAINT notice_templates_pk PRIMARY KEY (notice_type, language_code),
    CONSTRAINT notice_templates_updated_by_fk FOREIGN KEY (updated_by) REFERENCES users (user_id),
    CONSTRAINT notice_templates_type_ck CHECK ((notice_type IN ('HOLD_READY', 'HOLD_EXPIRED', 'CHECKOUT_RECEIPT', 'RETURN_RECEIPT', 'FINE_CHARGED', 'CARD_EXPIRING', 'LOAN_DIGEST'))),
    CONSTRAINT notice_templates_language_ck CHECK ((COALESCE(LENGTH(TRIM(language_code)), 0) > 0)),
    CONSTRAINT notice_templates_subject_ck CHECK ((COALESCE(LENGTH(TRIM(subject)), 0) > 0)),
    CONSTRAINT notice_templates_text_ck CHECK ((COALESCE(LENGTH(TRIM(body_text)), 0) > 0)),
    CONSTRAINT notice_templates_html_ck CHECK ((COALESCE(LENGTH(TRIM(body_html)), 0) > 0))
);

CREATE INDEX notice_templates_updated_by_i ON notice_templates (updated_by);

CREATE TABLE notice_preferences (
    patron_id       NUMBER(18) NOT NULL,
    notice_type     VARCHAR2(20 CHAR) NOT NULL,
    enabled         CHAR(1 CHAR) NOT NULL,
    updated_at      DATE DEFAULT SYS_EXTRACT_UTC(SYSTIMESTAMP) NOT NULL,
    CONSTRAINT notice_preferences_pk PRIMARY KEY (patron_id, notice_type),
    CONSTRAINT notice_preferences_patron_fk FOREIGN KEY (patron_id) REFERENCES patrons (patron_id),
    CONSTRAINT notice_preferences_type_ck CHECK ((notice_type IN ('HOLD_READY', 'HOLD_EXPIRED', 'CHECKOUT_RECEIPT', 'RETURN_RECEIPT', 'FINE_CHARGED', 'CARD_EXPIRING', 'DUE_SOON', 'OVERDUE'))),
    CONSTRAINT notice_preferences_enabled_ck CHECK ((enabled IN ('Y', 'N')))
);

COMMENT ON TABLE notice_items IS 'Loans listed in a LOAN_DIGEST notice: each row is one loan due soon or overdue, told to the patron in the digest of that day.';
COMMENT ON COLUMN notice_items.notice_id IS 'The LOAN_DIGEST notice (FK to notices).';
COMMENT ON COLUMN notice_items.loan_id IS 'Loan told about (FK to loans).';
COMMENT ON COLUMN notice_items.item_type IS 'DUE_SOON = due within NOTICE_DUE_DAYS days, OVERDUE = past its due date (overdue_level says which notice).';
COMMENT ON COLUMN notice_items.overdue_level IS '1, 2 or 3: the first, second or third overdue notice of the loan (OVERDUE_NOTICE_n_DAYS days overdue), NULL for DUE_SOON.';
COMMENT ON COLUMN notice_items.due_at IS 'Due date and time of the loan when the notice was written (UTC): a later renewal opens a new window.';
COMMENT ON TABLE notice_templates IS 'Text of the notices, one row per notice type and language: Jinja2 templates rendered in a sandbox for the subject, the plain text and the HTML body. Written through lib_notices.save_template (SYS_CONFIG).';
COMMENT ON COLUMN notice_templates.notice_type IS 'Notice type the template is for (notices.notice_type), the legacy per-loan DUE_SOON and OVERDUE rows use LOAN_DIGEST.';
COMMENT ON COLUMN notice_templates.language_code IS 'Language of the text (e.g. en): NOTICE_LANGUAGE chooses it, en is the fallback.';
COMMENT ON COLUMN notice_templates.subject IS 'Jinja2 template of the subject line.';
COMMENT ON COLUMN notice_templates.body_text IS 'Jinja2 template of the plain text body.';
COMMENT ON COLUMN notice_templates.body_html IS 'Jinja2 template of the HTML body (autoescaped).';
COMMENT ON COLUMN notice_templates.updated_at IS 'Date and time of the last change (UTC).';
COMMENT ON COLUMN notice_templates.updated_by IS 'User who changed it last (FK to users), NULL = installed.';
COMMENT ON TABLE notice_preferences IS 'The choice of a patron per notice type: Y = send, N = do not. No row = the default: receipts off, everything else on.';
COMMENT ON COLUMN notice_preferences.patron_id IS 'Patron (FK to patrons).';
COMMENT ON COLUMN notice_preferences.notice_type IS 'Kind of notice: a notices.notice_type, or DUE_SOON / OVERDUE for the lines of the loan digest.';
COMMENT ON COLUMN notice_preferences.enabled IS 'Y = the patron wants these notices, N = not.';
COMMENT ON COLUMN notice_preferences.updated_at IS 'Date and time of the last change (UTC).';
