CREATE OR REPLACE PACKAGE BODY lib_catalog AS

    -- Public routines take plain NUMBER keys and copy them into locals anchored to the key columns
    -- before any SQL (on PostgreSQL a numeric value compared with a bigint key defeats its index);
    -- private routines take anchored parameters.

    FUNCTION normalize_isbn(p_isbn IN VARCHAR2) RETURN VARCHAR2 IS
    BEGIN
        RETURN UPPER(REPLACE(REPLACE(p_isbn, '-', ''), ' ', ''));
    END normalize_isbn;

    FUNCTION isbn_valid(p_isbn IN VARCHAR2) RETURN NUMBER IS
        l_isbn  VARCHAR2(100);
        l_digit PLS_INTEGER;
        l_sum   PLS_INTEGER := 0;
    BEGIN
        l_isbn := normalize_isbn(p_isbn);
        IF LENGTH(l_isbn) = 10 THEN
            FOR i IN 1 .. 10 LOOP
                l_digit := INSTR('0123456789', SUBSTR(l_isbn, i, 1)) - 1;
                IF i = 10 AND SUBSTR(l_isbn, i, 1) = 'X' THEN
                    l_digit := 10;
                END IF;
                IF l_digit < 0 THEN
                    RETURN 0;
                END IF;
                l_sum := l_sum + (11 - i) * l_digit;
            END LOOP;
            IF MOD(l_sum, 11) = 0 THEN
                RETURN 1;
            END IF;
        ELSIF LENGTH(l_isbn) = 13 THEN
            IF SUBSTR(l_isbn, 1, 3) NOT IN ('978', '979') THEN
                RETURN 0;
            END IF;
            FOR i IN 1 .. 13 LOOP
                l_digit := INSTR('0123456789', SUBSTR(l_isbn, i, 1)) - 1;
                IF l_digit < 0 THEN
                    RETURN 0;
                END IF;
                IF MOD(i, 2) = 1 THEN
                    l_sum := l_sum + l_digit;
                ELSE
                    l_sum := l_sum + 3 * l_digit;
                END IF;
            END LOOP;
            IF MOD(l_sum, 10) = 0 THEN
                RETURN 1;
            END IF;
        END IF;
        RETURN 0;
    END isbn_valid;

    -- The stored form of an optional ISBN: NULL when blank, INVALID_ISBN when not valid.
    FUNCTION checked_isbn(p_isbn IN VARCHAR2) RETURN VARCHAR2 IS
        l_isbn VARCHAR2(4000);
    BEGIN
        l_isbn := normalize_isbn(p_isbn);
        IF NVL(LENGTH(l_isbn), 0) = 0 THEN
            RETURN NULL;
        END IF;
        IF isbn_valid(l_isbn) = 0 THEN
            lib_err.raise_error('INVALID_ISBN', SUBSTR(p_isbn, 1, 40));
        END IF;
        RETURN l_isbn;
    END checked_isbn;

    -- NULL for a blank optional value, else the trimmed value.
    FUNCTION blank_null(p_value IN VARCHAR2) RETURN VARCHAR2 IS
    BEGIN
        IF NVL(LENGTH(TRIM(p_value)), 0) = 0 THEN
            RETURN NULL;
        END IF;
        RETURN TRIM(p_value);
    END blank_null;

    -- How many titles other than p_material_id have the (normalised, non-NULL) ISBN.
    FUNCTION isbn_holders(p_isbn IN materials.isbn%TYPE, p_material_id IN materials.material_id%TYPE) RETURN NUMBER IS
        l_count NUMBER;
    BEGIN
        SELECT COUNT(*)
          INTO l_count
          FROM materials
         WHERE isbn = p_isbn
           AND (p_material_id IS NULL OR material_id <> p_material_id);
        RETURN l_count;
    END isbn_holders;

    -- DUPLICATE_ISBN when another title has the ISBN and the setting DUPLICATE_ISBN says REFUSE.
    PROCEDURE check_duplicate_isbn(p_isbn IN materials.isbn%TYPE, p_material_id IN materials.material_id%TYPE) IS
        l_mode app_settings.value%TYPE;
    BEGIN
        IF p_isbn IS NULL THEN
            RETURN;
        END IF;
        SELECT MAX(UPPER(TRIM(value))) INTO l_mode FROM app_settings WHERE name = 'DUPLICATE_ISBN';
        IF l_mode = 'REFUSE' AND isbn_holders(p_isbn, p_material_id) > 0 THEN
            lib_err.raise_error('DUPLICATE_ISBN', p_isbn);
        END IF;
    END check_duplicate_isbn;

    PROCEDURE duplicate_isbns(p_isbn IN VARCHAR2, p_material_id IN NUMBER, p_count OUT NUMBER) IS
        l_isbn        VARCHAR2(4000);
        l_material_id materials.material_id%TYPE := p_material_id;
    BEGIN
        l_isbn := normalize_isbn(p_isbn);
        IF NVL(LENGTH(l_isbn), 0) = 0 OR LENGTH(l_isbn) > 13 THEN
            p_count := 0;
            RETURN;
        END IF;
        p_count := isbn_holders(l_isbn, l_material_id);
    END duplicate_isbns;

    -- INVALID_MATERIAL_DATA / GENRE_NOT_FOUND unless the title data is acceptable.
    PROCEDURE check_material_data(p_title IN VARCHAR2, p_subtitle IN VARCHAR2, p_material_type IN VARCHAR2,
                       p_genre_id IN genres.genre_id%TYPE, p_publisher IN VARCHAR2, p_publication_year IN NUMBER,
                       p_language IN VARCHAR2, p_description IN VARCHAR2, p_replacement_cost IN NUMBER) IS
        l_count NUMBER;
    BEGIN
        IF NVL(LENGTH(TRIM(p_title)), 0) = 0 OR LENGTH(TRIM(p_title)) > 500 THEN
            lib_err.raise_error('INVALID_MATERIAL_DATA', 'title required, at most 500 characters');
        END IF;
        IF LENGTH(p_subtitle) > 500 OR LENGTH(p_publisher) > 200 OR LENGTH(p_description) > 4000 THEN
            lib_err.raise_error('INVALID_MATERIAL_DATA', 'subtitle, publisher or description too long');
        END IF;
        SELECT COUNT(*) INTO l_count FROM material_types WHERE code = p_material_type;
        IF l_count = 0 THEN
            lib_err.raise_error('INVALID_MATERIAL_DATA', 'unknown material type ' || SUBSTR(p_material_type, 1, 20));
        END IF;
        -- the library's year is the UTC one give or take one: a year up to the UTC one needs no look at it
        IF p_publication_year IS NOT NULL
           AND (p_publication_year < 1 OR p_publication_year <> TRUNC(p_publication_year)
                OR (p_publication_year > EXTRACT(YEAR FROM lib_clock.now_utc())
                    AND p_publication_year > TO_NUMBER(TO_CHAR(lib_clock.today(), 'YYYY')) + 1)) THEN
            lib_err.raise_error('INVALID_MATERIAL_DATA', 'publication year out of range');
        END IF;
        IF LENGTH(p_language) > 3 THEN
            lib_err.raise_error('INVALID_MATERIAL_DATA', 'language must be an ISO 639-2 code');
        END IF;
        IF p_replacement_cost < 0 OR p_replacement_cost >= 100000000 THEN
            lib_err.raise_error('INVALID_MATERIAL_DATA', 'replacement cost out of range');
        END IF;
        IF p_genre_id IS NOT NULL THEN
            SELECT COUNT(*) INTO l_count FROM genres WHERE genre_id = p_genre_id;
            IF l_count = 0 THEN
                lib_err.raise_error('GENRE_NOT_FOUND', 'genre ' || TO_CHAR(p_genre_id));
            END IF;
        END IF;
    END check_material_data;

    FUNCTION type_of(p_material_type IN VARCHAR2) RETURN VARCHAR2 IS
    BEGIN
        IF NVL(LENGTH(TRIM(p_material_type)), 0) = 0 THEN
            RETURN 'BOOK';
        END IF;
        RETURN UPPER(TRIM(p_material_type));
    END type_of;

    FUNCTION language_of(p_language IN VARCHAR2) RETURN VARCHAR2 IS
    BEGIN
        IF NVL(LENGTH(TRIM(p_language)), 0) = 0 THEN
            RETURN 'eng';
        END IF;
        RETURN LOWER(TRIM(p_language));
    END language_of;

    -- 'Jane Austen' -> 'Austen, Jane'; a name with a comma or a single word is kept as it is.
    FUNCTION sort_name_of(p_name IN VARCHAR2) RETURN VARCHAR2 IS
        l_space PLS_INTEGER;
    BEGIN
        l_space := INSTR(p_name, ' ', -1);
        IF INSTR(p_name, ',') > 0 OR l_space = 0 THEN
            RETURN p_name;
        END IF;
        RETURN SUBSTR(p_name, l_space + 1) || ', ' || TRIM(SUBSTR(p_name, 1, l_space - 1));
    END sort_name_of;

    -- The author of that name, created when missing.
    FUNCTION author_id_of(p_name IN VARCHAR2) RETURN NUMBER IS
        l_sort      authors.sort_name%TYPE;
        l_author_id authors.author_id%TYPE;
    BEGIN
        l_sort := sort_name_of(p_name);
        SELECT MIN(author_id)
          INTO l_author_id
          FROM authors
         WHERE UPPER(sort_name) = UPPER(l_sort)
           AND UPPER(full_name) = UPPER(p_name);
        IF l_author_id IS NULL THEN
            INSERT INTO authors (full_name, sort_name)
            VALUES (p_name, l_sort)
            RETURNING author_id INTO l_author_id;
        END IF;
        RETURN l_author_id;
    END author_id_of;

    -- Refuse a '|'-separated list of author names that set_authors could not credit: a name (or the
    -- sort name made of it) longer than 200 characters, a list longer than 4000.
    PROCEDURE check_authors(p_authors IN VARCHAR2) IS
        l_list VARCHAR2(32767);
        l_pos  PLS_INTEGER := 1;
        l_next PLS_INTEGER;
        l_name VARCHAR2(32767);
    BEGIN
        IF LENGTH(p_authors) > 3999 THEN
            lib_err.raise_error('INVALID_MATERIAL_DATA', 'authors longer than 4000 characters');
        END IF;
        l_list := p_authors || '|';
        WHILE l_pos <= LENGTH(l_list) LOOP
            l_next := INSTR(l_list, '|', l_pos);
            l_name := TRIM(SUBSTR(l_list, l_pos, l_next - l_pos));
            IF LENGTH(l_name) > 200 OR LENGTH(sort_name_of(l_name)) > 200 THEN
                lib_err.raise_error('INVALID_MATERIAL_DATA', 'author name longer than 200 characters');
            END IF;
            l_pos := l_next + 1;
        END LOOP;
    END check_authors;

    -- Replace the authors of a title with the '|'-separated names, in order; p_new 1: the title was created
    -- in this call (no credits to delete). A name given twice is credited once (the ids credited so far
    -- are kept in a string, not looked up again).
    PROCEDURE set_authors(p_material_id IN materials.material_id%TYPE, p_authors IN VARCHAR2,
                          p_new IN PLS_INTEGER) IS
        l_list      VARCHAR2(4000);
        l_pos       PLS_INTEGER := 1;
        l_next      PLS_INTEGER;
        l_name      authors.full_name%TYPE;
        l_author_id authors.author_id%TYPE;
        l_order     PLS_INTEGER := 0;
        l_credited  VARCHAR2(32767) := ',';
    BEGIN
        check_authors(p_authors);
        IF p_new = 0 THEN
            DELETE FROM material_authors WHERE material_id = p_material_id;
        END IF;
        l_list := p_authors || '|';
        WHILE l_pos <= LENGTH(l_list) LOOP
            l_next := INSTR(l_list, '|', l_pos);
            l_name := TRIM(SUBSTR(l_list, l_pos, l_next - l_pos));
            IF LENGTH(l_name) > 0 THEN
                l_author_id := author_id_of(l_name);
                IF INSTR(l_credited, ',' || TO_CHAR(l_author_id) || ',') = 0 THEN
                    l_order := l_order + 1;
                    INSERT INTO material_authors (material_id, author_id, author_order, author_role)
                    VALUES (p_material_id, l_author_id, l_order, 'AUTHOR');
                    l_credited := l_credited || TO_CHAR(l_author_id) || ',';
                END IF;
            END IF;
            l_pos := l_next + 1;
        END LOOP;
    END set_authors;

    PROCEDURE add_material(p_title IN VARCHAR2, p_subtitle IN VARCHAR2, p_isbn IN VARCHAR2,
                           p_material_type IN VARCHAR2, p_genre_id IN NUMBER, p_publisher IN VARCHAR2,
                           p_publication_year IN NUMBER, p_language IN VARCHAR2, p_description IN VARCHAR2,
                           p_replacement_cost IN materials.replacement_cost%TYPE, p_authors IN VARCHAR2,
                           p_material_id OUT NUMBER) IS
        l_isbn materials.isbn%TYPE;
        l_type VARCHAR2(4000); -- unchecked input: wider than the columns until checked
        l_lang VARCHAR2(4000);
        l_cost materials.replacement_cost%TYPE;
        l_genre_id    materials.genre_id%TYPE := p_genre_id;
        l_material_id materials.material_id%TYPE;
        l_subtitle    materials.subtitle%TYPE;
        l_publisher   materials.publisher%TYPE;
        l_description materials.description%TYPE;
    BEGIN
        lib_auth.require_permission('CATALOG_EDIT');
        l_type := type_of(p_material_type);
        l_lang := language_of(p_language);
        l_cost := NVL(p_replacement_cost, 25);
        check_material_data(p_title, p_subtitle, l_type, l_genre_id, p_publisher, p_publication_year, l_lang,
                 p_description, l_cost);
        l_isbn := checked_isbn(p_isbn);
        check_duplicate_isbn(l_isbn, NULL);
        -- body-only functions may not appear in SQL on Oracle (PLS-00231): computed here
        l_subtitle := blank_null(p_subtitle);
        l_publisher := blank_null(p_publisher);
        l_description := blank_null(p_description);
        INSERT INTO materials (title, subtitle, isbn, material_type, genre_id, publisher, publication_year,
                               language_code, description, replacement_cost, created_at)
        VALUES (TRIM(p_title), l_subtitle, l_isbn, l_type, l_genre_id, l_publisher,
                p_publication_year, l_lang, l_description, l_cost, lib_clock.now_utc())
        RETURNING material_id INTO l_material_id;
        IF LENGTH(TRIM(p_authors)) > 0 THEN
            set_authors(l_material_id, p_authors, 1);
        END IF;
        p_material_id := l_material_id;
    END add_material;

    PROCEDURE update_material(p_material_id IN NUMBER, p_title IN VARCHAR2, p_subtitle IN VARCHAR2,
                              p_isbn IN VARCHAR2, p_material_type IN VARCHAR2, p_genre_id IN NUMBER,
                              p_publisher IN VARCHAR2, p_publication_year IN NUMBER, p_language IN VARCHAR2,
                              p_description IN VARCHAR2, p_replacement_cost IN materials.replacement_cost%TYPE,
                              p_authors IN VARCHAR2) IS
        l_material_id materials.material_id%TYPE := p_material_id;
        l_genre_id    materials.genre_id%TYPE := p_genre_id;
        l_found       materials.material_id%TYPE;
        l_old_isbn    materials.isbn%TYPE;
        l_isbn  materials.isbn%TYPE;
        l_type  VARCHAR2(4000); -- unchecked input: wider than the columns until checked
        l_lang  VARCHAR2(4000);
        l_cost  materials.replacement_cost%TYPE;
        l_subtitle    materials.subtitle%TYPE;
        l_publisher   materials.publisher%TYPE;
        l_description materials.description%TYPE;
    BEGIN
        lib_auth.require_permission('CATALOG_EDIT');
        FOR r_material IN (SELECT material_id, isbn FROM materials WHERE material_id = l_material_id FOR UPDATE) LOOP
            l_found := r_material.material_id;
            l_old_isbn := r_material.isbn;
        END LOOP;
        IF l_found IS NULL THEN
            lib_err.raise_error('MATERIAL_NOT_FOUND', 'material ' || TO_CHAR(p_material_id));
        END IF;
        l_type := type_of(p_material_type);
        l_lang := language_of(p_language);
        l_cost := NVL(p_replacement_cost, 25);
        check_material_data(p_title, p_subtitle, l_type, l_genre_id, p_publisher, p_publication_year, l_lang,
                 p_description, l_cost);
        l_isbn := checked_isbn(p_isbn);
        IF NVL(l_isbn, '-') <> NVL(l_old_isbn, '-') THEN -- titles that already share one stay editable
            check_duplicate_isbn(l_isbn, l_material_id);
        END IF;
        l_subtitle := blank_null(p_subtitle); -- not inside the UPDATE: PLS-00231
        l_publisher := blank_null(p_publisher);
        l_description := blank_null(p_description);
        UPDATE materials
           SET title = TRIM(p_title),
               subtitle = l_subtitle,
               isbn = l_isbn,
               material_type = l_type,
               genre_id = l_genre_id,
               publisher = l_publisher,
               publication_year = p_publication_year,
               language_code = l_lang,
               description = l_description,
               replacement_cost = l_cost
         WHERE material_id = l_material_id;
        IF LENGTH(TRIM(p_authors)) > 0 THEN
            set_authors(l_material_id, p_authors, 0);
        END IF;
    END update_material;

    -- A copy barcode not in use yet: 14 digits starting with 3.
    FUNCTION new_barcode RETURN VARCHAR2 IS
        l_barcode copies.barcode%TYPE;
        l_count   NUMBER := 1;
    BEGIN
        WHILE l_count > 0 LOOP
            l_barcode := '3' || TO_CHAR(TRUNC(DBMS_RANDOM.VALUE(0, 9999999999999)), 'FM0000000000000');
            SELECT COUNT(*) INTO l_count FROM copies WHERE barcode = l_barcode;
        END LOOP;
        RETURN l_barcode;
    END new_barcode;

    PROCEDURE add_copy(p_material_id IN NUMBER, p_branch_id IN NUMBER, p_barcode IN VARCHAR2,
                       p_shelf_location IN VARCHAR2, p_price IN copies.price%TYPE, p_copy_id OUT NUMBER) IS
        l_count   NUMBER;
        l_barcode     copies.barcode%TYPE;
        l_material_id copies.material_id%TYPE := p_material_id;
        l_branch_id   copies.branch_id%TYPE := p_branch_id;
        l_shelf       copies.shelf_location%TYPE;
    BEGIN
        lib_auth.require_permission('CATALOG_EDIT');
        SELECT COUNT(*) INTO l_count FROM materials WHERE material_id = l_material_id;
        IF l_count = 0 THEN
            lib_err.raise_error('MATERIAL_NOT_FOUND', 'material ' || TO_CHAR(p_material_id));
        END IF;
        SELECT COUNT(*) INTO l_count FROM branches WHERE branch_id = l_branch_id AND is_active = 'Y';
        IF l_count = 0 THEN
            lib_err.raise_error('BRANCH_NOT_FOUND', 'branch ' || TO_CHAR(p_branch_id));
        END IF;
        IF p_price < 0 OR p_price >= 100000000 THEN
            lib_err.raise_error('INVALID_MATERIAL_DATA', 'price out of range');
        END IF;
        IF LENGTH(p_shelf_location) > 60 THEN
            lib_err.raise_error('INVALID_MATERIAL_DATA', 'shelf location longer than 60 characters');
        END IF;
        IF NVL(LENGTH(TRIM(p_barcode)), 0) = 0 THEN
            l_barcode := new_barcode();
        ELSIF LENGTH(TRIM(p_barcode)) > 30 OR INSTR(TRIM(p_barcode), ' ') > 0 THEN
            lib_err.raise_error('INVALID_MATERIAL_DATA', 'barcode at most 30 characters without spaces');
        ELSE
            l_barcode := UPPER(TRIM(p_barcode));
            SELECT COUNT(*) INTO l_count FROM copies WHERE barcode = l_barcode;
            IF l_count > 0 THEN
                lib_err.raise_error('BARCODE_TAKEN', l_barcode);
            END IF;
        END IF;
        l_shelf := blank_null(p_shelf_location); -- not inside the INSERT: PLS-00231
        BEGIN
            INSERT INTO copies (material_id, branch_id, barcode, status, shelf_location, price, acquired_on,
                                status_changed_at)
            VALUES (l_material_id, l_branch_id, l_barcode, 'AVAILABLE', l_shelf, p_price,
                    lib_clock.now_utc(), lib_clock.now_utc())
            RETURNING copy_id INTO p_copy_id;
        EXCEPTION
            WHEN DUP_VAL_ON_INDEX THEN
                lib_err.raise_error('BARCODE_TAKEN', l_barcode);
        END;
    END add_copy;

    FUNCTION call_number_key(p_call_number IN VARCHAR2) RETURN VARCHAR2 IS
        l_text VARCHAR2(4000);
        l_out  VARCHAR2(4000);
        l_run  VARCHAR2(4000); -- the digits being read
        l_char VARCHAR2(4);
        l_dot  BOOLEAN := FALSE; -- a '.' was read in this word: its digits are decimals
        l_last PLS_INTEGER;
    BEGIN
        l_text := UPPER(TRIM(SUBSTR(p_call_number, 1, 400)));
        IF NVL(LENGTH(l_text), 0) = 0 THEN
            RETURN NULL;
        END IF;
        l_last := LENGTH(l_text) + 1; -- one step past the end: a bound the syntax gate parses
        FOR i IN 1 .. l_last LOOP
            IF i < l_last THEN
                l_char := SUBSTR(l_text, i, 1);
            ELSE
                l_char := ' '; -- ends the last run of digits
            END IF;
            IF INSTR('0123456789', l_char) > 0 THEN
                l_run := NVL(l_run, '') || l_char; -- NVL: a NULL run concatenates as '' on both engines
            ELSE
                IF NVL(LENGTH(l_run), 0) > 0 THEN
                    IF l_dot OR LENGTH(l_run) >= 9 THEN
                        l_out := NVL(l_out, '') || l_run;
                    ELSE
                        l_out := NVL(l_out, '') || LPAD(l_run, 9, '0');
                    END IF;
                    l_run := NULL;
                END IF;
                IF l_char = '.' THEN
                    l_dot := TRUE;
                    l_out := NVL(l_out, '') || '.';
                ELSIF UPPER(l_char) <> LOWER(l_char) THEN -- a letter (of any alphabet)
                    l_out := NVL(l_out, '') || l_char;
                ELSE -- a separator: one space between words
                    l_dot := FALSE;
                    IF NVL(LENGTH(l_out), 0) > 0 AND SUBSTR(l_out, LENGTH(l_out), 1) <> ' ' THEN
                        l_out := l_out || ' ';
                    END IF;
                END IF;
            END IF;
        END LOOP;
        l_out := TRIM(l_out);
        IF NVL(LENGTH(l_out), 0) = 0 THEN
            RETURN NULL;
        END IF;
        RETURN SUBSTR(l_out, 1, 200);
    END call_number_key;

    PROCEDURE update_copy(p_copy_id IN NUMBER, p_branch_id IN NUMBER, p_call_number IN VARCHAR2,
                          p_shelf_location IN VARCHAR2, p_price IN copies.price%TYPE) IS
        l_copy_id     copies.copy_id%TYPE := p_copy_id;
        l_branch_id   copies.branch_id%TYPE := p_branch_id;
        l_old_branch  copies.branch_id%TYPE;
        l_status      copies.status%TYPE;
        l_in_coll     copy_statuses.in_collection%TYPE;
        l_trap        copy_statuses.is_hold_trap%TYPE;
        l_open        NUMBER;
        l_count       NUMBER;
        l_call        copies.call_number%TYPE;
        l_sort        copies.call_number_sort%TYPE;
        l_shelf       copies.shelf_location%TYPE;
    BEGIN
        lib_auth.require_permission('CATALOG_EDIT');
        FOR r_copy IN (SELECT branch_id, status FROM copies WHERE copy_id = l_copy_id FOR UPDATE) LOOP
            l_old_branch := r_copy.branch_id;
            l_status := r_copy.status;
        END LOOP;
        IF l_status IS NULL THEN
            lib_err.raise_error('COPY_NOT_FOUND', 'copy ' || TO_CHAR(p_copy_id));
        END IF;
        SELECT in_collection, is_hold_trap INTO l_in_coll, l_trap FROM copy_statuses WHERE code = l_status;
        IF l_in_coll = 'N' THEN
            lib_err.raise_error('COPY_WITHDRAWN', 'copy ' || TO_CHAR(p_copy_id));
        END IF;
        IF LENGTH(p_call_number) > 60 OR LENGTH(p_shelf_location) > 60 THEN
            lib_err.raise_error('INVALID_MATERIAL_DATA', 'call number and shelf location at most 60 characters');
        END IF;
        IF p_price < 0 OR p_price >= 100000000 THEN
            lib_err.raise_error('INVALID_MATERIAL_DATA', 'price out of range');
        END IF;
        IF l_branch_id IS NULL THEN
            lib_err.raise_error('BRANCH_NOT_FOUND', 'branch required');
        END IF;
        IF l_branch_id <> l_old_branch THEN
            SELECT COUNT(*) INTO l_count FROM branches WHERE branch_id = l_branch_id AND is_active = 'Y';
            IF l_count = 0 THEN
                lib_err.raise_error('BRANCH_NOT_FOUND', 'branch ' || TO_CHAR(p_branch_id));
            END IF;
            SELECT COUNT(*)
              INTO l_open
              FROM loans l JOIN loan_statuses ls ON ls.code = l.status
             WHERE l.copy_id = l_copy_id AND ls.is_open = 'Y';
            IF l_open > 0 OR l_trap = 'Y' THEN
                lib_err.raise_error('COPY_BRANCH_LOCKED', 'copy ' || TO_CHAR(p_copy_id) || ' is ' || l_status);
            END IF;
        END IF;
        l_call := blank_null(p_call_number); -- not inside the UPDATE: PLS-00231
        l_sort := call_number_key(l_call);
        l_shelf := blank_null(p_shelf_location);
        UPDATE copies
           SET branch_id = l_branch_id,
               call_number = l_call,
               call_number_sort = l_sort,
               shelf_location = l_shelf,
               price = p_price
         WHERE copy_id = l_copy_id;
    END update_copy;

    -- MATERIAL_NOT_FOUND unless the title exists; locks it.
    PROCEDURE lock_material(p_material_id IN materials.material_id%TYPE) IS
        l_found materials.material_id%TYPE;
    BEGIN
        FOR r_material IN (SELECT material_id FROM materials WHERE material_id = p_material_id FOR UPDATE) LOOP
            l_found := r_material.material_id;
        END LOOP;
        IF l_found IS NULL THEN
            lib_err.raise_error('MATERIAL_NOT_FOUND', 'material ' || TO_CHAR(p_material_id));
        END IF;
    END lock_material;

    -- MATERIAL_IN_CIRCULATION while a copy is on loan or kept for a hold, or holds are open on the title.
    PROCEDURE assert_not_circulating(p_material_id IN materials.material_id%TYPE) IS
        l_lent  NUMBER;
        l_kept  NUMBER;
        l_holds NUMBER;
    BEGIN
        SELECT COUNT(*)
          INTO l_lent
          FROM loans l
          JOIN copies c ON c.copy_id = l.copy_id
          JOIN loan_statuses ls ON ls.code = l.status
         WHERE c.material_id = p_material_id AND ls.is_open = 'Y';
        SELECT COUNT(*)
          INTO l_kept
          FROM copies c JOIN copy_statuses cs ON cs.code = c.status
         WHERE c.material_id = p_material_id AND cs.is_hold_trap = 'Y';
        SELECT COUNT(*)
          INTO l_holds
          FROM holds h JOIN hold_statuses hs ON hs.code = h.status
         WHERE h.material_id = p_material_id AND hs.is_active = 'Y';
        IF l_lent > 0 OR l_kept > 0 OR l_holds > 0 THEN
            lib_err.raise_error('MATERIAL_IN_CIRCULATION', TO_CHAR(l_lent) || ' on loan, ' || TO_CHAR(l_kept)
                                || ' kept for holds, ' || TO_CHAR(l_holds) || ' open holds');
        END IF;
    END assert_not_circulating;

    PROCEDURE set_hidden(p_material_id IN NUMBER, p_hidden IN VARCHAR2) IS
        l_material_id materials.material_id%TYPE := p_material_id;
    BEGIN
        lib_auth.require_permission('CATALOG_EDIT');
        IF p_hidden IS NULL OR p_hidden NOT IN ('Y', 'N') THEN
            lib_err.raise_error('INVALID_MATERIAL_DATA', 'hidden must be Y or N');
        END IF;
        lock_material(l_material_id);
        IF p_hidden = 'Y' THEN
            assert_not_circulating(l_material_id);
        END IF;
        UPDATE materials SET is_hidden = p_hidden WHERE material_id = l_material_id;
    END set_hidden;

    PROCEDURE delete_material(p_material_id IN NUMBER) IS
        l_material_id materials.material_id%TYPE := p_material_id;
        l_loans       NUMBER;
        l_holds       NUMBER;
    BEGIN
        lib_auth.require_permission('CATALOG_EDIT');
        lock_material(l_material_id);
        assert_not_circulating(l_material_id);
        SELECT COUNT(*)
          INTO l_loans
          FROM loans l JOIN copies c ON c.copy_id = l.copy_id
         WHERE c.material_id = l_material_id;
        SELECT COUNT(*) INTO l_holds FROM holds WHERE material_id = l_material_id;
        IF l_loans > 0 OR l_holds > 0 THEN
            lib_err.raise_error('MATERIAL_HAS_HISTORY', TO_CHAR(l_loans) || ' loans, ' || TO_CHAR(l_holds) || ' holds');
        END IF;
        DELETE FROM copies WHERE material_id = l_material_id;
        DELETE FROM material_authors WHERE material_id = l_material_id;
        DELETE FROM materials WHERE material_id = l_material_id;
    END delete_material;

    PROCEDURE set_cover(p_material_id IN NUMBER, p_cover_image IN VARCHAR2) IS
        l_material_id materials.material_id%TYPE := p_material_id;
        l_cover       materials.cover_image%TYPE;
    BEGIN
        lib_auth.require_permission('CATALOG_EDIT');
        IF LENGTH(p_cover_image) > 400 THEN
            lib_err.raise_error('INVALID_MATERIAL_DATA', 'cover image name longer than 400 characters');
        END IF;
        lock_material(l_material_id);
        l_cover := blank_null(p_cover_image); -- not inside the UPDATE: PLS-00231
        UPDATE materials SET cover_image = l_cover WHERE material_id = l_material_id;
    END set_cover;

    PROCEDURE withdraw_copy(p_copy_id IN NUMBER, p_reason IN VARCHAR2) IS
        l_copy_id copies.copy_id%TYPE := p_copy_id;
        l_status  copies.status%TYPE;
        l_note    copies.condition_note%TYPE;
    BEGIN
        lib_auth.require_permission('CATALOG_EDIT');
        FOR r_copy IN (SELECT status FROM copies WHERE copy_id = l_copy_id FOR UPDATE) LOOP
            l_status := r_copy.status;
        END LOOP;
        IF l_status IS NULL THEN
            lib_err.raise_error('COPY_NOT_FOUND', 'copy ' || TO_CHAR(p_copy_id));
        END IF;
        IF l_status = 'ON_LOAN' THEN
            lib_err.raise_error('COPY_ALREADY_ON_LOAN', 'copy ' || TO_CHAR(p_copy_id));
        END IF;
        lib_holds_core.leave_circulation(l_copy_id, 'WITHDRAWN'); -- its hold back to the queue, its transit cancelled
        l_note := SUBSTR(blank_null(p_reason), 1, 400); -- not inside the UPDATE: PLS-00231
        UPDATE copies
           SET status = 'WITHDRAWN',
               status_changed_at = lib_clock.now_utc(),
               condition_note = NVL(l_note, condition_note)
         WHERE copy_id = l_copy_id;
    END withdraw_copy;

    -- ---- genres -----------------------------------------------------------------------------------

    -- GENRE_NOT_FOUND unless the genre exists.
    PROCEDURE assert_genre(p_genre_id IN genres.genre_id%TYPE) IS
        l_count NUMBER;
    BEGIN
        SELECT COUNT(*) INTO l_count FROM genres WHERE genre_id = p_genre_id;
        IF l_count = 0 THEN
            lib_err.raise_error('GENRE_NOT_FOUND', 'genre ' || TO_CHAR(p_genre_id));
        END IF;
    END assert_genre;

    -- INVALID_GENRE_DATA / GENRE_NAME_TAKEN / GENRE_NOT_FOUND unless the genre can be stored
    -- (p_genre_id: the genre being changed, NULL for a new one).
    PROCEDURE check_genre(p_genre_id IN genres.genre_id%TYPE, p_name IN VARCHAR2,
                          p_parent_id IN genres.genre_id%TYPE) IS
        l_count  NUMBER;
        l_parent genres.genre_id%TYPE;
        l_steps  PLS_INTEGER := 0;
    BEGIN
        IF NVL(LENGTH(TRIM(p_name)), 0) = 0 OR LENGTH(TRIM(p_name)) > 100 THEN
            lib_err.raise_error('INVALID_GENRE_DATA', 'name required, at most 100 characters');
        END IF;
        SELECT COUNT(*)
          INTO l_count
          FROM genres
         WHERE UPPER(name) = UPPER(TRIM(p_name))
           AND (p_genre_id IS NULL OR genre_id <> p_genre_id);
        IF l_count > 0 THEN
            lib_err.raise_error('GENRE_NAME_TAKEN', SUBSTR(TRIM(p_name), 1, 100));
        END IF;
        IF p_parent_id IS NOT NULL THEN
            assert_genre(p_parent_id);
            -- walk up from the new parent: meeting the genre itself would make a cycle
            l_parent := p_parent_id;
            WHILE l_parent IS NOT NULL AND p_genre_id IS NOT NULL LOOP
                IF l_parent = p_genre_id OR l_steps > 1000 THEN
                    lib_err.raise_error('INVALID_GENRE_DATA', 'a genre cannot be placed under itself or a narrower genre');
                END IF;
                SELECT MAX(parent_genre_id) INTO l_parent FROM genres WHERE genre_id = l_parent;
                l_steps := l_steps + 1;
            END LOOP;
        END IF;
    END check_genre;

    PROCEDURE add_genre(p_name IN VARCHAR2, p_parent_genre_id IN NUMBER, p_genre_id OUT NUMBER) IS
        l_parent_id genres.genre_id%TYPE := p_parent_genre_id;
        l_genre_id  genres.genre_id%TYPE;
    BEGIN
        lib_auth.require_permission('CATALOG_EDIT');
        check_genre(NULL, p_name, l_parent_id);
        BEGIN
            INSERT INTO genres (name, parent_genre_id)
            VALUES (TRIM(p_name), l_parent_id)
            RETURNING genre_id INTO l_genre_id;
        EXCEPTION
            WHEN DUP_VAL_ON_INDEX THEN -- genres_name_uk, taken meanwhile
                lib_err.raise_error('GENRE_NAME_TAKEN', SUBSTR(TRIM(p_name), 1, 100));
        END;
        p_genre_id := l_genre_id;
    END add_genre;

    PROCEDURE update_genre(p_genre_id IN NUMBER, p_name IN VARCHAR2, p_parent_genre_id IN NUMBER) IS
        l_genre_id  genres.genre_id%TYPE := p_genre_id;
        l_parent_id genres.genre_id%TYPE := p_parent_genre_id;
        l_found     genres.genre_id%TYPE;
    BEGIN
        lib_auth.require_permission('CATALOG_EDIT');
        FOR r_genre IN (SELECT genre_id FROM genres WHERE genre_id = l_genre_id FOR UPDATE) LOOP
            l_found := r_genre.genre_id;
        END LOOP;
        IF l_found IS NULL THEN
            lib_err.raise_error('GENRE_NOT_FOUND', 'genre ' || TO_CHAR(p_genre_id));
        END IF;
        check_genre(l_genre_id, p_name, l_parent_id);
        BEGIN
            UPDATE genres
               SET name = TRIM(p_name),
                   parent_genre_id = l_parent_id
             WHERE genre_id = l_genre_id;
        EXCEPTION
            WHEN DUP_VAL_ON_INDEX THEN
                lib_err.raise_error('GENRE_NAME_TAKEN', SUBSTR(TRIM(p_name), 1, 100));
        END;
    END update_genre;

    PROCEDURE delete_genre(p_genre_id IN NUMBER) IS
        l_genre_id genres.genre_id%TYPE := p_genre_id;
        l_found    genres.genre_id%TYPE;
        l_titles   NUMBER;
        l_children NUMBER;
    BEGIN
        lib_auth.require_permission('CATALOG_EDIT');
        FOR r_genre IN (SELECT genre_id FROM genres WHERE genre_id = l_genre_id FOR UPDATE) LOOP
            l_found := r_genre.genre_id;
        END LOOP;
        IF l_found IS NULL THEN
            lib_err.raise_error('GENRE_NOT_FOUND', 'genre ' || TO_CHAR(p_genre_id));
        END IF;
        SELECT COUNT(*) INTO l_titles FROM materials WHERE genre_id = l_genre_id;
        SELECT COUNT(*) INTO l_children FROM genres WHERE parent_genre_id = l_genre_id;
        IF l_titles > 0 OR l_children > 0 THEN
            lib_err.raise_error('GENRE_IN_USE', TO_CHAR(l_titles) || ' titles, ' || TO_CHAR(l_children) || ' genres');
        END IF;
        DELETE FROM genres WHERE genre_id = l_genre_id;
    END delete_genre;

    -- ---- authors ----------------------------------------------------------------------------------

    -- INVALID_AUTHOR_DATA unless the author's data can be stored.
    PROCEDURE check_author(p_full_name IN VARCHAR2, p_sort_name IN VARCHAR2, p_birth_year IN NUMBER,
                           p_death_year IN NUMBER) IS
        l_this_year NUMBER;
    BEGIN
        IF NVL(LENGTH(TRIM(p_full_name)), 0) = 0 OR LENGTH(TRIM(p_full_name)) > 200
           OR LENGTH(TRIM(p_sort_name)) > 200 THEN
            lib_err.raise_error('INVALID_AUTHOR_DATA', 'name required, names at most 200 characters');
        END IF;
        l_this_year := TO_NUMBER(TO_CHAR(lib_clock.today(), 'YYYY'));
        IF p_birth_year < -9999 OR p_birth_year > l_this_year OR p_birth_year <> TRUNC(p_birth_year)
           OR p_death_year < -9999 OR p_death_year > l_this_year OR p_death_year <> TRUNC(p_death_year) THEN
            lib_err.raise_error('INVALID_AUTHOR_DATA', 'years must be whole numbers up to this year');
        END IF;
        IF p_death_year < p_birth_year THEN
            lib_err.raise_error('INVALID_AUTHOR_DATA', 'death year before birth year');
        END IF;
    END check_author;

    PROCEDURE add_author(p_full_name IN VARCHAR2, p_sort_name IN VARCHAR2, p_birth_year IN NUMBER,
                         p_death_year IN NUMBER, p_author_id OUT NUMBER) IS
        l_sort      authors.sort_name%TYPE;
        l_author_id authors.author_id%TYPE;
    BEGIN
        lib_auth.require_permission('CATALOG_EDIT');
        check_author(p_full_name, p_sort_name, p_birth_year, p_death_year);
        l_sort := NVL(blank_null(p_sort_name), sort_name_of(TRIM(p_full_name))); -- not in the INSERT: PLS-00231
        INSERT INTO authors (full_name, sort_name, birth_year, death_year)
        VALUES (TRIM(p_full_name), l_sort, p_birth_year, p_death_year)
        RETURNING author_id INTO l_author_id;
        p_author_id := l_author_id;
    END add_author;

    PROCEDURE update_author(p_author_id IN NUMBER, p_full_name IN VARCHAR2, p_sort_name IN VARCHAR2,
                            p_birth_year IN NUMBER, p_death_year IN NUMBER) IS
        l_author_id authors.author_id%TYPE := p_author_id;
        l_sort      authors.sort_name%TYPE;
    BEGIN
        lib_auth.require_permission('CATALOG_EDIT');
        check_author(p_full_name, p_sort_name, p_birth_year, p_death_year);
        l_sort := NVL(blank_null(p_sort_name), sort_name_of(TRIM(p_full_name)));
        UPDATE authors
           SET full_name = TRIM(p_full_name),
               sort_name = l_sort,
               birth_year = p_birth_year,
               death_year = p_death_year
         WHERE author_id = l_author_id;
        IF SQL%ROWCOUNT = 0 THEN
            lib_err.raise_error('AUTHOR_NOT_FOUND', 'author ' || TO_CHAR(p_author_id));
        END IF;
    END update_author;

    PROCEDURE delete_author(p_author_id IN NUMBER) IS
        l_author_id authors.author_id%TYPE := p_author_id;
        l_found     authors.author_id%TYPE;
        l_count     NUMBER;
    BEGIN
        lib_auth.require_permission('CATALOG_EDIT');
        FOR r_author IN (SELECT author_id FROM authors WHERE author_id = l_author_id FOR UPDATE) LOOP
            l_found := r_author.author_id;
        END LOOP;
        IF l_found IS NULL THEN
            lib_err.raise_error('AUTHOR_NOT_FOUND', 'author ' || TO_CHAR(p_author_id));
        END IF;
        SELECT COUNT(*) INTO l_count FROM material_authors WHERE author_id = l_author_id;
        IF l_count > 0 THEN
            lib_err.raise_error('AUTHOR_IN_USE', TO_CHAR(l_count) || ' titles');
        END IF;
        DELETE FROM authors WHERE author_id = l_author_id;
    END delete_author;

    -- ---- identifiers and subjects (issue 14) ------------------------------------------------------

    -- MATERIAL_NOT_FOUND unless the title exists.
    PROCEDURE assert_material(p_material_id IN materials.material_id%TYPE) IS
        l_count NUMBER;
    BEGIN
        SELECT COUNT(*) INTO l_count FROM materials WHERE material_id = p_material_id;
        IF l_count = 0 THEN
            lib_err.raise_error('MATERIAL_NOT_FOUND', 'material ' || TO_CHAR(p_material_id));
        END IF;
    END assert_material;

    -- The n-th item (from 1) of a list separated by p_sep, NULL past the end.
    FUNCTION item_of(p_list IN VARCHAR2, p_sep IN VARCHAR2, p_n IN PLS_INTEGER) RETURN VARCHAR2 IS
        l_start PLS_INTEGER := 1;
        l_end   PLS_INTEGER;
        l_seen  PLS_INTEGER := 1;
    BEGIN
        WHILE l_seen < p_n AND l_start > 0 LOOP
            l_start := INSTR(p_list, p_sep, l_start);
            IF l_start > 0 THEN
                l_start := l_start + 1;
            END IF;
            l_seen := l_seen + 1;
        END LOOP;
        IF l_start = 0 THEN
            RETURN NULL;
        END IF;
        l_end := INSTR(p_list, p_sep, l_start);
        IF l_end = 0 THEN
            RETURN blank_null(SUBSTR(p_list, l_start));
        END IF;
        RETURN blank_null(SUBSTR(p_list, l_start, l_end - l_start));
    END item_of;

    -- The number of items of a list separated by p_sep (0 for a blank list).
    FUNCTION item_count(p_list IN VARCHAR2, p_sep IN VARCHAR2) RETURN PLS_INTEGER IS
        l_count PLS_INTEGER := 1;
        l_pos   PLS_INTEGER := 1;
    BEGIN
        IF NVL(LENGTH(TRIM(p_list)), 0) = 0 THEN
            RETURN 0;
        END IF;
        LOOP
            l_pos := INSTR(p_list, p_sep, l_pos);
            EXIT WHEN l_pos = 0;
            l_count := l_count + 1;
            l_pos := l_pos + 1;
        END LOOP;
        RETURN l_count;
    END item_count;

    -- The other form of a valid ISBN for matching: ISBN-10 <-> ISBN-13 (978 prefix); NULL when none.
    FUNCTION isbn_other_form(p_isbn IN VARCHAR2) RETURN VARCHAR2 IS
        l_core VARCHAR2(20);
        l_sum  PLS_INTEGER := 0;
        l_check PLS_INTEGER;
    BEGIN
        IF LENGTH(p_isbn) = 10 THEN
            l_core := '978' || SUBSTR(p_isbn, 1, 9);
            FOR i IN 1 .. 12 LOOP
                IF MOD(i, 2) = 1 THEN
                    l_sum := l_sum + TO_NUMBER(SUBSTR(l_core, i, 1));
                ELSE
                    l_sum := l_sum + 3 * TO_NUMBER(SUBSTR(l_core, i, 1));
                END IF;
            END LOOP;
            RETURN l_core || TO_CHAR(MOD(10 - MOD(l_sum, 10), 10));
        ELSIF LENGTH(p_isbn) = 13 AND SUBSTR(p_isbn, 1, 3) = '978' THEN
            l_core := SUBSTR(p_isbn, 4, 9);
            FOR i IN 1 .. 9 LOOP
                l_sum := l_sum + (11 - i) * TO_NUMBER(SUBSTR(l_core, i, 1));
            END LOOP;
            l_check := MOD(11 - MOD(l_sum, 11), 11);
            IF l_check = 10 THEN
                RETURN l_core || 'X';
            END IF;
            RETURN l_core || TO_CHAR(l_check);
        END IF;
        RETURN NULL;
    END isbn_other_form;

    -- An ISSN as NNNN-NNNC when its check digit is right, else NULL.
    FUNCTION issn_of(p_issn IN VARCHAR2) RETURN VARCHAR2 IS
        l_issn  VARCHAR2(100);
        l_sum   PLS_INTEGER := 0;
        l_check VARCHAR2(1);
    BEGIN
        l_issn := UPPER(REPLACE(REPLACE(p_issn, '-', ''), ' ', ''));
        IF NVL(LENGTH(l_issn), 0) <> 8
           OR LENGTH(TRIM(TRANSLATE(SUBSTR(l_issn, 1, 7), '0123456789', '          '))) > 0 THEN
            RETURN NULL;
        END IF;
        FOR i IN 1 .. 7 LOOP
            l_sum := l_sum + (9 - i) * TO_NUMBER(SUBSTR(l_issn, i, 1));
        END LOOP;
        IF MOD(11 - MOD(l_sum, 11), 11) = 10 THEN
            l_check := 'X';
        ELSE
            l_check := TO_CHAR(MOD(11 - MOD(l_sum, 11), 11));
        END IF;
        IF SUBSTR(l_issn, 8, 1) <> l_check THEN
            RETURN NULL;
        END IF;
        RETURN SUBSTR(l_issn, 1, 4) || '-' || SUBSTR(l_issn, 5, 4);
    END issn_of;

    -- Store one identifier of a title unless it has it already; the key of the stored identifier
    -- (type, checked value and source), or INVALID_ISBN / INVALID_IDENTIFIER. p_known: NULL to look in the
    -- table for what the title has, else the CHR(30)-delimited keys of all it has (a title created in this
    -- call: what the call stored), which saves a query per identifier. p_checked 1: an ISBN the caller
    -- checked and normalised already.
    FUNCTION put_identifier(p_material_id IN materials.material_id%TYPE, p_id_type IN VARCHAR2,
                            p_id_value IN VARCHAR2, p_id_source IN VARCHAR2, p_qualifier IN VARCHAR2,
                            p_known IN VARCHAR2, p_checked IN PLS_INTEGER)
        RETURN VARCHAR2 IS
        l_type   VARCHAR2(4000);
        l_value  VARCHAR2(4000);
        l_source material_identifiers.id_source%TYPE;
        l_qual   material_identifiers.qualifier%TYPE;
        l_key    VARCHAR2(4000);
        l_count  NUMBER;
    BEGIN
        l_type := UPPER(blank_null(p_id_type));
        l_value := blank_null(p_id_value);
        IF l_value IS NULL OR LENGTH(l_value) > 60 THEN
            lib_err.raise_error('INVALID_IDENTIFIER', NVL(l_type, '?') || ': a value of 1 to 60 characters');
        END IF;
        IF l_type = 'ISBN' AND p_checked = 0 THEN
            l_value := checked_isbn(l_value);
        ELSIF l_type = 'ISBN' THEN
            NULL; -- the caller checked and normalised it
        ELSIF l_type = 'ISSN' THEN
            l_value := issn_of(p_id_value);
            IF l_value IS NULL THEN
                lib_err.raise_error('INVALID_IDENTIFIER', 'ISSN ' || SUBSTR(p_id_value, 1, 20));
            END IF;
        ELSIF l_type IS NULL OR l_type NOT IN ('LCCN', 'CONTROL') THEN
            lib_err.raise_error('INVALID_IDENTIFIER', 'unknown identifier type ' || SUBSTR(NVL(l_type, '?'), 1, 20));
        END IF;
        l_source := SUBSTR(blank_null(p_id_source), 1, 60);
        l_qual := SUBSTR(blank_null(p_qualifier), 1, 100);
        l_key := l_type || CHR(31) || l_value || CHR(31) || NVL(l_source, '-');
        IF p_known IS NULL OR INSTR(l_key, CHR(30)) > 0 THEN
            SELECT COUNT(*)
              INTO l_count
              FROM material_identifiers
             WHERE id_value = l_value AND id_type = l_type AND material_id = p_material_id
               AND COALESCE(id_source, '-') = COALESCE(l_source, '-');
        ELSIF INSTR(p_known, CHR(30) || l_key || CHR(30)) > 0 THEN
            l_count := 1;
        ELSE
            l_count := 0;
        END IF;
        IF l_count = 0 THEN
            INSERT INTO material_identifiers (material_id, id_type, id_value, id_source, qualifier)
            VALUES (p_material_id, l_type, l_value, l_source, l_qual);
        END IF;
        RETURN l_key;
    END put_identifier;

    -- Add every identifier of a list to a title; invalid ISBNs are skipped and named in the answer when
    -- p_lenient is 1, else refused; p_new 1: the title was created in this call (has no identifiers yet).
    -- The answer: the skipped ISBNs, NULL when none. An entry is TYPE:value[;qualifier] ((source)value for
    -- CONTROL), parsed once here (as import_title's loop does; a procedure with OUT parameters would not do:
    -- PostgreSQL cannot pass a VARCHAR2 local to them); a blank entry is skipped.
    FUNCTION add_identifiers(p_material_id IN materials.material_id%TYPE, p_identifiers IN VARCHAR2,
                             p_lenient IN PLS_INTEGER, p_new IN PLS_INTEGER) RETURN VARCHAR2 IS
        p_skipped VARCHAR2(1000);
        l_entry  VARCHAR2(4000);
        l_type   VARCHAR2(4000);
        l_value  VARCHAR2(4000);
        l_source VARCHAR2(4000);
        l_qual   VARCHAR2(4000);
        l_pos    PLS_INTEGER;
        l_known  VARCHAR2(32767);
        l_checked PLS_INTEGER;
    BEGIN
        p_skipped := NULL;
        IF p_new = 1 THEN
            l_known := CHR(30);
        END IF;
        FOR i IN 1 .. item_count(p_identifiers, '|') LOOP
            l_entry := item_of(p_identifiers, '|', i);
            IF l_entry IS NOT NULL THEN
                l_pos := INSTR(l_entry, ':');
                IF l_pos = 0 THEN
                    lib_err.raise_error('INVALID_IDENTIFIER', 'TYPE:value expected, not ' || SUBSTR(l_entry, 1, 40));
                END IF;
                l_type := UPPER(TRIM(SUBSTR(l_entry, 1, l_pos - 1)));
                l_value := SUBSTR(l_entry, l_pos + 1);
                l_qual := NULL;
                l_source := NULL;
                l_pos := INSTR(l_value, ';', -1);
                IF l_pos > 0 THEN
                    l_qual := blank_null(SUBSTR(l_value, l_pos + 1));
                    l_value := SUBSTR(l_value, 1, l_pos - 1);
                END IF;
                l_value := blank_null(l_value);
                IF l_type = 'CONTROL' AND SUBSTR(l_value, 1, 1) = '(' AND INSTR(l_value, ')') > 0 THEN
                    l_source := blank_null(SUBSTR(l_value, 2, INSTR(l_value, ')') - 2));
                    l_value := blank_null(SUBSTR(l_value, INSTR(l_value, ')') + 1));
                END IF;
                IF l_type = 'ISBN' AND p_lenient = 1 AND isbn_valid(l_value) = 0 THEN
                    IF p_skipped IS NULL THEN
                        p_skipped := SUBSTR(NVL(l_value, '?'), 1, 40);
                    ELSE
                        p_skipped := SUBSTR(p_skipped || ', ' || SUBSTR(NVL(l_value, '?'), 1, 40), 1, 1000);
                    END IF;
                ELSIF l_type IS NOT NULL THEN
                    l_checked := 0;
                    IF l_type = 'ISBN' AND p_lenient = 1 THEN -- checked just above
                        l_value := normalize_isbn(l_value);
                        l_checked := 1;
                    END IF;
                    IF l_known IS NULL THEN
                        IF put_identifier(p_material_id, l_type, l_value, l_source, l_qual, NULL,
                                          l_checked) IS NULL THEN
                            NULL; -- the stored key, unused here
                        END IF;
                    ELSE
                        l_known := l_known
                                   || put_identifier(p_material_id, l_type, l_value, l_source, l_qual, l_known, l_checked)
                                   || CHR(30);
                    END IF;
                END IF;
            END IF;
        END LOOP;
        RETURN p_skipped;
    END add_identifiers;

    PROCEDURE set_identifiers(p_material_id IN NUMBER, p_identifiers IN VARCHAR2) IS
        l_material_id materials.material_id%TYPE := p_material_id;
    BEGIN
        lib_auth.require_permission('CATALOG_EDIT');
        assert_material(l_material_id);
        DELETE FROM material_identifiers WHERE material_id = l_material_id;
        IF add_identifiers(l_material_id, p_identifiers, 0, 0) IS NOT NULL THEN
            NULL; -- not lenient: an invalid ISBN was refused
        END IF;
    END set_identifiers;

    PROCEDURE add_identifier(p_material_id IN NUMBER, p_id_type IN VARCHAR2, p_id_value IN VARCHAR2,
                             p_id_source IN VARCHAR2, p_qualifier IN VARCHAR2) IS
        l_material_id materials.material_id%TYPE := p_material_id;
        l_stored      VARCHAR2(4000);
    BEGIN
        lib_auth.require_permission('CATALOG_EDIT');
        assert_material(l_material_id);
        l_stored := put_identifier(l_material_id, p_id_type, p_id_value, p_id_source, p_qualifier, NULL, 0);
        IF l_stored IS NULL THEN -- put_identifier answers the stored key or raises
            lib_err.raise_error('INVALID_IDENTIFIER', SUBSTR(p_id_value, 1, 40));
        END IF;
    END add_identifier;

    -- Replace a title's subject headings and copy them into its search document; p_new 1: the title was
    -- created in this call (no headings to delete); p_stale 1: its document is marked stale already (bulk
    -- work after a write of the title's row: lib_search.title_changed), to be written at the batch's end.
    PROCEDURE replace_subjects(p_material_id IN materials.material_id%TYPE, p_subjects IN VARCHAR2,
                               p_new IN PLS_INTEGER, p_stale IN PLS_INTEGER) IS
        l_entry   VARCHAR2(4000);
        l_heading VARCHAR2(4000);
        l_thes    material_subjects.thesaurus%TYPE;
        l_pos     PLS_INTEGER;
        l_order   PLS_INTEGER := 0;
        l_items   PLS_INTEGER;
    BEGIN
        l_items := item_count(p_subjects, '|');
        IF l_items > 200 THEN
            lib_err.raise_error('INVALID_SUBJECT', 'at most 200 headings');
        END IF;
        IF p_new = 0 THEN
            DELETE FROM material_subjects WHERE material_id = p_material_id;
        END IF;
        FOR i IN 1 .. l_items LOOP
            l_entry := item_of(p_subjects, '|', i);
            l_thes := NULL;
            l_heading := l_entry;
            l_pos := INSTR(l_entry, ';', -1);
            IF l_pos > 0 THEN
                l_thes := SUBSTR(blank_null(SUBSTR(l_entry, l_pos + 1)), 1, 20);
                l_heading := blank_null(SUBSTR(l_entry, 1, l_pos - 1));
            END IF;
            IF LENGTH(l_heading) > 400 THEN
                lib_err.raise_error('INVALID_SUBJECT', 'a heading of at most 400 characters');
            END IF;
            IF l_heading IS NOT NULL THEN
                l_order := l_order + 1;
                INSERT INTO material_subjects (material_id, heading_order, heading, thesaurus)
                VALUES (p_material_id, l_order, l_heading, l_thes);
            END IF;
        END LOOP;
        IF p_stale = 0 THEN
            IF lib_search.subjects_changed(p_material_id) IS NULL THEN
                NULL;
            END IF;
        END IF;
    END replace_subjects;

    PROCEDURE set_subjects(p_material_id IN NUMBER, p_subjects IN VARCHAR2) IS
        l_material_id materials.material_id%TYPE := p_material_id;
    BEGIN
        lib_auth.require_permission('CATALOG_EDIT');
        assert_material(l_material_id);
        replace_subjects(l_material_id, p_subjects, 0, 0);
    END set_subjects;

    -- Add the holdings of an import record (CHR(30)-separated, fields CHR(31)-separated: barcode, branch
    -- code, shelf location, price) as copies; a barcode the title has already is skipped.
    PROCEDURE import_copies(p_material_id IN materials.material_id%TYPE, p_copies IN VARCHAR2,
                            p_added OUT NUMBER, p_kept OUT NUMBER) IS
        l_entry     VARCHAR2(4000);
        l_barcode   VARCHAR2(4000);
        l_code      VARCHAR2(4000);
        l_shelf     VARCHAR2(4000);
        l_price_txt VARCHAR2(4000);
        l_call      VARCHAR2(4000);
        l_call_key  copies.call_number_sort%TYPE;
        l_price     copies.price%TYPE;
        l_branch_id branches.branch_id%TYPE;
        l_owner     copies.material_id%TYPE;
        l_new       copies.barcode%TYPE;
        l_now       copies.acquired_on%TYPE;
    BEGIN
        p_added := 0;
        p_kept := 0;
        l_now := lib_clock.now_utc();
        FOR i IN 1 .. item_count(p_copies, CHR(30)) LOOP
            l_entry := item_of(p_copies, CHR(30), i);
            IF l_entry IS NOT NULL THEN
                l_barcode := UPPER(item_of(l_entry, CHR(31), 1));
                l_code := UPPER(item_of(l_entry, CHR(31), 2));
                l_shelf := item_of(l_entry, CHR(31), 3);
                l_price_txt := item_of(l_entry, CHR(31), 4);
                l_call := TRIM(item_of(l_entry, CHR(31), 5));
                IF LENGTH(l_call) > 60 THEN
                    lib_err.raise_error('INVALID_MATERIAL_DATA', 'call number longer than 60 characters');
                END IF;
                l_call_key := call_number_key(l_call);
                IF LENGTH(l_barcode) > 30 OR INSTR(l_barcode, ' ') > 0 THEN
                    lib_err.raise_error('INVALID_MATERIAL_DATA', 'barcode at most 30 characters without spaces');
                END IF;
                IF LENGTH(l_shelf) > 60 THEN
                    lib_err.raise_error('INVALID_MATERIAL_DATA', 'shelf location longer than 60 characters');
                END IF;
                l_price := NULL;
                IF l_price_txt IS NOT NULL THEN
                    IF LENGTH(l_price_txt) > 11 OR INSTR(l_price_txt, '.', 1, 2) > 0
                       OR LENGTH(TRIM(TRANSLATE(l_price_txt, '0123456789.', '           '))) > 0
                       OR l_price_txt = '.' THEN
                        lib_err.raise_error('INVALID_MATERIAL_DATA', 'price ' || SUBSTR(l_price_txt, 1, 20));
                    END IF;
                    l_price := ROUND(TO_NUMBER(l_price_txt), 2);
                END IF;
                SELECT MIN(branch_id) INTO l_branch_id FROM branches WHERE code = l_code AND is_active = 'Y';
                IF l_branch_id IS NULL THEN
                    lib_err.raise_error('BRANCH_NOT_FOUND', 'branch code ' || SUBSTR(NVL(l_code, '(none)'), 1, 20));
                END IF;
                l_owner := NULL;
                IF l_barcode IS NOT NULL THEN
                    SELECT MIN(material_id) INTO l_owner FROM copies WHERE barcode = l_barcode;
                END IF;
                IF l_owner = p_material_id THEN
                    p_kept := p_kept + 1;
                ELSIF l_owner IS NOT NULL THEN
                    lib_err.raise_error('BARCODE_TAKEN', l_barcode);
                ELSE
                    l_new := l_barcode;
                    IF l_new IS NULL THEN
                        l_new := new_barcode();
                    END IF;
                    INSERT INTO copies (material_id, branch_id, barcode, status, shelf_location, price, acquired_on,
                                        status_changed_at, call_number, call_number_sort)
                    VALUES (p_material_id, l_branch_id, l_new, 'AVAILABLE', l_shelf, l_price,
                            l_now, l_now, l_call, l_call_key);
                    p_added := p_added + 1;
                END IF;
            END IF;
        END LOOP;
    END import_copies;

    -- The title holding either of two valid normalised ISBNs (p_second NULL: one), in either form, in
    -- material_identifiers or materials.isbn; NULL when none (the lowest id when several).
    FUNCTION isbn_holder(p_first IN VARCHAR2, p_second IN VARCHAR2) RETURN NUMBER IS
        l_first_other  VARCHAR2(20);
        l_second_other VARCHAR2(20);
        l_material_id  materials.material_id%TYPE;
    BEGIN
        l_first_other := NVL(isbn_other_form(p_first), p_first);
        IF p_second IS NOT NULL THEN
            l_second_other := NVL(isbn_other_form(p_second), p_second);
        END IF;
        SELECT COALESCE((SELECT MIN(material_id)
                           FROM material_identifiers
                          WHERE id_value IN (p_first, l_first_other, p_second, l_second_other)
                            AND id_type = 'ISBN'),
                        (SELECT MIN(material_id)
                           FROM materials
                          WHERE isbn IN (p_first, l_first_other, p_second, l_second_other)))
          INTO l_material_id
          FROM dual;
        RETURN l_material_id;
    END isbn_holder;

    PROCEDURE import_title(p_title IN VARCHAR2, p_subtitle IN VARCHAR2, p_identifiers IN VARCHAR2,
                           p_material_type IN VARCHAR2, p_genre_name IN VARCHAR2, p_publisher IN VARCHAR2,
                           p_publication_year IN NUMBER, p_language IN VARCHAR2, p_description IN VARCHAR2,
                           p_edition IN VARCHAR2, p_extent IN VARCHAR2, p_authors IN VARCHAR2,
                           p_subjects IN VARCHAR2, p_copies IN VARCHAR2, p_material_id OUT NUMBER,
                           p_outcome OUT VARCHAR2, p_matched_by OUT VARCHAR2, p_copies_added OUT NUMBER,
                           p_note OUT VARCHAR2) IS
        l_material_id materials.material_id%TYPE;
        l_genre_id    materials.genre_id%TYPE;
        l_type        VARCHAR2(4000);
        l_lang        VARCHAR2(4000);
        l_isbn        materials.isbn%TYPE;
        l_subtitle    materials.subtitle%TYPE;
        l_publisher   materials.publisher%TYPE;
        l_description materials.description%TYPE;
        l_edition     materials.edition%TYPE;
        l_extent      materials.extent%TYPE;
        l_skipped     VARCHAR2(1000);
        l_kept        NUMBER;
        l_entry_type  VARCHAR2(4000);
        l_value       VARCHAR2(4000);
        l_entry       VARCHAR2(4000);
        l_new_type    VARCHAR2(4000); -- the record's type, NULL when it says none (an update keeps the title's)
        l_source      VARCHAR2(4000);
        l_pos         PLS_INTEGER;
        l_norm        VARCHAR2(4000);
        l_held        VARCHAR2(20); -- a valid ISBN not looked up yet
        l_first       materials.material_id%TYPE;
        l_by_isbn     materials.material_id%TYPE;
        l_by_control  materials.material_id%TYPE;
        l_control     VARCHAR2(100);
        l_new         PLS_INTEGER := 0;
        l_stale       PLS_INTEGER;
    BEGIN
        IF lib_search.bulk_work() = 0 THEN -- in a batch import_batch_begin checked it, for the same actor
            lib_auth.require_permission('CATALOG_IMPORT');
        END IF;
        l_new_type := UPPER(blank_null(p_material_type));
        l_type := type_of(p_material_type);
        l_lang := language_of(p_language);
        IF LENGTH(p_edition) > 200 OR LENGTH(p_extent) > 200 THEN
            lib_err.raise_error('INVALID_MATERIAL_DATA', 'edition or extent longer than 200 characters');
        END IF;
        IF blank_null(p_genre_name) IS NOT NULL THEN
            SELECT MIN(genre_id) INTO l_genre_id FROM genres WHERE UPPER(name) = UPPER(TRIM(p_genre_name));
        END IF;
        check_material_data(p_title, p_subtitle, l_type, l_genre_id, p_publisher, p_publication_year, l_lang,
                 p_description, 25);
        -- One pass over the identifiers, each entry parsed once (as add_identifiers does): the first valid
        -- ISBN of the record is the title's own (materials.isbn); the record matches the title of its first
        -- ISBN (either form) held by one, else that of its first control number (same issuing
        -- organisation) held by one; p_matched_by says which.
        p_matched_by := NULL;
        FOR i IN 1 .. item_count(p_identifiers, '|') LOOP
            l_entry := item_of(p_identifiers, '|', i);
            IF l_entry IS NOT NULL THEN
                l_pos := INSTR(l_entry, ':');
                IF l_pos = 0 THEN
                    lib_err.raise_error('INVALID_IDENTIFIER', 'TYPE:value expected, not ' || SUBSTR(l_entry, 1, 40));
                END IF;
                l_entry_type := UPPER(TRIM(SUBSTR(l_entry, 1, l_pos - 1)));
                l_value := SUBSTR(l_entry, l_pos + 1);
                l_source := NULL;
                l_pos := INSTR(l_value, ';', -1);
                IF l_pos > 0 THEN
                    l_value := SUBSTR(l_value, 1, l_pos - 1);
                END IF;
                l_value := blank_null(l_value);
                IF l_entry_type = 'CONTROL' AND SUBSTR(l_value, 1, 1) = '(' AND INSTR(l_value, ')') > 0 THEN
                    l_source := blank_null(SUBSTR(l_value, 2, INSTR(l_value, ')') - 2));
                    l_value := blank_null(SUBSTR(l_value, INSTR(l_value, ')') + 1));
                END IF;
                IF l_entry_type = 'ISBN' AND isbn_valid(l_value) = 1 THEN
                    l_norm := normalize_isbn(l_value);
                    IF l_isbn IS NULL THEN
                        l_isbn := l_norm;
                    END IF;
                    -- ISBNs looked up two at a time (a record has one or two): one query when neither is held
                    IF l_by_isbn IS NULL AND l_held IS NULL THEN
                        l_held := l_norm;
                    ELSIF l_by_isbn IS NULL THEN
                        l_by_isbn := isbn_holder(l_held, l_norm);
                        IF l_by_isbn IS NOT NULL THEN
                            l_first := isbn_holder(l_held, NULL);
                            IF l_first IS NOT NULL THEN
                                l_by_isbn := l_first;
                                p_matched_by := 'ISBN ' || l_held;
                            ELSE
                                p_matched_by := 'ISBN ' || l_norm;
                            END IF;
                        END IF;
                        l_held := NULL;
                    END IF;
                ELSIF l_entry_type = 'CONTROL' AND l_value IS NOT NULL AND l_by_isbn IS NULL
                      AND l_by_control IS NULL THEN
                    SELECT MIN(material_id) INTO l_by_control
                      FROM material_identifiers
                     WHERE id_value = l_value AND id_type = 'CONTROL'
                       AND COALESCE(id_source, '-') = COALESCE(l_source, '-');
                    IF l_by_control IS NOT NULL AND l_source IS NULL THEN
                        l_control := SUBSTR('CONTROL ' || l_value, 1, 100);
                    ELSIF l_by_control IS NOT NULL THEN
                        l_control := SUBSTR('CONTROL (' || l_source || ')' || l_value, 1, 100);
                    END IF;
                END IF;
            END IF;
        END LOOP;
        IF l_held IS NOT NULL THEN -- the last ISBN, looked up alone
            l_by_isbn := isbn_holder(l_held, NULL);
            IF l_by_isbn IS NOT NULL THEN
                p_matched_by := 'ISBN ' || l_held;
            END IF;
        END IF;
        l_material_id := NVL(l_by_isbn, l_by_control);
        IF l_by_isbn IS NULL THEN
            p_matched_by := l_control;
        END IF;
        l_subtitle := blank_null(p_subtitle); -- not inside the SQL: PLS-00231
        l_publisher := blank_null(p_publisher);
        l_description := blank_null(p_description);
        l_edition := blank_null(p_edition);
        l_extent := blank_null(p_extent);
        IF l_material_id IS NULL THEN
            INSERT INTO materials (title, subtitle, isbn, material_type, genre_id, publisher, publication_year,
                                   language_code, description, replacement_cost, created_at, edition, extent)
            VALUES (TRIM(p_title), l_subtitle, l_isbn, l_type, l_genre_id, l_publisher, p_publication_year, l_lang,
                    l_description, 25, lib_clock.now_utc(), l_edition, l_extent)
            RETURNING material_id INTO l_material_id;
            p_outcome := 'CREATED';
            l_new := 1;
        ELSE
            -- the record's data replaces the title's; what the record lacks is kept
            UPDATE materials
               SET title = TRIM(p_title),
                   subtitle = NVL(l_subtitle, subtitle),
                   isbn = NVL(isbn, l_isbn),
                   material_type = NVL(l_new_type, material_type),
                   genre_id = NVL(l_genre_id, genre_id),
                   publisher = NVL(l_publisher, publisher),
                   publication_year = NVL(p_publication_year, publication_year),
                   language_code = l_lang,
                   description = NVL(l_description, description),
                   edition = NVL(l_edition, edition),
                   extent = NVL(l_extent, extent)
             WHERE material_id = l_material_id;
            p_outcome := 'MATCHED';
        END IF;
        l_skipped := add_identifiers(l_material_id, p_identifiers, 1, l_new);
        IF LENGTH(TRIM(p_authors)) > 0 THEN
            IF lib_search.credits_later() = 1 THEN
                check_authors(p_authors); -- credited by import_credits, later in the batch
            ELSE
                set_authors(l_material_id, p_authors, l_new);
            END IF;
        END IF;
        IF LENGTH(TRIM(p_subjects)) > 0 THEN
            -- in bulk work the write of the title's row above marked its document stale
            l_stale := lib_search.bulk_work();
            replace_subjects(l_material_id, p_subjects, l_new, l_stale);
        END IF;
        import_copies(l_material_id, p_copies, p_copies_added, l_kept);
        p_note := NULL;
        IF l_skipped IS NOT NULL THEN
            p_note := SUBSTR('invalid ISBN left out: ' || l_skipped, 1, 1000);
        END IF;
        IF l_kept > 0 AND p_note IS NULL THEN
            p_note := TO_CHAR(l_kept) || ' copies already there';
        ELSIF l_kept > 0 THEN
            p_note := SUBSTR(p_note || '; ' || TO_CHAR(l_kept) || ' copies already there', 1, 1000);
        END IF;
        p_material_id := l_material_id;
    END import_title;

    PROCEDURE import_batch_begin(p_credits_later IN VARCHAR2) IS
    BEGIN
        lib_auth.require_permission('CATALOG_IMPORT');
        IF NVL(p_credits_later, 'N') NOT IN ('Y', 'N') THEN
            lib_err.raise_error('INVALID_ARGUMENT', 'credits later: Y or N');
        END IF;
        IF p_credits_later = 'Y' THEN
            lib_search.begin_bulk_work(1);
        ELSE
            lib_search.begin_bulk_work(0);
        END IF;
    END import_batch_begin;

    PROCEDURE import_credits(p_credits IN VARCHAR2) IS
        l_rest        VARCHAR2(32767);
        l_entry       VARCHAR2(32767);
        l_end         PLS_INTEGER;
        l_first       PLS_INTEGER;
        l_second      PLS_INTEGER;
        l_id_text     VARCHAR2(4000);
        l_material_id materials.material_id%TYPE;
        l_new         PLS_INTEGER;
    BEGIN
        IF lib_search.bulk_work() = 0 THEN -- in a batch import_batch_begin checked it, for the same actor
            lib_auth.require_permission('CATALOG_IMPORT');
        END IF;
        -- each entry cut off the head of the rest (see lib_imports.record_results)
        l_rest := p_credits;
        LOOP
            l_end := INSTR(l_rest, CHR(30));
            IF l_end = 0 THEN
                l_entry := l_rest;
            ELSE
                l_entry := SUBSTR(l_rest, 1, l_end - 1);
                l_rest := SUBSTR(l_rest, l_end + 1);
            END IF;
            IF LENGTH(l_entry) > 0 THEN
                l_first := INSTR(l_entry, CHR(31));
                l_second := INSTR(l_entry, CHR(31), l_first + 1);
                IF l_first = 0 OR l_second = 0 THEN
                    lib_err.raise_error('INVALID_ARGUMENT', 'credits: title, Y or N and the authors');
                END IF;
                l_id_text := SUBSTR(l_entry, 1, l_first - 1);
                IF NVL(LENGTH(l_id_text), 0) = 0 OR LENGTH(l_id_text) > 18
                   OR LENGTH(TRIM(TRANSLATE(l_id_text, '0123456789', '          '))) > 0 THEN
                    lib_err.raise_error('INVALID_ARGUMENT', 'credits: a title id, not ' || SUBSTR(l_id_text, 1, 20));
                END IF;
                l_material_id := TO_NUMBER(l_id_text);
                assert_material(l_material_id);
                l_new := 0;
                IF SUBSTR(l_entry, l_first + 1, l_second - l_first - 1) = 'Y' THEN
                    l_new := 1;
                END IF;
                IF LENGTH(TRIM(SUBSTR(l_entry, l_second + 1))) > 0 THEN
                    set_authors(l_material_id, SUBSTR(l_entry, l_second + 1), l_new);
                END IF;
            END IF;
            EXIT WHEN l_end = 0;
        END LOOP;
    END import_credits;

    PROCEDURE import_batch_end(p_refreshed OUT NUMBER) IS
    BEGIN
        lib_auth.require_permission('CATALOG_IMPORT');
        p_refreshed := lib_search.end_bulk_work();
    END import_batch_end;

END lib_catalog;
/
