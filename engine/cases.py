"""Case files: a scenario plus expectations about answers and their reasons.

Shared by `fto check` and the pytest plugin, so both judge a case the same way.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from engine.answers import Answer, defects
from engine.errors import InputError, closest, did_you_mean
from engine.questions import Listing, Reply, ask, listing_defects
from engine.questions import parse as parse_question
from engine.scenario import CASE_KEYS, Scenario, parse, validation_error
from engine.solve import Solver
from engine.yamlsource import Located, load_file, load_text


class Expectation(BaseModel):
    """One question with its expected answer and the citations that must support it."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    ask: str = Field(description="A conclusion `fto predicates` lists, e.g. designated(cjng)")
    answer: Literal["yes", "no", "depends"]
    cites: list[str] = Field(min_length=1, description="Each must be contained in one of the answer's citations")
    as_of: dt.date | None = Field(None, description="Ask as of this day instead of the scenario's as_of")
    not_cites: list[str] = Field([], description="Citations that must not appear")
    rules: list[str] = Field([], description="Rule ids that must appear in the explanation")
    deciding: list[str] = Field([], description="For depends: facts that must be among the deciding ones")
    set: dict[str, Any] = Field({}, description="A what-if: PATH: VALUE changes made before asking")
    remove: list[str] = Field([], description="A what-if: paths deleted before asking")
    elements: dict[str, Literal["established", "refuted", "unknown", "not reached"]] = Field(
        {}, description="Element ledger statuses to check, by element predicate")
    bindings: dict[str, Literal["yes", "depends"]] = Field(
        {}, description="An open or value question: exactly the ground forms that hold or depend, e.g. "
                        "{\"material_support(trucker, t1)\": yes}")
    readings: dict[str, bool] = Field({}, description="Open points of law fixed one way for this question "
                                                      "(`fto readings` lists them), e.g. {frap_26a_extends_deadline: yes}")
    note: str | None = Field(None, description="Why this is the answer, in a sentence")

    @field_validator("answer", mode="before")
    @classmethod
    def _yaml_booleans(cls, value: object) -> object:
        """YAML 1.1 reads a bare `yes`/`no` as a boolean; students write it bare."""
        if value is True:
            return "yes"
        if value is False:
            return "no"
        return value

    @field_validator("bindings", mode="before")
    @classmethod
    def _yaml_binding_booleans(cls, value: object) -> object:
        """As for `answer`: a bare `yes` is a YAML boolean."""
        if isinstance(value, dict):
            return {k: "yes" if v is True else v for k, v in value.items()}
        return value


class CaseMeta(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)
    expect: list[Expectation] = Field(min_length=1)
    name: str | None = None
    tags: list[str] = []


class CaseFile(Scenario):
    """A scenario file; a case file adds what the engine must answer about it (`fto check`)."""

    model_config = ConfigDict(title="fto scenario or case file")
    name: str | None = Field(None, description="A case: one line saying what it shows")
    tags: list[str] = []
    expect: list[Expectation] = Field([], description="A case: the questions, each with its expected answer and cites")


@dataclass
class Case:
    path: str
    scenario: Scenario
    meta: CaseMeta
    located: Located
    _solvers: dict[tuple[dt.date, tuple[tuple[str, bool], ...]], Solver] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return self.meta.name or self.scenario.scenario or self.path

    def solver(self, as_of: dt.date | None, readings: dict[str, bool] | None = None) -> Solver:
        day = as_of or self.scenario.as_of
        key = (day, tuple(sorted((readings or {}).items())))
        if key not in self._solvers:
            self._solvers[key] = Solver(self.scenario, day, source=self.path, readings=readings, only=self.wanted)
        return self._solvers[key]

    @property
    def wanted(self) -> frozenset[tuple[str, int]] | None:
        """The predicates the case's questions read: its solvers ground only the law they turn on."""
        from engine.questions import wanted_for

        return wanted_for([exp.ask for exp in self.meta.expect])

    def changed_solver(self, exp: "Expectation") -> Solver:
        """A solver for the scenario with an expectation's what-if changes applied."""
        from engine.session import Change, apply

        data = {k: v for k, v in self.located.data.items() if k not in CASE_KEYS}
        changes = [Change(p, v) for p, v in exp.set.items()] + [Change(p, remove=True) for p in exp.remove]
        for change in changes:
            data = apply(data, change, self.path)
        scenario = parse(Located(data, self.located.lines, self.path))
        return Solver(scenario, exp.as_of, source=self.path, readings=exp.readings, only=self.wanted)


def load_case(path: str | Path) -> Case:
    return _case(load_file(path), str(path))


