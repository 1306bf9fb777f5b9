"""What runs inside a solver process: requests in over a pipe, JSON answers out.

Why a process of its own: grounding runs in C++ and cannot be interrupted from Python,
so the server bounds a request from outside. It gives each request a time limit, and
this process watches its own memory exactly as `fto --max-memory-mb` does (it ends with
exit code 3); on either, the server ends or reaps the process, answers with the CLI's
message, and starts another. The server itself never grounds anything.

Requests are plain dicts, already shaped by the API's models; every value in them is
user data and reaches clingo only as validated scenario facts and a parsed term, as in
the CLI. Replies are ("ok", JSON text, headers) or ("error", HTTP status, error body).
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import shutil
import time
from collections import OrderedDict
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection
from typing import Any, Callable

from engine.answers import Answer, parse_day
from engine.cli import OUT_OF_MEMORY, _drawn as drawn, _limit_memory, _out_of_memory
from engine.errors import InputError
from engine.memo import whatif_memo
from engine.questions import Reply, ask_all, solver_for
from engine.rules import library
from engine.scenario import parse
from engine.session import Change, Session, WhatIf, changes_from_patch, parse_set
from engine.web.levers import levers
from engine.yamlsource import Located, load_text

SCENARIO = "<scenario>"
"""The name a request's scenario goes by in messages, where the CLI names the file."""
REQUEST = "<request>"
MAX_QUESTIONS = 50

Outcome = tuple[Any, ...]
"""What the worker sends back for one request: ("ok", body, headers) or ("error", status, body)."""


def main(conn: Connection, memory_mb: int, max_sessions: int, session_idle_s: float) -> None:
    """The process's life: limit memory, load the engine once, then answer until the pipe closes."""
    _limit_memory(memory_mb)
    library()
    # The engine's modules and rule book live as long as the process: a full collection walking them
    # took about 30 ms, every few requests (the warm what-if's whole budget is 20).
    gc.freeze()
    jobs = Jobs(max_sessions, session_idle_s)
    conn.send(("ready",))
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        conn.send(jobs.run(request))
        jobs.tidy()  # after the reply: what a what-if changed goes back to its base scenario


@dataclass
class _Warm:
    session: ServedSession
    used: float


class Sessions:
    """Warm sessions keyed by the scenario's hash (and the date asked), evicted by count and by idle age."""

    def __init__(self, size: int, idle_s: float) -> None:
        self.size = size
        self.idle_s = idle_s
        self._items: OrderedDict[str, _Warm] = OrderedDict()

    def get(self, key: str, make: Callable[[], ServedSession]) -> tuple[ServedSession, bool]:
        """The session for `key` and True, or a new one (kept) and False."""
        now = time.monotonic()
        for old in [k for k, w in self._items.items() if now - w.used > self.idle_s]:
            del self._items[old]
        warm = self._items.get(key)
        if warm is not None:
            warm.used = now
            self._items.move_to_end(key)
            return warm.session, True
        session = make()
        self._items[key] = _Warm(session, now)
        while len(self._items) > self.size:
            self._items.popitem(last=False)
        return session, False

    def drop(self, session: ServedSession) -> None:
        for key in [k for k, w in self._items.items() if w.session is session]:
            del self._items[key]


