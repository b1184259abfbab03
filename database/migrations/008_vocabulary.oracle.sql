-- 008_vocabulary (Oracle): the vocabulary of the rules becomes data (issue 12), as Evergreen keeps
-- config.copy_status.
-- 1. One reference table per coded column (material types, patron categories and statuses, copy, loan and
--    hold statuses, fine types and statuses, payment methods), each row a code with its label for screens
--    and the flags the packages read instead of lists of codes (copy_statuses.is_available,
--    hold_statuses.is_active, patron_statuses.refusal, ...), and its rows.
-- 2. The CHECK (col IN (...)) lists of those columns become foreign keys to the tables: a code exists
--    once, in its table. Existing rows hold only listed codes, so the keys validate.
-- 3. app_errors.overridable: Y for the checkout refusals CIRC_OVERRIDE may pass, read by lib_circulation
--    and the desk instead of their own lists.

-- 1. the vocabulary tables and their rows
CREATE TABLE material_types (
    code            VARCHAR2(20 CHAR) NOT NULL,
    label           VARCHAR2(100 CHAR) NOT NULL,
    sort_order      NUMBER(3) DEFAULT 0 NOT NULL,
    CONSTRAINT material_types_pk PRIMARY KEY (code)
);

CREATE TABLE patron_categories (
    code            VARCHAR2(20 CHAR) NOT NULL,
    label           VARCHAR2(100 CHAR) NOT NULL,
    sort_order      NUMBER(3) DEFAULT 0 NOT NULL,
    CONSTRAINT patron_categories_pk PRIMARY KEY (code)
);

CREATE TABLE patron_statuses (
    code            VARCHAR2(20 CHAR) NOT NULL,
    label           VARCHAR2(100 CHAR) NOT NULL,
    sort_order      NUMBER(3) DEFAULT 0 NOT NULL,
    refusal         VARCHAR2(40 CHAR),
    CONSTRAINT patron_statuses_pk PRIMARY KEY (code)
);

CREATE TABLE copy_statuses (
    code            VARCHAR2(20 CHAR) NOT NULL,
    label           VARCHAR2(100 CHAR) NOT NULL,
    sort_order      NUMBER(3) DEFAULT 0 NOT NULL,
    is_available    CHAR(1 CHAR) DEFAULT 'N' NOT NULL,
    is_hold_trap    CHAR(1 CHAR) DEFAULT 'N' NOT NULL,
    in_collection   CHAR(1 CHAR) DEFAULT 'Y' NOT NULL,
    checkout_refusal VARCHAR2(40 CHAR),
    CONSTRAINT copy_statuses_pk PRIMARY KEY (code),
    CONSTRAINT copy_statuses_flags_ck CHECK ((is_available IN ('Y', 'N') AND is_hold_trap IN ('Y', 'N') AND in_collection IN ('Y', 'N')))
);

CREATE TABLE loan_statuses (
    code            VARCHAR2(20 CHAR) NOT NULL,
    label           VARCHAR2(100 CHAR) NOT NULL,
    sort_order      NUMBER(3) DEFAULT 0 NOT NULL,
    is_open         CHAR(1 CHAR) DEFAULT 'N' NOT NULL,
    CONSTRAINT loan_statuses_pk PRIMARY KEY (code),
    CONSTRAINT loan_statuses_open_ck CHECK ((is_open IN ('Y', 'N')))
);

CREATE TABLE hold_statuses (
    code            VARCHAR2(20 CHAR) NOT NULL,
    label           VARCHAR2(100 CHAR) NOT NULL,
    sort_order      NUMBER(3) DEFAULT 0 NOT NULL,
    is_active       CHAR(1 CHAR) DEFAULT 'N' NOT NULL,
    CONSTRAINT hold_statuses_pk PRIMARY KEY (code),
    CONSTRAINT hold_statuses_active_ck CHECK ((is_active IN ('Y', 'N')))
);

CREATE TABLE fine_types (
    code            VARCHAR2(20 CHAR) NOT NULL,
    label           VARCHAR2(100 CHAR) NOT NULL,
    sort_order      NUMBER(3) DEFAULT 0 NOT NULL,
    staff_charge    CHAR(1 CHAR) DEFAULT 'N' NOT NULL,
    CONSTRAINT fine_types_pk PRIMARY KEY (code),
    CONSTRAINT fine_types_staff_charge_ck CHECK ((staff_charge IN ('Y', 'N')))
);

