"""A tiny matcher over a reading: which rule body literal a reading falsified, under which binding.

Used to explain a `no` (the failed elements of the rules that could have concluded it) and
to find the elements of the rule that concludes an atom. Nothing here decides a legal
question: truth comes from the reading; this only locates literals in rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

import clingo
from clingo import ast
from clingo.ast import ASTType
from clingo.symbol import Symbol, SymbolType

from engine.reading import Derivation, Reading
from engine.rules import Library, PredSpec, RuleSpec

MAX_BRANCHES = 64



def vars_in(term: Any) -> list[str]:
    out: list[str] = []

    class Collect(ast.Transformer):
        def visit_Variable(self, node: Any) -> Any:
            out.append(node.name)
            return node

    Collect()(term)
    return out


def evaluate(term: Any, binding: Mapping[str, Symbol]) -> Symbol | None:
    t = term.ast_type
    if t == ASTType.Variable:
        return binding.get(term.name)
    if t == ASTType.SymbolicTerm:
        return term.symbol
    if t == ASTType.UnaryOperation:
        inner = evaluate(term.argument, binding)
        if inner is None or inner.type != SymbolType.Number:
            return None
        if term.operator_type == ast.UnaryOperator.Minus:
            return clingo.Number(-inner.number)
        return None
    if t == ASTType.BinaryOperation:
        left, right = evaluate(term.left, binding), evaluate(term.right, binding)
        if left is None or right is None or left.type != SymbolType.Number or right.type != SymbolType.Number:
            return None
        op = term.operator_type
        if op == ast.BinaryOperator.Plus:
            return clingo.Number(left.number + right.number)
        if op == ast.BinaryOperator.Minus:
            return clingo.Number(left.number - right.number)
        if op == ast.BinaryOperator.Multiplication:
            return clingo.Number(left.number * right.number)
        return None
    if t == ASTType.Function:
        if term.external:
            from engine.solve import CONTEXT

            args = [evaluate(a, binding) for a in term.arguments]
            fn = getattr(CONTEXT, term.name, None)
            if fn is None or any(a is None for a in args):
                return None
            return fn(*args)
        args = [evaluate(a, binding) for a in term.arguments]
        if any(a is None for a in args):
            return None
        return clingo.Function(term.name, args)  # type: ignore[arg-type]
    return None


def unify(pattern: Any, value: Symbol, binding: dict[str, Symbol]) -> dict[str, Symbol] | None:
    t = pattern.ast_type
    if t == ASTType.Variable:
        if pattern.name == "_":
            return binding
        bound = binding.get(pattern.name)
        if bound is None:
            return {**binding, pattern.name: value}
        return binding if bound == value else None
    if t == ASTType.Function and not pattern.external:
        if value.type != SymbolType.Function or value.name != pattern.name or len(value.arguments) != len(pattern.arguments):
            return None
        out: dict[str, Symbol] | None = binding
        for p, v in zip(pattern.arguments, value.arguments):
            out = unify(p, v, out)
            if out is None:
                return None
        return out
    evaluated = evaluate(pattern, binding)
    return binding if evaluated == value else None


def fits(pattern: Any, atom: Symbol) -> bool:
    """Whether a rule head can conclude `atom`, an `any` in which stands for every value (a `_` of a
    literal not reached)."""
    if atom.type == SymbolType.Function and atom.name == "any" and not atom.arguments:
        return True
    if pattern.ast_type == ASTType.Function and not pattern.external:
        return (atom.type == SymbolType.Function and atom.name == pattern.name
                and len(atom.arguments) == len(pattern.arguments)
                and all(fits(p, a) for p, a in zip(pattern.arguments, atom.arguments))) and _consistent(pattern, atom)
    return unify(pattern, atom, {}) is not None


def _consistent(pattern: Any, atom: Symbol) -> bool:
    """The head's repeated variables (`acts_for(O, O)`) stand for one value, unless that value is `any`."""
    concrete = [(p, a) for p, a in zip(pattern.arguments, atom.arguments)
                if not (a.type == SymbolType.Function and a.name == "any" and not a.arguments)]
    binding: dict[str, Symbol] | None = {}
    for p, a in concrete:
        binding = unify(p, a, binding) if binding is not None else None
    return binding is not None


