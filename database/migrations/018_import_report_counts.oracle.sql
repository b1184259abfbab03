-- 018_import_report_counts: an import counts its report once per batch, not once per record (issue 14: the
-- counters of one catalog_imports row updated 500 times in a transaction made each update walk the row's
-- versions). Each report row says how many copies its record added, so lib_imports.count_reported can sum
-- a batch's rows.
-- Oracle text (the PostgreSQL one is 018_import_report_counts.postgres.sql).

ALTER TABLE catalog_import_records ADD (copies_added NUMBER(9) DEFAULT 0 NOT NULL);
COMMENT ON COLUMN catalog_import_records.copies_added IS 'Copies the record added (its holdings), 0 = none';
