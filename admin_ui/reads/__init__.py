"""Plain SQL reads over the tables and views for the staff pages (no writes here: writes are package calls)."""
