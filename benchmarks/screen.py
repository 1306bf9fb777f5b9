"""`fto screen` at scale: a generated ledger, end to end (read the tables, solve, write the results).

    python benchmarks/screen.py [--sizes 1000,10000] [--workers 2] [--json]

For each size the generator's scenario (benchmarks/generate.py: agent chains, several designations,
revocations, an Act of Congress, a re-designation, SDGT listings) is written as a base YAML (its
organizations and events, and the banks) and four CSV tables (parties, transactions, holdings,
knowledge). Then, each in a fresh process and timed from outside (wall) and inside (CPU):

- the screen, one process: `engine.screen.screen` reading the tables and writing results.csv;
- the same in one process per core (`--jobs`, the CLI's default; engine/processes.py);
- the screen on a local Dask cluster of one worker and of `--workers` (the speed-up from 1 to N
  workers; the base, parties and knowledge go to each worker once, the partitions carry their rows);
- the hand-written baseline (benchmarks/baseline.py) on the same tables: it reads them with the
  same reader, computes its answers and writes them as CSV.

The baseline computes only the core answers (whom a transaction reaches and whether the
organization was designated on its day, `designation_reaches`; `must_retain` and `must_report`
for holdings), so the engine, which computes every conclusion of the rule book about every row,
does much more work; the ratio is reported, with that said. Both must agree row for row on the
answers the baseline has before a figure counts. Peak memory is the screen process's ru_maxrss.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def write_ledger(n: int, folder: Path) -> dict[str, str]:
    """The generated scenario of `n` transactions as a base YAML and four CSV tables."""
    from benchmarks.generate import generate_dict, to_yaml

    data = generate_dict(n)
    banks = {k: v for k, v in data["actors"].items() if v.get("kind") == "financial_institution"}
    base = {k: data[k] for k in ("scenario", "as_of", "organizations", "events")}
    base["actors"] = banks
    (folder / "base.yaml").write_text(to_yaml(base), encoding="utf-8")
    party_cols = ["id", "kind", "country", "us_national", "agent_of", "in_united_states", "admitted"]
    _csv(folder / "parties.csv", party_cols,
         ({"id": k, **v} for k, v in data["actors"].items() if k not in banks))
    tx_cols = ["id", "on", "from", "to", "provides", "amount_usd", "place", "knowingly", "affects_commerce"]
    _csv(folder / "transactions.csv", tx_cols, ({"id": k, **v} for k, v in data["transactions"].items()))
    h_cols = ["id", "institution", "owner", "amount_usd", "since", "aware_on", "reported_on", "licensed"]
    _csv(folder / "holdings.csv", h_cols, data["holdings"])
    _csv(folder / "knowledge.csv", ["actor", "org", "knew"], data["knowledge"])
    return {"base": str(folder / "base.yaml"), **{k: str(folder / f"{k}.csv")
                                                  for k in ("parties", "transactions", "holdings", "knowledge")}}


def _csv(path: Path, cols: list[str], rows: Any) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(cols)
        for row in rows:
            w.writerow([_cell(row.get(c)) for c in cols])


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, list):
        return ";".join(v)
    if isinstance(v, float):
        return f"{v:.2f}"
    return str(v)


def side(which: str, files: dict[str, str], out: str, workers: int, jobs: int = 1) -> dict[str, Any]:
    """Run one side in this process (called in a fresh worker process); its timings and answers."""
    t0, c0 = time.perf_counter(), time.process_time()
    tables = {k: files[k] for k in ("parties", "transactions", "holdings", "knowledge")}
    if which == "engine":
        from engine import screen

        rows, found, _ = screen.screen(screen.Options(files["base"], tables, out=out, workers=workers, progress=False,
                                                      jobs=jobs))
        answers = {r.id: {k: v for k, v in r.answers.items() if k in COMPARED} for r in rows}
    else:
        answers = baseline_screen(files["base"], tables, out)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"wall": wall, "cpu": cpu, "peak_mb": peak, "answers": answers}


COMPARED = ("designation_reaches", "must_retain", "must_report")


def baseline_screen(base: str, tables: dict[str, str], out: str) -> dict[str, dict[str, str]]:
    """The hand-written screen: the same tables read the same way, benchmarks/baseline.py's answers, CSV out."""
    from benchmarks.baseline import evaluate
    from engine import ledger, screen

    # Its rows as models (compact=False): the screen keeps a million rows compactly for memory's
    # sake and makes each again when its partition is solved; a hand-written screen would not.
    led = ledger.load(__import__("engine.yamlsource", fromlist=["load_file"]).load_file(base), tables, compact=False)
    scenario = screen.partition_scenario(led, screen.Partition(0, led.transactions.rows, led.holdings.rows))  # type: ignore[union-attr]
    found = evaluate(scenario)
    exposed = {t for t, _ in found.exposure}
    retain = {h for _, h in found.must_retain}
    report = {h for _, h in found.must_report}
    answers = {t: {"designation_reaches": "yes" if t in exposed else "no"} for t in scenario.transactions}
    answers.update({h.id: {"must_retain": "yes" if h.id in retain else "no",
                           "must_report": "yes" if h.id in report else "no"} for h in scenario.holdings if h.id})
    with open(out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["id", *COMPARED])
        for ident, row in answers.items():
            w.writerow([ident, *(row.get(c, "") for c in COMPARED)])
    return answers


