#!/usr/bin/env python3
"""clausal export against a real Qdrant engine (qdrant-client's local mode, in process).

Copies an archive, ingests it with `clausal ingest`, exports it with
`clausal export --format qdrant`, loads the operations into Qdrant, then checks:

1. vector search: Qdrant's top-10 for each query equals clausal's own `search --mode vector`
   top-10 (the same vectors): mean overlap >= 0.99;
2. the flagship: a Qdrant filter on `flagged_rules = fm-no-pandemic` returns exactly the clauses of
   `clausal flags --rule fm-no-pandemic`;
3. incremental: after one file is changed and another removed and the archive re-ingested
   (`--prune`), `export --since` applied to the collection leaves it equal to a fresh full export
   of the index: the same ids with the same payloads, no orphan, no duplicate, as many points as
   the index has clauses.

Exits 1 when a check fails. Prints one JSON object with the figures.

    python check_qdrant.py --clausal target/release/clausal --archive DIR [--queries acord.jsonl]
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

from qdrant_client import QdrantClient, models

DEFAULT_QUERIES = [
    "force majeure pandemic epidemic",
    "governing law New York",
    "limitation of liability cap",
    "termination for convenience notice",
    "confidential information",
    "indemnification third party claims",
    "assignment change of control",
    "exclusivity non-compete",
    "audit rights records",
    "insurance coverage",
]


def run(cmd, **kw):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)
    return out.stdout


def jsonl(text):
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def load_operations(client, collection, path):
    upserts = deletes = 0
    with open(path) as f:
        for line in f:
            op = json.loads(line)
            if "upsert" in op:
                points = [
                    models.PointStruct(id=p["id"], vector=p["vector"], payload=p["payload"])
                    for p in op["upsert"]["points"]
                ]
                client.upsert(collection, points=points, wait=True)
                upserts += len(points)
            elif "delete" in op:
                ids = op["delete"]["points"]
                client.delete(collection, points_selector=models.PointIdsList(points=ids), wait=True)
                deletes += len(ids)
            else:
                raise SystemExit(f"unknown operation: {line[:200]}")
    return upserts, deletes


def all_points(client, collection):
    out = {}
    offset = None
    while True:
        points, offset = client.scroll(
            collection, limit=1024, offset=offset, with_payload=True, with_vectors=False
        )
        for p in points:
            out[str(p.id)] = p.payload
        if offset is None:
            return out


def export(clausal, index, work, name, since=None):
    path = os.path.join(work, name)
    cursor = os.path.join(work, name + ".cursor")
    cmd = [clausal, "export", "--index", index, "--format", "qdrant", "-o", path,
           "--cursor-file", cursor, "--json"]
    if since:
        cmd += ["--since", since]
    t = time.time()
    summary = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stderr.strip().splitlines()[-1])
    summary["seconds"] = time.time() - t
    with open(cursor) as f:
        return path, f.read().strip(), summary


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--clausal", required=True)
    ap.add_argument("--archive", required=True, help="folder of contracts (copied, never changed)")
    ap.add_argument("--queries", help="JSON lines with a 'text' field (ACORD queries.jsonl)")
    ap.add_argument("--split", help="only queries whose metadata.split is this")
    ap.add_argument("--limit", type=int, default=0, help="only the first N files of the archive")
    ap.add_argument("--work", help="work folder (default: a temporary one, removed)")
    ap.add_argument("--prebuilt-index", help="an index ARCHIVE was already ingested into; the "
                    "archive is then used in place and CHANGED (one file altered, one removed)")
    args = ap.parse_args()

    clausal = os.path.abspath(args.clausal)
    work = args.work or tempfile.mkdtemp(prefix="clausal-qdrant-")
    os.makedirs(work, exist_ok=True)
    files = sorted(f for f in os.listdir(args.archive) if os.path.isfile(os.path.join(args.archive, f)))
    if args.limit:
        files = files[: args.limit]
    if args.prebuilt_index:
        archive, index, ingest_s = os.path.abspath(args.archive), os.path.abspath(args.prebuilt_index), None
    else:
        archive = os.path.join(work, "archive")
        os.makedirs(archive, exist_ok=True)
        for f in files:
            shutil.copyfile(os.path.join(args.archive, f), os.path.join(archive, f))
        index = os.path.join(work, "index")
        t = time.time()
        run([clausal, "ingest", archive, "--index", index, "--json"])
        ingest_s = round(time.time() - t, 1)

    queries, splits = DEFAULT_QUERIES, ["default"] * len(DEFAULT_QUERIES)
    if args.queries:
        rows = [json.loads(l) for l in open(args.queries) if l.strip()]
        if args.split:
            rows = [r for r in rows if r.get("metadata", {}).get("split") == args.split]
        queries = [r["text"] for r in rows]
        splits = [r.get("metadata", {}).get("split", "all") for r in rows]

    client = QdrantClient(":memory:")
    config = json.loads(run([clausal, "export", "--index", index, "--format", "qdrant", "--mapping"]))
    vectors = config["collection"]["vectors"]
    client.create_collection(
        "clausal",
        vectors_config=models.VectorParams(size=vectors["size"], distance=models.Distance.COSINE),
    )
    full, cursor, full_summary = export(clausal, index, work, "full.jsonl")
    loaded = load_operations(client, "clausal", full)
    failures = []

    # 1. Vector top-10, the same query vectors on both sides.
    embedded = jsonl(run([clausal, "embed"], input="\n".join(q.replace("\n", " ") for q in queries) + "\n"))
    overlaps = []
    for q, e in zip(queries, embedded):
        ours = jsonl(run([clausal, "search", "--index", index, "--mode", "vector", "--json", "-n", "10", "--", q]))
        ours = [(h["clause"]["path"], h["clause"]["id"]) for h in ours]
        theirs = client.query_points("clausal", query=e["embedding"], limit=10, with_payload=True).points
        theirs = [(p.payload["path"], p.payload["clause_id"]) for p in theirs]
        overlaps.append(len(set(ours) & set(theirs)) / max(1, len(ours)))
    overlap = sum(overlaps) / max(1, len(overlaps))
    by_split = {}
    for sp, o in zip(splits, overlaps):
        by_split.setdefault(sp, []).append(o)
    by_split = {sp: {"queries": len(v), "overlap": round(sum(v) / len(v), 4)} for sp, v in by_split.items()}
    if overlap < 0.99:
        failures.append(f"vector top-10 overlap {overlap:.4f} < 0.99")

    # 2. The flagship: flagged fm-no-pandemic, not dismissed.
    flags = jsonl(run([clausal, "flags", "--index", index, "--rule", "fm-no-pandemic", "--json"]))
    ours = {(f["path"], f["clause"]["id"]) for f in flags}
    found, offset = set(), None
    flagship = models.Filter(
        must=[models.FieldCondition(key="flagged_rules", match=models.MatchValue(value="fm-no-pandemic"))]
    )
    while True:
        points, offset = client.scroll("clausal", scroll_filter=flagship, limit=1024, offset=offset, with_payload=True)
        found |= {(p.payload["path"], p.payload["clause_id"]) for p in points}
        if offset is None:
            break
    if found != ours:
        failures.append(f"flagship: clausal flags {len(ours)}, Qdrant filter {len(found)}, "
                        f"{len(ours - found)} missing, {len(found - ours)} extra")

    # 3. A changed and a removed file, re-ingested, exported incrementally.
    changed, removed = files[0], files[1]
    with open(os.path.join(archive, changed), "ab") as f:
        f.write(b"\n% changed by check_qdrant.py\n" if changed.endswith(".pdf") else b"\nA sentence added later.\n")
    os.remove(os.path.join(archive, removed))
    run([clausal, "ingest", archive, "--index", index, "--prune", "--json"])
    inc, cursor2, inc_summary = export(clausal, index, work, "incremental.jsonl", since=cursor)
    applied = load_operations(client, "clausal", inc)
    fresh, _, _ = export(clausal, index, work, "fresh.jsonl")
    expected = {}
    with open(fresh) as f:
        for line in f:
            for p in json.loads(line).get("upsert", {}).get("points", []):
                expected[p["id"]] = p["payload"]
    have = all_points(client, "clausal")
    stats = json.loads(run([clausal, "stats", "--index", index, "--json"]))
    clauses = stats.get("clauses")
    orphans = len(set(have) - set(expected))
    missing = len(set(expected) - set(have))
    differ = sum(1 for k in expected if k in have and have[k] != expected[k])
    if orphans or missing or differ or (clauses is not None and len(have) != clauses):
        failures.append(f"incremental: {orphans} orphans, {missing} missing, {differ} differ, "
                        f"{len(have)} points for {clauses} clauses")
    if inc_summary["deletes"] == 0 or inc_summary["upserts"] == 0:
        failures.append(f"incremental export did not change anything: {inc_summary}")
    again, _, again_summary = export(clausal, index, work, "again.jsonl", since=cursor2)
    if again_summary["upserts"] or again_summary["deletes"]:
        failures.append(f"an export of an unchanged index is not empty: {again_summary}")

    report = {
        "files": len(files),
        "ingest_seconds": ingest_s,
        "clauses": clauses,
        "full_export": {"upserts": loaded[0], "seconds": round(full_summary["seconds"], 2),
                        "clauses_per_second": round(loaded[0] / max(full_summary["seconds"], 1e-9))},
        "queries": len(queries),
        "vector_top10_overlap": round(overlap, 4),
        "min_query_overlap": round(min(overlaps), 2) if overlaps else None,
        "overlap_by_split": by_split,
        "flagship": {"clausal_flags": len(ours), "qdrant_filter": len(found), "equal": found == ours},
        "incremental": {"upserts": applied[0], "deletes": applied[1], "orphans": orphans,
                        "missing": missing, "differ": differ, "points": len(have)},
        "failures": failures,
    }
    print(json.dumps(report, indent=1))
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
