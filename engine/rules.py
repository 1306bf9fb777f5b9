"""Load rules/*.lp, read their annotations, and generate provenance mechanically.

Each annotated rule `H :- B.` also yields `_because(Id, H, (P1,...), (V1,...)) :- B.`
with the same body, so an explanation is read off the solver's model and can never
drift from the rule that produced it. Declarations (`%! kind pred(Vars) | sentence |
negative | question`) give every predicate its English.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
import hashlib
import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from functools import cached_property, lru_cache
from typing import Any, Mapping, Sequence

import clingo
from clingo import ast
from clingo.ast import ASTType

from engine.bundle import bundled_folder

PROVENANCE = "_because"


@dataclass(frozen=True)
class PredSpec:
    """What a predicate means in English, and whether users may ask about it."""

    name: str
    params: tuple[str, ...]
    param_types: tuple[str, ...]  # "" or a format such as "date", from `D:date` in the signature
    kind: str  # ask | derived | input | open
    sentence: str
    negative: str
    question: str
    file: str
    line: int
    trivial: bool = False  # never shown as a step of an explanation (the date asked, that an org exists)
    cite: str = ""  # the provisions the predicate stands for as an element, where several rules conclude it

    @property
    def signature(self) -> tuple[str, int]:
        return (self.name, len(self.params))

    def types(self) -> dict[int, str]:
        """Argument positions whose placeholder names a format, e.g. {D:date}."""
        return dict(self._types)

    @cached_property
    def _types(self) -> dict[int, str]:
        # Read once: an explanation asks it of each step's predicate, and reading the templates is a regex pass.
        fmt = {m.group(1): m.group(2) for m in _PLACEHOLDER.finditer(self.sentence + self.negative)
               if m.group(2) and m.group(2) not in VIEWS}
        fmt.update({p: t for p, t in zip(self.params, self.param_types) if t})
        return {i: fmt[p] for i, p in enumerate(self.params) if p in fmt}


@dataclass(frozen=True)
class RuleSpec:
    """One annotated rule: its id, pinpoint cite, sentence, and its text (parsed when an explanation needs it)."""

    id: str
    cite: str
    sentence: str
    file: str
    line: int
    name: str
    arity: int
    variables: tuple[str, ...]
    text: str
    statement: int  # its place in Library.program: its provenance rule is kept where the statement is
    status: str = ""  # "" (verified), or unverified | open | analysis | contested: how sure the reading is
    note: str = ""  # a research note on the reading, shown among an answer's caveats, never in the cite
    trivial: bool = False  # a step no reader needs (an organization standing for itself)
    # Element wordings: (body literal as clingo prints it, sentence, negative sentence), from `%-` lines,
    # for an element a reader should see in the terms of this rule (e.g. a recipient's link to the
    # organization, named with the payment): the sentences may use any variable of the rule.
    elements: tuple[tuple[str, str, str], ...] = ()
    # Sentence variants: (variable, variable, sentence), from `%= P=O | sentence` lines: the sentence for
    # an instance in which the two variables stand for the same term (an agent of the organization
    # itself, not of one of its agents), where the general sentence would name the organization twice.
    variants: tuple[tuple[str, str, str], ...] = ()

    def sentence_for(self, binding: Mapping[str, Any]) -> str:
        """The sentence for one instance of the rule."""
        return next((text for a, b, text in self.variants if binding.get(a) is not None and binding.get(a) == binding.get(b)),
                    self.sentence)

    def wording(self, literal: Any) -> tuple[str, str] | None:
        """The (sentence, negative) this rule gives one of its body literals, if any."""
        text = str(literal)
        return next(((pos, neg) for lit, pos, neg in self.elements if lit == text), None)

    @property
    def signature(self) -> tuple[str, int]:
        return (self.name, self.arity)

    @property
    def head(self) -> Any:
        return _parsed(self.text)[0]

    @property
    def body(self) -> tuple[Any, ...]:
        return _parsed(self.text)[1]


@lru_cache(maxsize=None)
def _parsed(text: str) -> tuple[Any, tuple[Any, ...]]:
    """The head atom and body literals of one rule (a choice rule explains only its chosen atom)."""
    out: list[Any] = []
    ast.parse_string(text, out.append)
    rule = next(stm for stm in out if stm.ast_type == ASTType.Rule)
    body = tuple(rule.body) if rule.head.ast_type != ASTType.Aggregate else ()
    return _head_atom(rule), body


Arg = str  # one argument of an atom in a rule: "c:<constant>", "v:<variable>", or "" (anything else)
Key = tuple  # (name, arity, (Arg, ...)): an atom as a rule reads or defines it (Library.uses)
Pattern = tuple  # one entry per argument: the constant it is called with, or None for any


def _called(key: Key, binding: Mapping[str, str]) -> Pattern:
    """The pattern an atom of a rule is called with, given the constants the rule's head variables are bound to."""
    return tuple(arg[2:] if arg.startswith("c:") else binding.get(arg[2:]) if arg.startswith("v:") else None
                 for arg in key[2])


