"""Result objects: read-only views over the JSON values the engine returns.

Each result is the very value that the CLI's ``--json`` prints for the same call, decoded by
:func:`json.loads`. Fields read as attributes (``hit.clause.heading``) or as keys
(``hit["score"]``); ``to_dict()`` gives a plain, deep copy for pandas, JSON or anything else.
Nested objects are results of their own type; lists of objects are lists of results.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator, Mapping
from typing import Any, ClassVar, TypeVar

R = TypeVar("R", bound="Result")


class Result(Mapping[str, Any]):
    """A read-only, dataclass-like view of one engine value."""

    __slots__ = ("_data",)
    #: Field name -> result type of the nested object (or of each object of a nested list).
    _nested: ClassVar[dict[str, type[Result]]] = {}

    def __init__(self, data: Mapping[str, Any]) -> None:
        object.__setattr__(self, "_data", dict(data))

    # Mapping
    def __getitem__(self, key: str) -> Any:
        return self._wrap(key, self._data[key])

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    # Attributes
    def __getattr__(self, name: str) -> Any:
        try:
            return self._wrap(name, self._data[name])
        except KeyError:
            raise AttributeError(
                f"{type(self).__name__} has no field {name!r} (fields: {', '.join(self._data)})"
            ) from None

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is read-only")

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | set(self._data))

    def _wrap(self, key: str, value: Any) -> Any:
        kind = self._nested.get(key, Result)
        if isinstance(value, dict):
            return kind(value)
        if isinstance(value, list) and value and isinstance(value[0], dict):
            return [kind(v) if isinstance(v, dict) else v for v in value]
        return value

    def to_dict(self) -> dict[str, Any]:
        """The value as plain dicts and lists (a deep copy)."""
        return copy.deepcopy(self._data)

    def to_json(self) -> str:
        """The value as one line of JSON."""
        return json.dumps(self._data, ensure_ascii=False)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Result):
            return type(self) is type(other) and self._data == other._data
        return NotImplemented

    def __hash__(self) -> int:
        return hash(json.dumps(self._data, sort_keys=True))

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={_short(v)}" for k, v in self._data.items())
        return f"{type(self).__name__}({fields})"


def _short(v: Any) -> str:
    r = repr(v)
    return r if len(r) <= 60 else r[:57] + "..."


def decode(kind: type[R], text: str) -> R:
    return kind(json.loads(text))


def decode_list(kind: type[R], text: str) -> list[R]:
    return [kind(v) for v in json.loads(text)]


# --- search ---------------------------------------------------------------------------------


class Ranked(Result):
    """A hit's rank and score in one retriever (BM25 or vector)."""

    rank: int
    score: float


class Snippet(Result):
    """The best passage of a hit, with the byte ranges of the matched words."""

    text: str
    range: dict[str, int]
    highlights: list[dict[str, int]]


class ClauseRecord(Result):
    """A clause as the index keeps it."""

    id: str
    doc_id: str
    path: str
    source: str
    doc_kind: str
    doc_title: str | None
    ordinal: int
    number: str | None
    heading: str | None
    role: str
    depth: int
    text: str
    span: dict[str, int]
    pages: list[int] | None
    kinds: list[Result]
    near_kinds: list[Result]
    facts: list[Result]
    text_hash: str
    doc_role: str | None


class Hit(Result):
    """One search or similarity hit: the clause, the fused score, and why it matched."""

    _nested = {"clause": ClauseRecord, "bm25": Ranked, "vector": Ranked, "snippet": Snippet}
    clause: ClauseRecord
    score: float
    bm25: Ranked | None
    vector: Ranked | None
    snippet: Snippet


class DocumentRecord(Result):
    """A document as the index keeps it: source, kind, title, role, parties, key dates."""

    id: str
    parent: str | None
    path: str
    file_hash: str
    source: str
    kind: str
    title: str | None
    metadata: dict[str, list[str]]
    kinds: list[Any]
    facts: list[Result]
    pages: int
    clauses: int
    role: Result
    key_dates: dict[str, Result]


class ThreadMessage(Result):
    """A message of a thread: its document, the message it replies to, depth, sender, date, and
    its attachments' documents."""

    doc: str
    parent: str | None
    depth: int
    message_id: str | None
    subject: str | None
    date: str | None
    attachments: list[str]


class Thread(Result):
    """An email conversation: messages joined by their reply headers, in reply order."""

    _nested = {"messages": ThreadMessage}
    id: str
    root_message_id: str
    subject: str
    messages: list[ThreadMessage]


