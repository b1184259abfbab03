-- 016_search_index_oracle.sql: Oracle only (the PostgreSQL build skips *_oracle.sql; its full-text index
-- is database/postgres/search_indexes.sql). The Oracle Text CONTEXT index of the catalog's search documents
-- (015_search_documents.sql), synchronised on commit: a title saved is found by the next search.
-- - one index over the five text columns (MULTI_COLUMN_DATASTORE, on column title: every document
--   change writes title, lib_search), each column a field section, so a query weighs a title match
--   above the others (api/reads/catalog.py: (words WITHIN title)*2 ACCUM words);
-- - accents folded (BASE_LETTER: "bronte" finds "Brontë"), case folded, no stemming, the default
--   (English) stoplist, as PostgreSQL's ils_search configuration.
-- Creating preferences needs EXECUTE on CTXSYS.CTX_DDL (role CTXAPP): create_users.sql grants it, the
-- pre-flight checks it. Idempotent: created only when missing, so an upgrade runs it again harmlessly
-- (it runs on install and, after the migrations, on every upgrade).
DECLARE
    l_count NUMBER;
BEGIN
    SELECT COUNT(*) INTO l_count FROM ctx_user_preferences WHERE pre_name = 'ILS_SEARCH_DATASTORE';
    IF l_count = 0 THEN
        CTX_DDL.CREATE_PREFERENCE('ILS_SEARCH_DATASTORE', 'MULTI_COLUMN_DATASTORE');
        CTX_DDL.SET_ATTRIBUTE('ILS_SEARCH_DATASTORE', 'COLUMNS', 'title, subtitle, authors, isbn, subjects');
    END IF;
    SELECT COUNT(*) INTO l_count FROM ctx_user_preferences WHERE pre_name = 'ILS_SEARCH_LEXER';
    IF l_count = 0 THEN
        CTX_DDL.CREATE_PREFERENCE('ILS_SEARCH_LEXER', 'BASIC_LEXER');
        CTX_DDL.SET_ATTRIBUTE('ILS_SEARCH_LEXER', 'BASE_LETTER', 'YES');
        CTX_DDL.SET_ATTRIBUTE('ILS_SEARCH_LEXER', 'MIXED_CASE', 'NO');
    END IF;
    SELECT COUNT(*) INTO l_count FROM ctx_user_section_groups WHERE sgp_name = 'ILS_SEARCH_SECTIONS';
    IF l_count = 0 THEN
        CTX_DDL.CREATE_SECTION_GROUP('ILS_SEARCH_SECTIONS', 'BASIC_SECTION_GROUP');
        CTX_DDL.ADD_FIELD_SECTION('ILS_SEARCH_SECTIONS', 'title', 'title', TRUE);
        CTX_DDL.ADD_FIELD_SECTION('ILS_SEARCH_SECTIONS', 'subtitle', 'subtitle', TRUE);
        CTX_DDL.ADD_FIELD_SECTION('ILS_SEARCH_SECTIONS', 'authors', 'authors', TRUE);
        CTX_DDL.ADD_FIELD_SECTION('ILS_SEARCH_SECTIONS', 'isbn', 'isbn', TRUE);
        CTX_DDL.ADD_FIELD_SECTION('ILS_SEARCH_SECTIONS', 'subjects', 'subjects', TRUE);
    END IF;
    SELECT COUNT(*) INTO l_count FROM user_indexes WHERE index_name = 'SEARCH_DOCUMENTS_TEXT_I';
    IF l_count = 0 THEN
        EXECUTE IMMEDIATE 'CREATE INDEX search_documents_text_i ON search_documents (title) '
            || 'INDEXTYPE IS CTXSYS.CONTEXT PARAMETERS (''DATASTORE ils_search_datastore '
            || 'LEXER ils_search_lexer SECTION GROUP ils_search_sections '
            || 'STOPLIST CTXSYS.DEFAULT_STOPLIST SYNC (ON COMMIT)'')';
    END IF;
END;
/
