"""Scenario text never becomes program text except as clingo-escaped Symbols."""

from __future__ import annotations

import re
from pathlib import Path

import clingo

from engine.facts import build
from engine.scenario import loads
from engine.solve import Context

ENGINE = Path(__file__).resolve().parent.parent / "engine"

HOSTILE = '''
scenario: "x). designated(y). %"
as_of: 2025-06-01
organizations:
  acme: {name: "Acme\\" ). designated(bravo). #show. % \\n :- not x.", us_presence: false, us_property: false}
  bravo: {name: "#program base. designated(acme).", us_presence: false, us_property: false}
actors:
  ann: {name: "Ann O'Neil :- #external q.", in_united_states: true, admitted: true, applicant_abroad: false}
events:
  - {on: 2025-03-08, act: publish_designation, org: acme, by: secretary_of_state, fr_citation: "90 FR 1). cite(x"}
'''


def test_only_two_places_hand_text_to_clingo_and_neither_formats_user_data():
    calls = []
    for path in sorted(ENGINE.glob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"\bctl\.add\(", line):
                calls.append((path.name, line.strip()))
    assert calls == [
        ("rules.py", 'ctl.add("base", [], lib.text(provenance, wanted, inline))'),
        ("rules.py", 'ctl.add("base", [], facts)'),
    ]


def test_fact_text_is_rendered_from_symbols_without_format_strings():
    source = (ENGINE / "facts.py").read_text(encoding="utf-8")
    program_funcs = re.findall(r"def (?:program|external_program)\(self\).*?(?=\n    def |\nEVENT_PHRASES)", source, re.S)
    assert len(program_funcs) == 2
    for body in program_funcs:
        assert 'f"' not in body and "%" not in body and ".format(" not in body


def test_hostile_names_round_trip_as_the_same_symbols():
    facts = build(loads(HOSTILE, "hostile.yaml"))
    ctl = clingo.Control(["--warn=none"], logger=lambda *_: None)
    ctl.add("base", [], facts.program())
    ctl.ground([("base", [])])
    with ctl.solve(yield_=True) as handle:
        model = set(next(iter(handle)).symbols(atoms=True))
    assert model == set(facts.facts)  # nothing more (no injected atom), nothing less
    names = {s.arguments[1].string for s in model if s.name == "name"}
    assert 'Acme" ). designated(bravo). #show. % \n :- not x.' in names
    assert not any(s.name == "designated" for s in model)


def test_hostile_names_loaded_in_bulk_round_trip_as_the_same_symbols():
    """The bulk path (one parsed term per predicate) gives exactly the facts, and the loader
    rules it writes name only predicates and arities, never user text."""
    facts = build(loads(HOSTILE, "hostile.yaml"))
    program, rows = facts.bulk()
    choices = {"{" + str(sym) + "}." for sym in facts.choices}  # unknown facts, rendered from Symbols
    for line in program.splitlines():
        assert line in choices or re.fullmatch(
            r"[a-z_]+(\(V0(,V\d+)*\) :- \(?V0(,V\d+)*\)? = @rows\([a-z_]+,\d+\))?\.", line), line
    ctl = clingo.Control(["--warn=none"], logger=lambda *_: None)
    ctl.add("base", [], program)
    ctl.ground([("base", [])], context=Context(rows))
    with ctl.solve(yield_=True) as handle:
        model = set(next(iter(handle)).symbols(atoms=True))
    assert model == set(facts.facts)


def test_the_bulk_id_check_passes_only_plain_words():
    """Transaction ids are checked all at once; a word that is not a plain constant sends every
    id through the word-by-word path, which quotes it (a newline inside one must not split it)."""
    from engine.facts import _all_plain_words

    assert _all_plain_words(["t1", "pay_2025_02_21", "x"])
    assert _all_plain_words([])
    for bad in (["t1", "a\nb"], ["not"], ["T1"], ["_t"], ["1t"], ["t 1"], ["t1). y :- z"], ["é"]):
        assert not _all_plain_words(bad), bad
