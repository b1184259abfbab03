"""Running an import: the file read record by record, a batch of records per transaction through the
packages as the uploader, a savepoint per record so a bad one is reported and the batch goes on, each
record's outcome reported to lib_imports (the progress a client polls). A dry run does all of it and rolls
each batch back, then keeps only the report: what it says is what the import would do (except that two
records of one file in different batches cannot match each other in a dry run).

Speed (bench/bench_import.py): a thread reads and parses the file ahead (read_ahead) while the database
works; a batch of titles goes in one pipeline (run_guarded_many), is bulk work whose search documents are
written once at its end (lib_catalog.import_batch_begin / import_batch_end), and is reported and counted
in one call each (lib_imports.record_results, count_reported). On PostgreSQL each batch starts with its plans made again (Session.replan):
plans cached while the catalog was small would go on scanning the tables it grew into.

Two batches of titles at once (PARALLEL, ILS_IMPORT_PARALLEL): a database session works a batch on one core
while another session works the next on the other. What they could share is kept apart:
- Authors: two sessions creating the same new author would create it twice. So a batch begun with credits
  later (lib_catalog.import_batch_begin) leaves its authors to lib_catalog.import_credits, called only once
  the batch before it has committed: credits are written one batch at a time, in file order.
- Titles and barcodes: a record could match a record of the batch beside it that is not committed yet.
  So a batch whose ISBNs, control numbers or barcodes (conflict_keys) meet those of the batch in flight
  waits for it.
- Locks: two records of the two batches can still match one existing title by different identifiers, and
  a session that waits for a lock the other holds, while the other waits for it to commit, would wait
  forever. So a batch waits a bounded time for the one before it (patience, below the statement timeout);
  past that, on a record's lock timeout or deadlock, or on any error of the batch as a whole, it is rolled
  back; the batches still in flight are stopped and rolled back too, and each is run again by itself.

Where it runs: a thread pool of the server process (ImportQueue), not a worker process of its own. An
import acts as the cataloger who uploaded it (their permissions checked by the packages, their name in the
audit trail); a separate process could only do that by holding their session key or through a service
account with every catalog right. The cost: an import dies with its server process; lib_imports.fail_abandoned
marks it FAILED when the next import is uploaded (no record reported for 10 minutes), what its committed
batches wrote is kept, and importing the file again matches those records instead of duplicating them.
"""
from __future__ import annotations

import itertools
import logging
import os
import queue
import re
import shutil
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, TypeVar

from datalayer.gateway import Actor, Gateway, run_guarded, run_guarded_many
from datalayer.packages import lib_catalog, lib_imports, lib_patrons
from datalayer.reads import imports as reads
from datalayer.session import CONNECTION_LOST, DbError, Session
from services.imports import marc, tabular

log = logging.getLogger("ils.imports")
KINDS = ("MARC", "MARCXML", "CSV_TITLES", "CSV_PATRONS")
BATCH = 500
PARALLEL = 2     # batches of titles in flight at once, each in a database session of its own
PATIENCE = 5.0   # seconds a batch waits at least for the one before it to commit (see the module's doc),
LATE = 3.0       # ... or this many times the slowest batch so far, below half the statement timeout
# a record that waited for a lock too long or was in a deadlock: beside another batch, the batch runs again
LOCK_WAITS = frozenset({"40P01", "40001", "55P03", "57014", "ORA-00060", "ORA-00054", "ORA-30006", "DPY-4024"})
T = TypeVar("T")


@dataclass
class Outcome:
    record_no: int
    outcome: str                      # CREATED, MATCHED, REJECTED
    label: str | None = None
    material_id: int | None = None
    patron_id: int | None = None
    matched_by: str | None = None
    error_name: str | None = None
    detail: str | None = None
    copies_added: int = 0


class _DryRun(Exception):
    """Raised at the end of a dry run's batch so the transaction rolls back."""


def kind_of(file_name: str, declared: str | None = None) -> str:
    """The import kind of an upload: as declared, else by the file's extension."""
    if declared:
        return declared.upper()
    name = file_name.lower()
    if name.endswith((".xml", ".marcxml")):
        return "MARCXML"
    if name.endswith(".csv"):
        return "CSV_TITLES"
    return "MARC"


