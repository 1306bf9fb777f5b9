"""Open questions at scale: `material_support(A, T)` and others over 1e4 transactions, cold.

    python benchmarks/questions.py [--transactions N] [--procs N] [--json]

Each question is timed in fresh worker processes (three by default): the worker generates the
synthetic scenario (benchmarks/generate.py, untimed, as benchmarks/run.py does), then times a cold
`engine.questions.solver_for(scenario, [q])` (facts, grounding: the law the question turns on, with
the derivations explanations read only where the answer explains) and `engine.questions.ask` (the
listing: every binding that holds or depends, the depends ones with their deciding facts; a value
question whose other arguments are open too lists the values, each binding's computation asked by its
ground form). The last rows time the same value questions with every binding explained in full, as
`fto ask --explain` gives them (not under the target: 88 and 139 explanations). Figures are medians of process CPU seconds (the machine is shared; wall
seconds are kept beside them). Reading a YAML file of that size is not included: it is the
scenario loader's cost, the same for every question (benchmarks/cli.py times whole commands).

The issue's target (#18): under 2 s cold for an open question over 1e4 transactions.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

QUESTIONS = ["material_support(A, T)", "must_retain(I, H)", "must_report(I, H)", "designated(O)",
             "max_prison(A, T, P)", "report_due(I, H, D)"]
EXPLAINED = ["max_prison(A, T, P)", "report_due(I, H, D)"]  # timed again with --explain
REPO = Path(__file__).resolve().parent.parent


def worker(n: int, question: str, explain_all: bool) -> None:
    import time

    sys.path.insert(0, str(REPO))
    from benchmarks.generate import generate
    from engine.questions import ask, solver_for
    from engine.rules import library

    scenario = generate(n)
    library()  # the parsed rule book is cached on disk; load it before the clock starts, as a CLI run has
    cpu, wall = time.process_time(), time.perf_counter()
    found = ask(solver_for(scenario, [question], explain_all), question, explain_all)
    print(json.dumps({"cpu_s": time.process_time() - cpu, "wall_s": time.perf_counter() - wall,
                      "bindings": len(found.bindings),  # type: ignore[union-attr]
                      "depends": sum(b.answer == "depends" for b in found.bindings)}))  # type: ignore[union-attr]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transactions", type=int, default=10_000)
    parser.add_argument("--procs", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(int(args.worker[0]), args.worker[1], args.worker[2] == "explain")
        return
    rows = []
    for question, how in [*((q, "list") for q in QUESTIONS), *((q, "explain") for q in EXPLAINED)]:
        runs = [json.loads(subprocess.run([sys.executable, __file__, "--worker", str(args.transactions), question, how],
                                          check=True, capture_output=True, text=True, cwd=REPO).stdout)
                for _ in range(args.procs)]
        row = {"question": question, "explain": how == "explain", "transactions": args.transactions,
               "cpu_s": round(statistics.median(r["cpu_s"] for r in runs), 3),
               "wall_s": round(statistics.median(r["wall_s"] for r in runs), 3),
               "bindings": runs[0]["bindings"], "depends": runs[0]["depends"]}
        rows.append(row)
        if not args.json:
            label = question + (" --explain" if how == "explain" else "")
            print(f"{label:38s} {row['cpu_s']:6.2f} s CPU  {row['wall_s']:6.2f} s wall  "
                  f"{row['bindings']} bindings ({row['depends']} depends)", flush=True)
    if args.json:
        print(json.dumps({"questions": rows}))
    else:
        worst = max(r["cpu_s"] for r in rows if not r["explain"])
        print(f"slowest open question: {worst:.2f} s CPU (target: under 2 s cold)")


if __name__ == "__main__":
    main()
