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
        IF p_publication_year IS NOT NULL
           AND (p_publication_year < 1 OR p_publication_year > TO_NUMBER(TO_CHAR(lib_clock.today(), 'YYYY')) + 1
                OR p_publication_year <> TRUNC(p_publication_year)) THEN
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

    -- Replace the authors of a title with the '|'-separated names, in order.
    PROCEDURE set_authors(p_material_id IN materials.material_id%TYPE, p_authors IN VARCHAR2) IS
        l_list      VARCHAR2(4000);
        l_pos       PLS_INTEGER := 1;
        l_next      PLS_INTEGER;
        l_name      authors.full_name%TYPE;
        l_author_id authors.author_id%TYPE;
        l_order     PLS_INTEGER := 0;
        l_count     NUMBER;
    BEGIN
        DELETE FROM material_authors WHERE material_id = p_material_id;
        l_list := p_authors || '|';
        WHILE l_pos <= LENGTH(l_list) LOOP
            l_next := INSTR(l_list, '|', l_pos);
            IF LENGTH(TRIM(SUBSTR(l_list, l_pos, l_next - l_pos))) > 200 THEN
                lib_err.raise_error('INVALID_MATERIAL_DATA', 'author name longer than 200 characters');
            END IF;
            l_name := TRIM(SUBSTR(l_list, l_pos, l_next - l_pos));
            IF LENGTH(l_name) > 0 THEN
                l_author_id := author_id_of(l_name);
                SELECT COUNT(*)
                  INTO l_count
                  FROM material_authors
                 WHERE material_id = p_material_id AND author_id = l_author_id;
                IF l_count = 0 THEN
                    l_order := l_order + 1;
                    INSERT INTO material_authors (material_id, author_id, author_order, author_role)
                    VALUES (p_material_id, l_author_id, l_order, 'AUTHOR');
                END IF;
            END IF;
            l_pos := l_next + 1;
        END LOOP;
    END set_authors;

    PROCEDURE add_material(p_title IN VARCHAR2, p_subtitle IN VARCHAR2, p_isbn IN VARCHAR2,
                           p_material_type IN VARCHAR2, p_genre_id IN NUMBER, p_publisher IN VARCHAR2,
                           p_publication_year IN NUMBER, p_language IN VARCHAR2, p_description IN VARCHAR2,
                           p_replacement_cost IN NUMBER, p_authors IN VARCHAR2, p_material_id OUT NUMBER) IS
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
            set_authors(l_material_id, p_authors);
        END IF;
        p_material_id := l_material_id;
    END add_material;

    PROCEDURE update_material(p_material_id IN NUMBER, p_title IN VARCHAR2, p_subtitle IN VARCHAR2,
                              p_isbn IN VARCHAR2, p_material_type IN VARCHAR2, p_genre_id IN NUMBER,
                              p_publisher IN VARCHAR2, p_publication_year IN NUMBER, p_language IN VARCHAR2,
                              p_description IN VARCHAR2, p_replacement_cost IN NUMBER, p_authors IN VARCHAR2) IS
        l_material_id materials.material_id%TYPE := p_material_id;
        l_genre_id    materials.genre_id%TYPE := p_genre_id;
        l_found       materials.material_id%TYPE;
        l_isbn  materials.isbn%TYPE;
        l_type  VARCHAR2(4000); -- unchecked input: wider than the columns until checked
        l_lang  VARCHAR2(4000);
        l_cost  materials.replacement_cost%TYPE;
        l_subtitle    materials.subtitle%TYPE;
        l_publisher   materials.publisher%TYPE;
        l_description materials.description%TYPE;
    BEGIN
        lib_auth.require_permission('CATALOG_EDIT');
        FOR r_material IN (SELECT material_id FROM materials WHERE material_id = l_material_id FOR UPDATE) LOOP
            l_found := r_material.material_id;
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
            set_authors(l_material_id, p_authors);
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
                       p_shelf_location IN VARCHAR2, p_price IN NUMBER, p_copy_id OUT NUMBER) IS
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
        lib_holds_core.release_copy(l_copy_id);
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

END lib_catalog;
/