def _bound(head: Key, pattern: Pattern) -> dict[str, str] | None:
    """The head variables' constants when the head is called with `pattern`; None if it cannot match."""
    binding: dict[str, str] = {}
    for arg, want in zip(head[2], pattern):
        if want is None:
            continue
        if arg.startswith("c:"):
            if arg[2:] != want:
                return None
        elif arg.startswith("v:"):
            if binding.setdefault(arg[2:], want) != want:
                return None
    return binding


def _covers(general: Pattern, specific: Pattern) -> bool:
    return all(g is None or g == s for g, s in zip(general, specific))


class Calls:
    """What a set of wanted predicates reads, directly or not: each predicate with the patterns it
    is called with (`version_in_force(T, section_2339b_a1, V)` calls `conduct_case` only with
    `section_2339b_a1`, so the rules concluding it for other statutes are left out), and the
    statements that define it so. A head variable bound by the call passes its constant on to the
    body atoms that share it."""

    def __init__(self, lib: "Library", wanted: frozenset[tuple[str, int]]) -> None:
        self.patterns: dict[tuple[str, int], list[Pattern]] = {}
        self.kept: set[int] = set()
        self._todo: list[tuple[tuple[str, int], Pattern]] = []
        for sig in sorted(wanted):
            self._add(sig, (None,) * sig[1])
        for i, (heads, body) in enumerate(lib.uses):
            if not heads:  # a constraint or directive: always kept, and what it reads is wanted
                self.kept.add(i)
                for atom in body:
                    self._add(atom[:2], _called(atom, {}))
        defining = lib.defining()
        while self._todo:
            sig, pattern = self._todo.pop()
            for i, head in defining.get(sig, ()):
                binding = _bound(head, pattern)
                if binding is None:
                    continue
                self.kept.add(i)
                for atom in lib.uses[i][1]:
                    self._add(atom[:2], _called(atom, binding))

    def _add(self, sig: tuple[str, int], pattern: Pattern) -> None:
        have = self.patterns.setdefault(sig, [])
        if any(_covers(p, pattern) for p in have):
            return
        have[:] = [p for p in have if not _covers(pattern, p)]
        have.append(pattern)
        self._todo.append((sig, pattern))

    def reads_every(self, sig: tuple[str, int]) -> bool | None:
        """Whether some call reads every atom of this predicate (True), none (False), or only those
        with some constants (None: `reads` tells them apart)."""
        patterns = self.patterns.get(sig, ())
        if any(all(p is None for p in pattern) for pattern in patterns):
            return True
        return None if patterns else False

    def reads(self, name: str, arguments: Sequence[str]) -> bool:
        """Whether some call reads this ground atom, given by its name and its arguments' text (an open
        fact the wanted predicates may turn on)."""
        patterns = self.patterns.get((name, len(arguments)), ())
        return any(all(p is None or p == a for p, a in zip(pattern, arguments)) for pattern in patterns)


