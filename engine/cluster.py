"""Running a screen's partitions on a Dask cluster: a local one of N processes, or one already running.

Each partition is solved by `engine.screen.solve` in a worker process, which needs this package
installed (the same version: the rule book is read from the package). dask.distributed is
imported only here, so nothing else in the engine pays for it.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence, TypeVar

from engine.errors import InputError

J = TypeVar("J")
S = TypeVar("S")
R = TypeVar("R")


def run(jobs: Sequence[J], solve: Callable[[J, S], R], common: S, workers: int, scheduler: str | None,
        progress: Callable[[int], None] | None = None, size: Callable[[J], int] = lambda _j: 1) -> list[R]:
    """`solve(job, common)` of every job on the cluster, in the jobs' order; `common`, what every job
    needs, is sent to each worker once (scattered, broadcast), not with every job."""
    from dask.distributed import Client, LocalCluster, as_completed

    cluster: Any = None
    try:
        if scheduler:
            client = Client(scheduler, timeout="30s")
        else:
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                   dashboard_address=None, silence_logs=50)
            client = Client(cluster)
    except (OSError, TimeoutError) as exc:
        raise InputError("<command line>", f"cannot reach the Dask scheduler: {exc}",
                         where="--scheduler" if scheduler else "--workers") from None
    try:
        held = client.scatter(common, broadcast=True, hash=False)
        futures = [client.submit(solve, job, held, pure=False) for job in jobs]
        index = {f.key: i for i, f in enumerate(futures)}
        out: list[Any] = [None] * len(futures)
        for future in as_completed(futures):
            i = index[future.key]
            out[i] = future.result()
            if progress:
                progress(size(jobs[i]))
        return out
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
