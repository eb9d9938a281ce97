#!/usr/bin/env python3
"""Compare shard exports with one unsharded export (`clausal export --format ndjson` files).

    python compare_exports.py WHOLE.ndjson SHARD1.ndjson SHARD2.ndjson ...

The shards together must hold the same ids as the whole, none twice, each with the same content.
`generation` (the commit number of the index that wrote the clause) is left out of the
comparison: each index counts its own commits. Prints a JSON report; exits 1 on a difference.
"""

import json
import sys
from collections import Counter


def load(path):
    out = {}
    with open(path) as f:
        for line in f:
            r = json.loads(line)
            if r.get("op") != "upsert":
                continue
            r.pop("op")
            r.pop("generation", None)
            if r["id"] in out:
                raise SystemExit(f"{path}: id {r['id']} twice")
            out[r["id"]] = r
    return out


def main():
    whole = load(sys.argv[1])
    merged, collisions = {}, 0
    for path in sys.argv[2:]:
        for k, v in load(path).items():
            collisions += k in merged
            merged[k] = v
    fields = Counter()
    for k in whole.keys() & merged.keys():
        for f in set(whole[k]) | set(merged[k]):
            if whole[k].get(f) != merged[k].get(f):
                fields[f] += 1
    report = {
        "whole": len(whole),
        "shards": len(merged),
        "collisions": collisions,
        "missing_from_shards": len(whole.keys() - merged.keys()),
        "extra_in_shards": len(merged.keys() - whole.keys()),
        "clauses_that_differ": sum(
            1 for k in whole.keys() & merged.keys() if whole[k] != merged[k]
        ),
        "differing_fields": dict(fields),
    }
    print(json.dumps(report, indent=1))
    ok = not (collisions or report["missing_from_shards"] or report["extra_in_shards"]
              or report["clauses_that_differ"])
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