CREATE TABLE fine_statuses (
    code            VARCHAR2(20 CHAR) NOT NULL,
    label           VARCHAR2(100 CHAR) NOT NULL,
    sort_order      NUMBER(3) DEFAULT 0 NOT NULL,
    is_open         CHAR(1 CHAR) DEFAULT 'N' NOT NULL,
    CONSTRAINT fine_statuses_pk PRIMARY KEY (code),
    CONSTRAINT fine_statuses_open_ck CHECK ((is_open IN ('Y', 'N')))
);

CREATE TABLE payment_methods (
    code            VARCHAR2(20 CHAR) NOT NULL,
    label           VARCHAR2(100 CHAR) NOT NULL,
    sort_order      NUMBER(3) DEFAULT 0 NOT NULL,
    is_tender       CHAR(1 CHAR) DEFAULT 'N' NOT NULL,
    CONSTRAINT payment_methods_pk PRIMARY KEY (code),
    CONSTRAINT payment_methods_tender_ck CHECK ((is_tender IN ('Y', 'N')))
);

COMMENT ON TABLE material_types IS 'Vocabulary: the material types a title may have (materials.material_type, circ_policies.material_type).';
COMMENT ON TABLE patron_categories IS 'Vocabulary: the patron categories (patrons.category, circ_policies.patron_category).';
COMMENT ON TABLE patron_statuses IS 'Vocabulary: the states of a patron record (patrons.status).';
COMMENT ON COLUMN patron_statuses.refusal IS 'The app_errors name with which checkout, renewal and hold placement refuse a patron in this state (lib_patrons.standing); NULL = in good standing.';
COMMENT ON TABLE copy_statuses IS 'Vocabulary: the states of a copy (copies.status).';
COMMENT ON COLUMN copy_statuses.is_available IS 'Y = on the shelf: lent to anyone, counted as available, taken by a hold from the pull list.';
COMMENT ON COLUMN copy_statuses.is_hold_trap IS 'Y = the copy may be kept for a hold (on the hold shelf, in transit to its pickup branch): checkout asks for whom.';
COMMENT ON COLUMN copy_statuses.in_collection IS 'N = no longer part of the collection (withdrawn): left out of the catalog''s copy counts.';
COMMENT ON COLUMN copy_statuses.checkout_refusal IS 'The app_errors name with which checkout refuses a copy in this state, NULL = lendable; a hold trap refuses only when no hold holds the copy.';
COMMENT ON TABLE loan_statuses IS 'Vocabulary: the states of a loan (loans.status).';
COMMENT ON COLUMN loan_statuses.is_open IS 'Y = the copy has not come back (active or lost): a check-in closes the loan.';
COMMENT ON TABLE hold_statuses IS 'Vocabulary: the states of a hold (holds.status).';
COMMENT ON COLUMN hold_statuses.is_active IS 'Y = the hold is open (waiting, suspended or ready): it counts for the queue, the limit and duplicates; N = closed.';
COMMENT ON TABLE fine_types IS 'Vocabulary: the kinds of charge (fines.fine_type).';
COMMENT ON COLUMN fine_types.staff_charge IS 'Y = staff may charge it by hand (lib_fines.add_charge); N = charged only by the rules (overdue, lost).';
COMMENT ON TABLE fine_statuses IS 'Vocabulary: the states of a fine (fines.status).';
COMMENT ON COLUMN fine_statuses.is_open IS 'Y = still owed: counts in the balance, may be paid or waived.';
COMMENT ON TABLE payment_methods IS 'Vocabulary: how a payment was made (payments.method).';
COMMENT ON COLUMN payment_methods.is_tender IS 'Y = a way a patron pays (lib_fines.pay accepts it); N = written by the rules only (a refund).';

INSERT INTO material_types (code, label, sort_order) VALUES ('BOOK', 'Book', 1);
INSERT INTO material_types (code, label, sort_order) VALUES ('DVD', 'DVD', 2);
INSERT INTO material_types (code, label, sort_order) VALUES ('AUDIOBOOK', 'Audiobook', 3);
INSERT INTO material_types (code, label, sort_order) VALUES ('MAGAZINE', 'Magazine', 4);
INSERT INTO material_types (code, label, sort_order) VALUES ('EBOOK', 'E-book', 5);
INSERT INTO material_types (code, label, sort_order) VALUES ('MAP', 'Map', 6);

