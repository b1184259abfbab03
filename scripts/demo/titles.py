"""Title patterns: each a function of a picker `c` (and a topic or an animal); only the chosen one is built.

`title()` turns a genre and a material type into (title, subtitle, description).
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

from scripts.demo.words import (
    ABSTRACTS,
    ADJECTIVES,
    ANIMALS,
    CUISINES,
    DESC_ADJ,
    FIRST_NAMES,
    GENRE_TOPICS,
    GERUNDS,
    KID_ADJ,
    LAST_NAMES,
    NONFIC_DESC,
    NOUNS,
    OCCUPATIONS,
    PLACES,
    PLOTS,
    PLURALS,
    SEASONS,
    SETTINGS,
    SUBJECTS,
    TOPICS,
)


def with_article(word: str, capital: bool = False) -> str:
    """The word with its indefinite article: "an Orchard", or "An Orchard" to start a sentence."""
    article = "an" if word[0].lower() in "aeiou" else "a"
    return f"{article.capitalize() if capital else article} {word}"


def the_a(c: Callable, words: Sequence[str]) -> str:
    return with_article(c(words), capital=True)


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
              lambda c, a: f"The {a} Who Wanted {with_article(c(NOUNS))}", lambda c, a: f"{a} Goes to {c(PLACES)}"]
KID_VIRTUES = ["brave", "patient", "kind", "curious", "gentle", "honest"]
POETRY_TITLES = [lambda c: f"{c(PLURALS)} of {c(ABSTRACTS)}", lambda c: f"Poems from {c(PLACES)}",
                 lambda c: f"The {c(ADJECTIVES)} Hour", lambda c: f"Songs for {c(SEASONS)}"]
POETRY_SUBTITLES = [None, "Poems", "New and Selected Poems"]
MYSTERY_TITLES = [lambda c: f"Death at {c(PLACES)}", lambda c: f"The {c(PLACES)} Affair",
                  lambda c: f"Murder on the {c(ADJECTIVES)} {c(NOUNS)}", lambda c: f"The {c(ADJECTIVES)} Witness",
                  lambda c: f"{the_a(c, NOUNS)} for the Dead", lambda c: f"The {c(NOUNS)} Keeper's Secret",
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
                  lambda c: f"{the_a(c, NOUNS)} in {c(SEASONS)}",
                  lambda c: f"The {c(OCCUPATIONS)}'s {c(['Daughter', 'Son', 'Wife', 'Apprentice', 'Secret', 'Journey'])}",
                  lambda c: f"The Last {c(NOUNS)}", lambda c: f"Beneath the {c(ADJECTIVES)} {c(NOUNS)}",
                  lambda c: f"{c(PLURALS)} of {c(ABSTRACTS)}", lambda c: f"The {c(NOUNS)} and the {c(NOUNS)}",
                  lambda c: f"All the {c(ADJECTIVES)} {c(PLURALS)}", lambda c: f"What the {c(NOUNS)} Knew",
                  lambda c: f"Letters from {c(PLACES)}", lambda c: f"A House in {c(PLACES)}"]
FICTION_SUBTITLES = [None, None, None, "A Novel", "Stories"]
NOVEL_WORDS = ["novel", "story", "tale"]


def title(ch: Callable[[Sequence], Any], kind: str, genre: str, t: int) -> tuple[str, str | None, str | None]:
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
            desc = f"Recipes and stories from {with_article(ch(COOK_PLACES))} kitchen."
        else:
            title, sub = ch(NONFIC_TITLES)(ch, topic), ch(NONFIC_SUBTITLES)(ch)
            desc = ch(NONFIC_DESC).format(t=topic.lower())
        if t == 3:
            sub, desc = None, f"A documentary about {topic.lower()}, filmed over {ch(DOC_YEARS)} years."
        return title, sub, desc
    if kind == "kid":
        a = ch(ANIMALS)
        title = ch(KID_TITLES)(ch, a)
        return title, None, f"A picture book about {with_article(a.lower())} who learns to be {ch(KID_VIRTUES)}."
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
    desc = f"{with_article(ch(DESC_ADJ), capital=True)} {what} about {ch(SUBJECTS)} {ch(PLOTS)} {ch(SETTINGS)}."
    return title, sub, desc

