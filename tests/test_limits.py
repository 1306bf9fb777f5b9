"""Resource limits end a run with one `error:` line and exit code 3, never a hang or an OOM kill."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def fto(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "engine.cli", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=120)


def test_timeout_ends_a_long_run_with_exit_3():
    run = fto("--timeout", "0.05", "check", "cases")
    assert run.returncode == 3
    assert run.stderr.splitlines() == ["error: timed out after 0.05 s (--timeout); nothing was written"]


def test_a_generous_timeout_changes_nothing():
    run = fto("--timeout", "60", "ask", "examples/sinaloa.yaml", "designated(sinaloa)", "--json")
    assert run.returncode == 0 and '"answer": "yes"' in run.stdout


def test_a_bad_timeout_is_an_input_error():
    run = fto("--timeout", "0", "ask", "examples/sinaloa.yaml", "designated(sinaloa)")
    assert run.returncode == 2 and run.stderr.startswith("error:") and "--timeout" in run.stderr


@pytest.mark.slow
def test_memory_guard_ends_an_oversized_grounding_with_exit_3(tmp_path: Path):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from generate import generate, to_yaml  # type: ignore[import-not-found]

    scenario = generate(6000)
    path = tmp_path / "big.yaml"
    path.write_text(to_yaml(scenario.model_dump(by_alias=True, exclude_defaults=True, mode="json")), encoding="utf-8")
    # A plain ask grounds only what its question needs and fits in 200 MB; --why-not opens a
    # warm session over the whole rule book, which at 6,000 transactions does not.
    run = fto("--max-memory-mb", "200", "ask", "--why-not", str(path), "material_support(g0, t1)")
    assert run.returncode == 3, run.stderr
    assert len(run.stderr.splitlines()) == 1 and "ran out of memory" in run.stderr


def test_a_limit_python_itself_passes_still_ends_with_one_line_and_exit_3():
    # Under a cap on the address space alone, running out inside Python (here while loading the
    # engine) ended in tracebacks and exit 1, or hung in CPython's exception unwinding.
    run = fto("--max-memory-mb", "40", "ask", "examples/sinaloa.yaml", "designated(sinaloa)")
    assert run.returncode == 3, run.stderr
    assert run.stderr.splitlines() == ["error: ran out of memory (--max-memory-mb); the scenario is too large to ground"]
    assert run.stdout == ""
