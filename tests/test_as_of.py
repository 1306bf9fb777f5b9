"""The as-of principle: a question asked as of a day D is answered with the world as it stood on D.

Whatever is dated after D (an instrument, a payment, a holding, a suit) had not happened on D, so
it might as well not exist: over every case in cases/ and every question asked there, deleting
every record dated after the day asked changes no answer, and neither does moving them further
away. The rules get this from one place, rules/record.lp, the only reader of the recorded_*
facts (checked below on the rule files themselves).
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections import defaultdict
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

import clingo.ast
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.answers import ask
from engine.questions import wanted_for
from engine.scenario import CASE_KEYS, Scenario, parse
from engine.solve import Solver
from engine.yamlsource import Located, load_file
from tests.test_properties import SETTINGS, days, scenarios

ROOT = Path(__file__).resolve().parent.parent
CASES = sorted(ROOT.joinpath("cases").rglob("*.yaml"))
LATER = dt.timedelta(days=400)

# Where a scenario states a day, by its place with ids and list positions left out (section, ..., field):
# what that day is the day of.
RECORDS = {("events", "on"), ("transactions", "on"), ("holdings", "since"), ("acts", "on"), ("solicitations", "on"),
           ("drug_activities", "on"), ("actors", "convictions", "on"), ("actors", "aea_notice", "on"),
           ("actors", "association_determination", "on"), ("actors", "custody", "from")}
"""The day of the record that holds it: a record dated after D is deleted."""
OCCURRENCES = {("holdings", "aware_on"): (), ("holdings", "reported_on"): (), ("acts", "suit_filed_on"): (),
               ("acts", "planned_on"): (), ("acts", "authorized_on"): (), ("actors", "exemption_on"): ("exempted_by",),
               ("actors", "admitted_on"): (), ("actors", "found_in_us_on"): (),
               ("transactions", "detected_on"): ("detected_by",),
               ("transactions", "sar_filed_on"): ()}
"""The day of something that happened to a record (with the fields that describe it): deleted when after D."""
ATTRIBUTES = {("events", "effective"), ("actors", "aea_notice", "removal_on"), ("actors", "custody", "until"),
              ("organizations", "terrorist_activity_until"),
              *((("actors", relation, end) for relation in ("member_of", "representative_of", "employed_by", "controls",
                                                          "agent_of") for end in ("from", "until")))}
"""A day a record states about the future (a revocation's effective date, a removal's) or a bound of a dated
relation (compared with the day asked by the rules): kept; only moved."""


def _day(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _dates(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], dt.date]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _dates(value, path + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _dates(value, path + (i,))
    elif (when := _day(node)) is not None:
        yield path, when


def later(data: dict[str, Any], asked: dt.date) -> tuple[dict[str, Any], int]:
    """The scenario with every day after `asked` moved 400 days later, and how many moved."""
    out = copy.deepcopy(data)
    moved = 0
    for path, when in _dates(data):
        if when > asked and path != ("as_of",):
            node = out
            for part in path[:-1]:
                node = node[part]
            node[path[-1]] = (when + LATER).isoformat()
            moved += 1
    return out, moved


def forget(data: dict[str, Any], asked: dt.date) -> tuple[dict[str, Any], int]:
    """The scenario without every record (and every occurrence) dated after `asked`, and how many went.

    A day a scenario states at a place this test does not know fails the test: a new kind of dated
    record must say here whether it is a record, an occurrence or an attribute.
    """
    doomed: set[tuple[Any, ...]] = set()
    for path, when in _dates(data):
        if path == ("as_of",) or when <= asked:
            continue
        kind = (path[0], *(part for part in path[2:] if not isinstance(part, int)))
        if kind[-1] == "between":  # an uncertain day {between: [low, high]}: dated by its earliest day
            if path[-1] != 0:
                continue
            path, kind = path[:-2], kind[:-1]
        if kind in RECORDS:
            doomed.add(path[:-1])
        elif kind in OCCURRENCES:
            doomed.update(path[:-1] + (field,) for field in (path[-1], *OCCURRENCES[kind]))
        elif kind not in ATTRIBUTES:
            raise AssertionError(f"{'.'.join(map(str, path))}: a day this test does not classify (tests/test_as_of.py)")
    positions: dict[tuple[Any, ...], dict[int, int]] = {}

    def keep(node: Any, path: tuple[Any, ...]) -> Any:
        if isinstance(node, dict):
            return {k: keep(v, path + (k,)) for k, v in node.items() if path + (k,) not in doomed}
        if isinstance(node, list):
            kept = [i for i in range(len(node)) if path + (i,) not in doomed]
            positions[path] = {old: new for new, old in enumerate(kept)}
            return [keep(node[i], path + (i,)) for i in kept]
        return node

    out = keep(data, ())
    gone_ids = {path[1] for path in doomed if len(path) == 2 and isinstance(path[1], str)}
    gone_ids |= {data[path[0]][path[1]]["id"] for path in doomed
                 if len(path) == 2 and isinstance(path[1], int) and "id" in data[path[0]][path[1]]}
    _drop_references(out, gone_ids)  # an act not yet committed is not one a payment aided, and so on
    if "unknown" in out:
        out["unknown"] = [moved for entry in out["unknown"] if (moved := _follow(entry, doomed, positions))]
    return out, len(doomed)


def _follow(entry: str, doomed: set[tuple[Any, ...]], positions: dict[tuple[Any, ...], dict[int, int]]) -> str | None:
    """Where a path of the `unknown:` list points once the doomed records are gone (None: gone with them)."""
    old: tuple[Any, ...] = ()
    new: list[str] = []
    for part in entry.split("."):
        if old in positions:
            index = int(part)
            if index not in positions[old]:
                return None
            old, part = old + (index,), str(positions[old][index])
        else:
            old = old + (part,)
        if old in doomed:
            return None
        new.append(part)
    return ".".join(new)


def _drop_references(node: Any, ids: set[str]) -> None:
    """Remove every mention of the deleted records' ids (aids_act, proceeds_of, conceals, ...)."""
    if isinstance(node, dict):
        for key in [k for k, v in node.items() if isinstance(v, str) and v in ids]:
            del node[key]
        for value in node.values():
            _drop_references(value, ids)
    elif isinstance(node, list):
        node[:] = [v for v in node if not (isinstance(v, str) and v in ids)]
        for value in node:
            _drop_references(value, ids)


