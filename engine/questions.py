"""Question forms: what a lawyer asks, put to one grounded scenario.

A question is a conclusion atom, as before, or one of its forms (issue #18):

- `not material_support(ngo, meds)`: the negation; yes and no swap, depends stays depends
  with the same deciding facts, and the explanation is the conclusion's own (a yes names the
  failed element or the defeater that takes the case outside the rule).
- several questions at once: grounded once (the union of what each needs), answered each.

Parsing and the forms live here; the answer to a ground question is engine/answers.py's, built
from its evidence (engine/evidence.py), so every form carries the same explanation tree, element
ledger, citations and deciding facts as a plain question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Sequence

import clingo
from clingo.symbol import Symbol, SymbolType

from engine.answers import Answer, explain, validate_question
from engine.errors import InputError
from engine.evidence import gather_many
from engine.reading import DISPLAY
from engine.solve import LARGEST_NUMBER, Solver

SOURCE = "<question>"
_NOT = re.compile(r"^not\s+(.*)$", re.DOTALL)
_WORD_NOT = re.compile(r"(?<![A-Za-z0-9_'\"])not(?![A-Za-z0-9_'])")
_VARIABLE = re.compile(r"(?<![A-Za-z0-9_'])(?:_|[A-Z][A-Za-z0-9_']*)(?![A-Za-z0-9_'(])")
_NUMBER = re.compile(r"(?<![A-Za-z0-9_\"])-?[0-9]+(?![A-Za-z0-9_])")
_HOLE = "__fto_variable_"
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

    pieces = stripped.split('"')
    pieces[::2] = [_VARIABLE.sub(hole, piece) for piece in pieces[::2]]
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


def checked(solver: Solver, text: str) -> Question:
    """The question parsed and checked against the scenario (no solve); errors name the scenario."""
    try:
        question = parse(text)
        validate_question(solver, question.atom, question.text)
    except InputError as exc:
        raise InputError(solver.source, exc.problem, where="question") from None
    return question


def ask(solver: Solver, text: str) -> Answer:
    """Answer one question, in any of its forms, about a grounded scenario."""
    return ask_all(solver, [text])[0]


def ask_all(solver: Solver, texts: Sequence[str]) -> list[Answer]:
    """Answer several questions against one grounding; each is checked before any is solved."""
    questions = [checked(solver, t) for t in texts]
    evidence = gather_many(solver, [q.atom for q in questions])
    return [as_asked(q, explain(solver.library, e)) for q, e in zip(questions, evidence)]


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
    return answer.model_copy(update={"question": f"not {answer.question}", "answer": SWAP[answer.answer]})


def atom_of(text: str) -> Symbol:
    """The conclusion a ground question is about (for callers that need the atom itself)."""
    question = parse(text)
    if not question.ground:
        raise InputError(SOURCE, f"{question.text!r} has a variable; a ground question is needed here")
    return question.atom
