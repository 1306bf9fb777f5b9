"""The solver processes, seen from the server: send a request, wait at most the time limit.

A request that runs past `--timeout` has its process killed (grounding cannot be stopped
any other way); one whose process ends on the memory limit is reaped. Either way the
request is answered with the CLI's message, a fresh process starts at once, and the
server goes on. Requests about one scenario go to one process, where its warm session is.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from dataclasses import dataclass
from typing import Any

from engine.cli import OUT_OF_MEMORY, TIMED_OUT
from engine.web import worker

STARTUP_S = 120.0
"""How long a new process may take to load the engine (not counted against a request)."""


@dataclass(frozen=True)
class Limits:
    timeout_s: float
    memory_mb: int
    max_sessions: int
    session_idle_s: float


class Failure(Exception):
    """A request the solver process could not answer: HTTP status and the one-line message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class Worker:
    """One solver process and the pipe to it; one request at a time."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.lock = asyncio.Lock()
        self.process: Any = None
        self.conn: Any = None
        self.ready = False

    def start(self) -> None:
        context = multiprocessing.get_context("spawn")  # a clean interpreter: no server threads or sockets inherited
        parent, child = context.Pipe()
        limits = self.limits
        self.process = context.Process(
            target=worker.main, name="fto-solver", daemon=True,
            args=(child, limits.memory_mb, limits.max_sessions, limits.session_idle_s))
        self.process.start()
        child.close()
        self.conn, self.ready = parent, False

    def stop(self) -> None:
        if self.process is not None:
            if self.process.is_alive():
                self.process.kill()
            self.process.join(5)
            self.conn.close()
        self.process = self.conn = None

    def _exit_failure(self) -> Failure:
        """The process has ended: why, in the CLI's words; a fresh one is started."""
        self.process.join(5)
        code = self.process.exitcode
        self.stop()
        self.start()
        if code == 3:  # the memory guard's exit code, as for `fto --max-memory-mb`
            return Failure(413, OUT_OF_MEMORY)
        return Failure(500, f"the solver process ended unexpectedly (exit code {code}); it has been restarted")

    async def _ensure_ready(self) -> None:
        if self.process is None or not self.process.is_alive():
            self.stop()
            self.start()
        if self.ready:
            return
        if not await asyncio.to_thread(self.conn.poll, STARTUP_S):
            self.stop()
            self.start()
            raise Failure(503, "the solver process did not start in time; try again")
        try:
            self.conn.recv()
        except (EOFError, OSError):
            raise self._exit_failure() from None
        self.ready = True

    async def warm_up(self) -> None:
        async with self.lock:
            await self._ensure_ready()

    async def call(self, request: dict[str, Any]) -> tuple[Any, ...]:
        async with self.lock:
            await self._ensure_ready()
            try:
                self.conn.send(request)
                if not await asyncio.to_thread(self.conn.poll, self.limits.timeout_s):
                    self.stop()
                    self.start()  # loads in the background while this reply goes out
                    raise Failure(413, TIMED_OUT.format(seconds=self.limits.timeout_s))
                return self.conn.recv()  # type: ignore[no-any-return]
            except (EOFError, OSError):  # the process ended (its memory guard, or a crash)
                raise self._exit_failure() from None


class Pool:
    """A fixed number of solver processes; a scenario's requests always go to the same one."""

    def __init__(self, size: int, limits: Limits) -> None:
        self.workers = [Worker(limits) for _ in range(size)]

    def start(self) -> None:
        for w in self.workers:
            w.start()

    def close(self) -> None:
        for w in self.workers:
            w.stop()

    async def ready(self) -> None:
        await asyncio.gather(*(w.warm_up() for w in self.workers))

    def all_ready(self) -> bool:
        return all(w.ready for w in self.workers)

    async def call(self, key: str, request: dict[str, Any]) -> tuple[Any, ...]:
        return await self.workers[int(key[:8], 16) % len(self.workers)].call({**request, "key": key})