def _case(located: Located, path: str) -> Case:
    scenario = parse(located)
    data = located.data if isinstance(located.data, dict) else {}
    try:
        meta = CaseMeta.model_validate({k: data[k] for k in ("expect", "name", "tags") if k in data})
    except ValidationError as exc:
        raise validation_error(exc, located, CaseMeta) from None
    if any(exp.readings for exp in meta.expect):  # a misspelt reading: its own line, and the name it meant
        from engine.open_law import names, not_a_reading
        from engine.rules import library

        known = names(library())
        for i, exp in enumerate(meta.expect):
            for name in exp.readings:
                if name not in known:
                    raise located.error(("expect", i, "readings", name), not_a_reading(name, known))
    return Case(path, scenario, meta, located)


@dataclass
class Verdict:
    """One expectation judged: what was asked, what the engine answered, and each difference."""

    case: Case
    index: int
    answer: Reply
    problems: list[tuple[str, str]]
    """(what differs: answer, bindings, cites, not_cites, rules, elements, deciding; how), in that order."""

    @property
    def passed(self) -> bool:
        return not self.problems

    @property
    def expectation(self) -> Expectation:
        return self.case.meta.expect[self.index]

    @property
    def label(self) -> str:
        exp = self.expectation
        label = f"expect.{self.index}: {exp.ask}" + (f" as of {exp.as_of}" if exp.as_of else "")
        if exp.set or exp.remove:
            edits = [f"{k}={v}" for k, v in exp.set.items()] + [f"remove {p}" for p in exp.remove]
            label += " if " + ", ".join(edits)
        if exp.readings:
            label += " reading " + ", ".join(f"{n}={'yes' if v else 'no'}" for n, v in exp.readings.items())
        return label

    def summary(self) -> str:
        """One line: the label and either the answer or every difference."""
        return f"{self.label}: " + ("; ".join(how for _, how in self.problems) if self.problems else self.answer.answer)

    def diff(self) -> list[str]:
        """Expected against got, a line per difference (what a failing test prints)."""
        lines = [f"{what:9s} {how}" for what, how in self.problems]
        if any(what in ("cites", "not_cites") for what, _ in self.problems):
            lines.append(f"{'':9s} the answer cites: {'; '.join(self.answer.citations) or 'nothing'}")
        return lines


def judge(case: Case, index: int) -> Verdict:
    """Run one expectation against the engine."""
    exp = case.meta.expect[index]
    try:
        solver = case.changed_solver(exp) if (exp.set or exp.remove) else case.solver(exp.as_of, exp.readings)
        reply = ask(solver, exp.ask, explain_all=True)
    except InputError as exc:
        line = case.located.line_of(("expect", index, "ask"))
        raise InputError(case.path, exc.problem, line, f"expect.{index}") from None
    if isinstance(reply, Listing):
        return _judge_listing(case, index, reply)
    answer = reply
    problems = _answer_and_cites(exp, answer)
    used = _rules_in(answer.explanation.model_dump())
    for rule in exp.rules:
        if rule not in used:
            hint = did_you_mean(rule, solver.library.rules) if rule not in solver.library.rules else ""
            problems.append(("rules", f"rule {rule} does not appear in the explanation{hint}"))
    ledger = {e.predicate: e.status for e in answer.elements}
    for element, status in exp.elements.items():
        if element not in ledger:
            problems.append(("elements", f"{element!r} is not in the ledger {sorted(ledger)}"
                                         f"{did_you_mean(element, ledger)}"))
        elif ledger[element] != status:
            problems.append(("elements", f"{element}: expected {status}, got {ledger[element]}"))
    if answer.answer == "depends" and not answer.deciding:
        problems.append(("deciding", "the answer is depends but names no deciding fact"))
    problems += [("explanation", problem) for problem in defects(answer)]
    decided = {f for d in answer.deciding for f in d.facts}
    for fact in exp.deciding:
        if fact not in decided:
            problems.append(("deciding", f"{fact} is not among the deciding facts {sorted(decided)}"
                                         f"{did_you_mean(fact, decided)}"))
    return Verdict(case, index, answer, problems)