def records(kind: str, stream: IO[bytes]) -> Iterator[Any]:
    if kind == "MARC":
        return marc.read_marc(stream)
    if kind == "MARCXML":
        return marc.read_marcxml(stream)
    return tabular.rows(stream)



def _reason(exc: DbError) -> str:
    msg = str(exc)
    return msg.split(": ", 1)[-1][:1000] if exc.code is not None else msg[:1000]


def title_record(no: int, item: Any, kind: str) -> Outcome | Any:
    """The record's import_title arguments (a TitleRecord), or the Outcome of a record refused unread."""
    if isinstance(item, (marc.Unreadable, tabular.BadRow)):
        name = "MARC_UNREADABLE" if isinstance(item, marc.Unreadable) else "CSV_ROW_INVALID"
        return Outcome(no, "REJECTED", error_name=name, detail=str(item)[:1000])
    try:
        return tabular.to_title(item) if kind == "CSV_TITLES" else marc.to_title(item)
    except tabular.BadRow as exc:
        return Outcome(no, "REJECTED", label=(item.get("title") or None), error_name="CSV_ROW_INVALID",
                       detail=str(exc))
    except Exception as exc:  # a record pymarc read but whose fields do not hold together
        return Outcome(no, "REJECTED", label=marc.label_of(item) if kind != "CSV_TITLES" else None,
                       error_name="MARC_UNREADABLE", detail=f"{type(exc).__name__}: {exc}"[:1000])


REPORT_BYTES = 16000  # per call of lib_imports.record_results (at most 32767 bytes)
_SEPARATORS = str.maketrans({"\x1e": " ", "\x1f": " "})


def report_chunks(outcomes: list[Outcome]) -> Iterator[str]:
    """The reports of lib_imports.record_results: fields separated by CHR(31), reports by CHR(30), in
    chunks of at most REPORT_BYTES (UTF-8)."""
    reports = []
    for o in outcomes:
        fields = (o.record_no, o.outcome, o.material_id, o.patron_id, (o.label or "")[:500], o.matched_by,
                  o.error_name, (o.detail or "")[:2000], o.copies_added)
        reports.append("\x1f".join("" if f is None else str(f).translate(_SEPARATORS) for f in fields))
    return joined_chunks(reports)


def joined_chunks(entries: list[str]) -> Iterator[str]:
    """Entries joined by CHR(30) in chunks of at most REPORT_BYTES (UTF-8), as a package procedure taking a
    batch in a VARCHAR2 reads them."""
    chunk: list[str] = []
    size = 0
    for entry in entries:
        n = len(entry.encode("utf-8")) + 1
        if chunk and size + n > REPORT_BYTES:
            yield "\x1e".join(chunk)
            chunk, size = [], 0
        chunk.append(entry)
        size += n
    if chunk:
        yield "\x1e".join(chunk)


def read_ahead(items: Iterator[T], depth: int) -> Iterator[T]:
    """items as they come, produced by a thread of their own up to `depth` ahead: the file is read and its
    records parsed while the database works on the batch before (the thread waits on the queue, the
    import's thread on the database: each lets the other run)."""
    ahead: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()
    end = object()

    def put(item: Any) -> bool:
        while not stop.is_set():
            try:
                ahead.put(item, timeout=0.2)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put(item):
                    return
            put(end)
        except BaseException as exc:  # raised again in the import's thread
            put(_Failed(exc))

    threading.Thread(target=produce, name="ils-import-read", daemon=True).start()
    try:
        while (item := ahead.get()) is not end:
            if isinstance(item, _Failed):
                raise item.exc
            yield item
    finally:
        stop.set()


@dataclass
class _Failed:
    exc: BaseException


