-- 010_notice_content: what notices say and who wants them (issue 15, items 2 to 4).
-- 1. notices: new types HOLD_EXPIRED, CHECKOUT_RECEIPT, RETURN_RECEIPT, FINE_CHARGED, CARD_EXPIRING and
--    LOAN_DIGEST (one row per patron and day, subject_id = patron_id, its loans in notice_items), written by
--    the packages in the transaction of the event or by GENERATE_NOTICES. Rows of the old per-loan
--    DUE_SOON and OVERDUE types stay valid and are rendered as a digest of one loan.
-- 2. notice_items, notice_templates (Jinja2 text per type and language, the English rows seeded),
--    notice_preferences (per patron and type), patrons.email_undeliverable_at/_reason (a bounce or spam
--    report from the mail provider, cleared when the e-mail changes): database/076_notice_content.sql.
-- 3. Settings: OVERDUE_NOTICE_1/2/3_DAYS (first, second, third overdue notice) replace
--    NOTICE_OVERDUE_REPEAT_DAYS; CARD_EXPIRY_NOTICE_DAYS; NOTICE_LANGUAGE. Error codes -20980..-20982,
--    -20480, -20481.
-- PostgreSQL text, as the build translates the install files (the Oracle one is 010_notice_content.oracle.sql).

ALTER TABLE notices DROP CONSTRAINT notices_type_ck;
ALTER TABLE notices DROP CONSTRAINT notices_subject_ck;
ALTER TABLE notices ADD CONSTRAINT notices_type_ck CHECK ((notice_type IN ('DUE_SOON', 'OVERDUE', 'HOLD_READY', 'HOLD_EXPIRED', 'CHECKOUT_RECEIPT', 'RETURN_RECEIPT', 'FINE_CHARGED', 'CARD_EXPIRING', 'LOAN_DIGEST')));
ALTER TABLE notices ADD CONSTRAINT notices_subject_ck CHECK (((notice_type IN ('DUE_SOON', 'OVERDUE', 'CHECKOUT_RECEIPT', 'RETURN_RECEIPT') AND loan_id IS NOT NULL AND hold_id IS NULL AND subject_id = loan_id) OR (notice_type IN ('HOLD_READY', 'HOLD_EXPIRED') AND hold_id IS NOT NULL AND loan_id IS NULL AND subject_id = hold_id) OR (notice_type = 'FINE_CHARGED' AND hold_id IS NULL) OR (notice_type IN ('CARD_EXPIRING', 'LOAN_DIGEST') AND loan_id IS NULL AND hold_id IS NULL AND subject_id = patron_id)));
COMMENT ON COLUMN notices.notice_type IS 'LOAN_DIGEST = the loans due soon and overdue of one patron (notice_items), HOLD_READY = a hold waits on the hold shelf, HOLD_EXPIRED = a hold was not collected in time, CHECKOUT_RECEIPT and RETURN_RECEIPT = a loan began or ended (when the patron asked for receipts), FINE_CHARGED = a charge was made, CARD_EXPIRING = the card expires within CARD_EXPIRY_NOTICE_DAYS days. DUE_SOON and OVERDUE = one loan, written before the digest.';
COMMENT ON COLUMN notices.loan_id IS 'Loan the notice is about (FK to loans), set for DUE_SOON, OVERDUE and the receipts, the charged loan for FINE_CHARGED, NULL otherwise.';
COMMENT ON COLUMN notices.hold_id IS 'Hold the notice is about (FK to holds), set for HOLD_READY and HOLD_EXPIRED, NULL otherwise.';
COMMENT ON COLUMN notices.subject_id IS 'What the notice is about, the never-NULL key column of notices_subject_uk: loan_id for the loan notices, hold_id for the hold notices, the fine_id for FINE_CHARGED, patron_id for LOAN_DIGEST and CARD_EXPIRING (one a patron a day).';