def corrections(verdict: Verdict) -> dict[str, Any]:
    """The expectation's fields that differ from the engine's answer, as the engine now has them.

    What the author chose is kept where it still holds (the cites that still match, the elements
    still in the ledger); what no longer holds is dropped; an expectation left with no cite gets
    the cites of the step that concludes the answer.
    """
    exp, answer = verdict.expectation, verdict.answer
    differs = {what for what, _ in verdict.problems}
    out: dict[str, Any] = {}
    if isinstance(answer, Listing):  # an open question: its answer, bindings and cites
        if "answer" in differs:
            out["answer"] = answer.answer
        if "bindings" in differs:
            out["bindings"] = {b.question: b.answer for b in answer.bindings}
        if "cites" in differs:
            out["cites"] = [c for c in exp.cites if any(c in got for got in answer.citations)] or answer.citations[:1]
        return out
    if "answer" in differs:
        out["answer"] = answer.answer
    if "cites" in differs:
        kept = [c for c in exp.cites if any(c in got for got in answer.citations)]
        out["cites"] = kept or _concluding_cites(answer)
    if "not_cites" in differs:
        out["not_cites"] = [c for c in exp.not_cites if not any(c in got for got in answer.citations)]
    if "rules" in differs:
        used = _rules_in(answer.explanation.model_dump())
        out["rules"] = [r for r in exp.rules if r in used]
    if "elements" in differs:
        ledger = {e.predicate: e.status for e in answer.elements}
        out["elements"] = {k: ledger[k] for k in exp.elements if k in ledger}
    if "deciding" in differs and exp.deciding:
        decided = {f for d in answer.deciding for f in d.facts}
        out["deciding"] = [f for f in exp.deciding if f in decided]
    return out


def _concluding_cites(answer: Answer) -> list[str]:
    """The cites of the rule that gives the answer (for depends, of the rules on either side)."""
    root = answer.explanation
    steps = [root] if root.cite else root.because
    return list(dict.fromkeys(s.cite for s in steps if s.cite)) or answer.citations[:1]


def rewrite(case: Case, text: str, fixes: dict[int, dict[str, Any]]) -> str:
    """The case file's text with each fix written over the value it replaces, and nothing else
    touched: comments, notes, key order, quoting and layout elsewhere stay as the author left them.

    Each value is located in the YAML node graph by its character span and replaced by a flow
    value (`yes`, `["8 U.S.C. § 1189(a)(1)"]`, `{knew_nature: established}`); a block list
    becomes a flow list in the same place, keeping any comment after it.
    """
    import yaml

    root = yaml.compose(text, Loader=yaml.SafeLoader)
    expect = _child(root, "expect")
    edits: list[tuple[int, int, str]] = []
    for index, fields in fixes.items():
        item = expect.value[index] if isinstance(expect, yaml.SequenceNode) else None
        for key, value in fields.items():
            pair = next(((k, v) for k, v in (item.value if item else []) if k.value == key), None)
            if pair is None or pair[1].start_mark.index < pair[0].end_mark.index:  # absent, or a YAML alias
                raise InputError(case.path, f"cannot rewrite {key} here (written with a YAML alias?); edit it by hand",
                                 case.located.line_of(("expect", index, key)), f"expect.{index}.{key}")
            edits.append((pair[1].start_mark.index, _end(pair[1]), _flow(value)))
    for start, end, new in sorted(edits, reverse=True):
        old = text[start:end]
        if "\n" not in old and len(new) < len(old) and re.match(r"[ \t]+#", text[end:]):
            new = new.ljust(len(old))  # a comment after the value stays in its column
        text = text[:start] + new + text[end:]
    return text


def _child(node: Any, key: str) -> Any:
    return next((v for k, v in getattr(node, "value", []) if getattr(k, "value", None) == key), None)


def _end(node: Any) -> int:
    """Where a value's own text ends: for a block list or mapping, the end of its last item (its
    node's end mark lies past the line break and the next key's indentation)."""
    import yaml

    if isinstance(node, (yaml.SequenceNode, yaml.MappingNode)) and not node.flow_style and node.value:
        last = node.value[-1]
        return _end(last[1] if isinstance(last, tuple) else last)
    return int(node.end_mark.index)


def _flow(value: Any) -> str:
    """A value as one line of YAML flow style, quoting any string a plain scalar cannot hold."""
    import json

    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_flow(k)}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, str) and re.fullmatch(r"[a-z][a-z0-9_]*(?: [a-z]+)?", value) and value not in _YAML_WORDS:
        return value
    return json.dumps(value, ensure_ascii=False)


_YAML_WORDS = frozenset({"null", "true", "false", "on", "off", "y", "n", "not"})
"""Words YAML reads as something other than the word (yes and no are read back as answers)."""


