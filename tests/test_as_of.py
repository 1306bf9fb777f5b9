"""The as-of principle: a question asked as of a day D is answered with the world as it stood on D.

Whatever is dated after D (an instrument, a payment, a holding, a suit) had not happened on D,
so moving it further into the future can change no answer as of D. Checked over every case
in cases/ and over generated scenarios with records on both sides of D (rules/record.lp).
"""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.answers import ask
from engine.scenario import loads
from engine.solve import Solver
from engine.yamlsource import load_file
from tests.test_properties import SETTINGS, days, scenarios

CASES = sorted(Path(__file__).resolve().parent.parent.joinpath("cases").rglob("*.yaml"))
LATER = dt.timedelta(days=400)


def _day(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def later(node: Any, asked: dt.date) -> tuple[Any, int]:
    """The scenario with every date after `asked` moved 400 days later (the date asked itself kept),
    and how many dates moved."""
    if isinstance(node, dict):
        moved = 0
        out = {}
        for key, value in node.items():
            if key == "as_of":
                out[key] = value
                continue
            out[key], n = later(value, asked)
            moved += n
        return out, moved
    if isinstance(node, list):
        pairs = [later(v, asked) for v in node]
        return [v for v, _ in pairs], sum(n for _, n in pairs)
    when = _day(node)
    if when is not None and when > asked:
        return (when + LATER).isoformat(), 1
    return node, 0


def _scenario(data: dict[str, Any], source: str) -> Any:
    plain = {k: v for k, v in data.items() if k not in ("expect", "name", "tags")}
    return loads(yaml.safe_dump(plain, sort_keys=False, allow_unicode=True), source)


def _data(path: Path) -> dict[str, Any]:
    """The case as the engine reads it (YAML 1.1 would take the key `on` for a boolean)."""
    return load_file(path).data


def _asked(path: Path) -> list[tuple[str, dt.date]]:
    data = _data(path)
    base = _day(data["as_of"])
    out = []
    for exp in data["expect"]:
        if exp.get("set") or exp.get("remove"):
            continue
        out.append((exp["ask"], _day(exp.get("as_of")) or base))
    return list(dict.fromkeys(out))


@pytest.mark.parametrize("path", CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_moving_what_comes_after_the_date_asked_further_away_changes_no_answer(path: Path) -> None:
    data = _data(path)
    for question, asked in _asked(path):
        moved_data, moved = later(data, asked)
        if not moved:
            continue
        now = ask(Solver(_scenario(data, str(path)), asked, source=str(path)), question)
        then = ask(Solver(_scenario(moved_data, str(path)), asked, source=str(path)), question)
        assert (then.answer, then.citations) == (now.answer, now.citations), (question, asked.isoformat())


def test_the_cases_do_test_the_principle() -> None:
    """Enough cases have records after a date they are asked about for the check above to mean something."""
    with_later = sum(1 for path in CASES for _, asked in _asked(path)
                     if later(_data(path), asked)[1])
    assert with_later >= 25


@settings(max_examples=30, **SETTINGS)
@given(scenarios(), days, st.lists(days, min_size=1, max_size=3), st.integers(1, 3000))
def test_on_generated_scenarios_every_conclusion_ignores_what_comes_later(
        data: dict[str, Any], asked: dt.date, paid: list[dt.date], shift: int) -> None:
    """Events and payments on both sides of the date asked; every askable conclusion of the whole
    rule book is the same when everything after that date moves further away."""
    data = copy.deepcopy(data)
    data["as_of"] = asked
    orgs = sorted(data["organizations"])
    data["transactions"] = {f"pay{i}": {"on": on, "from": "person0", "to": orgs[i % len(orgs)], "provides": "currency",
                                        "amount_usd": 1000} for i, on in enumerate(paid)}
    moved = copy.deepcopy(data)
    for record in [*moved["events"], *moved["transactions"].values()]:
        if record["on"] > asked:
            record["on"] += dt.timedelta(days=shift)
    before = Solver(_scenario(data, "generated")).conclusions()
    after = Solver(_scenario(moved, "generated")).conclusions()
    assert before == after


ATTRIBUTION = ("notify_congress", "publish_designation", "publish_amendment")
LIFECYCLE = ("revoke", "petition_determination", "file_revocation_petition", "set_aside", "treasury_blocking_order")


@st.composite
def lifecycle_events(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Revocations with a stated effective date, petitions and their determinations, court orders."""
    out = []
    for _ in range(draw(st.integers(0, 4))):
        ev: dict[str, Any] = {"on": draw(days), "act": draw(st.sampled_from(LIFECYCLE))}
        if ev["act"] == "revoke" and draw(st.booleans()):
            ev["effective"] = draw(days)
        out.append(ev)
    return out


@settings(max_examples=40, **SETTINGS)
@given(scenarios(), days, st.lists(days, min_size=1, max_size=3), lifecycle_events())
def test_on_generated_scenarios_what_comes_later_might_as_well_not_exist(
        data: dict[str, Any], asked: dt.date, paid: list[dt.date], lifecycle: list[dict[str, Any]]) -> None:
    """Stronger: deleting every event and payment dated after the date asked changes no conclusion
    (a conclusion about a deleted payment was `no`). Later notices and publications stay: what a
    notice to Congress is for (the publication it precedes), and whether the file says the only
    notice came late, are read from the whole file (designation.lp)."""
    data = copy.deepcopy(data)
    data["as_of"] = asked
    orgs = sorted(data["organizations"])
    data["events"] += [{**ev, "org": orgs[i % len(orgs)]} for i, ev in enumerate(lifecycle)]
    data["actors"]["person0"].update({"in_united_states": True, "admitted": True})
    data["transactions"] = {f"pay{i}": {"on": on, "from": "person0", "to": orgs[i % len(orgs)], "provides": "currency",
                                        "amount_usd": 1000} for i, on in enumerate(paid)}
    gone = copy.deepcopy(data)
    gone["events"] = [ev for ev in gone["events"] if ev["on"] <= asked or ev["act"] in ATTRIBUTION]
    gone["transactions"] = {t: tx for t, tx in gone["transactions"].items() if tx["on"] <= asked}
    before = Solver(_scenario(data, "generated")).conclusions()
    after = Solver(_scenario(gone, "generated")).conclusions()
    for atom in sorted(set(before) | set(after)):
        assert before.get(atom, "no") == after.get(atom, "no"), atom
