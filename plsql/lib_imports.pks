CREATE OR REPLACE PACKAGE lib_imports AS
    /**
     * Bulk imports of catalog records (issue 14): the bookkeeping of catalog_imports and its per-record
     * report, catalog_import_records. The records themselves are written by lib_catalog.import_title and
     * lib_patrons; the importer (services/imports) reads the file, calls them a batch per transaction and
     * reports each record here. Every routine needs CATALOG_IMPORT; system work with no actor passes.
     */

    /**
     * Register an uploaded file, QUEUED.
     * @param p_kind               MARC, MARCXML, CSV_TITLES or CSV_PATRONS
     * @param p_file_name          the file's name, 1 to 255 characters
     * @param p_file_bytes         its size in bytes, not negative
     * @param p_dry_run            Y = check and match only, N = write the records
     * @param p_confirms_import_id the dry run of the same file this import confirms, NULL = none
     * @param p_import_id          OUT the new catalog_imports.import_id
     * @throws -20411 PERMISSION_DENIED
     * @throws -20560 IMPORT_NOT_FOUND the dry run to confirm
     * @throws -20561 INVALID_IMPORT_DATA
     * @throws -20562 IMPORT_NOT_CONFIRMABLE the import to confirm is no finished dry run of that kind
     */
    PROCEDURE start_import(p_kind IN VARCHAR2, p_file_name IN VARCHAR2, p_file_bytes IN NUMBER,
                           p_dry_run IN VARCHAR2, p_confirms_import_id IN NUMBER, p_import_id OUT NUMBER);

    /**
     * The importer takes a queued import: RUNNING.
     * @param p_import_id catalog_imports.import_id
     * @throws -20411 PERMISSION_DENIED
     * @throws -20560 IMPORT_NOT_FOUND
     * @throws -20562 IMPORT_NOT_CONFIRMABLE not QUEUED
     */
    PROCEDURE begin_import(p_import_id IN NUMBER);

    /**
     * Report a batch of records of a running import (count_reported counts them); a record reported
     * twice refuses the whole call.
     * @param p_import_id catalog_imports.import_id
     * @param p_reports   the reports separated by CHR(30), each of these fields separated by CHR(31), a
     *                    blank field being NULL: the record's position in the file (from 1), CREATED,
     *                    MATCHED or REJECTED, the title created or matched, the patron created or
     *                    matched, the record's title or name (cut to 500 characters), the identifier that
     *                    matched (cut to 100), why it was rejected (cut to 40), the reason or what was done
     *                    (cut to 2000), the copies it added; at most 32767 bytes: a long batch takes
     *                    several calls
     * @throws -20411 PERMISSION_DENIED
     * @throws -20560 IMPORT_NOT_FOUND
     * @throws -20561 INVALID_IMPORT_DATA unknown outcome, a field that should be a number, a record number
     *                reported twice
     */
    PROCEDURE record_results(p_import_id IN NUMBER, p_reports IN VARCHAR2);

    /**
     * Count the reports of a batch of records into the import's counts (records read, created, matched,
     * rejected, copies added) at once: one change of the import's row per batch, not one per record.
     * @param p_import_id catalog_imports.import_id
     * @param p_first_no  the batch's first record number
     * @param p_last_no   its last
     * @param p_records   OUT the reports counted
     * @throws -20411 PERMISSION_DENIED
     * @throws -20560 IMPORT_NOT_FOUND
     */
    PROCEDURE count_reported(p_import_id IN NUMBER, p_first_no IN NUMBER, p_last_no IN NUMBER,
                             p_records OUT NUMBER);

    /**
     * End an import: DONE (every record read) or FAILED (stopped: p_message says why).
     * @param p_import_id catalog_imports.import_id
     * @param p_status    DONE or FAILED
     * @param p_message   optional, cut to 1000 characters
     * @throws -20411 PERMISSION_DENIED
     * @throws -20560 IMPORT_NOT_FOUND
     * @throws -20561 INVALID_IMPORT_DATA another status
     */
    PROCEDURE finish_import(p_import_id IN NUMBER, p_status IN VARCHAR2, p_message IN VARCHAR2);

    /**
     * Fail the imports that stopped moving: QUEUED or RUNNING with no record reported for p_minutes (the
     * process that ran them ended). Called when the server starts.
     * @param p_minutes at least 1
     * @param p_rows    OUT imports failed
     */
    PROCEDURE fail_abandoned(p_minutes IN NUMBER, p_rows OUT NUMBER);
END lib_imports;
/
