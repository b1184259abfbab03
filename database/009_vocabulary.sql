-- 009_vocabulary.sql: the vocabulary of the rules as data, as Evergreen keeps config.copy_status. One table
-- per coded column: its rows are the codes the column may hold (foreign keys in 010_tables.sql), each with
-- a label for screens, a place in lists (sort_order) and the flags the packages read where a rule is "which
-- codes count as X" (a hold is open when its status is_active, a copy lends to anyone when is_available).
-- The rows are in 089_vocabulary_data.sql; the API's enums and the staff UI's choices are these rows
-- (api/vocabulary.py, tests/db/test_vocabulary.py). A new code is an INSERT in a migration and in the data file.

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

CREATE TABLE condition_grades (
    code            VARCHAR2(20 CHAR) NOT NULL,
    label           VARCHAR2(100 CHAR) NOT NULL,
    sort_order      NUMBER(3) DEFAULT 0 NOT NULL,
    sends_to_repair CHAR(1 CHAR) DEFAULT 'N' NOT NULL,
    charges_damage  CHAR(1 CHAR) DEFAULT 'N' NOT NULL,
    CONSTRAINT condition_grades_pk PRIMARY KEY (code),
    CONSTRAINT condition_grades_flags_ck CHECK ((sends_to_repair IN ('Y', 'N') AND charges_damage IN ('Y', 'N')))
);
COMMENT ON TABLE condition_grades IS 'Vocabulary: the condition grades the desk records when a copy is checked in (copy_inspections.grade).';
COMMENT ON COLUMN condition_grades.code IS 'Grade code, e.g. GOOD, WORN, DAMAGED, MISSING_PARTS.';
COMMENT ON COLUMN condition_grades.label IS 'Name shown on screens.';
COMMENT ON COLUMN condition_grades.sort_order IS 'Place in lists, ascending.';
COMMENT ON COLUMN condition_grades.sends_to_repair IS 'Y = a copy checked in with this grade goes IN_REPAIR (not lent, not trapped for a hold) instead of back to the shelf.';
COMMENT ON COLUMN condition_grades.charges_damage IS 'Y = the patron of the loan is charged a DAMAGE fine as the policy of the loan says (circ_policies.damage_fee or damage_fee_share).';
