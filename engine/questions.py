"""Question forms: what a lawyer asks, put to one grounded scenario.

A question is a conclusion atom, as before, or one of its forms (issue #18):

- `not material_support(ngo, meds)`: the negation; yes and no swap, depends stays depends
  with the same deciding facts, and the explanation is the conclusion's own (a yes names the
  failed element or the defeater that takes the case outside the rule).
- several questions at once: grounded once (the union of what each needs), answered each.
- `material_support(A, T)`, `designated(O)`: an open question; every binding that holds, and every
  one that depends (with its deciding facts), in the order of their ground forms, each answerable
  (and explained) as that ground form. The answer to the whole is whether some binding holds.
- `max_prison(a, t, P)`, `penalty_amount(bank, h1, X)`: a question that ends in a variable where
  the conclusion has a value (a date, an amount, a term of years): an open question whose
  bindings are always explained, since the explanation of the ground form is the computation
  (which figure was in force on which day, under which rule).

Parsing and the forms live here; the answer to a ground question is engine/answers.py's, built
from its evidence (engine/evidence.py), so every form carries the same explanation tree, element
ledger, citations and deciding facts as a plain question.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Iterable, Literal, Sequence, Union

import clingo
from clingo.symbol import Symbol, SymbolType
from pydantic import BaseModel

from engine import money
from engine.answers import Answer, Deciding, defects, explain, ground_text, validate_question
from engine.answers import _question_text as question_text
from engine.cites import Cite, merge
from engine.deciding import deciding_sets
from engine.errors import InputError
from engine.evidence import gather_many
from engine.explain import Explainer, Renderer
from engine.reading import DISPLAY, Reading
from engine.rules import PredSpec
from engine.solve import LARGEST_NUMBER, Solver

SOURCE = "<question>"
_NOT = re.compile(r"^not\s+(.*)$", re.DOTALL)
_WORD_NOT = re.compile(r"(?<![A-Za-z0-9_'\"])not(?![A-Za-z0-9_'])")
_VARIABLE = re.compile(r"(?<![A-Za-z0-9_'])(?:_|[A-Z][A-Za-z0-9_']*)(?![A-Za-z0-9_'(])")
_NUMBER = re.compile(r"(?<![A-Za-z0-9_\"])-?[0-9]+(?![A-Za-z0-9_])")
_HOLE = "__fto_variable_"
_DATE = re.compile(r"(?<![A-Za-z0-9_.-])([0-9]{4})-([0-9]{2})-([0-9]{2})(?![A-Za-z0-9_.-])")
_AMOUNT = re.compile(r"\$((?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]{2})?)(?![0-9,.])")
EXAMPLE = "designated(cjng)"


@dataclass(frozen=True)
class Question:
    """One question as asked: the conclusion's atom, whether it is negated, and its variables.

    `atom` has a placeholder constant where a variable stands; `variables` gives (position,
    name) for each, `_` for an argument left open and not reported.
    """

    text: str
    atom: Symbol
    negated: bool = False
    variables: tuple[tuple[int, str], ...] = ()

    @property
    def signature(self) -> tuple[str, int]:
        return (self.atom.name, len(self.atom.arguments))

    @property
    def ground(self) -> bool:
        return not self.variables

    @property
    def free(self) -> frozenset[int]:
        return frozenset(i for i, _ in self.variables)

    def matches(self, atom: Symbol) -> dict[str, Symbol] | None:
        """The binding of the named variables under which `atom` is this question's ground form, or None."""
        if len(atom.arguments) != len(self.atom.arguments) or atom.name != self.atom.name:
            return None
        named = dict(self.variables)
        binding: dict[str, Symbol] = {}
        for i, (want, got) in enumerate(zip(self.atom.arguments, atom.arguments)):
            if i not in named:
                if want != got:
                    return None
            elif named[i] != "_":
                if binding.setdefault(named[i], got) != got:
                    return None
        return binding


