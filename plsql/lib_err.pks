CREATE OR REPLACE PACKAGE lib_err AS
    /**
     * The one way the packages refuse: raise an application error of the app_errors catalog.
     * Callers name the error; its code, HTTP status and message live in app_errors.
     */

    /**
     * Raise the named error with RAISE_APPLICATION_ERROR.
     * @param p_name   symbolic name from app_errors, e.g. COPY_NOT_AVAILABLE
     * @param p_detail text appended to the catalog message (ids, amounts)
     * @throws -20901 UNKNOWN_ERROR_NAME when p_name is not in the catalog
     */
    PROCEDURE raise_error(p_name IN VARCHAR2, p_detail IN VARCHAR2);

    /**
     * The code of a named error, for callers that report failing rules without raising.
     * @return the -20nnn code, or NULL when the name is unknown
     */
    FUNCTION code_of(p_name IN VARCHAR2) RETURN NUMBER;
END lib_err;
/
