-- 011_search: catalog search as search engines do it (issue 12): one search document per title, indexed
-- for full text, ranked. 1. search_documents (database/015_search_documents.sql): title, subtitle,
-- authors, ISBN and (later) subjects of each title, kept by the triggers through lib_search, filled here
-- from the existing titles. Its tsvector column and GIN index, and the unaccent extension, are
-- database/postgres/search_indexes.sql's, which every upgrade loads after the migrations.
-- 2. The trigram indexes of the former substring search (LIKE '%word%'), and pg_trgm, go.
-- 3. Setting SEARCH_EXACT_TOTAL_MAX: a search counts its matches exactly up to it.
-- PostgreSQL text, as the build translates the install files (the Oracle one is 011_search.oracle.sql).

CREATE TABLE search_documents (
	material_id bigint NOT NULL,
	title varchar(500) NOT NULL,
	subtitle varchar(500),
	authors varchar(4000),
	isbn varchar(13),
	subjects varchar(4000),
	authors_stale char(1)
);
COMMENT ON TABLE search_documents IS 'Search document of each title, derived from materials, material_authors and authors by the triggers (lib_search), indexed for full text on each engine';
COMMENT ON COLUMN search_documents.authors IS 'Names of the credited authors in credit order, separated by semicolons and a space';
COMMENT ON COLUMN search_documents.authors_stale IS 'Y = a statement changed the credits or the name of an author and the end of the statement refreshes the authors, NULL = current';
COMMENT ON COLUMN search_documents.isbn IS 'materials.isbn (normalised)';
COMMENT ON COLUMN search_documents.material_id IS 'The title (FK to materials, removed before it by a trigger)';
COMMENT ON COLUMN search_documents.subjects IS 'Subject headings, separated by semicolons: NULL until the catalog records subjects (lib_search.rebuild_documents and refresh_stale fill it then)';
COMMENT ON COLUMN search_documents.subtitle IS 'materials.subtitle';
COMMENT ON COLUMN search_documents.title IS 'materials.title, ranked highest';
CREATE INDEX search_documents_stale_i ON search_documents (authors_stale);
ALTER TABLE search_documents ADD CONSTRAINT search_documents_pk PRIMARY KEY (material_id);
ALTER TABLE search_documents ADD CONSTRAINT search_documents_stale_ck CHECK ((authors_stale IS NULL OR authors_stale = 'Y'));
ALTER TABLE search_documents ADD CONSTRAINT search_documents_material_fk FOREIGN KEY (material_id) REFERENCES materials(material_id) ON DELETE NO ACTION INITIALLY IMMEDIATE;

INSERT INTO search_documents (material_id, title, subtitle, isbn, authors)
SELECT m.material_id, m.title, m.subtitle, m.isbn, c.names
  FROM materials m
  LEFT JOIN (SELECT ma.material_id, string_agg(a.full_name, '; ' ORDER BY ma.author_order, a.full_name) AS names
               FROM material_authors ma JOIN authors a ON a.author_id = ma.author_id
              GROUP BY ma.material_id) c ON c.material_id = m.material_id;

DROP INDEX IF EXISTS materials_title_trgm_i;
DROP INDEX IF EXISTS materials_subtitle_trgm_i;
DROP INDEX IF EXISTS authors_full_name_trgm_i;
DROP EXTENSION IF EXISTS pg_trgm;

INSERT INTO app_settings (name, value, description, value_type, min_value, max_value) VALUES ('SEARCH_EXACT_TOTAL_MAX', '1000', 'Catalog search counts its matches exactly up to this many; above it the answer says total_exact false and total is this number (a lower bound)', 'INTEGER', 1, 100000);
