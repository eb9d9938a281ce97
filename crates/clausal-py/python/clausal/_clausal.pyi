# Type stubs of the native module (crates/clausal-py/src). Every method that returns `str`
# returns JSON: the value the CLI's --json prints, which clausal/__init__.py decodes.
from collections.abc import Callable
from os import PathLike
from typing import Any

import numpy as np
import numpy.typing as npt

__version__: str
INDEX_FORMAT_VERSION: int

_Path = str | PathLike[str]

class ClausalError(Exception):
    kind: str
    fault: str

class IoError(ClausalError):
    path: str

class ModelLoad(ClausalError):
    path: str

class Tokenizer(ClausalError): ...
class Inference(ClausalError): ...

class DeviceUnavailable(ClausalError):
    device: str

class InvalidArgument(ClausalError): ...

class LimitExceeded(ClausalError):
    source: str
    limit: str
    max: int
    actual: int

class Encrypted(ClausalError):
    source: str

class MalformedDocument(ClausalError):
    source: str

class IndexLocked(ClausalError):
    path: str

class IndexCorrupt(ClausalError):
    path: str

class ModelMismatch(ClausalError):
    path: str
    expected: str
    found: str

class IndexFailure(ClausalError):
    path: str

class InvalidQuery(ClausalError): ...
class Internal(ClausalError): ...

class DatabaseError(ClausalError):
    path: str

class IncompatibleFormat(ClausalError): ...
class IntegrityViolation(ClausalError): ...
class RulePackError(ClausalError): ...
class LibraryError(ClausalError): ...

class UnsupportedFormat(ClausalError):
    source: str

class Model:
    def __init__(
        self,
        path: _Path | None = None,
        *,
        device: str = "cpu",
        engine: str = "auto",
        threads: int | None = None,
        split_long: int | None = None,
    ) -> None: ...
    @property
    def path(self) -> str: ...
    @property
    def model_id(self) -> str: ...
    @property
    def engine(self) -> str: ...
    @property
    def dim(self) -> int: ...
    @property
    def threads(self) -> int: ...
    def embed(self, texts: list[str]) -> npt.NDArray[np.float32]: ...

class Index:
    @staticmethod
    def open(path: _Path) -> Index: ...
    @staticmethod
    def create(path: _Path, model: Model) -> Index: ...
    @staticmethod
    def open_or_create(path: _Path, model: Model) -> Index: ...
    @property
    def path(self) -> str: ...
    @property
    def generation(self) -> int: ...
    def reload(self) -> None: ...
    def ingest(
        self,
        paths: list[str],
        model: Model,
        *,
        prune: bool = False,
        commit_every: int = 256,
        shard: tuple[int, int] | None = None,
        limits: str | None = None,
        progress: Callable[[dict[str, Any]], None] | None = None,
    ) -> str: ...
    def remove(self, paths: list[str]) -> tuple[list[str], list[str]]: ...
    def syntax_error(self, query: str, plain: bool) -> str | None: ...
    def search(
        self,
        query: str,
        model: Model,
        *,
        mode: str = "hybrid",
        limit: int = 10,
        plain: bool = False,
        filter: str | None = None,
    ) -> str: ...
    def similar(
        self,
        model: Model,
        *,
        clause: str | None = None,
        text: str | None = None,
        limit: int = 10,
        filter: str | None = None,
    ) -> str: ...
    def deadlines(
        self,
        *,
        as_of: str | None = None,
        within_days: int | None = None,
        kinds: list[str] = ...,
        include_undated: bool = False,
        filter: str | None = None,
    ) -> str: ...
    def stats(self) -> str: ...
    def verify(self) -> str: ...
    def documents(self, *, filter: str | None = None) -> str: ...
    def threads(self) -> str: ...
    def clause(self, id: str) -> str | None: ...
    def clauses_of(self, doc: str) -> str: ...
    def clause_vector(self, id: str) -> npt.NDArray[np.float32]: ...

class RiskEngine:
    def __init__(
        self,
        index: Index,
        model: Model,
        *,
        packs: list[str] = ...,
        rules: list[str] = ...,
        builtin: bool = True,
    ) -> None: ...
    @property
    def fingerprint(self) -> str: ...
    def rules(self) -> str: ...
    def flags(
        self,
        *,
        rules: list[str] = ...,
        filter: str | None = None,
        as_of: str | None = None,
        include_unflagged: bool = False,
        feedback: bool = True,
    ) -> str: ...
    def risk(
        self,
        *,
        rules: list[str] = ...,
        filter: str | None = None,
        as_of: str | None = None,
        include_unflagged: bool = False,
        feedback: bool = True,
    ) -> str: ...
    def review_next(
        self,
        *,
        limit: int = 10,
        rules: list[str] = ...,
        filter: str | None = None,
        as_of: str | None = None,
    ) -> str: ...
    def deviations(
        self,
        *,
        kinds: list[str] = ...,
        statuses: list[str] = ...,
        below: float | None = None,
        starter: bool = False,
    ) -> str: ...

class ReviewStore:
    def __init__(self, index_dir: _Path, *, create: bool = True) -> None: ...
    @property
    def path(self) -> str: ...
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
    ) -> str: ...
    def verify(self, *, head: str | None = None) -> str: ...
    def history(self) -> str: ...
    def stats(self) -> str: ...
    def export(self, path: _Path) -> int: ...

class ClauseLibrary:
    def __init__(self, index_dir: _Path, *, create: bool = False) -> None: ...
    @property
    def path(self) -> str: ...
    def entries(self, *, kind: str | None = None) -> str: ...
    def import_path(self, path: _Path, *, author: str, comment: str = "") -> str: ...
    def import_starter(self, *, author: str, comment: str = "") -> str: ...
    def history(self, *, id: str | None = None) -> str: ...
    def export(self, dir: _Path, *, markdown: bool = False) -> int: ...
    def verify(self) -> str: ...

def extract(
    path: _Path,
    *,
    data: bytes | None = None,
    all_text: bool = False,
    original: bool = False,
    ocr: bool = True,
    limits: str | None = None,
) -> str: ...
def clauses(path: _Path, *, data: bytes | None = None, limits: str | None = None) -> str: ...
def kinds() -> str: ...
def text_hash(text: str) -> str: ...
