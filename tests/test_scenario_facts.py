"""The scenario format: every key documented, new facts validated, contradictions refused, amounts exact."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from engine import facts
from engine.errors import InputError
from engine.scenario import Scenario, loads

HEAD = "scenario: t\nas_of: 2025-06-01\n"


def _properties(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    models = {"Scenario": schema, **schema.get("$defs", {})}
    return [(model, key, spec) for model, body in models.items() for key, spec in body.get("properties", {}).items()]


def test_every_key_of_the_schema_says_what_it_means():
    """`fto schema` documents the format: a key without a description is a key an editor cannot explain."""
    schema = Scenario.model_json_schema(by_alias=True)
    missing = [f"{model}.{key}" for model, key, spec in _properties(schema) if not spec.get("description")]
    assert missing == []


def test_an_amount_is_kept_to_the_cent_at_the_top_of_the_range():
    text = HEAD + ("actors: {a: {}, b: {}}\ntransactions:\n"
                   "  t1: {on: 2025-01-01, from: a, to: b, provides: currency, amount_usd: 999999999999999.99}\n")
    s = loads(text)
    assert s.transactions["t1"].amount_usd == Decimal("999999999999999.99")
    assert "amount(t1,usd(99999999,999999999))" in facts.build(s).program()


def test_a_third_decimal_is_refused_naming_the_value():
    text = HEAD + ("actors: {a: {}, b: {}}\ntransactions:\n"
                   "  t1: {on: 2025-01-01, from: a, to: b, provides: currency, amount_usd: 10.005}\n")
    with pytest.raises(InputError, match=r"<string>:5: transactions\.t1\.amount_usd: 10\.005:"):
        loads(text)
