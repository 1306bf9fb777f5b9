"""Open points of law as named readings (issue #18, item 7).

Where the law is unsettled the rules write a choice `{ reading(NAME) }` and both readings run
(rules/README.md, "Open law"); an answer that turns on one is `depends`, with the reading among
its deciding facts. Here those readings get names a user can list (`fto readings`), with the
authorities each side rests on, and fix (`--reading NAME=yes`) to ask under one side only.

The sides are read from the rule book itself: the choice rule's own annotation says what is open
and where, the rules that need `reading(NAME)` are the yes side, those that need `not
reading(NAME)` the no side. Python decides nothing here; it only names what the rules hold open.
"""

from __future__ import annotations

import itertools
import re
from typing import TYPE_CHECKING, Mapping

from clingo.symbol import Function
from pydantic import BaseModel

from engine.errors import InputError, did_you_mean
from engine.rules import Library

if TYPE_CHECKING:
    from engine.solve import Solver

_CHOICE = re.compile(r"\{\s*reading\(([a-z][a-z0-9_]*)\)\s*\}")
_PLACEHOLDER = re.compile(r"\{([A-Za-z][A-Za-z0-9_]*)(?::[a-z_]+)?\}")
_GENERIC = {"T": "the transaction", "X": "the act", "A": "the person", "O": "the organization", "E": "the event",
            "H": "the holding", "I": "the institution"}
"""How a listing names a choice rule's variable: by the letter the rule book uses for that kind of thing."""
_USE = re.compile(r"(\bnot\s+)?\breading\(([a-z][a-z0-9_]*)\)")


class OpenReading(BaseModel):
    """One open point of law: what is open, where, and the authorities each side rests on."""

    name: str
    question: str  # the choice rule's sentence: what is unsettled
    cite: str
    status: str
    note: str
    file: str
    yes: list[str]  # cites of the rules that apply only on this reading
    no: list[str]  # cites of the rules that apply only without it


def readings(lib: Library) -> list[OpenReading]:
    """Every named reading of the rule book, in name order."""
    found: dict[str, OpenReading] = {}
    uses: dict[tuple[str, bool], set[str]] = {}
    for rule in lib.rules.values():
        head, _, body = rule.text.partition(":-")
        choice = _CHOICE.search(head)
        if choice and rule.signature == ("reading", 1):
            name = choice.group(1)
            question = _PLACEHOLDER.sub(lambda m: _GENERIC.get(m.group(1), "it"), rule.sentence)  # unbound: said generally
            found.setdefault(name, OpenReading(name=name, question=question, cite=rule.cite, status=rule.status,
                                               note=rule.note, file=rule.file, yes=[], no=[]))
            continue
        for negated, name in _USE.findall(body):
            uses.setdefault((name, not negated), set()).add(rule.cite)
    for name, reading in found.items():
        reading.yes = sorted(uses.get((name, True), set()))
        reading.no = sorted(uses.get((name, False), set()))
    return [found[n] for n in sorted(found)]


def parse_fix(text: str) -> tuple[str, bool]:
    """`NAME=yes` or `NAME=no` (as `--reading` takes it)."""
    name, sep, value = text.partition("=")
    value = value.strip().lower()
    if not sep or value not in ("yes", "no", "true", "false"):
        raise InputError("<command line>", f"{text!r}: write a reading as NAME=yes or NAME=no", where="--reading")
    return name.strip(), value in ("yes", "true")


def names(lib: Library) -> set[str]:
    """The names of the open readings the rule book declares."""
    return {r.name for r in readings(lib)}


def not_a_reading(name: str, known: set[str] | list[str]) -> str:
    """The problem with a name that is no reading: the one it most likely meant, else them all."""
    return f"{name!r} is not a reading" + (did_you_mean(name, known) or f"; the readings are {', '.join(sorted(known))}")


