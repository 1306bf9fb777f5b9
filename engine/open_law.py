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

import re
from typing import Mapping

from pydantic import BaseModel

from engine.errors import InputError
from engine.rules import Library

_CHOICE = re.compile(r"\{\s*reading\(([a-z][a-z0-9_]*)\)\s*\}")
_PLACEHOLDER = re.compile(r"\{([A-Za-z][A-Za-z0-9_]*)(?::[a-z_]+)?\}")
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
            question = _PLACEHOLDER.sub(lambda m: m.group(1), rule.sentence)  # a choice rule's variables, as names
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


def fixed_program(lib: Library, fixed: Mapping[str, bool], source: str = "<command line>") -> str:
    """Program text that fixes readings: a fact for yes, a constraint for no. Only names the rule
    book declares are accepted, so nothing a user types reaches the program text."""
    known = {r.name for r in readings(lib)}
    for name in fixed:
        if name not in known:
            raise InputError(source, f"{name!r} is not a reading; the readings are {', '.join(sorted(known))}",
                             where="readings")
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
