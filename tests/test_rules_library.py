"""The rule files themselves: every rule cited, every predicate worded, every id unique."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from engine.answers import ask, wanted_for
from engine.rules import _PLACEHOLDER, library
from engine.scenario import load
from engine.solve import Solver

CITE = re.compile(r"(U\.S\.C\.|C\.F\.R\.|Exec\. Order|E\.O\.|EO \d|presumption|U\.S\. |I&N Dec\.|F\.\d?d|Fed\. R\. App\. P\.|INA)")


def test_every_annotated_rule_has_a_pinpoint_cite():
    lib = library()
    assert lib.rules, "no annotated rules were loaded"
    for rule in lib.rules.values():
        assert CITE.search(rule.cite), f"{rule.file}:{rule.line}: {rule.id} has no recognisable citation: {rule.cite!r}"


def test_every_rule_head_has_a_declared_sentence():
    lib = library()
    for rule in lib.rules.values():
        spec = lib.preds.get(rule.signature)
        assert spec is not None, f"{rule.file}:{rule.line}: {rule.signature} has no %! declaration"
        assert spec.sentence, f"{spec.file}:{spec.line}: {spec.name} has no sentence"


def test_every_askable_conclusion_has_rules_and_a_negative_sentence():
    lib = library()
    asks = lib.asks()
    assert len(asks) >= 3
    for spec in asks:
        assert lib.rules_for(spec.signature), f"{spec.name} is askable but no rule concludes it"
        assert spec.negative, f"{spec.file}:{spec.line}: askable {spec.name} needs a negative sentence for why-not"


def test_sentence_placeholders_name_rule_variables():
    lib = library()
    for rule in lib.rules.values():
        spec = lib.preds[rule.signature]
        names = set(rule.variables) | set(spec.params)
        for m in _PLACEHOLDER.finditer(rule.sentence):
            assert m.group(1) in names, f"{rule.file}:{rule.line}: {{{m.group(1)}}} is not a variable of {rule.id}"


def test_provenance_is_generated_for_every_annotated_rule():
    lib = library()
    assert len(lib.provenance) == len(lib.rules)


def test_the_grounded_program_names_every_unused_argument_of_a_positive_literal():
    # An anonymous `_` makes the grounder copy the whole table first (rules._load_file); a
    # negated literal keeps its `_`, which there means "any" and must stay unbound.
    lib = library()
    text = lib.text(provenance=False)
    assert "transaction(T,_," not in text and "transaction(T,Anon" in text
    assert "not amount(T,_)" in text
    # The rule as the explanation reads it is the file's own text.
    assert "transaction(T,_,R,D)" in lib.rules["r_ms_2339B_g6_on_the_day"].text.replace(" ", "")


CASE_FILES = sorted(Path(__file__).resolve().parent.parent.joinpath("cases").rglob("*.yaml"))


@pytest.mark.parametrize("path", CASE_FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_a_narrow_solve_gives_the_same_answer_explanation_and_citations(path):
    """`fto ask` grounds only what the question depends on (Solver(only=...)); nothing may change."""
    scenario, located = load(path)
    expectation = next(e for e in located.data["expect"] if "set" not in e and "remove" not in e)
    day = dt.date.fromisoformat(str(expectation["as_of"])) if expectation.get("as_of") else None
    question = expectation["ask"]
    whole = ask(Solver(scenario, day, source=str(path)), question).model_dump()
    narrow = ask(Solver(scenario, day, source=str(path), only=wanted_for(question)), question).model_dump()
    assert narrow == whole
