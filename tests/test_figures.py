"""Civil penalty maxima by date (rules/figures.lp): the amount the answer states, read from the law first.

IEEPA § 206 (50 U.S.C. § 1705): $10,000 flat as enacted (Pub. L. 95-223, 1977); $11,000 once adjusted
for inflation (61 Fed. Reg. 54936, 1996); $50,000 flat for violations from 2006-03-09 (Pub. L. 109-177,
§ 402); from Pub. L. 110-96 (2007-10-16), for every enforcement then pending or begun, the greater of
$250,000 or twice the transaction. 18 U.S.C. § 2339B(b): the 2017 adjustment ($76,351) took effect on
2017-02-10 (82 Fed. Reg. 10434, "DATES: Effective February 10, 2017"); before it, $75,122 (from
2016-08-01), and before that the 2003 figure of $55,000 for a 2016 violation.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from engine.answers import ask
from engine.scenario import load
from engine.solve import Solver
from tests.conftest import claims

SDGT = """
scenario: A US company pays an SDGT
as_of: {as_of}
organizations:
  acme: {{name: Acme Gang}}
actors:
  co: {{name: Co, kind: company, country: US}}
events:
  - {{on: 1980-01-01, act: designate_sdgt, org: acme, by: secretary_of_state}}
transactions:
  t1: {{on: {paid}, from: co, to: acme, provides: currency, amount_usd: {amount}}}
"""


@pytest.mark.parametrize(("paid", "as_of", "maximum"), [
    ("1990-05-01", "1991-01-01", "$10,000"),      # as enacted; before the 1996 adjustment
    ("2004-01-05", "2005-06-01", "$11,000"),      # as adjusted; not twice the $1,000,000
    ("2004-01-05", "2006-09-01", "$11,000"),      # the 2006 increase does not reach back
    ("2006-06-01", "2006-09-01", "$50,000"),      # Pub. L. 109-177, from 2006-03-09
    ("2006-03-09", "2006-09-01", "$50,000"),      # on the day of enactment
    ("2006-03-08", "2006-09-01", "$11,000"),      # the day before
    ("2004-01-05", "2008-03-01", "$2,000,000"),   # Pub. L. 110-96 reaches the enforcement, whenever the violation
])
def test_ieepa_civil_maximum_by_date(answer, paid, as_of, maximum):
    result = answer(SDGT.format(paid=paid, as_of=as_of, amount=1000000), "ieepa_civil_penalty(t1)")
    assert result.answer == "yes"
    assert claims(result.explanation)[0].endswith(f"so the maximum civil penalty is {maximum}")


BANK = Path(__file__).resolve().parent.parent / "cases" / "financial" / "penalty_2017_effective_date.yaml"


@pytest.mark.parametrize(("as_of", "amount"), [
    ("2016-07-31", "$55,000"), ("2016-08-01", "$75,122"), ("2017-02-09", "$75,122"), ("2017-02-10", "$76,351"),
])
def test_2339b_b_figure_from_its_effective_day(as_of, amount):
    result = ask(Solver(load(BANK)[0], dt.date.fromisoformat(as_of)), "penalty_2339b(bank, h1)")
    assert result.answer == "yes"
    assert f"civil penalty of {amount}," in claims(result.explanation)[0]
