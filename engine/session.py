"""A warm session: ground once, then ask, change one fact, and see what flips and why.

Changes are made to the scenario's data (paths such as `transactions.t1.on`), the
result is validated exactly like a file, and the warm Solver toggles externals when the
change only turns facts on or off; anything else (a new date, a new party) re-grounds.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from clingo.symbol import Symbol
from pydantic import BaseModel

from engine.answers import Answer, ground_text
from engine.cites import Cite, difference, joined
from engine.errors import InputError, did_you_mean
from engine.questions import Reply, ask, ask_all, checked
from engine.scenario import CASE_KEYS, Scenario, parse
from engine.solve import Snapshot, Solver
from engine.yamlsource import Located, load_file, load_text


@dataclass(frozen=True)
class Change:
    """One edit to a scenario: set a path to a value, or remove it. `merge` (from a patch file):
    a mapping is merged into the mapping already there, so an empty one changes nothing.

    `origin` and `line`: where the change was written (`<command line> --set PATH=VALUE`, or a
    patch file and its line), so that an error its value causes names that place, not the base
    file's line of the same path (see `blamed`)."""

    path: str
    value: Any = None
    remove: bool = False
    merge: bool = False
    origin: str = field(default="", compare=False)
    line: int | None = field(default=None, compare=False)

    def describe(self) -> str:
        if self.remove:
            return f"remove {self.path}"
        if self.merge and self.value == {}:
            return f"{self.path} = {{}} (where absent)"
        shown = self.value.isoformat() if isinstance(self.value, dt.date) else self.value
        return f"{self.path} = {shown}"


def parse_set(text: str, origin: str = "") -> Change:
    """`PATH=VALUE`, the value read as a YAML scalar or flow collection (dates, booleans, lists).

    A value is never a YAML comment: `#1`, or `Acme #2`, is kept as the text written. `origin`:
    where it was written, e.g. `<command line> --set` (the text is added to it).
    """
    path, sep, raw = text.partition("=")
    if not sep or not path.strip():
        raise InputError("--set", f"{text!r} is not PATH=VALUE, e.g. transactions.t1.on=2025-02-19")
    value = raw.strip()
    if value and not _has_comment(value):
        value = load_text(value, "--set").data
    return Change(path.strip(), value, origin=f"{origin} {_quoted(text)}" if origin else "")


def command_line_removal(path: str, origin: str = "<command line> --remove") -> Change:
    """`--remove PATH` (or the shell's `remove PATH`), knowing where it was written."""
    return Change(path, remove=True, origin=f"{origin} {_quoted(path)}")


def _quoted(text: str) -> str:
    """An argument as it would be typed again at a shell prompt."""
    import shlex

    return shlex.quote(text)


def _related(one: str, other: str) -> bool:
    """Whether one dotted path leads into the other (or is it)."""
    a, b = one.split("."), other.split(".")
    return a[:len(b)] == b or b[:len(a)] == a


def blamed(exc: InputError, changes: list[Change]) -> InputError:
    """An error found in the changed scenario, blamed on the change whose path it is at (the last
    such): the command-line option or the patch file's line that wrote the value, not the base
    file. An error at a path no change touched stays the base file's."""
    if not exc.where:
        return exc
    for change in reversed(changes):
        if change.origin and _related(change.path, exc.where):
            # Where the origin already shows the path (`--set PATH=VALUE`), it is not said twice.
            shown = change.line is None and change.path in change.origin
            where = "" if shown and change.path == exc.where else exc.where
            return InputError(change.origin, exc.problem, change.line, where)
    return exc


def _has_comment(text: str) -> bool:
    """Whether YAML would drop part of `text` as a comment (text after its last token)."""
    import yaml

    if "#" not in text:
        return False
    try:
        tokens = [t for t in yaml.scan(text) if not isinstance(t, (yaml.StreamStartToken, yaml.StreamEndToken))]
    except yaml.YAMLError:
        return False  # not valid YAML: load_text says why
    return not tokens or tokens[-1].end_mark.index < len(text)


PATCH_REMOVE = "remove"
"""The key of a patch file that lists the paths to delete (before the rest is merged)."""