@dataclass
class Library:
    preds: dict[tuple[str, int], PredSpec] = field(default_factory=dict)
    rules: dict[str, RuleSpec] = field(default_factory=dict)
    program: list[str] = field(default_factory=list)
    provenance: list[str] = field(default_factory=list)
    constructors: set[str] = field(default_factory=set)  # compound terms the rules build, e.g. missing_recipient(R)
    # Wordings of constants in a context: `%~ knowledge terrorism | has engaged or engages in terrorism`
    # words `terrorism` so in a placeholder typed `K:knowledge`, where its display name would not read.
    wordings: dict[str, dict[str, str]] = field(default_factory=dict)
    # For each statement of `program`: the atoms its head defines and its body reads, as keys
    # (name, arity, args), each argument a constant, a variable or anything else (Arg); a
    # statement with no head (a constraint, a directive) is always kept.
    uses: list[tuple[list[Key], list[Key]]] = field(default_factory=list)
    # For each statement of `program`: the predicates it mentions in any way (see _mentions), and
    # those it mentions only once, in a plain positive body literal of a rule with one head atom.
    mentions: list[list[tuple[str, int]]] = field(default_factory=list)
    plain: list[list[tuple[str, int]]] = field(default_factory=list)
    # rules/record.lp's gates: a dated record's predicate, by the predicate that passes it on unchanged
    # once its day has come (`incitement_on(A, X) :- recorded_incitement(A, X), ...`).
    records: dict[tuple[str, int], str] = field(default_factory=dict)
    _needed: dict[frozenset[tuple[str, int]], Calls] = field(default_factory=dict, repr=False)
    _defining: tuple[int, dict[tuple[str, int], list[tuple[int, Key]]]] | None = field(default=None, repr=False)
    _inlinable: dict[frozenset[tuple[str, int]], dict[tuple[str, int], int]] = field(default_factory=dict, repr=False)
    _ranks: dict[str, int] | None = field(default=None, repr=False)
    _by_head: dict[tuple[str, int], list[RuleSpec]] | None = field(default=None, repr=False)

    def rules_for(self, signature: tuple[str, int]) -> list[RuleSpec]:
        """The rules concluding a predicate, in rule-book order. Indexed once: an explanation asks
        for them at every step, and there are hundreds of rules."""
        if self._by_head is None:
            self._by_head = {}
            for r in self.rules.values():
                self._by_head.setdefault(r.signature, []).append(r)
        return list(self._by_head.get(signature, ()))

    def rank(self, rule_id: str) -> int:
        """A rule's place in the rule book (0 for an id that is not a rule)."""
        if self._ranks is None:
            self._ranks = {rid: i for i, rid in enumerate(self.rules)}
        return self._ranks.get(rule_id, 0)

    def asks(self) -> list[PredSpec]:
        return sorted((p for p in self.preds.values() if p.kind == "ask"), key=lambda p: p.signature)

    def text(self, provenance: bool = True, wanted: frozenset[tuple[str, int]] | None = None,
             inline: frozenset[tuple[str, int]] = frozenset()) -> str:
        """The rule book as one program, rendered from the parsed rules (no user text).

        With `wanted`, only the statements those predicates depend on, directly or not:
        a narrow question grounds only the law it turns on. Only askable conclusions are
        shown, so brave and cautious consequences (the what-if diff) are computed over
        those atoms alone; explanations read whole models. Without provenance, each predicate
        in `inline` (some of `inlinable(wanted)`) is read by its one rule straight from its
        rows (`@rows`): an explanation would need its atoms.
        """
        needed = self.needed(wanted) if wanted is not None else None
        at = {} if provenance or not (inline and wanted) else {
            i: sig for sig, i in self.inlinable(wanted).items() if sig in inline}
        program = [_inlined(self.program[i], *at[i]) if i in at else self.program[i] for i in self._kept(wanted)]
        kept = self.calls(wanted).kept if wanted is not None else None
        because = [] if not provenance else self.provenance if kept is None else [
            text for text, rule in zip(self.provenance, self.rules.values()) if rule.statement in kept]
        shows = ["#show " + p.name + "/" + str(len(p.params)) + "." for p in self.asks()
                 if needed is None or p.signature in needed]
        return "\n".join(program + because + shows)

    def statements(self, wanted: frozenset[tuple[str, int]] | None) -> list[str]:
        """The statements `wanted` depends on, as text (all of them without it)."""
        return [self.program[i] for i in self._kept(wanted)]

    def _kept(self, wanted: frozenset[tuple[str, int]] | None) -> list[int]:
        """The statements that `wanted` depends on (all of them without it), by position."""
        if wanted is None:
            return list(range(len(self.program)))
        return sorted(self.calls(wanted).kept)

    def inlinable(self, wanted: frozenset[tuple[str, int]]) -> dict[tuple[str, int], int]:
        """Input predicates whose rows the grounder may hand straight to the one rule that reads
        them, without making an atom of each row: predicate -> that rule's statement.

        Why: at 1e5 transactions, making the `transaction/4` atoms (that nothing but one join
        reads) costs a tenth of a whole-scenario analysis. A predicate qualifies when no wanted
        answer is about it and exactly one statement mentions it in any way (so no rule derives
        it, and no `#show`, weak constraint or external names it), once, in a plain positive
        literal. The grounder calls `@rows` once and takes its rows like a pool, one instance of
        the rule per row: so the rule may take at most one such predicate (two would give an
        instance per pair of rows: 14 s instead of 0.1 s for two tables of 2,000), and it must
        not be recursive (every instance would be visited again on each round). The caller
        still leaves out any predicate with a choice or a dependent fact, whose atoms do not
        all come from rows.
        """
        if wanted not in self._inlinable:
            mentioned: dict[tuple[str, int], list[int]] = {}
            feeds: dict[tuple[str, int], set[tuple[str, int]]] = {}
            for i in self._kept(wanted):
                for sig in self.mentions[i]:
                    mentioned.setdefault(sig, []).append(i)
                heads, body = self.uses[i]
                for head in heads:
                    feeds.setdefault(head[:2], set()).update(key[:2] for key in body)  # type: ignore[misc]
            found = {sig: where[0] for sig, where in mentioned.items()
                     if len(where) == 1 and sig in self.plain[where[0]] and sig not in wanted
                     and sig in self.preds and self.preds[sig].kind == "input"
                     and not _recursive(self.uses[where[0]], feeds)}
            per_rule = Counter(found.values())
            self._inlinable[wanted] = {sig: i for sig, i in sorted(found.items()) if per_rule[i] == 1}
        return self._inlinable[wanted]

    def needed(self, wanted: frozenset[tuple[str, int]]) -> frozenset[tuple[str, int]]:
        """Every predicate the wanted ones depend on (themselves included); worked out once per set."""
        return frozenset(self.calls(wanted).patterns)

    def calls(self, wanted: frozenset[tuple[str, int]]) -> Calls:
        """What the wanted predicates read, with the constants they read it with (Calls)."""
        if wanted not in self._needed:
            self._needed[wanted] = Calls(self, wanted)
        return self._needed[wanted]

    def defining(self) -> dict[tuple[str, int], list[tuple[int, Key]]]:
        """Each predicate's defining statements (by position), with the head atom that defines it
        (indexed again when statements have been added since: a rule book is loaded file by file)."""
        if self._defining is None or self._defining[0] != len(self.uses):
            index: dict[tuple[str, int], list[tuple[int, Key]]] = {}
            for i, (heads, _) in enumerate(self.uses):
                for head in heads:
                    index.setdefault(head[:2], []).append((i, head))
            self._defining = (len(self.uses), index)
        return self._defining[1]

    def to_json(self) -> str:
        return json.dumps({
            "preds": [asdict(p) for p in self.preds.values()],
            "rules": [asdict(r) for r in self.rules.values()],
            "program": self.program,
            "provenance": self.provenance,
            "constructors": sorted(self.constructors),
            "wordings": self.wordings,
            "uses": self.uses,
            "mentions": self.mentions,
            "plain": self.plain,
            "records": [[name, arity, recorded] for (name, arity), recorded in self.records.items()],
        })

    @classmethod
    def from_json(cls, text: str) -> "Library":
        data = json.loads(text)
        lib = cls(program=data["program"], provenance=data["provenance"], constructors=set(data["constructors"]),
                  wordings=data["wordings"],
                  uses=[([_loaded_key(h) for h in heads], [_loaded_key(b) for b in body]) for heads, body in data["uses"]],
                  mentions=[[(name, arity) for name, arity in sigs] for sigs in data["mentions"]],
                  plain=[[(name, arity) for name, arity in sigs] for sigs in data["plain"]],
                  records={(name, arity): recorded for name, arity, recorded in data["records"]})
        for p in data["preds"]:
            spec = PredSpec(**{**p, "params": tuple(p["params"]), "param_types": tuple(p["param_types"])})
            lib.preds[spec.signature] = spec
        for r in data["rules"]:
            lib.rules[r["id"]] = RuleSpec(**{**r, "variables": tuple(r["variables"]),
                                             "elements": tuple(tuple(e) for e in r["elements"]),
                                             "variants": tuple(tuple(v) for v in r["variants"])})
        return lib


