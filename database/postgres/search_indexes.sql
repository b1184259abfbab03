-- search_indexes.sql: PostgreSQL-only part of the catalog search (engine-specific, loaded after the
-- translated build and again by every upgrade; the Oracle counterpart is database/016_search_index_oracle.sql,
-- an Oracle Text CONTEXT index, which does not translate).
--
-- The search documents (database/015_search_documents.sql, kept by lib_search) get a tsvector column, one
-- GIN index over it, and accents folded (unaccent: "bronte" finds "Brontë"). Weights rank a title match
-- first: title A, authors B, subtitle and subjects C, ISBN D (ts_rank's 1.0, 0.4, 0.2, 0.1).
-- datalayer/reads/catalog.py queries it with plainto_tsquery('ils_search', words folded).
-- Prefix (title begins with) and ISBN or barcode lookups use the ordinary B-tree indexes of 020_indexes.sql.
-- Idempotent: safe to load again on an existing database. The superuser that loads it creates the
-- extension (unaccent is a trusted extension: a database owner may too); grants.sql gives the folding
-- function to ils_owner, whose triggers write the documents.
CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public;

-- The text search configuration: 'simple' (no stemming, whatever the language of a title) with the
-- English stop words left out, as Oracle Text's default stoplist does: "the" or "of" would match most
-- titles and rank none of them better.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_ts_dict WHERE dictname = 'ils_search_words') THEN
        CREATE TEXT SEARCH DICTIONARY public.ils_search_words (TEMPLATE = pg_catalog.simple, STOPWORDS = english);
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'ils_search') THEN
        CREATE TEXT SEARCH CONFIGURATION public.ils_search (COPY = pg_catalog.simple);
        ALTER TEXT SEARCH CONFIGURATION public.ils_search
            ALTER MAPPING FOR asciiword, word, numword, asciihword, hword, numhword, hword_asciipart, hword_part,
                              hword_numpart
            WITH public.ils_search_words;
    END IF;
END
$$;

-- unaccent() is STABLE (it reads its dictionary by name); a generated column needs an IMMUTABLE
-- expression, so the dictionary is named here once and for all.
CREATE OR REPLACE FUNCTION public.ils_search_fold(p_text text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, p_text) $$;

ALTER TABLE search_documents ADD COLUMN IF NOT EXISTS document tsvector GENERATED ALWAYS AS (
       setweight(to_tsvector('public.ils_search'::regconfig, COALESCE(public.ils_search_fold(title), '')), 'A')
    || setweight(to_tsvector('public.ils_search'::regconfig, COALESCE(public.ils_search_fold(authors), '')), 'B')
    || setweight(to_tsvector('public.ils_search'::regconfig, COALESCE(public.ils_search_fold(subtitle), '')), 'C')
    || setweight(to_tsvector('public.ils_search'::regconfig, COALESCE(public.ils_search_fold(subjects), '')), 'C')
    || setweight(to_tsvector('public.ils_search'::regconfig, COALESCE(isbn, '')), 'D')) STORED;
COMMENT ON COLUMN search_documents.document IS 'PostgreSQL only: the weighted full-text vector of the document (title A, authors B, subtitle and subjects C, ISBN D), accents folded';

CREATE INDEX IF NOT EXISTS search_documents_document_i ON search_documents USING gin (document);

