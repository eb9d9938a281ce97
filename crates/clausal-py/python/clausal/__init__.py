"""clausal: contract-archive understanding, the engine of the ``clausal`` Rust crate in Python.

Ingest PDF, DOCX and email archives into an index, search it (BM25, vector, hybrid), flag
risky clauses with rule packs, compute deadlines, compare clauses with a clause library and
record reviewers' decisions in a tamper-evident store. Everything runs in-process and offline.

>>> import clausal
>>> model = clausal.Model()                      # all-MiniLM-L6-v2, see README "Python"
>>> index = clausal.Index.open_or_create("contracts-index", model)
>>> report = index.ingest(["samples/archive"], model)
>>> for hit in index.search("force majeure pandemic", model, limit=3):
...     print(hit.score, hit.clause.source, hit.clause.heading)

Results are read-only objects over the same values ``clausal ... --json`` prints
(``to_dict()`` gives plain dicts); embeddings are NumPy arrays. Calls that read, write,
embed or search release the GIL, so Python threads run them in parallel.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Union

import numpy as np

from . import _clausal
from ._clausal import (
    INDEX_FORMAT_VERSION,
    ClausalError,
    DatabaseError,
    DeviceUnavailable,
    Encrypted,
    IncompatibleFormat,
    IndexCorrupt,
    IndexFailure,
    IndexLocked,
    Inference,
    IntegrityViolation,
    Internal,
    InvalidArgument,
    InvalidQuery,
    IoError,
    LibraryError,
    LimitExceeded,
    MalformedDocument,
    ModelLoad,
    ModelMismatch,
    RulePackError,
    Tokenizer,
    UnsupportedFormat,
    __version__,
)
from ._results import (
    AnalyzedDocument,
    Clause,
    ClauseRecord,
    Deadline,
    Deviation,
    Document,
    DocumentRecord,
    DocumentRisk,
    Flag,
    Hit,
    IndexStats,
    IndexVerification,
    IngestReport,
    Kind,
    LibraryChange,
    LibraryEntry,
    Result,
    ReviewEntry,
    RuleStats,
    Thread,
    ThreadMessage,
    Verification,
    decode,
    decode_list,
)

PathLike = Union[str, "os.PathLike[str]"]

__all__ = [
    "INDEX_FORMAT_VERSION",
    "AnalyzedDocument",
    "ClausalError",
    "Clause",
    "ClauseLibrary",
    "ClauseRecord",
    "DatabaseError",
    "Deadline",
    "DeviceUnavailable",
    "Deviation",
    "Document",
    "DocumentRecord",
    "DocumentRisk",
    "Encrypted",
    "Filter",
    "Flag",
    "Hit",
    "IncompatibleFormat",
    "Index",
    "IndexCorrupt",
    "IndexFailure",
    "IndexLocked",
    "IndexStats",
    "IndexVerification",
    "Inference",
    "IngestReport",
    "IntegrityViolation",
    "Internal",
    "InvalidArgument",
    "InvalidQuery",
    "IoError",
    "Kind",
    "LibraryChange",
    "LibraryEntry",
    "LibraryError",
    "LimitExceeded",
    "MalformedDocument",
    "Model",
    "ModelLoad",
    "ModelMismatch",
    "Result",
    "ReviewEntry",
    "ReviewStore",
    "RiskEngine",
    "RuleStats",
    "Thread",
    "ThreadMessage",
    "RulePackError",
    "Tokenizer",
    "UnsupportedFormat",
    "Verification",
    "__version__",
    "clauses",
    "extract",
    "kinds",
    "text_hash",
]

Model = _clausal.Model



def _paths(paths: PathLike | Iterable[PathLike]) -> list[str]:
    if isinstance(paths, (str, os.PathLike)):
        return [os.fspath(paths)]
    return [os.fspath(p) for p in paths]


@dataclass(frozen=True)
class Filter:
    """Which clauses a search, a flag query or a deadline query considers.

    Every field narrows; an empty filter admits everything. ``kinds`` are clause kind ids
    (:func:`kinds`), ``documents`` document ids, ``formats`` pdf/docx/doc/rtf/odt/email/text/markdown,
    ``date_from``/``date_to`` ISO dates of the document, ``party`` a party name,
    ``roles`` document roles (agreement, amendment, correspondence, ...), ``threads`` email
    thread ids (:meth:`Index.threads`): their messages and attachments.
    """

    kinds: Sequence[str] = field(default_factory=tuple)
    documents: Sequence[str] = field(default_factory=tuple)
    formats: Sequence[str] = field(default_factory=tuple)
    date_from: str | None = None
    date_to: str | None = None
    party: str | None = None
    roles: Sequence[str] = field(default_factory=tuple)
    threads: Sequence[str] = field(default_factory=tuple)

    def _json(self) -> str:
        import json

        lists = ("kinds", "documents", "formats", "roles", "threads")
        d = {}
        for k, v in asdict(self).items():
            if k in lists and isinstance(v, str):
                v = [v]  # Filter(kinds="force_majeure") means one kind, not its letters
            d[k] = list(v) if isinstance(v, (list, tuple)) else v
        return json.dumps({k: v for k, v in d.items() if v not in (None, [], ())})


FilterLike = Union[Filter, "dict[str, Any]", None]


def _filter(f: FilterLike) -> str | None:
    if f is None:
        return None
    if isinstance(f, dict):
        f = Filter(**f)
    if not isinstance(f, Filter):
        raise TypeError(f"filter must be a clausal.Filter or a dict, not {type(f).__name__}")
    return f._json()


class Index:
    """A clausal index folder: ingest into it, search it, read its deadlines and records.

    Open one with :meth:`open`, :meth:`create` or :meth:`open_or_create`. An ``Index`` reads
    the commit that was latest when it was opened, or when it last ingested, removed or
    :meth:`reload`-ed. Safe to share between threads.
    """

    __slots__ = ("_native",)

    def __init__(self, native: _clausal.Index) -> None:
        self._native = native

    @classmethod
    def open(cls, path: PathLike) -> Index:
        """Opens the index in ``path`` (``IoError`` when there is none, ``IndexCorrupt``
        when it is not an index)."""
        return cls(_clausal.Index.open(os.fspath(path)))

    @classmethod
    def create(cls, path: PathLike, model: Model) -> Index:
        """Creates an empty index in ``path`` (missing or empty) for ``model``'s vectors."""
        return cls(_clausal.Index.create(os.fspath(path), model))

    @classmethod
    def open_or_create(cls, path: PathLike, model: Model) -> Index:
        """Opens the index in ``path``, creating it for ``model`` when there is none."""
        return cls(_clausal.Index.open_or_create(os.fspath(path), model))

    @property
    def path(self) -> str:
        """The index folder."""
        return os.fspath(self._native.path)

    @property
    def generation(self) -> int:
        """The generation of the index's latest commit."""
        return self._native.generation

    def reload(self) -> None:
        """Moves to the latest commit (one another process made, say)."""
        self._native.reload()

    def ingest(
        self,
        paths: PathLike | Iterable[PathLike],
        model: Model,
        *,
        prune: bool = False,
        commit_every: int = 256,
        shard: tuple[int, int] | None = None,
        limits: dict[str, float] | None = None,
        progress: Callable[[dict[str, Any]], None] | None = None,
    ) -> IngestReport:
        """Ingests files and folders (PDF, DOCX, EML, MBOX, MSG, text, Markdown).

        Unchanged files are skipped; a file that fails is reported in ``report.failed`` and
        the batch goes on. ``prune`` removes documents of files gone from the folders given.
        ``shard=(i, n)`` takes only the files of shard ``i`` of ``n``. ``limits`` overrides
        extraction limits (see :func:`extract`). ``progress`` is called
        with a dict per event: ``{"event": "planned", "files", "bytes"}``, ``{"event":
        "file", "path", "documents", "pages", "clauses", "unchanged", "error"}`` and
        ``{"event": "commit", "generation", ...}``. An exception it raises, or a Ctrl-C
        (``KeyboardInterrupt``), stops the ingest before its next chunk of files: what was
        ingested before is committed, and the exception is raised then.
        """
        text = self._native.ingest(
            _paths(paths),
            model,
            prune=prune,
            commit_every=commit_every,
            shard=shard,
            limits=_limits(limits),
            progress=progress,
        )
        return decode(IngestReport, text)

    def remove(self, paths: PathLike | Iterable[PathLike]) -> tuple[list[str], list[str]]:
        """Removes the documents of files; returns (removed, not in the index)."""
        return self._native.remove(_paths(paths))

    def search(
        self,
        query: str,
        model: Model,
        *,
        mode: str = "hybrid",
        limit: int = 10,
        plain: bool = False,
        filter: FilterLike = None,
    ) -> list[Hit]:
        """Searches clauses: ``mode`` is ``"hybrid"`` (BM25 and vectors fused), ``"bm25"`` or
        ``"vector"``. The query is tantivy query syntax (phrases in quotes, ``AND``/``OR``,
        ``heading:notice``); ``plain=True`` searches its words as written. A hybrid query
        that is not valid syntax is searched as plain words, with a warning."""
        if mode == "hybrid" and not plain:
            why = self._native.syntax_error(query, False)
            if why is not None:
                warnings.warn(
                    f"the query is not query syntax ({why}); its words were searched as plain "
                    "text (plain=True does this without this warning)",
                    stacklevel=2,
                )
        text = self._native.search(
            query, model, mode=mode, limit=limit, plain=plain, filter=_filter(filter)
        )
        return decode_list(Hit, text)

    def similar(
        self,
        model: Model,
        *,
        clause: str | None = None,
        text: str | None = None,
        limit: int = 10,
        filter: FilterLike = None,
    ) -> list[Hit]:
        """Clauses most like a clause of the index (``clause``, an id) or like a ``text``."""
        out = self._native.similar(
            model, clause=clause, text=text, limit=limit, filter=_filter(filter)
        )
        return decode_list(Hit, out)

    def deadlines(
        self,
        *,
        as_of: str | None = None,
        within_days: int | None = None,
        kinds: Sequence[str] = (),
        include_undated: bool = False,
        filter: FilterLike = None,
    ) -> list[Deadline]:
        """Key dates (effective, expiration, renewal, notice-by, termination notice) as of a
        date (default today), soonest first; ``within_days`` keeps those up to that many days
        ahead; ``include_undated`` adds the ambiguous and unknown ones with their reasons."""
        text = self._native.deadlines(
            as_of=as_of,
            within_days=within_days,
            kinds=list(kinds),
            include_undated=include_undated,
            filter=_filter(filter),
        )
        return decode_list(Deadline, text)

    def stats(self) -> IndexStats:
        """Counts of files, documents, clauses, vectors, kinds and formats."""
        return decode(IndexStats, self._native.stats())

    def verify(self) -> IndexVerification:
        """Checks every checksum and invariant (``IndexCorrupt`` on the first fault)."""
        return decode(IndexVerification, self._native.verify())

    def documents(self, *, filter: FilterLike = None) -> list[DocumentRecord]:
        """The document records: the contract register."""
        return decode_list(DocumentRecord, self._native.documents(filter=_filter(filter)))

    def threads(self) -> list[Thread]:
        """The email threads of the archive, the most recent first: messages joined by their
        reply headers (then by subject), each with its attachments."""
        return decode_list(Thread, self._native.threads())

    def clause(self, id: str) -> ClauseRecord | None:
        """A clause record by id, or ``None``."""
        text = self._native.clause(id)
        return None if text is None else decode(ClauseRecord, text)

    def clauses_of(self, doc_id: str) -> list[ClauseRecord]:
        """The clause records of a document, in order."""
        return decode_list(ClauseRecord, self._native.clauses_of(doc_id))

    def clause_vector(self, id: str) -> np.ndarray:
        """A clause's stored embedding (``float32``)."""
        return self._native.clause_vector(id)

    def risk_engine(
        self,
        model: Model,
        *,
        packs: Sequence[str] = (),
        rules: Sequence[PathLike] = (),
        builtin: bool = True,
    ) -> RiskEngine:
        """A :class:`RiskEngine` for this index (see there)."""
        return RiskEngine(self, model, packs=packs, rules=rules, builtin=builtin)

    def review_store(self, *, create: bool = True) -> ReviewStore:
        """The index's :class:`ReviewStore`."""
        return ReviewStore(self.path, create=create)

    def library(self, *, create: bool = False) -> ClauseLibrary:
        """The index's :class:`ClauseLibrary`."""
        return ClauseLibrary(self.path, create=create)

    def __repr__(self) -> str:
        return f"Index({self.path!r})"