class RuleFileError(Exception):
    """A defect in the bundled rules themselves (a developer error, caught by tests)."""


_DECL = re.compile(r"^%!\s*(ask|derived|input|open)\s+([a-z_][a-zA-Z0-9_]*)\s*(?:\(([^)]*)\))?\s*(.*)$")
_ANNOT = re.compile(r"^%@\s*([a-z][A-Za-z0-9_]*)\s*\|\s*([^|]+?)\s*(?:\|([^|]*))?(?:\|(.*))?$")
_VARIANT = re.compile(r"^%=\s*([A-Z][A-Za-z0-9_]*)\s*=\s*([A-Z][A-Za-z0-9_]*)\s*\|\s*(\S.*)$")
_WORDING = re.compile(r"^%~\s*([a-z][a-z_]*)\s+([A-Za-z0-9_]+)\s*\|\s*(\S.*)$")
STATUSES = frozenset({"unverified", "open", "analysis", "contested"})


_EXTRA = re.compile(r"\s*(status|note|cite)=(.*?)\s*(?=;\s*(?:status|note|cite)=|;\s*trivial\s*(?:;|$)|$)|\s*(trivial)\s*")


def _extras(text: str, where: str) -> dict[str, str]:
    """The fourth field of an annotation or the fifth of a declaration, `;`-separated: `status=S`
    (how sure the reading is), `note=TEXT` (a research note), `cite=CITE` (a declaration's span: the
    provisions an element stands for as a whole) and the flag `trivial`. A note or cite may itself
    hold `;`."""
    out: dict[str, str] = {}
    rest = text.strip()
    while rest:
        m = _EXTRA.match(rest)
        if not m or not m.group(0).strip():
            raise RuleFileError(f"{where}: unknown annotation field {rest!r} (status=..., note=..., cite=..., trivial)")
        key, value = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), "yes")
        if key == "status" and value not in STATUSES:
            raise RuleFileError(f"{where}: status={value!r} is not one of {sorted(STATUSES)}")
        out[key] = value
        rest = rest[m.end():].lstrip().removeprefix(";").strip()
    return out


