-- search_indexes.sql: PostgreSQL-only part of the catalog search (engine-specific, loaded after the
-- translated build and again by every upgrade; the Oracle counterpart is database/016_search_index_oracle.sql,
-- an Oracle Text CONTEXT index, which does not translate).
--
-- The search documents (database/015_search_documents.sql, kept by lib_search) get a tsvector column, one
-- GIN index over it, and accents folded (unaccent: "bronte" finds "Brontë"). Weights rank a title match
-- first: title A, authors B, subtitle and subjects C, ISBN D (ts_rank's 1.0, 0.4, 0.2, 0.1). The
-- 'simple' configuration: no stemming and no stop words, whatever the language of a title, as the
-- Oracle index. api/reads/catalog.py queries it with plainto_tsquery('simple', unaccent(words)).
-- Prefix (title begins with) and ISBN or barcode lookups use the ordinary B-tree indexes of 020_indexes.sql.
-- Idempotent: safe to load again on an existing database. The superuser that loads it creates the
-- extension (unaccent is a trusted extension: a database owner may too); grants.sql gives the folding
-- function to ils_owner, whose triggers write the documents.
CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public;

-- unaccent() is STABLE (it reads its dictionary by name); a generated column needs an IMMUTABLE
-- expression, so the dictionary is named here once and for all.
CREATE OR REPLACE FUNCTION public.ils_search_fold(p_text text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, p_text) $$;

ALTER TABLE search_documents ADD COLUMN IF NOT EXISTS document tsvector GENERATED ALWAYS AS (
       setweight(to_tsvector('simple'::regconfig, COALESCE(public.ils_search_fold(title), '')), 'A')
    || setweight(to_tsvector('simple'::regconfig, COALESCE(public.ils_search_fold(authors), '')), 'B')
    || setweight(to_tsvector('simple'::regconfig, COALESCE(public.ils_search_fold(subtitle), '')), 'C')
    || setweight(to_tsvector('simple'::regconfig, COALESCE(public.ils_search_fold(subjects), '')), 'C')
    || setweight(to_tsvector('simple'::regconfig, COALESCE(isbn, '')), 'D')) STORED;
COMMENT ON COLUMN search_documents.document IS 'PostgreSQL only: the weighted full-text vector of the document (title A, authors B, subtitle and subjects C, ISBN D), accents folded';

CREATE INDEX IF NOT EXISTS search_documents_document_i ON search_documents USING gin (document);

