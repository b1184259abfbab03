"""Deterministic demo and scale data for the ILS, from a 200-title demo library to 1,000,000 titles.

    python -m scripts.demo_data --url URL [--scale demo|small|1m] [--materials N] [--loans N]
        [--copies N] [--patrons N] [--holds N] [--seed 42] [--no-progress] [--row-triggers]

What it writes, all in one transaction (nothing is dropped, no constraint is left switched off):
branches (MAIN kept, 2-4 more), closed days (public holidays library-wide plus two per branch, past and
within the next 60 days; weekends stay open), a few extra circulation policies, genres, authors,
materials with valid ISBN-13/ISBN-10 check digits, material_authors, copies, patrons, the demo users of
API_CONTRACT.md (`<username>-pass`, argon2), loans (returned, active, overdue, lost), holds (queues in
placement order, READY holds on the hold shelf, fulfilled/cancelled/expired history), fines for late and
lost loans and the payments of the paid ones. Then the identity sequences are moved past the ids used
and the tables are ANALYZEd.

Everything is planned in memory with seeded random streams (one per stage, so a change in one stage does
not reshuffle another), then streamed to the database with COPY (PostgreSQL) in foreign-key order.
Ids are given explicitly, counted on from the largest id already in each table. Every time is relative
to the database's own now() truncated to the second: the generated history runs up to the start of
that day, so overdue loans are overdue on the real date, nothing lies in the future, and the same seed
gives the same rows all day long (on another day the same catalog and people, the history shifted).

This is a data loader, not a business operation: rows are inserted with plain SQL, the way a migration
from another library system would arrive, and are built to satisfy what the packages expect (copy
status matches the open loan or hold, due dates skip closed days, fines follow the policy that applies,
ids ascend in time order). Engine-specific SQL lives in the _Target classes; the Oracle one uses
python-oracledb executemany and is untested here.
"""
from __future__ import annotations

import argparse
import calendar
import random
import sys
import time
from bisect import bisect_right
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime, timedelta
from itertools import accumulate
from typing import Any, Callable, Iterable, Iterator, Sequence

DAY = 86_400
HOUR = 3_600
MINUTE = 60
OPEN_AT = 9 * HOUR        # desks open 09:00-20:00: checkouts, returns and payments happen then
CLOSE_AT = 20 * HOUR
HISTORY_DAYS = 730        # returned loans spread over about two years before today

