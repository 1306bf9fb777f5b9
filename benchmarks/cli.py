"""What a user waits for: `fto` commands timed as they are typed, each in a fresh process.

    python benchmarks/cli.py [--runs N] [--sizes 1000,10000] [--json]

benchmarks/run.py times the engine's analysis through the Python API, from a Scenario already
in memory. A user of the command line also waits for Python to start, for the modules to load,
and for the YAML file to be read and checked; this script times whole commands: wall-clock
seconds (what the user sees) and the child's CPU seconds (steadier on a shared machine),
medians over `--runs` fresh processes per command, the commands taking turns so that a change
in the machine's load meets them all. The files of `--sizes` transactions are written from
benchmarks/generate.py into a temporary folder first, and each is asked `designated(cjng)` (the
question grounds little; the time is the file's).

The interpreter runs the checkout's `engine.cli`, as the installed `fto` script does, with
Python's usual cache of compiled modules (see `cold_ask` in benchmarks/run.py for why).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SINALOA = ["examples/sinaloa.yaml", "designated(sinaloa)"]


def commands(files: dict[int, str]) -> list[tuple[str, list[str]]]:
    """(label, arguments after `fto`), in the order they are reported."""
    out = [
        ("fto --version", ["--version"]),
        ("fto ask examples/sinaloa.yaml designated(sinaloa)", ["ask", *SINALOA]),
        ("fto ask ... --json", ["ask", *SINALOA, "--json"]),
        ("fto whatif ... --set as_of=2025-02-19", ["whatif", *SINALOA, "--set", "as_of=2025-02-19"]),
        ("fto check cases/designation", ["check", "cases/designation"]),
    ]
    for n, path in sorted(files.items()):
        out.append((f"fto ask <{n:,} transactions> designated(cjng)", ["ask", path, "designated(cjng)"]))
    return out


def time_once(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "engine.cli", *args], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5, help="fresh processes per command (default 5)")
    ap.add_argument("--sizes", default="1000,10000", help="transactions in the generated files ('' for none)")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON on the last line")
    args = ap.parse_args(argv)
    from benchmarks.generate import generate_dict, to_yaml

    env = {k: v for k, v in os.environ.items() if k not in ("FTO_RULES", "PYTHONDONTWRITEBYTECODE")}
    with tempfile.TemporaryDirectory(prefix="fto-cli-bench-") as folder:
        files = {}
        for n in [int(x) for x in args.sizes.split(",") if x]:
            path = Path(folder) / f"generated_{n}.yaml"
            path.write_text(to_yaml(generate_dict(n)), encoding="utf-8")
            files[n] = str(path)
        table = commands(files)
        for _, cmd in table:  # warm the caches (compiled modules, the parsed rule book)
            time_once(cmd, env)
        times: dict[str, list[tuple[float, float]]] = {label: [] for label, _ in table}
        for _ in range(args.runs):
            for label, cmd in table:
                times[label].append(time_once(cmd, env))
    rows = [{"command": label, "wall_s": round(statistics.median(w for w, _ in runs), 3),
             "cpu_s": round(statistics.median(c for _, c in runs), 3)} for label, runs in times.items()]
    for row in rows:
        print(f"{row['wall_s']:8.3f} s wall  {row['cpu_s']:8.3f} s CPU   {row['command']}", flush=True)
    if args.json:
        print(json.dumps({"runs": args.runs, "rows": rows}))


if __name__ == "__main__":
    main()
