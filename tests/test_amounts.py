"""Amounts are exact to the cent up to $10^15, and anything else is refused with one line naming the place.

A YAML number with a fraction is read as written (engine/yamlsource.py), never through a binary
float: 99999999999999.99 stays ...99 and 1000000000000000.01 is more than $10^15, not 10^15.
"""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from engine.errors import InputError
from engine.scenario import loads
from engine.session import parse_set
from engine.yamlsource import load_text
from tests.conftest import claims
from tests.test_figures import SDGT


def payment(amount: str, paid: str = "2023-01-05") -> str:
    """A US company's payment to an SDGT of `amount`, as written in the file."""
    return SDGT.format(as_of="2024-06-01", paid=paid, amount=amount)


LINE = next(n for n, text in enumerate(payment("0").splitlines(), start=1) if "amount_usd" in text)


def amount(text: str) -> Decimal:
    return loads(payment(text), "pay.yaml").transactions["t1"].amount_usd


@pytest.mark.parametrize(("written", "exact"), [
    ("99999999999999.99", Decimal("99999999999999.99")),    # a float would make it ...98
    ("999999999999999.99", Decimal("999999999999999.99")),
    ("1000000000000000", Decimal(10**15)),                   # the largest accepted
    ("1000000000000000.00", Decimal(10**15)),
    ("9007199254740.93", Decimal("9007199254740.93")),       # past a double's 2^53 in cents
    ("1.5e+3", Decimal(1500)),                               # exponent notation, exactly
    ("1_000.50", Decimal("1000.50")),
    ("0.10", Decimal("0.1")),
])
def test_amounts_are_read_exactly(written: str, exact: Decimal) -> None:
    assert amount(written) == exact


@pytest.mark.parametrize(("written", "problem"), [
    ("1000000000000000.01", "more than $10^15"),
    ("1.0e+16", "more than $10^15"),
    ('"1e20"', "more than $10^15"),
    ("9007199254740993", "more than $10^15"),
    ("1" + "0" * 400, "more than $10^15"),
    ("-0.01", "greater than or equal to 0"),
    ("-5", "greater than or equal to 0"),
    ("0.001", "no more than 2 decimal places"),
    ("12.3456789012345678901234567890", "no more than 2 decimal places"),
    (".inf", "finite number"),
    (".nan", "finite number"),
    ("1.2.3", "valid decimal"),
])
def test_amounts_beyond_the_cent_or_the_limit_are_refused_with_their_place(written: str, problem: str) -> None:
    with pytest.raises(InputError) as caught:
        amount(written)
    message = str(caught.value)
    assert message.startswith(f"pay.yaml:{LINE}: transactions.t1.amount_usd: ") and problem in message
    assert "\n" not in message and len(message) < 200


def test_an_exact_amount_reaches_the_answer_exactly(answer) -> None:
    result = answer(payment("99999999999999.99"), "ieepa_civil_penalty(t1)")
    assert claims(result.explanation)[0].endswith("the maximum civil penalty is $199,999,999,999,999.98")


def test_a_number_given_on_the_command_line_is_exact_too() -> None:
    assert parse_set("transactions.t1.amount_usd=99999999999999.99").value == Decimal("99999999999999.99")


def test_a_date_written_as_a_number_is_still_refused() -> None:
    with pytest.raises(InputError, match="a date must be written YYYY-MM-DD, not as a number"):
        loads(payment("5", paid="2023.0105"), "pay.yaml")


def test_an_exact_amount_is_written_back_as_read() -> None:
    data = load_text("amount_usd: 99999999999999.99\nother: 2.50\n", "x.yaml").data
    assert yaml.safe_dump(data) == "amount_usd: 99999999999999.99\nother: 2.50\n"


def test_the_command_line_refuses_an_amount_over_the_limit_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "pay.yaml"
    path.write_text(payment("1000000000000000.01"), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "engine.cli", "ask", str(path), "ieepa_civil_penalty(t1)"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr == (f"error: {path}:{LINE}: transactions.t1.amount_usd: 1000000000000000.01: "
                           "more than $10^15, the largest amount the engine accepts\n")
