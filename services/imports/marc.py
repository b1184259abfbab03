"""MARC21 in and out: records read one at a time from binary MARC (MARC-8 or UTF-8, leader/09) or MARCXML,
mapped to the catalog's fields (the mapping is the README's "Catalog import" section), and the catalog
written back as MARC21 or MARCXML.

Nothing here holds a whole file: MARCReader reads one record after the other from the open file, MARCXML is
walked with ElementTree.iterparse and each <record> dropped once read.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any, NamedTuple

import pymarc
from pymarc import Field, Indicators, Record, Subfield

US, RS = "\x1f", "\x1e"  # the holdings list of lib_catalog.import_title: fields and entries
MARCXML_NS = "http://www.loc.gov/MARC21/slim"
# leader/06 (type of record) and /07 (bibliographic level) -> material type
_TYPES = {"g": "DVD", "i": "AUDIOBOOK", "j": "AUDIOBOOK", "e": "MAP", "f": "MAP", "m": "EBOOK"}


@dataclass
class Holding:
    barcode: str | None
    branch_code: str | None
    shelf_location: str | None
    price: str | None
    call_number: str | None


class ImportTitleArgs(NamedTuple):
    """lib_catalog.import_title's arguments after the session, in spec order (the lists joined)."""
    title: str | None
    subtitle: str | None
    identifiers: str | None
    material_type: str | None
    genre_name: str | None
    publisher: str | None
    publication_year: int | None
    language: str | None
    description: str | None
    edition: str | None
    extent: str | None
    authors: str | None
    subjects: str | None
    copies: str | None


@dataclass
class TitleRecord:
    """One catalog record as lib_catalog.import_title takes it."""
    title: str | None
    subtitle: str | None = None
    identifiers: list[str] = field(default_factory=list)   # TYPE:value[;qualifier]
    material_type: str | None = None
    genre_name: str | None = None
    publisher: str | None = None
    publication_year: int | None = None
    language: str | None = None
    description: str | None = None
    edition: str | None = None
    extent: str | None = None
    authors: list[str] = field(default_factory=list)
    subjects: list[str] = field(default_factory=list)       # heading[;thesaurus]
    holdings: list[Holding] = field(default_factory=list)

    def args(self) -> ImportTitleArgs:
        """The arguments of lib_catalog.import_title after the session, in spec order."""
        def joined(items: list[str]) -> str | None:
            items = [i.replace("|", " ") for i in items if i]
            return "|".join(items) or None
        copies = RS.join(US.join(_clean(v) for v in (h.barcode, h.branch_code, h.shelf_location, h.price,
                                                       h.call_number))
                         for h in self.holdings) or None
        return ImportTitleArgs(self.title, self.subtitle, joined(self.identifiers), self.material_type,
                               self.genre_name, self.publisher, self.publication_year, self.language,
                               _cut(self.description, 4000), self.edition, self.extent, joined(self.authors),
                               joined(self.subjects), copies)

class Unreadable(Exception):
    """A record the reader could not decode (the reason is the message)."""


def _clean(v: Any) -> str:
    return "" if v is None else str(v).replace(US, " ").replace(RS, " ").strip()


def _cut(v: str | None, n: int) -> str | None:
    return None if v is None else v[:n]


_TRAIL = " /:;,.=+"


def _strip(v: str | None) -> str | None:
    """A MARC value without its ISBD punctuation at the end ('Moby Dick /' -> 'Moby Dick')."""
    if v is None:
        return None
    v = v.strip().rstrip(_TRAIL).strip()
    return v or None


def _first(record: Record, tag: str, code: str) -> str | None:
    for f in record.get_fields(tag):
        for v in f.get_subfields(code):
            if v and v.strip():
                return v
    return None


def _person(f: Field) -> str | None:
    """A name heading as people write it: 'Melville, Herman,' -> 'Herman Melville' (surname first, ind1 1)."""
    name = _strip(" ".join(f.get_subfields("a")))
    if not name:
        return None
    if f.indicator1 == "1" and name.count(",") == 1:
        last, first = (p.strip() for p in name.split(","))
        name = f"{first} {last}".strip()
    return name[:200]