class Jobs:
    """The three things a solver process does: validate, ask, what-if."""

    def __init__(self, max_sessions: int, session_idle_s: float) -> None:
        self.sessions = Sessions(max_sessions, session_idle_s)
        self._changed: list[ServedSession] = []

    def run(self, request: dict[str, Any]) -> Outcome:
        op = {"ask": self.ask, "whatif": self.whatif, "validate": self.validate}[request["op"]]
        try:
            data, headers = op(request)
        except InputError as exc:
            return ("error", 400, error_body(exc))
        except MemoryError:
            _out_of_memory(OUT_OF_MEMORY)
        except RuntimeError as exc:  # clingo reports its own allocation failures this way
            if "bad_alloc" in str(exc) or "memory" in str(exc).lower():
                _out_of_memory("ran out of memory while grounding (--max-memory-mb); the scenario is too large")
            return ("error", 500, {"error": _internal(exc)})
        except Exception as exc:  # a bug: say so on one line, and stay up
            return ("error", 500, {"error": _internal(exc)})
        return ("ok", data if isinstance(data, str) else json.dumps(data, ensure_ascii=False), headers)

    def tidy(self) -> None:
        """Undo what-ifs, so a warm session is at its base scenario when the next request comes."""
        while self._changed:
            session = self._changed.pop()
            try:
                while session.undo():
                    pass
            except Exception:  # the base was valid when the session was made; drop it rather than fail later
                self.sessions.drop(session)

    def validate(self, request: dict[str, Any]) -> tuple[Any, dict[str, str]]:
        """A scenario checked as `fto` checks a file, with its ids (for completion) and its levers."""
        scenario = parse(_located(request["scenario"]))
        ids = {
            "organizations": list(scenario.organizations),
            "actors": list(scenario.actors),
            "transactions": list(scenario.transactions),
            "acts": list(scenario.acts),
            "solicitations": list(scenario.solicitations),
            "events": [e.id for e in scenario.events if e.id],
            "holdings": [h.id for h in scenario.holdings if h.id],
        }
        return {"scenario": scenario.scenario, "as_of": scenario.as_of.isoformat(), "ids": ids,
                "levers": levers(scenario)}, {}

    def ask(self, request: dict[str, Any]) -> tuple[Any, dict[str, str]]:
        """`fto ask --json` for one question (its object) or several (a list of them); or one as a memo or DOT."""
        located = _located(request["scenario"])
        day = _day(request.get("as_of"))
        questions = _questions(request["question"])
        view = _view(request, questions)
        fixed = fixed_readings(request.get("readings"))
        headers: dict[str, str] = {}
        answered: list[tuple[Reply, list[Any]]] = []
        if request.get("why_not"):
            session, warm = self._session(request, day, fixed)
            headers["X-FTO-Session"] = "warm" if warm else "new"
            for question in questions:
                answer = session.ask(question)
                no = isinstance(answer, Answer) and answer.answer == "no"
                answered.append((answer, session.why_not(question) if no else []))
        else:
            solver = solver_for(parse(located), questions, as_of=day, source=located.source, readings=fixed)
            answered = [(reply, []) for reply in ask_all(solver, questions)]
        if view != "json":
            answer, suggestions = answered[0]
            return drawn(view, _one_conclusion(answer, view), suggestions), {**headers, **MEDIA[view]}
        rows = []
        for answer, suggestions in answered:
            row = answer.model_dump(exclude_none=True)
            if request.get("why_not"):
                row["why_not"] = [s.model_dump() for s in suggestions]
            rows.append(row)
        return (rows[0] if isinstance(request["question"], str) else rows), headers

    def whatif(self, request: dict[str, Any]) -> tuple[Any, dict[str, str]]:
        """`fto whatif --json` (or --format memo, dot), on a warm session of the base scenario."""
        day = _day(request.get("as_of"))
        view = _view(request, [request["question"]])
        fixed = fixed_readings(request.get("readings"))
        changes = _changes(request)
        session, warm = self._session(request, day, fixed)
        self._changed.append(session)
        result = session.whatif(request["question"], changes)
        headers = {"X-FTO-Session": "warm" if warm else "new"}
        if view != "json":
            _one_conclusion(result.after, view)
        if view == "memo":
            return whatif_memo(result), {**headers, **MEDIA[view]}
        if view != "json":
            return drawn(view, result.after), {**headers, **MEDIA[view]}
        return result.model_dump(exclude_none=True), headers

    def _session(self, request: dict[str, Any], day: dt.date | None, fixed: dict[str, bool]) -> tuple[ServedSession, bool]:
        """The warm session of the request's scenario; its text is read (and checked) only to make one:
        a session is kept under the hash of that very text."""
        return self.sessions.get(request["key"], lambda: ServedSession(_located(request["scenario"]), day, fixed))


class ServedSession(Session):
    """A Session whose base scenario's answers are computed once: every what-if on it starts there."""

    def __init__(self, located: Located, day: dt.date | None, fixed: dict[str, bool]) -> None:
        super().__init__(located, day, readings=fixed)
        self._base_answers: dict[str, Reply] = {}
        self._last: tuple[str, WhatIf] | None = None  # the last what-if answered, under its key (_what_if_key)

    def ask(self, question: str, explain_all: bool = False) -> Reply:
        if len(self.history) > 1 or explain_all:
            return super().ask(question)
        if question not in self._base_answers:
            self._base_answers[question] = super().ask(question)
        return self._base_answers[question]

    def whatif(self, question: str, changes: list[Change]) -> WhatIf:
        """As Session.whatif, from the base scenario. The same what-if asked again at once is answered
        from the last one: the playground asks for a what-if's memo right after its JSON."""
        if len(self.history) > 1:
            return super().whatif(question, changes)
        key = _what_if_key(question, changes)
        if self._last is None or self._last[0] != key:
            self.solver.keep_cone()  # each what-if's conclusions are then a slice of the base's
            self._last = (key, super().whatif(question, changes))
        return self._last[1]