def fixed_program(lib: Library, fixed: Mapping[str, bool], source: str = "<command line>") -> str:
    """Program text that fixes readings: a fact for yes, a constraint for no. Only names the rule
    book declares are accepted, so nothing a user types reaches the program text."""
    known = names(lib)
    for name in fixed:
        if name not in known:
            raise InputError(source, not_a_reading(name, known), where="readings")
    return "".join(f"reading({n})." if yes else f":- reading({n})." for n, yes in sorted(fixed.items()))


def readings_text(found: list[OpenReading]) -> str:
    lines = []
    for r in found:
        lines.append(f"{r.name}  ({r.file})")
        lines.append(f"  open: {r.question}  [{r.cite}]")
        if r.note:
            lines.append(f"  note: {r.note}")
        lines.append("  yes:  " + ("; ".join(r.yes) or "(no rule rests on it alone)"))
        lines.append("  no:   " + ("; ".join(r.no) or "the rules without the reading apply"))
    return "\n".join(lines)


MAX_TABULATED = 5
"""Readings tabulated at once (`fto ask --readings`): 2**5 rows at most, two solves each."""


class TableRow(BaseModel):
    readings: dict[str, bool]
    answer: str


class ReadingTable(BaseModel):
    """One question's answer under each combination of the open readings its law grounds."""

    question: str
    as_of: str
    readings: list[str]  # the readings tabulated, in name order
    turns_on: list[str]  # those whose side changes the answer for some choice of the others
    rows: list[TableRow]

    def to_text(self) -> str:
        head = f"{self.question} as of {self.as_of}, under each reading:"
        if not self.readings:
            return head + "\n  no open point of law bears on it: the answer is the same under every reading\n"
        width = max(len(n) for n in self.readings)
        lines = [head, "  " + "  ".join(n.ljust(width) for n in self.readings) + "  answer"]
        for row in self.rows:
            cells = ("yes" if row.readings[n] else "no" for n in self.readings)
            lines.append("  " + "  ".join(c.ljust(width) for c in cells) + "  " + row.answer.upper())
        lines.append("The answer turns on: " + (", ".join(self.turns_on) if self.turns_on else
                                                 "none of them (it is the same under each)"))
        return "\n".join(lines) + "\n"


def table(solver: Solver, text: str) -> ReadingTable:
    """The answer to one yes/no question under each combination of the readings its solve leaves
    open: each row is a solve under those readings as assumptions, as `--reading` would fix them."""
    from engine.deciding import Samples
    from engine.answers import ground_text
    from engine.questions import checked

    question = checked(solver, text)
    if not question.ground:
        raise InputError("<command line>", "an open question has no one answer to tabulate; ask one binding's ground form",
                         where="--readings")
    names = sorted(str(r.arguments[0]) for r in solver.readings if r.name == "reading" and len(r.arguments) == 1)
    if len(names) > MAX_TABULATED:
        raise InputError("<command line>", f"{len(names)} open readings bear on this question; --readings "
                                           f"tabulates at most {MAX_TABULATED}: fix some with --reading NAME=yes|no",
                         where="--readings")
    atom = question.atom
    choices = [Function("reading", [Function(n)]) for n in names]
    samples = Samples(solver, [atom, *choices], ())  # the deciding search's status, remembering answer sets
    rows: list[TableRow] = []
    for values in itertools.product((True, False), repeat=len(names)):
        fixed = list(zip(choices, values))
        status = samples.status(atom, fixed) or "no"
        answer = {"yes": "no", "no": "yes"}.get(status, status) if question.negated else status
        rows.append(TableRow(readings=dict(zip(names, values)), answer=answer))
    by = {tuple(r.readings.values()): r.answer for r in rows}
    turns_on = [n for i, n in enumerate(names)
                if any(by[k] != by[k[:i] + (not k[i],) + k[i + 1:]] for k in by)]
    shown = ground_text(atom, solver.library.preds[question.signature])
    return ReadingTable(question=("not " if question.negated else "") + shown, as_of=solver.as_of.isoformat(),
                        readings=names, turns_on=turns_on, rows=rows)