# ------------------------------------------------------------------------------------------------
# Scale
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scale:
    materials: int
    copies: int
    patrons: int
    loans: int
    authors: int
    holds: int
    branches: int

    @classmethod
    def of(cls, materials: int, loans: int | None = None, copies: int | None = None,
           patrons: int | None = None, authors: int | None = None, holds: int | None = None,
           branches: int | None = None) -> "Scale":
        loans = materials if loans is None else loans
        s = cls(materials=materials,
                copies=copies if copies is not None else max(materials, materials * 3 // 2),
                patrons=patrons if patrons is not None else max(50, materials // 10),
                loans=loans,
                authors=authors if authors is not None else max(40, min(materials // 2, int(materials ** 0.85))),
                holds=holds if holds is not None else max(20, loans // 20),
                branches=branches if branches is not None else (4 if materials < 100_000 else 5))
        s.validate()
        return s

    def validate(self) -> None:
        if self.materials < 20 or self.loans < 20 or self.patrons < 10 or self.authors < 10:
            raise ValueError(f"scale too small (need materials, loans >= 20, patrons, authors >= 10): {self}")
        if self.copies < self.materials:
            raise ValueError(f"every material needs a copy: copies ({self.copies}) < materials ({self.materials})")
        if not 3 <= self.branches <= 5:
            raise ValueError("branches must be 3 to 5 in total (MAIN included)")
        if self.holds < 10:
            raise ValueError("holds must be >= 10")
        if self.loans > 20 * self.copies:
            raise ValueError("at most 20 loans per copy")


PRESETS: dict[str, Scale] = {
    "demo": Scale.of(200, loans=300, copies=500, patrons=100, authors=90, holds=30, branches=4),
    "small": Scale.of(5_000, loans=10_000, copies=12_000, patrons=1_500),
    "1m": Scale.of(1_000_000, loans=1_000_000, copies=1_500_000, patrons=100_000),
}


def resolve_scale(scale: "str | int | Scale") -> Scale:
    if isinstance(scale, Scale):
        return scale
    if isinstance(scale, int):
        return Scale.of(scale)
    key = str(scale).strip().lower()
    if key in PRESETS:
        return PRESETS[key]
    if key.isdigit():
        return Scale.of(int(key))
    raise ValueError(f"unknown scale {scale!r}: use one of {sorted(PRESETS)} or a number of materials")


# ------------------------------------------------------------------------------------------------
# Word lists (written for this generator)
# ------------------------------------------------------------------------------------------------

FIRST_NAMES = (
    "Abigail Adrian Agnes Alan Alba Alden Alice Amara Amos Anika Ansel Arlo Astrid Audra Beatrix Bennett "
    "Bianca Blake Bram Bridget Caleb Camille Cassius Cecily Celia Clara Colm Cora Corin Dalia Daniel Delphine "
    "Desmond Dorian Edith Eleanor Elias Elise Emil Esme Ezra Farah Felix Fiona Flora Gideon Greta Hale Hannah "
    "Harriet Hazel Henrik Ida Imogen Ines Ira Isaac Ivy Jasper Joanna Jonah Josephine Jude Julian June Kai "
    "Kamala Keiko Lars Leah Leon Lila Linus Lorena Lucian Lydia Mabel Magnus Malik Marguerite Mateo Maya Milo "
    "Mina Miriam Nadia Nell Nico Nora Oren Orla Otis Paloma Perrin Philippa Priya Quentin Rafael Rhea Rosalind "
    "Rowan Ruth Sabine Sami Selma Silas Simone Soren Stellan Tamsin Teodor Thea Tobias Una Ursula Valentin "
    "Vera Wendell Willa Wren Xavier Yara Yusuf Zadie Zora").split()
LAST_NAMES = (
    "Abernathy Achterberg Adeyemi Albright Alcott Ambrose Ashdown Ashworth Bachmann Bairstow Balfour Barlowe "
    "Beaumont Bellamy Blackwood Blythe Borrow Bramwell Brennan Brightwater Calloway Carden Carrow Castellan "
    "Chandra Coldwell Corliss Crane Dabrowski Dalgleish Davenport Delacroix Desai Drummond Dunmore Eastlake "
    "Ellery Endicott Everly Fairbairn Falkner Farrow Fenwick Ferreira Fitzroy Fontaine Gallagher Garrick "
    "Greaves Greenhalgh Gulliver Halloran Harcourt Hargreave Hartwell Hawthorne Heathcote Holloway Hurst "
    "Ibarra Ingram Ishikawa Jansen Jessup Kavanagh Kestrel Kingsley Kowalczyk Lachance Lancaster Larkin "
    "Leclerc Lindqvist Lockhart Lowell Lucero Mackintosh Maddox Marchetti Marlowe Merriweather Montague "
    "Moreau Nakamura Narayan Netherby Nightingale Northcott Novak Oakley Okafor Okonkwo Ormsby Pemberton "
    "Penhallow Prescott Quarrie Quintero Radcliffe Ravenscroft Redfern Rhodes Rinaldi Rosenthal Rowntree "
    "Salcedo Sandoval Seward Sheridan Sinclair Sorensen Stanhope Sterling Strand Sutherland Tanaka Templeton "
    "Thackeray Thornbury Trevelyan Underhill Vance Vasquez Verhoeven Wakefield Waverley Whitcombe Whitfield "
    "Wilder Winslow Wolcott Wycliffe Yardley Yoshida Zeller Zielinski").split()
ADJECTIVES = (
    "Amber Ashen Autumn Bitter Blue Borrowed Broken Burning Crimson Crooked Distant Drowned Emerald Empty "
    "Endless Fallen Fading Forgotten Frozen Gilded Glass Golden Hidden Hollow Iron Last Lesser Little Lonely "
    "Lost Midnight Narrow Northern Painted Pale Patient Quiet Restless Salt Scarlet Secret Silent Silver "
    "Sleeping Small Southern Stolen Strange Summer Sunken Tangled Tender Thousand Unfinished Vanishing "
    "Wandering Wild Winter Wooden Wounded").split()
NOUNS = (
    "Archive Bell Bridge Cartographer Castle Cellar Chorus Clockmaker Compass Crossing Crown Daughter Debt "
    "Dowry Ember Estate Feather Ferryman Field Garden Gate Glasshouse Harbor Harvest Heir Hour Island Key "
    "Lantern Ledger Letter Lighthouse Locket Map Meadow Mirror Mill Orchard Passage River Room Sea Shadow "
    "Shore Silence Sister Sparrow Star Stone Storm Tide Tower Valley Violin Voyage Watchman Well Widow "
    "Wind Winter Witness").split()
PLURALS = (
    "Apples Birds Bones Bridges Candles Crows Embers Fires Ghosts Gods Horses Islands Keys Lanterns Letters "
    "Lions Maps Mirrors Moths Orchards Rivers Saints Secrets Ships Sisters Songs Stars Stones Strangers Tides "
    "Towers Wolves").split()
ABSTRACTS = (
    "Absence Ashes Belonging Courage Desire Distance Exile Forgetting Fortune Grace Grief Hunger Innocence "
    "Longing Mercy Memory Mischief Promise Reckoning Salt Silence Sorrow Surrender Tomorrow Wonder").split()
PLACES = ["Ashford", "Blackwater", "Bramble Hill", "Calder Bay", "Coldharbour", "Copper Ridge", "Eastmere",
          "Elderwood", "Fallowmere", "Glenmoor", "Greyhaven", "Harrow Bay", "Hollowell", "Kestrel Island",
          "Larkspur Hollow", "Lindenfield", "Marrowdale", "Millbrook", "Northmoor", "Oakhaven", "Pellham",
          "Quarry End", "Ravensholt", "Saltmarsh", "Silverlake", "Stonebridge", "Thornwick", "Upper Dunmore",
          "Wexley", "Willowmere", "Wrenfield"]
OCCUPATIONS = ("Apothecary Astronomer Bookbinder Cartographer Clockmaker Diver Ferryman Gardener Glassblower "
               "Innkeeper Keeper Lacemaker Locksmith Midwife Navigator Organist Potter Printer Surveyor "
               "Tailor Translator Weaver").split()
SEASONS = ["Spring", "Summer", "Autumn", "Winter", "the Dry Season", "the Long Rains", "a Cold Year"]
ANIMALS = ("Badger Bear Beaver Crow Duckling Elephant Fox Frog Giraffe Goose Hedgehog Kitten Lion Mole Moose "
           "Mouse Otter Owl Panda Penguin Puffin Rabbit Squirrel Tortoise Walrus Whale Wolf").split()
KID_ADJ = ("Brave Busy Curious Giggly Grumpy Hungry Little Messy Noisy Shy Sleepy Tiny Wobbly").split()
TOPICS = ("Astronomy Bees Bread Bridges Cities Clouds Coffee Color Democracy Earthquakes Fermentation Forests "
          "Fungi Gardening Glaciers Islands Language Light Maps Mathematics Memory Migration Money Mountains "
          "Music Navigation Oceans Paper Photography Rivers Salt Sleep Soil Spices Stone Textiles Time "
          "Trains Weather Wine Writing").split()
GENRE_TOPICS = {  # non-fiction topics by genre; others draw from TOPICS
    "History": "Empires Harbors Castles Railways Plagues Revolutions Cathedrals Canals Guilds Navies Libraries".split(),
    "Science": "Astronomy Light Time Mathematics Memory Earthquakes Glaciers Clouds Atoms Genetics Chemistry".split(),
    "Nature": "Forests Fungi Bees Rivers Oceans Birds Wolves Wetlands Mountains Soil Islands Moths".split(),
    "Travel": "Islands Trains Mountains Rivers Cities Deserts Harbors Coastlines Villages".split(),
    "Health & Wellness": "Sleep Breathing Walking Posture Nutrition Stress Running Balance".split(),
    "Business": "Money Negotiation Leadership Markets Startups Trade Accounting Strategy".split(),
    "Philosophy": "Ethics Memory Time Language Happiness Friendship Justice Doubt".split(),
    "Art & Photography": "Color Light Photography Portraits Sculpture Drawing Printmaking Design".split(),
    "Music": "Music Harmony Rhythm Jazz Choirs Violins Songwriting Opera".split(),
    "Politics & Society": "Democracy Cities Migration Language Borders Elections Neighbors Work".split(),
    "Technology": "Computers Bridges Paper Navigation Engines Networks Clocks Printing".split(),
    "Self-Help": "Habits Focus Rest Courage Kindness Patience Decluttering Confidence".split(),
}
GERUNDS = ("Baking Listening Walking Drawing Negotiating Gardening Sailing Reading Remembering Teaching "
           "Building Foraging Mending Writing Resting Saving").split()
CUISINES = ["Coastal", "Mountain", "Weeknight", "Village", "Harvest", "Slow", "Small-Batch", "Family"]
SUBJECTS = ["a retired schoolteacher", "two estranged sisters", "a young cartographer", "a widowed innkeeper",
            "an apprentice clockmaker", "a disgraced detective", "a ship's doctor", "three childhood friends",
            "a reluctant heir", "a travelling musician", "a small-town librarian", "an exiled archivist",
            "a lighthouse keeper's daughter", "a botanist on her first expedition", "a grieving father"]
PLOTS = ["uncovering a long-buried family secret", "drawn back into a case everyone wants forgotten",
         "searching for a brother who vanished decades ago", "forced to choose between loyalty and love",
         "caught up in a quarrel that divides a whole town", "inheriting a house full of locked rooms",
         "chasing a rumour across a frozen coast", "trying to keep a failing orchard alive",
         "answering a letter written forty years too late", "setting out on a journey nobody planned"]
SETTINGS = ["in a remote mountain village", "on a storm-battered island", "in a crumbling seaside hotel",
            "during the last summer before the war", "in a city that never quite sleeps",
            "along a river that floods every spring", "in the years after the mill closed",
            "at the edge of an uncharted forest", "aboard a slow ship heading south"]
DESC_ADJ = ["gripping", "tender", "sweeping", "quietly devastating", "witty", "atmospheric", "haunting",
            "warm-hearted", "suspenseful", "lyrical"]
NONFIC_DESC = ["An accessible introduction to {t} for curious readers.",
               "A lively history of {t}, from its origins to the present day.",
               "Practical advice and clear explanations about {t}, with illustrations.",
               "Essays that look at {t} from unexpected angles.",
               "A field guide to {t}, written for beginners and enthusiasts alike."]
# title patterns: each a function of a picker `c` (and a topic or an animal); only the chosen one is built
def _the_a(c: Callable, words: Sequence[str]) -> str:
    return _a(c(words), capital=True)


MAGAZINE_TITLES = [lambda c: f"{c(TOPICS)} Monthly", lambda c: f"The {c(PLACES)} Quarterly",
                   lambda c: f"{c(ADJECTIVES)} Living", lambda c: f"{c(TOPICS)} Today",
                   lambda c: f"{c(CUISINES)} Kitchen Magazine"]
MAGAZINE_ISSUES = [lambda c: f"Vol. {c(range(1, 41))}, No. {c(range(1, 13))}"]
MAP_REGIONS = ["Northern Lakes", "Coastal Counties", "Western Highlands", "River Valleys"]
MAP_TITLES = [lambda c: f"{c(PLACES)} Street Map", lambda c: f"Road Atlas of the {c(MAP_REGIONS)}",
              lambda c: f"Topographic Map of {c(PLACES)}", lambda c: f"Walking Trails of {c(PLACES)}"]
MAP_SUBTITLES = [lambda c: None, lambda c: "Folded map", lambda c: f"Scale 1:{c(['25,000', '50,000', '100,000'])}"]
BIO_TITLES = [lambda c: f"A Life in {c(PLURALS)}", lambda c: f"The {c(OCCUPATIONS)} of {c(PLACES)}",
              lambda c: f"Notes from {c(PLACES)}", lambda c: f"My Years at {c(PLACES)}",
              lambda c: f"{c(FIRST_NAMES)}: A Life"]
BIO_SUBTITLES = [None, "A Memoir", "A Biography", "Letters and Diaries"]
BIO_TOLD = ["with candour", "in their own words", "through letters and interviews"]
COOK_TITLES = [lambda c: f"The {c(CUISINES)} Kitchen", lambda c: f"{c(CUISINES)} Suppers",
               lambda c: f"A Year of {c(['Soups', 'Breads', 'Pies', 'Salads', 'Preserves', 'Stews'])}",
               lambda c: f"Cooking with {c(['Salt', 'Smoke', 'Herbs', 'Spices', 'Grains', 'Citrus'])}"]
COOK_SUBTITLES = [lambda c: None, lambda c: f"{c(range(50, 200))} Recipes for Every Day",
                  lambda c: "Simple Food for Busy People"]
COOK_PLACES = ["coastal", "mountain", "village", "city", "island", "farmhouse"]
NONFIC_TITLES = [lambda c, t: f"A Short History of {t}", lambda c, t: f"The Art of {c(GERUNDS)}",
                 lambda c, t: f"Understanding {t}", lambda c, t: f"The Science of {t}",
                 lambda c, t: f"Inside the {c(NOUNS)}", lambda c, t: f"The Hidden Life of {t}",
                 lambda c, t: f"How {c(PLURALS)} Shaped the World", lambda c, t: f"{t} and the Modern World",
                 lambda c, t: f"The Secret History of {t}", lambda c, t: f"Walking the {c(PLACES)} Coast"]
NONFIC_SUBTITLES = [lambda c: None, lambda c: None, lambda c: "A Beginner's Guide",
                    lambda c: f"From {c(PLACES)} to {c(PLACES)}", lambda c: "An Illustrated History",
                    lambda c: "What Everyone Should Know"]
DOC_YEARS = range(2, 11)
KID_TITLES = [lambda c, a: f"{c(FIRST_NAMES)} and the {c(KID_ADJ)} {a}", lambda c, a: f"The {c(KID_ADJ)} {a}",
              lambda c, a: f"Goodnight, {c(KID_ADJ)} {a}", lambda c, a: f"Where Is {c(FIRST_NAMES)}'s {c(NOUNS)}?",
              lambda c, a: f"The {a} Who Wanted {_a(c(NOUNS))}", lambda c, a: f"{a} Goes to {c(PLACES)}"]
KID_VIRTUES = ["brave", "patient", "kind", "curious", "gentle", "honest"]
POETRY_TITLES = [lambda c: f"{c(PLURALS)} of {c(ABSTRACTS)}", lambda c: f"Poems from {c(PLACES)}",
                 lambda c: f"The {c(ADJECTIVES)} Hour", lambda c: f"Songs for {c(SEASONS)}"]
POETRY_SUBTITLES = [None, "Poems", "New and Selected Poems"]
MYSTERY_TITLES = [lambda c: f"Death at {c(PLACES)}", lambda c: f"The {c(PLACES)} Affair",
                  lambda c: f"Murder on the {c(ADJECTIVES)} {c(NOUNS)}", lambda c: f"The {c(ADJECTIVES)} Witness",
                  lambda c: f"{_the_a(c, NOUNS)} for the Dead", lambda c: f"The {c(NOUNS)} Keeper's Secret",
                  lambda c: f"{c(ADJECTIVES)} Water", lambda c: f"Nobody Leaves {c(PLACES)}"]
MYSTERY_SUBTITLES = [lambda c: None, lambda c: None, lambda c: "A Mystery",
                     lambda c: f"An Inspector {c(LAST_NAMES)} Mystery", lambda c: "A Thriller"]
SF_TITLES = [lambda c: f"The {c(ADJECTIVES)} Protocol", lambda c: f"Beyond the {c(NOUNS)}",
             lambda c: f"{c(ADJECTIVES)} Orbit", lambda c: f"The {c(NOUNS)} Engine",
             lambda c: f"Children of the {c(ADJECTIVES)} {c(NOUNS)}", lambda c: f"The {c(PLURALS)} of {c(PLACES)}",
             lambda c: f"A Crown of {c(PLURALS)}", lambda c: f"The Last {c(OCCUPATIONS)}"]
SF_SUBTITLES = [lambda c: None, lambda c: None,
                lambda c: f"Book {c(range(1, 5))} of the {c(ADJECTIVES)} {c(NOUNS)} Cycle"]
FICTION_TITLES = [lambda c: f"The {c(ADJECTIVES)} {c(NOUNS)}", lambda c: f"The {c(NOUNS)} of {c(PLACES)}",
                  lambda c: f"{_the_a(c, NOUNS)} in {c(SEASONS)}",
                  lambda c: f"The {c(OCCUPATIONS)}'s {c(['Daughter', 'Son', 'Wife', 'Apprentice', 'Secret', 'Journey'])}",
                  lambda c: f"The Last {c(NOUNS)}", lambda c: f"Beneath the {c(ADJECTIVES)} {c(NOUNS)}",
                  lambda c: f"{c(PLURALS)} of {c(ABSTRACTS)}", lambda c: f"The {c(NOUNS)} and the {c(NOUNS)}",
                  lambda c: f"All the {c(ADJECTIVES)} {c(PLURALS)}", lambda c: f"What the {c(NOUNS)} Knew",
                  lambda c: f"Letters from {c(PLACES)}", lambda c: f"A House in {c(PLACES)}"]
FICTION_SUBTITLES = [None, None, None, "A Novel", "Stories"]
NOVEL_WORDS = ["novel", "story", "tale"]
PUBLISHERS = ["Harrowgate Press", "Blue Heron Books", "Lantern Street Publishing", "Meridian House",
              "Copperleaf & Lowe", "Stonebridge Editions", "Northlight Books", "Quillfeather Press",
              "Tidewater Publishing", "Oak & Anchor", "Fernhill Books", "Half Moon Editions", "Larkspur Press",
              "Kestrel Publishing", "Greywell House", "Brightwater Books", "Saltmarsh Press", "Marrowdale Editions",
              "Wexley & Finch", "Amberline Books", "Old Mill Press", "Riverbend Publishing", "Lindenfield Books",
              "Paper Lantern Press", "Silver Birch Editions", "Cobblestone Press", "Westward House"]
FILM_STUDIOS = ["Harbor Light Films", "Tall Pines Media", "Northern Reel Pictures"]
MAP_PUBLISHERS = ["Greenleaf Atlas Co.", "Compass Rose Cartography"]
TOWNS = ["Ashford", "Millbrook", "Oakhaven", "Lindenfield", "Wrenfield", "Stonebridge", "Calder Bay"]
STREETS = ["Maple", "Elm", "Cedar", "Willow", "Chestnut", "Orchard", "Mill", "Church", "Station", "River",
           "Harbor", "Meadow", "Park", "Quarry", "Linden", "Hawthorn", "Kingfisher", "Foundry"]
STREET_KINDS = ["Street", "Avenue", "Road", "Lane", "Close", "Way", "Terrace"]

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


# ------------------------------------------------------------------------------------------------
# Small helpers
# ------------------------------------------------------------------------------------------------


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


def _isbn_body(i: int) -> str:
    """Nine digits, a bijection of the material number: unique and scattered."""
    return f"{(387_420_489 * i + 104_729) % 1_000_000_000:09d}"


def _a(word: str, capital: bool = False) -> str:
    """The word with its indefinite article: "an Orchard", or "An Orchard" to start a sentence."""
    article = "an" if word[0].lower() in "aeiou" else "a"
    return f"{article.capitalize() if capital else article} {word}"


def _cents(c: int) -> str:
    return f"{c // 100}.{c % 100:02d}"


def _to_cents(s: str) -> int:
    whole, _, frac = s.partition(".")
    return int(whole) * 100 + int((frac + "00")[:2])


class _Clock:
    """Times are whole seconds since 1970 (UTC, naive); strings are formatted once per day.

    `db_now` is the database's now() truncated to the second; the generated history ends at `now`, the
    start of that day, so the same seed gives the same rows all day long and nothing lies in the future.
    """

    def __init__(self, db_now: datetime):
        self.db_now = calendar.timegm(db_now.replace(microsecond=0).timetuple())
        self.today = self.db_now // DAY
        self.now = self.today * DAY
        self._days: dict[int, str] = {}
        self._tod = [f"{h:02d}:{m:02d}:{s:02d}" for h in range(24) for m in range(60) for s in range(60)]

    def day_str(self, d: int) -> str:
        s = self._days.get(d)
        if s is None:
            s = self._days[d] = (date(1970, 1, 1) + timedelta(days=d)).isoformat()
        return s

    def ts(self, t: int | None) -> str | None:
        if t is None:
            return None
        return f"{self.day_str(t // DAY)} {self._tod[t % DAY]}"

    def day(self, d: int | None) -> str | None:
        return None if d is None else f"{self.day_str(d)} 00:00:00"

    @staticmethod
    def to_date(d: int) -> date:
        return date(1970, 1, 1) + timedelta(days=d)

    @staticmethod
    def from_date(x: date) -> int:
        return (x - date(1970, 1, 1)).days


def _snap_back(t: int) -> int:
    """The latest opening-hours time not after t (desk activity happens 09:00-20:00)."""
    tod = t % DAY
    if OPEN_AT <= tod < CLOSE_AT:
        return t
    base = t - tod
    if tod < OPEN_AT:
        base -= DAY
    return base + CLOSE_AT - HOUR + (tod % HOUR)


def _picker(rng: random.Random, pairs: Sequence[tuple[Any, float]]) -> Callable[[], Any]:
    values = [v for v, _ in pairs]
    cum = list(accumulate(w for _, w in pairs))
    total = cum[-1]
    r = rng.random

    def pick() -> Any:
        return values[bisect_right(cum, r() * total)]
    return pick


def _progress(iterable: Iterable, total: int, desc: str, enabled: bool) -> Iterable:
    if not enabled:
        return iterable
    from tqdm import tqdm
    return tqdm(iterable, total=total, desc=f"{desc:<17}", unit="row", unit_scale=True, leave=True,
                mininterval=0.5, file=sys.stderr)


# ------------------------------------------------------------------------------------------------
# Engines: everything engine-specific is in these classes
# ------------------------------------------------------------------------------------------------

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


def _names(table: str) -> list[str]:
    return [c.rstrip("@$") for c in COLUMNS[table]]


class _Target:
    engine = "?"

    def scalar(self, sql: str, params: Sequence = ()) -> Any: ...
    def rows(self, sql: str, params: Sequence = ()) -> list[tuple]: ...
    def write(self, table: str, rows: Iterable[Sequence]) -> int: ...
    def reset_identity(self, table: str, column: str) -> None: ...
    def finish(self, tables: Sequence[str]) -> None: ...  # gather statistics, run deferred checks, commit
    def close(self) -> None: ...

    def max_id(self, table: str) -> int:
        return int(self.scalar(f"SELECT COALESCE(MAX({ID_COLUMN[table]}), 0) FROM {table}") or 0)


class _PgTarget(_Target):
    """psycopg 3: COPY ... FROM STDIN with write_row, all in one transaction.

    Row-by-row foreign-key triggers are most of the cost of a bulk load (each one locks its parent row),
    so when the role may, the load runs with session_replication_role = replica for this transaction
    only (SET LOCAL, as pg_restore --disable-triggers does) and then checks every foreign key of the
    written tables set-based, one anti-join each, before it commits: a broken reference rolls back the
    whole load. CHECK, NOT NULL and unique constraints are enforced as usual throughout. The same setting
    also keeps row triggers (an audit trail, say) from firing for the bulk rows. Without the privilege
    the load runs with the triggers on.
    """
    engine = "postgresql"

    def __init__(self, url: str, fast: bool = True):
        import psycopg
        from urllib.parse import urlsplit
        parts = urlsplit(url)
        self.conn = psycopg.connect(parts._replace(scheme="postgresql").geturl(), autocommit=False)
        self.conn.execute("SET LOCAL synchronous_commit = off")
        self.deferred_fk_check = False
        if fast and self.scalar("SELECT rolsuper FROM pg_roles WHERE rolname = current_user"):
            self.conn.execute("SET LOCAL session_replication_role = replica")
            self.deferred_fk_check = True

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s")

    def scalar(self, sql, params=()):
        row = self.conn.execute(self._sql(sql), params).fetchone()
        return None if row is None else row[0]

    def rows(self, sql, params=()):
        return self.conn.execute(self._sql(sql), params).fetchall()

    def write(self, table, rows):
        n = 0
        with self.conn.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(_names(table))}) FROM STDIN") as cp:
            for row in rows:
                cp.write_row(row)
                n += 1
        return n

    def reset_identity(self, table, column):
        self.conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), m) "
                          f"FROM (SELECT MAX({column}) AS m FROM {table}) s WHERE m IS NOT NULL")

    def finish(self, tables):
        # statistics first (ANALYZE samples this transaction's own rows), so the checks below plan well
        self.conn.execute("ANALYZE " + ", ".join(tables))
        if self.deferred_fk_check:
            self.check_foreign_keys(tables)
        self.conn.commit()

    def check_foreign_keys(self, tables: Sequence[str]) -> None:
        fks = self.rows(
            "SELECT c.conname, c.conrelid::regclass::text, c.confrelid::regclass::text, "
            "       ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(n, i) "
            "             JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i), "
            "       ARRAY(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY k(n, i) "
            "             JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.i) "
            "  FROM pg_constraint c WHERE c.contype = 'f' AND c.conrelid = ANY(?::regclass[]) ORDER BY 1",
            (list(tables),))
        broken = []
        for name, child, parent, ccols, pcols in fks:
            present = " AND ".join(f"c.{col} IS NOT NULL" for col in ccols)
            match = " AND ".join(f"p.{pc} = c.{cc}" for cc, pc in zip(ccols, pcols))
            n = self.scalar(f"SELECT COUNT(*) FROM {child} c WHERE {present} "
                            f"AND NOT EXISTS (SELECT 1 FROM {parent} p WHERE {match})")
            if n:
                broken.append(f"{name}: {n} row(s) of {child}")
        if broken:
            raise RuntimeError("foreign keys broken by the generated data (nothing was loaded): " + "; ".join(broken))

    def close(self):
        self.conn.close()


