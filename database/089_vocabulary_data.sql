-- 089_vocabulary_data.sql: the rows of the vocabulary tables (009_vocabulary.sql), before any row that uses them.
-- Portable SQL, loaded as is on both engines. database/tooling/vocabulary.py reads this file to write
-- api/vocabulary.py, the API's enums (tests/test_vocabulary.py keeps the two equal).
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

-- refusal: the one patron-standing rule (lib_patrons.standing) reads it before the card's expiry and the fines
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
INSERT INTO copy_statuses (code, label, sort_order, is_available, is_hold_trap, in_collection, checkout_refusal) VALUES ('IN_REPAIR', 'In repair', 8, 'N', 'N', 'Y', 'COPY_NOT_AVAILABLE');

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
INSERT INTO condition_grades (code, label, sort_order, sends_to_repair, charges_damage) VALUES ('GOOD', 'Good', 1, 'N', 'N');
INSERT INTO condition_grades (code, label, sort_order, sends_to_repair, charges_damage) VALUES ('WORN', 'Worn', 2, 'N', 'N');
INSERT INTO condition_grades (code, label, sort_order, sends_to_repair, charges_damage) VALUES ('DAMAGED', 'Damaged', 3, 'Y', 'Y');
INSERT INTO condition_grades (code, label, sort_order, sends_to_repair, charges_damage) VALUES ('MISSING_PARTS', 'Missing parts', 4, 'Y', 'N');
COMMIT;