INSERT INTO patron_categories (code, label, sort_order) VALUES ('ADULT', 'Adult', 1);
INSERT INTO patron_categories (code, label, sort_order) VALUES ('CHILD', 'Child', 2);
INSERT INTO patron_categories (code, label, sort_order) VALUES ('STUDENT', 'Student', 3);
INSERT INTO patron_categories (code, label, sort_order) VALUES ('SENIOR', 'Senior', 4);
INSERT INTO patron_categories (code, label, sort_order) VALUES ('STAFF', 'Staff', 5);

INSERT INTO patron_statuses (code, label, sort_order, refusal) VALUES ('ACTIVE', 'Active', 1, NULL);
INSERT INTO patron_statuses (code, label, sort_order, refusal) VALUES ('SUSPENDED', 'Suspended', 2, 'PATRON_SUSPENDED');
INSERT INTO patron_statuses (code, label, sort_order, refusal) VALUES ('EXPIRED', 'Expired', 3, 'PATRON_EXPIRED');
INSERT INTO patron_statuses (code, label, sort_order, refusal) VALUES ('DELETED', 'Deleted', 4, 'PATRON_INACTIVE');

INSERT INTO copy_statuses (code, label, sort_order, is_available, is_hold_trap, in_collection, checkout_refusal) VALUES ('AVAILABLE', 'Available', 1, 'Y', 'N', 'Y', NULL);
INSERT INTO copy_statuses (code, label, sort_order, is_available, is_hold_trap, in_collection, checkout_refusal) VALUES ('ON_LOAN', 'On loan', 2, 'N', 'N', 'Y', 'COPY_ALREADY_ON_LOAN');
INSERT INTO copy_statuses (code, label, sort_order, is_available, is_hold_trap, in_collection, checkout_refusal) VALUES ('ON_HOLD_SHELF', 'On the hold shelf', 3, 'N', 'Y', 'Y', NULL);
INSERT INTO copy_statuses (code, label, sort_order, is_available, is_hold_trap, in_collection, checkout_refusal) VALUES ('IN_TRANSIT', 'In transit', 4, 'N', 'Y', 'Y', 'COPY_NOT_AVAILABLE');
INSERT INTO copy_statuses (code, label, sort_order, is_available, is_hold_trap, in_collection, checkout_refusal) VALUES ('LOST', 'Lost', 5, 'N', 'N', 'Y', 'COPY_LOST_OR_WITHDRAWN');
INSERT INTO copy_statuses (code, label, sort_order, is_available, is_hold_trap, in_collection, checkout_refusal) VALUES ('DAMAGED', 'Damaged', 6, 'N', 'N', 'Y', 'COPY_NOT_AVAILABLE');
INSERT INTO copy_statuses (code, label, sort_order, is_available, is_hold_trap, in_collection, checkout_refusal) VALUES ('WITHDRAWN', 'Withdrawn', 7, 'N', 'N', 'N', 'COPY_LOST_OR_WITHDRAWN');

INSERT INTO loan_statuses (code, label, sort_order, is_open) VALUES ('ACTIVE', 'On loan', 1, 'Y');
INSERT INTO loan_statuses (code, label, sort_order, is_open) VALUES ('RETURNED', 'Returned', 2, 'N');
INSERT INTO loan_statuses (code, label, sort_order, is_open) VALUES ('LOST', 'Lost', 3, 'Y');

INSERT INTO hold_statuses (code, label, sort_order, is_active) VALUES ('PENDING', 'Waiting', 1, 'Y');
INSERT INTO hold_statuses (code, label, sort_order, is_active) VALUES ('SUSPENDED', 'Suspended', 2, 'Y');
INSERT INTO hold_statuses (code, label, sort_order, is_active) VALUES ('READY', 'Ready for pickup', 3, 'Y');
INSERT INTO hold_statuses (code, label, sort_order, is_active) VALUES ('FULFILLED', 'Fulfilled', 4, 'N');
INSERT INTO hold_statuses (code, label, sort_order, is_active) VALUES ('CANCELLED', 'Cancelled', 5, 'N');
INSERT INTO hold_statuses (code, label, sort_order, is_active) VALUES ('EXPIRED', 'Expired', 6, 'N');

INSERT INTO fine_types (code, label, sort_order, staff_charge) VALUES ('OVERDUE', 'Overdue', 1, 'N');
INSERT INTO fine_types (code, label, sort_order, staff_charge) VALUES ('LOST', 'Lost copy', 2, 'N');
INSERT INTO fine_types (code, label, sort_order, staff_charge) VALUES ('DAMAGE', 'Damage', 3, 'Y');
INSERT INTO fine_types (code, label, sort_order, staff_charge) VALUES ('PROCESSING', 'Processing', 4, 'Y');
INSERT INTO fine_types (code, label, sort_order, staff_charge) VALUES ('MANUAL', 'Other charge', 5, 'Y');