class _OracleTarget(_Target):
    """python-oracledb: executemany in batches, TO_DATE for DATE columns. Not exercised by the tests here."""
    engine = "oracle"
    BATCH = 20_000

    def __init__(self, url: str):
        from api.db.session import connect
        self.conn = connect(url).raw

    def _sql(self, sql: str) -> str:
        out, n = [], 0
        for ch in sql:
            if ch == "?":
                n += 1
                out.append(f":{n}")
            else:
                out.append(ch)
        return "".join(out)

    def scalar(self, sql, params=()):
        with self.conn.cursor() as cur:
            cur.execute(self._sql(sql), list(params))
            row = cur.fetchone()
        return None if row is None else row[0]

    def rows(self, sql, params=()):
        with self.conn.cursor() as cur:
            cur.execute(self._sql(sql), list(params))
            return cur.fetchall()

    def write(self, table, rows):
        cols = COLUMNS[table]
        binds = [f"TO_DATE(:{i + 1}, 'YYYY-MM-DD HH24:MI:SS')" if c.endswith("@")
                 else f"TO_NUMBER(:{i + 1}, '9999999990D99', 'NLS_NUMERIC_CHARACTERS=''.,''')" if c.endswith("$")
                 else f":{i + 1}" for i, c in enumerate(cols)]
        sql = f"INSERT INTO {table} ({', '.join(_names(table))}) VALUES ({', '.join(binds)})"
        import oracledb
        n, batch = 0, []

        def flush(cur) -> None:
            # bind types from the first non-NULL value of each column (a leading NULL says nothing)
            sizes = []
            for i in range(len(cols)):
                v = next((b[i] for b in batch if b[i] is not None), None)
                sizes.append(oracledb.DB_TYPE_NUMBER if isinstance(v, (int, float)) else 4000 if v is None
                             else max(1, max(len(b[i]) for b in batch if b[i] is not None)))
            cur.setinputsizes(*sizes)
            cur.executemany(sql, batch)

        with self.conn.cursor() as cur:
            for row in rows:
                batch.append(list(row))
                if len(batch) >= self.BATCH:
                    flush(cur)
                    n += len(batch)
                    batch = []
            if batch:
                flush(cur)
                n += len(batch)
        return n

    def reset_identity(self, table, column):
        # DDL: Oracle commits the load here (it runs after the last row is written)
        with self.conn.cursor() as cur:
            cur.execute(f"ALTER TABLE {table} MODIFY {column} GENERATED BY DEFAULT AS IDENTITY (START WITH LIMIT VALUE)")

    def finish(self, tables):
        self.conn.commit()
        with self.conn.cursor() as cur:
            for t in tables:
                cur.execute("BEGIN DBMS_STATS.GATHER_TABLE_STATS(USER, :1); END;", [t.upper()])

    def close(self):
        self.conn.close()


