#!/usr/bin/env python3
"""What the Python bindings cost over the crate: search latency and embedding throughput.

Search: every query of a file through ``Index.search`` (plain syntax, the query embedded on
each call, the hits decoded into result objects), one warm-up pass, then ``--runs`` passes;
against ``clausal eval latency``, which makes the same calls through the crate's API. Embedding:
``Model.embed`` over ``--texts`` (one warm-up call on 64 texts, then ``--runs`` calls over all of
them) against ``clausal eval throughput``, which does the same through the crate. The two
sides alternate ``--rounds`` times in this one sitting and the medians are compared.

    CLAUSAL_BENCH_CLAUSES=100000 cargo bench --bench search     # builds the 100k index
    python crates/clausal-py/bench/overhead.py \\
        --index target/bench-data/index-100000 \\
        --queries ../shared/data/acord/queries.jsonl \\
        --texts ../shared/data/acord/corpus.jsonl --embed-texts 10000

Needs the wheel installed (``maturin build --release`` + ``pip install``) and the
``clausal`` program (``--clausal``, default target/release/clausal).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import clausal


def read_lines(path: Path, field: str = "text") -> list[str]:
    out = []
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line:
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError:
            out.append(line)
            continue
        out.append(value[field] if isinstance(value, dict) else line)
    return out


def python_latency(index: clausal.Index, model: clausal.Model, queries, mode, limit, runs):
    for q in queries:
        index.search(q, model, mode=mode, limit=limit, plain=True)
    times = []
    for _ in range(runs):
        for q in queries:
            t = time.perf_counter()
            index.search(q, model, mode=mode, limit=limit, plain=True)
            times.append((time.perf_counter() - t) * 1e3)
    return statistics.median(times)


def crate_latency(clausal_bin, index, queries_file, modes, limit, runs):
    cmd = [clausal_bin, "eval", "latency", "--index", index, "--queries", queries_file,
           "--limit", str(limit), "--runs", str(runs), "--json"]
    for m in modes:
        cmd += ["--mode", m]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    report = json.loads(out)
    return {m["mode"]: m["p50_ms"] for m in report["modes"]}, report["clauses"]


def python_throughput(model, texts, runs):
    model.embed(texts[:64])
    walls = []
    for _ in range(runs):
        t = time.perf_counter()
        model.embed(texts)
        walls.append(time.perf_counter() - t)
    return statistics.median(walls)


def crate_throughput(clausal_bin, texts_file, runs):
    out = subprocess.run(
        [clausal_bin, "eval", "throughput", "--texts", texts_file, "--runs", str(runs), "--json"],
        check=True, capture_output=True, text=True,
    ).stdout
    return json.loads(out)["wall_median_s"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", type=Path, required=True)
    ap.add_argument("--queries", type=Path, required=True)
    ap.add_argument("--texts", type=Path, help="texts to embed (lines, or JSON lines with 'text')")
    ap.add_argument("--embed-texts", type=int, default=10000, help="how many texts to embed")
    ap.add_argument("--clausal", default="target/release/clausal")
    ap.add_argument("--modes", default="hybrid,bm25,vector")
    ap.add_argument("--limit", type=int, default=10)
    ap.add_argument("--runs", type=int, default=3, help="passes per measurement")
    ap.add_argument("--embed-runs", type=int, default=1, help="embedding calls per measurement")
    ap.add_argument("--rounds", type=int, default=3, help="alternations of the two sides")
    args = ap.parse_args()

    modes = args.modes.split(",")
    queries = read_lines(args.queries)
    model = clausal.Model()
    index = clausal.Index.open(args.index)
    clauses = index.stats().clauses
    print(f"index {args.index}: {clauses} clauses; {len(queries)} queries x {args.runs} runs; "
          f"{args.rounds} rounds; model {model.model_id} ({model.engine}, {model.threads} threads)")

    rows = {m: ([], []) for m in modes}
    for r in range(args.rounds):
        # The side that goes first alternates, so that drift in the machine's load falls on both.
        mine = {}
        if r % 2 == 1:
            mine = {m: python_latency(index, model, queries, m, args.limit, args.runs) for m in modes}
        crate, _ = crate_latency(args.clausal, str(args.index), str(args.queries), modes, args.limit, args.runs)
        if r % 2 == 0:
            mine = {m: python_latency(index, model, queries, m, args.limit, args.runs) for m in modes}
        for m in modes:
            rows[m][0].append(crate[m])
            rows[m][1].append(mine[m])
    print(f"{'search':<8} {'crate p50 ms':>13} {'python p50 ms':>14} {'ratio':>7}   (median of rounds)")
    result = {"clauses": clauses, "search": {}}
    for m in modes:
        c, p = statistics.median(rows[m][0]), statistics.median(rows[m][1])
        result["search"][m] = {"crate_p50_ms": c, "python_p50_ms": p, "ratio": p / c,
                               "rounds_crate": rows[m][0], "rounds_python": rows[m][1]}
        print(f"{m:<8} {c:>13.3f} {p:>14.3f} {p / c:>7.3f}")

    if args.texts:
        texts = read_lines(args.texts)
        while len(texts) < args.embed_texts:
            texts = texts + texts
        texts = texts[: args.embed_texts]
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
            f.write("\n".join(t.replace("\n", " ").replace("\r", " ") for t in texts) + "\n")
            texts_file = f.name
        flat = [t.replace("\n", " ").replace("\r", " ") for t in texts]
        crate_s, python_s = [], []
        for r in range(args.rounds):
            if r % 2 == 1:
                python_s.append(python_throughput(model, flat, args.embed_runs))
            crate_s.append(crate_throughput(args.clausal, texts_file, args.embed_runs))
            if r % 2 == 0:
                python_s.append(python_throughput(model, flat, args.embed_runs))
        c, p = statistics.median(crate_s), statistics.median(python_s)
        result["embed"] = {"texts": len(flat), "crate_s": crate_s, "python_s": python_s,
                           "crate_texts_per_s": len(flat) / c, "python_texts_per_s": len(flat) / p,
                           "throughput_ratio": c / p}
        print(f"embed {len(flat)} texts: crate {c:.2f} s ({len(flat) / c:.0f}/s), "
              f"python {p:.2f} s ({len(flat) / p:.0f}/s): python throughput = {c / p:.3f} x crate")
        Path(texts_file).unlink()
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