VIEWS = frozenset({"giver"})
"""Formats that show something else about an argument (`{T:giver}`: who made transaction T), not the
argument itself: they never type the argument for the predicate's other placeholders."""
_PLACEHOLDER = re.compile(r"\{([A-Z][A-Za-z0-9_]*)(?::([a-z]+))?\}")


def _element_wording(text: str, where: str) -> tuple[str, str, str]:
    """`%- literal | sentence | negative sentence`, the literal as clingo prints it."""
    fields = [f.strip() for f in text[2:].split("|")]
    if len(fields) != 3 or not all(fields):
        raise RuleFileError(f"{where}: malformed element wording {text!r} (%- literal | sentence | negative)")
    found: list[Any] = []
    try:
        ast.parse_string(f":- {fields[0]}.", found.append)
    except RuntimeError:
        raise RuleFileError(f"{where}: {fields[0]!r} is not a body literal") from None
    rule = next(stm for stm in found if stm.ast_type == ASTType.Rule)
    return (str(rule.body[0]), fields[1], fields[2])


def _parse_decl(text: str, file: str, line: int) -> PredSpec:
    m = _DECL.match(text.strip())
    if not m:
        raise RuleFileError(f"{file}:{line}: malformed declaration {text!r}")
    kind, name, params, rest = m.groups()
    fields = [f.strip() for f in rest.lstrip("|").split("|")] if rest.strip() else []
    fields += [""] * (4 - len(fields))
    raw = [p.strip() for p in params.split(",")] if params else []
    plist = tuple(p.partition(":")[0].strip() for p in raw)
    ptypes = tuple(p.partition(":")[2].strip() for p in raw)
    extras = _extras(fields[3], f"{file}:{line}")
    return PredSpec(name, plist, ptypes, kind, fields[0], fields[1], fields[2], file, line, "trivial" in extras,
                    extras.get("cite", ""))


def _anonymous_to_named(body: Sequence[Any]) -> list[Any]:
    """Give each `_` in a positive literal a fresh name (AnonN): so it may appear in a provenance
    head, and so the grounder does not project the literal (see `_load_file`)."""
    counter = iter(range(1, 1_000_000))

    class Renamer(ast.Transformer):
        def visit_Variable(self, node: Any) -> Any:
            if node.name == "_":
                return node.update(name=f"Anon{next(counter)}")
            return node

    out = []
    for lit in body:
        if lit.ast_type == ASTType.Literal and lit.sign == ast.Sign.NoSign:
            out.append(Renamer()(lit))
        else:
            out.append(lit)
    return out


def _variables(nodes: Sequence[Any]) -> list[str]:
    names: set[str] = set()

    class Collect(ast.Transformer):
        def visit_Variable(self, node: Any) -> Any:
            if node.name != "_":
                names.add(node.name)
            return node

    for n in nodes:
        Collect()(n)
    return sorted(names)


def _anonymous_to_any(term: Any) -> Any:
    class Any_(ast.Transformer):
        def visit_Variable(self, node: Any) -> Any:
            if node.name == "_":
                return ast.SymbolicTerm(node.location, clingo.Function("any"))
            return node

    return Any_()(term)


def _head_atom(rule: Any) -> Any | None:
    """The head atom of a normal rule, or of a choice rule over a single unconditional atom."""
    head = rule.head
    if head.ast_type == ASTType.Literal and head.atom.ast_type == ASTType.SymbolicAtom:
        return head.atom.symbol
    if head.ast_type == ASTType.Aggregate and len(head.elements) == 1 and not head.elements[0].condition:
        literal = head.elements[0].literal
        if literal.ast_type == ASTType.Literal and literal.atom.ast_type == ASTType.SymbolicAtom:
            return literal.atom.symbol
    return None


def _uses(rule: Any) -> tuple[list[Key], list[Key]]:
    """The atoms a rule's head defines and those its body reads, anywhere in it, as keys (Library.uses)."""
    def atoms(nodes: Sequence[Any]) -> list[Key]:
        found: set[Key] = set()

        class Collect(ast.Transformer):
            def visit_SymbolicAtom(self, node: Any) -> Any:
                found.update(_key(name, arguments) for name, arguments in _atom_functions(node.symbol))
                return node

        for n in nodes:
            Collect()(n)
        return sorted(found, key=repr)

    heads = atoms([rule.head])
    if rule.head.ast_type == ASTType.Aggregate:  # a choice's conditions are read, not defined
        heads = sorted({sig for el in rule.head.elements for sig in atoms([el.literal])}, key=repr)
        return heads, sorted(set(atoms(rule.body)) | {s for el in rule.head.elements for s in atoms(el.condition)},
                             key=repr)
    return heads, atoms(rule.body)


