"""Running a screen's partitions in processes on this machine (`fto screen --jobs N`).

Why processes, not threads: a partition's solve holds the GIL for most of its time (building
facts, reading answers back). Why not the local Dask cluster (`--workers`): on two cores its
scheduler shares them with the workers: the 1e5 benchmark ledger took 43.8 s end to end on two
Dask workers, 29.4 s in two plain processes. The processes are spawned, not forked (a fork copies
whatever threads' locks the parent held, e.g. a test runner's); each receives `common` once,
when it starts, and then one job at a time.

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

RECYCLE = 20
"""Jobs a process solves before a new one takes its place (in waves, `run`). Fewer waves cost less
(each pays a pool's start and the wait for its last job: at 1e6, 14 waves of 10 a process took
51 s more than one pool); more jobs a process cost memory (it keeps each job's symbols, about
20 MB a partition)."""

_held: dict[str, Any] = {}  # in a worker process: the solve function and what every job needs


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class WorkerDied(RuntimeError):
    """A process solving partitions ended without an answer (killed, as the system does when memory
    runs short, or crashed)."""


def run(jobs: Sequence[J], solve: Callable[[J, S], R], common: S, processes: int,
        progress: Callable[[int], None] | None = None, size: Callable[[J], int] = lambda _j: 1) -> list[R]:
    """`solve(job, common)` of every job in `processes` spawned processes, in the jobs' order.

    The jobs go in waves of RECYCLE a process, each wave to a new pool. Why not one pool whose
    processes retire after RECYCLE jobs: concurrent.futures' max_tasks_per_child stops starting
    new processes once the first have retired, and the jobs left wait for ever
    (python/cpython#115634, Python 3.11 to 3.14); multiprocessing.Pool's maxtasksperchild waits for
    ever too when a process dies mid-job. A wave's pool says so (BrokenProcessPool): WorkerDied."""
    import multiprocessing
    import pickle
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    # Pickled once here, not for each process started (1.7 s for a million-row ledger's parties).
    shared = pickle.dumps(common, pickle.HIGHEST_PROTOCOL)
    out: list[Any] = [None] * len(jobs)
    wave = processes * RECYCLE
    for first in range(0, len(jobs), wave):
        pool = ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_start, initargs=(solve, shared))
        try:
            # The largest first, so that the wave's last jobs are short and no process waits long.
            here = sorted(range(first, min(first + wave, len(jobs))), key=lambda i: -size(jobs[i]))
            futures = {pool.submit(_solve, jobs[i]): i for i in here}
            for future in as_completed(futures):
                i = futures[future]
                out[i] = future.result()
                if progress:
                    progress(size(jobs[i]))
        except BrokenProcessPool:
            pool.shutdown(wait=False, cancel_futures=True)
            raise WorkerDied("a process solving the partitions ended without an answer (killed, perhaps for "
                             "want of memory); `--jobs 1` solves in this process") from None
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown()
    return out


def _start(solve: Callable[[Any, Any], Any], shared: bytes) -> None:
    import pickle

    _held["solve"], _held["common"] = solve, pickle.loads(shared)


def _solve(job: Any) -> Any:
    return _held["solve"](job, _held["common"])
