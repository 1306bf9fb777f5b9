"""Whole-scenario analysis at scale: the engine against a hand-written Python baseline.

    python benchmarks/run.py [--quick] [--json] [--rules core|all] [--reps N] [--procs N]

For each size (1e3, 1e4, 1e5 transactions; `--quick` stops at 1e4) fresh worker processes
(three per side, the sides taking turns) each generate the same synthetic scenario
(benchmarks/generate.py) and then time, from that in-memory Scenario object:

- engine: `Solver(scenario, provenance=False, only=...)` (facts build + ground) and one
  `statuses` solve, which gives the compared conclusions — `acts_for/2`,
  `designated_on_day/2`, `must_retain/2`, `must_report/2` — as the engine gives answers
  (each atom that holds, with yes or depends);
- baseline: `benchmarks.baseline.evaluate(scenario)`, which gives its four sets of id pairs.

`engine_s` and `baseline_s` (and `ratio`) time that analysis. Each side's answers are then
read back into the common form the comparison needs, the four answer sets of
benchmarks/baseline.py (exposure is `designated_on_day(O, T)` for an organization O the
recipient of T acts for), and that is timed apart: `engine_readback_s` renders the
engine's answer Symbols as id strings; the baseline's answers already are, so its read-back
is a dict. `ratio_with_readback` counts both parts.

The two must agree on every answer before a figure counts (the run stops loudly if not).
Peak memory is the highest worker `ru_maxrss` (the whole process: Python, the Scenario,
clingo). Times are medians, over every run in every worker of a side, of process CPU
seconds (clingo and the baseline are single-threaded, so on an idle machine this is the
wall time; on a shared one it is far steadier); `--wall` reports wall-clock medians
instead, and the other is always kept in the row. Why several workers: one process's
timings are steady, but they move from one process to the next (its hash seed, its memory
layout) by as much as a fifth, for the baseline as for the engine.

`--rules core` (the default) points FTO_RULES at a temporary folder holding copies of only
the rule files the core rules need (inputs, record, demand, names, parties, periods, designation, lifecycle,
material_support, financial); the files are unchanged, so the same rules run, minus the
immigration, civil and limits books that no compared answer depends on. `--rules all`
uses the whole rule book. Cold `fto ask` is timed on examples/sinaloa.yaml with the whole
rule book, as a user would run it (median of several fresh processes).

The last line with `--json` is
`{"sizes": [{"transactions": N, "engine_s": ..., "baseline_s": ..., "ratio": ..., "peak_mb": ...}, ...], "cold_ask_s": ...}`
(sizes carry a few extra keys: the read-back times and the ratio with them, wall seconds,
baseline peak, the counts compared).
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CORE_FILES = ("inputs.lp", "record.lp", "demand.lp", "names.lp", "parties.lp", "relations.lp", "periods.lp", "designation.lp",
              "lifecycle.lp", "material_support.lp", "financial.lp")
COMPARED = (("acts_for", 2), ("designated_on_day", 2), ("must_retain", 2), ("must_report", 2))
ATOM = re.compile(r"([a-z_]+)\(([a-z0-9_]+),([a-z0-9_]+(?:\([0-9]+\))?)\)")


def engine_analysis(scenario: Any) -> Mapping[Any, str]:
    """The engine's whole-scenario analysis: build facts, ground, solve; its answers as it gives them
    (Solver.statuses: each compared atom that holds, with yes or depends)."""
    from engine.solve import Solver

    return Solver(scenario, provenance=False, only=COMPARED).statuses(COMPARED)


def engine_readback(statuses: Mapping[Any, str]) -> dict[str, set[tuple[str, str]]]:
    """The engine's answers in the baseline's form, for the comparison."""
    from engine.solve import collector_paused

    with collector_paused():  # as the engine does for its own bulk work (engine.solve.collector_paused)
        return _pairs(statuses)


def engine_answers(scenario: Any) -> dict[str, set[tuple[str, str]]]:
    return engine_readback(engine_analysis(scenario))


def _pairs(statuses: Mapping[Any, str]) -> dict[str, set[tuple[str, str]]]:
    """The engine's yes atoms as the baseline's four sets of id pairs."""
    import clingo

    undecided = [str(atom) for atom, status in statuses.items() if status == "depends"]
    if undecided:
        raise SystemExit(f"engine leaves compared answers open (the baseline cannot agree): {undecided[:5]}")
    # The baseline's answers are pairs of strings: clingo renders all the true atoms as one tuple
    # in one call (a call per atom costs more than the baseline's whole run), and the pairs are
    # read back from that text; ids are plain words, an unnamed holding is holding(N).
    yes = [atom for atom, status in statuses.items() if status == "yes"]
    out: dict[str, set[tuple[str, str]]] = {name: set() for name, _ in COMPARED}
    for name, a, b in ATOM.findall(str(clingo.Function("", yes))):
        out[name].add((a, b))
    if sum(map(len, out.values())) != len(yes):
        raise SystemExit("could not read the engine's answers back as pairs of ids")
    # designated_on_day(O, T) already requires T's recipient to act for O (rules/material_support.lp).
    exposure = {(t, o) for o, t in out.pop("designated_on_day")}
    return {"acts_for": out["acts_for"], "exposure": exposure, "must_retain": out["must_retain"],
            "must_report": out["must_report"]}


def baseline_analysis(scenario: Any) -> Any:
    from benchmarks.baseline import evaluate

    return evaluate(scenario)


def baseline_readback(answers: Any) -> dict[str, set[tuple[str, str]]]:
    return answers.as_dict()


def worker(side: str, n: int, reps: int, out_path: str) -> None:
    """Run one side `reps` times on a fresh scenario; write timings, peak memory and answers.

    Each run is timed in two parts: the analysis (the side's answers, in its own form) and
    the read-back of those answers into the common form the comparison needs.
    """
    from benchmarks.generate import generate

    scenario = generate(n)
    if side == "engine":
        from engine import rules

        rules.library()  # the rule book is parsed once per process (and cached on disk): not scenario work
        analyse, read_back = engine_analysis, engine_readback
    else:
        analyse, read_back = baseline_analysis, baseline_readback
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    times: dict[str, list[float]] = {"wall": [], "cpu": [], "readback_wall": [], "readback_cpu": []}
    answers = None
    for _ in range(reps):
        w0, c0 = time.perf_counter(), time.process_time()
        result = analyse(scenario)
        w1, c1 = time.perf_counter(), time.process_time()
        answers = read_back(result)
        w2, c2 = time.perf_counter(), time.process_time()
        for key, value in (("wall", w1 - w0), ("cpu", c1 - c0), ("readback_wall", w2 - w1), ("readback_cpu", c2 - c1)):
            times[key].append(value)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with open(out_path, "wb") as f:
        pickle.dump({**times, "peak_mb": peak, "scenario_mb": rss_before, "answers": answers}, f)


def run_side(side: str, n: int, reps: int, env: dict[str, str]) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile(suffix=".pkl", delete=False) as tmp:
        path = tmp.name
    try:
        subprocess.run([sys.executable, str(Path(__file__).resolve()), "--worker", side, str(n), str(reps), path],
                       check=True, env=env, cwd=str(ROOT))
        with open(path, "rb") as f:
            return pickle.load(f)
    finally:
        os.unlink(path)


def pooled(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """One side's worker runs as one: every run's times together, the highest peak, and the
    answers, which must be the same in every run."""
    first = runs[0]
    if any(run["answers"] != first["answers"] for run in runs[1:]):
        raise SystemExit("one side gave different answers in two runs on the same scenario")
    out: dict[str, Any] = {key: [t for run in runs for t in run[key]]
                           for key in ("wall", "cpu", "readback_wall", "readback_cpu")}
    out.update(peak_mb=max(run["peak_mb"] for run in runs), scenario_mb=max(run["scenario_mb"] for run in runs),
               answers=first["answers"])
    return out


def compare(n: int, eng: dict[str, set[Any]], base: dict[str, set[Any]]) -> dict[str, int]:
    counts = {}
    for key in base:
        if eng[key] != base[key]:
            only_e = sorted(eng[key] - base[key])[:5]
            only_b = sorted(base[key] - eng[key])[:5]
            raise SystemExit(f"DISAGREEMENT at {n} transactions on {key}: engine only {only_e}, baseline only {only_b}")
        counts[key] = len(base[key])
    return counts


def cold_ask(runs: int = 11) -> dict[str, float]:
    """Median wall and CPU seconds of a fresh `fto ask`, and the CPU seconds of the same
    interpreter starting and doing nothing (what no change to the engine can remove)."""
    # The interpreter itself runs the checkout's engine, as the installed `fto` script would (it
    # imports engine.cli and calls main). Not `fto` from PATH: that may be an older install, or a
    # version manager's shim (pyenv's costs about 50 ms of shell before Python starts).
    ask = [sys.executable, "-m", "engine.cli", "ask", "examples/sinaloa.yaml", "designated(sinaloa)"]
    bare = [sys.executable, "-c", "pass"]
    # As a user runs it: the whole rule book, and Python's default of caching compiled modules
    # (pip compiles them at install; this sandbox sets PYTHONDONTWRITEBYTECODE, which would make
    # every run recompile the engine from source).
    env = {k: v for k, v in os.environ.items() if k not in ("FTO_RULES", "PYTHONDONTWRITEBYTECODE")}
    subprocess.run(ask, check=True, cwd=str(ROOT), env=env, stdout=subprocess.DEVNULL)  # warm both caches
    times: dict[str, list[float]] = {"wall": [], "cpu": [], "bare_cpu": []}
    for _ in range(runs):  # in turns, so that both meet the same load
        for cmd, wall_key, cpu_key in ((ask, "wall", "cpu"), (bare, None, "bare_cpu")):
            c0 = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.perf_counter()
            subprocess.run(cmd, check=True, cwd=str(ROOT), env=env, stdout=subprocess.DEVNULL)
            if wall_key:
                times[wall_key].append(time.perf_counter() - t0)
            c1 = resource.getrusage(resource.RUSAGE_CHILDREN)
            times[cpu_key].append((c1.ru_utime - c0.ru_utime) + (c1.ru_stime - c0.ru_stime))
    return {key: statistics.median(values) for key, values in times.items()}


def core_rules_dir() -> str:
    folder = tempfile.mkdtemp(prefix="fto-core-rules-")
    for name in CORE_FILES:
        shutil.copy(ROOT / "rules" / name, Path(folder) / name)
    return folder


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--worker"]:
        worker(argv[1], int(argv[2]), int(argv[3]), argv[4])
        return
    ap = argparse.ArgumentParser(description="engine vs hand-written baseline at scale")
    ap.add_argument("--quick", action="store_true", help="stop at 1e4 transactions")
    ap.add_argument("--json", action="store_true", help="print the JSON summary as the last line")
    ap.add_argument("--rules", choices=("core", "all"), default="core")
    ap.add_argument("--reps", type=int, default=0, help="timed repetitions per size (default: 5)")
    ap.add_argument("--procs", type=int, default=3,
                    help="fresh worker processes per side and size, taking turns (default: 3)")
    ap.add_argument("--sizes", type=str, default="", help="comma-separated sizes (overrides --quick)")
    ap.add_argument("--screen", metavar="SIZES", default="",
                    help="also run `fto screen` end to end on generated ledgers of these sizes (benchmarks/screen.py)")
    ap.add_argument("--wall", action="store_true",
                    help="report wall-clock medians (default: process CPU medians, which a busy machine disturbs less)")
    args = ap.parse_args(argv)

    sizes = [int(x) for x in args.sizes.split(",")] if args.sizes else [1_000, 10_000] + ([] if args.quick else [100_000])
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    core = None
    if args.rules == "core":
        core = core_rules_dir()
        env["FTO_RULES"] = core
    rows = []
    try:
        for n in sizes:
            reps = args.reps or 5
            runs: dict[str, list[dict[str, Any]]] = {"baseline": [], "engine": []}
            for _ in range(args.procs):  # the sides take turns, so a change in the machine's load meets both
                for side in runs:
                    runs[side].append(run_side(side, n, reps, env))
            base, eng = pooled(runs["baseline"]), pooled(runs["engine"])
            counts = compare(n, eng["answers"], base["answers"])
            clock = "wall" if args.wall else "cpu"
            e, b = statistics.median(eng[clock]), statistics.median(base[clock])
            e_rb, b_rb = statistics.median(eng["readback_" + clock]), statistics.median(base["readback_" + clock])
            row = {"transactions": n, "engine_s": round(e, 4), "baseline_s": round(b, 4), "ratio": round(e / b, 2),
                   "peak_mb": round(eng["peak_mb"], 1), "clock": clock,
                   "engine_readback_s": round(e_rb, 4), "baseline_readback_s": round(b_rb, 4),
                   "ratio_with_readback": round((e + e_rb) / (b + b_rb), 2),
                   "engine_wall_s": round(statistics.median(eng["wall"]), 4),
                   "baseline_wall_s": round(statistics.median(base["wall"]), 4),
                   "baseline_peak_mb": round(base["peak_mb"], 1), "scenario_mb": round(eng["scenario_mb"], 1),
                   "reps": reps, "processes": args.procs, "agree": counts}
            rows.append(row)
            print(f"{n:>8} tx  engine {e:8.3f}s (wall {row['engine_wall_s']:.3f})  baseline {b:7.3f}s "
                  f"(wall {row['baseline_wall_s']:.3f})  ratio {row['ratio']:6.2f}  "
                  f"(read-back {e_rb:.3f}s / {b_rb:.3f}s; with it {row['ratio_with_readback']:.2f})  "
                  f"peak {row['peak_mb']:7.1f} MB "
                  f"(scenario alone {row['scenario_mb']:.0f} MB; baseline {row['baseline_peak_mb']:.0f} MB)  "
                  f"agree on {sum(counts.values())} answers {counts}", flush=True)
    finally:
        if core:
            shutil.rmtree(core, ignore_errors=True)
    ask = cold_ask()
    ask_s = ask["wall"] if args.wall else ask["cpu"]
    print(f"cold fto ask examples/sinaloa.yaml: {ask_s:.3f}s (median of 11; wall {ask['wall']:.3f}s, "
          f"CPU {ask['cpu']:.3f}s; of which the interpreter starting with nothing to do: {ask['bare_cpu']:.3f}s)",
          flush=True)
    if len(rows) >= 2:
        first, last = rows[0], rows[-1]
        growth = (last["engine_s"] / first["engine_s"]) / (last["transactions"] / first["transactions"])
        print(f"engine time growth from {first['transactions']} to {last['transactions']}: "
              f"{growth:.2f}x linear", flush=True)
    screened = []
    if args.screen:
        from benchmarks.screen import main as screen_main

        screened = screen_main(["--sizes", args.screen])
    if args.json:
        print(json.dumps({"sizes": rows, "screen": screened, "cold_ask_s": round(ask_s, 4), "cold_ask_wall_s": round(ask["wall"], 4),
                          "interpreter_start_s": round(ask["bare_cpu"], 4), "rules": args.rules}))


if __name__ == "__main__":
    main()