class Importer:
    """Reads one file and imports it (see the module's doc)."""

    def __init__(self, gw: Gateway, actor: Actor | None, batch: int = BATCH,
                 on_batch: Callable[[int], None] | None = None, parallel: int = PARALLEL):
        self.gw, self.actor, self.batch, self.on_batch, self.parallel = gw, actor, batch, on_batch, max(1, parallel)
        self._catalog: dict[int, tuple[str, int, str]] = {}  # the error catalog, read by run()
        self._branches: dict[str, int] | None = None

    def error_name(self, exc: DbError) -> str:
        entry = self._catalog.get(exc.code) if exc.code is not None else None
        return entry[0] if entry else "DATABASE_ERROR"

    # ---- titles: a batch at a time ---------------------------------------------------------------------
    def _titles(self, s: Session, read: list[tuple[int, Any]], credits_later: bool
                ) -> tuple[list[Outcome], list[tuple[int, str, str]]]:
        """Import a batch of title records: every readable one through lib_catalog.import_title, sent
        together (run_guarded_many: a savepoint each, one pipeline on PostgreSQL), as bulk work whose search
        documents are written once, by _end_titles. The outcomes, and the credits left for _end_titles
        (material_id, authors, created Y/N) when credits_later."""
        arg_lists = [r.args() for _, r in read if not isinstance(r, Outcome)]
        s.replan()
        lib_catalog.import_batch_begin(s, "Y" if credits_later else "N")
        answers = zip(run_guarded_many(s, lib_catalog.import_title, arg_lists), arg_lists)
        outcomes, credits = [], []
        for no, r in read:
            if isinstance(r, Outcome):
                outcomes.append(r)
                continue
            out, args = next(answers)
            if isinstance(out, DbError) and credits_later and out.sqlstate in LOCK_WAITS:
                raise _Retry(f"record {no}: {out}")  # the batch beside holds what it needs
            if isinstance(out, DbError):
                outcomes.append(Outcome(no, "REJECTED", label=r.title, error_name=self.error_name(out),
                                        detail=_reason(out)))
                continue
            if credits_later and args.authors:
                credits.append((out.material_id, args.authors, "Y" if out.outcome == "CREATED" else "N"))
            notes = [out.note] if out.note else []
            if out.copies_added:
                notes.append(f"{out.copies_added} copies added")
            outcomes.append(Outcome(no, out.outcome, label=r.title, material_id=out.material_id,
                                    matched_by=out.matched_by, detail="; ".join(notes)[:2000] or None,
                                    copies_added=out.copies_added or 0))
        return outcomes, credits

    def _end_titles(self, s: Session, credits: list[tuple[int, str, str]]) -> None:
        """The credits _titles left (none failing: import_title checked the names), then the batch's
        search documents (lib_catalog.import_batch_end)."""
        entries = [f"{material_id}\x1f{created}\x1f{authors.translate(_SEPARATORS)}"
                   for material_id, authors, created in credits]
        for chunk in joined_chunks(entries):
            lib_catalog.import_credits(s, chunk)
        lib_catalog.import_batch_end(s)

    def _patron(self, s: Session, no: int, item: Any) -> Outcome:
        if isinstance(item, tabular.BadRow):
            return Outcome(no, "REJECTED", error_name="CSV_ROW_INVALID", detail=str(item))
        label = " ".join(p for p in (item.get("first_name"), item.get("last_name")) if p) or None
        if self._branches is None:
            self._branches = reads.branch_ids(s)
        code = (item.get("home_branch") or "").upper()
        branch_id = self._branches.get(code) if code else None
        if code and branch_id is None:
            return Outcome(no, "REJECTED", label=label, error_name="BRANCH_NOT_FOUND", detail=f"branch code {code[:20]}")
        card = item.get("card_number") or None
        found = reads.patron_by_card(s, card) if card else None
        args = (item.get("first_name") or None, item.get("last_name") or None, item.get("email") or None,
                item.get("phone") or None, item.get("address") or None, (item.get("category") or "").upper() or None)
        try:
            if found:
                run_guarded(s, lib_patrons.update_patron, found["patron_id"], *args,
                            branch_id or found["home_branch_id"])
                return Outcome(no, "MATCHED", label=label, patron_id=found["patron_id"], matched_by=f"CARD {card}")
            out = run_guarded(s, lib_patrons.register, *args, branch_id, card)
            return Outcome(no, "CREATED", label=label, patron_id=out.patron_id)
        except DbError as exc:
            return Outcome(no, "REJECTED", label=label, error_name=self.error_name(exc), detail=_reason(exc))

    # ---- a file -----------------------------------------------------------------------------------------
    def _report(self, s: Session, import_id: int | None, outcomes: list[Outcome]) -> None:
        if import_id is None:
            return
        for chunk in report_chunks(outcomes):
            lib_imports.record_results(s, import_id, chunk)
        lib_imports.count_reported(s, import_id, outcomes[0].record_no, outcomes[-1].record_no)

    def _batch(self, s: Session, numbered: list[tuple[int, Any]], kind: str) -> list[Outcome]:
        if kind == "CSV_PATRONS":
            return [self._patron(s, no, item) for no, item in numbered]
        outcomes, credits = self._titles(s, numbered, credits_later=False)
        self._end_titles(s, credits)
        return outcomes

    def _reported(self, import_id: int | None, dry_run: bool, work: Callable[[Session], list[Outcome]]
                  ) -> list[Outcome]:
        """work(session) in a transaction, then its outcomes reported in it; a dry run rolls the work back
        and reports in a transaction of its own."""
        try:
            with self.gw.transaction(self.actor) as s:
                outcomes = work(s)
                if dry_run:
                    raise _DryRun
                self._report(s, import_id, outcomes)
        except _DryRun:
            with self.gw.transaction(self.actor) as s:
                self._report(s, import_id, outcomes)
        return outcomes

    def _alone(self, import_id: int | None, kind: str, numbered: list[tuple[int, Any]], dry_run: bool
               ) -> list[Outcome]:
        """One batch in a transaction of its own, with nothing beside it."""
        return self._reported(import_id, dry_run, lambda s: self._batch(s, numbered, kind))

    def _beside(self, b: "_Batch", flight: "_Flight", import_id: int | None, dry_run: bool,
                patience: float) -> list[Outcome]:
        """A batch of titles run while the one before it (b.after) may still run: its credits, search
        documents and report only once that one has committed. _Retry when it must run again by itself."""
        def work(s: Session) -> list[Outcome]:
            outcomes, credits = self._titles(s, b.numbered, credits_later=True)
            if not flight.wait_turn(b, patience):
                raise _Retry("stopped" if b.aborted else "the batch before it did not commit in time")
            self._end_titles(s, credits)
            return outcomes

        t0 = time.perf_counter()
        try:
            outcomes = self._reported(import_id, dry_run, work)
        except DbError as exc:
            if exc.sqlstate in CONNECTION_LOST:
                raise
            raise _Retry(str(exc)) from exc
        b.seconds = time.perf_counter() - t0
        flight.done(b)
        return outcomes

    def run(self, import_id: int | None, kind: str, stream: IO[bytes], dry_run: bool) -> dict[str, int]:
        """Import every record of the stream; the counts. import_id None: no report (the bench's bare run)."""
        counts = {"CREATED": 0, "MATCHED": 0, "REJECTED": 0, "copies": 0, "read": 0}
        # read first: a refusal in a batch then needs no connection of its own
        self._catalog = self.gw.error_catalog()
        source: Iterator[tuple[int, Any]] = enumerate(records(kind, stream), start=1)
        if kind != "CSV_PATRONS":
            source = ((no, title_record(no, item, kind)) for no, item in source)
        source = read_ahead(source, 2 * self.batch)
        batches = iter(lambda: list(itertools.islice(source, self.batch)), [])

        def tally(outcomes: list[Outcome]) -> None:
            for o in outcomes:
                counts[o.outcome] += 1
                counts["copies"] += o.copies_added
            counts["read"] += len(outcomes)
            if self.on_batch:
                self.on_batch(counts["read"])

        if kind == "CSV_PATRONS" or self.parallel < 2:
            for numbered in batches:
                tally(self._alone(import_id, kind, numbered, dry_run))
            return counts
        flight = _Flight()
        slowest = 0.0
        # below the statement timeout: a session waiting for a lock the waiting batch holds gets it in time
        ceiling = self.gw.statement_timeout_ms / 2000

        def land(b: _Batch) -> None:
            """The oldest batch in flight; when it has to run again, the others in flight are stopped and
            rolled back first (they may hold what it needs), then it runs by itself."""
            nonlocal slowest
            assert b.future is not None
            try:
                outcomes = b.future.result()
            except _Retry as why:
                flight.stop_all()
                log.info("import %s: batch from record %s run again by itself (%s)", import_id,
                         b.numbered[0][0], why)
                outcomes = self._alone(import_id, kind, b.numbered, dry_run)
                flight.done(b)
            slowest = max(slowest, b.seconds)
            b.after, b.numbered = None, []  # what it held goes: memory stays flat in the file's size
            tally(outcomes)

        with ThreadPoolExecutor(max_workers=self.parallel, thread_name_prefix="ils-import-batch") as pool:
            try:
                for numbered in batches:
                    keys = conflict_keys(numbered)
                    while flight.batches and (len(flight.batches) >= self.parallel
                                              or any(not keys.isdisjoint(f.keys) for f in flight.batches)):
                        land(flight.batches.popleft())
                    b = _Batch(numbered, keys, flight.batches[-1] if flight.batches else None)
                    patience = min(max(PATIENCE, LATE * slowest), ceiling)
                    b.future = pool.submit(self._beside, b, flight, import_id, dry_run, patience)
                    flight.batches.append(b)
                while flight.batches:
                    land(flight.batches.popleft())
            except BaseException:
                flight.stop_all()  # what is in flight rolls back: nothing commits after a failed batch
                raise
        return counts