def parse(text: str) -> Question:
    """A question's text as a Question; an InputError (one line, naming the problem) if it is none."""
    shown = " ".join(text.split())
    stripped = shown.rstrip(".").strip()
    negated = False
    found = _NOT.match(stripped)
    if found:
        negated, stripped = True, found.group(1).strip()
    if _WORD_NOT.search(_outside_quotes(stripped)):
        raise InputError(SOURCE, f"{shown!r}: `not` goes only in front of a whole question, as in "
                                 f"`not material_support(ngo, meds)`; it cannot stand inside one or twice")
    if stripped.startswith("-"):
        raise InputError(SOURCE, f"{shown!r}: to ask whether a conclusion does not hold, write `not` in front of it")
    for number in _NUMBER.findall(_outside_quotes(stripped)):
        if abs(int(number)) > LARGEST_NUMBER:
            raise InputError(SOURCE, f"{number} in {shown!r} is too large: numbers in a question go up to "
                                     f"{LARGEST_NUMBER:,} (clingo counts in 32 bits)")
    names: list[str] = []

    def hole(m: re.Match[str]) -> str:
        names.append(m.group(0))
        return f"{_HOLE}{len(names) - 1}"

    def day(m: re.Match[str]) -> str:
        try:
            return str(dt.date(*map(int, m.groups())).toordinal())
        except ValueError:
            raise InputError(SOURCE, f"{m.group(0)} in {shown!r} is not a date") from None

    def amount(m: re.Match[str]) -> str:
        return str(money.term(money.cents(Decimal(m.group(1).replace(",", "")))))

    pieces = stripped.split('"')
    pieces[::2] = [_VARIABLE.sub(hole, _AMOUNT.sub(amount, _DATE.sub(day, piece))) for piece in pieces[::2]]
    try:
        sym = clingo.parse_term('"'.join(pieces), logger=lambda _code, _msg: None)
    except (RuntimeError, ValueError):
        raise InputError(SOURCE, f"{shown!r} is not a question such as {EXAMPLE}, "
                                 f"not material_support(ngo, meds) or material_support(A, T)") from None
    if sym.type != SymbolType.Function or not sym.name or sym.name.startswith("_"):
        raise InputError(SOURCE, f"{shown!r} is not a question such as {EXAMPLE}")
    variables = []
    for i, arg in enumerate(sym.arguments):
        if _is_hole(arg):
            variables.append((i, names[int(arg.name[len(_HOLE):])]))
        elif _holes_in(arg):
            raise InputError(SOURCE, f"{shown!r}: a variable stands for a whole argument, not for part of one")
    if negated and variables:
        raise InputError(SOURCE, f"{shown!r}: a question under `not` cannot have a variable: everything that is "
                                 f"not so cannot be listed; ask {_unnegated(shown)!r} and read off who is not among its answers")
    return Question(shown, sym, negated, tuple(variables))


def _outside_quotes(text: str) -> str:
    return " ".join(text.split('"')[::2])


def _unnegated(text: str) -> str:
    found = _NOT.match(text)
    return found.group(1) if found else text


def _is_hole(sym: Symbol) -> bool:
    return sym.type == SymbolType.Function and not sym.arguments and sym.name.startswith(_HOLE)


def _holes_in(sym: Symbol) -> bool:
    return sym.type == SymbolType.Function and any(_is_hole(a) or _holes_in(a) for a in sym.arguments)


def wanted(questions: Iterable[Question]) -> frozenset[tuple[str, int]]:
    """The predicates the answers read, so that a cold Solver grounds only the law they turn on."""
    return DISPLAY | {q.signature for q in questions}


def wanted_for(texts: Sequence[str]) -> frozenset[tuple[str, int]] | None:
    """As `wanted`, from the texts; None if one does not parse (the full solve then reports it, naming it)."""
    try:
        return wanted(parse(t) for t in texts)
    except InputError:
        return None


def solver_for(scenario: Any, texts: Sequence[str], explain_all: bool = False, **options: Any) -> Solver:
    """A cold Solver for these questions: it grounds only the law they turn on, and the derivations
    an explanation reads (provenance) only where one will be built. Why: an open question's listing
    explains no binding, and at 1e4 transactions the derivations are most of the grounding."""
    return Solver(scenario, only=wanted_for(texts), provenance=explains(texts, explain_all), **options)