def ground_atom(pattern: Any, binding: Mapping[str, Symbol]) -> Symbol | None:
    return evaluate(pattern, binding)


def partial(pattern: Any, binding: Mapping[str, Symbol]) -> list[Symbol]:
    out = []
    for arg in pattern.arguments:
        value = evaluate(arg, binding)
        out.append(value if value is not None else clingo.Function("any"))
    return out


def _compare(op: Any, a: Symbol, b: Symbol) -> bool:
    if op == ast.ComparisonOperator.Equal:
        return a == b
    if op == ast.ComparisonOperator.NotEqual:
        return a != b
    if op == ast.ComparisonOperator.LessThan:
        return a < b
    if op == ast.ComparisonOperator.LessEqual:
        return a <= b
    if op == ast.ComparisonOperator.GreaterThan:
        return a > b
    return a >= b


@dataclass
class Failure:
    """The best partial match of a rule body: its binding and every literal that fails under it."""

    spec: RuleSpec
    binding: dict[str, Symbol]
    failed: list[Any]
    satisfied: int

    @property
    def first(self) -> Any | None:
        """The rule's binding literal: its first positive atom, which says what the rule is about."""
        return next((lit for lit in self.spec.body
                     if lit.atom.ast_type == ASTType.SymbolicAtom and lit.sign == ast.Sign.NoSign), None)

    def applies(self, reading: Reading) -> bool:
        """Whether the rule is about this case: its first (binding) literal holds (rules/README.md)."""
        first = self.first
        if first is None:
            return True
        return any(unify(first.atom.symbol, a, self.binding) is not None
                   for a in candidates(reading, first.atom.symbol, self.binding))


def _holds(literal: Any, b: Mapping[str, Symbol], reading: Reading) -> bool | None:
    """Truth of one literal under a binding, or None if it cannot be decided without more bindings."""
    atom = literal.atom
    if atom.ast_type == ASTType.Comparison:
        left = evaluate(atom.term, b)
        right = evaluate(atom.guards[0].term, b)
        if left is None or right is None:
            return None
        return _compare(atom.guards[0].comparison, left, right)
    if atom.ast_type != ASTType.SymbolicAtom:
        return None
    sym = atom.symbol
    ground = ground_atom(sym, b)
    if literal.sign == ast.Sign.Negation:
        if ground is not None:
            return ground not in reading
        if all(v in b or v == "_" for v in vars_in(sym)):
            return not any(unify(sym, a, b) is not None for a in candidates(reading, sym, b))
        return None
    return (ground in reading) if ground is not None else None


def find_failure(spec: RuleSpec, binding: dict[str, Symbol], reading: Reading) -> Failure | None:
    """The deepest partial match of the body; None if the body holds under some match."""
    best: list[tuple[int, dict[str, Symbol], list[Any]]] = []
    budget = [MAX_BRANCHES]

    def step(remaining: list[Any], b: dict[str, Symbol], done: int) -> bool:
        if budget[0] <= 0:
            return False
        if not remaining:
            return True
        index, literal = _pick(remaining, b, reading)
        rest = remaining[:index] + remaining[index + 1:]
        atom = literal.atom
        if atom.ast_type == ASTType.Comparison:
            left = evaluate(atom.term, b)
            guard = atom.guards[0]
            right = evaluate(guard.term, b)
            if (guard.comparison == ast.ComparisonOperator.Equal and left is None and right is not None
                    and atom.term.ast_type == ASTType.Variable):
                return step(rest, {**b, atom.term.name: right}, done + 1)
            if left is not None and right is not None and _compare(guard.comparison, left, right):
                return step(rest, b, done + 1)
            best.append((done, b, [literal, *rest]))
            return False
        if atom.ast_type != ASTType.SymbolicAtom:
            return step(rest, b, done + 1)
        sym = atom.symbol
        if literal.sign == ast.Sign.Negation:
            if _holds(literal, b, reading) is False:
                best.append((done, b, [literal, *rest]))
                return False
            return step(rest, b, done + 1)
        matches = [m for m in (unify(sym, a, b) for a in candidates(reading, sym, b)) if m is not None]
        if not matches:
            best.append((done, b, [literal, *rest]))
            return False
        for m in matches:
            budget[0] -= 1
            if step(rest, m, done + 1):
                return True
        return False

    if step(list(spec.body), binding, 0) or not best:
        return None
    done, b, pending = max(best, key=lambda x: x[0])
    # Name every element that fails under this binding, not only the first one reached.
    failed = [pending[0]] + [lit for lit in pending[1:] if _holds(lit, b, reading) is False]
    return Failure(spec, b, failed, done)


