"""`fto elements PRED`: the elements of a conclusion as the rule book states them.

Everything here is read from the Library (engine/rules.py): the rules that conclude PRED with their
`%@` cites and sentences, their body literals worded by the predicates' sentences or the rule's own
`%-` lines, the rules that derive each element (its alternatives) and each defeater, the exceptions
and defences of rules/exceptions.lp that read them, and the rows of rules/elements.lp that say what is
and what is not an element. Python only lays them out; which element or exception the law has is
decided in rules/ alone (a non-element is a `requires` rule resting on held_element/2).
"""

from __future__ import annotations

import re
from typing import Any

from clingo.ast import ASTType
from pydantic import BaseModel

from engine.errors import InputError, did_you_mean
from engine.rules import Library, RuleSpec

# The askable exceptions and defences of rules/exceptions.lp, linked to a conclusion through what they read.
EXCEPTION_HEADS = frozenset({"excepted", "defence_available", "exempt"})
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)(?::[a-z]+)?\}")
_MAX_DEPTH = 3  # how far a single-rule step is followed to reach the alternatives it passes on


class Rule(BaseModel):
    """One rule: its id, cite and sentence, and how sure the reading is."""

    id: str
    cite: str
    sentence: str
    status: str = ""
    note: str = ""
    via: list["Rule"] = []  # a rule that only passes an element on: the rules that derive what it reads


class Element(BaseModel):
    """A body literal of a rule: what must hold (or, for a defeater, must not), worded, with the
    rules that derive it, each an alternative."""

    literal: str
    sentence: str
    negative: str
    cite: str = ""
    alternatives: list[Rule] = []


class Alternative(BaseModel):
    """One rule concluding the asked predicate, with its elements and defeaters."""

    rule: Rule
    elements: list[Element]
    defeaters: list[Element]


class DoctrineRow(BaseModel):
    """A row of rules/elements.lp: requires(C, E), an element (holds) or not (rests on held_element)."""

    element: str
    words: str
    required: bool
    cite: str
    sentence: str
    status: str = ""
    note: str = ""


class Listing(BaseModel):
    conclusion: str
    sentence: str
    rules: list[Alternative]
    exceptions: list[Rule]
    doctrine: list[DoctrineRow]


def _words(text: str, args: list[str] = (), params: tuple[str, ...] = (), lib: Library | None = None,
           types: tuple[str, ...] = ()) -> str:
    """A sentence with each placeholder replaced by the literal's argument as written (a constant in
    the words of its table, an anonymous `_` by the parameter's name), or by the rule's variable."""
    names = {}
    for param, arg, kind in zip(params, args, types or ("",) * len(params)):
        table = lib.wordings.get(kind, {}) if lib and kind else {}
        names[param] = table.get(arg, param if arg == "_" else arg)
    return _PLACEHOLDER.sub(lambda m: names.get(m.group(1), m.group(1)), text)


def _atom(lit: Any) -> tuple[str, list[str]] | None:
    if lit.ast_type != ASTType.Literal or lit.atom.ast_type != ASTType.SymbolicAtom:
        return None
    sym = lit.atom.symbol
    if sym.ast_type != ASTType.Function:
        return None
    return sym.name, [str(a) for a in sym.arguments]


def _rule(lib: Library, spec: RuleSpec, depth: int = 0) -> Rule:
    rule = Rule(id=spec.id, cite=spec.cite, sentence=_words(spec.sentence) if spec.sentence else _pred_sentence(lib, spec),
                status=spec.status, note=spec.note)
    if depth < _MAX_DEPTH:
        atoms = [(lit.sign, a) for lit in spec.body if (a := _atom(lit))]
        if len(atoms) == 1 and atoms[0][0] == 0:  # a rule that only passes on what one predicate says
            deriving = _deriving(lib, *atoms[0][1])
            if len(deriving) > 1:  # ... from several rules: they are the alternatives
                rule.via = [_rule(lib, r, depth + 1) for r in deriving]
    return rule


def _pred_sentence(lib: Library, spec: RuleSpec) -> str:
    pred = lib.preds.get(spec.signature)
    if pred is None:
        return str(spec.head)
    return _words(pred.sentence, [str(a) for a in spec.head.arguments], pred.params, lib, pred.param_types)


def _unifies(head: Any, args: list[str]) -> bool:
    """Whether a rule head could conclude the literal: constants in the same place must agree."""
    for h, a in zip(head.arguments, args):
        h_text = str(h)
        if h.ast_type != ASTType.Variable and not a[:1].isupper() and a != "_" and h_text != a:
            return False
    return True


def _deriving(lib: Library, name: str, args: list[str]) -> list[RuleSpec]:
    return [r for r in lib.rules_for((name, len(args))) if _unifies(r.head, args)]


def _element(lib: Library, spec: RuleSpec, lit: Any, name: str, args: list[str]) -> Element:
    pred = lib.preds.get((name, len(args)))
    own = spec.wording(lit.atom)
    sentence, negative = (_words(own[0]), _words(own[1])) if own else (
        (_words(pred.sentence, args, pred.params, lib, pred.param_types),
         _words(pred.negative, args, pred.params, lib, pred.param_types)) if pred else (name, ""))
    return Element(literal=str(lit.atom), sentence=sentence, negative=negative, cite=pred.cite if pred else "",
                   alternatives=[_rule(lib, r) for r in _deriving(lib, name, args)])


