"""The tables the generator fills, in foreign-key order, with their columns as the writers emit them."""
from __future__ import annotations

# column lists per table; a trailing "@" marks a DATE/timestamp column, "$" a money amount written as a
# decimal string (the Oracle path binds them with TO_DATE and TO_NUMBER; PostgreSQL's COPY parses both)
COLUMNS: dict[str, list[str]] = {
    "branches": ["branch_id", "code", "name", "address", "phone", "email", "is_active"],
    "closed_days": ["closed_day_id", "branch_id", "closed_on@", "reason"],
    "circ_policies": ["policy_id", "branch_id", "patron_category", "material_type", "loan_days", "max_renewals",
                      "renew_from_due", "loan_limit", "hold_limit", "daily_fine$", "grace_days", "max_fine$",
                      "fine_block_threshold$", "hold_pickup_days", "holdable", "lost_after_days", "lost_refund"],
    "genres": ["genre_id", "name", "parent_genre_id"],
    "users": ["user_id", "username", "password_hash", "full_name", "email", "is_active", "account_locked",
              "failed_logins", "home_branch_id", "created_at@"],
    "user_roles": ["user_id", "role_id", "granted_at@"],
    "authors": ["author_id", "full_name", "sort_name", "birth_year", "death_year"],
    "materials": ["material_id", "title", "subtitle", "isbn", "material_type", "genre_id", "publisher",
                  "publication_year", "language_code", "description", "replacement_cost$", "created_at@"],
    "material_authors": ["material_id", "author_id", "author_order", "author_role"],
    "copies": ["copy_id", "material_id", "branch_id", "barcode", "status", "shelf_location", "condition_note",
               "price$", "acquired_on@", "status_changed_at@"],
    "patrons": ["patron_id", "user_id", "card_number", "first_name", "last_name", "email", "phone", "address",
                "category", "home_branch_id", "status", "status_reason", "status_changed_at@", "registered_at@",
                "expires_on@"],
    "loans": ["loan_id", "copy_id", "patron_id", "branch_id", "policy_id", "status", "checkout_at@", "due_at@",
              "returned_at@", "return_branch_id", "renewals", "last_renewed_at@", "checkout_by", "return_by",
              "return_condition", "overridden"],
    "holds": ["hold_id", "patron_id", "material_id", "pickup_branch_id", "status", "placed_at@", "copy_id",
              "ready_at@", "expires_at@", "suspended_until@", "closed_at@", "close_reason", "loan_id"],
    "fines": ["fine_id", "patron_id", "loan_id", "fine_type", "amount$", "amount_paid$", "status", "assessed_at@",
              "accrued_through@", "description", "closed_at@", "waived_by", "waive_reason"],
    "payments": ["payment_id", "fine_id", "patron_id", "amount$", "method", "paid_at@", "received_by", "note"],
}
ID_COLUMN = {t: cols[0] for t, cols in COLUMNS.items() if t not in ("user_roles", "material_authors")}


def column_names(table: str) -> list[str]:
    return [c.rstrip("@$") for c in COLUMNS[table]]

