"""The fixed reference data: branches, genres, material types, patron categories and statuses, extra
circulation policies, the demo users, and the public holidays the libraries close on."""
from __future__ import annotations

import calendar
from datetime import date, timedelta

BRANCH_POOL = [  # (code, name, address, phone, email)
    ("NORTH", "Northgate Branch", "48 Northgate Road, Ashford", "(555) 010-2201", "northgate@library.example.org"),
    ("RIVER", "Riverside Branch", "210 River Street, Millbrook", "(555) 010-2202", "riverside@library.example.org"),
    ("HILL", "Hillcrest Branch", "7 Hillcrest Avenue, Oakhaven", "(555) 010-2203", "hillcrest@library.example.org"),
    ("EAST", "Eastwood Branch", "93 Eastwood Lane, Lindenfield", "(555) 010-2204", "eastwood@library.example.org"),
]

# (name, parent, kind): kind picks title patterns, shelf marks and material types
GENRES = [
    ("Fiction", None, "fic"), ("Literary Fiction", "Fiction", "fic"), ("Mystery", "Fiction", "mys"),
    ("Thriller", "Fiction", "mys"), ("Science Fiction", "Fiction", "sf"), ("Fantasy", "Fiction", "sf"),
    ("Romance", "Fiction", "fic"), ("Historical Fiction", "Fiction", "fic"), ("Horror", "Fiction", "mys"),
    ("Short Stories", "Fiction", "fic"),
    ("Non-fiction", None, "nf"), ("History", "Non-fiction", "nf"), ("Biography & Memoir", "Non-fiction", "bio"),
    ("Science", "Non-fiction", "nf"), ("Nature", "Non-fiction", "nf"), ("Travel", "Non-fiction", "nf"),
    ("Cooking", "Non-fiction", "cook"), ("Health & Wellness", "Non-fiction", "nf"), ("Business", "Non-fiction", "nf"),
    ("Philosophy", "Non-fiction", "nf"), ("Art & Photography", "Non-fiction", "nf"), ("Music", "Non-fiction", "nf"),
    ("Politics & Society", "Non-fiction", "nf"), ("Self-Help", "Non-fiction", "nf"), ("Technology", "Non-fiction", "nf"),
    ("Children's", None, "kid"), ("Picture Books", "Children's", "kid"), ("Early Readers", "Children's", "kid"),
    ("Middle Grade", "Children's", "fic"), ("Young Adult", None, "fic"), ("Poetry", None, "poe"),
    ("Graphic Novels", None, "fic"),
    ("Film & Television", None, "film"), ("Feature Films", "Film & Television", "film"),
    ("Documentaries", "Film & Television", "doc"), ("Family Films", "Film & Television", "film"),
    ("Periodicals", None, "mag"), ("Maps & Atlases", None, "map"),
]
DEWEY = {"History": 909, "Biography & Memoir": 920, "Science": 500, "Nature": 577, "Travel": 910, "Cooking": 641,
         "Health & Wellness": 613, "Business": 650, "Philosophy": 100, "Art & Photography": 770, "Music": 780,
         "Politics & Society": 320, "Self-Help": 158, "Technology": 600, "Non-fiction": 1, "Poetry": 811}

TYPES = ("BOOK", "EBOOK", "AUDIOBOOK", "DVD", "MAGAZINE", "MAP")
TYPE_WEIGHTS = (0.76, 0.07, 0.06, 0.07, 0.03, 0.01)
LANGUAGES = (("eng", 0.86), ("spa", 0.05), ("fre", 0.03), ("ger", 0.02), ("ita", 0.01), ("por", 0.01),
             ("jpn", 0.01), ("chi", 0.01))
CATEGORIES = (("ADULT", 0.62), ("STUDENT", 0.14), ("CHILD", 0.12), ("SENIOR", 0.09), ("STAFF", 0.03))
PATRON_STATUS = (("ACTIVE", 0.93), ("SUSPENDED", 0.02), ("EXPIRED", 0.04), ("DELETED", 0.01))
COPY_STATUS = ("AVAILABLE", "ON_LOAN", "ON_HOLD_SHELF", "IN_TRANSIT", "LOST", "DAMAGED", "WITHDRAWN")
AVAILABLE, ON_LOAN, ON_HOLD_SHELF, IN_TRANSIT, LOST, DAMAGED, WITHDRAWN = range(7)

