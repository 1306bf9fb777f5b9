"""Answers: the JSON contract, and the one function that produces them.

`ask` grounds nothing itself; it takes a Solver (a grounded scenario), gathers the
question's evidence once (engine/evidence.py), and builds the answer from it alone:
`explain` is a pure function of the rule book and the evidence, so the same evidence gives
the same bytes however it was gathered (warm or cold).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from clingo.symbol import Symbol, SymbolType
from pydantic import BaseModel

from engine import money
from engine.cites import Cite, merge
from engine.errors import InputError, did_you_mean
from engine.evidence import Evidence, gather
from engine.explain import UNBOUND, Explainer, Node, layout
from engine.facts import unnamed_ids
from engine.reading import DISPLAY, Reading
from engine.spans import DATE_CHOICE
from engine.rules import Library, PredSpec
from engine.solve import Solver, parse_question


class ExplanationNode(BaseModel):
    """One step; `id` marks a step stated in full that a later one refers back to (`see`)."""

    claim: str
    rule: str
    cite: str
    holds: bool
    because: list["ExplanationNode"]
    id: int | None = None
    see: int | None = None
    status: str | None = None  # unverified | open | analysis | contested: how sure the reading is
    note: str | None = None  # a research note, or the registry's source note; never inside `cite`
    atom: str | None = None  # the atom the step is about (an element of the ledger names the same atom)

    def steps(self) -> list["ExplanationNode"]:
        """This step and every step below it, depth first."""
        return [self, *(n for child in self.because for n in child.steps())]


class Element(BaseModel):
    """One statutory element of the conclusion asked about, and where it stands."""

    key: str
    predicate: str
    element: str
    status: Literal["established", "refuted", "unknown", "not reached"]
    rule: str
    cite: str
    verification: str | None = None  # how sure the reading of the rule is (as a step's `status`)
    note: str | None = None
    atom: str | None = None  # the ground atom, where the element was reached


READINGS = {"unverified": "Unverified", "open": "An open question of law", "analysis": "Our reading",
            "contested": "A contested reading", "": "Source"}
"""What a caveat's status says, in words (every renderer words it so)."""


class Caveat(BaseModel):
    """A qualification of a step: the reading behind it is unverified, open, contested or an analysis,
    or the fact rests on a secondary source. Never part of a citation."""

    step: str
    rule: str
    cite: str
    status: str
    note: str


class Deciding(BaseModel):
    facts: list[str]
    questions: list[str]


class Answer(BaseModel):
    question: str  # the atom as the solver writes it, which engine.answers.ask reads back
    label: str = ""  # the same question as a person writes it (days as YYYY-MM-DD, amounts as $N), for headers
    as_of: str
    asks: str = ""  # the question in words: the sentence that is so if the answer is yes, as it runs mid-sentence
    answer: Literal["yes", "no", "depends"]
    explanation: ExplanationNode
    citations: list[str]  # each step's cite string as its rule gives it, sorted
    authorities: list[Cite] = []  # the same, structured and merged: each authority and section once (engine/cites.py)
    assumptions: list[str] = []
    elements: list[Element] = []
    deciding: list[Deciding] = []
    caveats: list[Caveat] = []

    def to_json(self) -> str:
        return self.model_dump_json(indent=2, exclude_none=True)


def _node(n: Node) -> ExplanationNode:
    return ExplanationNode.model_validate(n.as_dict())


def validate_question(solver: Solver, question: Symbol, text: str, free: frozenset[int] = frozenset()) -> None:
    """The question must name an askable conclusion, with the right arity and known ids (except at
    the `free` positions, where an open question has a variable: engine/questions.py)."""
    lib = solver.library
    sig = (question.name, len(question.arguments))
    spec = lib.preds.get(sig)
    if spec is None or spec.kind != "ask":
        same_name = [p for p in lib.asks() if p.name == question.name]
        if same_name:
            shapes = ", ".join(f"{p.name}({', '.join(p.params)})" for p in same_name)
            raise InputError("<question>", f"{text!r} has the wrong number of arguments; use {shapes}")
        raise InputError("<question>", f"{question.name!r} is not an askable conclusion"
                         + (did_you_mean(question.name, [p.name for p in lib.asks()]) or "; `fto predicates` lists them"))
    known = set(solver.scenario.organizations) | set(solver.scenario.actors) | set(solver.scenario.transactions)
    known |= set(solver.scenario.acts) | set(solver.scenario.solicitations) | {e.id for e in solver.scenario.events if e.id}
    known |= set(solver.scenario.drug_activities)
    known |= {h.id for h in solver.scenario.holdings if h.id}
    compound = unnamed_ids(solver.scenario)  # records without an id: holding(2), ev(1)
    words = known | solver.named_words()

    def is_term(arg: Symbol) -> bool:
        """An id, a record's compound id, or a term of the rules' vocabulary such as missing_recipient(X)."""
        if arg.type != SymbolType.Function or not arg.positive or not arg.name:
            return False
        if arg.arguments and arg in compound:
            return True
        if arg.arguments:
            return arg.name in lib.constructors and all(is_term(a) for a in arg.arguments)
        return arg.name in words

    types = spec.types()
    for i, arg in enumerate(question.arguments):
        if i in free:
            continue
        if arg.type == SymbolType.String:
            raise InputError("<question>", f"{text!r}: arguments are ids such as cjng, not quoted strings")
        if arg.type == SymbolType.Number and types.get(i) in NUMERIC_FORMATS:
            continue
        if types.get(i) == "usd" and money.value(arg) is not None:
            continue
        kinds = lib.wordings.get(types.get(i) or "")
        if kinds is not None:  # a kind the rule book words, e.g. the exception in excepted(T, medicine)
            if arg.type == SymbolType.Function and not arg.arguments and arg.name in kinds:
                continue
            raise InputError("<question>", f"{str(arg)!r} in {text!r} is not a kind of {types.get(i)}; "
                                           f"use one of {', '.join(sorted(kinds))}")
        if not is_term(arg):
            raise InputError("<question>", f"{str(arg)!r} in {text!r} is not an id defined in the scenario"
                             + did_you_mean(arg, words))