def explains(texts: Sequence[str], explain_all: bool = False) -> bool:
    """Whether answering these questions builds an explanation: a ground question's answer, a value
    asked of one conclusion (`report_due(bank, h1, D)`), every binding with `explain_all`. True for
    a text that does not parse (its error is reported by the solve)."""
    from engine.rules import library

    if explain_all:
        return True
    preds = library().preds
    try:
        questions = [parse(t) for t in texts]
    except InputError:
        return True
    return any(q.ground or q.signature not in preds or _explained(q, preds[q.signature]) for q in questions)


def _explained(question: "Question", spec: PredSpec) -> bool:
    """An open question whose only variables stand for its value is answered with the computation
    of each value; any other lists its bindings, each asked by its ground form for its explanation."""
    return question.free <= value_positions(spec)


VALUES = ("date", "usd", "years")
"""Argument formats that are a value a question may ask for (rules/README.md: `{V:date}`, ...)."""


def value_positions(spec: PredSpec) -> frozenset[int]:
    """The arguments of a conclusion that hold its value: a date, an amount, a term of years."""
    return frozenset(i for i, fmt in spec.types().items() if fmt in VALUES)


def shape(spec: PredSpec) -> str:
    return f"{spec.name}({', '.join(spec.params)})"


def checked(solver: Solver, text: str) -> Question:
    """The question parsed and checked against the scenario (no solve); errors name the scenario."""
    try:
        question = parse(text)
        _no_value_asked_of_a_yes_no(solver, question)
        validate_question(solver, question.atom, question.text, question.free)
    except InputError as exc:
        raise InputError(solver.source, exc.problem, where="question") from None
    return question


def _no_value_asked_of_a_yes_no(solver: Solver, question: Question) -> None:
    """A trailing variable on a yes/no conclusion asks for a value it does not have: say so, and
    list the conclusions that have one."""
    name, arity = question.signature
    lib = solver.library
    if (name, arity) in lib.preds or not question.variables or question.variables[-1][0] != arity - 1:
        return
    spec = lib.preds.get((name, arity - 1))
    if spec is None or spec.kind != "ask":
        return
    valued = ", ".join(shape(p) for p in lib.asks() if value_positions(p))
    raise InputError(SOURCE, f"{question.text!r}: {shape(spec)} is a yes/no conclusion with no value to ask for; "
                             f"the conclusions with a value are {valued}")


class Binding(BaseModel):
    """One way of filling an open question's variables for which the conclusion holds, or may."""

    question: str  # the ground form: ask it for its explanation
    values: dict[str, str]  # each variable's term, as the rules write it
    shown: dict[str, str]  # and in words: a display name, a date, an amount, a term of years
    answer: Literal["yes", "depends"]
    deciding: list[Deciding] = []
    explained: Answer | None = None  # the ground form's whole answer, where asked for (always for a value)


class Listing(BaseModel):
    """The answer to an open question: every binding that holds or depends, in the order of their
    ground forms. `answer` is whether some binding holds: yes if one does in every reading, depends
    if one may, no if none can."""

    question: str
    as_of: str
    form: Literal["open", "value"]
    variables: list[str]
    answer: Literal["yes", "no", "depends"]
    bindings: list[Binding]
    citations: list[str]
    authorities: list[Cite] = []  # the citations structured and merged, as an Answer's

    def to_json(self) -> str:
        return self.model_dump_json(indent=2, exclude_none=True)


Reply = Union[Answer, Listing]


def ask(solver: Solver, text: str, explain_all: bool = False) -> Reply:
    """Answer one question, in any of its forms, about a grounded scenario."""
    return ask_all(solver, [text], explain_all)[0]


