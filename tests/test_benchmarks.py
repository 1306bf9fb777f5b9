"""The benchmark generator and baseline: the engine and the hand-written baseline agree (no timings)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.baseline import evaluate  # noqa: E402
from benchmarks.generate import generate, generate_dict  # noqa: E402
from benchmarks.run import engine_answers  # noqa: E402


def test_generator_is_deterministic() -> None:
    assert generate_dict(120, seed=3) == generate_dict(120, seed=3)
    assert generate_dict(120, seed=3) != generate_dict(120, seed=4)


@pytest.mark.parametrize("n,depth,long_chain", [(60, 3, 8), (200, 5, 20)])
def test_engine_and_baseline_agree(n: int, depth: int, long_chain: int) -> None:
    scenario = generate(n, depth=depth, long_chain=long_chain, seed=n)
    assert len(scenario.transactions) == n
    engine = engine_answers(scenario)
    baseline = evaluate(scenario).as_dict()
    assert set(engine) == set(baseline)
    for key in baseline:
        assert engine[key] == baseline[key], key
    # The scenario exercises every compared answer, both ways.
    assert baseline["exposure"] and len(baseline["exposure"]) < n
    assert baseline["must_retain"] and baseline["must_report"]
    assert ("loop_a", "cjng") not in baseline["acts_for"]  # a cycle of fronts acts for nobody
    assert (f"lc_{long_chain - 1}", "cjng") in baseline["acts_for"]  # the end of the long chain does