NUMERIC_FORMATS = frozenset({"date", "usd", "years"})


def wanted_for(text: str) -> frozenset[tuple[str, int]] | None:
    """The predicates an answer to this question reads, so a cold Solver grounds only the law it turns on.

    None when the text is not a question atom (the full solve then reports it properly).
    """
    try:
        question = parse_question(text)
    except InputError:
        return None
    return DISPLAY | {(question.name, len(question.arguments))}


def ask(solver: Solver, text: str) -> Answer:
    """Answer one question (text such as `designated(cjng)`) about a grounded scenario."""
    return explain(solver.library, gather(solver, question_atom(solver, text)))


def question_atom(solver: Solver, text: str) -> Symbol:
    """The question as an atom, checked against the scenario (no solve)."""
    try:
        question = parse_question(text)
        validate_question(solver, question, text)
    except InputError as exc:  # name the scenario the question was put to
        raise InputError(solver.source, exc.problem, where="question") from None
    return question


def ground_text(atom: Symbol, spec: PredSpec | None, sep: str = ", ") -> str:
    """A ground form as it can be asked again: dates as YYYY-MM-DD, amounts as $N (`fto ask` reads both).
    A listing spaces its bindings as people write them; an answer's header keeps the solver's compact
    form (`material_support(a,t)`) with only its days and amounts made readable."""
    types = spec.types() if spec else {}

    def arg(i: int, sym: Symbol) -> str:
        if types.get(i) == "date" and sym.type == SymbolType.Number:
            return dt.date.fromordinal(sym.number).isoformat()
        if types.get(i) == "usd" and (cents := money.value(sym)) is not None:
            return money.show(cents)
        return str(sym)

    if not atom.arguments:
        return str(atom)
    return f"{atom.name}({sep.join(arg(i, a) for i, a in enumerate(atom.arguments))})"


def explain(lib: Library, evidence: Evidence) -> Answer:
    """The answer to a question, built from its evidence alone."""
    question, status = evidence.question, evidence.status
    deciding: list[Deciding] = []
    deciding_facts = [fact for group in evidence.deciding for fact in group]
    explainer = Explainer(lib, evidence.reading, evidence.dates, deciding_facts)
    heads: tuple[str, ...] = ()  # a depends: each branch's head, which its caveat does not repeat
    if status == "yes":
        tree = explainer.why(question)
    elif status == "no":
        tree = explainer.why_not(question)
    else:
        assert evidence.fails is not None
        yes_tree = explainer.why(question)
        no_side = Explainer(lib, evidence.fails, evidence.dates, deciding_facts)
        no_tree = no_side.why_not(question)
        deciding = [Deciding(facts=[str(a) for a in group], questions=[_question_text(explainer, a) for a in group])
                    for group in evidence.deciding]
        asked = "; ".join(q for d in deciding for q in d.questions) or "facts the scenario leaves open"
        # No fact of the scenario would settle it: only how a court reads the law (engine/open_law.py).
        only_law = bool(evidence.deciding) and all(a.name == "reading" for group in evidence.deciding for a in group)
        lead = "It depends only on an open point of law" if only_law else "It depends on"
        heads = (_branch(explainer, evidence.reading, deciding_facts, "Where it holds"),
                 _branch(no_side, evidence.fails, deciding_facts, "Where it fails"))
        yes_tree.claim, no_tree.claim = heads[0] + yes_tree.claim, heads[1] + no_tree.claim
        tree = Node(f"{lead}: {asked}", "depends", "", [yes_tree, no_tree], holds=False)
    tree = layout(tree)
    plain = {id(branch): branch.claim.removeprefix(head) for branch, head in zip(tree.because, heads)}
    citations = sorted(tree.citations())
    elements = [Element.model_validate(row) for row in explainer.ledger(question, evidence.status_of)]
    return Answer(
        question=str(question),
        label=ground_text(question, lib.preds.get((question.name, len(question.arguments))), sep=","),
        as_of=evidence.as_of.isoformat(),
        asks=explainer.sentence(question, capital=False),
        answer=status,  # type: ignore[arg-type]
        explanation=_node(tree),
        citations=citations,
        authorities=merge(citations),
        assumptions=sorted({n.claim for n in tree.nodes() if n.holds and n.cite.startswith("presumption")}),
        elements=elements,
        deciding=deciding,
        caveats=caveats(tree, elements, plain),
    )