INSERT INTO fine_statuses (code, label, sort_order, is_open) VALUES ('OPEN', 'Open', 1, 'Y');
INSERT INTO fine_statuses (code, label, sort_order, is_open) VALUES ('PAID', 'Paid', 2, 'N');
INSERT INTO fine_statuses (code, label, sort_order, is_open) VALUES ('WAIVED', 'Waived', 3, 'N');
INSERT INTO fine_statuses (code, label, sort_order, is_open) VALUES ('REFUNDED', 'Refunded', 4, 'N');

INSERT INTO payment_methods (code, label, sort_order, is_tender) VALUES ('CASH', 'Cash', 1, 'Y');
INSERT INTO payment_methods (code, label, sort_order, is_tender) VALUES ('CARD', 'Card', 2, 'Y');
INSERT INTO payment_methods (code, label, sort_order, is_tender) VALUES ('CHECK', 'Check', 3, 'Y');
INSERT INTO payment_methods (code, label, sort_order, is_tender) VALUES ('ONLINE', 'Online', 4, 'Y');
INSERT INTO payment_methods (code, label, sort_order, is_tender) VALUES ('REFUND', 'Refund', 5, 'N');

-- 2. checks become foreign keys
ALTER TABLE patrons DROP CONSTRAINT patrons_category_ck;
ALTER TABLE patrons ADD CONSTRAINT patrons_category_fk FOREIGN KEY (category) REFERENCES patron_categories (code);
ALTER TABLE patrons DROP CONSTRAINT patrons_status_ck;
ALTER TABLE patrons ADD CONSTRAINT patrons_status_fk FOREIGN KEY (status) REFERENCES patron_statuses (code);
ALTER TABLE materials DROP CONSTRAINT materials_type_ck;
ALTER TABLE materials ADD CONSTRAINT materials_type_fk FOREIGN KEY (material_type) REFERENCES material_types (code);
ALTER TABLE copies DROP CONSTRAINT copies_status_ck;
ALTER TABLE copies ADD CONSTRAINT copies_status_fk FOREIGN KEY (status) REFERENCES copy_statuses (code);
ALTER TABLE circ_policies DROP CONSTRAINT circ_policies_category_ck;
ALTER TABLE circ_policies ADD CONSTRAINT circ_policies_category_fk FOREIGN KEY (patron_category) REFERENCES patron_categories (code);
ALTER TABLE circ_policies DROP CONSTRAINT circ_policies_type_ck;
ALTER TABLE circ_policies ADD CONSTRAINT circ_policies_type_fk FOREIGN KEY (material_type) REFERENCES material_types (code);
ALTER TABLE loans DROP CONSTRAINT loans_status_ck;
ALTER TABLE loans ADD CONSTRAINT loans_status_fk FOREIGN KEY (status) REFERENCES loan_statuses (code);
ALTER TABLE holds DROP CONSTRAINT holds_status_ck;
ALTER TABLE holds ADD CONSTRAINT holds_status_fk FOREIGN KEY (status) REFERENCES hold_statuses (code);
ALTER TABLE fines DROP CONSTRAINT fines_type_ck;
ALTER TABLE fines ADD CONSTRAINT fines_type_fk FOREIGN KEY (fine_type) REFERENCES fine_types (code);
ALTER TABLE fines DROP CONSTRAINT fines_status_ck;
ALTER TABLE fines ADD CONSTRAINT fines_status_fk FOREIGN KEY (status) REFERENCES fine_statuses (code);
ALTER TABLE payments DROP CONSTRAINT payments_method_ck;
ALTER TABLE payments ADD CONSTRAINT payments_method_fk FOREIGN KEY (method) REFERENCES payment_methods (code);

-- 3. overridable refusals
ALTER TABLE app_errors ADD (overridable CHAR(1 CHAR) DEFAULT 'N' NOT NULL);
ALTER TABLE app_errors ADD CONSTRAINT app_errors_overridable_ck CHECK ((overridable IN ('Y', 'N')));
COMMENT ON COLUMN app_errors.overridable IS 'Y = a refusal staff with CIRC_OVERRIDE may pass at checkout (lib_circulation, the desk''s override button); N = never passed.';
UPDATE app_errors SET overridable = 'Y' WHERE name IN ('PATRON_EXPIRED', 'PATRON_FINES_OVER_LIMIT', 'LOAN_LIMIT_REACHED', 'COPY_ON_HOLD_FOR_OTHER');
