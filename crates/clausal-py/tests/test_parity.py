"""The same calls through Python and through the CLI give the same values."""

from __future__ import annotations

import json

import numpy as np
import pytest

import clausal

QUERIES = [
    ("force majeure pandemic", "hybrid"),
    ("limitation of liability cap", "hybrid"),
    ("governing law New York", "vector"),
    ("terminate for convenience notice", "bm25"),
    ('"force majeure"', "bm25"),
    ("assignment change of control", "hybrid"),
    ("renewal term", "vector"),
    ("confidential information", "hybrid"),
]


def test_both_ingests_hold_the_same_records(py_index, cli_index):
    other = clausal.Index.open(cli_index)
    mine, theirs = py_index.stats().to_dict(), other.stats().to_dict()
    for key in ("disk_bytes", "generation"):
        mine.pop(key), theirs.pop(key)
    assert mine == theirs
    assert [d.to_dict() for d in py_index.documents()] == [d.to_dict() for d in other.documents()]


@pytest.mark.parametrize("query,mode", QUERIES)
def test_search_matches_the_cli(py_index, cli_index, cli, model, query, mode):
    # Each side searches the index the other side built, too.
    for python_side, cli_side in ((py_index, py_index.path), (clausal.Index.open(cli_index), str(cli_index))):
        hits = python_side.search(query, model, mode=mode, limit=10)
        expected = cli.json_lines("search", query, "--index", cli_side, "--mode", mode, "--json")
        assert [h.to_dict() for h in hits] == expected
        assert hits, f"no hits for {query!r}"


def test_filtered_search_and_similar_match_the_cli(py_index, cli, model):
    f = clausal.Filter(kinds=["force_majeure"], formats=["pdf"])
    hits = py_index.search("events beyond reasonable control", model, filter=f)
    expected = cli.json_lines(
        "search", "events beyond reasonable control", "--index", py_index.path,
        "--kind", "force_majeure", "--format", "pdf", "--json",
    )
    assert [h.to_dict() for h in hits] == expected
    assert all("force_majeure" in [k["kind"] for k in h.clause.kinds] for h in hits)
    one = {"kinds": "force_majeure", "formats": "pdf"}
    assert py_index.search("events beyond reasonable control", model, filter=one) == hits
    first = hits[0].clause.id
    similar = py_index.similar(model, clause=first, limit=5)
    assert [h.to_dict() for h in similar] == cli.json_lines(
        "similar", "--clause", first, "--index", py_index.path, "--limit", "5", "--json"
    )
    by_text = py_index.similar(model, text="an act of God excuses delay", limit=5)
    assert [h.to_dict() for h in by_text] == cli.json_lines(
        "similar", "--text", "an act of God excuses delay", "--index", py_index.path,
        "--limit", "5", "--json",
    )


def test_flags_risk_and_review_queue_match_the_cli(py_index, cli, model):
    engine = py_index.risk_engine(model)
    flags = engine.flags(as_of="2025-06-01")
    assert flags
    assert [f.to_dict() for f in flags] == cli.json_lines(
        "flags", "--index", py_index.path, "--as-of", "2025-06-01", "--json"
    )
    risk = engine.risk(as_of="2025-06-01")
    assert [d.to_dict() for d in risk] == cli.json_lines(
        "risk", "--index", py_index.path, "--as-of", "2025-06-01", "--json"
    )
    queue = engine.review_next(limit=5)
    assert [f.to_dict() for f in queue] == cli.json_lines(
        "review", "next", "--index", py_index.path, "--limit", "5", "--json"
    )
    only = engine.flags(rules=["fm-no-pandemic"])
    assert only and {f.rule_id for f in only} == {"fm-no-pandemic"}


def test_packs_by_name_and_file_match_the_cli(py_index, cli, model, tmp_path):
    rules = tmp_path / "team.toml"
    rules.write_text(
        '[[concept]]\nid = "team_audit"\ndescription = "Audit rights."\nterms = ["audit*", "inspect*"]\n\n'
        '[[rule]]\nid = "team-no-audit"\nversion = "1"\ntitle = "No audit right"\n'
        'severity = "medium"\nscope = "document"\nabsent = ["team_audit"]\n'
    )
    done = cli.run("rules", "--rules", str(rules), "--json", check=False)
    if done.returncode != 0:
        pytest.fail(f"the CLI refused the test's rule file: {done.stderr}")
    engine = py_index.risk_engine(model, packs=["data-protection"], rules=[rules])
    assert json.loads(cli.run("rules", "--pack", "data-protection", "--rules", str(rules), "--json").stdout) == engine.rules().to_dict()
    assert [f.to_dict() for f in engine.flags()] == cli.json_lines(
        "flags", "--index", py_index.path, "--pack", "data-protection", "--rules", str(rules), "--json"
    )


