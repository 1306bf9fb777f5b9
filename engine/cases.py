"""Case files: a scenario plus expectations about answers and their reasons.

Shared by `fto check` and the pytest plugin, so both judge a case the same way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from engine.answers import Answer, ask, defects
from engine.errors import InputError
from engine.scenario import CASE_KEYS, Scenario, parse
from engine.solve import Solver
from engine.yamlsource import Located, load_file


class Expectation(BaseModel):
    """One question with its expected answer and the citations that must support it."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    ask: str
    answer: Literal["yes", "no", "depends"]
    cites: list[str] = Field(min_length=1)
    as_of: dt.date | None = None
    not_cites: list[str] = []
    rules: list[str] = []
    deciding: list[str] = []
    set: dict[str, Any] = {}
    remove: list[str] = []
    elements: dict[str, Literal["established", "refuted", "unknown", "not reached"]] = {}
    note: str | None = None

    @field_validator("answer", mode="before")
    @classmethod
    def _yaml_booleans(cls, value: object) -> object:
        """YAML 1.1 reads a bare `yes`/`no` as a boolean; students write it bare."""
        if value is True:
            return "yes"
        if value is False:
            return "no"
        return value


class CaseMeta(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)
    expect: list[Expectation] = Field(min_length=1)
    name: str | None = None
    tags: list[str] = []


@dataclass
class Case:
    path: str
    scenario: Scenario
    meta: CaseMeta
    located: Located
    _solvers: dict[dt.date, Solver] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return self.meta.name or self.scenario.scenario

    def solver(self, as_of: dt.date | None) -> Solver:
        day = as_of or self.scenario.as_of
        if day not in self._solvers:
            self._solvers[day] = Solver(self.scenario, day, source=self.path)
        return self._solvers[day]

    def changed_solver(self, exp: "Expectation") -> Solver:
        """A solver for the scenario with an expectation's what-if changes applied."""
        from engine.session import Change, apply

        data = {k: v for k, v in self.located.data.items() if k not in CASE_KEYS}
        changes = [Change(p, v) for p, v in exp.set.items()] + [Change(p, remove=True) for p in exp.remove]
        for change in changes:
            data = apply(data, change, self.path)
        scenario = parse(Located(data, self.located.lines, self.path))
        return Solver(scenario, exp.as_of, source=self.path)


def load_case(path: str | Path) -> Case:
    located = load_file(path)
    scenario = parse(located)
    data = located.data if isinstance(located.data, dict) else {}
    try:
        meta = CaseMeta.model_validate({k: data[k] for k in ("expect", "name", "tags") if k in data})
    except ValidationError as exc:
        first = exc.errors()[0]
        raise located.error(tuple(first["loc"]), first["msg"]) from None
    return Case(str(path), scenario, meta, located)


def judge(case: Case, index: int) -> tuple[bool, str, Answer | None]:
    """Run one expectation; return (passed, message, answer)."""
    exp = case.meta.expect[index]
    try:
        solver = case.changed_solver(exp) if (exp.set or exp.remove) else case.solver(exp.as_of)
        answer = ask(solver, exp.ask)
    except InputError as exc:
        line = case.located.line_of(("expect", index, "ask"))
        raise InputError(case.path, exc.problem, line, f"expect.{index}") from None
    problems: list[str] = []
    if answer.answer != exp.answer:
        problems.append(f"expected {exp.answer}, got {answer.answer}")
    for cite in exp.cites:
        if not any(cite in c for c in answer.citations):
            problems.append(f"missing citation {cite!r}")
    for cite in exp.not_cites:
        if any(cite in c for c in answer.citations):
            problems.append(f"citation {cite!r} must not appear")
    used = _rules_in(answer.explanation.model_dump())
    for rule in exp.rules:
        if rule not in used:
            problems.append(f"rule {rule} does not appear in the explanation")
    ledger = {e.predicate: e.status for e in answer.elements}
    for element, status in exp.elements.items():
        if element not in ledger:
            problems.append(f"element {element!r} is not in the ledger {sorted(ledger)}")
        elif ledger[element] != status:
            problems.append(f"element {element!r} is {ledger[element]}, expected {status}")
    if answer.answer == "depends" and not answer.deciding:
        problems.append("the answer is depends but names no deciding fact")
    problems += defects(answer)
    decided = {f for d in answer.deciding for f in d.facts}
    for fact in exp.deciding:
        if fact not in decided:
            problems.append(f"{fact} is not among the deciding facts {sorted(decided)}")
    label = f"{exp.ask}" + (f" as of {exp.as_of}" if exp.as_of else "")
    if exp.set or exp.remove:
        edits = [f"{k}={v}" for k, v in exp.set.items()] + [f"remove {p}" for p in exp.remove]
        label += " if " + ", ".join(edits)
    return (not problems, f"{label}: " + ("; ".join(problems) if problems else exp.answer), answer)


def rules_used(answer: Answer) -> set[str]:
    """Rule ids an answer rests on: its explanation tree and its element ledger."""
    return _rules_in(answer.explanation.model_dump()) | {e.rule for e in answer.elements}


def _rules_in(node: dict[str, object]) -> set[str]:
    out = {str(node["rule"])}
    for child in node["because"]:  # type: ignore[union-attr]
        out |= _rules_in(child)  # type: ignore[arg-type]
    return out


def case_files(paths: list[str]) -> list[Path]:
    """Every .yaml/.yml file named or found below the given paths, sorted."""
    found: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found.extend(sorted(q for q in p.rglob("*") if q.suffix in (".yaml", ".yml") and q.is_file()))
        elif p.exists():
            found.append(p)
        else:
            raise InputError(raw, "no such file or directory")
    return found