def patch_changes(path: str) -> list[Change]:
    """A partial scenario file as changes merged over the base.

    Mappings merge key by key, down to the values: a value (a date, a flag, a list) replaces
    the one at its path, and a mapping, even an empty one, keeps whatever it does not name.
    Nothing is removed unless the patch says so, in `remove:` (a list of paths, deleted before
    the rest is merged). A list item is changed by its index: `events: {2: {on: 2025-04-01}}`.
    """
    return changes_from_patch(load_file(path))


def changes_from_patch(located: Located) -> list[Change]:
    """A partial scenario (a file's, or a request's: `fto serve`) as changes merged over the base."""
    data = located.data
    if not isinstance(data, dict):
        raise InputError(located.source, "a patch must be a mapping of scenario keys")
    removals = data.get(PATCH_REMOVE, [])
    if not isinstance(removals, list) or not all(isinstance(p, str) for p in removals):
        raise located.error((PATCH_REMOVE,), "remove: must be a list of paths, e.g. [actors.frontco.agent_of, events.2]")
    out = [Change(p, remove=True, origin=located.source, line=located.line_of((PATCH_REMOVE, i)))
           for i, p in enumerate(removals)]

    def walk(prefix: tuple[Any, ...], node: Any) -> None:
        if isinstance(node, dict) and node:
            for key, value in node.items():
                walk(prefix + (key,), value)
        elif node is None:
            raise located.error(prefix, "a patch cannot set a value to nothing; to delete it, list its path under remove:")
        else:
            out.append(Change(".".join(map(str, prefix)), node, merge=True, origin=located.source,
                              line=located.line_of(prefix)))

    for key, value in data.items():
        if key != PATCH_REMOVE:
            walk((key,), value)
    return out


def apply(data: dict[str, Any], change: Change, source: str) -> dict[str, Any]:
    """A copy of `data` with one change made; a path that leads nowhere is an InputError, blamed on
    where the change was written when that is known (else on `source`)."""
    try:
        return _applied(data, change, source)
    except InputError as exc:
        raise blamed(exc, [change]) from None


def _applied(data: dict[str, Any], change: Change, source: str) -> dict[str, Any]:
    result = copy.deepcopy(data)
    parts = change.path.split(".")
    node: Any = result
    for i, part in enumerate(parts[:-1]):
        key: Any = int(part) if isinstance(node, list) and part.isdigit() else part
        try:
            child = node[key]
        except (KeyError, IndexError, TypeError):
            if isinstance(node, dict) and not change.remove:
                child = node[key] = {}
            else:
                raise InputError(source, f"{'.'.join(parts[:i + 1])!r} does not exist" + _hint(node, part),
                                 where=change.path) from None
        node = child
    last: Any = parts[-1]
    if isinstance(node, list):
        if not last.isdigit() or int(last) > len(node) - (1 if change.remove else 0):
            raise InputError(source, f"no list item {last!r} (the list has {len(node)})", where=change.path)
        last = int(last)
        if change.remove:
            node.pop(last)
        elif last == len(node):
            node.append(change.value)
        elif not (change.merge and change.value == {} and isinstance(node[last], dict)):
            node[last] = change.value
        return result
    if not isinstance(node, dict):
        raise InputError(source, "this path does not lead into the scenario", where=change.path)
    if change.remove:
        if last not in node:
            raise InputError(source, "nothing to remove here" + _hint(node, last), where=change.path)
        del node[last]
    elif not (change.merge and change.value == {} and isinstance(node.get(last), (dict, list))):
        node[last] = change.value
    return result


def _hint(node: Any, part: str) -> str:
    return did_you_mean(part, node) if isinstance(node, dict) else ""


class Flip(BaseModel):
    conclusion: str
    label: str = ""  # the conclusion with its days and amounts as a person writes them (Answer.label)
    before: Literal["yes", "no", "depends"]
    after: Literal["yes", "no", "depends"]


class ElementChange(BaseModel):
    element: str
    cite: str
    before: str
    after: str


class WhatIf(BaseModel):
    question: str
    changes: list[str]
    before: Reply
    after: Reply
    changed: bool
    flipped: list[Flip]
    elements_changed: list[ElementChange]
    citations_added: list[str]
    citations_removed: list[str]
    # The same by provision: each authority and section once, with the pinpoints the answer after
    # cites and the one before did not (added), or the other way round (removed).
    authorities_added: list[Cite] = []
    authorities_removed: list[Cite] = []
    regrounded: bool

    def change_lines(self) -> list[str]:
        """The changes as shown to a reader; an empty patch is said to change nothing, not left blank."""
        return self.changes or [NOTHING_CHANGED]


