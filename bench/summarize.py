#!/usr/bin/env python3
"""Write summary.md for one bench run: python3 bench/summarize.py RUN_DIR > RUN_DIR/summary.md

Reads, in RUN_DIR:
  raw.csv           tool,case,round,metric,value   (pgdecl figures; the seed's rows appended
                                                    with tool=seed, case=seed, metric=step)
  pgdecl-time.csv   one line per pgdecl invocation (/usr/bin/time: elapsed, peak RSS, CPU)
  machine.txt       key=value machine facts
  command.txt       the command line and settings of the run
  notes.txt         observations written by the case scripts
  big_data.csv      (optional) what bench/big_data.sh wrote
"""
import csv
import os
import statistics
import sys
from collections import defaultdict

run_dir = sys.argv[1]
P = lambda name: os.path.join(run_dir, name)

# ---------------------------------------------------------------- inputs
raw = defaultdict(lambda: defaultdict(dict))  # (tool, case) -> metric -> round -> [values]
with open(P("raw.csv")) as f:
    for row in csv.DictReader(f):
        try:
            value = float(row["value"])
        except ValueError:
            continue
        raw[(row["tool"], row["case"])][row["metric"]].setdefault(int(row["round"]), []).append(value)


def series(tool, case, metric):
    """{round: [values]} for one metric."""
    return raw.get((tool, case), {}).get(metric, {})


def per_round(tool, case, metric):
    """{round: median of that round's values}."""
    return {r: statistics.median(v) for r, v in series(tool, case, metric).items()}


def flat(tool, case, metric):
    return [x for r in sorted(series(tool, case, metric)) for x in series(tool, case, metric)[r]]


def kv(name):
    out = {}
    if os.path.exists(P(name)):
        for line in open(P(name)):
            if "=" in line:
                k, v = line.rstrip("\n").split("=", 1)
                out[k] = v
    return out


machine, command = kv("machine.txt"), kv("command.txt")
notes = [l.rstrip("\n") for l in open(P("notes.txt"))] if os.path.exists(P("notes.txt")) else []
times = list(csv.DictReader(open(P("pgdecl-time.csv")))) if os.path.exists(P("pgdecl-time.csv")) else []


def fmt(x, unit="s"):
    if x is None:
        return "n/a"
    if unit == "ms":
        return f"{x * 1000:.1f}"
    if unit == "x":
        return f"{x:.3f}"
    return f"{x:.3f}"


def mmm(values):
    return (min(values), statistics.median(values), max(values)) if values else (None, None, None)


out = []
w = out.append
targets = []  # (target, measured, met)


def met(ok):
    """True/False, or None: met where measured, but part of it could not be measured."""
    if ok is None:
        return "**met where measured; incomplete**"
    return "**met**" if ok else "**not met**"


# ---------------------------------------------------------------- header
w(f"# pgdecl vs the seed's docker-compose setup — {machine.get('date_utc', '?')}")
w("")
w("## Machine")
w("")
for key, label in [("nproc", "CPUs (nproc)"), ("cpu", "CPU"), ("mem_total", "RAM"), ("kernel", "kernel"),
                   ("docker", "Docker engine"), ("compose", "docker-compose"), ("psql", "psql (host)"),
                   ("server", "PostgreSQL in containers"), ("pgdecl", "pgdecl binary"),
                   ("git", "pgdecl source (git)")]:
    if key in machine:
        w(f"- {label}: {machine[key]}")
w("")
w("## Command")
w("")
w("```")
w(command.get("command", "?"))
w("```")
w("")
for k in ("rounds", "growth", "big", "seed", "started", "finished"):
    if k in command:
        w(f"- {k}: {command[k]}")
w("")
w("Every round of each side starts from a clean slate (pgdecl: `destroy --purge-volumes`, then "
  "every Docker object labelled with the cluster removed, and a fresh spec folder, so no state "
  "or secrets; the seed: its own clean slate, compose images included). Each side starts after "
  "a pause (`sync`, then `SETTLE_S`, 30 s) so that what ran before it (the build, the other side's "
  "teardown) has finished writing. The seed's harness runs "
  "all its rounds first, then pgdecl's rounds run: the two sides are not interleaved. "
  "Ratios are pgdecl round i / seed round i; below 1 means pgdecl is faster. "
  "min/median/max of the ratio column are over the per-round ratios.")
