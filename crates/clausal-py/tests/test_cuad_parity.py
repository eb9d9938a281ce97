"""Parity on real contracts: the first 40 CUAD PDFs (sorted by name; `CLAUSAL_PARITY_LIMIT`
and `CLAUSAL_PARITY_MODES` narrow it) ingested through Python and through the CLI hold the same records, and every ACORD
query in all three modes, the flags, the document risk and the deadlines are the same values
through both. Needs ../shared/data (or `CLAUSAL_DATA`); skipped without it."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import clausal

from conftest import ROOT

DATA = Path(os.environ.get("CLAUSAL_DATA", ROOT.parent / "shared" / "data"))
CUAD = DATA / "cuad" / "pdf"
QUERIES = DATA / "acord" / "queries.jsonl"
LIMIT = int(os.environ.get("CLAUSAL_PARITY_LIMIT", "40"))
# CI runs hybrid only (CLAUSAL_PARITY_MODES=hybrid) to stay in its time; the full run has all three.
MODES = os.environ.get("CLAUSAL_PARITY_MODES", "hybrid,bm25,vector").split(",")

pytestmark = pytest.mark.skipif(
    not (CUAD.is_dir() and QUERIES.is_file()), reason=f"no CUAD PDFs and ACORD queries under {DATA}"
)


@pytest.fixture(scope="module")
def cuad(tmp_path_factory, model, cli):
    files = sorted(CUAD.glob("*.pdf"))[:LIMIT]
    assert len(files) == LIMIT
    py_dir = tmp_path_factory.mktemp("cuad-py") / "index"
    index = clausal.Index.create(py_dir, model)
    report = index.ingest(files, model)
    cli_dir = tmp_path_factory.mktemp("cuad-cli") / "index"
    cli.run("ingest", *map(str, files), "--index", str(cli_dir))
    return index, clausal.Index.open(cli_dir), report


def queries() -> list[str]:
    if not QUERIES.is_file():
        return []
    return [json.loads(line)["text"] for line in QUERIES.read_text().splitlines() if line.strip()]


def test_the_two_ingests_hold_the_same_documents_and_clauses(cuad):
    py, other, report = cuad
    assert report.failed == [] and report.documents == LIMIT
    a, b = py.stats().to_dict(), other.stats().to_dict()
    for key in ("disk_bytes", "generation"):
        a.pop(key), b.pop(key)
    assert a == b
    docs = py.documents()
    assert [d.to_dict() for d in docs] == [d.to_dict() for d in other.documents()]
    for d in docs:
        assert py.clauses_of(d.id) == other.clauses_of(d.id)


@pytest.mark.parametrize("mode", MODES)
def test_every_acord_query_gives_the_clis_hits(cuad, cli, model, mode):
    py, _, _ = cuad
    qs = queries()
    assert len(qs) >= 50
    for q in qs:
        hits = [h.to_dict() for h in py.search(q, model, mode=mode, plain=True, limit=10)]
        expected = cli.json_lines("search", q, "--index", py.path, "--mode", mode, "--plain", "--json")
        assert hits == expected, q
        assert hits or mode == "bm25", q


def test_flags_risk_and_deadlines_are_the_clis(cuad, cli, model):
    py, _, _ = cuad
    engine = py.risk_engine(model)
    flags = engine.flags(as_of="2024-01-01")
    assert len(flags) > LIMIT
    assert [f.to_dict() for f in flags] == cli.json_lines(
        "flags", "--index", py.path, "--as-of", "2024-01-01", "--json"
    )
    assert [d.to_dict() for d in engine.risk(as_of="2024-01-01")] == cli.json_lines(
        "risk", "--index", py.path, "--as-of", "2024-01-01", "--json"
    )
    assert [d.to_dict() for d in py.deadlines(as_of="2010-01-01", include_undated=True)] == cli.json_lines(
        "deadlines", "--index", py.path, "--as-of", "2010-01-01", "--all", "--json"
    )