def _query(
    rules: Sequence[str], filter: FilterLike, as_of: str | None, include_unflagged: bool, feedback: bool
) -> dict[str, Any]:
    """The native keyword arguments of a flag or risk query."""
    return {
        "rules": list(rules),
        "filter": _filter(filter),
        "as_of": as_of,
        "include_unflagged": include_unflagged,
        "feedback": feedback,
    }


class RiskEngine:
    """Rule packs compiled over an index: flags, document risk, the review queue, deviations.

    The built-in pack (unless ``builtin=False``), extended with named ``packs`` (e.g.
    ``"data-protection"``) and rule files (``rules``, TOML paths), plus the index's clause
    library when it has one, exactly as the CLI's ``--pack``, ``--rules`` and
    ``--no-builtin`` build it. Reviewers' decisions in the index's review store re-rank the
    flags (``feedback=False`` turns that off).
    """

    __slots__ = ("_native", "index")

    def __init__(
        self,
        index: Index,
        model: Model,
        *,
        packs: Sequence[str] = (),
        rules: Sequence[PathLike] = (),
        builtin: bool = True,
    ) -> None:
        self.index = index
        self._native = _clausal.RiskEngine(
            index._native,
            model,
            packs=list(packs),
            rules=[os.fspath(r) for r in rules],
            builtin=builtin,
        )

    @property
    def fingerprint(self) -> str:
        """Equal fingerprints flag alike."""
        return self._native.fingerprint

    def rules(self) -> Result:
        """The compiled pack: ``rules``, ``concepts``, ``settings``, ``origins``."""
        return decode(Result, self._native.rules())

    def flags(
        self,
        *,
        rules: Sequence[str] = (),
        filter: FilterLike = None,
        as_of: str | None = None,
        include_unflagged: bool = False,
        feedback: bool = True,
    ) -> list[Flag]:
        """Flags, best first; only those of ``rules`` when given."""
        text = self._native.flags(**_query(rules, filter, as_of, include_unflagged, feedback))
        return decode_list(Flag, text)

    def risk(
        self,
        *,
        rules: Sequence[str] = (),
        filter: FilterLike = None,
        as_of: str | None = None,
        include_unflagged: bool = False,
        feedback: bool = True,
    ) -> list[DocumentRisk]:
        """Documents by risk score, riskiest first, each with its flags."""
        text = self._native.risk(**_query(rules, filter, as_of, include_unflagged, feedback))
        return decode_list(DocumentRisk, text)

    def review_next(
        self,
        *,
        limit: int = 10,
        rules: Sequence[str] = (),
        filter: FilterLike = None,
        as_of: str | None = None,
    ) -> list[Flag]:
        """The flags a reviewer should decide next (the most uncertain and the most severe)."""
        text = self._native.review_next(
            limit=limit, rules=list(rules), filter=_filter(filter), as_of=as_of
        )
        return decode_list(Flag, text)

    def deviations(
        self,
        *,
        kinds: Sequence[str] = (),
        statuses: Sequence[str] = (),
        below: float | None = None,
        starter: bool = False,
    ) -> list[Deviation]:
        """Clauses compared with the clause library (the index's, or the starter library with
        ``starter=True``): ``standard``, ``outdated``, ``deviates`` or ``nonstandard``."""
        text = self._native.deviations(
            kinds=list(kinds), statuses=list(statuses), below=below, starter=starter
        )
        return decode_list(Deviation, text)