w("")

seed_ok = bool(raw.get(("seed", "seed")))
if not seed_ok:
    w("**The seed was not run (SEED=0) or its results were not found: seed columns are n/a.**")
    w("")


def ratio_table(title, pg_case, pg_metric, seed_step, pg_label, seed_label, unit="s", seed_case="seed"):
    """Per-round table: pgdecl | seed | ratio, then min/median/max. Returns the ratio list."""
    pg = per_round("pgdecl", pg_case, pg_metric)
    sd = per_round("seed", seed_case, seed_step)
    rounds = sorted(set(pg) | set(sd))
    ratios = {r: pg[r] / sd[r] for r in rounds if r in pg and r in sd and sd[r] > 0}
    u = "ms" if unit == "ms" else "s"
    w(f"| round | {pg_label} ({u}) | {seed_label} ({u}) | ratio pgdecl/seed |")
    w("|---|---|---|---|")
    for r in rounds:
        w(f"| {r} | {fmt(pg.get(r), unit)} | {fmt(sd.get(r), unit)} | {fmt(ratios.get(r), 'x')} |")
    pg_all = flat("pgdecl", pg_case, pg_metric)
    sd_all = flat("seed", seed_case, seed_step)
    for i, name in enumerate(("min", "median", "max")):
        w(f"| **{name}** | {fmt(mmm(pg_all)[i], unit)} | {fmt(mmm(sd_all)[i], unit)} | "
          f"{fmt(mmm(list(ratios.values()))[i], 'x')} |")
    w("")
    return list(ratios.values())


def ratio_target(name, ratios, limit):
    """A target on the median of per-round ratios, with how many rounds were within it."""
    if not ratios:
        targets.append((name, "no data", False))
        return
    m = statistics.median(ratios)
    k = sum(1 for x in ratios if x <= limit)
    targets.append((name, f"median ratio {m:.3f} ({k}/{len(ratios)} rounds ≤ {limit})", m <= limit))


# ---------------------------------------------------------------- case 1
w("## 1. Cold apply: nothing → every replica streaming and a row written on the master read on each replica")
w("")
w("pgdecl: from the start of `pgdecl apply --auto-approve` (a fresh spec, nothing in Docker) to the "
  "moment the last replica reads a row inserted on the master right after apply returned "
  "(replicas polled with psql every 20 ms). The harness's port and password lookup between the two "
  "is not counted (the seed's harness has fixed ports and passwords). "
  "Seed: step d, `up -d --build` start → row read on its replica (polled every 0.1 s), which "
  "includes building its two images from the stand-in (about 2.5 s in the reference run); "
  "pgdecl uses `postgres:15` as it is. **The seed has only 1+1**: the 1+3 figures are compared "
  "with the same seed 1+1 step d, and like for like with the seed given two more copies of its "
  "replica service (`bench/seed_cold13.sh`, the way its harness adds replica2), timed the same way "
  "to the row read on all three replicas.")
