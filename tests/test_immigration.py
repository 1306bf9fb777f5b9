"""INA § 212(a)(3)(B): tiers, grounds, material support, the spouse/child ground, exemptions, removal and relief bars."""

from __future__ import annotations

from tests.conftest import text

FEE = """
scenario: transit fee
as_of: 2025-06-01
organizations:
  sinaloa: {registry: cartel_de_sinaloa%s}
actors:
  maria: {name: Maria, country: HN%s}
transactions:
  fee: {on: %s, from: maria, to: sinaloa, provides: currency, amount_usd: 5, purpose: transit_fee, under_duress: true,
       knowingly: true}
"""


def fee(on: str = "2025-03-10", org: str = "", actor: str = "") -> str:
    return FEE % (org, actor, on)


def test_transit_fee_to_designated_cartel_is_material_support_despite_duress(answer):
    a = answer(fee(), "inadmissible(maria)")
    assert a.answer == "yes"
    assert "INA § 212(a)(3)(B)(iv)(VI)(cc); 8 U.S.C. § 1182(a)(3)(B)(iv)(VI)(cc)" in a.citations
    assert any("M-H-Z-" in c for c in a.citations)
    assert "has no implied duress exception" in text(a)


def test_small_payment_still_counts_no_minimum_amount(answer):
    a = answer(fee(), "ina_material_support(maria, fee)")
    assert a.answer == "yes"
    assert any("A-C-M-" in c for c in a.citations)
    assert "there is no minimum amount" in text(a)


def test_payment_before_designation_depends_on_the_open_timing_point(answer):
    a = answer(fee("2024-11-10"), "inadmissible(maria)")
    assert a.answer == "depends"
    assert ["reading(tier_status_at_adjudication)"] in [d.facts for d in a.deciding]


def test_payment_before_designation_to_a_tier_iii_group_with_knowledge_is_yes_either_way(answer):
    yaml = fee("2024-11-10", org=", engages_in_terrorist_activity: true") + """
knowledge:
  - {actor: maria, org: sinaloa, knew: terrorist_activity}
"""
    a = answer(yaml, "inadmissible(maria)")
    assert a.answer == "yes"
    assert any("(iv)(VI)(dd)" in c for c in a.citations)


def test_tier_iii_knowledge_defence_needs_a_recorded_showing(answer):
    base = fee("2024-11-10", org=", engages_in_terrorist_activity: true")
    # Silence about knowledge proves nothing: the alien bears the burden, so the Tier III route holds.
    assert answer(base, "inadmissible(maria)").answer == "yes"
    shown = base + """
knowledge:
  - {actor: maria, org: sinaloa, knew: none, should_have_known: false}
"""
    assert answer(shown, "inadmissible(maria)").answer == "depends"


def test_us_national_is_not_inadmissible_and_the_explanation_says_why(answer):
    a = answer(fee(actor=", us_national: true"), "inadmissible(maria)")
    assert a.answer == "no"
    assert "Maria is not an alien" in text(a)
    assert "Maria is a national of the United States" in text(a)


MS13 = """
scenario: MS-13
as_of: 2025-05-01
organizations:
  ms13: {registry: ms13}
actors:
  carlos: {name: Carlos, member_of: [ms13]%s}
  mateo: {name: Mateo, child_of: carlos%s}
knowledge:
  - {actor: carlos, org: ms13, knew: none, should_have_known: false}
"""


def test_tier_i_membership_has_no_knowledge_defence(answer):
    a = answer(MS13 % ("", ""), "inadmissible_ground(carlos, member_of_tier_i_or_ii)")
    assert a.answer == "yes"
    assert "INA § 212(a)(3)(B)(i)(V); 8 U.S.C. § 1182(a)(3)(B)(i)(V)" in a.citations


def test_membership_before_designation_is_no_and_names_the_missing_tier(answer):
    a = answer(MS13 % ("", ""), "inadmissible(carlos)", as_of="2025-02-19")
    assert a.answer == "no"
    assert "Mara Salvatrucha (MS-13) was neither a Tier I nor a Tier II terrorist organization on 2025-02-19" in text(a)


def test_member_is_deportable_and_barred_from_asylum_and_withholding(answer):
    inside = MS13 % (", in_united_states: true, admitted: true", "")
    for q in ("deportable(carlos)", "asylum_barred(carlos)", "withholding_barred(carlos)"):
        assert answer(inside, q).answer == "yes", q