def _what_if_key(question: str, changes: list[Change]) -> str:
    """A what-if as a key: its question and its changes, each value with its type (a date is not its text)."""
    return json.dumps([question, [(c.path, c.value, c.remove, c.merge) for c in changes]],
                      default=lambda v: f"{type(v).__name__}:{v}", sort_keys=True)


def _located(raw: str | dict[str, Any]) -> Located:
    """A scenario as YAML text (its lines named in errors) or as a JSON object (no lines to name)."""
    if isinstance(raw, str):
        return load_text(raw, SCENARIO)
    # Read back through the YAML loader for its limits (depth, size); its line numbers would
    # count lines of a text the client never wrote, so they are dropped.
    return Located(load_text(json.dumps(raw), SCENARIO).data, {}, SCENARIO)


def _day(text: str | None) -> dt.date | None:

    if text is None:
        return None
    try:
        return parse_day(text)
    except InputError as exc:
        raise InputError(REQUEST, exc.problem, where="as_of") from None


MEDIA = {"memo": {"Content-Type": "text/markdown; charset=utf-8"},
         "dot": {"Content-Type": "text/vnd.graphviz; charset=utf-8"},
         "svg": {"Content-Type": "image/svg+xml; charset=utf-8"}}
"""The formats besides JSON, as `fto ask --format` prints them (svg where the server has Graphviz's `dot`)."""


def _one_conclusion(reply: Reply, view: str) -> Answer:
    """A memo or a proof graph is of one conclusion; an open question's bindings come as JSON (as in the CLI)."""
    if not isinstance(reply, Answer):
        raise InputError(REQUEST, f"a {view} shows one conclusion's proof; an open question's bindings come as "
                                  "json (ask a binding's ground form)", where="format")
    return reply


def _view(request: dict[str, Any], questions: list[str]) -> str:
    view = request.get("format") or "json"
    if view != "json" and len(questions) > 1:
        raise InputError(REQUEST, f"a {view} is of one question; ask them one at a time", where="format")
    if view == "svg" and shutil.which("dot") is None:  # refused before solving, as the CLI's svg is
        raise InputError(REQUEST, "svg needs Graphviz's `dot` program on the server; format=dot gives the graph "
                                  "without it", where="format")
    return str(view)


def _questions(raw: str | list[str]) -> list[str]:

    questions = [raw] if isinstance(raw, str) else list(raw)
    if not questions:
        raise InputError(REQUEST, "give a question such as designated(cjng)", where="question")
    if len(questions) > MAX_QUESTIONS:
        raise InputError(REQUEST, f"{len(questions)} questions; at most {MAX_QUESTIONS} in one request",
                         where="question")
    return questions


def _changes(request: dict[str, Any]) -> list[Change]:
    """`set`, `remove` and `patch`, read as `--set`, `--remove` and `--patch` are (a text value as YAML)."""
    # Each change knows where the request wrote it, so an error its value causes names that place.
    changes = [parse_set(f"{path}={value}") if isinstance(value, str) else Change(path, value)
               for path, value in (request.get("set") or {}).items()]
    changes = [replace(c, origin=f"{REQUEST}: set.{c.path}") for c in changes]
    changes += [Change(path, remove=True, origin=f"{REQUEST}: remove.{i}")
                for i, path in enumerate(request.get("remove") or [])]
    if request.get("patch") is not None:
        changes += changes_from_patch(Located(request["patch"], {}, "<patch>"))
    if not changes:
        raise InputError(REQUEST, "give at least one change: set, remove or patch")
    return changes


def fixed_readings(readings: dict[str, Any] | None) -> dict[str, bool]:
    """Named open points of law fixed one way, as `fto ask --reading NAME=yes|no` fixes them (the
    names `fto readings` lists); unfixed, the engine reasons over both and names the one that decides."""
    if not readings:
        return {}
    from engine.open_law import not_a_reading, readings as named

    names = sorted(r.name for r in named(library()))
    for name, value in readings.items():
        where = f"readings.{name}"
        if name not in names:
            raise InputError(REQUEST, not_a_reading(name, names), where=where)
        if not isinstance(value, bool):
            raise InputError(REQUEST, f"{value!r}: a reading is true or false", where=where)
    return dict(readings)


def error_body(exc: InputError) -> dict[str, Any]:
    """The CLI's one-line message, and its parts for a page to point at."""
    return {"error": exc.render(), "source": exc.source, "line": exc.line, "where": exc.where or None}


def _internal(exc: BaseException) -> str:
    return " ".join(f"internal error ({type(exc).__name__}): {exc}".split())