class ReviewStore:
    """Reviewers' decisions on flags (``review.sqlite`` in the index folder), each chained by
    hash to the ones before and durable when :meth:`record` returns."""

    __slots__ = ("_native",)

    def __init__(self, index_dir: PathLike, *, create: bool = True) -> None:
        self._native = _clausal.ReviewStore(os.fspath(index_dir), create=create)

    @property
    def path(self) -> str:
        return os.fspath(self._native.path)

    def record(
        self,
        *,
        rule: str,
        rule_version: str,
        verdict: str,
        reviewer: str,
        text_hash: str | None = None,
        text: str | None = None,
        comment: str | None = None,
        clause_id: str | None = None,
        doc_id: str | None = None,
    ) -> ReviewEntry:
        """Records a decision (``verdict``: ``confirm``, ``dismiss`` or ``needs-change``) about
        ``rule``'s flag on a clause, named by ``text_hash`` (``flag.clause.text_hash``) or by
        its ``text``."""
        out = self._native.record(
            rule=rule,
            rule_version=rule_version,
            verdict=verdict,
            reviewer=reviewer,
            text_hash=text_hash,
            text=text,
            comment=comment,
            clause_id=clause_id,
            doc_id=doc_id,
        )
        return decode(ReviewEntry, out)

    def record_flag(
        self, flag: Flag, verdict: str, reviewer: str, comment: str | None = None
    ) -> ReviewEntry:
        """Records a decision about a :class:`Flag` from :meth:`RiskEngine.flags` or
        :meth:`RiskEngine.review_next`."""
        clause = flag.clause
        if clause is None:
            raise InvalidArgument("a document-level flag has no clause to decide about")
        return self.record(
            rule=flag.rule_id,
            rule_version=flag.rule_version,
            verdict=verdict,
            reviewer=reviewer,
            text_hash=clause.text_hash,
            comment=comment,
            clause_id=clause.id,
            doc_id=flag.doc_id,
        )

    def verify(self, *, head: str | None = None) -> Verification:
        """Walks the chain and the head anchor (``IntegrityViolation`` on any change); with
        ``head``, also checks that the history still holds that entry hash."""
        return decode(Verification, self._native.verify(head=head))

    def history(self) -> list[ReviewEntry]:
        """Every entry, oldest first."""
        return decode_list(ReviewEntry, self._native.history())

    def stats(self) -> list[RuleStats]:
        """Per-rule counts of the current decisions."""
        return decode_list(RuleStats, self._native.stats())

    def export(self, path: PathLike) -> int:
        """Writes the history as JSON lines (``clausal review export``); returns the count."""
        return self._native.export(os.fspath(path))