def test_deportability_needs_an_alien_in_and_admitted_to_the_united_states(answer):
    """§ 237(a): an alien never admitted is not deportable (but still barred from asylum and withholding,
    which turn on being described in § 237(a)(4)(B)); where the scenario is silent, it depends."""
    abroad = MS13 % (", in_united_states: false, admitted: false", "")
    no = answer(abroad, "deportable(carlos)")
    assert no.answer == "no"
    assert "§ 237(a) reaches only such aliens" in text(no)
    assert answer(abroad, "withholding_barred(carlos)").answer == "yes"
    silent = answer(MS13 % ("", ""), "deportable(carlos)")
    assert silent.answer == "depends"
    assert sorted(f for d in silent.deciding for f in d.facts) == ["admitted(carlos)", "in_united_states(carlos)"]
    resident = answer(MS13 % (", permanent_resident: true, in_united_states: true", ""), "deportable(carlos)")
    assert resident.answer == "yes"
    assert "8 U.S.C. § 1101(a)(20); INA § 237(a)" in resident.citations


def test_a_permanent_resident_never_admitted_is_a_contradiction(answer):
    import pytest

    from engine.errors import InputError
    from engine.scenario import loads

    with pytest.raises(InputError, match="admitted: false contradicts permanent_resident: true"):
        loads(MS13 % (", permanent_resident: true, admitted: false", ""), "t.yaml")


def test_child_who_renounced_is_not_inadmissible_and_the_reason_is_named(answer):
    assert answer(MS13 % ("", ""), "inadmissible(mateo)").answer == "yes"
    a = answer(MS13 % ("", ", renounced: true"), "inadmissible(mateo)")
    assert a.answer == "no"
    assert "Mateo has renounced the activity" in text(a)


def test_exemption_is_barred_for_a_tier_i_member(answer):
    yaml = MS13 % (", exempted_by: secretary_of_homeland_security, exemption_on: 2025-04-01", "")
    assert answer(yaml, "inadmissible(carlos)").answer == "yes"
    a = answer(yaml, "terrorism_exemption(carlos)")
    assert a.answer == "no"
    assert "the statute forbids exempting such a member" in text(a)


def test_exemption_relieves_coerced_support_but_not_voluntary_support(answer):
    exempted = ", exempted_by: secretary_of_homeland_security, exemption_on: 2025-05-01"
    assert answer(fee(actor=exempted), "inadmissible(maria)").answer == "no"
    assert answer(fee(actor=exempted), "asylum_barred(maria)").answer == "no"
    voluntary = fee(actor=exempted).replace("under_duress: true", "under_duress: false")
    a = answer(voluntary, "terrorism_exemption(maria)")
    assert a.answer == "no"
    assert "voluntarily and knowingly supported" in text(a)


def test_spouse_within_and_beyond_five_years(answer):
    yaml = """
    scenario: spouse
    as_of: 2026-01-15
    organizations:
      sinaloa: {registry: cartel_de_sinaloa}
    actors:
      jorge: {name: Jorge}
      elena: {name: Elena, spouse_of: jorge}
    transactions:
      pay: {on: 2025-03-10, from: jorge, to: sinaloa, provides: currency, knowingly: true}
    """
    assert answer(yaml, "inadmissible(elena)").answer == "yes"
    late = answer(yaml, "inadmissible(elena)", as_of="2030-06-01")
    assert late.answer == "no"
    assert "2030-03-10" in text(late)  # the 5-year limit, computed with @years_after


def test_military_training_is_judged_at_the_time_of_training(answer):
    yaml = """
    scenario: training
    as_of: 2025-06-01
    organizations:
      cjng: {registry: cjng}
    actors:
      hugo: {name: Hugo}
    transactions:
      camp: {on: %s, from: cjng, to: hugo, provides: military_type_training, knowingly: true}
    """
    assert answer(yaml % "2025-04-01", "inadmissible(hugo)").answer == "yes"
    a = answer(yaml % "2024-06-01", "inadmissible(hugo)")
    assert a.answer == "no"
    assert "was not a terrorist organization of any tier on 2024-06-01" in text(a)


def test_tier_ii_and_tier_iii(answer):
    yaml = """
    scenario: tiers
    as_of: 2025-06-01
    organizations:
      red: {name: Red Dawn Front}
      hal: {name: Los Halcones, engages_in_terrorist_activity: true}
    events:
      - {on: 2010-05-01, act: tel_designation, org: red}
    """
    assert answer(yaml, "terrorist_organization(red, tier_ii)").answer == "yes"
    assert answer(yaml, "terrorist_organization(hal, tier_iii)").answer == "yes"
    no = answer(yaml, "terrorist_organization(hal, tier_i)")
    assert no.answer == "no"
    assert "Los Halcones was not a designated Foreign Terrorist Organization" in text(no)