ALTER TABLE patrons ADD COLUMN email_undeliverable_at timestamp(0);
ALTER TABLE patrons ADD COLUMN email_undeliverable_reason varchar(200);
COMMENT ON COLUMN patrons.email_undeliverable_at IS 'When the mail provider reported the address as undeliverable (bounce, dropped, spam report), in UTC: no notice is sent to it. NULL = deliverable; cleared when the e-mail changes';
COMMENT ON COLUMN patrons.email_undeliverable_reason IS 'Event and reason given by the mail provider for email_undeliverable_at, NULL when deliverable';

CREATE TABLE notice_items (
    notice_id bigint NOT NULL,
    loan_id bigint NOT NULL,
    item_type varchar(20) NOT NULL,
    overdue_level smallint,
    due_at timestamp(0) NOT NULL
);
CREATE INDEX notice_items_loan_id_i ON notice_items (loan_id, item_type);
ALTER TABLE notice_items ADD CONSTRAINT notice_items_pk PRIMARY KEY (notice_id, loan_id);
ALTER TABLE notice_items ADD CONSTRAINT notice_items_type_ck CHECK (((item_type = 'DUE_SOON' AND overdue_level IS NULL) OR (item_type = 'OVERDUE' AND overdue_level IN (1, 2, 3))));
ALTER TABLE notice_items ADD CONSTRAINT notice_items_notice_id_fk FOREIGN KEY (notice_id) REFERENCES notices(notice_id) ON DELETE NO ACTION INITIALLY IMMEDIATE;
ALTER TABLE notice_items ADD CONSTRAINT notice_items_loan_id_fk FOREIGN KEY (loan_id) REFERENCES loans(loan_id) ON DELETE NO ACTION INITIALLY IMMEDIATE;

CREATE TABLE notice_templates (
    notice_type varchar(20) NOT NULL,
    language_code varchar(10) NOT NULL,
    subject varchar(400) NOT NULL,
    body_text varchar(4000) NOT NULL,
    body_html varchar(4000) NOT NULL,
    updated_at timestamp(0) NOT NULL DEFAULT ((CURRENT_TIMESTAMP AT TIME ZONE 'UTC')),
    updated_by bigint
);
CREATE INDEX notice_templates_updated_by_i ON notice_templates (updated_by);
ALTER TABLE notice_templates ADD CONSTRAINT notice_templates_pk PRIMARY KEY (notice_type, language_code);
ALTER TABLE notice_templates ADD CONSTRAINT notice_templates_html_ck CHECK ((COALESCE(LENGTH(trim(both body_html)), 0) > 0));
ALTER TABLE notice_templates ADD CONSTRAINT notice_templates_language_ck CHECK ((COALESCE(LENGTH(trim(both language_code)), 0) > 0));
ALTER TABLE notice_templates ADD CONSTRAINT notice_templates_subject_ck CHECK ((COALESCE(LENGTH(trim(both subject)), 0) > 0));
ALTER TABLE notice_templates ADD CONSTRAINT notice_templates_text_ck CHECK ((COALESCE(LENGTH(trim(both body_text)), 0) > 0));
ALTER TABLE notice_templates ADD CONSTRAINT notice_templates_type_ck CHECK ((notice_type IN ('HOLD_READY', 'HOLD_EXPIRED', 'CHECKOUT_RECEIPT', 'RETURN_RECEIPT', 'FINE_CHARGED', 'CARD_EXPIRING', 'LOAN_DIGEST')));
ALTER TABLE notice_templates ADD CONSTRAINT notice_templates_updated_by_fk FOREIGN KEY (updated_by) REFERENCES users(user_id) ON DELETE NO ACTION INITIALLY IMMEDIATE;