def _isbn(value: str) -> tuple[str, str | None]:
    """'0-14-143951-3 (pbk.)' -> ('0-14-143951-3', 'pbk.')."""
    value = value.strip()
    m = re.match(r"([0-9Xx-]+)\s*(.*)$", value)
    if not m:
        return value.split(" ")[0], None
    rest = m.group(2).strip().strip("()").strip() or None
    return m.group(1), rest


def to_title(record: Record) -> TitleRecord:
    """The catalog fields of a MARC bibliographic record (see the README's mapping table)."""
    f245 = record.get_fields("245")
    title = subtitle = None
    if f245:
        f = f245[0]
        title = _strip(" ".join([*f.get_subfields("a"), *f.get_subfields("n"), *f.get_subfields("p")]))
        subtitle = _strip(" ".join(f.get_subfields("b")))
    t = TitleRecord(title=_cut(title, 500), subtitle=_cut(subtitle, 500))
    for f in record.get_fields("020"):
        for v in f.get_subfields("a"):
            isbn, qual = _isbn(v)
            q = _strip(" ".join(f.get_subfields("q"))) or qual
            t.identifiers.append(f"ISBN:{isbn}" + (f";{q[:100]}" if q else ""))
    for f in record.get_fields("022"):
        for v in f.get_subfields("a"):
            t.identifiers.append(f"ISSN:{v.strip()}")
    for f in record.get_fields("010"):
        for v in f.get_subfields("a"):
            if v.strip():
                t.identifiers.append(f"LCCN:{v.strip()[:60]}")
    f001 = record.get_fields("001")
    if f001 and f001[0].data and f001[0].data.strip():
        f003 = record.get_fields("003")
        src = f003[0].data.strip() if f003 and f003[0].data else ""
        t.identifiers.append(f"CONTROL:({src}){f001[0].data.strip()}" if src else f"CONTROL:{f001[0].data.strip()}")
    for f in record.get_fields("035"):
        for v in f.get_subfields("a"):
            if v.strip():
                t.identifiers.append(f"CONTROL:{v.strip()[:80]}")
    for tag in ("100", "700"):
        for f in record.get_fields(tag):
            name = _person(f)
            if name and name not in t.authors:
                t.authors.append(name)
    for f in record.get_fields("650"):
        parts = [_strip(v) for c, v in ((s.code, s.value) for s in f.subfields) if c in "avxyz"]
        heading = " -- ".join(p for p in parts if p)
        if heading:
            thesaurus = {"0": "lcsh", "1": "lcshac", "2": "mesh", "3": "nal", "5": "cash", "6": "rvm"}.get(
                f.indicator2 or "") or _strip(_first_of(f, "2"))
            t.subjects.append(heading[:400] + (f";{thesaurus[:20]}" if thesaurus else ""))
    g = _first(record, "655", "a")
    t.genre_name = _strip(g)
    for tag in ("264", "260"):
        for f in record.get_fields(tag):
            if tag == "264" and f.indicator2 not in ("1", " ", None):
                continue  # 264 _1 is publication; _4 a copyright date
            if t.publisher is None and f.get_subfields("b"):
                t.publisher = _cut(_strip(f.get_subfields("b")[0]), 200)
            if t.publication_year is None:
                for v in f.get_subfields("c"):
                    m = re.search(r"(1[0-9]{3}|20[0-9]{2})", v)
                    if m:
                        t.publication_year = int(m.group(1))
                        break
    t.edition = _cut(_strip(_first(record, "250", "a")), 200)
    f300 = record.get_fields("300")
    if f300:
        t.extent = _cut(_strip(" ".join(v for c in "abc" for v in f300[0].get_subfields(c))), 200)
    t.description = _strip(_first(record, "520", "a"))
    f008 = record.get_fields("008")
    if f008 and f008[0].data and len(f008[0].data) >= 38:
        lang = f008[0].data[35:38].strip().lower()
        if re.fullmatch(r"[a-z]{3}", lang or ""):
            t.language = lang
    leader = str(record.leader or "")
    if len(leader) > 7:
        t.material_type = "MAGAZINE" if leader[7] == "s" else _TYPES.get(leader[6], "BOOK")
    # holdings: 852 (MARC holdings in the record) and 952 (Koha's items)
    for f in record.get_fields("852"):
        call = " ".join(v for c in "khim" for v in f.get_subfields(c)).strip() or None
        t.holdings.append(Holding(_first_of(f, "p"), _first_of(f, "b"), _cut(_first_of(f, "c"), 60),
                                  _price(_first_of(f, "9")), call))
    for f in record.get_fields("952"):
        t.holdings.append(Holding(_first_of(f, "p"), _first_of(f, "a") or _first_of(f, "b"),
                                  _cut(_first_of(f, "c"), 60), _price(_first_of(f, "g") or _first_of(f, "v")),
                                  _first_of(f, "o")))
    return t


