#!/usr/bin/python3
"""bench/report.py: charts (gnuplot) next to bench/results/*.json and docs/benchmarks.md from
the latest results. Run by `make bench` after the benchmarks; runs alone on existing results.
  freshness.png  p50/p95/p99 per pgbench rate, from the histogram and from the probe
  ratios.png     every ratio against its target (each bar: how far the target is met)"""
import json
import os
import shutil
import subprocess

import benchlib as bl

DOC = os.path.join(bl.ROOT, "docs", "benchmarks.md")


def load(name):
    try:
        with open(os.path.join(bl.RESULTS, f"{name}.json")) as f:
            return json.load(f)
    except OSError:
        return None


def ratios(res):
    """(label, value, target, higher_is_better) of every figure the issue sets a target for."""
    out = []
    c = res.get("copy")
    for r in (c or {}).get("runs", []):
        out.append((f"copy, {r['workers']} workers: time / binary COPY", r["ratio_to_binary_copy"], 1.5, False))
        out.append((f"copy, {r['workers']} workers: CPU-s per M rows", r["cpu_s_per_million_rows"], 1.5, False))
    if res.get("ingest"):
        out.append(("ingest rows/s / pg_recvlogical", res["ingest"]["insert"]["ratio"], 0.9, True))
    if res.get("updates"):
        out.append(("updates rows/s / pg_recvlogical", res["updates"]["update"]["ratio"], 0.5, True))
        out.append(("deletes rows/s / pg_recvlogical", res["updates"]["delete"]["ratio"], 0.5, True))
    for r in (res.get("freshness") or {}).get("runs", []):
        if r["rate"] == "2000":
            for src in ("histogram", "probe"):
                if r[src]["p50"] is not None:
                    out.append((f"freshness p50 at 2,000 tps ({src}), s", r[src]["p50"], 0.25, False))
                    out.append((f"freshness p99 at 2,000 tps ({src}), s", r[src]["p99"], 1.0, False))
    for r in (res.get("queries") or {}).get("queries", []):
        if r["proxy_seconds"] is None:
            continue
        if r["query"] == "q1":
            out.append(("q1: PostgreSQL time / proxy time", r["speedup_vs_postgres"], 10, True))
        out.append((f"{r['query']}: proxy time / embedded DuckDB", r["proxy_over_duckdb"], 1.1, False))
    c = res.get("compaction")
    if c:
        out.append(("trickle: live files after", float(c["live_files_after"]), 40, False))
        out.append(("trickle: aggregate after / before", c["aggregate_ratio"], 1.5, False))
    mx = res.get("mixed")
    if mx and mx.get("equal_after_end_s") is not None:
        out.append(("mixed TOAST load: s to caught up after its end", mx["equal_after_end_s"], 10, False))
    for r in (res.get("restart") or {}).get("sizes", []):
        if r["rows"] == 5_000_000:
            out.append(("restart at 5 M rows: s to visible", r["visible_after_restart_s"], 3, False))
    return out


def gnuplot(script):
    if not shutil.which("gnuplot"):
        print("report: gnuplot not installed (scripts/deps.sh installs it); charts skipped")
        return False
    r = subprocess.run(["gnuplot"], input=script, text=True, capture_output=True)
    if r.returncode != 0:
        print("report: gnuplot failed: " + r.stderr.strip().replace("\n", " "))
    return r.returncode == 0


def chart_freshness(fresh):
    data = os.path.join(bl.RESULTS, "freshness.dat")
    with open(data, "w") as f:
        f.write("rate hist_p50 hist_p95 hist_p99 probe_p50 probe_p95 probe_p99\n")
        for r in fresh["runs"]:
            h, p = r["histogram"], r["probe"]
            vals = [h["p50"], h["p95"], h["p99"], p["p50"], p["p95"], p["p99"]]
            label = f"{r['rate']}({r['tps']:.0f}tps)" if r.get("tps") else r["rate"]
            f.write(label + " " + " ".join("NaN" if v is None else f"{v * 1000:.1f}" for v in vals) + "\n")
    has_hist = any(r["histogram"]["p50"] is not None for r in fresh["runs"])
    cols = ([2, 3, 4] if has_hist else []) + [5, 6, 7]
    plots = ", ".join(f"'{data}' using {c}" + (":xtic(1)" if i == 0 else "") + " title columnheader"
                      for i, c in enumerate(cols))
    return gnuplot(f"""set terminal pngcairo size 900,500
set output '{os.path.join(bl.RESULTS, "freshness.png")}'
set title 'Freshness under pgbench: commit to visible (ms), commit {fresh["commit"]}'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8
set key top left
set ylabel 'ms'
set yrange [0:*]
set arrow from graph 0, first 250 to graph 1, first 250 nohead dt 2 lc rgb 'gray'
set arrow from graph 0, first 1000 to graph 1, first 1000 nohead dt 2 lc rgb 'red'
plot {plots}
""")