def _target(url: str, row_triggers: bool = False) -> _Target:
    scheme = url.split(":", 1)[0].split("+")[0].lower()
    if scheme in ("postgresql", "postgres"):
        return _PgTarget(url, fast=not row_triggers)
    if scheme == "oracle":
        return _OracleTarget(url)
    raise ValueError(f"unsupported database URL scheme {scheme!r}")


def _now_sql(engine: str) -> str:
    """The packages' clock (UTC, to the second), whatever the host's or the session's time zone."""
    return "SELECT lib_clock.now_utc() FROM dual" if engine == "oracle" else "SELECT lib_clock.now_utc()"


# ------------------------------------------------------------------------------------------------
# Calendar: public holidays and branch closures
# ------------------------------------------------------------------------------------------------


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
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
        (_nth_weekday(year, 1, 0, 3), "Martin Luther King Jr. Day"),
        (_nth_weekday(year, 2, 0, 3), "Presidents' Day"),
        (_nth_weekday(year, 5, 0, -1), "Memorial Day"),
        (date(year, 6, 19), "Juneteenth"),
        (date(year, 7, 4), "Independence Day"),
        (_nth_weekday(year, 9, 0, 1), "Labor Day"),
        (_nth_weekday(year, 10, 0, 2), "Indigenous Peoples' Day"),
        (date(year, 11, 11), "Veterans Day"),
        (_nth_weekday(year, 11, 3, 4), "Thanksgiving Day"),
        (date(year, 12, 24), "Christmas Eve"),
        (date(year, 12, 25), "Christmas Day"),
    ]


# ------------------------------------------------------------------------------------------------
# The generator
# ------------------------------------------------------------------------------------------------


@dataclass
class _Policy:
    policy_id: int
    branch_id: int | None
    category: str | None
    mtype: str | None
    loan_days: int
    max_renewals: int
    daily_fine: int      # cents
    grace_days: int
    max_fine: int        # cents
    pickup_days: int
    holdable: bool
    lost_after: int


