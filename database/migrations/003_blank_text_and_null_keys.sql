-- 003_blank_text_and_null_keys.sql: blank required text and unique keys over nullable columns behave
-- the same on Oracle and PostgreSQL.
--
-- 1. Text a person types and the row needs (names, titles, codes, barcodes, a setting's value, the reason
--    of a waiver) gets a CHECK refusing blank text. Oracle stores '' as NULL, which NOT NULL refuses;
--    PostgreSQL stored it. COALESCE(LENGTH(TRIM(col)), 0) > 0 is false on both engines for '' and for
--    spaces only (Oracle's TRIM of spaces is NULL, and a CHECK that is NULL passes).
-- 2. closed_days_branch_date_uk and circ_policies_scope_uk were UNIQUE constraints over nullable columns:
--    Oracle rejected (NULL, day) twice, PostgreSQL took NULLs as distinct and accepted it. They become
--    unique indexes of the same names over COALESCE(col, sentinel), identical on both engines, so a second
--    library-wide closed day on a date, or a second policy of a scope (the default one included), is
--    refused everywhere.
-- 3. fines_loan_charge_ck: an overdue or lost charge always names its loan, so the keys of
--    fines_loan_charge_uk are both NULL or both set and the engines agree on it.
-- Every statement validates the existing rows: a blank name, or a duplicate closed day or policy scope
-- already stored on PostgreSQL, stops the migration at the constraint or index that names it; fix those
-- rows and run the upgrade again.

ALTER TABLE users ADD CONSTRAINT users_username_ck CHECK ((COALESCE(LENGTH(TRIM(username)), 0) > 0));
ALTER TABLE users ADD CONSTRAINT users_full_name_ck CHECK ((COALESCE(LENGTH(TRIM(full_name)), 0) > 0));
ALTER TABLE roles ADD CONSTRAINT roles_code_ck CHECK ((COALESCE(LENGTH(TRIM(code)), 0) > 0));
ALTER TABLE roles ADD CONSTRAINT roles_name_ck CHECK ((COALESCE(LENGTH(TRIM(name)), 0) > 0));
ALTER TABLE permissions ADD CONSTRAINT permissions_code_ck CHECK ((COALESCE(LENGTH(TRIM(code)), 0) > 0));
ALTER TABLE branches ADD CONSTRAINT branches_code_ck CHECK ((COALESCE(LENGTH(TRIM(code)), 0) > 0));
ALTER TABLE branches ADD CONSTRAINT branches_name_ck CHECK ((COALESCE(LENGTH(TRIM(name)), 0) > 0));
ALTER TABLE patrons ADD CONSTRAINT patrons_card_number_ck CHECK ((COALESCE(LENGTH(TRIM(card_number)), 0) > 0));
ALTER TABLE patrons ADD CONSTRAINT patrons_first_name_ck CHECK ((COALESCE(LENGTH(TRIM(first_name)), 0) > 0));
ALTER TABLE patrons ADD CONSTRAINT patrons_last_name_ck CHECK ((COALESCE(LENGTH(TRIM(last_name)), 0) > 0));
ALTER TABLE genres ADD CONSTRAINT genres_name_ck CHECK ((COALESCE(LENGTH(TRIM(name)), 0) > 0));
ALTER TABLE authors ADD CONSTRAINT authors_full_name_ck CHECK ((COALESCE(LENGTH(TRIM(full_name)), 0) > 0));
ALTER TABLE authors ADD CONSTRAINT authors_sort_name_ck CHECK ((COALESCE(LENGTH(TRIM(sort_name)), 0) > 0));
ALTER TABLE materials ADD CONSTRAINT materials_title_ck CHECK ((COALESCE(LENGTH(TRIM(title)), 0) > 0));
ALTER TABLE materials ADD CONSTRAINT materials_language_code_ck CHECK ((COALESCE(LENGTH(TRIM(language_code)), 0) > 0));
ALTER TABLE copies ADD CONSTRAINT copies_barcode_ck CHECK ((COALESCE(LENGTH(TRIM(barcode)), 0) > 0));
ALTER TABLE app_settings ADD CONSTRAINT app_settings_value_ck CHECK ((COALESCE(LENGTH(TRIM(value)), 0) > 0));

ALTER TABLE fines DROP CONSTRAINT fines_waive_reason_ck;
ALTER TABLE fines ADD CONSTRAINT fines_waive_reason_ck CHECK ((status <> 'WAIVED' OR COALESCE(LENGTH(TRIM(waive_reason)), 0) > 0));
ALTER TABLE fines ADD CONSTRAINT fines_loan_charge_ck CHECK ((fine_type NOT IN ('OVERDUE', 'LOST') OR loan_id IS NOT NULL));

-- dropping a UNIQUE constraint drops the index it created (both engines), which frees the name
ALTER TABLE closed_days DROP CONSTRAINT closed_days_branch_date_uk;
CREATE UNIQUE INDEX closed_days_branch_date_uk ON closed_days (COALESCE(branch_id, -1), closed_on);
ALTER TABLE circ_policies DROP CONSTRAINT circ_policies_scope_uk;
CREATE UNIQUE INDEX circ_policies_scope_uk ON circ_policies (COALESCE(branch_id, -1), COALESCE(patron_category, '*'),
    COALESCE(material_type, '*'));
