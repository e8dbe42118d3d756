#!/usr/bin/env python3
"""202 -> CLI start latency: e2e_latency.py JOURNAL STARTED_LOG.
Joins the journal's accepted records (queued_at, body with "seq") with the fake CLI's
started lines (started_at_us, prompt with the same seq); prints p50/p90/p99/max in ms."""
import json, re, sys

SEQ = re.compile(r't\d+-\d+')

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

def percentile(values, p):
    values = sorted(values)
    if not values:
        return None
    k = min(len(values) - 1, max(0, int(round(p / 100.0 * len(values) + 0.5)) - 1))
    return values[k]

def main():
    queued = {}
    for kind, meta, body in journal_records(sys.argv[1]):
        if kind == "A":
            m = SEQ.search(body.decode("utf-8", "replace"))
            if m:
                queued[m.group(0)] = meta["queued_at"]
    lat = []
    for line in open(sys.argv[2]):
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