def extend_unique(spec: RuleSpec, binding: dict[str, Symbol], reading: Reading) -> dict[str, Symbol]:
    """Bind what the reading determines uniquely (a positive literal with exactly one match), until nothing changes."""
    b = dict(binding)
    changed = True
    while changed:
        changed = False
        for lit in spec.body:
            if lit.atom.ast_type != ASTType.SymbolicAtom or lit.sign != ast.Sign.NoSign:
                continue
            sym = lit.atom.symbol
            if ground_atom(sym, b) is not None:
                continue
            matches = [m for m in (unify(sym, a, b) for a in candidates(reading, sym, b)) if m is not None]
            if len(matches) == 1 and matches[0] != b:  # `_` never binds: only count real progress
                b = matches[0]
                changed = True
    return b


def signature(sym: Any) -> tuple[str, int]:
    if sym.ast_type == ASTType.Function:
        return (sym.name, len(sym.arguments))
    if sym.ast_type == ASTType.SymbolicTerm and sym.symbol.type == SymbolType.Function:
        return (sym.symbol.name, len(sym.symbol.arguments))
    return ("", 0)


def _pick(remaining: list[Any], b: Mapping[str, Symbol], reading: Reading) -> tuple[int, Any]:
    """Check ground literals first, then positive atoms that bind variables, in rule order.

    Ground comparisons come before ground atoms: they only filter a match, so a match that
    fails one (a day outside a stretch) is dropped before a deeper premise is blamed for it.
    """
    def bound(lit: Any) -> bool:
        return all(v in b or v == "_" for v in vars_in(lit.atom))

    for i, lit in enumerate(remaining):
        if lit.atom.ast_type == ASTType.Comparison and bound(lit):
            return i, lit
    for i, lit in enumerate(remaining):
        if lit.atom.ast_type == ASTType.SymbolicAtom and lit.sign == ast.Sign.NoSign and bound(lit):
            return i, lit
    for i, lit in enumerate(remaining):
        if lit.sign == ast.Sign.Negation and bound(lit) and _holds(lit, b, reading) is False:
            return i, lit
    for i, lit in enumerate(remaining):
        if lit.atom.ast_type == ASTType.Comparison:
            g = lit.atom.guards[0]
            if g.comparison == ast.ComparisonOperator.Equal and lit.atom.term.ast_type == ASTType.Variable \
                    and all(v in b for v in vars_in(g.term)):
                return i, lit
    positive = [(i, lit) for i, lit in enumerate(remaining)
                if lit.atom.ast_type == ASTType.SymbolicAtom and lit.sign == ast.Sign.NoSign]
    for i, lit in positive:
        sym = lit.atom.symbol
        if any(unify(sym, a, b) is not None for a in candidates(reading, sym, b)):
            return i, lit
    if positive:
        return positive[0]
    for i, lit in enumerate(remaining):
        if lit.sign == ast.Sign.Negation and bound(lit):
            return i, lit
    return 0, remaining[0]


