"""Every sentence the rule book can say, read both ways: no placeholder, no garble.

Each declared predicate is rendered in its yes form and its no form (and its question),
with each argument bound to a sample term of its kind; each rule's sentence and each
element wording likewise. A sentence may name only arguments it has (one that named another
would print "any" where a name belongs); the patterns below are garbles once found in real
answers.
"""

from __future__ import annotations

import re

from clingo.symbol import Function, Number, Symbol

from engine import money
from engine.explain import Explainer, Renderer
from engine.reading import Reading
from engine.rules import _PLACEHOLDER, PredSpec, library

BAD = [
    (re.compile(r"[{}]"), "an unfilled placeholder"),
    (re.compile(r"\b(\w+(?: \w+)*) is \1 itself\b"), "a party said to be itself"),
    (re.compile(r"\bis (?:terrorist activity|terrorism)\b"), "knowledge worded as being an activity"),
    (re.compile(r"\bkn(?:ew|ow) that (?:\w+ ){1,3}(?<!\bin )(?:terrorist activity|terrorism)\b"), "knowledge without its verb"),
    (re.compile(r"  |\s[,.;:]|\.\."), "broken spacing or punctuation"),
    (re.compile(r"\b[Ii]n t sample (?:the giver|the person)\b"), "an opening 'in <transaction>' without its comma"),
]


def _sample(spec: PredSpec, position: int, wordings: dict[str, dict[str, str]]) -> list[Symbol]:
    """Terms of the argument's kind: a day, an amount, a term of years, each worded constant, or an id."""
    kind = spec.types().get(position, "")
    if kind == "date":
        return [Number(739000)]
    if kind == "usd":
        return [money.term(money.cents(10_000))]
    if kind == "years":
        return [Number(15)]
    if kind in wordings:
        return [Function(term) for term in sorted(wordings[kind])]
    return [Function(f"{spec.params[position].lower()}_sample")]


def _renderings(spec: PredSpec) -> list[str]:
    """The predicate's sentences as answers print them (Explainer's own sentence and question paths,
    so a path that forgot an argument's declared format is caught), for each sample binding."""
    lib = library()
    explainer = Explainer(lib, Reading([]))
    samples = [_sample(spec, i, lib.wordings) for i in range(len(spec.params))]
    count = max((len(s) for s in samples), default=1)
    out = []
    for n in range(count):
        atom = Function(spec.name, [s[min(n, len(s) - 1)] for s in samples])
        out.append(explainer.sentence(atom))
        if spec.negative:
            out.append(explainer.sentence(atom, negative=True))
        if spec.question:
            out.append(explainer.question(atom) or "")
    return out


def test_every_predicate_reads_both_ways_without_placeholders_or_garbles():
    problems = []
    for spec in sorted(library().preds.values(), key=lambda p: p.signature):
        for template in (spec.sentence, spec.negative, spec.question):
            problems += [f"{spec.file}:{spec.line}: {{{m.group(1)}}} is not an argument of {spec.name}"
                         for m in _PLACEHOLDER.finditer(template) if m.group(1) not in spec.params]
        problems += [f"{spec.file}:{spec.line}: {what}: {text!r}"
                     for text in _renderings(spec) for pattern, what in BAD if pattern.search(text)]
    assert not problems, "\n".join(problems)


def test_every_rule_sentence_and_element_wording_reads_without_placeholders_or_garbles():
    lib = library()
    render = Renderer(Reading([]), lib.wordings)
    problems = []
    for rule in lib.rules.values():
        spec = lib.preds[rule.signature]
        names = set(rule.variables) | set(spec.params)
        binding = {name: Function(f"{name.lower()}_sample") for name in names}
        wordings = (w for _, pos, neg in rule.elements for w in (pos, neg))
        for template in (rule.sentence, *(text for _, _, text in rule.variants), *wordings):
            problems += [f"{rule.file}:{rule.line}: {{{m.group(1)}}} is not a variable of {rule.id}"
                         for m in _PLACEHOLDER.finditer(template) if m.group(1) not in names]
            text = render.fill(template, binding)
            problems += [f"{rule.file}:{rule.line}: {rule.id}: {what}: {text!r}" for pattern, what in BAD
                         if pattern.search(text)]
    assert not problems, "\n".join(problems)


def test_a_party_whose_id_is_a_word_the_rules_use_goes_by_its_own_name(answer):
    """The rule book words the relation kind `member` ("a member of") only where a sentence names a
    kind; a party a scenario calls `member` keeps the name the scenario gives it."""
    found = answer("""\
        scenario: a party whose id is member
        as_of: 2025-09-01
        organizations:
          cjng: {registry: cjng}
        actors:
          member: {name: the TdA member, kind: person, member_of: [cjng]}
        """, "membership_offense(member, cjng)")
    text = " ".join(n.claim for n in found.explanation.steps())
    assert "the TdA member" in text and "a member of is" not in text.lower()
