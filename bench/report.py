#!/usr/bin/env python3
"""Turns a bench/run.sh result folder into Markdown tables (tables.md) and the plot
bench/throughput-latency.png (gnuplot). Medians over the rounds.

    report.py RESULT_DIR               write RESULT_DIR/tables.md and the plot
    report.py --sustainable JSONL      print the median end-to-end jobs/s (for run.sh)
"""
import json, os, statistics, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
NAMES = {"sygen": "sygen-webhookd", "webhook": "adnanh/webhook", "nginx": "nginx `return 202`"}

def load(path):
    rows, text, dec, i = [], open(path).read(), json.JSONDecoder(), 0
    while True:
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text):
            return [r for r in rows if "broken" not in r]
        row, i = dec.raw_decode(text, i)
        rows.append(row)

def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None

def select(rows, **kw):
    return [r for r in rows if all(r.get(k) == v for k, v in kw.items())]

def fmt(v, digits=0):
    if v is None:
        return "–"
    if isinstance(v, float) and digits == 0:
        return f"{v:,.0f}"
    return f"{v:,.{digits}f}"

def ms(us):
    return None if us is None else us / 1000.0

def verdict(ok):
    return "**met**" if ok else "**missed**"

def sustainable(rows):
    return med([r["data"]["jobs_per_s"] for r in select(rows, scenario="e2e-throughput")])