def _scenario(data: dict[str, Any], source: str) -> Scenario:
    plain = {k: v for k, v in data.items() if k not in CASE_KEYS}
    return parse(Located(plain, {}, source))


@lru_cache(maxsize=None)
def _case(path: Path) -> tuple[dict[str, Any], dict[dt.date, tuple[str, ...]]]:
    """The case's scenario as the engine reads it, and its questions by the day asked (what-ifs aside)."""
    data = load_file(path).data
    asked: dict[dt.date, list[str]] = defaultdict(list)
    for exp in data["expect"]:
        if not (exp.get("set") or exp.get("remove")):
            when = _day(exp.get("as_of")) or _day(data["as_of"])
            if exp["ask"] not in asked[when]:
                asked[when].append(exp["ask"])
    plain = {k: v for k, v in data.items() if k not in CASE_KEYS}
    return plain, {when: tuple(qs) for when, qs in asked.items()}


def _ids(data: dict[str, Any]) -> set[str]:
    """The ids a question may name for a record."""
    return ({*data.get("transactions", {}), *data.get("acts", {}), *data.get("solicitations", {})}
            | set(data.get("drug_activities", {}))
            | {r["id"] for r in (*data.get("events", []), *data.get("holdings", [])) if "id" in r})


def _answers(data: dict[str, Any], asked: dt.date, questions: tuple[str, ...], source: str) -> list[tuple[str, list[str]]]:
    solver = Solver(_scenario(data, source), asked, source=source, only=wanted_for(questions))
    return [(a.answer, a.citations) for a in (ask(solver, q) for q in questions)]


