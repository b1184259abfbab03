"""The catalog: materials by type and genre, authors, copies spread over the branches, with ISBN-13/ISBN-10
check digits, shelf marks and prices."""
from __future__ import annotations

from itertools import accumulate
from typing import Any, Iterator, Sequence

from scripts.demo import titles
from scripts.demo.reference import (
    AVAILABLE,
    COPY_STATUS,
    DAMAGED,
    DEWEY,
    GENRES,
    IN_TRANSIT,
    LANGUAGES,
    LOST,
    ON_HOLD_SHELF,
    ON_LOAN,
    TYPE_WEIGHTS,
    TYPES,
    WITHDRAWN,
)
from scripts.demo.state import Run, picker
from scripts.demo.units import DAY, OPEN_AT, cents
from scripts.demo.words import FILM_STUDIOS, FIRST_NAMES, LAST_NAMES, MAP_PUBLISHERS, PUBLISHERS


def isbn13_check(first12: str) -> str:
    s = sum(map(int, first12[0::2])) + 3 * sum(map(int, first12[1::2]))
    return str((10 - s % 10) % 10)


def isbn10_check(first9: str) -> str:
    s = sum(int(d) * (10 - i) for i, d in enumerate(first9))
    c = (11 - s % 11) % 11
    return "X" if c == 10 else str(c)


def isbn_is_valid(isbn: str) -> bool:
    if len(isbn) == 13 and isbn.isdigit():
        return isbn13_check(isbn[:12]) == isbn[12]
    if len(isbn) == 10 and isbn[:9].isdigit():
        return isbn10_check(isbn[:9]) == isbn[9]
    return False


def isbn_body(i: int) -> str:
    """Nine digits, a bijection of the material number: unique and scattered."""
    return f"{(387_420_489 * i + 104_729) % 1_000_000_000:09d}"




def plan(run: Run) -> None:
    s = run.scale
    rng = run.rng("catalog")
    r = rng.random
    n = s.materials
    book_genres = [gi for gi, g in enumerate(GENRES) if g[2] in ("fic", "mys", "sf", "nf", "bio", "cook", "kid", "poe")
                   and not (g[1] is None and g[0] in ("Fiction", "Non-fiction", "Children's"))]
    film_genres = [gi for gi, g in enumerate(GENRES) if g[2] in ("film", "doc") and g[1] is not None]
    mag_genre = next(gi for gi, g in enumerate(GENRES) if g[2] == "mag")
    map_genre = next(gi for gi, g in enumerate(GENRES) if g[2] == "map")
    pick_type = picker(rng, list(zip(range(len(TYPES)), TYPE_WEIGHTS)))
    run.mtype = mtype = [0] * n
    run.mgenre = mgenre = [0] * n
    run.mauthor = mauthor = [0] * n
    na = s.authors
    nbg, nfg = len(book_genres), len(film_genres)
    for i in range(n):
        t = pick_type()
        mtype[i] = t
        if t == 3:
            mgenre[i] = film_genres[int(r() * nfg)]
        elif t == 4:
            mgenre[i] = mag_genre
        elif t == 5:
            mgenre[i] = map_genre
        else:
            mgenre[i] = book_genres[int(r() * nbg)]
        mauthor[i] = int(na * r() ** 1.5)  # a few prolific authors
    # replacement cost in cents by type, priced like a shop (x.99, x.95, x.00)
    ranges = ((1299, 4499), (999, 1999), (2499, 5999), (1499, 2999), (499, 899), (799, 1999))
    run.mcost = mcost = [0] * n
    for i in range(n):
        lo, hi = ranges[mtype[i]]
        x = r()
        c = lo + int(x * (hi - lo))
        mcost[i] = c - c % 100 + (99 if x < 0.7 else 95 if x < 0.9 else 0)
    # copies: one per material, the rest to popular (low-numbered) titles; contiguous per material
    count = [1] * n
    for _ in range(s.copies - n):
        count[int(n * r() ** 2)] += 1
    run.mcopy_first = list(accumulate([0] + count[:-1]))
    run.mcopy_count = count
    nc = s.copies
    run.cmat = cmat = [0] * nc
    run.cbranch = cbranch = [0] * nc
    run.cstatus = cstatus = [AVAILABLE] * nc
    pick_branch = picker(rng, [(0, 0.4)] + [(b, 0.6 / (run.nb - 1)) for b in range(1, run.nb)])
    c = 0
    for i in range(n):
        for _ in range(count[i]):
            cmat[c] = i
            cbranch[c] = pick_branch()
            x = r()
            if x < 0.006:
                cstatus[c] = DAMAGED
            elif x < 0.010:
                cstatus[c] = WITHDRAWN
            elif x < 0.014:
                cstatus[c] = IN_TRANSIT
            c += 1


def write_authors(run: Run) -> None:
    s = run.scale
    rng = run.rng("authors")
    r = rng.random
    year = run.clock.to_date(run.clock.today).year
    nf, nl = len(FIRST_NAMES), len(LAST_NAMES)
    run.alast: list[str] = []
    base = run.base["authors"]

    def rows() -> Iterator[tuple]:
        for a in range(s.authors):
            first, last = FIRST_NAMES[int(r() * nf)], LAST_NAMES[int(r() * nl)]
            mid = f" {chr(65 + int(r() * 26))}." if r() < 0.3 else ""
            run.alast.append(last)
            born = died = None
            if r() < 0.7:
                born = 1890 + int(r() * 106)
                if born < 1945 and r() < 0.75:
                    died = min(year, born + 45 + int(r() * 50))
            yield (base + a + 1, f"{first}{mid} {last}", f"{last}, {first}{mid}", born, died)
    run.write("authors", rows(), s.authors)


