CREATE OR REPLACE PACKAGE lib_catalog AS
    /**
     * The catalog: titles (materials) with their authors, copies, genres and authors. Changes need CATALOG_EDIT;
     * system work with no actor (an import job) passes. ISBNs are stored normalised: hyphens and spaces removed,
     * an ISBN-10 check digit X in upper case; ISBN-10 and ISBN-13 (978/979) check digits are verified.
     * Material types: BOOK, DVD, AUDIOBOOK, MAGAZINE, EBOOK, MAP.
     * Duplicate ISBNs: app_settings DUPLICATE_ISBN = REFUSE refuses a title whose ISBN another title has
     * (DUPLICATE_ISBN), WARN (or any other value) accepts it and the screens warn (duplicate_isbns).
     */

    /**
     * Add a title.
     * @param p_title            required
     * @param p_subtitle         optional
     * @param p_isbn             optional, ISBN-10 or ISBN-13, hyphens and spaces allowed
     * @param p_material_type    NULL = BOOK
     * @param p_genre_id         genres.genre_id or NULL
     * @param p_publisher        optional
     * @param p_publication_year optional, 1 to next year
     * @param p_language         ISO 639-2 code, NULL = eng
     * @param p_description      optional
     * @param p_replacement_cost NULL = 25, not negative
     * @param p_authors          author names separated by '|' in credit order ('Jane Austen|John Smith'),
     *                           an author is created when no author of that name exists; NULL = none
     * @param p_material_id      OUT the new materials.material_id
     * @throws -20411 PERMISSION_DENIED
     * @throws -20502 INVALID_ISBN
     * @throws -20504 GENRE_NOT_FOUND
     * @throws -20506 INVALID_MATERIAL_DATA
     * @throws -20580 DUPLICATE_ISBN another title has the ISBN and DUPLICATE_ISBN is REFUSE
     */
    PROCEDURE add_material(p_title IN VARCHAR2, p_subtitle IN VARCHAR2, p_isbn IN VARCHAR2,
                           p_material_type IN VARCHAR2, p_genre_id IN NUMBER, p_publisher IN VARCHAR2,
                           p_publication_year IN NUMBER, p_language IN VARCHAR2, p_description IN VARCHAR2,
                           p_replacement_cost IN materials.replacement_cost%TYPE, p_authors IN VARCHAR2,
                           p_material_id OUT NUMBER);

    /**
     * Replace a title's data (PUT /api/materials/{id}); arguments as add_material.
     * p_authors NULL (or blank) keeps the current authors, otherwise the list replaces them.
     * @param p_material_id materials.material_id, the other parameters as add_material
     * @throws -20501 MATERIAL_NOT_FOUND
     * @throws -20411 PERMISSION_DENIED
     * @throws -20502 INVALID_ISBN
     * @throws -20504 GENRE_NOT_FOUND
     * @throws -20506 INVALID_MATERIAL_DATA
     * @throws -20580 DUPLICATE_ISBN the ISBN changes to one another title has and DUPLICATE_ISBN is REFUSE
     */
    PROCEDURE update_material(p_material_id IN NUMBER, p_title IN VARCHAR2, p_subtitle IN VARCHAR2,
                              p_isbn IN VARCHAR2, p_material_type IN VARCHAR2, p_genre_id IN NUMBER,
                              p_publisher IN VARCHAR2, p_publication_year IN NUMBER, p_language IN VARCHAR2,
                              p_description IN VARCHAR2, p_replacement_cost IN materials.replacement_cost%TYPE,
                              p_authors IN VARCHAR2);

    /**
     * Add a copy of a title at a branch, AVAILABLE.
     * @param p_material_id    materials.material_id
     * @param p_branch_id      owning branch, active
     * @param p_barcode        NULL = generated (14 digits starting with 3)
     * @param p_shelf_location optional
     * @param p_price          optional, not negative
     * @param p_copy_id        OUT the new copies.copy_id
     * @throws -20411 PERMISSION_DENIED
     * @throws -20501 MATERIAL_NOT_FOUND
     * @throws -20503 BARCODE_TAKEN
     * @throws -20505 BRANCH_NOT_FOUND
     * @throws -20506 INVALID_MATERIAL_DATA negative price
     */
    PROCEDURE add_copy(p_material_id IN NUMBER, p_branch_id IN NUMBER, p_barcode IN VARCHAR2,
                       p_shelf_location IN VARCHAR2, p_price IN copies.price%TYPE, p_copy_id OUT NUMBER);

    /**
     * How many other titles have this ISBN (the warning of DUPLICATE_ISBN = WARN).
     * @param p_isbn        ISBN, hyphens and spaces allowed; NULL or blank = none
     * @param p_material_id the title to leave out (the one being edited), NULL = none
     * @param p_count       OUT the number of other titles with the normalised ISBN
     */
    PROCEDURE duplicate_isbns(p_isbn IN VARCHAR2, p_material_id IN NUMBER, p_count OUT NUMBER);

    /**
     * Change a copy: call number, shelf location, price and owning branch. A withdrawn copy is no longer
     * edited; the branch does not change while the copy is on loan or kept for a hold.
     * @param p_copy_id        copies.copy_id
     * @param p_branch_id      owning branch, active
     * @param p_call_number    optional, at most 60 characters; its sort key is computed (call_number_key)
     * @param p_shelf_location optional, at most 60 characters
     * @param p_price          optional, not negative
     * @throws -20102 COPY_NOT_FOUND
     * @throws -20411 PERMISSION_DENIED
     * @throws -20505 BRANCH_NOT_FOUND
     * @throws -20506 INVALID_MATERIAL_DATA too long or negative
     * @throws -20583 COPY_BRANCH_LOCKED a new branch while on loan or kept for a hold
     * @throws -20584 COPY_WITHDRAWN
     */
    PROCEDURE update_copy(p_copy_id IN NUMBER, p_branch_id IN NUMBER, p_call_number IN VARCHAR2,
                          p_shelf_location IN VARCHAR2, p_price IN copies.price%TYPE);

    /**
     * The sort key of a call number (copies.call_number_sort), so shelves sort as they stand: upper case;
     * letters, digits and '.' kept, any other character a single space; in each word, a run of digits
     * before the first '.' is padded with zeros to 9 digits (Dewey 9 before 10, LC class QA76 before QA100),
     * digits after it are decimals and kept as they are (823.12 before 823.9, LC cutter .A12 before .A9).
     * @return the key, at most 200 characters; NULL for NULL or blank
     */
    FUNCTION call_number_key(p_call_number IN VARCHAR2) RETURN VARCHAR2;

    /**
     * Hide a title from the public catalog (search and title pages) or show it again. Hiding is refused
     * while a copy is on loan or kept for a hold or holds wait for the title.
     * @param p_material_id materials.material_id
     * @param p_hidden      'Y' hide, 'N' show
     * @throws -20411 PERMISSION_DENIED
     * @throws -20501 MATERIAL_NOT_FOUND
     * @throws -20506 INVALID_MATERIAL_DATA p_hidden not Y or N
     * @throws -20581 MATERIAL_IN_CIRCULATION
     */
    PROCEDURE set_hidden(p_material_id IN NUMBER, p_hidden IN VARCHAR2);

    /**
     * Delete a title with its copies and credits, only when it never circulated: no copy was ever lent and
     * no hold was ever placed (else hide it, or withdraw its copies).
     * @param p_material_id materials.material_id
     * @throws -20411 PERMISSION_DENIED
     * @throws -20501 MATERIAL_NOT_FOUND
     * @throws -20581 MATERIAL_IN_CIRCULATION a copy on loan or kept for a hold, holds waiting
     * @throws -20582 MATERIAL_HAS_HISTORY past loans of its copies or past holds on it
     */
    PROCEDURE delete_material(p_material_id IN NUMBER);

    /**
     * Record a title's cover image (the file the staff UI stored), or that it has none.
     * @param p_material_id materials.material_id
     * @param p_cover_image file name of the cover in the media folder's covers/, NULL = no cover
     * @throws -20411 PERMISSION_DENIED
     * @throws -20501 MATERIAL_NOT_FOUND
     * @throws -20506 INVALID_MATERIAL_DATA longer than 400 characters
     */
    PROCEDURE set_cover(p_material_id IN NUMBER, p_cover_image IN VARCHAR2);

    /**
     * Withdraw a copy from circulation (status WITHDRAWN). A copy trapped for a hold is released
     * and the hold goes back to the queue; its open transit is cancelled (transits.cancel_reason WITHDRAWN).
     * @param p_copy_id copies.copy_id
     * @param p_reason  optional note kept in condition_note
     * @throws -20102 COPY_NOT_FOUND
     * @throws -20103 COPY_ALREADY_ON_LOAN check it in first
     * @throws -20411 PERMISSION_DENIED
     */
    PROCEDURE withdraw_copy(p_copy_id IN NUMBER, p_reason IN VARCHAR2);

    /**
     * The normalised form of an ISBN: hyphens and spaces removed, x made X.
     * @return the normalised text (not validated), NULL for NULL
     */
    FUNCTION normalize_isbn(p_isbn IN VARCHAR2) RETURN VARCHAR2;

    /**
     * Whether an ISBN (hyphens and spaces allowed) is a valid ISBN-10 or ISBN-13 (978/979 prefix).
     * @return 1 valid, 0 invalid (also for NULL)
     */
    FUNCTION isbn_valid(p_isbn IN VARCHAR2) RETURN NUMBER;
    /**
     * Add a genre.
     * @param p_name            required, at most 100 characters, unique ignoring case
     * @param p_parent_genre_id genres.genre_id of the broader genre, NULL = a top genre
     * @param p_genre_id        OUT the new genres.genre_id
     * @throws -20411 PERMISSION_DENIED
     * @throws -20504 GENRE_NOT_FOUND no such parent genre
     * @throws -20508 GENRE_NAME_TAKEN
     * @throws -20510 INVALID_GENRE_DATA missing or too long name
     */
    PROCEDURE add_genre(p_name IN VARCHAR2, p_parent_genre_id IN NUMBER, p_genre_id OUT NUMBER);

    /**
     * Rename a genre or move it under another parent.
     * @param p_genre_id        genres.genre_id
     * @param p_name            as add_genre
     * @param p_parent_genre_id as add_genre; neither the genre itself nor one of its descendants
     * @throws -20411 PERMISSION_DENIED
     * @throws -20504 GENRE_NOT_FOUND the genre or the parent
     * @throws -20508 GENRE_NAME_TAKEN
     * @throws -20510 INVALID_GENRE_DATA as add_genre, or the parent would make a cycle
     */
    PROCEDURE update_genre(p_genre_id IN NUMBER, p_name IN VARCHAR2, p_parent_genre_id IN NUMBER);

    /**
     * Remove a genre that no title and no other genre refers to.
     * @param p_genre_id genres.genre_id
     * @throws -20411 PERMISSION_DENIED
     * @throws -20504 GENRE_NOT_FOUND
     * @throws -20509 GENRE_IN_USE titles or narrower genres refer to it
     */
    PROCEDURE delete_genre(p_genre_id IN NUMBER);

    /**
     * Add an author (titles also create authors by name: add_material).
     * @param p_full_name  required, at most 200 characters, e.g. 'Jane Austen'
     * @param p_sort_name  at most 200 characters, NULL = from the full name ('Austen, Jane')
     * @param p_birth_year optional whole number, -9999 to this year
     * @param p_death_year optional whole number, -9999 to this year, not before the birth year
     * @param p_author_id  OUT the new authors.author_id
     * @throws -20411 PERMISSION_DENIED
     * @throws -20512 INVALID_AUTHOR_DATA
     */
    PROCEDURE add_author(p_full_name IN VARCHAR2, p_sort_name IN VARCHAR2, p_birth_year IN NUMBER,
                         p_death_year IN NUMBER, p_author_id OUT NUMBER);

    /**
     * Replace an author's data; arguments as add_author.
     * @param p_author_id authors.author_id
     * @throws -20411 PERMISSION_DENIED
     * @throws -20507 AUTHOR_NOT_FOUND
     * @throws -20512 INVALID_AUTHOR_DATA
     */
    PROCEDURE update_author(p_author_id IN NUMBER, p_full_name IN VARCHAR2, p_sort_name IN VARCHAR2,
                            p_birth_year IN NUMBER, p_death_year IN NUMBER);

    /**
     * Remove an author no title credits.
     * @param p_author_id authors.author_id
     * @throws -20411 PERMISSION_DENIED
     * @throws -20507 AUTHOR_NOT_FOUND
     * @throws -20511 AUTHOR_IN_USE titles credit the author
     */
    PROCEDURE delete_author(p_author_id IN NUMBER);
    /**
     * Replace the identifiers of a title (material_identifiers) with a list. Entries are separated by '|',
     * each TYPE:value, optionally followed by ;qualifier: 'ISBN:978-0-14-143951-8;pbk.|LCCN:2001012345|
     * CONTROL:(OCoLC)12345'. TYPE is ISBN (stored normalised, check digit verified), ISSN (NNNN-NNNC, check
     * digit verified), LCCN or CONTROL (a control number, the issuing organisation in parentheses first,
     * none = unknown). Repeated entries are kept once. NULL or blank = no identifiers.
     * @param p_material_id materials.material_id
     * @param p_identifiers the list
     * @throws -20411 PERMISSION_DENIED
     * @throws -20501 MATERIAL_NOT_FOUND
     * @throws -20502 INVALID_ISBN
     * @throws -20563 INVALID_IDENTIFIER unknown type, malformed ISSN, value longer than 60 characters
     */
    PROCEDURE set_identifiers(p_material_id IN NUMBER, p_identifiers IN VARCHAR2);

    /**
     * Add one identifier to a title, unless the title has it already; arguments as one entry of set_identifiers.
     * @param p_material_id materials.material_id
     * @param p_id_type     ISBN, ISSN, LCCN or CONTROL
     * @param p_id_value    the identifier
     * @param p_id_source   for CONTROL the issuing organisation (e.g. OCoLC), NULL = unknown
     * @param p_qualifier   optional, e.g. hardcover
     * @throws -20411 PERMISSION_DENIED
     * @throws -20501 MATERIAL_NOT_FOUND
     * @throws -20502 INVALID_ISBN
     * @throws -20563 INVALID_IDENTIFIER
     */
    PROCEDURE add_identifier(p_material_id IN NUMBER, p_id_type IN VARCHAR2, p_id_value IN VARCHAR2,
                             p_id_source IN VARCHAR2, p_qualifier IN VARCHAR2);

    /**
     * Replace the subject headings of a title (material_subjects), in order; the title's search document
     * takes them. Entries are separated by '|', each a heading optionally followed by ;thesaurus
     * ('Whales -- Fiction;lcsh'). NULL or blank = none.
     * @param p_material_id materials.material_id
     * @param p_subjects    the list, at most 400 characters a heading and 200 headings
     * @throws -20411 PERMISSION_DENIED
     * @throws -20501 MATERIAL_NOT_FOUND
     * @throws -20564 INVALID_SUBJECT heading too long, too many headings
     */
    PROCEDURE set_subjects(p_material_id IN NUMBER, p_subjects IN VARCHAR2);

    /**
     * Import one catalog record (a MARC record or a CSV row): match it to a title by any of its ISBNs
     * (ISBN-10 and ISBN-13 forms alike), then by its control numbers; update that title (MATCHED) or add
     * one (CREATED). Invalid ISBNs are left out and said in p_note (the record is kept); identifiers are
     * added to the title's, subjects and authors replace the title's when the record has some; each
     * holding becomes a copy unless the title has that barcode already. Needs CATALOG_IMPORT.
     * @param p_title            required (MARC 245 $a)
     * @param p_subtitle         optional
     * @param p_identifiers      as set_identifiers
     * @param p_material_type    NULL = BOOK (an update keeps the title's)
     * @param p_genre_name       a genre's name; used only when a genre of that name exists (ignoring case)
     * @param p_publisher        optional
     * @param p_publication_year optional, 1 to next year
     * @param p_language         ISO 639-2 code, NULL = eng
     * @param p_description      optional summary
     * @param p_edition          optional edition statement
     * @param p_extent           optional physical description
     * @param p_authors          as add_material
     * @param p_subjects         as set_subjects
     * @param p_copies           holdings separated by CHR(30), each barcode, branch code, shelf location,
     *                           price (with a point) and call number separated by CHR(31); barcode NULL =
     *                           generated
     * @param p_material_id      OUT the title created or matched
     * @param p_outcome          OUT CREATED or MATCHED
     * @param p_matched_by       OUT the identifier that matched (ISBN 9780141439518, CONTROL (OCoLC)123)
     * @param p_copies_added     OUT copies added
     * @param p_note             OUT what was left out (invalid ISBNs, copies already there), NULL = nothing
     * @throws -20411 PERMISSION_DENIED
     * @throws -20503 BARCODE_TAKEN a holding's barcode belongs to another title
     * @throws -20505 BRANCH_NOT_FOUND a holding's branch code
     * @throws -20506 INVALID_MATERIAL_DATA no title, bad year, bad holding
     * @throws -20563 INVALID_IDENTIFIER
     * @throws -20564 INVALID_SUBJECT
     */
    PROCEDURE import_title(p_title IN VARCHAR2, p_subtitle IN VARCHAR2, p_identifiers IN VARCHAR2,
                           p_material_type IN VARCHAR2, p_genre_name IN VARCHAR2, p_publisher IN VARCHAR2,
                           p_publication_year IN NUMBER, p_language IN VARCHAR2, p_description IN VARCHAR2,
                           p_edition IN VARCHAR2, p_extent IN VARCHAR2, p_authors IN VARCHAR2,
                           p_subjects IN VARCHAR2, p_copies IN VARCHAR2, p_material_id OUT NUMBER,
                           p_outcome OUT VARCHAR2, p_matched_by OUT VARCHAR2, p_copies_added OUT NUMBER,
                           p_note OUT VARCHAR2);

    /**
     * Start a batch of import_title calls in this transaction: the batch is bulk work
     * (lib_search.begin_bulk_work), so the search documents of its titles are written once, by
     * import_batch_end, instead of after each change. Needs CATALOG_IMPORT, checked here for the whole
     * batch: import_title and import_credits inside it do not check it again (bulk work ends with the
     * transaction's actor: lib_session.set_actor and clear_actor).
     * @param p_credits_later Y: import_title checks its records' authors and leaves them to
     *                        import_credits (an importer running two batches at once credits each batch's
     *                        authors only after the batch before it committed, so that two batches never
     *                        create the same new author); N or NULL: import_title credits them
     * @throws -20411 PERMISSION_DENIED
     * @throws -20903 INVALID_ARGUMENT p_credits_later neither Y nor N
     */
    PROCEDURE import_batch_begin(p_credits_later IN VARCHAR2);

    /**
     * Credit the authors of the records that import_title took in a batch begun with credits later: for
     * each, the '|'-separated names in order, found or created (as add_material); a matched title's
     * credits are replaced, blank names change nothing. Needs CATALOG_IMPORT.
     * @param p_credits the records separated by CHR(30), each the title import_title answered, Y when it
     *                  created the title (no credits to replace) else N, and the record's authors as
     *                  import_title had them, separated by CHR(31); at most 32767 bytes: a long batch
     *                  takes several calls
     * @throws -20411 PERMISSION_DENIED
     * @throws -20501 MATERIAL_NOT_FOUND
     * @throws -20506 INVALID_MATERIAL_DATA an author name longer than 200 characters
     * @throws -20903 INVALID_ARGUMENT an entry without its three fields, a title id that is no number
     */
    PROCEDURE import_credits(p_credits IN VARCHAR2);

    /**
     * End the batch import_batch_begin started: bring every stale search document up to date (one
     * statement) and end the bulk work. Needs CATALOG_IMPORT.
     * @param p_refreshed OUT the documents refreshed
     * @throws -20411 PERMISSION_DENIED
     */
    PROCEDURE import_batch_end(p_refreshed OUT NUMBER);
END lib_catalog;
/
