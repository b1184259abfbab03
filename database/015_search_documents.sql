-- 015_search_documents.sql: the catalog's search documents, one per title (a table beside the 19 core
-- tables). The text a search matches lives here, apart from the records it comes from, so the full-text
-- index of each engine covers one row per title: title, subtitle, the authors' names, the ISBN and the
-- subjects. The triggers of plsql/triggers.sql keep it current through lib_search; a bulk load rebuilds it
-- (lib_search.rebuild_documents). The full-text index is engine-specific: PostgreSQL adds a tsvector column and its
-- GIN index (database/postgres/search_indexes.sql), Oracle an Oracle Text CONTEXT index synchronised on
-- commit (016_search_index_oracle.sql).

CREATE TABLE search_documents (
    material_id     NUMBER(18) NOT NULL,
    title           VARCHAR2(500 CHAR) NOT NULL,
    subtitle        VARCHAR2(500 CHAR),
    authors         VARCHAR2(4000 CHAR),
    isbn            VARCHAR2(13 CHAR),
    subjects        VARCHAR2(4000 CHAR),
    authors_stale   CHAR(1 CHAR),
    CONSTRAINT search_documents_pk PRIMARY KEY (material_id),
    CONSTRAINT search_documents_material_fk FOREIGN KEY (material_id) REFERENCES materials (material_id),
    CONSTRAINT search_documents_stale_ck CHECK ((authors_stale IS NULL OR authors_stale = 'Y'))
);

-- the documents whose authors a statement changed, found by the refresh at its end
CREATE INDEX search_documents_stale_i ON search_documents (authors_stale);

COMMENT ON TABLE search_documents IS 'Search document of each title, derived from materials, material_authors and authors by the triggers (lib_search), indexed for full text on each engine';
COMMENT ON COLUMN search_documents.material_id IS 'The title (FK to materials, removed before it by a trigger)';
COMMENT ON COLUMN search_documents.title IS 'materials.title, ranked highest';
COMMENT ON COLUMN search_documents.subtitle IS 'materials.subtitle';
COMMENT ON COLUMN search_documents.authors IS 'Names of the credited authors in credit order, separated by semicolons and a space';
COMMENT ON COLUMN search_documents.isbn IS 'materials.isbn (normalised)';
COMMENT ON COLUMN search_documents.subjects IS 'Subject headings, separated by semicolons: NULL until the catalog records subjects (lib_search.rebuild_documents and refresh_stale fill it then)';
COMMENT ON COLUMN search_documents.authors_stale IS 'Y = a statement changed the credits or the name of an author and the end of the statement refreshes the authors, NULL = current';
