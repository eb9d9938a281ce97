#!/usr/bin/env python3
"""Assemble the pack evaluation set from the labellers' staging folder.

Usage: build.py STAGING_DIR   (reads STAGING/parts/*.jsonl, STAGING/txt/)
       build.py --check       (checks the committed labels.jsonl against txt/: every span and
                               checksum; what .ci/run runs)

Writes beside this script: txt/STEM.txt, labels.jsonl (one object per document, offsets in
Python characters), sources.csv. Checks every span and checksum; leaves out documents whose text
repeats one of the out-of-distribution set (../ood/txt: another evaluation); applies the
set-wide convention on breach notification (see README.md) and records what it changed.
"""
import csv, difflib, glob, hashlib, json, os, re, shutil, sys

HERE = os.path.dirname(os.path.abspath(__file__))
OOD = os.path.join(HERE, "..", "ood", "txt")

# A customer's or user's duty to tell the provider about misuse of its own account is not a
# breach notification in the sense of the rules (the party holding the data notifying of a
# breach); nor is a duty to assist the other party with its own notifications.
ACCOUNT = re.compile(r"(?is)^\W*(?:you|customer|member|the open source project)\b.*\b(?:notify|responsible)|your account|its accounts|corporate account")
ASSIST = re.compile(r"(?i)\bassist")


def lines(t):
    return [l.strip() for l in t.splitlines() if len(l.strip()) > 30]


def main(staging):
    ood = {}
    for f in glob.glob(os.path.join(OOD, "*.txt")):
        ood[os.path.basename(f)] = set(lines(open(f, encoding="utf-8").read()))
    out_txt = os.path.join(HERE, "txt")
    shutil.rmtree(out_txt, ignore_errors=True)
    os.makedirs(out_txt)
    rows, dropped, changed, retimed = [], [], [], []
    for part in sorted(glob.glob(os.path.join(staging, "parts", "*.jsonl"))):
        for n, line in enumerate(open(part, encoding="utf-8")):
            if not line.strip():
                continue
            r = json.loads(line)
            path = os.path.join(staging, "txt", r["contract"] + ".txt")
            text = open(path, encoding="utf-8").read()
            digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
            assert digest == r["sha256"], (part, n, r["contract"], "sha256")
            mine = set(lines(text))
            clash = [o for o, ls in ood.items() if mine and len(mine & ls) / len(mine) > 0.5]
            if clash:
                dropped.append((r["contract"], "repeats the out-of-distribution set: " + ", ".join(clash)))
                continue
            pd = r["processes_personal_data"]
            if pd.get("char_start") is not None:
                assert text[pd["char_start"]:pd["char_end"]] == pd["text"], (r["contract"], "ppd span")
            kept = []
            for p in r["provisions"]:
                assert text[p["char_start"]:p["char_end"]] == p["text"], (r["contract"], p["kind"], p["char_start"])
                if p["kind"] == "breach_notification":
                    t = p["text"]
                    timing = p.get("attrs", {}).get("timing")
                    if ACCOUNT.search(t) or (timing == "none" and ASSIST.search(t)):
                        changed.append((r["contract"], p["char_start"], t[:100]))
                        continue
                    # The guide: "without undue delay" with no outer bound is its own timing.
                    if timing == "promptly" and re.search(r"(?i)without\s+undue\s+delay", t) and not re.search(r"(?i)within\s+\S+\s+(?:\(\d+\)\s+)?(?:hours|days)", t):
                        p["attrs"]["timing"] = "without_undue_delay"
                        retimed.append((r["contract"], p["char_start"], t[:100]))
                kept.append(p)
            r["provisions"] = kept
            shutil.copy(path, os.path.join(out_txt, r["contract"] + ".txt"))
            rows.append(r)
    rows.sort(key=lambda r: r["contract"])
    with open(os.path.join(HERE, "labels.jsonl"), "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    with open(os.path.join(HERE, "sources.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["contract", "source", "url", "licence", "sha256", "labeller"])
        for r in rows:
            w.writerow([r["contract"], r["source"], r["url"], r["licence"], r["sha256"], r["labeller"]])
    for c, why in dropped:
        print("left out", c, "-", why)
    for c, at, t in changed:
        print("not a breach notification:", c, at, repr(t))
    for c, at, t in retimed:
        print("timing promptly -> without_undue_delay:", c, at, repr(t))
    kinds = {}
    for r in rows:
        for p in r["provisions"]:
            kinds[p["kind"]] = kinds.get(p["kind"], 0) + 1
    print(len(rows), "documents from", len({r["source"] for r in rows}), "sources;", sum(kinds.values()), "provisions:", kinds)


def check():
    n = 0
    for line in open(os.path.join(HERE, "labels.jsonl"), encoding="utf-8"):
        r = json.loads(line)
        text = open(os.path.join(HERE, "txt", r["contract"] + ".txt"), encoding="utf-8").read()
        assert hashlib.sha256(text.encode("utf-8")).hexdigest() == r["sha256"], r["contract"]
        for p in r["provisions"]:
            assert text[p["char_start"]:p["char_end"]] == p["text"], (r["contract"], p["kind"])
        n += 1
    print("pack labels ok:", n, "documents")


if __name__ == "__main__":
    if sys.argv[1:] == ["--check"]:
        check()
    else:
        main(sys.argv[1])