def updated(case: Case, text: str, fixes: dict[int, dict[str, Any]]) -> str:
    """The rewritten text, checked before anyone writes it: it loads as a case, differs from the
    old one only in the fixed fields, and every one of its expectations now passes."""
    new_text = rewrite(case, text, fixes)
    new = _case(load_text(new_text, case.path), case.path)
    for index, exp in enumerate(case.meta.expect):
        want = exp.model_copy(update=fixes.get(index, {}))
        if new.meta.expect[index] != want:
            raise InputError(case.path, "the rewritten expectation would not read back as intended; "
                             "nothing was written", case.located.line_of(("expect", index)), f"expect.{index}")
    still = [v for v in (judge(new, i) for i in range(len(new.meta.expect))) if not v.passed]
    if still:
        raise InputError(case.path, f"still fails after the update ({still[0].summary()}); nothing was written",
                         case.located.line_of(("expect", still[0].index)), f"expect.{still[0].index}")
    return new_text


def _cited(cite: str, citations: list[str]) -> bool:
    """Whether the answer's citations name `cite`: one contains it as written, or names its provision
    among others (`31 C.F.R. § 594.204` is named by `31 C.F.R. §§ 594.204, 594.409`)."""
    from engine.cites import difference, parse

    return any(cite in c for c in citations) or (bool(parse(cite)) and not difference([cite], citations))


def _answer_and_cites(exp: Expectation, found: Reply) -> list[tuple[str, str]]:
    """The differences in the answer and the citations, which every form of question has."""
    problems: list[tuple[str, str]] = []
    if found.answer != exp.answer:
        problems.append(("answer", f"expected {exp.answer}, got {found.answer}"))
    for cite in exp.cites:
        if not _cited(cite, found.citations):
            problems.append(("cites", f"missing citation {cite!r}"))
    for cite in exp.not_cites:
        if any(cite in c for c in found.citations):
            problems.append(("not_cites", f"citation {cite!r} must not appear"))
    return problems


def _judge_listing(case: Case, index: int, found: Listing) -> Verdict:
    """An open question's expectation: its answer, its bindings (exactly), and the citations, rules
    and deciding facts of its bindings."""
    exp = case.meta.expect[index]
    problems = _answer_and_cites(exp, found)
    got = {str(parse_question(b.question).atom): b.answer for b in found.bindings}
    want = {str(parse_question(q).atom): status for q, status in exp.bindings.items()}
    if exp.bindings and got != want:
        problems.insert(1 if found.answer != exp.answer else 0, ("bindings", f"expected the bindings {want}, got {got}"))
    used = rules_used(found)
    problems += [("rules", f"rule {rule} does not appear in any binding's explanation{did_you_mean(rule, used)}")
                 for rule in exp.rules if rule not in used]
    if exp.elements:
        problems.append(("elements", "an open question has no element ledger of its own; ask a binding's ground form"))
    decided = {f for b in found.bindings for d in b.deciding for f in d.facts}
    problems += [("deciding", f"{fact} is not among the deciding facts {sorted(decided)}")
                 for fact in exp.deciding if fact not in decided]
    problems += [("deciding", f"{b.question} depends but names no deciding fact") for b in found.bindings
                 if b.answer == "depends" and not b.deciding]
    problems += [("answer", problem) for problem in listing_defects(found)]
    return Verdict(case, index, found, problems)


def rules_used(answer: Reply) -> set[str]:
    """Rule ids an answer rests on: its explanation tree and its element ledger (for an open
    question, those of every binding explained)."""
    if isinstance(answer, Listing):
        return {r for b in answer.bindings if b.explained is not None for r in rules_used(b.explained)}
    return _rules_in(answer.explanation.model_dump()) | {e.rule for e in answer.elements}


def _rules_in(node: dict[str, object]) -> set[str]:
    out = {str(node["rule"])}
    for child in node["because"]:  # type: ignore[union-attr]
        out |= _rules_in(child)  # type: ignore[arg-type]
    return out


def case_files(paths: list[str]) -> list[Path]:
    """Every .yaml/.yml file named or found below the given paths, sorted; finding none is an
    error, so that a mistyped folder in CI fails instead of passing with nothing checked."""
    found: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            below = sorted(q for q in p.rglob("*") if q.suffix in (".yaml", ".yml") and q.is_file())
            if not below:
                raise InputError(raw, "no case files (*.yaml, *.yml) in this folder")
            found.extend(below)
        elif p.exists():
            found.append(p)
        else:
            raise InputError(raw, "no such file or directory" + _path_hint(p))
    return found


def _path_hint(path: Path) -> str:
    """A did-you-mean for the first part of a path that does not exist, from what its folder holds."""
    parts = path.parts
    for i in range(len(parts)):
        if not Path(*parts[: i + 1]).exists():
            folder = Path(*parts[:i]) if i else Path(".")
            try:
                close = closest(parts[i], (q.name for q in folder.iterdir()))
            except OSError:
                return ""
            return f"; did you mean {str(Path(*parts[:i], close, *parts[i + 1:]))!r}?" if close else ""
    return ""