@dataclass
class _Batch:
    numbered: list[tuple[int, Any]]
    keys: frozenset[str]
    after: "_Batch | None"              # the batch before it, whose commit its credits wait for
    future: Future | None = None
    seconds: float = 0.0
    committed: bool = False            # (or rolled back for good: a dry run's)
    aborted: bool = False


class _Flight:
    """The batches of titles in flight, oldest first, and what they wait for of each other."""

    def __init__(self) -> None:
        self.batches: deque[_Batch] = deque()
        self._changed = threading.Condition()

    def wait_turn(self, b: _Batch, patience: float) -> bool:
        """Wait until the batch before b committed: True; False when b is stopped or waited `patience` s."""
        with self._changed:
            self._changed.wait_for(lambda: b.aborted or b.after is None or b.after.committed, timeout=patience)
            return not b.aborted and (b.after is None or b.after.committed)

    def done(self, b: _Batch) -> None:
        with self._changed:
            b.committed = True
            self._changed.notify_all()

    def stop_all(self) -> None:
        """Stop the batches in flight (each rolls back at its wait, to be run again by itself) and wait
        for them to end."""
        with self._changed:
            for b in self.batches:
                b.aborted = True
            self._changed.notify_all()
        for b in self.batches:
            if b.future is not None:
                try:
                    b.future.result()
                except BaseException:  # noqa: BLE001 - the result is read again when the batch lands
                    pass