def chart_ratios(rs, commit):
    data = os.path.join(bl.RESULTS, "ratios.dat")
    with open(data, "w") as f:
        for label, v, target, higher in rs:
            score = v / target if higher else target / v  # >= 1: target met
            f.write(f"\"{label}\" {score:.4f}\n")
    return gnuplot(f"""set terminal pngcairo size 1000,{200 + 28 * len(rs)}
set output '{os.path.join(bl.RESULTS, "ratios.png")}'
set title 'Each figure against its target (>= 1: met), commit {commit}'
set style fill solid 0.8
set boxwidth 0.6
set yrange [-0.5:{len(rs) - 0.5}]
set ytics scale 0
set logscale x 2
set xrange [0.01:100]
set arrow from 1, graph 0 to 1, graph 1 nohead lc rgb 'red'
unset key
plot '{data}' using (1):0:(0.01):2:($0-0.3):($0+0.3):yticlabels(1) with boxxyerror
""")


def fnum(v, unit=""):
    return "n/a" if v is None else f"{bl.fmt(v)}{unit}"


def doc(res, rs):
    lines = ["# Benchmarks", "",
             "Ratios against PostgreSQL's own tools, measured in the same run on the same machine (`make bench`,",
             "bench/). Each benchmark starts a private PostgreSQL 15 (tests/support/pg.sh, `fsync = off`), prints a",
             "table, and writes `bench/results/<name>.json` (machine, commit, command, every figure); charts are",
             "`bench/results/freshness.png` and `bench/results/ratios.png`. Sizes scale with `BENCH_ROWS` and the",
             "per-benchmark variables in each script's docstring.", ""]
    for name, r in res.items():
        if r:
            m = r["machine"]
            lines.append(f"- `{name}`: commit `{r['commit']}`, `{r['command']}`, {r['finished_at']}, {m['cores']} cores, "
                         f"{m['memory_bytes'] / 2**30:.0f} GB, load {m['load_avg_at_start']:.1f} at start"
                         + (f", {', '.join(f'{k}={v}' for k, v in sorted(r['env'].items()))}" if r["env"] else ""))
    lines += ["", "## Against the targets", "", "| figure | measured | target | met |", "| --- | ---: | ---: | --- |"]
    for label, v, target, higher in rs:
        met = v >= target if higher else v <= target
        lines.append(f"| {label} | {bl.fmt(v)} | {'>=' if higher else '<='} {bl.fmt(float(target))} | {'yes' if met else 'no'} |")
    c = res.get("copy")
    if c:
        lines += ["", f"## Initial copy ({c['rows']:,} rows, 7 columns)", "",
                  f"Binary COPY to /dev/null: {c['reference_seconds']:.2f} s ({c['rows'] / c['reference_seconds']:,.0f} rows/s)"
                  + (f", best of {', '.join(f'{x:.2f}' for x in c['reference_all_seconds'])} s." if c.get("reference_all_seconds") else "."), "",
                  "| workers | seconds (best) | every run s | rows/s | ratio | median ratio | CPU-s / M rows | peak RSS MB | catalog s | commit s |",
                  "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for r in c["runs"]:
            parts = " | ".join("n/a" if r.get(k) is None else f"{r[k]:.2f}" for k in ("catalog_seconds", "commit_seconds"))
            every = ", ".join(f"{x:.2f}" for x in r.get("all_seconds", [r["seconds"]]))
            med = f"{r['median_ratio']:.2f}" if r.get("median_ratio") else "n/a"
            lines.append(f"| {r['workers']} | {r['seconds']:.2f} | {every} | {r['rows_per_s']:,.0f} | {r['ratio_to_binary_copy']:.2f} | "
                         f"{med} | {r['cpu_s_per_million_rows']:.2f} | {r['peak_rss_bytes'] / 2**20:.0f} | {parts} |")
        lines += ["", "The reference and each worker count run in turn, repeatedly; the ratio compares the best runs "
                  "(the median ratio, the medians). Seconds include the catalog capture (once per copy, whatever the "
                  "size) and the table's commit (Parquet files and manifests); the rest is reading, decoding and "
                  "appending rows. CPU and RSS are the best run's."]
    for name, key, title in (("ingest", "insert", "Streaming ingest"), ("updates", "update", "Random updates"),
                             ("updates", "delete", "Random deletes")):
        r = (res.get(name) or {}).get(key)
        if r:
            lines += ["", f"## {title} ({r['rows']:,} rows, 1,000 per transaction, {r['wal_bytes'] / 2**20:.0f} MB of WAL)", "",
                      "| consumer | seconds | rows/s |", "| --- | ---: | ---: |",
                      f"| pg_recvlogical | {r['pg_recvlogical_seconds']:.2f} | {r['pg_recvlogical_rows_per_s']:,.0f} |"]
            if r.get("pg_recvlogical_binary_seconds"):
                lines.append(f"| pg_recvlogical, the mirror's options (binary, protocol 3, streaming) | "
                             f"{r['pg_recvlogical_binary_seconds']:.2f} | {r['pg_recvlogical_binary_rows_per_s']:,.0f} |")
            lines += [f"| arctic-mirror | {r['mirror_seconds']:.2f} | {r['mirror_rows_per_s']:,.0f} |", "",
                      f"Ratio {r['ratio']:.2f}; mirror CPU {r['mirror_cpu_seconds']:.1f} s, peak RSS "
                      f"{r['mirror_peak_rss_bytes'] / 2**20:.0f} MB."]
            if r.get("walsender_busy") is not None:
                lines[-1] += (f" Against the walsender with the mirror's options alone, the mirror took "
                              f"{1 / r['ratio_binary']:.2f}x its time; the walsender feeding the mirror used "
                              f"{r['walsender_cpu_seconds']:.1f} CPU-s, busy {r['walsender_busy']:.0%} of the mirror's time.")
    f = res.get("freshness")
    if f:
        lines += ["", f"## Freshness under pgbench (scale {f['scale']}, {f['clients']} clients, {f['seconds_per_rate']} s per rate)", "",
                  "Milliseconds from COMMIT to visible through the proxy.", "",
                  "| rate | tps | reading | p50 | p95 | p99 | samples |", "| --- | ---: | --- | ---: | ---: | ---: | ---: |"]
        for r in f["runs"]:
            for src in ("histogram", "probe", "postgres_probe"):
                d = r[src]
                ms = [None if d[q] is None else d[q] * 1000 for q in ("p50", "p95", "p99")]
                lines.append(f"| {r['rate']} | {fnum(r['tps'])} | {src.replace('_', ' ')} | {fnum(ms[0])} | {fnum(ms[1])} | "
                             f"{fnum(ms[2])} | {fnum(d.get('n', d.get('count')))} |")
        lines += ["", "![freshness](../bench/results/freshness.png)"]
    q = res.get("queries")
    if q:
        rounds = f"best of {q['rounds']} rounds of {q['repeat']} or more runs" if q.get("rounds") else f"best of {q['repeat']}"
        lines += ["", f"## Queries ({q['rows']:,} lineitem rows, {rounds})", "",
                  "| query | PostgreSQL s | proxy s | embedded DuckDB s | PostgreSQL / proxy | proxy / DuckDB | median of rounds |",
                  "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for r in q["queries"]:
            lines.append(f"| {r['query']} | {fnum(r['postgres_seconds'])} | {fnum(r['proxy_seconds'])} | "
                         f"{fnum(r['duckdb_seconds'])} | {fnum(r['speedup_vs_postgres'])} | {fnum(r['proxy_over_duckdb'])} | "
                         f"{fnum(r.get('proxy_over_duckdb_median'))} |"
                         + (f" proxy: {r['proxy_error']}" if r.get("proxy_error") else ""))
    fe = res.get("fetch")
    if fe:
        lines += ["", f"## A {fe['rows']:,}-row result fetched by psql", "",
                  f"PostgreSQL {fe['postgres_seconds']:.2f} s, proxy {fe['proxy_seconds']:.2f} s: "
                  f"the proxy takes {fe['proxy_over_postgres']:.2f}x PostgreSQL's time."]
    c, off = res.get("compaction"), res.get("compaction_off")
    if c:
        lines += ["", f"## A trickle of {c['commits']:,} single-row updates {c['spacing_ms']:.0f} ms apart on {c['rows']:,} rows", "",
                  "| compaction | live files before | at the peak | after | aggregate ms before | after | ratio |",
                  "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for r in (c, off):
            if r:
                lines.append(f"| {'on' if r.get('compaction') else 'off'} | {r['live_files_before']} | {r['live_files_peak']} | "
                             f"{r['live_files_after']} | {r['aggregate_ms_before']} | {r['aggregate_ms_after']} | "
                             f"{r['aggregate_ratio']:.2f} |")
        if c.get("bulk_rows"):
            lines += ["", f"Compaction throughput: {c['bulk_rows']:,} rows ({c['bulk_bytes'] / 1e6:.1f} MB) merged in "
                      f"{c['bulk_run_ms']} ms of run time, one DuckDB thread."]
        if c.get("range_unsorted_ms") is not None:
            lines += ["", "Range pruning: 1,000,000 rows inserted in 40 commits that each span the key range, merged by "
                      f"compaction. A 1,000-key range sum through the proxy takes {c['range_ms']} ms on a table with a "
                      f"primary key ({c['range_sorted_rows']:,} rows written sorted by it) and {c['range_unsorted_ms']} ms "
                      f"on the same rows without one (merged in input order): ratio {c['range_ratio']:.3f}."]
    b = res.get("bigtxn")
    if b:
        lines += ["", f"## One {b['rows']:,}-row transaction, `mirror.max_memory` {b['max_memory']}", "",
                  "The writer process's RSS: baseline idle before the transaction (the fixed overhead), peak (VmHWM) "
                  "until it is applied; the transaction's own memory is peak - baseline - what the identity index grew "
                  "by (the table's, 21 bytes a row however the rows came), held against `max_memory`. Compaction is "
                  "off while it runs (it has `max_memory` of its own on top).", "",
                  "| transaction | seconds | baseline MB | peak MB | peak - baseline MB | index grew MB | transaction MB "
                  "| anonymous after MB | mapped files after MB |",
                  "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for r in b["runs"]:
            lines.append(f"| {r['what']} | {r['seconds']} | {r['baseline_mb']} | {r['peak_mb']} | {r['over_baseline_mb']} | "
                         f"{r.get('index_growth_mb', '')} | {r.get('transaction_mb', '')} | "
                         f"{r['anon_after_mb']} | {r['files_after_mb']} |")
        if b.get("index_rows"):
            lines += ["", f"Identity index after: {b['index_rows']:,} rows, {b['index_bytes'] / 2**20:.1f} MB "
                      f"({b['index_bytes'] / b['index_rows']:.1f} bytes per row), part of every figure after the INSERT."]
    rr = res.get("restart")
    if rr:
        lines += ["", "## Restart after SIGKILL", "",
                  "Seconds from the restart to a row committed while the mirror was down being visible through the proxy; "
                  "the reference is the same restart with the index checkpoints removed (a rebuild from the lake).", "",
                  "| rows | visible s | index | index ms | bytes / row | without checkpoint s | x faster |",
                  "| ---: | ---: | --- | ---: | ---: | ---: | ---: |"]
        for r in rr["sizes"]:
            lines.append(f"| {r['rows']:,} | {r['visible_after_restart_s']} | {r['index_loaded']} | {fnum(r['index_load_ms'])} | "
                         f"{fnum(r['index_bytes_per_row'])} | {r['rebuild_visible_s']} | {fnum(r['speedup_vs_rebuild'])} |")
    mx = res.get("mixed")
    if mx:
        lines += ["", f"## A mixed load with TOASTed values ({mx['clients']} clients unthrottled for {mx['seconds']} s, "
                  f"{mx['rows']:,}-row table)", "",
                  f"{fnum(mx['tps'])} transactions/s of ten statements, {fnum(mx['wal_mb_per_s'])} MB of WAL a second; "
                  f"a row committed at the end visible {fnum(mx['sentinel_visible_after_end_s'])} s later, the table "
                  f"equal to PostgreSQL's {fnum(mx['equal_after_end_s'])} s after the end; freshness p50 "
                  f"{fnum(mx['freshness_p50_s'])} s, p99 {fnum(mx['freshness_p99_s'])} s during the load."]
    lines += ["", "![ratios](../bench/results/ratios.png)", ""]
    with open(DOC, "w") as fh:
        fh.write("\n".join(lines))
    print(f"report: {os.path.relpath(DOC, bl.ROOT)}")


def main():
    res = {n: load(n) for n in ("copy", "ingest", "updates", "freshness", "queries", "fetch", "compaction",
                                "compaction_off", "bigtxn", "restart", "mixed")}
    rs = ratios(res)
    if res["freshness"]:
        chart_freshness(res["freshness"])
    if rs:
        chart_ratios(rs, bl.commit())
    doc(res, rs)


if __name__ == "__main__":
    main()