w("")
for count in (1, 3):
    case = f"cold1+{count}"
    w(f"### 1+{count} (master + {count} replica{'s' if count > 1 else ''})")
    w("")
    ratios = ratio_table(case, case, "row_on_all_s", "d_row_on_replica",
                         f"pgdecl 1+{count} row on every replica", "seed 1+1 d")
    parts = []
    for metric, label in (("apply_s", "apply returned"), ("insert_to_all_s", "insert → read on every replica"),
                          ("lookup_s", "harness lookup (not counted)")):
        v = flat("pgdecl", case, metric)
        if v:
            parts.append(f"{label} {statistics.median(v):.3f} s")
    if parts:
        w("pgdecl medians: " + "; ".join(parts) + ".")
        w("")
    ratio_target(f"cold apply 1+{count} ≤ 0.5× seed (1+1 d)", ratios, 0.5)
    if count == 3 and raw.get(("seed", "seed13")):
        w("Like for like: the seed with three replicas (rounds where all three came up).")
        w("")
        ratios = ratio_table(case, case, "row_on_all_s", "d_row_on_all_replicas",
                             "pgdecl 1+3 row on every replica", "seed 1+3 d", seed_case="seed13")
        failed = [v for v in flat("seed", "seed13", "x_failed") if v]
        if failed:
            w(f"The seed's 1+3 did not converge in {len(failed)} of {len(flat('seed', 'seed13', 'x_failed'))} "
              "rounds (each round's reason, in pg_basebackup's words, is under Notes). Its replica "
              "entrypoint copies with no slot and no check that the copy worked, then starts whatever is "
              "in the volume: a copy that lost its WAL to another copy's checkpoint, or that was cut off "
              "by the master's entrypoint restarting its server, leaves a replica that never streams. "
              "pgdecl reserves each replica's slot before its copy and starts a replica only on a whole "
              "copy.")
            w("")
        ratio_target("cold apply 1+3 ≤ 0.5× seed with three replicas", ratios, 0.5)

# ---------------------------------------------------------------- case 2
w("## 2. Nothing to do: `pgdecl plan` on a converged 1+3 cluster vs the seed's no-op `up -d`")
w("")
w("pgdecl: `pgdecl plan --detailed-exitcode` 3 times a round on the converged 1+3 cluster "
  "(exit 0 = no changes), wall time of the process. Seed: step e, a second `docker-compose up -d` "
  "with nothing changed (its 1+1). Per round, pgdecl's value is the median of that round's 3 plans; "
  "the min/median/max row is over all of them. Floor: one shell pass of the bare calls a refresh "
  "needs — `curl --unix-socket` GET /version and the three label-filtered lists (containers, "
  "networks, volumes), then `psql -c 'select 1'` on each of the 4 nodes, one after another — timed "
  "together (it pays 8 process starts, which pgdecl does not).")
w("")
noop = "noop1+3"
ratios = ratio_table(noop, noop, "plan_s", "e_noop_up", "pgdecl plan", "seed e no-op up -d", unit="ms")
fl = flat("pgdecl", noop, "floor_s")
pl = flat("pgdecl", noop, "plan_s")
if fl:
    lo, md, hi = mmm(fl)
    w(f"Floor (shell loop, {len(fl)} passes): min {lo * 1000:.1f} ms, median {md * 1000:.1f} ms, max {hi * 1000:.1f} ms.")
    if pl:
        w(f"pgdecl plan median / floor median: {statistics.median(pl) / md:.2f}.")
    w("")
sd_e = flat("seed", "seed", "e_noop_up")
if pl:
    pm = statistics.median(pl)
    targets.append(("no-op plan on 1+3 ≤ 30 ms", f"median {pm * 1000:.1f} ms (max {max(pl) * 1000:.1f} ms)",
                    pm <= 0.030))
    if sd_e:
        speedup = statistics.median(sd_e) / pm
        targets.append(("no-op plan ≥ 20× faster than compose's no-op `up -d`",
                        f"{speedup:.1f}× (seed e median {statistics.median(sd_e) * 1000:.0f} ms)", speedup >= 20))
    else:
        targets.append(("no-op plan ≥ 20× faster than compose's no-op `up -d`", "no seed data", False))
else:
    targets.append(("no-op plan on 1+3 ≤ 30 ms", "no data", False))

# ---------------------------------------------------------------- case 3
w("## 3. Growth: no-op `pgdecl --log-level debug plan` with N replicas")
w("")
w("For each N: one apply from a clean slate, then 5 no-op plans; the counts come from pgdecl's "
  "stderr line `debug: refresh: <R> resources in <ms> ms, <D> Docker API requests, <C> PostgreSQL "
  "connections, <S> SQL round trips`. The seed has no equivalent (its replica count is fixed; "
  "`--scale` fails on the fixed host port).")