def _atom_functions(symbol: Any) -> list[tuple[str, Sequence[Any]]]:
    """The predicate name and arguments of each atom an atom's term stands for: `p(...)`, a
    constant `p`, each alternative of a pool `p(a;b)`, and `-p(...)`."""
    if symbol.ast_type == ASTType.Function:
        return [(symbol.name, symbol.arguments)]
    if symbol.ast_type == ASTType.SymbolicTerm and symbol.symbol.type == clingo.SymbolType.Function:
        return [(symbol.symbol.name, symbol.symbol.arguments)]
    if symbol.ast_type == ASTType.Pool:
        return [found for alternative in symbol.arguments for found in _atom_functions(alternative)]
    if symbol.ast_type == ASTType.UnaryOperation:
        return _atom_functions(symbol.argument)
    return []


def _mentions(statement: Any) -> dict[tuple[str, int], int]:
    """How often each predicate occurs in a statement of any kind: in its atoms, wherever they
    stand (heads, bodies, conditions, `#show t : p(X)`, weak constraints, externals), and in
    `#show p/n` (a `#defined` declaration is not an occurrence)."""
    counts: Counter[tuple[str, int]] = Counter()

    class Count(ast.Transformer):
        def visit_SymbolicAtom(self, node: Any) -> Any:
            counts.update((name, len(arguments)) for name, arguments in _atom_functions(node.symbol))
            return node

        def visit_ShowSignature(self, node: Any) -> Any:
            counts[(node.name, node.arity)] += 1
            return node

        def visit_ProjectSignature(self, node: Any) -> Any:
            counts[(node.name, node.arity)] += 1
            return node

    Count()(statement)
    return counts


def _read_once_plainly(rule: Any, mentions: dict[tuple[str, int], int]) -> list[tuple[str, int]]:
    """The predicates a rule with one head atom mentions once in all, in a plain positive body literal."""
    if _head_atom(rule) is None or rule.head.ast_type != ASTType.Literal:
        return []
    return sorted(sig for lit in rule.body if (sig := _plain_literal(lit)) and mentions.get(sig) == 1)


def _plain_literal(lit: Any) -> tuple[str, int] | None:
    """The predicate of a positive, unconditional body literal `p(...)`, else None."""
    if lit.ast_type != ASTType.Literal or lit.sign != ast.Sign.NoSign or lit.atom.ast_type != ASTType.SymbolicAtom:
        return None
    sym = lit.atom.symbol
    return (sym.name, len(sym.arguments)) if sym.ast_type == ASTType.Function and sym.arguments else None


def _recursive(uses: tuple[list[Key], list[Key]], feeds: dict[tuple[str, int], set[tuple[str, int]]]) -> bool:
    """Whether a rule's head predicates are among those its body depends on, directly or not."""
    heads = {key[:2] for key in uses[0]}
    seen: set[tuple[str, int]] = set()
    todo = [key[:2] for key in uses[1]]
    while todo:
        sig = todo.pop()
        if sig in heads:
            return True
        if sig not in seen:
            seen.add(sig)  # type: ignore[arg-type]
            todo.extend(feeds.get(sig, ()))  # type: ignore[arg-type]
    return False


def _inlined(text: str, name: str, arity: int) -> str:
    """The rule with its literal `name(T1,...)` replaced by `(T1,...) = @rows(name,arity)`, put first
    (where a reader of the program text looks for where the rule's rows come from)."""
    out: list[Any] = []
    ast.parse_string(text, out.append)
    rule = next(stm for stm in out if stm.ast_type == ASTType.Rule)
    at = next(i for i, lit in enumerate(rule.body) if _plain_literal(lit) == (name, arity))
    loc = rule.location
    args = list(rule.body[at].atom.symbol.arguments)
    row = args[0] if arity == 1 else ast.Function(loc, "", args, 0)
    fetch = ast.Function(loc, "rows", [ast.SymbolicTerm(loc, clingo.Function(name)),
                                        ast.SymbolicTerm(loc, clingo.Number(arity))], 1)
    load = ast.Literal(loc, ast.Sign.NoSign, ast.Comparison(row, [ast.Guard(ast.ComparisonOperator.Equal, fetch)]))
    return str(rule.update(body=[load, *rule.body[:at], *rule.body[at + 1:]]))


def _key(name: str, arguments: Sequence[Any]) -> Key:
    """(name, arity, args): each argument of an atom in a rule as a constant, a variable (`_` is none:
    it binds nothing) or anything else."""
    return (name, len(arguments), tuple(_arg(a) for a in arguments))


def _arg(node: Any) -> Arg:
    if node.ast_type == ASTType.SymbolicTerm and not (node.symbol.type == clingo.SymbolType.Function
                                                      and node.symbol.arguments):
        return "c:" + str(node.symbol)
    if node.ast_type == ASTType.Function and not node.arguments and not node.external:
        return "c:" + node.name
    if node.ast_type == ASTType.Variable and node.name != "_":
        return "v:" + node.name
    return ""