def ask_all(solver: Solver, texts: Sequence[str], explain_all: bool = False) -> list[Reply]:
    """Answer several questions against one grounding; each is checked before any is solved.

    `explain_all`: give every binding of an open question its whole answer (a value question's
    always have one); otherwise a binding that holds is listed with its ground form, which can be
    asked for its explanation. Why not always: at 1e4 transactions an open question has hundreds of
    bindings, and explaining each costs solves that a listing does not need.
    """
    questions = [checked(solver, t) for t in texts]
    ground = [q for q in questions if q.ground]
    evidence = dict(zip([q.atom for q in ground], gather_many(solver, [q.atom for q in ground])))
    return [as_asked(q, explain(solver.library, evidence[q.atom])) if q.ground else listing(solver, q, explain_all)
            for q in questions]


def listing(solver: Solver, question: Question, explain_all: bool = False) -> Listing:
    """Every binding of an open question that holds in some reading, with its status; the depends ones
    with their deciding facts, and (where asked, or where the variables stand only for the value) each
    with its ground form's answer."""
    spec = solver.library.preds[question.signature]
    is_value = bool(question.free & value_positions(spec))
    statuses = solver.statuses([question.signature])
    found = sorted((atom, binding) for atom in statuses if (binding := question.matches(atom)) is not None)
    explained = [atom for atom, _ in found if explain_all or _explained(question, spec)]
    if explained and not solver.provenance:
        raise ValueError("this listing explains its bindings: its Solver needs provenance (questions.solver_for)")
    answers = dict(zip(explained, (explain(solver.library, e) for e in gather_many(solver, explained, statuses))))
    names = Reading(solver.ground_atoms(("name", 2)), names=solver.names)
    render = Renderer(names, solver.library.wordings)
    types = {spec.params[i]: fmt for i, fmt in spec.types().items()}
    named = {name: spec.params[i] for i, name in question.variables}
    bindings = []
    for atom, binding in found:
        detail = answers.get(atom)
        deciding = detail.deciding if detail is not None else (
            deciding_of(solver, names, atom) if statuses[atom] == "depends" else [])
        bindings.append(Binding(
            question=ground_text(atom, spec),
            values={v: str(t) for v, t in binding.items()},
            shown={v: render.term(t, types.get(named[v])) for v, t in binding.items()},
            answer=statuses[atom],  # type: ignore[arg-type]
            deciding=deciding,
            explained=detail))
    statuses_found = {b.answer for b in bindings}
    whole = "yes" if "yes" in statuses_found else "depends" if statuses_found else "no"
    # Explained bindings cite what their explanations rest on; otherwise the rules that conclude it.
    citations = sorted({c for a in answers.values() for c in a.citations}) if answers else sorted(
        {r.cite for r in solver.library.rules_for(question.signature)})
    return Listing(question=question.text, as_of=solver.as_of.isoformat(), form="value" if is_value else "open",
                   variables=list(dict.fromkeys(name for _, name in question.variables if name != "_")),
                   answer=whole, bindings=bindings, citations=citations,  # type: ignore[arg-type]
                   authorities=merge(citations))


def deciding_of(solver: Solver, names: Reading, atom: Symbol) -> list[Deciding]:
    """The deciding facts of a conclusion that depends, phrased as questions, found as its answer's are
    (engine/deciding.py, from the canonical readings in which it holds and fails) but reading only the
    open atoms of those readings, and phrasing them with display names alone: no explanation is built."""
    holds, fails = solver.canonical_open([(atom, True)]), solver.canonical_open([(atom, False)])
    assert holds is not None and fails is not None  # it depends: both readings exist
    explainer = Explainer(solver.library, names)
    return [Deciding(facts=[str(a) for a in group], questions=[question_text(explainer, a) for a in group])
            for group in deciding_sets(solver, atom, holds | {atom}, fails)]


def listing_defects(found: Listing) -> list[str]:
    """engine.answers.defects for every explained binding of a listing."""
    return [f"{b.question}: {problem}" for b in found.bindings if b.explained is not None
            for problem in defects(b.explained)]