w("")
growth = sorted({int(c.split("-", 1)[1]) for (t, c) in raw if t == "pgdecl" and c.startswith("growth-")})


def rng(values, digits=0):
    if not values:
        return "n/a"
    lo, hi = min(values), max(values)
    f = f"{{:.{digits}f}}"
    return f.format(lo) if lo == hi else f"{f.format(lo)}–{f.format(hi)}"


gm = {}
failed = [n for n in growth if flat("pgdecl", f"growth-{n}", "apply_failed")]
measured = [n for n in growth if n not in failed]
if growth:
    w("| replicas N | plan median (ms) | min–max (ms) | refresh median (ms) | resources | Docker API requests | "
      "PG connections | SQL round trips | plan median per node (ms) | apply (s) |")
    w("|---|---|---|---|---|---|---|---|---|---|")
    for n in growth:
        c = f"growth-{n}"
        if n in failed:
            w(f"| {n} | apply failed: not measured (see Notes) | | | | | | | | |")
            continue
        p = flat("pgdecl", c, "plan_s")
        rf = flat("pgdecl", c, "refresh_ms")
        ap = flat("pgdecl", c, "apply_s")
        gm[n] = (statistics.median(p) if p else None, flat("pgdecl", c, "docker_requests"))
        per_node = f"{gm[n][0] * 1000 / (n + 1):.2f}" if gm[n][0] else "n/a"
        w(f"| {n} | {fmt(gm[n][0], 'ms')} | {rng([x * 1000 for x in p], 1)} | "
          f"{statistics.median(rf) if rf else float('nan'):.1f} | {rng(flat('pgdecl', c, 'resources'))} | "
          f"{rng(gm[n][1])} | {rng(flat('pgdecl', c, 'pg_connections'))} | "
          f"{rng(flat('pgdecl', c, 'sql_round_trips'))} | {per_node} | {fmt(ap[0] if ap else None)} |")
    w("")
    partial = f" — N={', '.join(map(str, failed))} not measured (apply failed)" if failed else ""
    checks, worst = [], []
    if measured:
        base = measured[0]
        for n in measured[1:]:
            if gm[n][0] and gm[base][0]:
                allowed = (n + 1) / (base + 1)
                got = gm[n][0] / gm[base][0]
                checks.append(got <= allowed)
                worst.append(f"N={n}: ×{got:.2f} (linear: ×{allowed:.2f})")
        w(f"Linear means: plan median with N replicas ≤ plan median with N={base} × (N+1)/({base}+1), "
          "i.e. proportional to the number of nodes (ratios are against N=" + str(base) + ").")
        w("")
    targets.append(("growth no worse than linear (no-op plan vs nodes)",
                    ("; ".join(worst) if worst else "needs ≥ 2 measured values of N") + partial,
                    (None if failed else True) if checks and all(checks) else False))
    dr = {n: sorted(set(gm[n][1])) for n in measured}
    same = bool(dr) and all(dr.values()) and len({tuple(v) for v in dr.values()}) == 1 and len(dr[measured[0]]) == 1
    targets.append(("Docker API requests per refresh independent of N",
                    ", ".join(f"N={n}: {rng(gm[n][1])}" for n in measured) + partial,
                    (None if failed else True) if same and len(measured) >= 2 else False))

# ---------------------------------------------------------------- case 4
w("## 4. Add one replica to a converged 1+3 cluster (count 3 → 4)")
w("")
w("pgdecl: `pgdecl apply` of the spec with `count: 4` (it returns once replica4 streams), then "
  "replica4 polled every 20 ms until it reads the row written in case 1. Seed: step f, "
  "`up -d --build` with docker-compose.replica2.yml until both replicas stream and the row is on "
  "replica2 (its base backup waits for a spread checkpoint: the seed has no `--checkpoint=fast`).")
w("")
ratios = ratio_table("add", "add1+3", "row_on_new_s", "f_scale_row_on_replica2", "pgdecl add replica4",
                     "seed f add replica2")
ap = flat("pgdecl", "add1+3", "apply_s")
if ap:
    w(f"pgdecl apply returned (median): {statistics.median(ap):.3f} s.")
    w("")
