"""Warm what-if latency on a generated 1,000-transaction scenario.

    python benchmarks/whatif.py [--n 1000] [--iterations 200] [--no-provenance]

Rules and scenario are grounded once in a warm `Solver` (every fact an external, with the
provenance rules, as `fto whatif` and `fto shell` use it), and every conclusion's status
is read once. Then, per iteration, one fact is toggled (`knowingly(tX)` or a `knew(A, O, K)`
fact) by `Solver.conclusions_if`, which re-solves only the conclusions the toggle reaches,
in their cone of the ground program (engine/cone.py); the answer to the question and the
status of every askable conclusion are read from it and diffed against the statuses before
the toggle. The cone is built on the first what-if (one solve for a witness answer set);
that set-up is reported separately. A sample of the toggles is checked against a whole
re-solve with the toggle made (`Solver.switched`), and the run stops if any differs. The
last line is `whatif p50_ms=… p95_ms=…`.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def main(argv: list[str] | None = None) -> None:
    from clingo.symbol import Function

    from benchmarks.generate import generate
    from engine.solve import Solver, parse_question

    ap = argparse.ArgumentParser(description="warm what-if latency")
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--iterations", type=int, default=200)
    ap.add_argument("--no-provenance", action="store_true")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)

    scenario = generate(args.n)
    t0 = time.perf_counter()
    solver = Solver(scenario, provenance=not args.no_provenance, warm=True)
    ground_s = time.perf_counter() - t0
    atoms = solver.conclusion_atoms()
    t0 = time.perf_counter()
    before = solver.conclusions()
    first_s = time.perf_counter() - t0
    # The question: material support through a transaction, one that holds if any does.
    candidates = [a for a in atoms if a.name == "material_support"]
    question = next((a for a in candidates if before[a] == "yes"), candidates[0])
    q = parse_question(str(question))
    answer_before = before.get(q, "no")
    own = Function("knowingly", [question.arguments[1]])  # toggled every fourth time: the answer flips

    # Toggle candidates: knowingly(t) flags and knew(A, O, K) facts, on or off.
    on = set(solver.facts.facts)
    pool = sorted(s for s in solver.externals if s.name in ("knowingly", "knew"))
    rng = random.Random(args.seed)
    t0 = time.perf_counter()
    solver.conclusions_if([])  # builds the cone
    cone_s = time.perf_counter() - t0
    times, cpu, flips, answer_flips = [], [], 0, 0
    for i in range(args.iterations):
        sym = own if i % 4 == 0 and own in solver.externals else rng.choice(pool)
        switch = [(sym, sym not in on)]
        t0, c0 = time.perf_counter(), time.process_time()
        now = solver.conclusions_if(switch)
        answer = now.get(q, "no")
        changed = {a: s for a, s in now.items() if s != before.get(a, "no")}
        times.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
        flips += len(changed)
        answer_flips += answer != answer_before
        if i % 20 == 0:
            with solver.switched(switch) as whole:
                if whole.conclusions() != now:
                    raise SystemExit(f"the cone and a whole re-solve disagree after switching {sym}")
    def pct(values: list[float], q: float) -> float:
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, max(0, int(round(q * len(ordered))) - 1))]

    p50, p95 = statistics.median(times), pct(times, 0.95)
    print(f"{args.n} transactions, {len(solver.externals)} externals, {len(atoms)} conclusions, "
          f"{len(solver.open_atoms)} open atoms; grounded in {ground_s:.2f}s, first read {first_s * 1000:.1f} ms, "
          f"cone built in {cone_s * 1000:.0f} ms; "
          f"question {question} = {answer_before}; {args.iterations} toggles flipped {flips} conclusions "
          f"({answer_flips} answer flips)")
    print(f"CPU per what-if (steadier on a busy machine): p50 {statistics.median(cpu):.2f} ms, "
          f"p95 {pct(cpu, 0.95):.2f} ms")
    print(f"whatif p50_ms={p50:.2f} p95_ms={p95:.2f}")


if __name__ == "__main__":
    main()
