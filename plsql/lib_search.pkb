CREATE OR REPLACE PACKAGE BODY lib_search AS

    -- Bulk work (begin_bulk_work): 'Y', 'C' when its authors are credited later, else NULL; and the
    -- highest title id when it began (the titles after it without a document are the batch's new ones)
    g_bulk_work  VARCHAR2(1);
    g_bulk_after NUMBER;

    -- The authors of a document: names in credit order joined by '; ', not cut to the column's 4000
    -- bytes (LISTAGG's ON OVERFLOW does not translate): a title credits a handful of people.

    -- Keys are copied into locals anchored to the key column before any SQL: on PostgreSQL a NUMBER
    -- (numeric) compared with the bigint key defeats its index (a scan of every document per call).

    FUNCTION title_changed(p_material_id IN NUMBER, p_title IN VARCHAR2, p_subtitle IN VARCHAR2,
                           p_isbn IN VARCHAR2) RETURN NUMBER IS
        l_material_id search_documents.material_id%TYPE := p_material_id;
        l_stale       search_documents.authors_stale%TYPE;
    BEGIN
        IF bulk_work() = 1 THEN
            l_stale := 'Y'; -- brought up to date once, at the batch's end
        END IF;
        UPDATE search_documents
           SET title = p_title, subtitle = p_subtitle, isbn = p_isbn, authors_stale = NVL(l_stale, authors_stale)
         WHERE material_id = l_material_id;
        IF SQL%ROWCOUNT = 0 THEN
            -- a new title: no credits yet (they are inserted after it, and mark it stale then)
            INSERT INTO search_documents (material_id, title, subtitle, isbn, authors_stale)
            VALUES (l_material_id, p_title, p_subtitle, p_isbn, l_stale);
        END IF;
        RETURN 1;
    END title_changed;

    FUNCTION title_added(p_material_id IN NUMBER, p_title IN VARCHAR2, p_subtitle IN VARCHAR2,
                         p_isbn IN VARCHAR2) RETURN NUMBER IS
        l_material_id search_documents.material_id%TYPE := p_material_id;
        l_stale       search_documents.authors_stale%TYPE;
    BEGIN
        IF bulk_work() = 1 THEN
            RETURN 0; -- written whole, with its credits and headings, at the batch's end (end_bulk_work)
        END IF;
        -- no credits yet (they are inserted after the title, and mark it stale then)
        INSERT INTO search_documents (material_id, title, subtitle, isbn, authors_stale)
        VALUES (l_material_id, p_title, p_subtitle, p_isbn, l_stale);
        RETURN 1;
    END title_added;

    FUNCTION title_removed(p_material_id IN NUMBER) RETURN NUMBER IS
        l_material_id search_documents.material_id%TYPE := p_material_id;
    BEGIN
        DELETE FROM search_documents WHERE material_id = l_material_id;
        RETURN 1;
    END title_removed;

    FUNCTION credits_changed(p_material_id IN NUMBER) RETURN NUMBER IS
        l_material_id search_documents.material_id%TYPE := p_material_id;
    BEGIN
        UPDATE search_documents SET authors_stale = 'Y'
         WHERE material_id = l_material_id AND authors_stale IS NULL;
        RETURN 1;
    END credits_changed;

    FUNCTION subjects_changed(p_material_id IN NUMBER) RETURN NUMBER IS
        l_material_id search_documents.material_id%TYPE := p_material_id;
    BEGIN
        IF bulk_work() = 1 THEN
            RETURN credits_changed(l_material_id); -- stale: refreshed at the batch's end
        END IF;
        -- title written again too: see refresh_stale (Oracle Text sees changes of its indexed column only)
        UPDATE search_documents d
           SET subjects = (SELECT LISTAGG(s.heading, '; ') WITHIN GROUP (ORDER BY s.heading_order)
                             FROM material_subjects s
                            WHERE s.material_id = l_material_id),
               title = (SELECT m.title FROM materials m WHERE m.material_id = l_material_id)
         WHERE d.material_id = l_material_id;
        RETURN 1;
    END subjects_changed;

    FUNCTION author_renamed(p_author_id IN NUMBER) RETURN NUMBER IS
        l_author_id material_authors.author_id%TYPE := p_author_id;
    BEGIN
        UPDATE search_documents SET authors_stale = 'Y'
         WHERE authors_stale IS NULL
           AND material_id IN (SELECT ma.material_id FROM material_authors ma WHERE ma.author_id = l_author_id);
        RETURN 1;
    END author_renamed;

    FUNCTION refresh_stale RETURN NUMBER IS
        l_count NUMBER;
    BEGIN
        IF bulk_work() = 1 THEN
            RETURN 0; -- bulk work refreshes once, at its end (lib_catalog.import_batch_end)
        END IF;
        -- title is written again too: Oracle Text's index (on title, multi-column) sees only changes of
        -- its own column, so every refresh of a document touches it
        UPDATE search_documents d
           SET authors_stale = NULL,
               authors = (SELECT LISTAGG(a.full_name, '; ') WITHIN GROUP (ORDER BY ma.author_order, a.full_name)
                            FROM material_authors ma
                            JOIN authors a ON a.author_id = ma.author_id
                           WHERE ma.material_id = d.material_id),
               subjects = (SELECT LISTAGG(s.heading, '; ') WITHIN GROUP (ORDER BY s.heading_order)
                             FROM material_subjects s
                            WHERE s.material_id = d.material_id),
               title = (SELECT m.title FROM materials m WHERE m.material_id = d.material_id)
         WHERE d.authors_stale = 'Y';
        l_count := SQL%ROWCOUNT;
        RETURN l_count;
    END refresh_stale;

    FUNCTION bulk_work RETURN NUMBER IS
    BEGIN
        IF NVL(LENGTH(g_bulk_work), 0) = 0 THEN -- not IS NULL: ora2pg compares a package variable with ''
            RETURN 0;
        END IF;
        RETURN 1;
    END bulk_work;

    FUNCTION credits_later RETURN NUMBER IS
        l_mode VARCHAR2(1);
    BEGIN
        l_mode := g_bulk_work; -- read once: on PostgreSQL each read of a package variable is a function call
        IF NVL(LENGTH(l_mode), 0) > 0 AND l_mode = 'C' THEN
            RETURN 1;
        END IF;
        RETURN 0;
    END credits_later;

    PROCEDURE begin_bulk_work(p_credits_later IN NUMBER) IS
        l_after materials.material_id%TYPE;
    BEGIN
        SELECT NVL(MAX(material_id), 0) INTO l_after FROM materials;
        g_bulk_after := l_after;
        IF p_credits_later = 1 THEN
            g_bulk_work := 'C';
        ELSE
            g_bulk_work := 'Y';
        END IF;
    END begin_bulk_work;

    PROCEDURE abandon_bulk_work IS
    BEGIN
        IF bulk_work() = 1 THEN -- written only when set: on PostgreSQL a write of package state is a row
            g_bulk_work := NULL;
        END IF;
    END abandon_bulk_work;

    FUNCTION end_bulk_work RETURN NUMBER IS
        l_after   materials.material_id%TYPE;
        l_written NUMBER;
    BEGIN
        IF bulk_work() = 0 THEN
            RETURN 0;
        END IF;
        l_after := g_bulk_after;
        g_bulk_work := NULL;
        -- the titles the batch created: after the highest id when it began, without a document (those of
        -- other sessions got theirs from the trigger, or from their own batch's end, before they committed)
        INSERT INTO search_documents (material_id, title, subtitle, isbn, authors, subjects)
        SELECT m.material_id, m.title, m.subtitle, m.isbn,
               (SELECT LISTAGG(a.full_name, '; ') WITHIN GROUP (ORDER BY ma.author_order, a.full_name)
                  FROM material_authors ma
                  JOIN authors a ON a.author_id = ma.author_id
                 WHERE ma.material_id = m.material_id),
               (SELECT LISTAGG(s.heading, '; ') WITHIN GROUP (ORDER BY s.heading_order)
                  FROM material_subjects s
                 WHERE s.material_id = m.material_id)
          FROM materials m
         WHERE m.material_id > l_after
           AND NOT EXISTS (SELECT 1 FROM search_documents d WHERE d.material_id = m.material_id);
        l_written := SQL%ROWCOUNT;
        RETURN l_written + refresh_stale();
    END end_bulk_work;

    PROCEDURE rebuild_documents IS
    BEGIN
        DELETE FROM search_documents;
        -- one pass over the credits grouped by title (hash joins), not a lookup per title
        INSERT INTO search_documents (material_id, title, subtitle, isbn, authors, subjects)
        SELECT m.material_id, m.title, m.subtitle, m.isbn, c.names, h.headings
          FROM materials m
          LEFT JOIN (SELECT ma.material_id,
                            LISTAGG(a.full_name, '; ') WITHIN GROUP (ORDER BY ma.author_order, a.full_name) AS names
                       FROM material_authors ma
                       JOIN authors a ON a.author_id = ma.author_id
                      GROUP BY ma.material_id) c ON c.material_id = m.material_id
          LEFT JOIN (SELECT s.material_id,
                            LISTAGG(s.heading, '; ') WITHIN GROUP (ORDER BY s.heading_order) AS headings
                       FROM material_subjects s
                      GROUP BY s.material_id) h ON h.material_id = m.material_id;
    END rebuild_documents;

END lib_search;
/