def listing_text(found: Listing) -> str:
    """A listing as plain lines: the question, then each binding with its status and deciding facts,
    and the explanation and citations of each binding explained (a value's computation)."""
    from engine.render import explanation_text

    lines = [f"{found.question} as of {found.as_of}: {found.answer.upper()} "
             f"({len(found.bindings)} binding{'s' if len(found.bindings) != 1 else ''})"]
    if not found.bindings:
        lines.append("  none: no way of filling " + ", ".join(found.variables or ["_"]) + " makes it so in this scenario")
    for b in found.bindings:
        filled = ", ".join(f"{v} = {b.shown[v]}" for v in found.variables)
        lines.append(f"  {b.answer.upper():8s}{filled}    [{b.question}]")
        for d in b.deciding:
            lines.append("          deciding: " + " and ".join(d.questions))
        if b.explained is not None:
            lines.append(explanation_text(b.explained, indent="      "))
            lines.append("      citations: " + "; ".join(a.text for a in b.explained.authorities))
    return "\n".join(lines)


SWAP = {"yes": "no", "no": "yes", "depends": "depends"}


def as_asked(question: Question, answer: Answer) -> Answer:
    """The answer to the conclusion, turned into the answer to the question as asked.

    A negation swaps yes and no and keeps everything else: the explanation of the conclusion
    is the reason for the answer either way (the failed element or the defeater that takes the
    case outside the rule, or the elements that bring it inside), and a depends turns on the
    same facts.
    """
    if not question.negated:
        return answer
    asks = f"it is not so that {answer.asks}" if answer.asks else answer.asks
    return answer.model_copy(update={"question": f"not {answer.question}", "label": f"not {answer.label}",
                                     "answer": SWAP[answer.answer], "asks": asks})


def atom_of(text: str) -> Symbol:
    """The conclusion a ground question is about (for callers that need the atom itself)."""
    question = parse(text)
    if not question.ground:
        raise InputError(SOURCE, f"{question.text!r} has a variable; a ground question is needed here")
    return question.atom


def whatif_text(result: Any) -> str:  # engine.session.WhatIf over an open question
    """A what-if over an open question as plain lines: the changes, the bindings that came and went
    or changed status, every other conclusion that flipped, and the listing after."""
    before = {b.question: b.answer for b in result.before.bindings}
    after = {b.question: b.answer for b in result.after.bindings}
    lines = ["What if: " + "; ".join(result.change_lines()),
             f"{result.question}: {result.before.answer.upper()} → {result.after.answer.upper()}"]
    for ground in sorted(set(before) | set(after)):
        if before.get(ground, "no") != after.get(ground, "no"):
            lines.append(f"  {ground}: {before.get(ground, 'no')} → {after.get(ground, 'no')}")
    listed = {str(parse(ground).atom) for ground in set(before) | set(after)}
    others = [f for f in result.flipped if f.conclusion not in listed]
    if others:
        lines.append("Other conclusions that flipped:")
        lines += [f"  {f.conclusion}: {f.before} → {f.after}" for f in others]
    lines += ["After:", listing_text(result.after)]
    return "\n".join(lines)


# ---- fto consequences: everything that follows for an organization ----------------------------

class Consequence(BaseModel):
    """One conclusion that holds (or may) and whose proof goes through the organization."""

    question: str
    claim: str
    answer: Literal["yes", "depends"]
    deciding: list[Deciding] = []


class Body(BaseModel):
    """The consequences under one body of law (one rule file)."""

    law: str  # the rule file, e.g. material_support
    title: str  # what the file encodes, from its header
    conclusions: list[Consequence]


class Consequences(BaseModel):
    organization: str
    as_of: str
    bodies: list[Body]

    def to_json(self) -> str:
        return self.model_dump_json(indent=2, exclude_none=True)


