"""MARC21 records written with pymarc for the import tests: a valid ISBN-13 no other test holds, a record
with the fields the importer maps, a file of records."""
from __future__ import annotations

import random

import pymarc
from pymarc import Field, Indicators, Record, Subfield


def isbn13(rng: random.Random | None = None) -> str:
    rng = rng or random.SystemRandom()
    core = "979" + "".join(str(rng.randrange(10)) for _ in range(9))
    total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(core))
    return core + str((10 - total % 10) % 10)


def record(title: str | None, isbns=(), control=None, subjects=(), holdings=(), author="Melville, Herman,",
           marc8: bool = False, extra: list[Field] | None = None) -> Record:
    r = Record(to_unicode=True, force_utf8=not marc8)
    r.leader = pymarc.Leader("     nam a22     7a 4500" if not marc8 else "     nam  22     7a 4500")
    if control:
        r.add_field(Field(tag="001", data=control), Field(tag="003", data="TESTLIB"))
    r.add_field(Field(tag="008", data="000000s2001    xx            000 0 eng d"))
    for i in isbns:
        r.add_field(Field(tag="020", indicators=Indicators(" ", " "), subfields=[Subfield("a", i)]))
    r.add_field(Field(tag="100", indicators=Indicators("1", " "), subfields=[Subfield("a", author)]))
    if title is not None:
        r.add_field(Field(tag="245", indicators=Indicators("1", "0"),
                          subfields=[Subfield("a", title + " :"), Subfield("b", "a subtitle /")]))
    r.add_field(Field(tag="250", indicators=Indicators(" ", " "), subfields=[Subfield("a", "2nd ed.")]))
    r.add_field(Field(tag="264", indicators=Indicators(" ", "1"),
                      subfields=[Subfield("a", "London :"), Subfield("b", "Test Press,"), Subfield("c", "2001.")]))
    r.add_field(Field(tag="300", indicators=Indicators(" ", " "), subfields=[Subfield("a", "320 p. ;"), Subfield("c", "24 cm")]))
    r.add_field(Field(tag="520", indicators=Indicators(" ", " "), subfields=[Subfield("a", "A summary.")]))
    for s in subjects:
        r.add_field(Field(tag="650", indicators=Indicators(" ", "0"), subfields=[Subfield("a", s), Subfield("x", "Fiction.")]))
    for barcode, branch, price in holdings:
        r.add_field(Field(tag="952", indicators=Indicators(" ", " "),
                          subfields=[Subfield("a", branch), Subfield("p", barcode), Subfield("o", "813.3 MEL"),
                                     Subfield("g", price)]))
    for f in extra or []:
        r.add_field(f)
    return r


def marc_file(*records: Record) -> bytes:
    return b"".join(r.as_marc() for r in records)