def write_materials(run: Run) -> None:
    s, clock = run.scale, run.clock
    rng = run.rng("titles")
    r = rng.random

    def pick(seq: Sequence) -> Any:
        return seq[int(r() * len(seq))]

    years: dict[int, int] = {}

    def year_of(d: int) -> int:
        y = years.get(d)
        if y is None:
            y = years[d] = clock.to_date(d).year
        return y
    base, abase, gbase = run.base["materials"], run.base["authors"], run.genre_ids
    mtype, mgenre, mcreated = run.mtype, run.mgenre, run.mcreated
    current_year = clock.to_date(clock.today).year
    langs = picker(rng, LANGUAGES)
    npub = len(PUBLISHERS)
    kinds = [g[2] for g in GENRES]

    def rows() -> Iterator[tuple]:
        for i in range(s.materials):
            t = mtype[i]
            title, sub, desc = titles.title(pick, kinds[mgenre[i]], GENRES[mgenre[i]][0], t)
            made_year = year_of(mcreated[i] // DAY)
            if t == 4:
                year = made_year - int(r() * 3)
            else:
                year = current_year - int(75 * r() ** 2.2)
            year = min(year, made_year)
            isbn = None
            if t in (0, 1, 2) or (t == 5 and r() < 0.5):
                body = isbn_body(base + i + 1)
                if t == 0 and year < 2007 and r() < 0.35:
                    isbn = body + isbn10_check(body)
                else:
                    first12 = ("979" if r() < 0.08 else "978") + body
                    isbn = first12 + isbn13_check(first12)
            lang = langs() if t in (0, 1, 2) else "eng"
            pub = (FILM_STUDIOS[int(r() * len(FILM_STUDIOS))] if t == 3
                   else MAP_PUBLISHERS[int(r() * len(MAP_PUBLISHERS))] if t == 5 else PUBLISHERS[int(r() * npub)])
            yield (base + i + 1, title, sub, isbn, TYPES[t], gbase[mgenre[i]], pub, year, lang, desc,
                   cents(run.mcost[i]), clock.ts(mcreated[i]))
    run.write("materials", rows(), s.materials)

    # material_authors: first author is the planned one; some titles have a co-author, illustrator,
    # editor or translator; maps have none
    rng = run.rng("material_authors")
    r = rng.random
    na = s.authors
    kinds_m = [kinds[g] for g in range(len(GENRES))]

    def links() -> Iterator[tuple]:
        for i in range(s.materials):
            t = mtype[i]
            if t == 5:
                continue
            m, a1 = base + i + 1, run.mauthor[i]
            yield (m, abase + a1 + 1, 1, "EDITOR" if t == 4 else "AUTHOR")
            x = r()
            if x < 0.12 and t != 4:
                a2 = int(na * r())
                if a2 != a1:
                    k = kinds_m[mgenre[i]]
                    role = "ILLUSTRATOR" if k == "kid" else ("EDITOR" if x < 0.03 else "AUTHOR")
                    yield (m, abase + a2 + 1, 2, role)
    total = s.materials - sum(1 for t in mtype if t == 5)
    run.write("material_authors", links(), total)


def write_copies(run: Run) -> None:
    s, clock = run.scale, run.clock
    rng = run.rng("copies")
    r = rng.random
    base, mbase = run.base["copies"], run.base["materials"]
    kinds = [g[2] for g in GENRES]
    names = [g[0] for g in GENRES]
    notes = ["Spine worn", "Cover slightly torn", "Donated copy", "Large print", "Signed by the author",
             "Replacement copy", "Water damage on cover"]
    now = clock.now
    hold_shelf = run.hold_shelf_at

    def shelf(i: int) -> str:
        t, g = run.mtype[i], run.mgenre[i]
        who = run.alast[run.mauthor[i]][:3].upper()
        if t == 3:
            return f"DVD {who}"
        if t == 4:
            return "PER"
        if t == 5:
            return f"MAP 912.{int(r() * 90) + 10}"
        k = kinds[g]
        if k == "kid":
            return f"J {who}"
        if k in ("fic", "mys", "sf"):
            return f"FIC {who}"
        d = DEWEY.get(names[g], 1)
        return f"{d:03d}.{int(r() * 99):02d} {who}"

    def rows() -> Iterator[tuple]:
        for c in range(s.copies):
            i = run.cmat[c]
            st = run.cstatus[c]
            acq = run.cacq[c]
            last = run.last_ret.get(c)
            if st == ON_LOAN:
                changed = run.anchor[c]
            elif st == LOST:
                changed = run.lost_declared[c]
            elif st == ON_HOLD_SHELF:
                changed = hold_shelf[c]
            elif st == AVAILABLE:
                changed = last if last else acq * DAY + OPEN_AT
            else:  # in transit, damaged, withdrawn: some time after the last event
                lo = last if last else acq * DAY + OPEN_AT
                changed = lo + int(r() * (now - lo))
            price = cents(run.mcost[i]) if r() < 0.9 else None
            yield (base + c + 1, mbase + i + 1, run.branch_ids[run.cbranch[c]], f"C{base + c + 1:09d}",
                   COPY_STATUS[st], shelf(i), notes[int(r() * len(notes))] if r() < 0.03 else None, price,
                   clock.day(acq), clock.ts(changed))
    run.write("copies", rows(), s.copies)
