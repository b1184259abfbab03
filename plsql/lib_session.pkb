CREATE OR REPLACE PACKAGE BODY lib_session AS

    g_actor_id NUMBER(18);

    PROCEDURE set_actor(p_user_id IN NUMBER) IS
    BEGIN
        g_actor_id := p_user_id;
    END set_actor;

    PROCEDURE clear_actor IS
    BEGIN
        g_actor_id := NULL;
    END clear_actor;

    FUNCTION actor RETURN NUMBER IS
    BEGIN
        RETURN g_actor_id;
    END actor;

END lib_session;
/