class ClauseLibrary:
    """The index's clause library (``library.sqlite``): approved wording per clause kind,
    with versions and an append-only, hash-chained history of changes."""

    __slots__ = ("_native",)

    def __init__(self, index_dir: PathLike, *, create: bool = False) -> None:
        self._native = _clausal.ClauseLibrary(os.fspath(index_dir), create=create)

    def entries(self, *, kind: str | None = None) -> list[LibraryEntry]:
        return decode_list(LibraryEntry, self._native.entries(kind=kind))

    def import_path(self, path: PathLike, *, author: str, comment: str = "") -> list[LibraryChange]:
        """Imports a folder or file of entries (TOML or Markdown)."""
        out = self._native.import_path(os.fspath(path), author=author, comment=comment)
        return decode_list(LibraryChange, out)

    def import_starter(self, *, author: str, comment: str = "") -> list[LibraryChange]:
        """Imports the starter library that ships with clausal."""
        return decode_list(LibraryChange, self._native.import_starter(author=author, comment=comment))

    def history(self, *, id: str | None = None) -> list[LibraryChange]:
        return decode_list(LibraryChange, self._native.history(id=id))

    def export(self, dir: PathLike, *, markdown: bool = False) -> int:
        """Writes one file per entry into ``dir``; returns the number of files."""
        return self._native.export(os.fspath(dir), markdown=markdown)

    def verify(self) -> Verification:
        return decode(Verification, self._native.verify())


