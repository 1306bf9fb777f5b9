"""Running a screen's partitions in processes on this machine (`fto screen --jobs N`).

Why processes, not threads: a partition's solve holds the GIL for most of its time (building
facts, reading answers back). Why not the local Dask cluster (`--workers`): on two cores its
scheduler shares them with the workers: the 1e5 benchmark ledger took 43.8 s end to end on two
Dask workers, 29.4 s in two plain processes. The processes are spawned, not forked (a fork copies whatever
threads' locks the parent held, e.g. a test runner's); each receives `common` once, when it
starts, and then one job at a time.

A process is replaced after RECYCLE jobs: clingo keeps every symbol it has made for the life of
the process (potassco/clingo#203), so a process that has solved many partitions holds their
atoms' symbols still, about 20 MB a partition of 4,000 rows, and grounds more slowly as its symbol
table grows (a 1e5 partition 0.33 s when the process is new, 0.48 s after a dozen others).
"""

from __future__ import annotations

import os
from typing import Any, Callable, Sequence, TypeVar

J = TypeVar("J")
S = TypeVar("S")
R = TypeVar("R")

RECYCLE = 10
"""Jobs a process solves before a new one takes its place."""

_held: dict[str, Any] = {}  # in a worker process: the solve function and what every job needs


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def run(jobs: Sequence[J], solve: Callable[[J, S], R], common: S, processes: int,
        progress: Callable[[int], None] | None = None, size: Callable[[J], int] = lambda _j: 1) -> list[R]:
    """`solve(job, common)` of every job in `processes` spawned processes, in the jobs' order.

    Why multiprocessing.Pool and not concurrent.futures' ProcessPoolExecutor: the latter's
    max_tasks_per_child stops starting new processes once the first have retired, and the jobs
    left wait for ever (python/cpython#115634, Python 3.11 to 3.14)."""
    import multiprocessing
    import pickle

    # Pickled once here: a new process's arguments are pickled for each process started (1.7 s
    # for a million-row ledger's parties and knowledge), and processes are replaced as they go.
    shared = pickle.dumps(common, pickle.HIGHEST_PROTOCOL)
    pool = multiprocessing.get_context("spawn").Pool(processes, _start, (solve, shared), RECYCLE)
    try:
        out: list[Any] = [None] * len(jobs)
        for i, result in pool.imap_unordered(_solve, enumerate(jobs)):
            out[i] = result
            if progress:
                progress(size(jobs[i]))
    except BaseException:
        pool.terminate()
        raise
    pool.close()
    pool.join()
    return out


def _start(solve: Callable[[Any, Any], Any], shared: bytes) -> None:
    import pickle

    _held["solve"], _held["common"] = solve, pickle.loads(shared)


def _solve(numbered: tuple[int, Any]) -> tuple[int, Any]:
    i, job = numbered
    return i, _held["solve"](job, _held["common"])