def run_side(which: str, files: dict[str, str], workers: int, jobs: int = 1) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        result, out = Path(tmp) / "side.json", str(Path(tmp) / "results.csv")
        env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
        subprocess.run([sys.executable, __file__, "--side", which, json.dumps(files), out, str(workers), str(result),
                        str(jobs)],
                       check=True, env=env, cwd=str(ROOT))
        return json.loads(result.read_text())


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--side"]:
        found = side(argv[1], json.loads(argv[2]), argv[3], int(argv[4]), int(argv[6]))
        Path(argv[5]).write_text(json.dumps(found))
        return []
    ap = argparse.ArgumentParser(description="fto screen end to end on generated ledgers")
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--workers", type=int, default=2, help="Dask workers for the speed-up (0: skip)")
    ap.add_argument("--runs", type=int, default=1, help="runs of each side per size (medians reported)")
    ap.add_argument("--jobs", type=int, default=0, help="processes for the --jobs run (0: one per core; 1: skip it)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    from engine.processes import cores

    jobs = args.jobs or cores()
    rows = []
    for n in (int(x) for x in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            files = write_ledger(n, Path(tmp))
            runs: dict[str, list[dict[str, Any]]] = {"baseline": [], "engine": [], "jobs": [], "dask1": [], "dask": []}
            for _ in range(args.runs):
                runs["baseline"].append(run_side("baseline", files, 0))
                runs["engine"].append(run_side("engine", files, 0))
                if jobs > 1:
                    runs["jobs"].append(run_side("engine", files, 0, jobs))
                if args.workers:
                    runs["dask1"].append(run_side("engine", files, 1))
                    runs["dask"].append(run_side("engine", files, args.workers))
        base, eng = runs["baseline"][0]["answers"], runs["engine"][0]["answers"]
        diff = [i for i in base if base[i] != eng.get(i)]
        if diff:
            raise SystemExit(f"DISAGREEMENT at {n}: {diff[:5]} engine {[eng.get(i) for i in diff[:5]]} "
                             f"baseline {[base[i] for i in diff[:5]]}")
        if any(r["answers"] != eng for r in runs["dask"] + runs["dask1"] + runs["jobs"]):
            raise SystemExit(f"the --jobs or Dask run's answers differ from the single process's at {n}")

        def med(which: str, key: str) -> float:
            return statistics.median(r[key] for r in runs[which]) if runs[which] else float("nan")

        row = {"transactions": n, "engine_wall_s": round(med("engine", "wall"), 3),
               "engine_cpu_s": round(med("engine", "cpu"), 3), "baseline_wall_s": round(med("baseline", "wall"), 3),
               "ratio_wall": round(med("engine", "wall") / med("baseline", "wall"), 2),
               "peak_mb": round(max(r["peak_mb"] for r in runs["engine"]), 1),
               "jobs": jobs, "jobs_wall_s": round(med("jobs", "wall"), 3),
               "ratio_jobs_wall": round(med("jobs", "wall") / med("baseline", "wall"), 2),
               "dask_workers": args.workers, "dask1_wall_s": round(med("dask1", "wall"), 3),
               "dask_wall_s": round(med("dask", "wall"), 3),
               "speedup": round(med("dask1", "wall") / med("dask", "wall"), 2) if runs["dask"] else None,
               "rows_compared": len(base)}
        rows.append(row)
        print(f"screen {n:>8} tx  engine {row['engine_wall_s']:7.2f}s wall ({row['engine_cpu_s']:.2f}s CPU)  "
              f"baseline {row['baseline_wall_s']:6.2f}s  ratio {row['ratio_wall']:5.2f}  peak {row['peak_mb']:7.1f} MB  "
              f"--jobs {jobs} {row['jobs_wall_s']:.2f}s wall (ratio {row['ratio_jobs_wall']:.2f})  "
              f"dask x1 {row['dask1_wall_s']:.2f}s, x{args.workers} {row['dask_wall_s']:.2f}s "
              f"(speed-up from 1 to {args.workers} workers {row['speedup']})  "
              f"agree on {len(base)} rows", flush=True)
    if len(rows) >= 2:
        first, last = rows[0], rows[-1]
        growth = (last["engine_wall_s"] / first["engine_wall_s"]) / (last["transactions"] / first["transactions"])
        print(f"screen time growth from {first['transactions']} to {last['transactions']}: {growth:.2f}x linear")
    if args.json:
        print(json.dumps({"screen": rows}))
    return rows


if __name__ == "__main__":
    main()