def _alternative(lib: Library, spec: RuleSpec) -> Alternative:
    elements, defeaters = [], []
    for lit in spec.body:
        atom = _atom(lit)
        if atom is None:
            continue  # a comparison of dates or amounts: part of the rule's sentence
        pred = lib.preds.get((atom[0], len(atom[1])))
        if pred is not None and pred.trivial:
            continue
        (defeaters if lit.sign else elements).append(_element(lib, spec, lit, *atom))
    return Alternative(rule=_rule(lib, spec, _MAX_DEPTH), elements=elements, defeaters=defeaters)


def _reads(spec: RuleSpec) -> set[str]:
    return {a[0] for lit in spec.body if (a := _atom(lit))}


def listing(lib: Library, conclusion: str) -> Listing:
    """The elements of every rule concluding `conclusion`, its exceptions and its doctrine rows."""
    specs = [p for p in lib.preds.values() if p.name == conclusion and p.kind in ("ask", "derived")]
    if not specs:
        raise InputError("<command line>", f"{conclusion!r} is not a conclusion of the rule book"
                         + (did_you_mean(conclusion, sorted({p.name for p in lib.asks()}))
                            or "; `fto predicates` lists them"), where="PRED")
    spec = min(specs, key=lambda p: (p.kind != "ask", len(p.params)))
    rules = [_alternative(lib, r) for p in specs for r in lib.rules_for(p.signature)]
    # What an exception or defence may read: the conclusion, its defeaters, and what rests on the conclusion.
    linked = {conclusion} | {d.literal.split("(")[0] for a in rules for d in a.defeaters}
    linked |= {r.name for r in lib.rules.values() if conclusion in _reads(r) and r.name not in EXCEPTION_HEADS}
    exceptions = [_rule(lib, r, _MAX_DEPTH) for r in lib.rules.values()
                  if r.name in EXCEPTION_HEADS and _reads(r) & linked]
    return Listing(conclusion=conclusion, sentence=_words(spec.sentence), rules=rules, exceptions=exceptions,
                   doctrine=_doctrine(lib, conclusion))


def _doctrine(lib: Library, conclusion: str) -> list[DoctrineRow]:
    words = lib.wordings.get("element", {})
    rows = []
    for r in lib.rules_for(("requires", 2)):
        c, e = (str(a) for a in r.head.arguments)
        if c != conclusion:
            continue
        # A row resting on held_element/2 denies the element; any other body only bounds a row in time
        # or to a reading (rules/elements.lp), and the row still states an element.
        denied = [w for lit in r.body if (a := _atom(lit)) and a[0] == "held_element" and (w := r.wording(lit.atom))]
        rows.append(DoctrineRow(element=e, words=words.get(e, e), required=not denied, cite=r.cite,
                                sentence=denied[0][1] if denied else r.sentence, status=r.status, note=r.note))
    return rows


def _rule_lines(rule: Rule, indent: str) -> list[str]:
    flag = f" ({rule.status})" if rule.status else ""
    lines = [f"{indent}- {rule.sentence}  [{rule.cite}]{flag}" if rule.cite else f"{indent}- {rule.sentence}"]
    if len(rule.via) > 1:
        lines.append(f"{indent}    any one of:")
    for sub in rule.via:
        lines += _rule_lines(sub, indent + "        ")
    return lines


def listing_text(found: Listing) -> str:
    out = [f"{found.conclusion}: {found.sentence}"]
    for n, alt in enumerate(found.rules, 1):
        head = f"Rule {n} of {len(found.rules)}: {alt.rule.id}  [{alt.rule.cite}]" if len(found.rules) > 1 \
            else f"Rule {alt.rule.id}  [{alt.rule.cite}]"
        out.append("")
        out.append(head)
        if alt.rule.sentence and alt.rule.sentence != found.sentence:
            out.append(f"  {alt.rule.sentence}")
        out.append("  Elements (each must hold):")
        for el in alt.elements:
            cite = f"  [{el.cite}]" if el.cite else ""
            out.append(f"    * {el.sentence}{cite}")
            if len(el.alternatives) > 1:
                out.append("      any one of:")
            for rule in el.alternatives:
                out += _rule_lines(rule, "        ")
        if alt.defeaters:
            out.append("  Defeaters (none may hold):")
            for el in alt.defeaters:
                out.append(f"    * {el.sentence}")
                for rule in el.alternatives:
                    out += _rule_lines(rule, "        ")
    if found.exceptions:
        out += ["", "Exceptions and defences (askable: excepted, defence_available, exempt):"]
        for rule in found.exceptions:
            out += _rule_lines(rule, "  ")
    if found.doctrine:
        out += ["", f"Elements and non-elements (ask requires({found.conclusion}, E)):"]
        for row in found.doctrine:
            mark = "element" if row.required else "NOT an element"
            flag = f" ({row.status})" if row.status else ""
            out.append(f"  {row.element} — {mark}: {row.sentence}  [{row.cite}]{flag}")
    return "\n".join(out)