def _loaded_key(data: Sequence[Any]) -> Key:
    return (data[0], data[1], tuple(data[2]))


def _constructors(rule: Any) -> set[str]:
    """Names of the compound terms inside the rule's atoms (not the predicates themselves)."""
    found: set[str] = set()

    class Inner(ast.Transformer):
        def visit_Function(self, node: Any) -> Any:
            if node.arguments and node.name:
                found.add(node.name)
            self.visit_sequence(node.arguments)
            return node

    class Atoms(ast.Transformer):
        def visit_SymbolicAtom(self, node: Any) -> Any:
            if node.symbol.ast_type == ASTType.Function:
                Inner().visit_sequence(node.symbol.arguments)
            return node

    Atoms()(rule)
    return found


def _provenance_rule(spec_id: str, rule: Any, head_atom: Any) -> tuple[Any, tuple[str, ...]]:
    loc = rule.location
    body = _anonymous_to_named(rule.body)
    if rule.head.ast_type == ASTType.Aggregate:  # a chosen atom is explained only where chosen
        body = [ast.Literal(loc, ast.Sign.NoSign, ast.SymbolicAtom(head_atom)), *body]
    premises = []
    for lit in body:
        if lit.ast_type != ASTType.Literal or lit.atom.ast_type != ASTType.SymbolicAtom:
            continue
        term = lit.atom.symbol
        if lit.sign == ast.Sign.NoSign:
            premises.append(term)
        elif lit.sign == ast.Sign.Negation:
            premises.append(ast.Function(loc, "neg", [_anonymous_to_any(term)], 0))
    variables = tuple(v for v in _variables(body) if not v.startswith("Anon"))
    var_terms = [ast.Variable(loc, v) for v in variables]
    head = ast.Function(
        loc,
        PROVENANCE,
        [
            ast.SymbolicTerm(loc, clingo.Function(spec_id)),
            head_atom,
            ast.Function(loc, "", premises, 0),
            ast.Function(loc, "", var_terms, 0),
        ],
        0,
    )
    new_rule = ast.Rule(loc, ast.Literal(loc, ast.Sign.NoSign, ast.SymbolicAtom(head)), body)
    return new_rule, variables


def _load_file(lib: Library, file: str, text: str) -> None:
    pending: tuple[str, str, str, dict[str, str]] | None = None
    elements: list[tuple[str, str, str]] = []
    variants: list[tuple[str, str, str]] = []
    collected: list[Any] = []
    ast.parse_string(text, collected.append)
    for stm in collected:
        line = stm.location.begin.line
        if stm.ast_type == ASTType.Comment:
            body = stm.value.strip()
            if body.startswith("%!"):
                spec = _parse_decl(body, file, line)
                if spec.signature in lib.preds:
                    raise RuleFileError(f"{file}:{line}: {spec.name}/{len(spec.params)} is declared twice")
                lib.preds[spec.signature] = spec
            elif body.startswith("%~"):
                m = _WORDING.match(body)
                if not m:
                    raise RuleFileError(f"{file}:{line}: malformed wording {body!r} (%~ TABLE term | words)")
                table = lib.wordings.setdefault(m.group(1), {})
                if m.group(2) in table:
                    raise RuleFileError(f"{file}:{line}: {m.group(1)} {m.group(2)} is worded twice")
                table[m.group(2)] = m.group(3).strip()
            elif body.startswith("%@"):
                m = _ANNOT.match(body)
                if not m:
                    raise RuleFileError(f"{file}:{line}: malformed rule annotation {body!r}")
                pending = (m.group(1), m.group(2).strip(), (m.group(3) or "").strip(),
                           _extras(m.group(4) or "", f"{file}:{line}"))
                elements, variants = [], []
            elif body.startswith("%="):
                m = _VARIANT.match(body)
                if pending is None or not m:
                    raise RuleFileError(f"{file}:{line}: a sentence variant (%= A=B | sentence) belongs under a rule annotation")
                variants.append((m.group(1), m.group(2), m.group(3).strip()))
            elif body.startswith("%-"):
                if pending is None:
                    raise RuleFileError(f"{file}:{line}: an element wording (%-) belongs under a rule annotation (%@)")
                elements.append(_element_wording(body, f"{file}:{line}"))
            continue
        mentions = _mentions(stm)
        lib.mentions.append(sorted(mentions))
        if stm.ast_type != ASTType.Rule:
            lib.program.append(str(stm))
            lib.uses.append(([], []))
            lib.plain.append([])
            continue
        # Named, a `_` in a positive literal is just an unused variable. Left anonymous, the
        # grounder first projects the literal onto its other arguments, building a copy of the
        # whole table (at 1e5 transactions that copy cost more than the join it serves).
        lib.program.append(str(stm.update(body=_anonymous_to_named(stm.body))))
        lib.uses.append(_uses(stm))
        lib.plain.append(_read_once_plainly(stm, mentions))
        lib.constructors.update(_constructors(stm))
        if (gate := _record_gate(stm)) is not None:
            lib.records[gate[0]] = gate[1]
        if pending is None:
            continue
        rid, cite, sentence, extras = pending
        pending = None
        head_atom = _head_atom(stm)
        if head_atom is None:
            raise RuleFileError(f"{file}:{line}: annotated rule {rid} must have one atom as its head")
        if rid in lib.rules:
            raise RuleFileError(f"{file}:{line}: rule id {rid} is used twice")
        body_texts = {str(lit) for lit in stm.body}
        for literal, _, _ in elements:
            if literal not in body_texts:
                raise RuleFileError(f"{file}:{line}: rule {rid} has no body literal {literal} to word")
        prov, variables = _provenance_rule(rid, stm, head_atom)
        lib.provenance.append(str(prov))
        lib.rules[rid] = RuleSpec(rid, cite, sentence, file, line, head_atom.name, len(head_atom.arguments),
                                  variables, str(stm), len(lib.program) - 1, extras.get("status", ""),
                                  extras.get("note", ""), "trivial" in extras, tuple(elements), tuple(variants))