class _Retry(Exception):
    """A batch run beside another that has to run again by itself (see the module's doc)."""


_NOT_DIGITS = re.compile(r"[^0-9X]")
_BLANKS = re.compile(r"\s+")


def conflict_keys(numbered: list[tuple[int, Any]]) -> frozenset[str]:
    """What a batch may match or take that another batch could write: its ISBNs (the 9 digits an ISBN-10
    and its ISBN-13 share), other identifiers and barcodes, over-inclusive (a key shared by accident only
    makes two batches run one after the other)."""
    keys: set[str] = set()
    for _, r in numbered:
        if isinstance(r, Outcome):
            continue
        for entry in r.identifiers:
            kind, _, value = entry.partition(":")
            value = value.rsplit(";", 1)[0] if ";" in value else value
            if kind.strip().upper() == "ISBN":
                digits = _NOT_DIGITS.sub("", value.upper())
                if len(digits) == 13 and digits.startswith("978"):
                    digits = digits[3:12]
                elif len(digits) == 10:
                    digits = digits[:9]
                keys.add("I" + digits)
            else:
                keys.add("C" + _BLANKS.sub("", value).upper())
        for h in r.holdings:
            if h.barcode:
                keys.add("B" + _BLANKS.sub("", str(h.barcode)).upper())
    return frozenset(keys)


