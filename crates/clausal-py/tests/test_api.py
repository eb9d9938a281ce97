"""The Python API on its own: ingest and progress, records, review, errors."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import zipfile

import numpy as np
import pytest

import clausal


def test_ingest_reports_progress_and_skips_unchanged_files(tmp_path, model, samples):
    events = []
    index = clausal.Index.create(tmp_path / "idx", model)
    report = index.ingest(samples, model, progress=events.append)
    files = sorted(p for p in samples.rglob("*") if p.is_file())
    assert report.files == len(files) and report.indexed == len(files) and report.failed == []
    assert events[0] == {"event": "planned", "files": len(files), "bytes": report.bytes}
    seen = [e for e in events if e["event"] == "file"]
    assert sorted(e["path"] for e in seen) == sorted(str(p) for p in files)
    assert sum(e["clauses"] for e in seen) == report.clauses == index.stats().clauses
    commits = [e for e in events if e["event"] == "commit"]
    assert commits and commits[-1]["generation"] == index.generation
    again = index.ingest(samples, model)
    assert again.unchanged == len(files) and again.indexed == 0


def test_an_exception_from_the_progress_callback_stops_the_ingest(tmp_path, model, samples):
    index = clausal.Index.create(tmp_path / "idx", model)

    def stop_after_first_file(event):
        if event["event"] == "file":
            raise RuntimeError("stop")

    with pytest.raises(RuntimeError, match="stop"):
        index.ingest(samples, model, commit_every=2, progress=stop_after_first_file)
    # The first chunk (two files) was finished and committed; nothing after it was ingested.
    assert index.stats().files == 2
    report = index.ingest(samples, model)
    assert (report.unchanged, report.cancelled) == (2, False)
    assert report.indexed == report.files - 2


def test_records_vectors_and_remove(fresh_index, model, samples):
    docs = fresh_index.documents()
    assert docs and all(d.source for d in docs)
    clauses = fresh_index.clauses_of(docs[0].id)
    assert clauses and [c.ordinal for c in clauses] == sorted(c.ordinal for c in clauses)
    first = fresh_index.clause(clauses[0].id)
    assert first == clauses[0]
    assert fresh_index.clause("0" * 16) is None
    v = fresh_index.clause_vector(first.id)
    assert v.dtype == np.float32 and v.shape == (model.dim,)
    assert np.allclose(v, model.embed([first.text])[0], atol=1e-5) or abs(float(np.linalg.norm(v)) - 1) < 1e-3
    victim = next(p for p in samples.iterdir() if p.suffix == ".pdf")
    before = fresh_index.stats().documents
    removed, missing = fresh_index.remove([victim, samples / "no-such.pdf"])
    assert removed == [str(victim)] and missing == [str(samples / "no-such.pdf")]
    assert fresh_index.stats().documents == before - 1
    assert fresh_index.verify().documents == before - 1


def test_results_are_read_only_dataclass_like_objects(py_index, model):
    hit = py_index.search("force majeure", model, limit=1)[0]
    assert isinstance(hit, clausal.Hit) and isinstance(hit.clause, clausal.ClauseRecord)
    assert hit["score"] == hit.score and "clause" in hit and hit.clause.heading
    d = hit.to_dict()
    d["score"] = -1
    assert hit.score != -1, "to_dict is a copy"
    assert json.loads(hit.to_json()) == hit.to_dict()
    with pytest.raises(AttributeError):
        hit.score = 2
    with pytest.raises(AttributeError, match="no field"):
        hit.nonexistent
    assert "Hit(" in repr(hit)


def test_review_record_verify_export_and_feedback(fresh_index, model, tmp_path):
    engine = fresh_index.risk_engine(model)
    queue = engine.review_next(limit=3)
    assert queue
    store = fresh_index.review_store()
    entries = [store.record_flag(f, "dismiss", "alice", comment="standard wording") for f in queue]
    assert [e.seq for e in entries] == [1, 2, 3]
    assert entries[1].prev_hash == entries[0].hash
    v = store.verify()
    assert v.entries == 3 and v.head_hash == entries[-1].hash
    assert store.verify(head=entries[0].hash).entries == 3
    assert [e.to_dict() for e in store.history()] == [e.to_dict() for e in entries]
    assert sum(s.dismissed for s in store.stats()) == 3
    out = tmp_path / "review.jsonl"
    assert store.export(out) == 3 and len(out.read_text().splitlines()) == 3
    # Dismissed flags are not queued again, and carry their verdict.
    again = engine.flags(include_unflagged=True)
    keys = {(f.rule_id, f.clause.text_hash) for f in queue}
    decided = [f for f in again if f.clause and (f.rule_id, f.clause.text_hash) in keys]
    assert decided and all(f.review is not None for f in decided)
    assert not keys & {(f.rule_id, f.clause.text_hash) for f in engine.review_next(limit=50) if f.clause}
    by_text = store.record(rule="fm-no-pandemic", rule_version="v1", verdict="confirm",
                           reviewer="bob", text="Some clause text.")
    assert by_text.text_hash == clausal.text_hash("Some clause text.") and by_text.rule_version == "1"


def test_a_tampered_or_lost_review_store_is_refused(fresh_index, model):
    store = fresh_index.review_store()
    flag = fresh_index.risk_engine(model).review_next(limit=1)[0]
    store.record_flag(flag, "confirm", "alice")
    store.record_flag(flag, "dismiss", "bob")
    path = store.path
    del store
    with sqlite3.connect(path) as db:
        # The store's triggers refuse changes; an attacker drops them first.
        for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
            db.execute(f"DROP TRIGGER {name}")
        db.execute("UPDATE decisions SET reviewer = 'mallory' WHERE seq = 1")
    with pytest.raises(clausal.IntegrityViolation) as e:
        fresh_index.review_store().verify()
    assert e.value.kind == "IntegrityViolation" and e.value.fault == "input"
    for suffix in ("", "-wal", "-shm"):
        try:
            os.remove(path + suffix)
        except FileNotFoundError:
            pass
    with pytest.raises(clausal.IntegrityViolation, match="records that 2 decisions"):
        fresh_index.review_store()
    with pytest.raises(clausal.IoError):
        fresh_index.review_store(create=False)


def test_errors_carry_the_engines_kind(tmp_path, model, py_index):
    with pytest.raises(clausal.IoError) as e:
        clausal.Index.open(tmp_path / "missing")
    assert e.value.kind == "Io" and e.value.path.endswith("missing")
    (tmp_path / "not-an-index").mkdir()
    (tmp_path / "not-an-index" / "x.txt").write_text("hello")
    with pytest.raises(clausal.IndexCorrupt):
        clausal.Index.open(tmp_path / "not-an-index")
    with pytest.raises(clausal.MalformedDocument) as e:
        clausal.extract("broken.pdf", data=b"%PDF-1.7\n garbage without objects")
    assert e.value.fault == "input" and e.value.source == "broken.pdf"
    with pytest.raises(clausal.LimitExceeded) as e:
        clausal.extract("big.txt", data=b"word " * 1000, limits={"max_bytes": 1000})
    assert (e.value.limit, e.value.max, e.value.actual) == ("max_bytes", 1000, 5000)
    with pytest.raises(clausal.InvalidQuery):
        py_index.search("governing:(law", model, mode="bm25")
    with pytest.warns(UserWarning, match="not query syntax"):
        assert py_index.search("governing:(law", model, mode="hybrid")
    with pytest.raises(clausal.InvalidArgument):
        py_index.search("x", model, filter={"kinds": ["no_such_kind"]})
    with pytest.raises(TypeError):
        py_index.search("x", model, filter={"no_such_field": 1})
    with pytest.raises(clausal.InvalidArgument):
        clausal.extract("a.txt", data=b"x", limits={"max_nonsense": 1})
    with pytest.raises(clausal.InvalidArgument):
        py_index.risk_engine(model).flags(rules=["no-such-rule"])
    with pytest.raises(clausal.InvalidArgument, match="no rule pack named"):
        py_index.risk_engine(model, packs=["no-such-pack"])
    bad = tmp_path / "bad.toml"
    bad.write_text("[[rule]]\nid = 'x'\n")
    with pytest.raises(clausal.RulePackError):
        py_index.risk_engine(model, rules=[bad])
    (tmp_path / "model").mkdir()
    with pytest.raises(clausal.IoError, match="config.json"):
        clausal.Model(tmp_path / "model")
    (tmp_path / "model" / "config.json").write_text("{not json")
    with pytest.raises(clausal.ModelLoad, match="config.json"):
        clausal.Model(tmp_path / "model")
    assert issubclass(clausal.LimitExceeded, clausal.ClausalError)


def test_a_hostile_file_fails_alone_and_the_batch_goes_on(tmp_path, model, samples):
    folder = tmp_path / "batch"
    shutil.copytree(samples, folder)
    bomb = folder / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document>" + " " * 50_000_000 + "</w:document>")
    (folder / "encrypted.pdf").write_bytes(b"%PDF-1.4\n1 0 obj<</Filter/Standard/V 2>>endobj\ntrailer<</Encrypt 1 0 R>>\n%%EOF")
    index = clausal.Index.create(tmp_path / "idx", model)
    report = index.ingest(folder, model)
    failed = {f.path.rsplit("/", 1)[-1]: f.error for f in report.failed}
    assert set(failed) == {"bomb.docx", "encrypted.pdf"}, failed
    assert report.indexed == report.files - 2 and index.stats().documents > 0


def test_an_index_of_another_model_is_refused(tmp_path, py_index):
    candle = clausal.Model(engine="candle")
    assert candle.engine != clausal.Model().engine
    with pytest.raises(clausal.ModelMismatch) as e:
        py_index.ingest([tmp_path], candle)
    assert e.value.expected != e.value.found


def test_ctrl_c_stops_an_ingest_and_keeps_what_it_committed(tmp_path, model, samples):
    import signal

    index = clausal.Index.create(tmp_path / "idx", model)

    def interrupt_once(event, sent=[]):
        if event["event"] == "file" and not sent:
            sent.append(True)
            # Sent to this (the main) thread, as a terminal's Ctrl-C is handled: `os.kill` of
            # the process may land on one of the engine's threads, and Python would then see
            # it only after the ingest had run on (a flaky test, not a flaky stop).
            signal.raise_signal(signal.SIGINT)

    # Python raises KeyboardInterrupt only if SIGINT was not ignored when it started, and a
    # shell ignores it in jobs it starts in the background: set the handler Python would.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(KeyboardInterrupt):
            index.ingest(samples, model, commit_every=2, progress=interrupt_once)
    finally:
        signal.signal(signal.SIGINT, previous)
    assert index.stats().files == 2
    assert index.verify().documents == index.stats().documents