CREATE TABLE notice_preferences (
    patron_id bigint NOT NULL,
    notice_type varchar(20) NOT NULL,
    enabled char(1) NOT NULL,
    updated_at timestamp(0) NOT NULL DEFAULT ((CURRENT_TIMESTAMP AT TIME ZONE 'UTC'))
);
ALTER TABLE notice_preferences ADD CONSTRAINT notice_preferences_pk PRIMARY KEY (patron_id, notice_type);
ALTER TABLE notice_preferences ADD CONSTRAINT notice_preferences_enabled_ck CHECK ((enabled IN ('Y', 'N')));
ALTER TABLE notice_preferences ADD CONSTRAINT notice_preferences_type_ck CHECK ((notice_type IN ('HOLD_READY', 'HOLD_EXPIRED', 'CHECKOUT_RECEIPT', 'RETURN_RECEIPT', 'FINE_CHARGED', 'CARD_EXPIRING', 'DUE_SOON', 'OVERDUE')));
ALTER TABLE notice_preferences ADD CONSTRAINT notice_preferences_patron_fk FOREIGN KEY (patron_id) REFERENCES patrons(patron_id) ON DELETE NO ACTION INITIALLY IMMEDIATE;

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

DELETE FROM app_settings WHERE name = 'NOTICE_OVERDUE_REPEAT_DAYS';
INSERT INTO app_settings (name, value, description, value_type, min_value, max_value) VALUES ('OVERDUE_NOTICE_1_DAYS', '1', 'Days overdue at which a loan is listed in the first overdue notice', 'INTEGER', 1, 365);
INSERT INTO app_settings (name, value, description, value_type, min_value, max_value) VALUES ('OVERDUE_NOTICE_2_DAYS', '7', 'Days overdue at which a loan is listed in the second overdue notice (at least OVERDUE_NOTICE_1_DAYS)', 'INTEGER', 1, 365);
INSERT INTO app_settings (name, value, description, value_type, min_value, max_value) VALUES ('OVERDUE_NOTICE_3_DAYS', '14', 'Days overdue at which a loan is listed in the third and last overdue notice (at least OVERDUE_NOTICE_2_DAYS)', 'INTEGER', 1, 365);
INSERT INTO app_settings (name, value, description, value_type, min_value, max_value) VALUES ('CARD_EXPIRY_NOTICE_DAYS', '30', 'Days before a patron card expires at which the patron is told', 'INTEGER', 1, 365);
INSERT INTO app_settings (name, value, description, value_type) VALUES ('NOTICE_LANGUAGE', 'en', 'Language of the notice templates used for patron e-mails (notice_templates.language_code; en when that language has no template)', 'TEXT');
UPDATE jobs SET description = 'Loan digests (due soon, 1st to 3rd overdue notice), hold-ready and card-expiry notices written to the notices outbox' WHERE job_name = 'GENERATE_NOTICES';

INSERT INTO app_errors (error_code, name, http_status, message) VALUES (-20980, 'NOTICE_TYPE_UNKNOWN', 422, 'No such notice type.');
INSERT INTO app_errors (error_code, name, http_status, message) VALUES (-20981, 'NOTICE_TEMPLATE_NOT_FOUND', 404, 'No template for this notice type and language.');
INSERT INTO app_errors (error_code, name, http_status, message) VALUES (-20982, 'INVALID_NOTICE_TEMPLATE', 422, 'The template is empty, too long or not valid Jinja2.');
INSERT INTO app_errors (error_code, name, http_status, message) VALUES (-20480, 'UNSUBSCRIBE_LINK_INVALID', 400, 'The unsubscribe link is not valid.');
INSERT INTO app_errors (error_code, name, http_status, message) VALUES (-20481, 'WEBHOOK_SIGNATURE_INVALID', 403, 'The event webhook request is unsigned, wrongly signed or too old.');