STATUS_WORDS = re.compile(r"unverified|\[analysis|\[open|\bopen:|\[contested|registry source|snapshot|\bcopies\b",
                          re.IGNORECASE)
"""Words of a research note, which belong in a caveat, never in a citation."""


def defects(answer: Answer) -> list[str]:
    """What would make an answer's explanation untrustworthy to a reader: a step stated in full twice,
    a placeholder where a name belongs, a citation carrying a research note. `fto check` and the
    pytest plugin fail a case on any of them."""
    problems = []
    steps = answer.explanation.steps()
    full = [(n.claim, n.holds) for n in steps if n.see is None]
    problems += [f"step stated in full twice: {claim!r}" for claim, _ in sorted({k for k in full if full.count(k) > 1})]
    texts = [n.claim for n in steps] + [e.element for e in answer.elements] + [q for d in answer.deciding for q in d.questions]
    problems += [f"placeholder in {text!r}" for text in texts if UNBOUND in text or "{" in text or "}" in text]
    cites = answer.citations + [n.cite for n in steps] + [e.cite for e in answer.elements]
    problems += [f"a research note inside the citation {cite!r}" for cite in dict.fromkeys(cites) if STATUS_WORDS.search(cite)]
    top = answer.explanation
    if (answer.answer == "yes" and top.holds and top.rule in ("", "scenario") and not top.because
            and not answer.question.startswith("not ")):
        # Every askable conclusion is drawn by a rule: one shown without it lost its derivation (provenance).
        problems.append(f"a conclusion shown without the rule that draws it: {top.claim!r}")
    if answer.answer == "depends":  # a caveat names the step, not the branch it heads ("If ...: ")
        heads = {branch.claim for branch in answer.explanation.because}
        problems += [f"a caveat repeats a branch head: {c.step!r}" for c in answer.caveats if c.step in heads]
    return problems


def caveats(tree: Node, elements: list[Element], plain: dict[int, str] | None = None) -> list[Caveat]:
    """Every qualified step of the explanation and of the ledger, once each, in order of appearance.
    `plain`: a step's claim without the head its branch of a `depends` puts before it, by the node's id."""
    plain = plain or {}
    found = [Caveat(step=plain.get(id(n), n.claim), rule=n.rule, cite=n.cite, status=n.status, note=n.note)
             for n in tree.nodes() if (n.status or n.note) and n.see is None]
    found += [Caveat(step=e.element, rule=e.rule, cite=e.cite, status=e.verification or "", note=e.note or "")
              for e in elements if e.verification or e.note]
    seen: set[tuple[str, str, str]] = set()
    out = []
    for caveat in found:
        if (caveat.rule, caveat.status, caveat.note) not in seen:
            seen.add((caveat.rule, caveat.status, caveat.note))
            out.append(caveat)
    return out


MAX_BRANCH_FACTS = 3
"""A depends branch is headed by the deciding facts as it takes them, up to this many; beyond, by which way the answer goes."""


def _branch(explainer: Explainer, reading: Reading, facts: list[Symbol], otherwise: str) -> str:
    """The head of one branch of a `depends`: the deciding facts as that branch's reading takes them
    ("If the day Ramon incited terrorist activity came before 2021-01-15: "), so a reader never has to
    guess which way a bare "if so" answers the deciding question. An open point of law among several
    facts, or more facts than a head can restate, is answered question by question instead ("If the
    answers to those questions are yes, no and yes: "), in the order the header asks them."""
    if not facts:
        return otherwise + ": "
    if len(facts) == 1 and facts[0].name == "reading":  # the header already words the open point
        return "If that reading applies: " if facts[0] in reading else "If it does not apply: "
    clauses: list[str] = []
    for fact in facts:  # an open date's boundaries make one clause: the range they leave it
        date = explainer.date_range(fact.arguments[0]) if fact.name == DATE_CHOICE else None
        clause = date or explainer.sentence(fact, negative=fact not in reading, capital=False)
        if clause not in clauses:
            clauses.append(clause)
    if len(clauses) > MAX_BRANCH_FACTS or any(fact.name == "reading" for fact in facts):
        ways = ["yes" if fact in reading else "no" for fact in facts]
        if len(set(ways)) == 1:
            return f"If the answer to each of those questions is {ways[0]}: "
        return f"If the answers to those questions are {', '.join(ways[:-1])} and {ways[-1]}: "
    return "If " + " and ".join(clauses) + ": "


def _question_text(explainer: Explainer, atom: Symbol) -> str:
    return explainer.question(atom) or "Is it so that " + explainer.sentence(atom, capital=False) + "?"


def parse_day(text: str, where: str = "--as-of") -> dt.date:
    """A date from the command line, held to the same rules as a date in a scenario file."""
    from engine.scenario import day_from_text

    try:
        return day_from_text(text)
    except ValueError as exc:
        raise InputError("<command line>", str(exc), where=where) from None