# ---- the queue in the server process -------------------------------------------------------------------

@dataclass(frozen=True)
class ImportSettings:
    directory: Path
    max_bytes: int
    batch: int = BATCH
    parallel: int = PARALLEL

    @classmethod
    def from_env(cls, env: dict | None = None) -> "ImportSettings":
        env = dict(os.environ if env is None else env)
        directory = Path(env.get("ILS_IMPORT_DIR") or Path(tempfile.gettempdir()) / "ils-imports")
        return cls(directory=directory, max_bytes=int(env.get("ILS_IMPORT_MAX_MB") or 200) * 1024 * 1024,
                   batch=int(env.get("ILS_IMPORT_BATCH") or BATCH),
                   parallel=int(env.get("ILS_IMPORT_PARALLEL") or PARALLEL))


class UploadTooLarge(Exception):
    pass


class ImportQueue:
    """Imports run one at a time on a thread of the server process (see the module's doc)."""

    def __init__(self, gw: Gateway, settings: ImportSettings):
        self.gw, self.settings = gw, settings
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ils-import")
        self._started = threading.Event()

    def file_of(self, import_id: int) -> Path:
        return self.settings.directory / f"{int(import_id)}.upload"

    async def save_upload(self, chunks, dest: Path) -> int:
        """Write an upload (async iterator of bytes) to dest, bounded by max_bytes; its size."""
        dest.parent.mkdir(parents=True, exist_ok=True)
        size = 0
        with open(dest, "wb") as out:
            async for chunk in chunks:
                size += len(chunk)
                if size > self.settings.max_bytes:
                    out.close()
                    dest.unlink(missing_ok=True)
                    raise UploadTooLarge
                out.write(chunk)
        return size

    def save_file(self, source: IO[bytes], dest: Path) -> int:
        """save_upload from a file object (the staff page's spooled upload)."""
        dest.parent.mkdir(parents=True, exist_ok=True)
        size = 0
        with open(dest, "wb") as out:
            while chunk := source.read(1024 * 1024):
                size += len(chunk)
                if size > self.settings.max_bytes:
                    out.close()
                    dest.unlink(missing_ok=True)
                    raise UploadTooLarge
                out.write(chunk)
        return size

    def submit(self, actor: Actor, import_id: int, kind: str, path: Path, dry_run: bool) -> None:
        self._pool.submit(self._run, actor, import_id, kind, path, dry_run)

    def _run(self, actor: Actor, import_id: int, kind: str, path: Path, dry_run: bool) -> None:
        t0 = time.perf_counter()
        try:
            with self.gw.transaction(actor) as s:
                lib_imports.begin_import(s, import_id)
            with open(path, "rb") as stream:
                counts = Importer(self.gw, actor, self.settings.batch,
                                  parallel=self.settings.parallel).run(import_id, kind, stream, dry_run)
            message = (f"{counts['read']} records in {time.perf_counter() - t0:.1f}s"
                       + (" (dry run: nothing kept)" if dry_run else ""))
            with self.gw.transaction(actor) as s:
                lib_imports.finish_import(s, import_id, "DONE", message)
        except Exception as exc:
            log.exception("import %s failed", import_id)
            try:
                with self.gw.transaction(actor) as s:
                    lib_imports.finish_import(s, import_id, "FAILED", f"{type(exc).__name__}: {exc}"[:1000])
            except Exception:
                log.exception("import %s: could not record the failure", import_id)
        finally:
            if not dry_run:
                path.unlink(missing_ok=True)  # a dry run's file waits for its confirmation

    def copy_for(self, dry_import_id: int, import_id: int) -> Path:
        """The file of a confirmed dry run, under the new import's name."""
        src, dest = self.file_of(dry_import_id), self.file_of(import_id)
        shutil.move(src, dest)
        return dest

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
