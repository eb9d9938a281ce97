"""Threads: the GIL is released around the engine's work, and the objects are shared safely."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

import clausal


def test_embedding_releases_the_gil(model):
    texts = [f"clause {i}: the supplier shall indemnify the customer against claims" for i in range(400)]
    started, done = threading.Event(), threading.Event()

    def work():
        started.set()
        model.embed(texts)
        done.set()

    t = threading.Thread(target=work)
    t.start()
    started.wait()
    ticks = 0
    while not done.is_set():
        ticks += 1
    t.join()
    # With the GIL held through the model run this thread could not run at all meanwhile.
    assert ticks > 0


def test_concurrent_searches_agree_with_sequential_ones(py_index, model):
    queries = ["force majeure", "liability cap", "governing law", "termination notice",
               "assignment", "confidentiality", "renewal", "payment terms"] * 4
    expected = {q: py_index.search(q, model) for q in set(queries)}
    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(lambda q: (q, py_index.search(q, model)), queries))
    for q, hits in got:
        assert hits == expected[q]


def test_searches_run_while_another_thread_ingests(tmp_path, model, samples):
    index = clausal.Index.create(tmp_path / "idx", model)
    index.ingest([next(p for p in samples.iterdir() if p.suffix == ".pdf")], model)
    errors = []
    stop = threading.Event()

    def search():
        while not stop.is_set():
            try:
                index.search("force majeure", model)
            except Exception as e:  # noqa: BLE001
                errors.append(e)

    readers = [threading.Thread(target=search) for _ in range(3)]
    for r in readers:
        r.start()
    report = index.ingest(samples, model)
    stop.set()
    for r in readers:
        r.join()
    assert errors == [] and report.failed == []
    assert index.stats().files == report.files


def test_a_second_writer_gets_index_locked(tmp_path, model, samples):
    index = clausal.Index.create(tmp_path / "idx", model)
    inside, release = threading.Event(), threading.Event()
    outcome = {}

    def first():
        def hold(event):
            if event["event"] == "planned":
                inside.set()
                release.wait(60)

        outcome["report"] = index.ingest(samples, model, progress=hold)

    t = threading.Thread(target=first)
    t.start()
    assert inside.wait(60)
    try:
        with pytest.raises(clausal.IndexLocked):
            clausal.Index.open(index.path).ingest(samples, model)
    finally:
        release.set()
        t.join()
    assert outcome["report"].failed == []
