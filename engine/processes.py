"""Running a screen's partitions in processes on this machine (`fto screen --jobs N`).

Why processes, not threads: a partition's solve holds the GIL for most of its time (building
facts, reading answers back). Why not the local Dask cluster (`--workers`): on two cores its
scheduler shares them with the workers, and at 1e5 transactions two Dask workers took 47 s where
two plain processes take 23. The processes are spawned, not forked (a fork copies whatever
threads' locks the parent held, e.g. a test runner's); each receives `common` once, when it
starts, and then one job at a time.
"""

from __future__ import annotations

import os
from typing import Any, Callable, Sequence, TypeVar

J = TypeVar("J")
S = TypeVar("S")
R = TypeVar("R")

_held: dict[str, Any] = {}  # in a worker process: the solve function and what every job needs


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def run(jobs: Sequence[J], solve: Callable[[J, S], R], common: S, processes: int,
        progress: Callable[[int], None] | None = None, size: Callable[[J], int] = lambda _j: 1) -> list[R]:
    """`solve(job, common)` of every job in `processes` spawned processes, in the jobs' order."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    pool = ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_start, initargs=(solve, common))
    try:
        futures = {pool.submit(_solve, job): i for i, job in enumerate(jobs)}
        out: list[Any] = [None] * len(jobs)
        for future in as_completed(futures):
            i = futures[future]
            out[i] = future.result()
            if progress:
                progress(size(jobs[i]))
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    return out


def _start(solve: Callable[[Any, Any], Any], common: Any) -> None:
    _held["solve"], _held["common"] = solve, common


def _solve(job: Any) -> Any:
    return _held["solve"](job, _held["common"])
