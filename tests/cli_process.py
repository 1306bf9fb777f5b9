"""`fto` run as a process of its own, forked from an interpreter that has already imported it.

`python -m engine.cli` spends about 0.8 s of a 1.3 s run importing clingo, pydantic and typer and
reading the rule book; the hundred-odd hostile-input cases paid that a hundred times over. A fork
server (multiprocessing's) does that once; each run is a fresh process forked from it that calls
the same `main()` as `fto`, with its own arguments, working directory, stdin, stdout, stderr, memory
limit and exit code, so what a test sees is what a user's shell would. How the program starts (the
console script, `python -m`) is still tested with a real interpreter (tests/test_cli.py)."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Mapping, Sequence


@lru_cache(maxsize=1)
def _context() -> multiprocessing.context.ForkServerContext:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["tests.cli_preload"])
    return context


def _child(argv: list[str], stdin: str, out: str, err: str, cwd: str, env: dict[str, str]) -> None:
    """In the forked process: become `fto ARGV` run in `cwd` with `env` added to its environment,
    its input read from one file and its output going to the other two."""
    os.chdir(cwd)
    os.environ.update(env)
    for fd, path, flags in ((0, stdin, os.O_RDONLY), (1, out, os.O_WRONLY), (2, err, os.O_WRONLY)):
        opened = os.open(path, flags)
        os.dup2(opened, fd)
        os.close(opened)
    sys.stdin = open(0, encoding="utf-8", closefd=False)
    sys.stdout = open(1, "w", encoding="utf-8", closefd=False)
    sys.stderr = open(2, "w", encoding="utf-8", closefd=False)
    sys.argv = ["fto", *argv]
    from engine.cli import main

    main()


def run(argv: Sequence[str], cwd: Path, timeout: float = 60, stdin: str | None = None,
        env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`fto ARGV` in `cwd`, as subprocess.run(..., capture_output=True, text=True) would return it."""
    with tempfile.TemporaryDirectory(prefix="fto-run-") as folder:
        paths = [os.path.join(folder, name) for name in ("stdin", "stdout", "stderr")]
        for path, text in zip(paths, (stdin or "", "", "")):
            Path(path).write_text(text, encoding="utf-8")
        process = _context().Process(target=_child, args=(list(argv), *paths, str(cwd), dict(env or {})))
        process.start()
        process.join(timeout)
        if process.exitcode is None:
            process.kill()
            process.join()
            raise subprocess.TimeoutExpired(["fto", *argv], timeout)
        out, err = (Path(p).read_text(encoding="utf-8", errors="replace") for p in paths[1:])
        return subprocess.CompletedProcess(["fto", *argv], process.exitcode, out, err)