class IndexStats(Result):
    """Counts of an index: files, documents, clauses, vector rows, kinds, formats."""

    generation: int
    model: str
    files: int
    documents: int
    clauses: int
    vector_rows: int
    disk_bytes: int
    kinds: list[list[Any]]
    doc_kinds: list[list[Any]]


class IndexVerification(Result):
    """What `Index.verify` checked."""

    generation: int
    documents: int
    clauses: int
    vector_files: int
    vector_rows: int


class FailedFile(Result):
    """A file that could not be ingested, and why."""

    path: str
    error: str


class IngestReport(Result):
    """What an ingest did: files, documents, pages, clauses, failures, timings."""

    _nested = {"failed": FailedFile}
    files: int
    bytes: int
    indexed: int
    unchanged: int
    removed: int
    documents: int
    pages: int
    clauses: int
    embedded: int
    cached: int
    commits: int
    cancelled: bool
    failed: list[FailedFile]


# --- deadlines ------------------------------------------------------------------------------


class Deadline(Result):
    """A key date of a document (effective, expiration, renewal, notice-by, ...) with how it
    was computed and the facts it rests on."""

    doc_id: str
    source: str
    title: str | None
    kind: str
    date: str | None
    days: int | None
    status: str
    basis: str
    reason: str | None
    sources: list[Result]


# --- risk -----------------------------------------------------------------------------------


class FlaggedClause(Result):
    """The clause a flag is about."""

    id: str
    number: str | None
    heading: str | None
    span: dict[str, int]
    text_hash: str
    excerpt: str


class Flag(Result):
    """One rule's finding on a clause or a document, with its score and the concepts present
    and missing."""

    _nested = {"clause": FlaggedClause}
    rule_id: str
    rule_version: str
    title: str
    severity: str
    doc_id: str
    path: str
    source: str
    clause: FlaggedClause | None
    score: float
    base_score: float
    flagged: bool
    present: list[Any]
    missing: list[Result]
    kinds: list[str]
    facts: list[str]
    review: Result | None


class DocumentRisk(Result):
    """A document's risk score and its flags."""

    _nested = {"flags": Flag}
    doc_id: str
    path: str
    source: str
    role: str
    score: float
    by_severity: list[list[Any]]
    flags: list[Flag]


class Deviation(Result):
    """A clause compared with the clause library: standard, outdated, deviates, nonstandard."""

    status: str
    similarity: float


# --- review ---------------------------------------------------------------------------------


class ReviewEntry(Result):
    """A recorded decision: numbered, timed and chained to the entries before it."""

    seq: int
    time: str
    rule_id: str
    rule_version: str
    text_hash: str
    verdict: str
    reviewer: str
    comment: str | None
    clause_id: str | None
    doc_id: str | None
    prev_hash: str
    hash: str


class Verification(Result):
    """A verified hash chain: its length and the hash of its latest entry."""

    entries: int
    head_hash: str


class RuleStats(Result):
    """Per-rule counts of current review decisions."""

    rule_id: str
    confirmed: int
    dismissed: int
    needs_change: int


# --- library --------------------------------------------------------------------------------


class LibraryEntry(Result):
    """A clause-library entry: id, kind, title, position, tags and its versions."""

    id: str
    kind: str
    title: str
    versions: list[Result]


class LibraryChange(Result):
    """One recorded change of the clause library."""

    seq: int
    action: str
    entry_id: str
    author: str
    hash: str


# --- single files ---------------------------------------------------------------------------


class Document(Result):
    """A document read from a file: text, blocks, pages, metadata, warnings."""

    id: str
    source: str
    kind: str
    title: str | None
    text: str
    parent: str | None
    warnings: list[str]


class Clause(Result):
    """A segmented, typed clause of a single file (``clausal clauses --json``)."""

    ordinal: int
    number: str | None
    heading: str | None
    role: str
    depth: int
    span: dict[str, int]
    text: str
    kinds: list[Result]
    facts: list[Result]
    doc: str
    source: str


class AnalyzedDocument(Result):
    """A document of a file with its role and typed clauses."""

    _nested = {"clauses": Clause}
    doc: str
    source: str
    kind: str
    role: Result
    clauses: list[Clause]


class Kind(Result):
    """A clause kind of the taxonomy."""

    id: str
    name: str
    definition: str
    cuad_category: str | None
    ledgar_labels: list[str]
