#!/usr/bin/env python3
"""Builds the out-of-distribution evaluation folder from the hand labels.

Reads labels.jsonl (one object per contract, as labelled; see README.md) and txt/, checks every
span and checksum, and writes the CUAD-layout files the evaluation programs read:
force_majeure_gold.jsonl, master_clauses.csv (the fact columns), contracts.csv, clauses.jsonl
(empty: these contracts carry no CUAD category labels) and sources.csv.

    python3 crates/clausal-eval/data/ood/build.py          # writes them
    python3 crates/clausal-eval/data/ood/build.py --check  # checks the committed ones (CI)
"""

import csv
import hashlib
import json
import pathlib
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
FM_FIELDS = ["heading", "text", "covers_epidemic", "evidence", "scope", "confidence", "note"]
EXPIRATION_KINDS = ("stated", "computed", "perpetual", "event", "none")


def cuad_date(iso: str) -> str:
    """An ISO answer in CUAD's M/D/YYYY form, blanks as [] ("2020-04" is "4/[]/2020")."""
    if not iso:
        return ""
    parts = iso.split("-")
    year = parts[0]
    month = str(int(parts[1])) if len(parts) > 1 else "[]"
    day = str(int(parts[2])) if len(parts) > 2 else "[]"
    return f"{month}/{day}/{year}"


OUTPUTS = ["force_majeure_gold.jsonl", "master_clauses.csv", "contracts.csv", "sources.csv",
           "clauses.jsonl"]


def main() -> int:
    check = "--check" in sys.argv[1:]
    out_dir = pathlib.Path(tempfile.mkdtemp()) if check else HERE
    rows = [json.loads(l) for l in (HERE / "labels.jsonl").read_text().splitlines() if l.strip()]
    rows.sort(key=lambda r: r["contract"])
    errors = []
    seen = set()
    for r in rows:
        stem = r["contract"]
        if stem in seen:
            errors.append(f"{stem}: twice")
        seen.add(stem)
        path = HERE / "txt" / f"{stem}.txt"
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() != r["sha256"]:
            errors.append(f"{stem}: sha256 differs from the text")
        text = data.decode("utf-8")
        spans = [("force_majeure", p) for p in r["force_majeure"]]
        spans += [(k, r[k]) for k in ("agreement_date", "governing_law", "renewal_term", "notice_period",
                                      "effective_date", "expiration_date")]
        for name, s in spans:
            if s.get("char_start") is None:
                continue
            if text[s["char_start"]:s["char_end"]] != s["text"]:
                errors.append(f"{stem}: {name} span does not match its text")
        expiry, kind = r["expiration_date"]["answer"], r.get("expiration_kind")
        dated = expiry not in ("", "perpetual")
        if kind not in EXPIRATION_KINDS or (kind == "perpetual") != (expiry == "perpetual") \
                or (kind in ("stated", "computed")) != dated:
            errors.append(f"{stem}: expiration_kind {kind!r} does not fit expiration_date {expiry!r}")
    if errors:
        print("\n".join(errors), file=sys.stderr)
        return 1

    with open(out_dir / "force_majeure_gold.jsonl", "w") as out:
        for r in rows:
            for p in r["force_majeure"]:
                row = {"contract": r["contract"], "char_start": p["char_start"], "char_end": p["char_end"]}
                row.update({k: p.get(k, "") for k in FM_FIELDS})
                out.write(json.dumps(row, ensure_ascii=False) + "\n")

    columns = [
        ("Agreement Date", "agreement_date"),
        ("Governing Law", "governing_law"),
        ("Renewal Term", "renewal_term"),
        ("Notice Period To Terminate Renewal", "notice_period"),
        ("Effective Date", "effective_date"),
        ("Expiration Date", "expiration_date"),
    ]
    date_keys = ("agreement_date", "effective_date", "expiration_date")
    with open(out_dir / "master_clauses.csv", "w", newline="") as out:
        w = csv.writer(out)
        header = ["Filename"]
        for title, _ in columns:
            answer = f"{title}- Answer" if title.startswith("Notice Period") else f"{title}-Answer"
            header += [title, answer]
        w.writerow(header)
        for r in rows:
            line = [f"{r['contract']}.txt"]
            for _, key in columns:
                fact = r[key]
                # dates in CUAD's M/D/YYYY form; an expiration answer "perpetual" stays as it is
                is_date = key in date_keys and fact["answer"] != "perpetual"
                answer = cuad_date(fact["answer"]) if is_date else fact["answer"]
                line += [json.dumps([fact["text"]] if fact["text"] else []), answer]
            w.writerow(line)

    with open(out_dir / "contracts.csv", "w", newline="") as out:
        w = csv.writer(out)
        w.writerow(["stem", "contract_type", "source", "licence"])
        for r in rows:
            w.writerow([r["contract"], r["contract_type"], r["source"], r["licence"]])

    with open(out_dir / "sources.csv", "w", newline="") as out:
        w = csv.writer(out)
        w.writerow(["stem", "source", "url", "commit", "path", "licence", "sha256", "labeller"])
        for r in rows:
            w.writerow([r["contract"], r["source"], r["url"], r.get("commit") or "", r["path"],
                        r["licence"], r["sha256"], r["labeller"]])

    (out_dir / "clauses.jsonl").write_text("")
    fm = sum(len(r["force_majeure"]) for r in rows)
    covering = sum(p["covers_epidemic"] for r in rows for p in r["force_majeure"])
    sources = {r["source"] for r in rows}
    if check:
        stale = [f for f in OUTPUTS if (out_dir / f).read_bytes() != (HERE / f).read_bytes()]
        if stale:
            print(f"out of date with labels.jsonl (run build.py): {', '.join(stale)}", file=sys.stderr)
            return 1
    print(f"{len(rows)} contracts from {len(sources)} sources; {fm} force majeure provisions "
          f"({covering} covering epidemics) in {sum(bool(r['force_majeure']) for r in rows)} contracts")
    return 0


if __name__ == "__main__":
    sys.exit(main())