# extra circulation policies: (branch code or None, category, type, loan_days, max_renewals, renew_from_due,
# loan_limit, hold_limit, daily_fine, grace_days, max_fine, fine_block_threshold, hold_pickup_days, holdable,
# lost_after_days, lost_refund)
EXTRA_POLICIES = [
    (None, None, "DVD", 7, 1, "N", 10, 5, "1.00", 0, "10.00", "10.00", 5, "Y", 45, "Y"),
    (None, None, "AUDIOBOOK", 14, 2, "N", 25, 10, "0.25", 1, "10.00", "10.00", 7, "Y", 60, "Y"),
    (None, None, "MAGAZINE", 7, 0, "N", 10, 0, "0.10", 1, "2.00", "10.00", 7, "N", 30, "N"),
    (None, None, "EBOOK", 14, 1, "N", 10, 10, "0.00", 0, "0.00", "10.00", 3, "Y", 60, "N"),
    (None, "CHILD", None, 21, 3, "N", 10, 5, "0.10", 2, "3.00", "5.00", 7, "Y", 60, "Y"),
    (None, "CHILD", "DVD", 7, 1, "N", 3, 3, "0.25", 1, "3.00", "5.00", 5, "Y", 45, "Y"),
    (None, "STAFF", None, 42, 5, "Y", 50, 20, "0.00", 0, "0.00", "10.00", 10, "Y", 90, "Y"),
    ("RIVER", None, "DVD", 3, 0, "N", 5, 3, "1.00", 0, "6.00", "10.00", 3, "Y", 30, "Y"),
]

STAFF_USERS = [  # (username, full name, role)
    ("librarian", "Laura Bennett", "LIBRARIAN"),
    ("manager", "Marcus Reid", "BRANCH_MANAGER"),
    ("cataloger", "Catherine Doyle", "CATALOGER"),
    ("itadmin", "Ian Torres", "IT_ADMIN"),
    ("director", "Diana Hargrove", "LIBRARY_DIRECTOR"),
]
PATRON_USERS = [  # (username, first, last): the first three patrons
    ("patron1", "Alice", "Morgan"),
    ("patron2", "Benjamin", "Okafor"),
    ("patron3", "Clara", "Nguyen"),
]
DEMO_USERNAMES = tuple(u for u, *_ in STAFF_USERS) + tuple(u for u, *_ in PATRON_USERS)


def demo_password(username: str) -> str:
    return f"{username}-pass"


def nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """n-th (1-based; -1 = last) weekday (Mon=0) of a month."""
    if n > 0:
        d = date(year, month, 1)
        d += timedelta(days=(weekday - d.weekday()) % 7 + 7 * (n - 1))
        return d
    d = date(year, month, calendar.monthrange(year, month)[1])
    return d - timedelta(days=(d.weekday() - weekday) % 7)


def public_holidays(year: int) -> list[tuple[date, str]]:
    return [
        (date(year, 1, 1), "New Year's Day"),
        (nth_weekday(year, 1, 0, 3), "Martin Luther King Jr. Day"),
        (nth_weekday(year, 2, 0, 3), "Presidents' Day"),
        (nth_weekday(year, 5, 0, -1), "Memorial Day"),
        (date(year, 6, 19), "Juneteenth"),
        (date(year, 7, 4), "Independence Day"),
        (nth_weekday(year, 9, 0, 1), "Labor Day"),
        (nth_weekday(year, 10, 0, 2), "Indigenous Peoples' Day"),
        (date(year, 11, 11), "Veterans Day"),
        (nth_weekday(year, 11, 3, 4), "Thanksgiving Day"),
        (date(year, 12, 24), "Christmas Eve"),
        (date(year, 12, 25), "Christmas Day"),
    ]