def test_deadlines_match_the_cli(py_index, cli):
    found = py_index.deadlines(as_of="2024-01-01", include_undated=True)
    assert found
    assert [d.to_dict() for d in found] == cli.json_lines(
        "deadlines", "--index", py_index.path, "--as-of", "2024-01-01", "--all", "--json"
    )
    window = py_index.deadlines(as_of="2024-01-01", within_days=400)
    assert [d.to_dict() for d in window] == cli.json_lines(
        "deadlines", "--index", py_index.path, "--as-of", "2024-01-01", "--within", "400d", "--json"
    )
    assert all(d.date is not None for d in window)


def test_extract_and_clauses_match_the_cli(samples, cli):
    for path in sorted(samples.iterdir()):
        if not path.is_file():
            continue
        docs = clausal.extract(path)
        assert [d.to_dict() for d in docs] == cli.json_lines("extract", str(path), "--json")
        analyzed = clausal.clauses(path)
        lines = cli.json_lines("clauses", str(path), "--json")
        expected_docs = [l for l in lines if "role" in l and "ordinal" not in l]
        expected_clauses = [l for l in lines if "ordinal" in l]
        assert [{"doc": a.doc, "source": a.source, "role": a.role.to_dict()} for a in analyzed] == expected_docs
        assert [c.to_dict() for a in analyzed for c in a.clauses] == expected_clauses


def test_embeddings_match_the_cli(model, cli, tmp_path):
    texts = ["Force majeure includes epidemics.", "Governing law: Delaware.", "é ü 日本"]
    file = tmp_path / "texts.txt"
    file.write_text("\n".join(texts) + "\n")
    expected = np.array([l["embedding"] for l in cli.json_lines("embed", str(file))], dtype=np.float32)
    got = model.embed(texts)
    assert got.shape == (3, model.dim) and got.dtype == np.float32
    assert np.array_equal(got, expected)


def test_kinds_match_the_cli(cli):
    assert [k.to_dict() for k in clausal.kinds()] == cli.json_lines("kinds", "--json")


def test_library_and_deviations_match_the_cli(fresh_index, cli, model, tmp_path):
    library = fresh_index.library(create=True)
    changes = library.import_starter(author="ops")
    assert changes and all(c.action for c in changes)
    entries = library.entries()
    assert [e.to_dict() for e in entries] == cli.json_lines("library", "list", "--index", fresh_index.path, "--json")
    assert library.verify().entries == len(library.history())
    out = tmp_path / "playbook"
    assert library.export(out) == len(entries)
    again = fresh_index.library().import_path(out, author="ops")
    assert again == [], "re-importing the exported library changes nothing"
    engine = fresh_index.risk_engine(model)
    deviations = engine.deviations()
    assert deviations
    assert [d.to_dict() for d in deviations] == cli.json_lines(
        "deviations", "--index", fresh_index.path, "--json"
    )
    outdated = engine.deviations(statuses=["outdated"])
    assert all(d.status == "outdated" for d in outdated)


def test_threads_and_the_thread_filter_match_the_cli(py_index, cli, model):
    threads = py_index.threads()
    assert [t.to_dict() for t in threads] == cli.json_lines("threads", "--index", py_index.path, "--json")
    # The sample archive's email carries an amendment: its thread holds both.
    thread = next(t for t in threads if any(m.attachments for m in t.messages))
    hits = py_index.search("amendment", model, mode="bm25", filter=clausal.Filter(threads=thread.id))
    expected = cli.json_lines(
        "search", "amendment", "--index", py_index.path, "--mode", "bm25", "--thread", thread.id, "--json"
    )
    assert [h.to_dict() for h in hits] == expected
    assert hits
    docs = {thread.messages[0].doc, *thread.messages[0].attachments}
    assert all(h.clause.doc_id in docs for h in hits)
