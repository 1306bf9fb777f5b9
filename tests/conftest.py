"""Shared helpers: write a scenario to a temporary file and ask it questions."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path
from typing import Callable

import pytest

from engine.answers import Answer, ask
from engine.questions import wanted_for
from engine.scenario import loads
from engine.solve import Solver


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked `slow` (each tens of seconds) run first: spread over the cores while the many
    short ones fill in around them, the cores finish together instead of one waiting on the last
    long test (pytest-xdist hands out tests in this order)."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.fixture
def answer() -> Callable[..., Answer]:
    def run(yaml_text: str, question: str, as_of: str | None = None) -> Answer:
        scenario = loads(textwrap.dedent(yaml_text), "test.yaml")
        day = dt.date.fromisoformat(as_of) if as_of else None
        return ask(Solver(scenario, day, only=wanted_for([question])), question)

    return run


@pytest.fixture
def scenario_file(tmp_path: Path) -> Callable[[str], Path]:
    def write(text: str, name: str = "scenario.yaml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write


def claims(node: dict | object) -> list[str]:
    """Every claim in an explanation tree, depth first."""
    data = node.model_dump() if hasattr(node, "model_dump") else node
    out = [data["claim"]]
    for child in data["because"]:
        out.extend(claims(child))
    return out


def text(answer: object) -> str:
    """An answer's whole explanation as one string, for phrase checks."""
    return " ".join(claims(answer.explanation))  # type: ignore[attr-defined]