def main():
    if sys.argv[1] == "--sustainable":
        v = sustainable(load(sys.argv[2]))
        print(int(v) if v else 300)
        return
    out = sys.argv[1]
    rows = load(os.path.join(out, "results.jsonl"))
    machine = json.load(open(os.path.join(out, "machine.json")))
    md, targets = [], []
    add = md.append

    add(f"Run `{os.path.basename(out)}`: `{machine['command']}` — {machine['date']}  ")
    add(f"Machine: {machine['nproc']} cores ({machine['cpu']}), {machine['mem_total_mib']} MiB, Linux {machine['kernel']}, "
        f"state on {machine['filesystem']}; load average before the run {machine['load_before']}"
        + (f", after {open(os.path.join(out, 'load_after.txt')).read().split(': ')[1].strip().strip(chr(34))}" if os.path.exists(os.path.join(out, 'load_after.txt')) else "") + ".  ")
    if "source" in machine:
        add(f"Source: {machine['source']} (Release build in build-bench).  ")
    v = machine["versions"]
    add(f"Versions: sygen-webhookd {v['sygen-webhookd']}, webhook {v['webhook']}, nginx {v['nginx']}, wrk {v['wrk']}, hyperfine {v['hyperfine']}.")
    add("")

    # ---- accepted
    acc = select(rows, scenario="accepted", hooks=2)
    cs = sorted({r["c"] for r in acc})
    peak = {}
    if acc:
        add("### Ingress, accepted path (requests/s and latency, median of rounds)")
        add("")
        add("| connections | " + " | ".join(f"{NAMES[s]} req/s | p50 / p99 ms" for s in ("sygen", "webhook", "nginx")) + " | ours ÷ webhook | ours ÷ nginx |")
        add("|---:|" + "---:|---:|" * 3 + "---:|---:|")
        plot = []
        for c in cs:
            cells, rps = [], {}
            line = [c]
            for s in ("sygen", "webhook", "nginx"):
                rs = select(acc, system=s, c=c)
                rps[s] = med([r["data"].get("rps") for r in rs])
                p50 = med([ms(r["data"].get("p50_us")) for r in rs])
                p99 = med([ms(r["data"].get("p99_us")) for r in rs])
                non2xx = sum(r["data"].get("non2xx", 0) for r in rs)
                cells.append(f"{fmt(rps[s])}{' (' + str(non2xx) + ' non-2xx)' if non2xx else ''} | {fmt(p50, 2)} / {fmt(p99, 2)}")
                line += [rps[s] or 0, p99 or 0]
                peak[s] = max(peak.get(s, 0), rps[s] or 0)
            r1 = rps["sygen"] / rps["webhook"] if rps["sygen"] and rps["webhook"] else None
            r2 = rps["sygen"] / rps["nginx"] if rps["sygen"] and rps["nginx"] else None
            add(f"| {c} | " + " | ".join(cells) + f" | {fmt(r1, 2)}× | {fmt(r2, 2)}× |")
            plot.append(line)
        add("")
        rpw = peak["sygen"] / peak["webhook"] if peak.get("webhook") else None
        rpn = peak["sygen"] / peak["nginx"] if peak.get("nginx") else None
        add(f"Peak over the concurrency levels: ours {fmt(peak['sygen'])}, adnanh/webhook {fmt(peak['webhook'])}, nginx {fmt(peak['nginx'])} requests/s.")
        rss = med([r["data"].get("rss_peak_kib") for r in select(acc, system="sygen")])
        add(f"Our supervisor's peak RSS during these runs (median): {fmt(rss / 1024 if rss else None, 1)} MiB.")
        add("")
        targets.append(("accepted path ≥ 3× adnanh/webhook (peak vs peak)", f"{fmt(rpw, 2)}×", rpw is not None and rpw >= 3))
        targets.append(("accepted path ≥ 0.5× nginx `return 202` (peak vs peak)", f"{fmt(rpn, 2)}×", rpn is not None and rpn >= 0.5))
        with open(os.path.join(out, "plot.dat"), "w") as f:
            f.write("# c sygen_rps sygen_p99ms webhook_rps webhook_p99ms nginx_rps nginx_p99ms\n")
            for line in plot:
                f.write(" ".join(str(x) for x in line) + "\n")
        gp = f"""
set terminal pngcairo size 1100,450 font ",10"
set output "{os.path.join(HERE, 'throughput-latency.png')}"
set multiplot layout 1,2 title "POST /hooks/bench, 2 cores, loopback (median of rounds; {os.path.basename(out)})"
set logscale x 2
set xlabel "concurrent connections (wrk -c)"
set grid
set key bottom right
set ylabel "requests/s"
set logscale y
plot "{os.path.join(out, 'plot.dat')}" u 1:2 w lp lw 2 t "sygen-webhookd (202, spooled + fdatasync)", \\
     "" u 1:4 w lp lw 2 t "adnanh/webhook (202, runs /bin/true)", \\
     "" u 1:6 w lp lw 2 t "nginx return 202"
set ylabel "p99 latency (ms)"
set key top left
plot "{os.path.join(out, 'plot.dat')}" u 1:3 w lp lw 2 t "sygen-webhookd", \\
     "" u 1:5 w lp lw 2 t "adnanh/webhook", \\
     "" u 1:7 w lp lw 2 t "nginx"
unset multiplot
"""
        subprocess.run(["gnuplot"], input=gp.encode(), check=True)

    # ---- hooks count
    big = select(rows, scenario="accepted", hooks=10000)
    if big:
        c = big[0]["c"]
        small = med([r["data"]["rps"] for r in select(acc, system="sygen", c=c)])
        large = med([r["data"]["rps"] for r in big])
        cost = (1 - large / small) * 100 if small else None
        add(f"### 2 hooks vs 10,000 hooks (ours, accepted path, {c} connections)")
        add("")
        add("| hooks | req/s | p99 ms |")
        add("|---:|---:|---:|")
        add(f"| 2 | {fmt(small)} | {fmt(med([ms(r['data']['p99_us']) for r in select(acc, system='sygen', c=c)]), 2)} |")
        add(f"| 10,000 | {fmt(large)} | {fmt(med([ms(r['data']['p99_us']) for r in big]), 2)} |")
        add("")
        targets.append(("10,000 hooks cost < 10% throughput", f"{fmt(cost, 1)}%", cost is not None and cost < 10))

    # ---- rejected
    rej = select(rows, scenario="rejected")
    if rej:
        add(f"### Ingress, rejected path ({rej[0]['c']} connections, median of rounds)")
        add("")
        add("| request | sygen-webhookd req/s | p99 ms | adnanh/webhook req/s | p99 ms | ours ÷ webhook |")
        add("|---|---:|---:|---:|---:|---:|")
        for kind, label in (("bearer", "wrong bearer token (ours 401)"), ("hmac", "wrong HMAC signature (ours 401)")):
            a = med([r["data"]["rps"] for r in select(rej, kind=kind, system="sygen")])
            b = med([r["data"]["rps"] for r in select(rej, kind=kind, system="webhook")])
            pa = med([ms(r["data"]["p99_us"]) for r in select(rej, kind=kind, system="sygen")])
            pb = med([ms(r["data"]["p99_us"]) for r in select(rej, kind=kind, system="webhook")])
            ratio = a / b if a and b else None
            add(f"| {label} | {fmt(a)} | {fmt(pa, 2)} | {fmt(b)} | {fmt(pb, 2)} | {fmt(ratio, 2)}× |")
            targets.append((f"rejected path ({kind}) ≥ 2× adnanh/webhook", f"{fmt(ratio, 2)}×", ratio is not None and ratio >= 2))
        san = select(rows, scenario="rejected-sanity")
        if san:
            d = san[0]["data"]
            add("")
            add(f"Set-up check: the correctly signed request gets {d['valid_hmac_sygen']} from ours and {d['valid_hmac_webhook']} from adnanh/webhook "
                "(which answers its rule mismatch with 401 here via `trigger-rule-mismatch-http-response-code`).")
        add("")

    # ---- e2e
    thr = select(rows, scenario="e2e-throughput")
    if thr:
        jps = sustainable(rows)
        add("### End to end (2 workers, no-op CLI)")
        add("")
        add("| round | jobs | drain s | jobs/s | success | worker RSS KiB (peak) |")
        add("|---:|---:|---:|---:|---:|---:|")
        for r in thr:
            d = r["data"]
            add(f"| {r['round']} | {d['finished']} | {d['seconds']:.2f} | {d['jobs_per_s']:.0f} | {d['success']} | {d['worker_rss_kib']} ({d['worker_hwm_kib']}) |")
        add("")
        targets.append(("end to end ≥ 1,000 no-op jobs/s with 2 workers", f"{fmt(jps)} jobs/s", jps is not None and jps >= 1000))
        whwm = max(r["data"]["worker_hwm_kib"] for r in thr)
        targets.append(("worker RSS ≤ 8 MiB", f"{whwm / 1024:.1f} MiB (peak over the e2e runs)", whwm <= 8 * 1024))
    floor = select(rows, scenario="cli-floor")
    if floor:
        res = {x["command"]: x for x in floor[0]["data"]["results"]}
        t = res["/bin/true"]["mean"] * 1000
        if "noopcli" in res:
            # Runs since the lean CLI: the jobs run bench/noop_cli.c; FakeCli is timed for reference.
            f = res["noopcli"]["mean"] * 1000
            ref = f", the Poco-linked fake CLI of the tests: {res['fakecli']['mean'] * 1000:.2f} ms" if "fakecli" in res else ""
            add(f"Floor (hyperfine, 200 runs): one start of the no-op CLI the jobs run (`bench/noop_cli.c`, static) takes "
                f"{f:.2f} ms (`/bin/true`: {t:.2f} ms{ref}), so 2 workers that each run one CLI at a time cannot exceed "
                f"{2000 / f:,.0f} jobs/s on this machine before any sandboxing, framing or journal write.")
        else:
            f = res["fakecli"]["mean"] * 1000
            add(f"Floor (hyperfine, 200 runs): one start of the no-op fake CLI takes {f:.2f} ms (`/bin/true`: {t:.2f} ms), "
                f"so 2 workers that each run one CLI at a time cannot exceed {2000 / f:,.0f} jobs/s on this machine "
                f"before any sandboxing, framing or journal write.")
        add("")
    lat = select(rows, scenario="e2e-latency")
    if lat:
        add("| round | offered jobs/s | 202 p50 / p99 ms | 202 → CLI start p50 / p90 / p99 ms | jobs matched |")
        add("|---:|---:|---:|---:|---:|")
        for r in lat:
            w, d = r["data"]["wrk"], r["data"]["dispatch"]
            add(f"| {r['round']} | {r['target_rate']} (got {w['rps']:.0f}) | {ms(w['p50_us']):.2f} / {ms(w['p99_us']):.2f} | "
                f"{fmt(d['p50_ms'], 1)} / {fmt(d['p90_ms'], 1)} / {fmt(d['p99_ms'], 1)} | {d['jobs']} of {d['accepted']} |")
        add("")
        p99 = med([ms(r["data"]["wrk"]["p99_us"]) for r in lat])
        dp99 = med([r["data"]["dispatch"]["p99_ms"] for r in lat])
        targets.append(("p99 202 latency ≤ 5 ms at half the sustainable rate", f"{fmt(p99, 2)} ms", p99 is not None and p99 <= 5))
        targets.append(("p99 dispatch (202 → CLI start) ≤ 20 ms", f"{fmt(dp99, 1)} ms", dp99 is not None and dp99 <= 20))

    # ---- memory
    mem = select(rows, scenario="memory")
    if mem:
        add("### Memory (RSS)")
        add("")
        add("| system | state | RSS |")
        add("|---|---|---:|")
        for r in mem:
            d = r["data"]
            if r["system"] == "sygen":
                extra = f"supervisor {d['supervisor_kib'] / 1024:.1f} MiB"
                if "supervisor_anon_kib" in d:
                    extra += f" (anonymous {d['supervisor_anon_kib'] / 1024:.1f})"
                if "worker_kib" in d:
                    extra += f", worker {d['worker_kib'] / 1024:.1f} MiB"
                if "worker_anon_kib" in d:
                    extra += f" (anonymous {d['worker_anon_kib'] / 1024:.1f}, file-backed: binary and shared libraries {d['worker_file_kib'] / 1024:.1f}; PSS {d.get('worker_pss_kib', 0) / 1024:.1f})"
                if "supervisor_hwm_kib" in d:
                    extra += f" (peak {d['supervisor_hwm_kib'] / 1024:.1f} MiB)"
            elif r["system"] == "webhook":
                extra = f"idle {d['idle_kib'] / 1024:.1f} MiB, flood peak {d['flood_hwm_kib'] / 1024:.1f} MiB ({d['flood']['rps']:.0f} req/s for {d['flood']['seconds']:.0f} s), after {d['after_kib'] / 1024:.1f} MiB"
            else:
                extra = f"{d['idle_kib'] / 1024:.1f} MiB"
            add(f"| {NAMES[r['system']]} | {r['state']} | {extra} |")
        add("")
        idle10k = [r for r in mem if r["system"] == "sygen" and r["state"].startswith("idle, 10000")]
        if idle10k:
            s = idle10k[0]["data"]["supervisor_kib"]
            targets.append(("supervisor RSS ≤ 32 MiB idle with 10,000 hooks", f"{s / 1024:.1f} MiB", s <= 32 * 1024))
            w = max(r["data"].get("worker_kib", 0) for r in mem if r["system"] == "sygen")
            targets.append(("worker RSS ≤ 8 MiB (idle)", f"{w / 1024:.1f} MiB", w <= 8 * 1024))

    # ---- reload
    rel = select(rows, scenario="reload")
    if rel:
        add("### Hook reload with 10,000 hooks, idle vs under a flood (hyperfine, admin socket round trip)")
        add("")
        add("| state | `help` mean ms | `reload` mean ms | reload − help ms |")
        add("|---|---:|---:|---:|")
        cost = {}
        for r in rel:
            res = {x["command"]: x for x in r["data"]["results"]}
            h, l = res["help"]["mean"] * 1000, res["reload"]["mean"] * 1000
            cost[r["state"]] = l - h
            add(f"| {r['state']} | {h:.1f} | {l:.1f} | {l - h:.1f} |")
        add("")
        if "idle" in cost and "flood" in cost:
            targets.append(("hook reload does not grow with the request rate",
                            f"reload {cost['idle']:.1f} ms idle, {cost['flood']:.1f} ms under flood", cost["flood"] <= max(2 * cost["idle"], cost["idle"] + 20)))

    # ---- overload
    ov = select(rows, scenario="overload")
    if ov:
        r = ov[0]
        d, f = r["data"], r["data"]["flood"]
        add(f"### Overload: {r['offered_rate']} requests/s offered (10× the sustainable {r['sustainable']} jobs/s) for {r['seconds']} s, queue 1000, 2 workers")
        add("")
        add("| measure | value |")
        add("|---|---:|")
        add(f"| requests answered | {f['requests']} ({f['rps']:.0f}/s) |")
        add(f"| by status | {', '.join(f'{k}: {v}' for k, v in sorted(f.get('status', {}).items()))} |")
        add(f"| latency p50 / p99 / max (all answers) | {ms(f['p50_us']):.2f} / {ms(f['p99_us']):.2f} / {ms(f['max_us']):.1f} ms |")
        add(f"| socket errors / timeouts | {f['connect_errors'] + f['read_errors'] + f['write_errors']} / {f['timeouts']} |")
        add(f"| supervisor RSS at start / max | {d['rss_start_kib'] / 1024:.1f} / {d['rss_max_kib'] / 1024:.1f} MiB |")
        add(f"| first 202 after the flood | {fmt(d['first_202_after_s'], 2)} s |")
        add(f"| `/health` right after | {float(d['health_s']) * 1000:.1f} ms |")
        add(f"| queue drained after | {fmt(d['drained_after_s'], 1)} s |")
        add(f"| 202 answered / jobs finished / unfinished | {d['accepted_202']} / {d['finished']} / {d['unfinished_after']} |")
        add("")
        lost = d["accepted_202"] - d["finished"]
        targets.append(("overload: nothing accepted is lost", f"{d['accepted_202']} accepted, {d['finished']} finished", lost <= 0 and d["unfinished_after"] == 0))
        targets.append(("overload: memory bounded", f"{d['rss_max_kib'] / 1024:.1f} MiB max", d["rss_max_kib"] <= 64 * 1024))
        targets.append(("overload: excess refused quickly (p99 of all answers)", f"{ms(f['p99_us']):.2f} ms", ms(f["p99_us"]) <= 50))
    rl = select(rows, scenario="ratelimit")
    if rl:
        f = rl[0]["data"]
        add(f"Rate limit run (`rate_limit_per_minute` 600, 16 connections, 10 s): {f['requests']} answers "
            f"({', '.join(f'{k}: {v}' for k, v in sorted(f.get('status', {}).items()))}), p99 {ms(f['p99_us']):.2f} ms.")
        add("")

    # ---- cluster
    cacc = select(rows, scenario="cluster-accepted")
    if cacc:
        c = cacc[0]["c"]
        rps = {
            "spool": med([r["data"].get("rps") for r in select(cacc, system="sygen", backend="spool")]),
            "postgres": med([r["data"].get("rps") for r in select(cacc, system="sygen", backend="postgres")]),
            "webhook": med([r["data"].get("rps") for r in select(cacc, system="webhook")]),
        }
        p99 = {
            "spool": med([ms(r["data"].get("p99_us")) for r in select(cacc, system="sygen", backend="spool")]),
            "postgres": med([ms(r["data"].get("p99_us")) for r in select(cacc, system="sygen", backend="postgres")]),
            "webhook": med([ms(r["data"].get("p99_us")) for r in select(cacc, system="webhook")]),
        }
        add(f"### Cluster: accepted path by backend ({c} connections, median of rounds)")
        add("")
        add("| system | req/s | p99 ms |")
        add("|---|---:|---:|")
        add(f"| sygen-webhookd, file spool | {fmt(rps['spool'])} | {fmt(p99['spool'], 2)} |")
        add(f"| sygen-webhookd, PostgreSQL 15 (one node, group commit) | {fmt(rps['postgres'])} | {fmt(p99['postgres'], 2)} |")
        add(f"| adnanh/webhook | {fmt(rps['webhook'])} | {fmt(p99['webhook'], 2)} |")
        add("")
        ratio = lambda a, b: None if not a or not b else a / b
        pg_spool, pg_webhook = ratio(rps["postgres"], rps["spool"]), ratio(rps["postgres"], rps["webhook"])
        targets.append((f"cluster: PostgreSQL accepted ≥ 0.5× spool at {c} connections", f"{fmt(pg_spool, 2)}×",
                        pg_spool is not None and pg_spool >= 0.5))
        targets.append((f"cluster: PostgreSQL accepted ≥ adnanh/webhook at {c} connections", f"{fmt(pg_webhook, 2)}×",
                        pg_webhook is not None and pg_webhook >= 1.0))
    ce2e = select(rows, scenario="cluster-e2e")
    if ce2e:
        add("### Cluster: end to end, 2 nodes × 2 workers on one PostgreSQL (no-op CLI)")
        add("")
        add("| round | jobs | drain s | jobs/s | success | jobs run per node |")
        add("|---:|---:|---:|---:|---:|---|")
        for r in ce2e:
            d = r["data"]
            nodes = ", ".join(f"{k}: {v}" for k, v in sorted(d.get("per_node", {}).items()))
            add(f"| {r['round']} | {d['finished']} | {d['seconds']:.2f} | {d['jobs_per_s']:.0f} | {d['success']} | {nodes} |")
        add("")
        cjps = med([r["data"]["jobs_per_s"] for r in ce2e])
        targets.append(("cluster: end to end ≥ 1,000 no-op jobs/s with 2 nodes × 2 workers", f"{fmt(cjps)} jobs/s",
                        cjps is not None and cjps >= 1000))
    clat = select(rows, scenario="cluster-latency")
    if clat:
        add("| round | offered jobs/s (2 nodes) | 202 p99 ms (node 1 / node 2) | 202 → CLI start p50 / p90 / p99 ms | jobs matched | jobs run per node |")
        add("|---:|---:|---:|---:|---:|---|")
        for r in clat:
            a, b, d = r["data"]["wrk_a"], r["data"]["wrk_b"], r["data"]["dispatch"]
            nodes = ", ".join(f"{k}: {v}" for k, v in sorted(r["data"].get("per_node", {}).items()))
            add(f"| {r['round']} | {r['target_rate']} (got {a['rps'] + b['rps']:.0f}) | {ms(a['p99_us']):.2f} / {ms(b['p99_us']):.2f} | "
                f"{fmt(d['p50_ms'], 1)} / {fmt(d['p90_ms'], 1)} / {fmt(d['p99_ms'], 1)} | {d['jobs']} of {d['accepted']} | {nodes} |")
        add("")
        cdp99 = med([r["data"]["dispatch"]["p99_ms"] for r in clat])
        targets.append(("cluster: p99 202 → CLI start across nodes ≤ 50 ms at half the sustainable rate", f"{fmt(cdp99, 1)} ms",
                        cdp99 is not None and cdp99 <= 50))

    if targets:
        add("### Targets")
        add("")
        add("| target | this run | |")
        add("|---|---:|---|")
        for name, value, ok in targets:
            add(f"| {name} | {value} | {verdict(ok)} |")
        add("")
    open(os.path.join(out, "tables.md"), "w").write("\n".join(md) + "\n")
    print("\n".join(md))

main()
