"""The rule files themselves: every rule cited, every predicate worded, every id unique."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from engine.questions import ask, wanted_for
from engine.rules import _PLACEHOLDER, Library, _load_file, _rule_folder, library
from engine.scenario import load
from engine.solve import Solver

CITE = re.compile(r"(U\.S\.C\.|C\.F\.R\.|Exec\. Order|E\.O\.|EO \d|presumption|U\.S\. |I&N Dec\.|F\.\d?d|Fed\. R\. App\. P\.|INA|Fed\. Reg\.|Pub\. L\.|Presidential Policy Directive|OFAC, (Revised )?Guidance)")


def test_every_annotated_rule_has_a_pinpoint_cite():
    lib = library()
    assert lib.rules, "no annotated rules were loaded"
    for rule in lib.rules.values():
        assert CITE.search(rule.cite), f"{rule.file}:{rule.line}: {rule.id} has no recognisable citation: {rule.cite!r}"


def test_a_research_status_is_an_annotation_field_not_a_comment():
    """`% status=...` above a rule is read by nobody, so the answer would not show it (rules/README.md)."""
    folder = Path(str(_rule_folder()))
    stray = [f"{p.name}:{n}" for p in sorted(folder.glob("*.lp"))
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if re.match(r"%+\s*status=", line)]
    assert not stray, f"status written as a comment, not in the rule's %@ fields: {stray}"
    assert library().rules["r_in_re_pmoi_unreasonable"].status == "analysis"


def test_every_open_reading_has_a_name_in_words():
    """A depends on a reading asks it in words ("Does this reading apply: FRAP 26(a)(1)(C) carries
    ..."), never by its id: each choice `{ reading(R) }` has its name/2 line."""
    from engine.open_law import readings

    lib = library()
    named = {m.group(1) for t in lib.program if (m := re.match(r"name\(([a-z0-9_]+),", t))}
    assert [r.name for r in readings(lib) if r.name not in named] == []


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
NARROW_SAMPLE = [p for p in CASE_FILES if (p.parent.name in ("dates", "review")
                                           or sorted(p.parent.glob("*.yaml")).index(p) % 4 == 0)
                 and p.name != "payment_on_an_uncertain_day.yaml"]
"""Every body of law (each folder's 1st, 5th, 9th ... case), and all of dates/ (an uncertain day is
tried on fewer days in a narrow solve) and review/ (deciding sets): a whole-book solve of every case
cost a fifth of the suite, and every other test and case now solves narrow, as fto ask does.
dates/payment_on_an_uncertain_day.yaml is left out: its five undated payments make a whole-book
solve of about 4,400 day choices (40 s, a tenth of the suite's CPU), and spouse_window_uncertain and
membership_end_uncertain already hold uncertain days, whole against narrow, in a second or two."""


@pytest.mark.parametrize("path", NARROW_SAMPLE, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_a_narrow_solve_gives_the_same_answer_explanation_and_citations(path):
    """`fto ask` grounds only what the question depends on (Solver(only=...)); nothing may change."""
    scenario, located = load(path)
    expectation = next(e for e in located.data["expect"] if "set" not in e and "remove" not in e)
    day = dt.date.fromisoformat(str(expectation["as_of"])) if expectation.get("as_of") else None
    question = expectation["ask"]
    whole = ask(Solver(scenario, day, source=str(path)), question).model_dump()
    narrow = ask(Solver(scenario, day, source=str(path), only=wanted_for([question])), question).model_dump()
    assert narrow == whole



BENCHMARK_ANSWERS = frozenset({("acts_for", 2), ("designated_on_day", 2), ("must_retain", 2), ("must_report", 2)})


@pytest.fixture(scope="module")
def core_library() -> Library:
    """The rule files the benchmark's answers need (benchmarks/run.py, `--rules core`)."""
    from benchmarks.run import CORE_FILES, ROOT

    lib = Library()
    for name in CORE_FILES:
        _load_file(lib, f"rules/{name}", (ROOT / "rules" / name).read_text(encoding="utf-8"))
    return lib


def test_only_an_input_read_once_plainly_by_a_rule_that_does_not_recurse_is_inlinable(core_library):
    """Library.inlinable: which tables one rule may take straight from its rows (no atom per row)."""
    found = core_library.inlinable(BENCHMARK_ANSWERS)
    assert ("recorded_transaction", 4) in found and ("recorded_aware_on", 2) in found
    assert ("agent_of", 2) not in found  # read by acts_for, which recurses
    assert ("licensed", 1) not in found  # read under `not`
    assert ("kind", 2) not in found and ("org", 1) not in found  # several readers
    assert ("transaction", 4) not in found  # derived (rules/record.lp), not an input
    assert ("recorded_transaction", 4) not in core_library.inlinable(
        BENCHMARK_ANSWERS | {("recorded_transaction", 4)})  # asked itself
    # The whole rule book reads the recorded transactions only through the as-of view too.
    assert ("recorded_transaction", 4) in library().inlinable(BENCHMARK_ANSWERS)
    inlined = core_library.text(False, BENCHMARK_ANSWERS, frozenset({("recorded_transaction", 4)})).splitlines()
    plain = core_library.text(False, BENCHMARK_ANSWERS).splitlines()
    assert sorted(set(inlined) ^ set(plain)) == [
        "transaction(T,F,R,X) :- (T,F,R,X) = @rows(recorded_transaction,4); as_of(D); X <= D.",
        "transaction(T,F,R,X) :- recorded_transaction(T,F,R,X); as_of(D); X <= D.",
    ]


def test_inlined_rows_give_the_same_statuses_as_atoms(core_library, monkeypatch):
    """A whole-scenario analysis without provenance inlines tables; with it, nothing is inlined.
    Both must give every answer alike, also where a transaction or an awareness date is unknown
    (such a table keeps its atoms: some of them are choices)."""
    from benchmarks.generate import generate_dict
    from engine import rules
    from engine.scenario import Scenario

    from engine import solve

    monkeypatch.setattr(rules, "library", lambda: core_library)
    fetched: list[str] = []
    rows = solve.Context.rows
    monkeypatch.setattr(solve.Context, "rows", lambda self, name, arity: fetched.append(name.name) or rows(self, name, arity))
    data = generate_dict(300)
    exposed = Solver(Scenario.model_validate(data), provenance=False, only=BENCHMARK_ANSWERS).statuses(BENCHMARK_ANSWERS)
    first = min(atom.arguments[1].name for atom in exposed if atom.name == "designated_on_day")
    for unknown in ([], [f"transactions.{first}"], ["holdings.0.aware_on"]):
        scenario = Scenario.model_validate({**data, "unknown": unknown})
        fetched.clear()
        inlined = Solver(scenario, provenance=False, only=BENCHMARK_ANSWERS)
        assert "recorded_transaction" in fetched and len(fetched) == len(set(fetched))  # every table, loaded or inlined, once
        atoms = Solver(scenario, provenance=True, only=BENCHMARK_ANSWERS)
        # Rows taken straight into the one rule leave no atoms, unless some of them are choices.
        assert (count(inlined, "recorded_transaction", 4) == 0) == (unknown != [f"transactions.{first}"])
        assert (count(inlined, "recorded_aware_on", 2) == 0) == (unknown != ["holdings.0.aware_on"])
        assert count(atoms, "recorded_transaction", 4) == len(data["transactions"])
        got, want = inlined.statuses(BENCHMARK_ANSWERS), atoms.statuses(BENCHMARK_ANSWERS)
        with pytest.raises(ValueError, match="recorded_transaction/4 is not among the predicates"):
            inlined.statuses([("recorded_transaction", 4)])  # its rows were never atoms here
        assert dict(got.items()) == dict(want.items())
        assert sum(a.name == "designated_on_day" for a in got) > 50
        if unknown == [f"transactions.{first}"]:
            assert any(status == "depends" and atom.arguments[1].name == first for atom, status in got.items()
                       if atom.name == "designated_on_day")


def count(solver: Solver, name: str, arity: int) -> int:
    return sum(1 for _ in solver.ctl.symbolic_atoms.by_signature(name, arity))


@pytest.mark.parametrize("other", [
    "g(a) :- p(a;zz).",  # a pool in a body
    "p(b;c).",  # a pool in a head: p is derived
    "-p(X) :- r(X).",  # classical negation needs the p atoms for its consistency check
    "#show p/1.",
    "#show t(X) : p(X).",
    ":~ r(X), p(X). [1,X]",
    "#external p(X) : r(X).",
    "k :- #count { X : p(X) } > 1.",
])
def test_a_table_named_anywhere_else_is_not_inlinable(other):
    """One rule reading p once plainly makes p inlinable; any other mention of p, of any kind, does not."""
    text = "%! input p(X) | {X} is p | |\nr(1).\nh(X) :- p(X), r(X).\n"
    alone, both = Library(), Library()
    _load_file(alone, "rules/t.lp", text)
    _load_file(both, "rules/t.lp", text + other + "\n")
    wanted = frozenset({("h", 1), ("g", 1), ("k", 0), ("t", 1)})
    assert ("p", 1) in alone.inlinable(wanted)
    assert ("p", 1) not in both.inlinable(wanted)


def test_a_constant_in_a_call_narrows_the_rules_kept_even_through_a_head_variable():
    """`max_prison` reads `version_in_force(T, section_2339b_a1, V)`, whose rule passes the statute on to
    `conduct_case(K, S, D)`: only the rules concluding `conduct_case` for that statute are kept, not those
    of every body of law (which brought in the whole of § 2339A, § 2339C, IEEPA and the firearms law)."""
    lib = Library()
    _load_file(lib, "rules/t.lp", "v(K, S) :- c(K, S).\nc(K, s1) :- a(K).\nc(K, s2) :- b(K).\n"
                                  "c(K, S) :- d(K, S).\nm(K) :- v(K, s1).\nn(K) :- v(K, _).\n")
    wanted = frozenset({("m", 1)})
    assert lib.needed(wanted) == {("m", 1), ("v", 2), ("c", 2), ("a", 1), ("d", 2)}  # not b: it concludes c(K, s2)
    assert lib.statements(wanted) == ["#program base.", "v(K,S) :- c(K,S).", "c(K,s1) :- a(K).", "c(K,S) :- d(K,S).",
                                      "m(K) :- v(K,s1)."]
    calls = lib.calls(wanted)
    assert calls.reads("d", ("x", "s1")) and not calls.reads("d", ("x", "s2"))
    assert ("b", 1) in lib.needed(frozenset({("n", 1)}))  # `_` binds nothing: every statute is read


def test_two_tables_read_by_one_rule_are_not_inlined():
    """The grounder takes inlined rows like a pool, one rule instance per row: two tables in one
    rule would make an instance per pair of rows."""
    lib = Library()
    _load_file(lib, "rules/t.lp", "%! input p(X, Y) | | |\n%! input q(Y, Z) | | |\nh(X,Z) :- p(X,Y), q(Y,Z).\n")
    assert lib.inlinable(frozenset({("h", 2)})) == {}
    _load_file(lib, "rules/u.lp", "k(Y) :- q(Y,_).\n")  # q read elsewhere too: p alone is left
    assert lib.inlinable(frozenset({("h", 2), ("k", 1)})) == {("p", 2): 1}  # statement 1: the rule h


BANNER = re.compile(r"^% ?[-=]{10,}\s*$")
ONE_LINE_HEADING = re.compile(r"^% ?-{3,} \S.*\S -{3,}\s*$")


def headings(text: str) -> dict[int, str]:
    """The provision heading each `%@` line sits under (line number: heading), or "" where it has none.

    A heading is a comment between two banner lines (`% ----` or `% ====`), or one line of the form
    `% --- heading ---`; the comment block a file opens with describes the file, not a provision."""
    lines = text.splitlines()
    i = 0
    while i < len(lines) and lines[i].startswith("%") and not lines[i].startswith(("%@", "%!")):
        i += 1  # the file's opening banner
    current, found = "", {}
    while i < len(lines):
        line = lines[i]
        if ONE_LINE_HEADING.match(line):
            current = line.strip("%- ")
        elif BANNER.match(line):
            j = i + 1
            while j < len(lines) and lines[j].startswith("%") and not BANNER.match(lines[j]) and lines[j][1:2] not in "@!-=~":
                j += 1
            if j < len(lines) and j > i + 1 and BANNER.match(lines[j]):
                current, i = lines[i + 1].lstrip("% "), j
        elif line.startswith("%@"):
            found[i + 1] = current
        i += 1
    return found


def test_every_rule_sits_under_a_heading_naming_its_provision():
    """Each rule file reads top to bottom provision by provision: a rule above the first heading would
    belong to no provision a reader can find."""
    folder = Path(str(_rule_folder()))
    loose = [f"{p.name}:{n}" for p in sorted(folder.glob("*.lp"))
             for n, heading in headings(p.read_text(encoding="utf-8")).items() if not heading]
    assert not loose, f"rules with no provision heading above them: {loose}"
    assert headings("% The file.\n\n%@ r | 8 U.S.C. § 1189\nh.\n") == {3: ""}
    assert headings("% The file.\n\n% ---------------------------------------\n% § 1189(a)(1): who designates\n"
                    "% ---------------------------------------\n%@ r | 8 U.S.C. § 1189(a)(1)\nh.\n"
                    ) == {6: "§ 1189(a)(1): who designates"}
