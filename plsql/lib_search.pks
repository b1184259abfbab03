CREATE OR REPLACE PACKAGE lib_search AS
    /**
     * The catalog's search documents (search_documents): one row per title holding the text a catalog
     * search matches (title, subtitle, the authors' names in credit order, the ISBN, the subjects), indexed
     * for full text on each engine. The triggers of plsql/triggers.sql keep it current: a title's own
     * columns are copied by the row trigger of materials; a change of credits (material_authors) or of an
     * author's name marks the documents concerned stale, and the statement's end refreshes them (a row
     * trigger may not query its own table: ORA-04091). A bulk load that bypasses the triggers calls
     * rebuild_documents. Subjects: the headings of material_subjects in order, joined by '; ': lib_catalog,
     * the only writer of material_subjects, calls subjects_changed once after replacing a title's headings
     * (one update of the document, not one per heading as row triggers would make on PostgreSQL);
     * refresh_stale and rebuild_documents fill them too. Inside bulk work (begin_bulk_work: an import's
     * batch) a new title gets no document and a change only marks the document stale; the batch's end
     * (end_bulk_work) writes them all at once: one full-text entry per title instead of three or four.
     * @internal called only by the triggers and the bulk loader: the application role gets no EXECUTE on it.
     */

    /**
     * Copy a title's own columns into its document, creating the document for a new title.
     * A function, so that a trigger body is one call (ora2pg's TRIGGER pass does not turn a procedure
     * call into CALL).
     * @param p_material_id materials.material_id
     * @param p_title       materials.title
     * @param p_subtitle    materials.subtitle
     * @param p_isbn        materials.isbn
     * @return 1
     */
    FUNCTION title_changed(p_material_id IN NUMBER, p_title IN VARCHAR2, p_subtitle IN VARCHAR2,
                           p_isbn IN VARCHAR2) RETURN NUMBER;

    /**
     * Create the document of a title just inserted (it has none: no look for one first, as title_changed
     * does). A function for the trigger, like title_changed.
     * @param p_material_id materials.material_id
     * @param p_title       materials.title
     * @param p_subtitle    materials.subtitle
     * @param p_isbn        materials.isbn
     * @return 1
     */
    FUNCTION title_added(p_material_id IN NUMBER, p_title IN VARCHAR2, p_subtitle IN VARCHAR2,
                         p_isbn IN VARCHAR2) RETURN NUMBER;

    /**
     * Remove a title's document (before the title is deleted).
     * @param p_material_id materials.material_id
     * @return 1
     */
    FUNCTION title_removed(p_material_id IN NUMBER) RETURN NUMBER;

    /**
     * Copy a title's subject headings (material_subjects) into its document.
     * @param p_material_id materials.material_id
     * @return 1
     */
    FUNCTION subjects_changed(p_material_id IN NUMBER) RETURN NUMBER;

    /**
     * Mark a title's document stale: its credits changed (refresh_stale brings it up to date).
     * @param p_material_id materials.material_id
     * @return 1
     */
    FUNCTION credits_changed(p_material_id IN NUMBER) RETURN NUMBER;

    /**
     * Mark stale the documents of every title crediting an author whose name changed.
     * @param p_author_id authors.author_id
     * @return 1
     */
    FUNCTION author_renamed(p_author_id IN NUMBER) RETURN NUMBER;

    /**
     * Refresh the stale documents from the records (called at the end of each statement that marks them).
     * @return the number of documents refreshed
     */
    FUNCTION refresh_stale RETURN NUMBER;

    /**
     * Rebuild every document from the records, set-based: after a bulk load that bypassed the triggers.
     * The caller gathers statistics afterwards (ANALYZE / DBMS_STATS).
     */
    PROCEDURE rebuild_documents;
    /**
     * Begin bulk work for the rest of the transaction (lib_catalog.import_batch_begin, which checks the
     * permission to import): the search documents of the titles it creates are written by end_bulk_work,
     * changes only mark documents stale, and lib_catalog leaves the permission checks of the batch's calls
     * to import_batch_begin. lib_session.set_actor and clear_actor end it (abandon_bulk_work), so it never
     * outlives the transaction on Oracle, where package state survives a rollback.
     * @param p_credits_later 1: the batch credits its records' authors later (credits_later), else 0
     */
    PROCEDURE begin_bulk_work(p_credits_later IN NUMBER);

    /**
     * End bulk work: write the documents of the titles it created and refresh the stale ones.
     * @return the documents written
     */
    FUNCTION end_bulk_work RETURN NUMBER;

    /** End bulk work without writing anything (a new transaction begins: set_actor, clear_actor). */
    PROCEDURE abandon_bulk_work;

    /** @return 1 inside bulk work, else 0 */
    FUNCTION bulk_work RETURN NUMBER;

    /** @return 1 inside bulk work whose authors are credited later (lib_catalog.import_credits), else 0 */
    FUNCTION credits_later RETURN NUMBER;

END lib_search;
/
