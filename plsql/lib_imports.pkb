CREATE OR REPLACE PACKAGE BODY lib_imports AS

    -- The status of an import, locked; IMPORT_NOT_FOUND when there is none.
    FUNCTION locked_status(p_import_id IN catalog_imports.import_id%TYPE) RETURN VARCHAR2 IS
        l_status catalog_imports.status%TYPE;
    BEGIN
        FOR r_import IN (SELECT status FROM catalog_imports WHERE import_id = p_import_id FOR UPDATE) LOOP
            l_status := r_import.status;
        END LOOP;
        IF l_status IS NULL THEN
            lib_err.raise_error('IMPORT_NOT_FOUND', 'import ' || TO_CHAR(p_import_id));
        END IF;
        RETURN l_status;
    END locked_status;

    PROCEDURE start_import(p_kind IN VARCHAR2, p_file_name IN VARCHAR2, p_file_bytes IN NUMBER,
                           p_dry_run IN VARCHAR2, p_confirms_import_id IN NUMBER, p_import_id OUT NUMBER) IS
        l_confirms catalog_imports.import_id%TYPE := p_confirms_import_id;
        l_kind     VARCHAR2(4000);
        l_dry_run  VARCHAR2(4000);
        l_found    NUMBER := 0;
        l_ok       NUMBER := 0;
    BEGIN
        lib_auth.require_permission('CATALOG_IMPORT');
        l_kind := UPPER(TRIM(p_kind));
        l_dry_run := UPPER(TRIM(p_dry_run));
        IF l_kind IS NULL OR l_kind NOT IN ('MARC', 'MARCXML', 'CSV_TITLES', 'CSV_PATRONS') THEN
            lib_err.raise_error('INVALID_IMPORT_DATA', 'kind MARC, MARCXML, CSV_TITLES or CSV_PATRONS');
        END IF;
        IF l_dry_run IS NULL OR l_dry_run NOT IN ('Y', 'N') THEN
            lib_err.raise_error('INVALID_IMPORT_DATA', 'dry run Y or N');
        END IF;
        IF NVL(LENGTH(TRIM(p_file_name)), 0) = 0 OR LENGTH(TRIM(p_file_name)) > 255 THEN
            lib_err.raise_error('INVALID_IMPORT_DATA', 'file name of 1 to 255 characters');
        END IF;
        IF p_file_bytes IS NULL OR p_file_bytes < 0 OR p_file_bytes >= 1000000000000 THEN
            lib_err.raise_error('INVALID_IMPORT_DATA', 'file size');
        END IF;
        IF l_confirms IS NOT NULL THEN
            FOR r_dry IN (SELECT import_kind, dry_run, status FROM catalog_imports WHERE import_id = l_confirms) LOOP
                l_found := 1;
                IF r_dry.import_kind = l_kind AND r_dry.dry_run = 'Y' AND r_dry.status = 'DONE' THEN
                    l_ok := 1;
                END IF;
            END LOOP;
            IF l_found = 0 THEN
                lib_err.raise_error('IMPORT_NOT_FOUND', 'import ' || TO_CHAR(l_confirms));
            END IF;
            IF l_ok = 0 THEN
                lib_err.raise_error('IMPORT_NOT_CONFIRMABLE', 'import ' || TO_CHAR(l_confirms));
            END IF;
        END IF;
        INSERT INTO catalog_imports (import_kind, file_name, file_bytes, dry_run, status, confirms_import_id,
                                     created_by, created_at)
        VALUES (l_kind, TRIM(p_file_name), p_file_bytes, l_dry_run, 'QUEUED', l_confirms, lib_session.actor(),
                lib_clock.now_utc())
        RETURNING import_id INTO p_import_id;
    END start_import;

    PROCEDURE begin_import(p_import_id IN NUMBER) IS
        l_import_id catalog_imports.import_id%TYPE := p_import_id;
    BEGIN
        lib_auth.require_permission('CATALOG_IMPORT');
        IF locked_status(l_import_id) <> 'QUEUED' THEN
            lib_err.raise_error('IMPORT_NOT_CONFIRMABLE', 'import ' || TO_CHAR(p_import_id) || ' is not queued');
        END IF;
        UPDATE catalog_imports
           SET status = 'RUNNING', started_at = lib_clock.now_utc(), finished_at = lib_clock.now_utc()
         WHERE import_id = l_import_id;
    END begin_import;

    -- One report row, checked; a record reported twice is a DUP_VAL_ON_INDEX for the caller.
    PROCEDURE put_result(p_import_id IN catalog_imports.import_id%TYPE, p_record_no IN NUMBER,
                         p_outcome IN VARCHAR2, p_material_id IN NUMBER, p_patron_id IN NUMBER,
                         p_label IN VARCHAR2, p_matched_by IN VARCHAR2, p_error_name IN VARCHAR2,
                         p_detail IN VARCHAR2, p_copies_added IN NUMBER) IS
    BEGIN
        IF p_outcome IS NULL OR p_outcome NOT IN ('CREATED', 'MATCHED', 'REJECTED') THEN
            lib_err.raise_error('INVALID_IMPORT_DATA', 'outcome CREATED, MATCHED or REJECTED');
        END IF;
        IF p_record_no IS NULL OR p_record_no < 1 OR p_record_no >= 1000000000 THEN
            lib_err.raise_error('INVALID_IMPORT_DATA', 'record number');
        END IF;
        IF p_copies_added < 0 OR p_copies_added >= 1000000000 THEN
            lib_err.raise_error('INVALID_IMPORT_DATA', 'copies added');
        END IF;
        INSERT INTO catalog_import_records (import_id, record_no, outcome, material_id, patron_id, label,
                                            matched_by, error_name, detail, copies_added)
        VALUES (p_import_id, p_record_no, p_outcome, p_material_id, p_patron_id, SUBSTR(p_label, 1, 500),
                SUBSTR(p_matched_by, 1, 100), SUBSTR(p_error_name, 1, 40), SUBSTR(p_detail, 1, 2000),
                NVL(p_copies_added, 0));
    END put_result;

    PROCEDURE record_results(p_import_id IN NUMBER, p_reports IN VARCHAR2) IS
        l_import_id catalog_imports.import_id%TYPE := p_import_id;
        l_rest      VARCHAR2(32767);
        l_report    VARCHAR2(32767);
        l_end       PLS_INTEGER;
        l_at        PLS_INTEGER;
        l_next      PLS_INTEGER;
        l_field     VARCHAR2(32767);
        l_no        NUMBER;
        l_outcome   VARCHAR2(4000);
        l_material  NUMBER;
        l_patron    NUMBER;
        l_label     VARCHAR2(4000);
        l_matched   VARCHAR2(4000);
        l_error     VARCHAR2(4000);
        l_detail    VARCHAR2(4000);
        l_copies    NUMBER;
        l_found     NUMBER;
    BEGIN
        lib_auth.require_permission('CATALOG_IMPORT');
        SELECT COUNT(*) INTO l_found FROM catalog_imports WHERE import_id = l_import_id;
        IF l_found = 0 THEN -- before a report row's foreign key
            lib_err.raise_error('IMPORT_NOT_FOUND', 'import ' || TO_CHAR(p_import_id));
        END IF;
        -- each report cut off the head of the rest: a search from a position deep in a long text costs a
        -- walk over the characters before it on PostgreSQL (multi-byte), for every report
        l_rest := p_reports;
        BEGIN
            LOOP
                l_end := INSTR(l_rest, CHR(30));
                IF l_end = 0 THEN
                    l_report := l_rest;
                ELSE
                    l_report := SUBSTR(l_rest, 1, l_end - 1);
                    l_rest := SUBSTR(l_rest, l_end + 1);
                END IF;
                IF LENGTH(l_report) > 0 THEN
                    -- the fields in order, each cut off at the next CHR(31) (none after the last)
                    l_report := l_report || CHR(31);
                    l_at := 1;
                    FOR i IN 1 .. 9 LOOP
                        l_next := INSTR(l_report, CHR(31), l_at);
                        l_field := NULL;
                        IF l_next > l_at THEN
                            l_field := SUBSTR(l_report, l_at, l_next - l_at);
                        END IF;
                        IF l_next > 0 THEN
                            l_at := l_next + 1;
                        END IF;
                        IF i IN (1, 3, 4, 9) AND l_field IS NOT NULL
                           AND (LENGTH(l_field) > 18
                                OR LENGTH(TRIM(TRANSLATE(l_field, '0123456789', '          '))) > 0) THEN
                            lib_err.raise_error('INVALID_IMPORT_DATA', 'a number, not ' || SUBSTR(l_field, 1, 20));
                        END IF;
                        CASE i
                            WHEN 1 THEN l_no := TO_NUMBER(l_field);
                            WHEN 2 THEN l_outcome := l_field;
                            WHEN 3 THEN l_material := TO_NUMBER(l_field);
                            WHEN 4 THEN l_patron := TO_NUMBER(l_field);
                            WHEN 5 THEN l_label := l_field;
                            WHEN 6 THEN l_matched := l_field;
                            WHEN 7 THEN l_error := l_field;
                            WHEN 8 THEN l_detail := l_field;
                            ELSE l_copies := TO_NUMBER(l_field);
                        END CASE;
                    END LOOP;
                    put_result(l_import_id, l_no, l_outcome, l_material, l_patron, l_label, l_matched, l_error,
                               l_detail, l_copies);
                END IF;
                EXIT WHEN l_end = 0;
            END LOOP;
        EXCEPTION
            WHEN DUP_VAL_ON_INDEX THEN
                lib_err.raise_error('INVALID_IMPORT_DATA', 'a record reported twice');
        END;
    END record_results;

    PROCEDURE count_reported(p_import_id IN NUMBER, p_first_no IN NUMBER, p_last_no IN NUMBER,
                             p_records OUT NUMBER) IS
        l_import_id catalog_imports.import_id%TYPE := p_import_id;
        l_read      NUMBER;
        l_created   NUMBER;
        l_matched   NUMBER;
        l_rejected  NUMBER;
        l_copies    NUMBER;
    BEGIN
        lib_auth.require_permission('CATALOG_IMPORT');
        SELECT COUNT(*),
               NVL(SUM(CASE WHEN outcome = 'CREATED' THEN 1 ELSE 0 END), 0),
               NVL(SUM(CASE WHEN outcome = 'MATCHED' THEN 1 ELSE 0 END), 0),
               NVL(SUM(CASE WHEN outcome = 'REJECTED' THEN 1 ELSE 0 END), 0),
               NVL(SUM(copies_added), 0)
          INTO l_read, l_created, l_matched, l_rejected, l_copies
          FROM catalog_import_records
         WHERE import_id = l_import_id AND record_no BETWEEN p_first_no AND p_last_no;
        UPDATE catalog_imports
           SET records_read = records_read + l_read,
               created_count = created_count + l_created,
               matched_count = matched_count + l_matched,
               rejected_count = rejected_count + l_rejected,
               copies_added = copies_added + l_copies,
               finished_at = lib_clock.now_utc()
         WHERE import_id = l_import_id;
        IF SQL%ROWCOUNT = 0 THEN
            lib_err.raise_error('IMPORT_NOT_FOUND', 'import ' || TO_CHAR(p_import_id));
        END IF;
        p_records := l_read;
    END count_reported;

    PROCEDURE finish_import(p_import_id IN NUMBER, p_status IN VARCHAR2, p_message IN VARCHAR2) IS
        l_import_id catalog_imports.import_id%TYPE := p_import_id;
        l_status    catalog_imports.status%TYPE;
    BEGIN
        lib_auth.require_permission('CATALOG_IMPORT');
        IF p_status IS NULL OR p_status NOT IN ('DONE', 'FAILED') THEN
            lib_err.raise_error('INVALID_IMPORT_DATA', 'status DONE or FAILED');
        END IF;
        l_status := locked_status(l_import_id);
        IF l_status NOT IN ('QUEUED', 'RUNNING') THEN
            lib_err.raise_error('IMPORT_NOT_CONFIRMABLE', 'import ' || TO_CHAR(p_import_id) || ' has ended');
        END IF;
        UPDATE catalog_imports
           SET status = p_status, finished_at = lib_clock.now_utc(), message = SUBSTR(p_message, 1, 1000)
         WHERE import_id = l_import_id;
    END finish_import;

    PROCEDURE fail_abandoned(p_minutes IN NUMBER, p_rows OUT NUMBER) IS
        l_now     DATE;
        l_minutes NUMBER;
        l_since   DATE;
    BEGIN
        lib_auth.require_permission('CATALOG_IMPORT');
        l_now := lib_clock.now_utc();
        l_minutes := GREATEST(NVL(p_minutes, 1), 1);
        l_since := l_now - l_minutes / 1440;
        UPDATE catalog_imports
           SET status = 'FAILED',
               message = 'the import stopped moving (the server ended): what was read before is kept; import the file again',
               finished_at = lib_clock.now_utc()
         WHERE status IN ('QUEUED', 'RUNNING')
           AND COALESCE(finished_at, created_at) < l_since;
        p_rows := SQL%ROWCOUNT;
    END fail_abandoned;

END lib_imports;
/