ratio_target("add replica ≤ 0.25× seed (f)", ratios, 0.25)

# ---------------------------------------------------------------- case 5
w("## 5. pgdecl's own cost: peak RSS and CPU per invocation")
w("")
w("Every pgdecl invocation ran under `/usr/bin/time -f '%e %M %U %S'`. CPU = user + sys of the "
  "pgdecl process (its children: none; the servers' work is in the containers, not counted). "
  "RSS in MiB (KB from time / 1024). time reports CPU in 10 ms steps, so 0.01 s means at most about 10 ms.")
w("")
w("| case | command | n | wall median (s) | CPU median (s) | CPU max (s) | peak RSS median (MiB) | peak RSS max (MiB) | non-zero exits |")
w("|---|---|---|---|---|---|---|---|---|")
groups = defaultdict(list)
order = []
for t in times:
    key = (t["case"], t["command"])
    if key not in groups:
        order.append(key)
    groups[key].append(t)


def case_order(key):
    case, cmd = key
    rank = {"cold1+1": 0, "cold1+3": 1, "noop1+3": 2, "add1+3": 3, "teardown": 4}
    if case.startswith("growth-"):
        return (5, int(case.split("-")[1]), cmd)
    return (rank.get(case, 9), 0, cmd)


all_rss = []
for key in sorted(order, key=case_order):
    rows = groups[key]
    wall = [float(r["wall_s"]) for r in rows]
    cpu = [float(r["user_s"]) + float(r["sys_s"]) for r in rows]
    rss = [int(r["maxrss_kb"]) / 1024 for r in rows]
    all_rss += rss
    bad = sum(1 for r in rows if r["exit"] not in ("0",) and not (r["command"] == "plan" and r["exit"] == "2"))
    w(f"| {key[0]} | {key[1]} | {len(rows)} | {statistics.median(wall):.3f} | {statistics.median(cpu):.2f} | "
      f"{max(cpu):.2f} | {statistics.median(rss):.1f} | {max(rss):.1f} | {bad} |")
w("")
if all_rss:
    targets.append(("pgdecl peak RSS ≤ 30 MiB (every invocation)", f"max {max(all_rss):.1f} MiB", max(all_rss) <= 30))

# ---------------------------------------------------------------- big data (optional)
if os.path.exists(P("big_data.csv")):
    w("## Big data cases (bench/big_data.sh)")
    w("")
    bd = defaultdict(list)
    bnotes = defaultdict(set)
    for row in csv.DictReader(open(P("big_data.csv"))):
        try:
            bd[row["case"]].append(float(row["seconds"]))
        except (KeyError, ValueError):
            continue
        if row.get("note"):
            bnotes[row["case"]].add(row["note"])
    w("| case | n | min (s) | median (s) | max (s) | notes |")
    w("|---|---|---|---|---|---|")
    for case, v in bd.items():
        lo, md, hi = mmm(v)
        w(f"| {case} | {len(v)} | {lo:.3f} | {md:.3f} | {hi:.3f} | {'; '.join(sorted(bnotes[case])[:2])}{' …' if len(bnotes[case]) > 2 else ''} |")
    w("")

# ---------------------------------------------------------------- targets + notes
w("## Targets")
w("")
w("| target | measured | |")
w("|---|---|---|")
for name, measured, ok in targets:
    w(f"| {name} | {measured} | {met(ok)} |")
w("")
w("## Notes")
w("")
if notes:
    for n in notes:
        w(f"- {n}")
else:
    w("- none recorded by the harness (every no-op plan exited 0, every replica streamed after apply, "
      "no Docker object outlived a destroy).")
w("")
w("Files: `raw.csv` (every figure: tool,case,round,metric,value; the seed's rows have tool=seed and "
  "its step names), `pgdecl-time.csv` (one line per pgdecl invocation), `logs/` (each invocation's "
  "stdout/stderr), `seed/run-*/` (the seed harness's own output), `machine.txt`, `command.txt`.")
print("\n".join(out))
