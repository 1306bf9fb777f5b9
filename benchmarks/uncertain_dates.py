"""An uncertain date (`on: unknown`) and what it costs: representative days and time, per question.

    python benchmarks/uncertain_dates.py [--json]

The scenario is cases/dates/payment_on_an_uncertain_day.yaml (one undated payment, four dated by
a range). For each question, a cold narrow solve (`Solver(only=wanted_for([q]))`, as `fto ask`
and `fto check` do) and, for the first, the warm whole-book solve a `fto whatif` or `fto shell`
session builds: how many representative days the undated payment gets (engine/dates.py) and the
process CPU seconds to answer, explanation and deciding facts included. Run in one process,
after the rule book is loaded (its parse is cached on disk, as a CLI run finds it).

Before the days were taken from the question's own rules and cut at the day asked (commit "An
uncertain date is settled over the days of the rules the question turns on"), every question
chose among about 4,600 days, and `fto check` on that case took 156 s.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CASE = REPO / "cases/dates/payment_on_an_uncertain_day.yaml"
QUESTIONS = ["material_support(co, undated)", "max_prison(co, undated, P)", "ieepa_civil_penalty(undated)"]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO))
    from engine.questions import ask, wanted_for
    from engine.rules import library
    from engine.scenario import load
    from engine.solve import Solver

    library()
    scenario, _ = load(str(CASE))
    rows = []
    for question, warm in [*((q, False) for q in QUESTIONS), (QUESTIONS[0], True)]:
        cpu = time.process_time()
        solver = Solver(scenario, warm=warm, only=None if warm else wanted_for([question]))
        ask(solver, question)
        days = sum(1 for c in solver.facts.choices if c.name == "date_on_or_after"
                   and str(c.arguments[0]) == "day_of(undated,on)") + 1
        rows.append({"question": question, "solve": "warm, whole rule book" if warm else "cold, narrow",
                     "days": days, "cpu_s": round(time.process_time() - cpu, 2)})
    if args.json:
        print(json.dumps(rows, indent=2))
        return
    for row in rows:
        print(f"{row['question']:40s} {row['solve']:22s} {row['days']:6d} days  {row['cpu_s']:7.2f} s CPU")


if __name__ == "__main__":
    main()