def consequences(solver: Solver, org: str) -> Consequences:
    """Every askable conclusion that holds, or depends, on the date asked and whose proof rests on
    `org` (its designation, its agents, the dealings with them), grouped by body of law.

    Why by proof and not by the ids a conclusion names: the donor's material support names the
    donor and the payment, not the organization, and a conclusion about the donor that rests on
    another organization does not follow from this one.
    """
    scenario = solver.scenario
    if org not in scenario.organizations:
        raise InputError(solver.source, f"{org!r} is not an organization of the scenario; it has "
                                        f"{', '.join(sorted(scenario.organizations)) or 'none'}", where="ORG")
    target = clingo.Function(org)
    statuses = {atom: status for atom, status in solver.conclusions().items() if status != "no"}
    if not statuses:
        return Consequences(organization=org, as_of=solver.as_of.isoformat(), bodies=[])
    base = solver.canonical()
    assert base is not None  # conclusions() found a reading
    readings = {atom: base if atom in base else solver.canonical([(atom, True)]) for atom in statuses}
    resting: dict[frozenset[Symbol], set[Symbol]] = {}
    for model in {m for m in readings.values() if m is not None}:
        resting[model] = _resting_on(solver.reading_of(model), target)
    lib = solver.library
    evidence = dict(zip((d := sorted(a for a, s in statuses.items() if s == "depends")), gather_many(solver, d)))
    groups: dict[str, list[Consequence]] = {}
    for atom in sorted(statuses):
        model = readings[atom]
        if model is None or atom not in resting[model]:
            continue
        spec = lib.preds[(atom.name, len(atom.arguments))]
        claim = Explainer(lib, solver.reading_of(model)).sentence(atom)
        deciding = explain(lib, evidence[atom]).deciding if atom in evidence else []
        groups.setdefault(spec.file, []).append(Consequence(
            question=ground_text(atom, spec), claim=claim, answer=statuses[atom], deciding=deciding))  # type: ignore[arg-type]
    titles = _titles()
    bodies = [Body(law=file.removeprefix("rules/").removesuffix(".lp"), title=titles.get(file, ""), conclusions=found)
              for file, found in sorted(groups.items())]
    return Consequences(organization=org, as_of=solver.as_of.isoformat(), bodies=bodies)


def _resting_on(reading: Reading, target: Symbol) -> set[Symbol]:
    """The derived atoms of a reading whose proof mentions `target` somewhere (in the atom itself or
    in any premise, however deep)."""
    memo: dict[Symbol, bool] = {}

    def mentions(sym: Symbol) -> bool:
        return sym == target or (sym.type == SymbolType.Function and any(mentions(a) for a in sym.arguments))

    def rests(atom: Symbol, path: frozenset[Symbol]) -> bool:
        if atom in memo:
            return memo[atom]
        found = mentions(atom)
        for _, premises, _ in reading.because.get(atom, []):
            if found:
                break
            found = any(rests(p, path | {atom}) for p in premises.arguments
                        if p.type == SymbolType.Function and p.name != "neg" and p not in path)
        if not found or not path:
            memo[atom] = found
        return found

    return {atom for atom in reading.because if rests(atom, frozenset())}


def _titles() -> dict[str, str]:
    """Each rule file's header line (what it encodes), by its `rules/NAME.lp` name."""
    from engine.rules import _rule_folder

    out = {}
    for entry in _rule_folder().iterdir():
        if entry.name.endswith(".lp"):
            header: list[str] = []
            for line in entry.read_text(encoding="utf-8").splitlines():
                text = line.lstrip("% ").strip()
                if not line.startswith("%") or (header and (not text or set(text) <= set("=-"))):
                    break
                if text and not set(text) <= set("=-"):
                    header.append(text)
            out[f"rules/{entry.name}"] = " ".join(header)
    return out


def consequences_text(found: Consequences) -> str:
    lines = [f"What follows for {found.organization} as of {found.as_of}:"]
    if not found.bodies:
        lines.append("  nothing the rule book concludes rests on it")
    for body in found.bodies:
        lines.append(f"{body.law}: {body.title}")
        for c in body.conclusions:
            lines.append(f"  {c.answer.upper():8s}{c.claim}    [{c.question}]")
            for d in c.deciding:
                lines.append("          deciding: " + " and ".join(d.questions))
    return "\n".join(lines)
