-- search_indexes.sql: PostgreSQL-only indexes for the catalog search of the API (engine-specific,
-- loaded after the translated build; not part of the Oracle sources because Oracle has no trigram
-- operator class and an Oracle Text CONTEXT index does not translate).
--
-- GET /api/catalog/search matches each word of q as a case-insensitive substring:
--   UPPER(m.title) LIKE '%WORD%' OR UPPER(m.subtitle) LIKE ... OR UPPER(a.full_name) LIKE ...
-- (datalayer/reads/catalog.py). A B-tree cannot serve a leading wildcard; pg_trgm's GIN operator class can,
-- for the very same expressions. On Oracle the same SQL runs on the plain indexes of 020_indexes.sql
-- (materials_title_i on UPPER(title) serves ordering and prefix matches); an Oracle Text index is the
-- Oracle-side answer when the catalog grows past what a scan serves.
-- Idempotent: safe to load again on an existing database.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE INDEX IF NOT EXISTS materials_title_trgm_i ON materials USING gin (UPPER(title) gin_trgm_ops);
CREATE INDEX IF NOT EXISTS materials_subtitle_trgm_i ON materials USING gin (UPPER(subtitle) gin_trgm_ops);
CREATE INDEX IF NOT EXISTS authors_full_name_trgm_i ON authors USING gin (UPPER(full_name) gin_trgm_ops);
