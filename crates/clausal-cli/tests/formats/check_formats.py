#!/usr/bin/env python3
"""Checks `clausal deadlines --ics` and the CSV outputs with standard parsers.

Usage: check_formats.py [--ics FILE]... [--csv FILE]...

- ICS: parsed by the `icalendar` package from PyPI (RFC 5545); every VEVENT must have a UID,
  DTSTAMP, DTSTART (a date), DTEND after it, a SUMMARY and a VALARM with ACTION and TRIGGER; UIDs
  are unique.
- CSV: read by Python's csv module, written back and read again unchanged; a header row, every
  row as long as the header.

Exit 0 when every file passes, 1 otherwise (with the reason), 2 when icalendar is missing.
"""
import csv
import io
import sys


def check_ics(path):
    try:
        import icalendar
    except ImportError:
        print("icalendar is not installed (pip install icalendar)", file=sys.stderr)
        sys.exit(2)
    with open(path, "rb") as f:
        cal = icalendar.Calendar.from_ical(f.read())
    errors = cal.errors if hasattr(cal, "errors") else []
    if errors:
        raise ValueError(f"{path}: parse errors {errors}")
    uids = []
    events = list(cal.walk("VEVENT"))
    for ev in events:
        for prop in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"):
            if ev.get(prop) is None:
                raise ValueError(f"{path}: event without {prop}: {ev.to_ical()[:200]!r}")
        if getattr(ev, "errors", None):
            raise ValueError(f"{path}: event errors {ev.errors}")
        start, end = ev.decoded("DTSTART"), ev.decoded("DTEND")
        if not end > start:
            raise ValueError(f"{path}: DTEND {end} not after DTSTART {start}")
        alarms = list(ev.walk("VALARM"))
        if not alarms or any(a.get("ACTION") is None or a.get("TRIGGER") is None for a in alarms):
            raise ValueError(f"{path}: event {ev.get('UID')} without a complete VALARM")
        uids.append(str(ev.get("UID")))
    if len(set(uids)) != len(uids):
        raise ValueError(f"{path}: duplicate UIDs")
    print(f"{path}: {len(events)} events, valid")
    return len(events)


def check_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        text = f.read()
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise ValueError(f"{path}: empty")
    header = rows[0]
    if len(set(header)) != len(header) or any(not h for h in header):
        raise ValueError(f"{path}: bad header {header}")
    for i, row in enumerate(rows[1:], 2):
        if len(row) != len(header):
            raise ValueError(f"{path}: row {i} has {len(row)} fields, header {len(header)}")
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    again = list(csv.reader(io.StringIO(out.getvalue())))
    if again != rows:
        raise ValueError(f"{path}: does not round-trip")
    print(f"{path}: {len(rows) - 1} rows, round-trips")
    return len(rows) - 1


def main(argv):
    kind = None
    ok = True
    for a in argv:
        if a in ("--ics", "--csv"):
            kind = a
            continue
        try:
            (check_ics if kind == "--ics" else check_csv)(a)
        except Exception as e:  # noqa: BLE001 - report every failure
            print(f"FAIL {e}", file=sys.stderr)
            ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