def _record_gate(rule: Any) -> tuple[tuple[str, int], str] | None:
    """(head signature, record predicate) for a rule that passes a `recorded_` fact on with the same
    arguments (rules/record.lp), else None."""
    head = _head_atom(rule)
    if head is None or rule.head.ast_type == ASTType.Aggregate:
        return None
    for lit in rule.body:
        if (lit.ast_type == ASTType.Literal and lit.sign == ast.Sign.NoSign and lit.atom.ast_type == ASTType.SymbolicAtom
                and lit.atom.symbol.ast_type == ASTType.Function and lit.atom.symbol.name.startswith("recorded_")
                and [str(a) for a in lit.atom.symbol.arguments] == [str(a) for a in head.arguments]):
            return (head.name, len(head.arguments)), lit.atom.symbol.name
    return None


def _rule_folder() -> Any:
    """$FTO_RULES if set (to try another rule book), else the checkout's rules/, else the installed ones."""
    override = os.environ.get("FTO_RULES")
    if override:
        return Path(override)
    return bundled_folder("engine.rulebook", "rules", "designation.lp")


CACHE_VERSION = "12"


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "fto-engine"


@lru_cache(maxsize=1)
def library() -> Library:
    """All bundled rules, parsed once per rule book (cached on disk by content hash)."""
    files = sorted((e.name, e.read_text(encoding="utf-8")) for e in _rule_folder().iterdir() if e.name.endswith(".lp"))
    digest = hashlib.sha256(repr((CACHE_VERSION, files)).encode()).hexdigest()[:24]
    cached = _cache_dir() / f"rules-{digest}.json"
    try:
        return Library.from_json(cached.read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError):
        pass
    lib = Library()
    for name, text in files:
        _load_file(lib, f"rules/{name}", text)
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(lib.to_json(), encoding="utf-8")
        tmp.replace(cached)
    except OSError:
        pass  # a read-only home only costs speed
    return lib


@lru_cache(maxsize=1)
def _thread_ready_for_errors() -> None:
    """Have clingo raise and catch one harmless error in this thread before any real work.

    Why: the C++ runtime sets up a thread's exception state on its first exception. If
    that first exception is the grounder running out of memory (under --max-memory-mb),
    the set-up itself cannot allocate and glibc ends the process on the spot (exit 127,
    no message) instead of letting the error reach the CLI's clean exit 3.
    """
    try:
        clingo.parse_term("(", logger=lambda _code, _msg: None)
    except RuntimeError:
        pass


def control(lib: Library, facts: str, context: object, provenance: bool = True,
            observer: object | None = None, wanted: frozenset[tuple[str, int]] | None = None,
            inline: frozenset[tuple[str, int]] = frozenset()) -> clingo.Control:
    """A grounded Control holding the rules (those `wanted` needs) and one scenario's facts.

    `observer` sees the ground program; `inline`: see Library.text.
    """
    if inline and (provenance or wanted is None or not inline <= lib.inlinable(wanted).keys()):
        raise ValueError("only tables Library.inlinable names, without provenance, can be inlined")
    _thread_ready_for_errors()
    ctl = clingo.Control(["--warn=none"], logger=lambda _code, _msg: None)
    if observer is not None:
        ctl.register_observer(observer)  # type: ignore[arg-type]
    ctl.add("base", [], lib.text(provenance, wanted, inline))
    ctl.add("base", [], facts)
    ctl.ground([("base", [])], context=context)
    return ctl
