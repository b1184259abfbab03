-- 018_import_report_counts: an import counts its report once per batch, not once per record (issue 14: the
-- counters of one catalog_imports row updated 500 times in a transaction made each update walk the row's
-- versions). Each report row says how many copies its record added, so lib_imports.count_reported can sum
-- a batch's rows.
-- PostgreSQL text, as the build translates the install files (the Oracle one is 018_import_report_counts.oracle.sql).

ALTER TABLE catalog_import_records ADD COLUMN copies_added integer NOT NULL DEFAULT 0;
COMMENT ON COLUMN catalog_import_records.copies_added IS E'Copies the record added (its holdings), 0 = none';