# ---- the rule that concludes an atom, and its elements ----------------------------

def preferred(lib: Library, entries: list[Derivation]) -> Derivation:
    """The derivation an explanation shows: the earliest rule in the rule book, then a stable tiebreak."""
    return entries[0] if len(entries) == 1 else min(entries, key=lambda e: (lib.rank(e[0]), str(e)))


def head_binding(lib: Library, spec: RuleSpec, atom: Symbol) -> dict[str, Symbol]:
    """Variables of the rule head, and the predicate's own parameter names, bound to `atom`."""
    pred = lib.preds.get((atom.name, len(atom.arguments)))
    named = dict(zip(pred.params, atom.arguments)) if pred is not None else {}
    return {**named, **(unify(spec.head, atom, {}) or {})}


@dataclass(frozen=True)
class Slot:
    """One element of a rule as bound for one atom: the body literal, and its ground atom if bound."""

    key: str
    pred: PredSpec
    negated: bool
    atom: Symbol | None
    partial: tuple[Symbol, ...]  # the arguments as far as bound (`any` for the rest), when `atom` is None
    wording: tuple[str, str] | None = None  # the rule's own (sentence, negative) for this element
    binding: Mapping[str, Symbol] | None = None  # the rule's variables, for the rule's wording


def candidates(reading: Reading, sym: Any, binding: Mapping[str, Symbol]) -> list[Symbol]:
    """The atoms of the reading that may match `sym` under the binding, in order: the one atom it names
    when the binding grounds it, else those agreeing on its first bound argument, or every atom of its
    predicate when none is bound. Why the first: an index of a predicate by argument reads every atom of
    the predicate (10,000 transactions), a membership test one."""
    if sym.ast_type == ASTType.Function and (ground := ground_atom(sym, binding)) is not None:
        return [ground] if ground in reading else []
    for position, term in enumerate(sym.arguments if sym.ast_type == ASTType.Function else ()):
        value = evaluate(term, binding)
        if value is not None:
            return reading.having(signature(sym), position, value)
    return reading.of(signature(sym))


def elements(lib: Library, reading: Reading, atom: Symbol) -> list[Slot]:
    """The elements of the rule that concludes `atom` in the reading, or of the first rule that
    applies and fails: its declared body literals (structural inputs such as the date asked left out)."""
    spec: RuleSpec | None = None
    binding: dict[str, Symbol] = {}
    entries = reading.because.get(atom)
    if entries:
        rid, _, values = preferred(lib, entries)
        spec = lib.rules[rid]
        binding = {**head_binding(lib, spec, atom), **dict(zip(spec.variables, values.arguments))}
    else:
        for candidate in lib.rules_for((atom.name, len(atom.arguments))):
            start = unify(candidate.head, atom, {})
            if start is None:
                continue
            failure = find_failure(candidate, start, reading)
            if failure is not None and failure.applies(reading):
                spec, binding = candidate, extend_unique(candidate, failure.binding, reading)
                break
    if spec is None:
        return []
    slots = []
    for position, literal in enumerate(spec.body):
        if literal.atom.ast_type != ASTType.SymbolicAtom:
            continue
        sym = literal.atom.symbol
        pred = lib.preds.get(signature(sym))
        if pred is None or (pred.kind == "input" and not pred.negative):
            continue  # structural facts (the date asked, that an org exists) are not elements
        negated = literal.sign == ast.Sign.Negation
        found = ground_atom(sym, binding)
        if found is None and not negated and (entries or all(v == "_" or v in binding for v in vars_in(sym))):
            # Where the rule holds, or leaves only don't-care arguments (`_`) open, the element is the
            # first atom of the reading that matches.
            found = next((a for a in candidates(reading, sym, binding) if unify(sym, a, binding) is not None), None)
        slots.append(Slot(f"{spec.id}#{position}", pred, negated, found,
                          tuple(partial(sym, binding)) if found is None else (), spec.wording(literal), binding))
    return slots