def _first_of(f: Field, code: str) -> str | None:
    for v in f.get_subfields(code):
        if v and v.strip():
            return v.strip()
    return None


def _price(v: str | None) -> str | None:
    """'USD 12.50' or '12,50' -> '12.50' (the package checks it)."""
    if not v:
        return None
    m = re.search(r"[0-9]+(?:[.,][0-9]{1,2})?", v)
    return m.group(0).replace(",", ".") if m else v


def label_of(record: Record | None) -> str | None:
    if record is None:
        return None
    f = record.get_fields("245")
    return _strip(" ".join(f[0].get_subfields("a")))[:500] if f and f[0].get_subfields("a") else None


# ---- reading ----------------------------------------------------------------------------------------

def read_marc(stream: IO[bytes]) -> Iterator[Record | Unreadable]:
    """Each record of a binary MARC21 file, or Unreadable for one pymarc could not decode. MARC-8 (leader/09
    blank) is converted to Unicode, UTF-8 ('a') read as such; a truncated file ends with an Unreadable."""
    reader = pymarc.MARCReader(stream, to_unicode=True, force_utf8=False, utf8_handling="replace",
                               permissive=True)
    for record in reader:
        if record is None:
            exc = reader.current_exception
            yield Unreadable(f"{type(exc).__name__}: {exc}"[:500] if exc else "unreadable record")
            if isinstance(exc, (pymarc.exceptions.TruncatedRecord, pymarc.exceptions.EndOfRecordNotFound)):
                return
            continue
        yield record


def read_marcxml(stream: IO[bytes]) -> Iterator[Record | Unreadable]:
    """Each <record> of a MARCXML file (collection or single record, namespaced or not)."""
    context = ET.iterparse(stream, events=("start", "end"))
    root = None
    try:
        for event, elem in context:
            if event == "start":
                if root is None:
                    root = elem
                continue
            if _local(elem.tag) != "record":
                continue
            try:
                yield _xml_record(elem)
            except (ValueError, IndexError) as exc:
                yield Unreadable(f"{type(exc).__name__}: {exc}"[:500])
            elem.clear()
            if root is not None and root is not elem:
                root.clear()  # drop the records read so far: memory stays flat
    except ET.ParseError as exc:
        yield Unreadable(f"XML: {exc}"[:500])


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _xml_record(elem: ET.Element) -> Record:
    record = Record(force_utf8=True)
    for child in elem:
        name = _local(child.tag)
        if name == "leader":
            record.leader = pymarc.Leader((child.text or "").ljust(24)[:24])
        elif name == "controlfield":
            record.add_field(Field(tag=child.get("tag", "000"), data=child.text or ""))
        elif name == "datafield":
            subs = [Subfield(code=s.get("code", "a"), value=s.text or "") for s in child if _local(s.tag) == "subfield"]
            record.add_field(Field(tag=child.get("tag", "000"),
                                   indicators=Indicators(child.get("ind1", " ") or " ", child.get("ind2", " ") or " "),
                                   subfields=subs))
    return record


# ---- writing ----------------------------------------------------------------------------------------

