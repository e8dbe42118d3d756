#!/usr/bin/env python3
"""202 -> CLI start latency.

    e2e_latency.py JOURNAL STARTED_LOG...
    e2e_latency.py --queued-tsv FILE STARTED_LOG...

Joins the accepted jobs (queued_at and the body with its "seq") with the no-op CLI's
started lines (started_at_us, prompt with the same seq); prints p50/p90/p99/max in ms.
The accepted jobs come from the spool's journal, or (cluster rows) from a file of
"queued_us<TAB>body" lines exported from PostgreSQL. Several started logs (one per
node) are read as one."""
import json, re, sys

SEQ = re.compile(r'[a-z]*t\d+-\d+')

def journal_records(path):
    data = open(path, "rb").read()
    i = 0
    while i < len(data):
        nl = data.index(b"\n", i)
        kind, meta_len, body_len, _crc = data[i:nl].decode().split(" ")
        meta_len, body_len = int(meta_len), int(body_len)
        meta = data[nl + 1:nl + 1 + meta_len]
        body = data[nl + 1 + meta_len:nl + 1 + meta_len + body_len]
        yield kind, json.loads(meta), body
        i = nl + 1 + meta_len + body_len + 1

def queued_from_journal(path):
    for kind, meta, body in journal_records(path):
        if kind == "A":
            yield meta["queued_at"], body.decode("utf-8", "replace")

def queued_from_tsv(path):
    for line in open(path, encoding="utf-8", errors="replace"):
        queued_us, _, body = line.rstrip("\n").partition("\t")
        if queued_us:
            yield int(queued_us), body

def percentile(values, p):
    values = sorted(values)
    if not values:
        return None
    k = min(len(values) - 1, max(0, int(round(p / 100.0 * len(values) + 0.5)) - 1))
    return values[k]

def main():
    args = sys.argv[1:]
    source = queued_from_tsv(args[1]) if args[0] == "--queued-tsv" else queued_from_journal(args[0])
    logs = args[2:] if args[0] == "--queued-tsv" else args[1:]
    queued = {}
    for queued_us, body in source:
        m = SEQ.search(body)
        if m:
            queued[m.group(0)] = queued_us
    lat = []
    for log in logs:
        for line in open(log):
            rec = json.loads(line)
            m = SEQ.search(" ".join(rec.get("argv", [])) + " " + rec.get("stdin", ""))
            if m and m.group(0) in queued:
                lat.append((rec["started_at_us"] - queued[m.group(0)]) / 1000.0)
    out = {"jobs": len(lat), "accepted": len(queued)}
    for p in (50, 90, 99):
        out["p%d_ms" % p] = percentile(lat, p)
    out["max_ms"] = max(lat) if lat else None
    print(json.dumps(out))

main()