def _limits(limits: dict[str, float] | None) -> str | None:
    import json

    return None if limits is None else json.dumps(limits)


def extract(
    path: PathLike,
    *,
    data: bytes | None = None,
    all_text: bool = False,
    original: bool = False,
    ocr: bool = True,
    limits: dict[str, float] | None = None,
) -> list[Document]:
    """The documents in a file (an email yields itself and each attachment). With ``data``,
    those bytes are read under the name ``path``. ``all_text`` keeps running headers and
    footers; ``original`` reads a DOCX without its tracked changes applied; ``ocr`` reads PDF
    pages without a text layer with Tesseract when it is installed (each such page's
    ``pages[i]["ocr"]`` then gives the engine, confidence and word boxes).

    ``limits`` overrides the engine's limits for hostile input: ``max_bytes``, ``max_pages``,
    ``max_part_bytes``, ``max_total_bytes``, ``max_zip_entries``, ``max_zip_ratio``,
    ``max_xml_depth``, ``max_mime_depth``, ``max_container_depth``, ``max_time`` (seconds).
    A file over one raises :class:`LimitExceeded`."""
    out = _clausal.extract(
        os.fspath(path),
        data=data,
        all_text=all_text,
        original=original,
        ocr=ocr,
        limits=_limits(limits),
    )
    return decode_list(Document, out)


def clauses(
    path: PathLike, *, data: bytes | None = None, limits: dict[str, float] | None = None
) -> list[AnalyzedDocument]:
    """The documents of a file with their role and their segmented, typed clauses."""
    out = _clausal.clauses(os.fspath(path), data=data, limits=_limits(limits))
    return decode_list(AnalyzedDocument, out)


def kinds() -> list[Kind]:
    """The clause taxonomy."""
    return decode_list(Kind, _clausal.kinds())


def text_hash(text: str) -> str:
    """The hash review decisions are kept under for a clause text."""
    return _clausal.text_hash(text)
