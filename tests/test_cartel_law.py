"""The cartel-era inputs: their validation, the bundled narcotics listings, and answers that turn on them.

The legal outcomes themselves are asserted by the cases in cases/narco_terrorism, narcotics_sanctions,
money_laundering, terrorism_financing, ieepa_enforcement and enforcement_policy; these tests cover what
a case file cannot: refused input, the registry's sources, and the explanation's wording of a value.
"""

from __future__ import annotations

import pytest

from engine import registry
from engine.errors import InputError
from engine.scenario import loads
from tests.conftest import text

BASE = """
scenario: cartel-era inputs
as_of: 2025-09-01
organizations:
  cjng: {registry: cjng}
actors:
  courier: {name: the courier, country: US}
  agro: {name: Agro SA, kind: company, country: MX%s}
"""


@pytest.mark.parametrize(("extra", "fragment"), [
    (", owned_by: {cjng: 60, courier: 50}", "more than 100 percent"),
    (", owned_by: {agro: 10}", "cannot own itself"),
    (", owned_by: {nobody: 10}", "'nobody' is not a defined organization or actor"),
    (", owned_by: {cjng: 0}", "greater than 0"),
    (", fincen_order: banorte", "cibanco"),
])
def test_ownership_and_order_inputs_are_checked(extra: str, fragment: str) -> None:
    with pytest.raises(InputError) as err:
        loads(BASE % extra, "t.yaml")
    assert fragment in str(err.value)


def test_an_other_substance_needs_its_schedule_and_the_recipient_must_exist() -> None:
    drug = "\ndrug_activities:\n  d1: {on: 2025-05-01, by: courier, conduct: distribution, substance: %s%s}\n"
    with pytest.raises(InputError) as err:
        loads(BASE % "" + drug % ("other", ""), "t.yaml")
    assert "needs its schedule" in str(err.value)
    with pytest.raises(InputError) as err:
        loads(BASE % "" + drug % ("fentanyl", ", value_to: ghost"), "t.yaml")
    assert "'ghost' is not a defined organization or actor" in str(err.value)


def test_a_transaction_cannot_launder_or_conceal_itself() -> None:
    tx = "\ntransactions:\n  t1: {on: 2025-05-01, from: courier, to: agro, provides: currency, %s: [t1]}\n"
    for key in ("proceeds_of", "conceals"):
        with pytest.raises(InputError) as err:
            loads(BASE % "" + tx % key, "t.yaml")
        assert "itself" in str(err.value)


def test_the_registry_carries_only_dated_sourced_kingpin_listings() -> None:
    cjng = registry.entry("cjng")
    sinaloa = registry.entry("cartel_de_sinaloa")
    assert cjng is not None and sinaloa is not None
    (kingpin,) = [e for e in cjng.events if e.kind == "designate_kingpin"]
    assert (kingpin.on.isoformat(), kingpin.by) == ("2015-04-08", "secretary_of_the_treasury")
    assert "jl10020" in kingpin.citation
    (identified,) = [e for e in sinaloa.events if e.kind == "designate_kingpin"]
    assert (identified.on.isoformat(), identified.by) == ("2009-04-15", "president")
    # Listings the sources do not date (CDN's and LNFM's predecessors, CJNG's EO 14059 listing) are left out.
    for ident in ("cartel_del_noreste", "la_nueva_familia_michoacana", "carteles_unidos"):
        entry = registry.entry(ident)
        assert entry is not None and not [e for e in entry.events if e.kind.endswith(("kingpin", "eo14059"))]


def test_the_narco_terrorism_minimum_follows_the_quantities_in_force_on_the_day(answer) -> None:
    """60 g of cocaine base: an (A) quantity under the 1986 thresholds (50 g), a (B) one after the Fair
    Sentencing Act of 2010 (280 g and 28 g); § 960a doubles the 10- or 5-year minimum."""
    scenario = (BASE % "").replace("cjng: {registry: cjng}", "cjng: {registry: cjng, engages_in_terrorism: true}") + """
drug_activities:
  d1: {on: 2025-06-10, by: courier, conduct: distribution, substance: cocaine_base, quantity_grams: 60,
       knowingly: true, value_to: cjng, intends_value: true, place: US}
knowledge:
  - {actor: courier, org: cjng, knew: terrorism}
"""
    result = answer(scenario, "narco_min_prison(courier, d1, 10)")
    assert result.answer == "yes"
    words = text(result)
    assert "at least the 28 grams of § 841(b)(1)(B)" in words
    assert "sets a minimum of 5 years; § 960a doubles it" in words
    earlier = scenario.replace("2025-06-10", "2009-06-10")
    assert answer(earlier, "narco_min_prison(courier, d1, 10)").answer == "no"
    before = answer(earlier, "narco_min_prison(courier, d1, 20)")
    assert before.answer == "yes"
    assert "at least the 50 grams of § 841(b)(1)(A)" in text(before)