@pytest.mark.parametrize("path", CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_what_comes_after_the_date_asked_might_as_well_not_exist(path: Path) -> None:
    """Every question of the case: deleting every record dated after the day asked (no exceptions:
    notices, publications and amendments too) changes no answer; moving them further away changes
    neither the answer nor its citations."""
    data, asked = _case(path)
    for when, questions in asked.items():
        gone, n_gone = forget(data, when)
        moved, n_moved = later(data, when)
        if not n_moved:
            continue
        now = _answers(data, when, questions, str(path))
        if n_gone:
            deleted = _ids(data) - _ids(gone)
            about_deleted = {q for q in questions if deleted & set(re.findall(r"\w+", q))}
            for question, (a, _) in zip(questions, now):  # a record not yet made has no consequences
                assert question not in about_deleted or a == "no", f"{question} as of {when}: {a}"
            kept = tuple(q for q in questions if q not in about_deleted)
            without = dict(zip(kept, _answers(gone, when, kept, str(path))))
            for question, (a, _) in zip(questions, now):
                if question in without:
                    b = without[question][0]
                    assert a == b, f"{question} as of {when}: {a} with the later records, {b} without them"
        then = _answers(moved, when, questions, str(path))
        for question, a, b in zip(questions, now, then):
            assert a == b, f"{question} as of {when}: {a} before the later records moved, {b} after"


def test_the_cases_do_test_the_principle() -> None:
    """Enough questions are asked of cases with records after the day asked for the check above to mean something,
    among them a notice to Congress and a publication."""
    later_kinds: set[str] = set()
    with_later = 0
    for path in CASES:
        data, asked = _case(path)
        for when, questions in asked.items():
            if forget(data, when)[1]:
                with_later += len(questions)
                later_kinds.update(ev["act"] for ev in data.get("events", []) if _day(ev["on"]) and _day(ev["on"]) > when)
    assert with_later >= 25
    assert {"notify_congress", "publish_designation", "publish_amendment"} <= later_kinds


LIFECYCLE = ("revoke", "petition_determination", "file_revocation_petition", "set_aside", "treasury_blocking_order",
             "publish_amendment")


@st.composite
def lifecycle_events(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Revocations with a stated effective date, petitions and their determinations, court orders, amendments."""
    out = []
    for _ in range(draw(st.integers(0, 4))):
        ev: dict[str, Any] = {"on": draw(days), "act": draw(st.sampled_from(LIFECYCLE))}
        if ev["act"] == "revoke" and draw(st.booleans()):
            ev["effective"] = draw(days)
        out.append(ev)
    return out


@pytest.mark.slow
@settings(max_examples=40, **SETTINGS)
@given(scenarios(), days, st.lists(days, min_size=1, max_size=3), lifecycle_events())
def test_on_generated_scenarios_what_comes_later_might_as_well_not_exist(
        data: dict[str, Any], asked: dt.date, paid: list[dt.date], lifecycle: list[dict[str, Any]]) -> None:
    """Deleting every event and payment dated after the day asked changes no conclusion of the whole
    rule book (a conclusion about a deleted payment was `no`). Moving them is not tried apart: a
    moved record is still after the day, so deleting it leaves the same scenario."""
    data = copy.deepcopy(data)
    data["as_of"] = asked
    orgs = sorted(data["organizations"])
    data["events"] += [{**ev, "org": orgs[i % len(orgs)]} for i, ev in enumerate(lifecycle)]
    data["actors"]["person0"].update({"in_united_states": True, "admitted": True})
    data["transactions"] = {f"pay{i}": {"on": on, "from": "person0", "to": orgs[i % len(orgs)], "provides": "currency",
                                        "amount_usd": 1000} for i, on in enumerate(paid)}
    gone, _ = forget(data, asked)
    before = Solver(_scenario(data, "generated")).conclusions()
    after = Solver(_scenario(gone, "generated")).conclusions()
    for atom in sorted(set(before) | set(after)):
        assert before.get(atom, "no") == after.get(atom, "no"), atom


# ---------------------------------------------------------------------------------------------
# One place: no rule but the as-of view reads the record as filed
# ---------------------------------------------------------------------------------------------
RECORDED = re.compile(r"^recorded_")


def _names_read(program: str) -> set[str]:
    """Every predicate name a program mentions in a rule, a fact, a condition or a directive."""
    found: set[str] = set()

    def visit(node: Any) -> None:
        if isinstance(node, clingo.ast.AST):
            if node.ast_type == clingo.ast.ASTType.Function:
                found.add(node.name)
            for key in node.child_keys:
                visit(getattr(node, key))
        elif isinstance(node, (list, tuple, clingo.ast.ASTSequence)):
            for child in node:
                visit(child)

    clingo.ast.parse_string(program, visit)
    return found


def test_only_the_as_of_view_reads_the_record_as_filed() -> None:
    """rules/record.lp turns every recorded_* fact into the world as of the day asked; a rule anywhere
    else that read recorded_* would see what had not yet happened."""
    assert {n for n in _names_read((ROOT / "rules" / "record.lp").read_text(encoding="utf-8")) if RECORDED.match(n)}
    for file in sorted((ROOT / "rules").glob("*.lp")):
        if file.name != "record.lp":
            readers = {n for n in _names_read(file.read_text(encoding="utf-8")) if RECORDED.match(n)}
            assert not readers, f"rules/{file.name} reads {sorted(readers)}; read the as-of view (rules/record.lp)"


def test_the_check_above_sees_a_reader() -> None:
    assert _names_read("late(E) :- recorded_event(E, A, O, X), not x(E).") >= {"recorded_event"}