def from_title(row: dict, identifiers: list[dict], subjects: list[dict], authors: list[str],
               copies: list[dict]) -> Record:
    """A MARC21 record (UTF-8, leader/09 'a') of a title, read back by to_title to the same fields."""
    r = Record(force_utf8=True)
    r.leader = pymarc.Leader("     nam a22     7a 4500")
    r.add_field(Field(tag="001", data=str(row["material_id"])))
    r.add_field(Field(tag="003", data="ILS"))
    lang = (row.get("language_code") or "eng")[:3].ljust(3)
    year = str(row.get("publication_year") or "    ").rjust(4)
    r.add_field(Field(tag="008", data=f"000000s{year}    xx            000 0 {lang} d"))
    for i in identifiers:
        if i["id_type"] == "ISBN":
            subs = [Subfield("a", i["id_value"])] + ([Subfield("q", i["qualifier"])] if i.get("qualifier") else [])
            r.add_field(Field(tag="020", indicators=Indicators(" ", " "), subfields=subs))
        elif i["id_type"] == "ISSN":
            r.add_field(Field(tag="022", indicators=Indicators(" ", " "), subfields=[Subfield("a", i["id_value"])]))
        elif i["id_type"] == "LCCN":
            r.add_field(Field(tag="010", indicators=Indicators(" ", " "), subfields=[Subfield("a", i["id_value"])]))
        elif i["id_type"] == "CONTROL":
            src = f"({i['id_source']})" if i.get("id_source") else ""
            r.add_field(Field(tag="035", indicators=Indicators(" ", " "), subfields=[Subfield("a", src + i["id_value"])]))
    if row.get("isbn") and not any(i["id_type"] == "ISBN" and i["id_value"] == row["isbn"] for i in identifiers):
        r.add_field(Field(tag="020", indicators=Indicators(" ", " "), subfields=[Subfield("a", row["isbn"])]))
    for n, name in enumerate(authors):
        r.add_field(Field(tag="100" if n == 0 else "700", indicators=Indicators("0", " "), subfields=[Subfield("a", name)]))
    subs = [Subfield("a", row["title"])] + ([Subfield("b", row["subtitle"])] if row.get("subtitle") else [])
    r.add_field(Field(tag="245", indicators=Indicators("1" if authors else "0", "0"), subfields=subs))
    if row.get("edition"):
        r.add_field(Field(tag="250", indicators=Indicators(" ", " "), subfields=[Subfield("a", row["edition"])]))
    pub = ([Subfield("b", row["publisher"])] if row.get("publisher") else []) + \
        ([Subfield("c", str(row["publication_year"]))] if row.get("publication_year") else [])
    if pub:
        r.add_field(Field(tag="264", indicators=Indicators(" ", "1"), subfields=pub))
    if row.get("extent"):
        r.add_field(Field(tag="300", indicators=Indicators(" ", " "), subfields=[Subfield("a", row["extent"])]))
    if row.get("description"):
        r.add_field(Field(tag="520", indicators=Indicators(" ", " "), subfields=[Subfield("a", row["description"])]))
    for s in subjects:
        parts = [p.strip() for p in s["heading"].split(" -- ")]
        fsubs = [Subfield("a", parts[0])] + [Subfield("x", p) for p in parts[1:]]
        ind2 = {"lcsh": "0", "mesh": "2"}.get(s.get("thesaurus") or "", "4" if not s.get("thesaurus") else "7")
        if ind2 == "7":
            fsubs.append(Subfield("2", s["thesaurus"]))
        r.add_field(Field(tag="650", indicators=Indicators(" ", ind2), subfields=fsubs))
    if row.get("genre_name"):
        r.add_field(Field(tag="655", indicators=Indicators(" ", "7"), subfields=[Subfield("a", row["genre_name"])]))
    for c in copies:
        csubs = [Subfield("a", c["branch_code"]), Subfield("p", c["barcode"])]
        if c.get("shelf_location"):
            csubs.append(Subfield("c", c["shelf_location"]))
        if c.get("price") is not None:
            csubs.append(Subfield("g", f"{c['price']:.2f}"))
        r.add_field(Field(tag="952", indicators=Indicators(" ", " "), subfields=csubs))
    return r