INSERT INTO notice_templates (notice_type, language_code, subject, body_text, body_html) VALUES ('HOLD_READY', 'en', 'Your hold is ready: {{ hold.title }}', 'Dear {{ patron.first_name }},' || CHR(10) || '{{ hold.title }} is waiting for you at {{ hold.pickup_branch }}.' || CHR(10) || 'Please collect it by {{ hold.last_pickup_day }}.' || CHR(10) || '--' || CHR(10) || '{{ branch.name }}' || CHR(10) || '{{ branch.address or '''' }}' || CHR(10) || '{% if unsubscribe_url %}Stop these e-mails: {{ unsubscribe_url }}{% endif %}', '<p>Dear {{ patron.first_name }},</p><p><strong>{{ hold.title }}</strong> is waiting for you at {{ hold.pickup_branch }}.</p><p>Please collect it by <strong>{{ hold.last_pickup_day }}</strong>.</p><hr><p style="color:#555;font-size:small">{{ branch.name }}<br>{{ branch.address or '''' }}{% if unsubscribe_url %}<br><a href="{{ unsubscribe_url }}">Stop these e-mails</a>{% endif %}</p>');
INSERT INTO notice_templates (notice_type, language_code, subject, body_text, body_html) VALUES ('HOLD_EXPIRED', 'en', 'Your hold has expired: {{ hold.title }}', 'Dear {{ patron.first_name }},' || CHR(10) || '{{ hold.title }} waited for you at {{ hold.pickup_branch }} until {{ hold.last_pickup_day }} and has gone to the next reader.' || CHR(10) || 'You can place a new hold at any time.' || CHR(10) || '--' || CHR(10) || '{{ branch.name }}' || CHR(10) || '{{ branch.address or '''' }}' || CHR(10) || '{% if unsubscribe_url %}Stop these e-mails: {{ unsubscribe_url }}{% endif %}', '<p>Dear {{ patron.first_name }},</p><p><strong>{{ hold.title }}</strong> waited for you at {{ hold.pickup_branch }} until {{ hold.last_pickup_day }} and has gone to the next reader.</p><p>You can place a new hold at any time.</p><hr><p style="color:#555;font-size:small">{{ branch.name }}<br>{{ branch.address or '''' }}{% if unsubscribe_url %}<br><a href="{{ unsubscribe_url }}">Stop these e-mails</a>{% endif %}</p>');
INSERT INTO notice_templates (notice_type, language_code, subject, body_text, body_html) VALUES ('CHECKOUT_RECEIPT', 'en', 'Checkout receipt: {{ loan.title }}', 'Dear {{ patron.first_name }},' || CHR(10) || 'You borrowed {{ loan.title }} (copy {{ loan.barcode }}) on {{ loan.checkout_day }}.' || CHR(10) || 'It is due on {{ loan.due_day }}.' || CHR(10) || '--' || CHR(10) || '{{ branch.name }}' || CHR(10) || '{{ branch.address or '''' }}' || CHR(10) || '{% if unsubscribe_url %}Stop these e-mails: {{ unsubscribe_url }}{% endif %}', '<p>Dear {{ patron.first_name }},</p><p>You borrowed <strong>{{ loan.title }}</strong> (copy {{ loan.barcode }}) on {{ loan.checkout_day }}.</p><p>It is due on <strong>{{ loan.due_day }}</strong>.</p><hr><p style="color:#555;font-size:small">{{ branch.name }}<br>{{ branch.address or '''' }}{% if unsubscribe_url %}<br><a href="{{ unsubscribe_url }}">Stop these e-mails</a>{% endif %}</p>');
INSERT INTO notice_templates (notice_type, language_code, subject, body_text, body_html) VALUES ('RETURN_RECEIPT', 'en', 'Return receipt: {{ loan.title }}', 'Dear {{ patron.first_name }},' || CHR(10) || 'We received {{ loan.title }} (copy {{ loan.barcode }}) on {{ loan.return_day }}. Thank you.' || CHR(10) || '--' || CHR(10) || '{{ branch.name }}' || CHR(10) || '{{ branch.address or '''' }}' || CHR(10) || '{% if unsubscribe_url %}Stop these e-mails: {{ unsubscribe_url }}{% endif %}', '<p>Dear {{ patron.first_name }},</p><p>We received <strong>{{ loan.title }}</strong> (copy {{ loan.barcode }}) on {{ loan.return_day }}. Thank you.</p><hr><p style="color:#555;font-size:small">{{ branch.name }}<br>{{ branch.address or '''' }}{% if unsubscribe_url %}<br><a href="{{ unsubscribe_url }}">Stop these e-mails</a>{% endif %}</p>');
INSERT INTO notice_templates (notice_type, language_code, subject, body_text, body_html) VALUES ('FINE_CHARGED', 'en', 'A charge of {{ fine.amount }} on your library account', 'Dear {{ patron.first_name }},' || CHR(10) || 'A charge of {{ fine.amount }} was made on your account: {{ fine.description }}.' || CHR(10) || 'You now owe {{ fine.balance }} in all.' || CHR(10) || '--' || CHR(10) || '{{ branch.name }}' || CHR(10) || '{{ branch.address or '''' }}' || CHR(10) || '{% if unsubscribe_url %}Stop these e-mails: {{ unsubscribe_url }}{% endif %}', '<p>Dear {{ patron.first_name }},</p><p>A charge of <strong>{{ fine.amount }}</strong> was made on your account: {{ fine.description }}.</p><p>You now owe {{ fine.balance }} in all.</p><hr><p style="color:#555;font-size:small">{{ branch.name }}<br>{{ branch.address or '''' }}{% if unsubscribe_url %}<br><a href="{{ unsubscribe_url }}">Stop these e-mails</a>{% endif %}</p>');
INSERT INTO notice_templates (notice_type, language_code, subject, body_text, body_html) VALUES ('CARD_EXPIRING', 'en', 'Your library card expires on {{ card.expires_on }}', 'Dear {{ patron.first_name }},' || CHR(10) || 'Your library card {{ patron.card_number }} expires on {{ card.expires_on }}.' || CHR(10) || 'Renew it at any branch to keep borrowing.' || CHR(10) || '--' || CHR(10) || '{{ branch.name }}' || CHR(10) || '{{ branch.address or '''' }}' || CHR(10) || '{% if unsubscribe_url %}Stop these e-mails: {{ unsubscribe_url }}{% endif %}', '<p>Dear {{ patron.first_name }},</p><p>Your library card {{ patron.card_number }} expires on <strong>{{ card.expires_on }}</strong>.</p><p>Renew it at any branch to keep borrowing.</p><hr><p style="color:#555;font-size:small">{{ branch.name }}<br>{{ branch.address or '''' }}{% if unsubscribe_url %}<br><a href="{{ unsubscribe_url }}">Stop these e-mails</a>{% endif %}</p>');
INSERT INTO notice_templates (notice_type, language_code, subject, body_text, body_html) VALUES ('LOAN_DIGEST', 'en', '{% if overdue %}Overdue items on your library account{% else %}Items due soon{% endif %}', 'Dear {{ patron.first_name }},' || CHR(10) || '{% if overdue %}These items are overdue:' || CHR(10) || '{% for i in overdue %}- {{ i.title }} (copy {{ i.barcode }}), due {{ i.due_day }}, {{ i.days_overdue }} days late{% if i.level > 1 %} (notice {{ i.level }}){% endif %}' || CHR(10) || '{% endfor %}{% endif %}{% if due_soon %}These items are due soon:' || CHR(10) || '{% for i in due_soon %}- {{ i.title }} (copy {{ i.barcode }}), due {{ i.due_day }}' || CHR(10) || '{% endfor %}{% endif %}Please return or renew them.' || CHR(10) || '--' || CHR(10) || '{{ branch.name }}' || CHR(10) || '{{ branch.address or '''' }}' || CHR(10) || '{% if unsubscribe_url %}Stop these e-mails: {{ unsubscribe_url }}{% endif %}', '<p>Dear {{ patron.first_name }},</p>{% if overdue %}<p>These items are <strong>overdue</strong>:</p><ul>{% for i in overdue %}<li>{{ i.title }} (copy {{ i.barcode }}), due {{ i.due_day }}, {{ i.days_overdue }} days late{% if i.level > 1 %} (notice {{ i.level }}){% endif %}</li>{% endfor %}</ul>{% endif %}{% if due_soon %}<p>These items are due soon:</p><ul>{% for i in due_soon %}<li>{{ i.title }} (copy {{ i.barcode }}), due {{ i.due_day }}</li>{% endfor %}</ul>{% endif %}<p>Please return or renew them.</p><hr><p style="color:#555;font-size:small">{{ branch.name }}<br>{{ branch.address or '''' }}{% if unsubscribe_url %}<br><a href="{{ unsubscribe_url }}">Stop these e-mails</a>{% endif %}</p>');