class _Loader:
    def __init__(self, target: _Target, scale: Scale, seed: int, progress: bool):
        self.db = target
        self.scale = scale
        self.seed = seed
        self.progress = progress
        self.counts: dict[str, int] = {}
        self.timings: dict[str, float] = {}
        self.clock = _Clock(target.rows(_now_sql(target.engine))[0][0])

    # -- infrastructure --------------------------------------------------------------------------
    def rng(self, stage: str) -> random.Random:
        return random.Random(f"{self.seed}:{stage}")

    def _write(self, table: str, rows: Iterable[Sequence], total: int) -> None:
        t0 = time.perf_counter()
        n = self.db.write(table, _progress(rows, total, table, self.progress))
        self.counts[table] = self.counts.get(table, 0) + n
        self.timings[f"write {table}"] = round(self.timings.get(f"write {table}", 0) + time.perf_counter() - t0, 2)

    def _timed(self, name: str, fn: Callable[[], Any]) -> Any:
        t0 = time.perf_counter()
        out = fn()
        self.timings[name] = round(time.perf_counter() - t0, 2)
        return out

    # -- stages ----------------------------------------------------------------------------------
    def run(self) -> None:
        existing = self.db.rows("SELECT username FROM users WHERE username IN (" +
                                ", ".join("?" for _ in DEMO_USERNAMES) + ")", DEMO_USERNAMES)
        if existing:
            raise RuntimeError(f"demo users already present ({', '.join(r[0] for r in existing)}): "
                               "load demo data into a freshly installed database")
        self.base = {t: self.db.max_id(t) for t in ID_COLUMN}
        self._timed("reference rows + argon2", self.reference_rows)
        self._timed("plan catalog", self.plan_catalog)
        self._timed("plan patrons", self.plan_patrons)
        self._timed("plan loans", self.plan_loans)
        self._timed("plan dates", self.plan_dates)
        self._timed("plan holds", self.plan_holds)
        self._timed("plan fines", self.plan_fines)
        self.write_authors()
        self.write_materials()
        self.write_copies()
        self.write_patrons()
        self.write_loans()
        self.write_holds()
        self.write_fines()
        t0 = time.perf_counter()
        for table, column in ID_COLUMN.items():
            self.db.reset_identity(table, column)
        self.timings["reset identities"] = round(time.perf_counter() - t0, 2)

    # -- reference rows: branches, closed days, policies, genres, users --------------------------
    def reference_rows(self) -> None:
        db, clock = self.db, self.clock
        branches = {code: bid for bid, code in db.rows("SELECT branch_id, code FROM branches")}
        if "MAIN" not in branches:
            raise RuntimeError("branch MAIN is missing: install the reference data first")
        new = []
        next_id = self.base["branches"]
        for code, name, address, phone, email in BRANCH_POOL[: self.scale.branches - 1]:
            if code not in branches:
                next_id += 1
                branches[code] = next_id
                new.append((next_id, code, name, address, phone, email, "Y"))
        self._write("branches", new, len(new))
        self.branch_codes = ["MAIN"] + [b[0] for b in BRANCH_POOL[: self.scale.branches - 1]]
        self.branch_ids = [branches[c] for c in self.branch_codes]
        self.nb = len(self.branch_ids)

        # closed days: public holidays library-wide, two closures per branch, never today
        rng = self.rng("closed_days")
        today = clock.today
        lo, hi = today - 120, today + 60
        wide: dict[int, str] = {}
        for year in range(clock.to_date(lo).year, clock.to_date(hi).year + 1):
            for d, name in public_holidays(year):
                n = clock.from_date(d)
                if lo <= n <= hi and n != today:
                    wide[n] = name
        for upcoming, offsets in ((False, (-45, -75, -20, -100)), (True, (17, 38, 9, 52))):
            for off in offsets:  # at least two library-wide closures on each side of today
                if sum(1 for n in wide if (n > today) == upcoming) >= 2:
                    break
                n = self._weekday(today + off)
                if n not in wide and n != today and lo <= n <= hi:
                    wide[n] = "Staff development day"
        rows = []
        cid = self.base["closed_days"]
        for n in sorted(wide):
            cid += 1
            rows.append((cid, None, clock.day(n), wide[n]))
        past_reasons = ["Building maintenance", "Heating repair", "Electrical work", "Roof repair", "Flood cleanup"]
        next_reasons = ["Inventory day", "Staff training", "Network upgrade", "Floor refinishing", "Window replacement"]
        self.closed: dict[int, set[int]] = {}
        for bi, bid in enumerate(self.branch_ids):
            own = set()
            for sign, reasons, span in ((-1, past_reasons, (5, 100)), (1, next_reasons, (3, 55))):
                n = self._weekday(today + sign * rng.randint(*span))
                while n in wide or n in own or n == today:
                    n = self._weekday(n + 1)
                own.add(n)
                cid += 1
                rows.append((cid, bid, clock.day(n), rng.choice(reasons)))
            self.closed[bi] = set(wide) | own
        self._write("closed_days", rows, len(rows))

        # circulation policies: add the extra scopes that are not there yet, then read them all
        def scope(b, c, t):
            return (b, c, t)
        have = {scope(b, c, t) for b, c, t in db.rows("SELECT branch_id, patron_category, material_type FROM circ_policies")}
        rows, pid = [], self.base["circ_policies"]
        for p in EXTRA_POLICIES:
            bid = branches.get(p[0]) if p[0] else None
            if p[0] and bid is None:
                continue
            if scope(bid, p[1], p[2]) in have:
                continue
            pid += 1
            rows.append((pid, bid) + p[1:])
        self._write("circ_policies", rows, len(rows))
        self.policies = [
            _Policy(int(r[0]), r[1], r[2], r[3], int(r[4]), int(r[5]), _to_cents(str(r[6])), int(r[7]),
                    _to_cents(str(r[8])), int(r[9]), r[10] == "Y", int(r[11]))
            for r in db.rows("SELECT policy_id, branch_id, patron_category, material_type, loan_days, max_renewals, "
                             "daily_fine, grace_days, max_fine, hold_pickup_days, holdable, lost_after_days "
                             "FROM circ_policies")]
        self._policy_cache: dict[tuple, _Policy] = {}

        # genres
        have = {name: gid for gid, name in db.rows("SELECT genre_id, name FROM genres")}
        rows, gid = [], self.base["genres"]
        for name, parent, _ in GENRES:
            if name not in have:
                gid += 1
                have[name] = gid
                rows.append((gid, name, have[parent] if parent else None))
        self._write("genres", rows, len(rows))
        self.genre_ids = [have[g[0]] for g in GENRES]

        # demo users, each distinct password hashed once
        from argon2 import PasswordHasher
        hasher = PasswordHasher()
        hashes: dict[str, str] = {}
        roles = {code: rid for rid, code in db.rows("SELECT role_id, code FROM roles")}
        uid = self.base["users"]
        users, grants = [], []
        self.user_ids: dict[str, int] = {}
        created = clock.ts((today - 800) * DAY + 11 * HOUR)
        everyone = [(u, n, r) for u, n, r in STAFF_USERS] + [(u, f"{f} {l}", "PATRON") for u, f, l in PATRON_USERS]
        for username, full_name, role in everyone:
            pw = demo_password(username)
            if pw not in hashes:
                hashes[pw] = hasher.hash(pw)
            uid += 1
            self.user_ids[username] = uid
            email = (f"{username}@library.example.org" if role != "PATRON"
                     else f"{full_name.lower().replace(' ', '.')}@example.org")
            home = self.branch_ids[0] if role != "PATRON" else None  # staff work at MAIN
            users.append((uid, username, hashes[pw], full_name, email, "Y", "N", 0, home, created))
            grants.append((uid, roles[role], created))
        self._write("users", users, len(users))
        self._write("user_roles", grants, len(grants))
        self.desk_staff = [self.user_ids["librarian"], self.user_ids["manager"]]

    def _weekday(self, n: int) -> int:
        while self.clock.to_date(n).weekday() >= 5:
            n += 1
        return n

    def policy(self, branch_idx: int, category: str, mtype: str) -> _Policy:
        key = (branch_idx, category, mtype)
        p = self._policy_cache.get(key)
        if p is None:
            bid = self.branch_ids[branch_idx]
            fits = [q for q in self.policies
                    if q.branch_id in (None, bid) and q.category in (None, category) and q.mtype in (None, mtype)]
            # the most specific row wins: branch, then category, then type (NULLS LAST on each)
            fits.sort(key=lambda q: (q.branch_id is None, q.category is None, q.mtype is None, q.policy_id))
            p = self._policy_cache[key] = fits[0]
        return p

    def due_from(self, t: int, loan_days: int, branch_idx: int) -> int:
        """Due at 23:59:59 of the loan_days-th day, moved past closed days of the branch."""
        d = t // DAY + loan_days
        closed = self.closed[branch_idx]
        while d in closed:
            d += 1
        return d * DAY + DAY - 1

    # -- catalog plan ----------------------------------------------------------------------------
    def plan_catalog(self) -> None:
        s = self.scale
        rng = self.rng("catalog")
        r = rng.random
        n = s.materials
        book_genres = [gi for gi, g in enumerate(GENRES) if g[2] in ("fic", "mys", "sf", "nf", "bio", "cook", "kid", "poe")
                       and not (g[1] is None and g[0] in ("Fiction", "Non-fiction", "Children's"))]
        film_genres = [gi for gi, g in enumerate(GENRES) if g[2] in ("film", "doc") and g[1] is not None]
        mag_genre = next(gi for gi, g in enumerate(GENRES) if g[2] == "mag")
        map_genre = next(gi for gi, g in enumerate(GENRES) if g[2] == "map")
        pick_type = _picker(rng, list(zip(range(len(TYPES)), TYPE_WEIGHTS)))
        self.mtype = mtype = [0] * n
        self.mgenre = mgenre = [0] * n
        self.mauthor = mauthor = [0] * n
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
        self.mcost = mcost = [0] * n
        for i in range(n):
            lo, hi = ranges[mtype[i]]
            x = r()
            c = lo + int(x * (hi - lo))
            mcost[i] = c - c % 100 + (99 if x < 0.7 else 95 if x < 0.9 else 0)
        # copies: one per material, the rest to popular (low-numbered) titles; contiguous per material
        count = [1] * n
        for _ in range(s.copies - n):
            count[int(n * r() ** 2)] += 1
        self.mcopy_first = list(accumulate([0] + count[:-1]))
        self.mcopy_count = count
        nc = s.copies
        self.cmat = cmat = [0] * nc
        self.cbranch = cbranch = [0] * nc
        self.cstatus = cstatus = [AVAILABLE] * nc
        pick_branch = _picker(rng, [(0, 0.4)] + [(b, 0.6 / (self.nb - 1)) for b in range(1, self.nb)])
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

    def plan_patrons(self) -> None:
        s = self.scale
        rng = self.rng("patrons")
        pick_cat = _picker(rng, CATEGORIES)
        pick_status = _picker(rng, PATRON_STATUS)
        r = rng.random
        n = s.patrons
        self.pcat = [pick_cat() for _ in range(n)]
        self.pstatus = [pick_status() for _ in range(n)]
        self.pbranch = [0 if r() < 0.4 else 1 + int(r() * (self.nb - 1)) for _ in range(n)]
        for k in range(len(PATRON_USERS)):  # the demo patrons: adults of MAIN in good standing
            self.pcat[k], self.pstatus[k], self.pbranch[k] = "ADULT", "ACTIVE", 0
        demo = len(PATRON_USERS)
        self.borrowers = [p for p in range(demo, n) if self.pstatus[p] in ("ACTIVE", "SUSPENDED")]
        self.active_patrons = [p for p in range(demo, n) if self.pstatus[p] == "ACTIVE"]
        if len(self.borrowers) < 5:
            raise ValueError("too few patrons to lend to")

    # -- loans -----------------------------------------------------------------------------------
    def plan_loans(self) -> None:
        s, clock = self.scale, self.clock
        rng = self.rng("loans")
        r = rng.random
        now, today = clock.now, clock.today
        nb = self.nb
        cmat, cbranch, cstatus, mtype, pcat = self.cmat, self.cbranch, self.cstatus, self.mtype, self.pcat
        policy, due_from = self.policy, self.due_from
        staff = self.desk_staff
        loans: list[tuple] = []   # (checkout, copy, patron, branch, policy, status, due, returned, return_branch,
        #                            renewals, last_renewed, checkout_by, return_by, return_condition, overridden)
        anchor: dict[int, int] = {}  # copy -> checkout of its open (ACTIVE or LOST) loan

        def staff_id() -> int | None:
            return staff[int(r() * 2)] if r() < 0.75 else None

        def open_loan(c: int, p: int, co: int, overdue: bool, lost: bool = False) -> None:
            b = cbranch[c] if r() < 0.95 else int(r() * nb)
            pol = policy(b, pcat[p], TYPES[mtype[cmat[c]]])
            renewals, last_renewed = 0, None
            due = due_from(co, pol.loan_days, b)
            if not overdue and not lost and pol.max_renewals and r() < 0.1 and co < now - DAY:
                rt = max(co + HOUR, _snap_back(now - int(r() * (pol.loan_days - 1) * DAY)))
                if rt < now:
                    renewals, last_renewed = 1, rt
                    due = max(due, due_from(rt, pol.loan_days, b))
            loans.append((co, c, p, b, pol.policy_id, "LOST" if lost else "ACTIVE", due, None, None, renewals,
                          last_renewed, staff_id(), None, None, "Y" if r() < 0.01 else "N"))
            anchor[c] = co
            cstatus[c] = LOST if lost else ON_LOAN
            if lost:  # declared lost lost_after_days after the due date (the fine is assessed then too)
                self.lost_declared[c] = min(now, due + pol.lost_after * DAY + HOUR)

        self.lost_declared: dict[int, int] = {}
        # the demo patrons' open loans: patron1 two current loans, patron2 one ten days overdue
        demo_copies: list[int] = []
        for strict in (3, 2, 1, 0):  # prefer single-copy books at MAIN, settle for less on tiny scales
            for c in range(s.copies):
                if len(demo_copies) == 3:
                    break
                if c in demo_copies or cstatus[c] != AVAILABLE or any(cmat[c] == cmat[d] for d in demo_copies):
                    continue
                if (strict >= 1 and mtype[cmat[c]] != 0) or (strict >= 2 and cbranch[c] != 0) \
                        or (strict >= 3 and self.mcopy_count[cmat[c]] != 1):
                    continue
                demo_copies.append(c)
        for c, p, days_ago in ((demo_copies[0], 0, 3), (demo_copies[1], 0, 9)):
            loans.append((today * DAY - days_ago * DAY + 11 * HOUR, c, p, 0, policy(0, "ADULT", "BOOK").policy_id,
                          "ACTIVE", due_from(today * DAY - days_ago * DAY, policy(0, "ADULT", "BOOK").loan_days, 0),
                          None, None, 0, None, staff[0], None, None, "N"))
            anchor[c] = loans[-1][0]
            cstatus[c] = ON_LOAN
        pol = policy(0, "ADULT", "BOOK")
        c = demo_copies[2]
        co = (today - pol.loan_days - 10) * DAY + 15 * HOUR
        loans.append((co, c, 1, 0, pol.policy_id, "ACTIVE", due_from(co, pol.loan_days, 0), None, None, 0, None,
                      staff[1], None, None, "N"))
        anchor[c] = co
        cstatus[c] = ON_LOAN
        self.demo_copies = demo_copies

        n_random = s.loans - len(loans)
        n_active = max(3, min(int(n_random * 0.12), int(s.copies * 0.25)))
        n_overdue = int(n_active * 0.3)
        n_lost = max(1, int(n_random * 0.005))
        n_returned = n_random - n_active - n_lost
        free = [c for c in range(s.copies) if cstatus[c] == AVAILABLE]
        picked = rng.sample(free, n_active + n_lost)
        per_patron: dict[int, int] = {}
        borrowers, nbor = self.borrowers, len(self.borrowers)

        def borrower(cap: int) -> int:
            for _ in range(8):
                p = borrowers[int(nbor * r())]
                if per_patron.get(p, 0) < cap:
                    break
            per_patron[p] = per_patron.get(p, 0) + 1
            return p

        bar = _progress(range(n_active + n_lost), n_active + n_lost, "plan open loans", self.progress)
        for k in bar:
            c = picked[k]
            p = borrower(8)
            lost = k >= n_active
            overdue = k < n_overdue
            b_guess = cbranch[c]
            pol = policy(b_guess, pcat[p], TYPES[mtype[cmat[c]]])
            L = pol.loan_days
            if lost:
                co = _snap_back(now - (L + pol.lost_after + 5 + int(r() * 120)) * DAY - int(r() * DAY))
            elif overdue:
                late = 1 + int(r() ** 1.5 * max(1, min(45, pol.lost_after - 10)))
                co = _snap_back(now - (L + late) * DAY - int(r() * DAY))
            elif r() < 0.1 and pol.max_renewals:
                co = _snap_back(now - int((L + r() * (L - 1)) * DAY))
            else:
                co = _snap_back(now - int(r() * (L - 1) * DAY))
            open_loan(c, p, co, overdue, lost)

        # returned loans: skewed to popular copies, at most 30 per copy, laid back in time from each copy's
        # open loan (or from now) so that loans of one copy never overlap
        ncop = s.copies
        kcount = [0] * ncop
        for _ in range(n_returned):
            c = int(ncop * r() ** 1.6)
            if kcount[c] >= 30:
                c = int(ncop * r())
                while kcount[c] >= 30:
                    c = (c + 1) % ncop
            kcount[c] += 1
        span = HISTORY_DAYS * DAY
        conditions = ["Minor wear", "Cover scuffed", "Pencil marks on a few pages", "Water stain on the back cover",
                      "Spine creased", "Case cracked", "Dust jacket torn"]
        bar = _progress(range(ncop), ncop, "plan history", self.progress)
        for c in bar:
            k = kcount[c]
            if not k:
                continue
            end = anchor.get(c) or now
            slot = span // k
            mt = TYPES[mtype[cmat[c]]]
            cb = cbranch[c]
            for _ in range(k):
                p = borrowers[int(nbor * r() ** 1.3)]
                b = cb if r() < 0.9 else int(r() * nb)
                pol = policy(b, pcat[p], mt)
                L = pol.loan_days
                gap = HOUR + int(r() * max(DAY, slot - L * DAY * 7 // 10))
                ret = _snap_back(end - gap)
                want_renewals = min(pol.max_renewals, 1 + int(r() * 2)) if r() < 0.08 else 0
                if r() < 0.15:   # returned late
                    dur = (L * (1 + want_renewals) + 1 + int(r() ** 2 * 30)) * DAY + int(r() * DAY // 2)
                else:
                    dur = HOUR + int(r() * (L * (1 + want_renewals) - 1) * DAY * 0.97)
                co = _snap_back(ret - dur)
                due = due_from(co, L, b)
                renewals, last_renewed = 0, None
                for _ in range(want_renewals):
                    rt = _snap_back(due - DAY - int(r() * 2 * DAY))
                    if rt <= (last_renewed or co) or rt >= ret:
                        break
                    renewals, last_renewed = renewals + 1, rt
                    due = max(due, due_from(rt, L, b))
                rb = cb if r() < 0.85 else int(r() * nb)
                loans.append((co, c, p, b, pol.policy_id, "RETURNED", due, ret, rb, renewals, last_renewed,
                              staff_id(), staff_id(), conditions[int(r() * len(conditions))] if r() < 0.02 else None,
                              "N"))
                end = co

        # the demo patrons' history: on-time returns of adult borrowers handed to patron1 (3) and patron2 (2)
        wanted = [0, 0, 0, 1, 1]
        for i in range(len(loans) - 1, -1, -1):
            if not wanted:
                break
            L = loans[i]
            if L[5] == "RETURNED" and L[7] <= L[6] and pcat[L[2]] == "ADULT" and L[3] == 0:
                loans[i] = L[:2] + (wanted.pop(),) + L[3:]

        loans.sort(key=lambda x: (x[0], x[1]))
        self.loans = loans
        # per copy: first checkout and last return; per patron: first checkout; per loan: previous event on copy
        first_co: dict[int, int] = {}
        last_ret: dict[int, int] = {}
        pfirst: dict[int, int] = {}
        prev_event = [0] * len(loans)
        for li, L in enumerate(loans):
            c = L[1]
            if c not in first_co:
                first_co[c] = L[0]
            prev_event[li] = last_ret.get(c, 0)
            if L[7] is not None:
                last_ret[c] = L[7]
            if L[2] not in pfirst:
                pfirst[L[2]] = L[0]
        self.first_co, self.last_ret, self.pfirst, self.prev_event = first_co, last_ret, pfirst, prev_event
        self.anchor = anchor

    # -- acquisition, registration and status dates ----------------------------------------------
    def plan_dates(self) -> None:
        s, clock = self.scale, self.clock
        rng = self.rng("dates")
        r = rng.random
        today = clock.today
        first_co = self.first_co
        self.cacq = cacq = [0] * s.copies
        for c in range(s.copies):
            f = first_co.get(c)
            if f is not None:
                cacq[c] = f // DAY - 1 - int(r() * 400)
            else:
                cacq[c] = today - 1 - int(3000 * r() ** 1.5)
        self.mcreated = mcreated = [0] * s.materials
        first = self.mcopy_first
        for i in range(s.materials):
            a = min(cacq[first[i]: first[i] + self.mcopy_count[i]])
            mcreated[i] = (a - int(r() * 20)) * DAY + OPEN_AT + int(r() * 10 * HOUR)
        # patrons register before their first loan; expiry depends on status
        self.preg = preg = [0] * s.patrons
        self.pexp = pexp = [0] * s.patrons
        self.pchanged: list[int | None] = [None] * s.patrons
        for p in range(s.patrons):
            d = today - 30 - int(r() ** 1.2 * 3600)
            f = self.pfirst.get(p)
            if f is not None:
                d = min(d, f // DAY - 1 - int(r() * 200))
            st = self.pstatus[p]
            if st in ("EXPIRED", "DELETED"):
                e = today - 1 - int(r() * 400)
                d = min(d, e - 3 * 365)
            else:
                e = today + 30 + int(r() * 1000)
            preg[p] = d * DAY + OPEN_AT + int(r() * 10 * HOUR)
            pexp[p] = e
            if st != "ACTIVE":
                lo = max(preg[p] + DAY, (e * DAY if st != "SUSPENDED" else clock.now - 60 * DAY))
                self.pchanged[p] = min(clock.now, lo + int(r() * 30 * DAY))
        if s.patrons > 3:  # demo patrons: registered two years ago, valid for two more
            for k in range(3):
                preg[k] = min(preg[k], (today - 730) * DAY + 10 * HOUR)
                pexp[k] = today + 730

    # -- holds -----------------------------------------------------------------------------------
    def plan_holds(self) -> None:
        s, clock = self.scale, self.clock
        rng = self.rng("holds")
        r = rng.random
        now, today = clock.now, clock.today
        holds: list[tuple] = []  # (placed, patron, material, pickup, status, copy, ready, expires, suspended_until,
        #                          closed, close_reason, loan_index)
        H = s.holds
        n_fulfilled, n_cancelled, n_expired = int(H * 0.22), int(H * 0.12), int(H * 0.08)
        n_ready = max(2, int(H * 0.10))
        n_queue = H - n_fulfilled - n_cancelled - n_expired - n_ready
        cstatus, cmat, mtype = self.cstatus, self.cmat, self.mtype
        first, count = self.mcopy_first, self.mcopy_count
        holdable = [t != 4 for t in range(len(TYPES))]   # magazines are not holdable (policy)
        self.hold_shelf_at: dict[int, int] = {}
        active_pairs = {(L[2], cmat[L[1]]) for L in self.loans if L[5] == "ACTIVE"}
        taken: set[tuple[int, int]] = set()
        per_patron: dict[int, int] = {}
        pool, npool = self.active_patrons, len(self.active_patrons)

        def holder(m: int) -> int | None:
            for _ in range(12):
                p = pool[int(npool * r())]
                if per_patron.get(p, 0) < 5 and (p, m) not in taken and (p, m) not in active_pairs:
                    per_patron[p] = per_patron.get(p, 0) + 1
                    taken.add((p, m))
                    return p
            return None

        def pickup(p: int) -> int:
            return self.pbranch[p] if r() < 0.85 else int(r() * self.nb)

        def expires(ready: int, b: int, m: int, p: int) -> int:
            days = self.policy(b, self.pcat[p], TYPES[mtype[m]]).pickup_days
            return self.due_from(ready, days, b)

        # queues: titles whose every copy is out on loan (nothing to trap), PENDING in placement order
        queue_mats = [m for m in range(s.materials) if holdable[mtype[m]]
                      and all(cstatus[c] == ON_LOAN for c in range(first[m], first[m] + count[m]))]
        demo_mat = cmat[self.demo_copies[0]]  # patron1 borrows it, so not a queue for patron1
        queue_mats = [m for m in queue_mats if m != demo_mat and (0, m) not in active_pairs]
        rng.shuffle(queue_mats)
        made = 0
        patron1_waits = False
        for qi, m in enumerate(queue_mats):
            if made >= n_queue:
                break
            qlen = 1 + int(r() ** 2.5 * 6)
            t = _snap_back(now - int((1 + r() * 25) * DAY))   # after every patron's registration
            members: list[int | None] = []
            if qi == 0:   # patron1 is first in the first queue
                taken.add((0, m))
                members.append(0)
                patron1_waits = True
            members += [holder(m) for _ in range(qlen - len(members))]
            for p in members:
                if p is None or made >= n_queue or t >= now:
                    continue
                susp = self.clock.day(today + 3 + int(r() * 30)) if p and r() < 0.06 else None
                holds.append((t, p, m, 0 if p == 0 else pickup(p), "SUSPENDED" if susp else "PENDING",
                              None, None, None, susp, None, None, None))
                made += 1
                t += HOUR + int(r() * 3 * DAY)
        n_cancelled += n_queue - made   # not enough fully lent titles: more history instead

        # READY: an available copy trapped on the hold shelf of its own branch
        ready_mats = [m for m in range(s.materials) if holdable[mtype[m]]
                      and any(cstatus[c] == AVAILABLE for c in range(first[m], first[m] + count[m]))]
        made = 0
        for m in rng.sample(ready_mats, min(len(ready_mats), n_ready * 2)):
            if made >= n_ready:
                break
            if patron1_waits or (0, m) in active_pairs:
                p = holder(m)
                if p is None:
                    continue
            else:           # no title to queue for: patron1's hold is a READY one instead
                p, patron1_waits = 0, True
                taken.add((0, m))
            c = next(c for c in range(first[m], first[m] + count[m]) if cstatus[c] == AVAILABLE)
            b = self.cbranch[c]
            days = self.policy(b, self.pcat[p], TYPES[mtype[m]]).pickup_days
            lo = max(self.last_ret.get(c, 0) + MINUTE, (self.cacq[c] + 1) * DAY, now - (days - 1) * DAY)
            ready = lo + int(r() * (now - lo))
            placed = max((self.cacq[c] + 1) * DAY, ready - HOUR - int(r() * 10 * DAY), self.preg[p] + DAY)
            placed = min(placed, ready)
            cstatus[c] = ON_HOLD_SHELF
            self.hold_shelf_at[c] = ready
            holds.append((placed, p, m, b, "READY", c, ready, expires(ready, b, m, p), None, None, None, None))
            made += 1
        n_cancelled += n_ready - made

        # FULFILLED: the hold that a loan filled (placed before, trapped just before the checkout)
        loans = self.loans
        for li in rng.sample(range(len(loans)), min(n_fulfilled, len(loans))):
            L = loans[li]
            if L[2] < 3:
                n_cancelled += 1
                continue
            m = cmat[L[1]]
            ready = max(self.prev_event[li] + MINUTE, L[0] - MINUTE - int(r() * 2 * DAY), (self.cacq[L[1]] + 1) * DAY)
            placed = min(ready, max(ready - HOUR - int(r() * 14 * DAY), self.preg[L[2]] + HOUR))
            holds.append((placed, L[2], m, L[3], "FULFILLED", L[1], ready, expires(ready, L[3], m, L[2]), None,
                          L[0], None, li))

        # CANCELLED and EXPIRED history
        reasons = ["Cancelled by patron", "No longer needed", "Bought a copy", "Placed by mistake",
                   "Cancelled by staff: duplicate request"]
        nm = s.materials
        for k in range(n_cancelled + n_expired):
            m = int(nm * r())
            p = self.borrowers[int(len(self.borrowers) * r())]
            if k < n_cancelled:
                placed = max(_snap_back(now - int((2 + r() * 600) * DAY)), self.preg[p] + DAY)
                closed = min(now, placed + HOUR + int(r() * 20 * DAY))
                holds.append((placed, p, m, pickup(p), "CANCELLED", None, None, None, None, closed,
                              reasons[int(r() * len(reasons))], None))
            else:
                placed = max(_snap_back(now - int((30 + r() * 600) * DAY)), self.preg[p] + DAY)
                c = first[m] + int(r() * count[m])
                ready = max(placed + HOUR + int(r() * 10 * DAY), (self.cacq[c] + 1) * DAY)
                b = self.cbranch[c]
                exp = expires(ready, b, m, p)
                if exp >= now:   # a young patron record: make it a cancellation instead
                    holds.append((placed, p, m, pickup(p), "CANCELLED", None, None, None, None, min(now, placed + HOUR),
                                  reasons[0], None))
                    continue
                holds.append((placed, p, m, b, "EXPIRED", c, ready, exp, None, exp + 1,
                              "Not collected by the pickup deadline", None))
        holds.sort(key=lambda h: (h[0], h[2], h[1]))
        self.holds = holds

    # -- fines and payments ----------------------------------------------------------------------
    def plan_fines(self) -> None:
        clock = self.clock
        rng = self.rng("fines")
        r = rng.random
        now, today = clock.now, clock.today
        pol_by_id = {p.policy_id: p for p in self.policies}
        cost = self.mcost
        fines: list[tuple] = []     # (patron, loan_index, type, amount, paid, status, assessed, accrued, desc,
        #                              closed, waived_by, waive_reason)
        payments: list[tuple] = []  # (fine_index, patron, amount, method, paid_at, received_by, note)
        methods = (("CARD", 0.40), ("CASH", 0.35), ("ONLINE", 0.20), ("CHECK", 0.05))
        pick_method = _picker(rng, methods)
        waive_reasons = ["First-time late return", "Closed-day return dispute", "Book drop was jammed",
                         "Hospital stay, documentation seen", "Goodwill: long-standing patron"]
        manager = self.user_ids["manager"]
        staff = self.desk_staff

        def days_late(due: int, through_day: int, b: int) -> int:
            dd = due // DAY
            n = through_day - dd
            if n <= 0:
                return 0
            return n - sum(1 for x in self.closed[b] if dd < x <= through_day)

        def pay(fi: int, p: int, amount: int, start: int) -> int:
            m = pick_method()
            t = min(now, start + int(r() ** 2 * 20 * DAY))
            payments.append((fi, p, amount, m, t, None if m == "ONLINE" else staff[int(r() * 2)], None))
            return t

        for li, L in enumerate(self.loans):
            status, p = L[5], L[2]
            pol = pol_by_id[L[4]]
            if status == "RETURNED":
                if L[7] <= L[6] or not pol.daily_fine:
                    continue
                n = days_late(L[6], L[7] // DAY, L[3])
                if n <= pol.grace_days:
                    continue
                amount = min(pol.max_fine, n * pol.daily_fine)
                if amount <= 0:
                    continue
                fi = len(fines)
                x = r()
                assessed, accrued = L[7], (L[7] // DAY) * DAY
                desc = f"Overdue: returned {n} day{'s' if n > 1 else ''} late"
                if x < 0.55:        # paid, sometimes in two instalments
                    if amount >= 200 and r() < 0.15:
                        part = amount // 2
                        t = pay(fi, p, part, assessed)
                        t = pay(fi, p, amount - part, t)
                    else:
                        t = pay(fi, p, amount, assessed)
                    fines.append((p, li, "OVERDUE", amount, amount, "PAID", assessed, accrued, desc, t, None, None))
                elif x < 0.88:      # open, a third of them partly paid
                    paid = 0
                    if amount >= 2 and r() < 0.33:
                        paid = 1 + int(r() * (amount - 1))
                        pay(fi, p, paid, assessed)
                    fines.append((p, li, "OVERDUE", amount, paid, "OPEN", assessed, accrued, desc, None, None, None))
                else:
                    closed = min(now, assessed + HOUR + int(r() * 5 * DAY))
                    fines.append((p, li, "OVERDUE", amount, 0, "WAIVED", assessed, accrued, desc, closed, manager,
                                  waive_reasons[int(r() * len(waive_reasons))]))
            elif status == "ACTIVE":
                if L[6] >= now or not pol.daily_fine:
                    continue
                through = today - 1   # the nightly accrual has charged up to yesterday
                n = days_late(L[6], through, L[3])
                if n <= pol.grace_days:
                    continue
                amount = min(pol.max_fine, n * pol.daily_fine)
                if amount <= 0:
                    continue
                assessed = min((L[6] // DAY + 1 + pol.grace_days) * DAY + 23 * HOUR + 30 * MINUTE, now)
                fines.append((p, li, "OVERDUE", amount, 0, "OPEN", assessed, through * DAY,
                              "Overdue: accruing nightly", None, None, None))
            else:  # LOST: the replacement cost billed when the loan was declared lost
                amount = cost[self.cmat[L[1]]]
                assessed = self.lost_declared[L[1]]
                fi = len(fines)
                if r() < 0.3:
                    t = pay(fi, p, amount, assessed)
                    fines.append((p, li, "LOST", amount, amount, "PAID", assessed, None,
                                  "Replacement cost of a lost copy", t, None, None))
                else:
                    fines.append((p, li, "LOST", amount, 0, "OPEN", assessed, None,
                                  "Replacement cost of a lost copy", None, None, None))
        self.fines, self.payments = fines, payments

    # -- writers ---------------------------------------------------------------------------------
    def write_authors(self) -> None:
        s = self.scale
        rng = self.rng("authors")
        r = rng.random
        year = self.clock.to_date(self.clock.today).year
        nf, nl = len(FIRST_NAMES), len(LAST_NAMES)
        self.alast: list[str] = []
        base = self.base["authors"]

        def rows() -> Iterator[tuple]:
            for a in range(s.authors):
                first, last = FIRST_NAMES[int(r() * nf)], LAST_NAMES[int(r() * nl)]
                mid = f" {chr(65 + int(r() * 26))}." if r() < 0.3 else ""
                self.alast.append(last)
                born = died = None
                if r() < 0.7:
                    born = 1890 + int(r() * 106)
                    if born < 1945 and r() < 0.75:
                        died = min(year, born + 45 + int(r() * 50))
                yield (base + a + 1, f"{first}{mid} {last}", f"{last}, {first}{mid}", born, died)
        self._write("authors", rows(), s.authors)

    @staticmethod
    def _title(ch: Callable[[Sequence], Any], kind: str, genre: str, t: int) -> tuple[str, str | None, str | None]:
        """(title, subtitle, description) for a genre (and its kind) and a type index; ch picks one item."""
        if t == 4:
            return ch(MAGAZINE_TITLES)(ch), ch(MAGAZINE_ISSUES)(ch), None
        if t == 5:
            return ch(MAP_TITLES)(ch), ch(MAP_SUBTITLES)(ch), None
        if kind in ("nf", "bio", "cook", "doc"):
            topic = ch(GENRE_TOPICS.get(genre, TOPICS))
            if kind == "bio":
                title, sub = ch(BIO_TITLES)(ch), ch(BIO_SUBTITLES)
                desc = f"The remarkable life of {ch(SUBJECTS)}, told {ch(BIO_TOLD)}."
            elif kind == "cook":
                title, sub = ch(COOK_TITLES)(ch), ch(COOK_SUBTITLES)(ch)
                desc = f"Recipes and stories from {_a(ch(COOK_PLACES))} kitchen."
            else:
                title, sub = ch(NONFIC_TITLES)(ch, topic), ch(NONFIC_SUBTITLES)(ch)
                desc = ch(NONFIC_DESC).format(t=topic.lower())
            if t == 3:
                sub, desc = None, f"A documentary about {topic.lower()}, filmed over {ch(DOC_YEARS)} years."
            return title, sub, desc
        if kind == "kid":
            a = ch(ANIMALS)
            return ch(KID_TITLES)(ch, a), None, f"A picture book about {_a(a.lower())} who learns to be {ch(KID_VIRTUES)}."
        if kind == "poe":
            return ch(POETRY_TITLES)(ch), ch(POETRY_SUBTITLES), "A collection of poems."
        if kind == "mys":
            title, sub = ch(MYSTERY_TITLES)(ch), ch(MYSTERY_SUBTITLES)(ch)
        elif kind == "sf":
            title, sub = ch(SF_TITLES)(ch), ch(SF_SUBTITLES)(ch)
        else:
            title = ch(FICTION_TITLES)(ch)
            sub = ch(FICTION_SUBTITLES) if kind == "fic" else None
        what = "film" if kind == "film" else ch(NOVEL_WORDS)
        desc = f"{_a(ch(DESC_ADJ), capital=True)} {what} about {ch(SUBJECTS)} {ch(PLOTS)} {ch(SETTINGS)}."
        return title, sub, desc

    def write_materials(self) -> None:
        s, clock = self.scale, self.clock
        rng = self.rng("titles")
        r = rng.random

        def pick(seq: Sequence) -> Any:
            return seq[int(r() * len(seq))]

        years: dict[int, int] = {}

        def year_of(d: int) -> int:
            y = years.get(d)
            if y is None:
                y = years[d] = clock.to_date(d).year
            return y
        base, abase, gbase = self.base["materials"], self.base["authors"], self.genre_ids
        mtype, mgenre, mcreated = self.mtype, self.mgenre, self.mcreated
        current_year = clock.to_date(clock.today).year
        langs = _picker(rng, LANGUAGES)
        npub = len(PUBLISHERS)
        kinds = [g[2] for g in GENRES]

        def rows() -> Iterator[tuple]:
            for i in range(s.materials):
                t = mtype[i]
                title, sub, desc = self._title(pick, kinds[mgenre[i]], GENRES[mgenre[i]][0], t)
                made_year = year_of(mcreated[i] // DAY)
                if t == 4:
                    year = made_year - int(r() * 3)
                else:
                    year = current_year - int(75 * r() ** 2.2)
                year = min(year, made_year)
                isbn = None
                if t in (0, 1, 2) or (t == 5 and r() < 0.5):
                    body = _isbn_body(base + i + 1)
                    if t == 0 and year < 2007 and r() < 0.35:
                        isbn = body + isbn10_check(body)
                    else:
                        first12 = ("979" if r() < 0.08 else "978") + body
                        isbn = first12 + isbn13_check(first12)
                lang = langs() if t in (0, 1, 2) else "eng"
                pub = (FILM_STUDIOS[int(r() * len(FILM_STUDIOS))] if t == 3
                       else MAP_PUBLISHERS[int(r() * len(MAP_PUBLISHERS))] if t == 5 else PUBLISHERS[int(r() * npub)])
                yield (base + i + 1, title, sub, isbn, TYPES[t], gbase[mgenre[i]], pub, year, lang, desc,
                       _cents(self.mcost[i]), clock.ts(mcreated[i]))
        self._write("materials", rows(), s.materials)

        # material_authors: first author is the planned one; some titles have a co-author, illustrator,
        # editor or translator; maps have none
        rng = self.rng("material_authors")
        r = rng.random
        na = s.authors
        kinds_m = [kinds[g] for g in range(len(GENRES))]

        def links() -> Iterator[tuple]:
            for i in range(s.materials):
                t = mtype[i]
                if t == 5:
                    continue
                m, a1 = base + i + 1, self.mauthor[i]
                yield (m, abase + a1 + 1, 1, "EDITOR" if t == 4 else "AUTHOR")
                x = r()
                if x < 0.12 and t != 4:
                    a2 = int(na * r())
                    if a2 != a1:
                        k = kinds_m[mgenre[i]]
                        role = "ILLUSTRATOR" if k == "kid" else ("EDITOR" if x < 0.03 else "AUTHOR")
                        yield (m, abase + a2 + 1, 2, role)
        total = s.materials - sum(1 for t in mtype if t == 5)
        self._write("material_authors", links(), total)

    def write_copies(self) -> None:
        s, clock = self.scale, self.clock
        rng = self.rng("copies")
        r = rng.random
        base, mbase = self.base["copies"], self.base["materials"]
        kinds = [g[2] for g in GENRES]
        names = [g[0] for g in GENRES]
        notes = ["Spine worn", "Cover slightly torn", "Donated copy", "Large print", "Signed by the author",
                 "Replacement copy", "Water damage on cover"]
        now = clock.now
        hold_shelf = self.hold_shelf_at

        def shelf(i: int) -> str:
            t, g = self.mtype[i], self.mgenre[i]
            who = self.alast[self.mauthor[i]][:3].upper()
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
                i = self.cmat[c]
                st = self.cstatus[c]
                acq = self.cacq[c]
                last = self.last_ret.get(c)
                if st == ON_LOAN:
                    changed = self.anchor[c]
                elif st == LOST:
                    changed = self.lost_declared[c]
                elif st == ON_HOLD_SHELF:
                    changed = hold_shelf[c]
                elif st == AVAILABLE:
                    changed = last if last else acq * DAY + OPEN_AT
                else:  # in transit, damaged, withdrawn: some time after the last event
                    lo = last if last else acq * DAY + OPEN_AT
                    changed = lo + int(r() * (now - lo))
                price = _cents(self.mcost[i]) if r() < 0.9 else None
                yield (base + c + 1, mbase + i + 1, self.branch_ids[self.cbranch[c]], f"C{base + c + 1:09d}",
                       COPY_STATUS[st], shelf(i), notes[int(r() * len(notes))] if r() < 0.03 else None, price,
                       clock.day(acq), clock.ts(changed))
        self._write("copies", rows(), s.copies)

    def write_patrons(self) -> None:
        s, clock = self.scale, self.clock
        rng = self.rng("patron_names")
        r = rng.random
        base = self.base["patrons"]
        nf, nl = len(FIRST_NAMES), len(LAST_NAMES)
        reasons = {"SUSPENDED": ["Fines over the blocking threshold", "Repeated overdue items",
                                 "Damaged items not paid for"],
                   "EXPIRED": ["Card not renewed"], "DELETED": ["Account closed at the patron's request",
                                                               "Moved away"]}
        demo = {k: (u, f, l) for k, (u, f, l) in enumerate(PATRON_USERS)}

        def rows() -> Iterator[tuple]:
            for p in range(s.patrons):
                if p in demo:
                    u, first, last = demo[p]
                    user_id = self.user_ids[u]
                else:
                    first, last, user_id = FIRST_NAMES[int(r() * nf)], LAST_NAMES[int(r() * nl)], None
                pid = base + p + 1
                email = f"{first}.{last}{pid}@example.org".lower() if r() < 0.85 else None
                if p in demo:
                    email = f"{first}.{last}@example.org".lower()
                phone = f"(555) 01{int(r() * 10)}-{int(r() * 10000):04d}" if r() < 0.8 or p in demo else None
                address = (f"{1 + int(r() * 400)} {STREETS[int(r() * len(STREETS))]} "
                           f"{STREET_KINDS[int(r() * len(STREET_KINDS))]}, {TOWNS[int(r() * len(TOWNS))]}")
                st = self.pstatus[p]
                reason = None if st == "ACTIVE" else reasons[st][int(r() * len(reasons[st]))]
                yield (pid, user_id, f"2100{pid:010d}", first, last, email, phone, address, self.pcat[p],
                       self.branch_ids[self.pbranch[p]], st, reason, clock.ts(self.pchanged[p]),
                       clock.ts(self.preg[p]), clock.day(self.pexp[p]))
        self._write("patrons", rows(), s.patrons)

    def write_loans(self) -> None:
        clock = self.clock
        ts = clock.ts
        base, cbase, pbase = self.base["loans"], self.base["copies"], self.base["patrons"]
        bids = self.branch_ids

        def rows() -> Iterator[tuple]:
            for li, L in enumerate(self.loans):
                (co, c, p, b, pol, st, due, ret, rb, ren, lr, cby, rby, cond, ovr) = L
                yield (base + li + 1, cbase + c + 1, pbase + p + 1, bids[b], pol, st, ts(co), ts(due), ts(ret),
                       None if rb is None else bids[rb], ren, ts(lr), cby, rby, cond, ovr)
        self._write("loans", rows(), len(self.loans))

    def write_holds(self) -> None:
        clock = self.clock
        ts = clock.ts
        base, pbase, mbase, cbase, lbase = (self.base[t] for t in ("holds", "patrons", "materials", "copies", "loans"))
        bids = self.branch_ids

        def rows() -> Iterator[tuple]:
            for hi, h in enumerate(self.holds):
                placed, p, m, b, st, c, ready, exp, susp, closed, reason, li = h
                yield (base + hi + 1, pbase + p + 1, mbase + m + 1, bids[b], st, ts(placed),
                       None if c is None else cbase + c + 1, ts(ready), ts(exp), susp, ts(closed), reason,
                       None if li is None else lbase + li + 1)
        self._write("holds", rows(), len(self.holds))

    def write_fines(self) -> None:
        ts = self.clock.ts
        base, pbase, lbase, paybase = (self.base[t] for t in ("fines", "patrons", "loans", "payments"))

        def fines() -> Iterator[tuple]:
            for fi, f in enumerate(self.fines):
                p, li, kind, amount, paid, st, assessed, accrued, desc, closed, wby, wr = f
                yield (base + fi + 1, pbase + p + 1, lbase + li + 1, kind, _cents(amount), _cents(paid), st,
                       ts(assessed), ts(accrued), desc, ts(closed), wby, wr)
        self._write("fines", fines(), len(self.fines))

        def payments() -> Iterator[tuple]:
            for k, pm in enumerate(self.payments):
                fi, p, amount, method, at, by, note = pm
                yield (paybase + k + 1, base + fi + 1, pbase + p + 1, _cents(amount), method, ts(at), by, note)
        self._write("payments", payments(), len(self.payments))


# ------------------------------------------------------------------------------------------------
# Entry points
# ------------------------------------------------------------------------------------------------


def _rebuild_search_documents(target: _Target) -> None:
    """The bulk rows bypassed the triggers that keep the catalog's search documents: rebuild them set-based."""
    if target.engine == "oracle":
        with target.conn.cursor() as cur:
            cur.callproc("lib_search.rebuild_documents")
    else:  # its secondary indexes (the GIN full-text one) built once over the rows, not row by row
        indexes = target.rows("SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
                              "WHERE indrelid = 'search_documents'::regclass AND NOT indisprimary")
        for name, _ in indexes:
            target.conn.execute(f"DROP INDEX {name}")
        target.conn.execute("CALL lib_search.rebuild_documents()")
        for _, ddl in indexes:
            target.conn.execute(ddl)


def load(conn_url: str, scale: "str | int | Scale" = "small", seed: int = 42, progress: bool = True, *,
         row_triggers: bool = False) -> dict:
    """Generate and load the data set; returns the scale, row counts per table and timings (seconds).

    scale: "demo", "small", "1m", a number of materials, or a Scale. row_triggers=True keeps foreign-key
    and other row triggers firing row by row on PostgreSQL (slower) instead of the deferred set-based check.
    """
    sc = resolve_scale(scale)
    t0 = time.perf_counter()
    target = _target(conn_url, row_triggers)
    try:
        loader = _Loader(target, sc, seed, progress)
        loader.run()
        t1 = time.perf_counter()
        _rebuild_search_documents(target)
        loader.timings["search documents"] = round(time.perf_counter() - t1, 2)
        t1 = time.perf_counter()
        target.finish(list(COLUMNS) + ["search_documents"])  # statistics of every table written
        loader.timings["analyze, check, commit"] = round(time.perf_counter() - t1, 2)
    finally:
        target.close()
    return {"engine": target.engine, "seed": seed,
            "fk_check": "set-based" if getattr(target, "deferred_fk_check", False) else "row triggers", "scale": asdict(sc), "counts": loader.counts,
            "timings": loader.timings, "total_s": round(time.perf_counter() - t0, 2),
            "database_now": loader.clock.ts(loader.clock.db_now), "history_ends": loader.clock.ts(loader.clock.now)}


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m scripts.demo_data", description=__doc__.split("\n\n")[0])
    ap.add_argument("--url", required=True, help="database URL (postgresql://... ; oracle+oracledb://... untested)")
    ap.add_argument("--scale", default=None, help=f"preset: {', '.join(PRESETS)} (default: small, or the counts given)")
    ap.add_argument("--materials", type=int, help="number of materials (titles)")
    ap.add_argument("--loans", type=int, help="number of loans (default: as many as materials)")
    ap.add_argument("--copies", type=int, help="number of copies (default: 1.5 x materials)")
    ap.add_argument("--patrons", type=int, help="number of patrons (default: materials / 10, at least 50)")
    ap.add_argument("--holds", type=int, help="number of holds (default: loans / 20, at least 20)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--no-progress", action="store_true", help="no progress bars")
    ap.add_argument("--row-triggers", action="store_true",
                    help="PostgreSQL: check foreign keys row by row (and fire row triggers) instead of set-based")
    a = ap.parse_args(argv)
    counts = {k: getattr(a, k) for k in ("loans", "copies", "patrons", "holds") if getattr(a, k) is not None}
    if a.materials is not None:        # explicit counts, the rest derived from the number of materials
        scale: Any = Scale.of(a.materials, **counts)
    elif counts:                       # a preset with some counts overridden
        scale = replace(resolve_scale(a.scale or "small"), **counts)
        scale.validate()
    else:
        scale = a.scale or "small"
    result = load(a.url, scale, seed=a.seed, progress=not a.no_progress, row_triggers=a.row_triggers)
    width = max(len(k) for k in list(result["counts"]) + list(result["timings"]))
    print(f"loaded seed {result['seed']} into {result['engine']} at {result['database_now']} UTC "
          f"(history up to {result['history_ends']}, foreign keys checked {result['fk_check']})")
    for table, n in result["counts"].items():
        print(f"  {table:<{width}}  {n:>10,}")
    for stage, sec in result["timings"].items():
        print(f"  {stage:<{width}}  {sec:>9.2f}s")
    print(f"  {'total':<{width}}  {result['total_s']:>9.2f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