NOTHING_CHANGED = "nothing (the patch changes nothing)"


class Suggestion(BaseModel):
    change: list[str]
    rule: str
    cite: str


class Session:
    """One scenario, grounded once; questions, changes, undo."""

    def __init__(self, path: str | Path | Located, as_of: dt.date | None = None,
                 readings: dict[str, bool] | None = None) -> None:
        located = path if isinstance(path, Located) else load_file(path)  # Located: text already read (fto serve)
        scenario = parse(located)
        self.source = located.source
        base = located.data if isinstance(located.data, dict) else {}
        self.history: list[dict[str, Any]] = [{k: v for k, v in base.items() if k not in CASE_KEYS}]
        self.lines = located.lines
        self.as_of = as_of
        self.readings = readings or {}  # open points of law fixed one way (engine/open_law.py)
        self.solver = Solver(scenario, as_of, source=self.source, warm=True, readings=self.readings)
        self.applied: list[list[Change]] = []
        # The solver's state at the base scenario, while the solver is the one it was taken from (see undo).
        self._at_base: Snapshot | None = None
        # The base scenario's solver itself, kept while a change from the base needed a re-ground (see undo).
        self._base_solver: Solver | None = None

    @property
    def data(self) -> dict[str, Any]:
        return self.history[-1]

    def _validate(self, data: dict[str, Any]) -> Scenario:
        return parse(Located(data, self.lines, self.source))

    def ask(self, question: str, explain_all: bool = False) -> Reply:
        """Answer a question in any of its forms (engine/questions.py): an Answer, or for an open
        question a Listing of its bindings."""
        return ask(self.solver, question, explain_all)

    def ask_all(self, questions: list[str], explain_all: bool = False) -> list[Reply]:
        """Answer several questions against the one grounding."""
        return ask_all(self.solver, questions, explain_all)

    def conclusions(self) -> dict[Symbol, str]:
        return self.solver.conclusions()

    def _move_to(self, data: dict[str, Any]) -> bool:
        """Make `data` current; True if it needed a re-ground."""
        scenario = self._validate(data)
        if self.solver.update(scenario, self.as_of):
            return False
        self.solver = Solver(scenario, self.as_of, source=self.source, warm=True, readings=self.readings)
        self._at_base = None  # a state of the solver now gone
        return True

    def change(self, changes: list[Change]) -> bool:
        """Apply changes; True if the scenario had to be re-grounded."""
        data = self.data
        for change in changes:
            data = apply(data, change, self.source)
        from_base = len(self.history) == 1
        at_base = self.solver.snapshot() if from_base else self._at_base
        solver = self.solver
        try:
            regrounded = self._move_to(data)
        except InputError as exc:
            raise blamed(exc, changes) from None
        self.history.append(data)
        self.applied.append(changes)
        if not regrounded:
            self._at_base = at_base
        elif from_base:
            self._base_solver = solver
        return regrounded

    def undo(self) -> bool:
        """Go back to the scenario before the last change. Back at the base scenario, on the solver it
        was left on, that is its snapshot from then, restored with everything solved for it (nothing is
        validated or solved again: a served session's every what-if starts there and goes back to it).
        Where a change from the base needed a re-ground, the base's own solver was kept and comes back
        (grounding the base again costs more than the what-if). Only the base is kept so: a snapshot
        holds its answer sets, and a shell's changes can run deep."""
        if len(self.history) == 1:
            return False
        self.history.pop()
        self.applied.pop()
        if len(self.history) == 1 and self._base_solver is not None:
            self.solver, self._base_solver = self._base_solver, None
        elif len(self.history) == 1 and self._at_base is not None:
            self.solver.restore(self._at_base)
        else:
            self._move_to(self.data)
        return True

    def whatif(self, question: str, changes: list[Change]) -> WhatIf:
        before = self.ask(question)
        before_all = self.conclusions()
        regrounded = self.change(changes)
        after_all = self.conclusions()  # first: the answer after reads the question's status from them
        after = self.ask(question)
        library = self.solver.library
        flipped = [
            Flip(conclusion=str(atom), label=ground_text(atom, library.preds.get((atom.name, len(atom.arguments))), ","),
                 before=before_all.get(atom, "no"), after=after_all.get(atom, "no"))  # type: ignore[arg-type]
            for atom in sorted(set(before_all) | set(after_all))
            if before_all.get(atom, "no") != after_all.get(atom, "no")
        ]
        old = {e.key: e for e in before.elements} if isinstance(before, Answer) else {}
        new = {e.key: e for e in after.elements} if isinstance(after, Answer) else {}
        elements = [
            ElementChange(element=(new.get(key) or old[key]).element, cite=(new.get(key) or old[key]).cite,
                          before=old[key].status if key in old else "absent",
                          after=new[key].status if key in new else "absent")
            for key in list(dict.fromkeys([*old, *new]))
            if (old[key].status if key in old else "absent") != (new[key].status if key in new else "absent")
        ]
        return WhatIf(
            question=before.question,
            changes=[c.describe() for c in changes],
            before=before,
            after=after,
            changed=before.answer != after.answer,
            flipped=flipped,
            elements_changed=elements,
            citations_added=sorted(set(after.citations) - set(before.citations)),
            citations_removed=sorted(set(before.citations) - set(after.citations)),
            authorities_added=difference(after.citations, before.citations),
            authorities_removed=difference(before.citations, after.citations),
            regrounded=regrounded,
        )

    def why_not(self, question: str, limit: int = 5) -> list[Suggestion]:
        """The smallest sets of assumable facts which, switched, would make a `no` a `yes`
        (engine/deciding.py searches; here they are phrased). For a negated question, the facts
        that would take the conclusion outside the rule."""
        from engine.deciding import remedies
        from engine.explain import Explainer
        from engine.reading import Reading

        asked = checked(self.solver, question)
        atom = asked.atom
        now, want = ("yes", "no") if asked.negated else ("no", "yes")
        if self.solver.status(atom) != now:
            return []
        found = remedies(self.solver, atom, limit, want)
        explainer = Explainer(self.solver.library, Reading(self.solver.canonical() or frozenset(), names=self.solver.names))
        out = []
        for remedy in found:
            specs = [self.solver.library.rules[r] for r in remedy.rules]
            out.append(Suggestion(change=[explainer.sentence(sym, negative=not value) for sym, value in remedy.switches],
                                  rule=", ".join(r.id for r in specs),
                                  cite=joined(r.cite for r in specs)))
        return out + self._dates_that_would(question, atom, want)

    def _dates_that_would(self, question: str, atom: Symbol, want: str) -> list[Suggestion]:
        """The days on which each transaction the question names would have given `want`: the
        scenario is solved again with that transaction's day left open (`on: unknown`), and the
        stretches of days where the answer is `want` are read from the solver (engine/deciding.py)."""
        from clingo.symbol import Function

        from engine.deciding import date_ranges
        from engine.explain import Explainer, upper_first
        from engine.questions import wanted_for
        from engine.reading import Reading
        from engine.spans import when

        named = [str(arg) for arg in atom.arguments if str(arg) in self.solver.scenario.transactions]
        out = []
        for txn in dict.fromkeys(named):
            data = copy.deepcopy(self.data)
            if not isinstance(data.get("transactions", {}).get(txn, {}).get("on"), (str, dt.date)):
                continue  # already uncertain: its deciding facts say where it would change
            data["transactions"][txn]["on"] = "unknown"
            open_day = Solver(self._validate(data), self.as_of, source=self.source, only=wanted_for([question]),
                              readings=self.readings)
            key = Function("day_of", [Function(txn), Function("on")])
            asked = open_day.as_of.toordinal()
            for first, last in date_ranges(open_day, atom, key, want):
                if first is not None and first > asked:
                    continue  # a day after the day asked: as of that day, the transaction had not happened
                explainer = Explainer(open_day.library, Reading(open_day.canonical([(atom, want == "yes")]) or frozenset(),
                                                                names=open_day.names))
                top = explainer.why(atom) if want == "yes" else explainer.why_not(atom)
                made = f"{explainer.render.term(Function(txn))} had been made {when((first, last))}"
                out.append(Suggestion(change=[upper_first(made)], rule=top.rule, cite=top.cite))
        return out
