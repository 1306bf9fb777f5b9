"""18 U.S.C. § 2333 civil liability, and what an FTO designation does not do."""

from __future__ import annotations

from tests.conftest import text

ATTACK = """
scenario: CJNG attack
as_of: 2025-06-01
organizations:
  cjng: {registry: cjng}
actors:
  ann: {name: Ann, us_national: true}
  ben: {name: Ben}
  bank: {name: First Example Bank, kind: financial_institution}
  broker: {name: Arms Broker, kind: company}
  ministry: {name: A Foreign Ministry, kind: government}
acts:
  attack1: {on: 2025-04-10, by: cjng, injured: [ann, ben], violent: true, appears_intended_to_coerce: true, transnational: true}
  early: {on: 2025-01-15, by: cjng, injured: [ann], violent: true, appears_intended_to_coerce: true, transnational: true}
transactions:
  account: {on: 2025-03-03, from: bank, to: cjng, provides: financial_services, aids_act: attack1, generic_service: true}
  rifles: {on: 2025-03-20, from: broker, to: cjng, provides: weapons, aids_act: attack1, substantial: true, culpable: true, knowingly: true}
  early_rifles: {on: 2025-01-05, from: broker, to: cjng, provides: weapons, aids_act: early, substantial: true, culpable: true, knowingly: true}
  arms: {on: 2025-03-21, from: ministry, to: cjng, provides: weapons, aids_act: attack1, substantial: true, culpable: true, knowingly: true}
"""


def test_us_national_injured_by_cartel_attack_has_a_treble_damages_claim(answer):
    a = answer(ATTACK, "primary_claim(ann, attack1)")
    assert a.answer == "yes"
    assert "18 U.S.C. § 2333(a)" in a.citations
    assert "threefold" in a.explanation.claim


def test_foreign_national_has_no_claim_and_the_explanation_says_why(answer):
    a = answer(ATTACK, "primary_claim(ben, attack1)")
    assert a.answer == "no"
    assert "only a US national" in text(a)


def test_generic_bank_services_are_not_aiding_and_abetting_under_taamneh(answer):
    a = answer(ATTACK, "secondary_liability(bank, ann, attack1)")
    assert a.answer == "no"
    assert "generally available service provided at arm's length" in text(a)
    assert any("Taamneh" in c for c in a.citations)


def test_knowing_substantial_culpable_assistance_is_liability(answer):
    a = answer(ATTACK, "secondary_liability(broker, ann, attack1)")
    assert a.answer == "yes"
    assert "90 FR 10030" in a.citations
    assert "18 U.S.C. § 2333(d)(2)" in a.citations


def test_act_before_designation_names_the_designation_element(answer):
    a = answer(ATTACK, "secondary_liability(broker, ann, early)")
    assert a.answer == "no"
    assert "had not been designated as a Foreign Terrorist Organization" in text(a)
    assert "was not a designated Foreign Terrorist Organization on 2025-01-15" in text(a)
    assert answer(ATTACK, "primary_claim(ann, early)").answer == "yes"


def test_a_government_defendant_is_barred_by_2337(answer):
    a = answer(ATTACK, "secondary_liability(ministry, ann, attack1)")
    assert a.answer == "no"
    assert "18 U.S.C. § 2337" in a.citations


def test_planned_after_designation_but_committed_before_depends_on_the_reading(answer):
    yaml = ATTACK.replace("early: {on: 2025-01-15,", "early: {on: 2025-02-10, planned_on: 2025-03-01,")
    a = answer(yaml, "secondary_liability(broker, ann, early)")
    assert a.answer == "depends"
    assert any("reading(jasta_plan_or_authorization_date)" in d.facts for d in a.deciding)


def test_sdgt_only_organization_does_not_qualify(answer):
    yaml = """
    scenario: SDGT only
    as_of: 2025-10-01
    organizations:
      acme: {name: Acme Cartel}
    actors:
      ann: {us_national: true}
      broker: {kind: company}
    events:
      - {on: 2025-01-10, act: designate_sdgt, org: acme, by: secretary_of_state}
    acts:
      attack: {on: 2025-05-01, by: acme, injured: [ann], violent: true, appears_intended_to_coerce: true, transnational: true}
    transactions:
      guns: {on: 2025-04-01, from: broker, to: acme, provides: weapons, aids_act: attack, substantial: true, culpable: true,
             knowingly: true}
    """
    a = answer(yaml, "secondary_liability(broker, ann, attack)")
    assert a.answer == "no"
    assert "Specially Designated Global Terrorist under Executive Order 13224 does not count" in text(a)
    war = answer(yaml, "act_of_war_defense_unavailable(attack)")
    assert war.answer == "yes"
    assert any("2331(6)" in c for c in war.citations)


def test_claim_filed_after_ten_years_is_time_barred_unless_tolled(answer):
    yaml = """
    scenario: old attack
    as_of: 2023-06-01
    organizations:
      shabaab: {registry: al_shabaab}
    actors:
      ann: {us_national: true}
    acts:
      hotel: {on: 2012-03-01, by: shabaab, injured: [ann], suit_filed_on: 2023-05-01, violent: true,
              appears_intended_to_coerce: true, transnational: true}
      market: {on: 2015-03-01, by: shabaab, injured: [ann], suit_filed_on: 2023-05-01}
    """
    barred = answer(yaml, "claim_time_barred(ann, hotel)")
    assert barred.answer == "yes"
    assert "18 U.S.C. § 2335" in barred.citations
    claim = answer(yaml, "primary_claim(ann, hotel)")
    assert claim.answer == "no"
    assert "barred" in text(claim)
    timely = answer(yaml, "claim_time_barred(ann, market)")
    assert timely.answer == "no"
    assert "2023-05-01 is not after 2025-03-01" in text(timely)
    tolled = yaml.replace("transnational: true}\n      market", "transnational: true, limitations_tolled: true}\n      market")
    assert answer(tolled, "claim_time_barred(ann, hotel)").answer == "no"


def test_international_terrorism_is_shown_act_by_act(answer):
    yaml = ATTACK.replace("early: {on: 2025-01-15, by: cjng, injured: [ann], violent: true, appears_intended_to_coerce: true, transnational: true}",
                          "early: {on: 2025-04-15, by: cjng, injured: [ann], violent: true, appears_intended_to_coerce: true, transnational: false}")
    a = answer(yaml, "international_terrorism(early)")
    assert a.answer == "no"
    assert "neither occurred primarily outside the United States" in text(a)


# ---- limits.lp ---------------------------------------------------------------

CJNG = """
scenario: limits
as_of: 2025-06-01
organizations:
  cjng: {registry: cjng}
actors:
  carlos: {member_of: [cjng]}
  acme: {kind: company, country: US}
transactions:
  january: {on: 2025-01-10, from: acme, to: cjng, provides: currency}
  march: {on: 2025-03-01, from: acme, to: cjng, provides: currency}
"""


def test_designation_does_not_authorize_military_force_and_says_why(answer):
    a = answer(CJNG, "authorizes_military_force(cjng)")
    assert a.answer == "no"
    assert "50 U.S.C. § 1547(a)(1)" in text(a)
    assert any("50 U.S.C. § 1547(a)(1)" in c for c in a.citations)


def test_payment_before_publication_is_not_reached(answer):
    a = answer(CJNG, "designation_reaches(cjng, january)")
    assert a.answer == "no"
    assert "does not reach conduct before then" in text(a)
    # Status before the first event is judged once, on the day before it, for every earlier day.
    assert "was not a designated Foreign Terrorist Organization on 2025-02-19, and no event affecting its status " \
           "came between that day and the day of the conduct" in text(a)
    assert "2025-02-20 is after 2025-02-19" in text(a)
    assert answer(CJNG, "designation_reaches(cjng, march)").answer == "yes"


def test_revocation_does_not_undo_earlier_conduct(answer):
    yaml = """
    scenario: HTS
    as_of: 2025-09-01
    organizations:
      hts: {registry: al_nusrah_front}
    actors:
      donor: {}
    transactions:
      gift: {on: 2025-03-01, from: donor, to: hts, provides: currency}
    """
    assert answer(yaml, "designation_reaches(hts, gift)").answer == "yes"
    a = answer(yaml, "revocation_undoes(hts, gift)")
    assert a.answer == "no"
    assert "8 U.S.C. § 1189(a)(7)" in a.citations


def test_membership_alone_is_not_a_crime(answer):
    a = answer(CJNG, "membership_offense(carlos, cjng)")
    assert a.answer == "no"
    assert "not membership" in text(a)
    assert any("Humanitarian Law Project" in c for c in a.citations)


def test_fto_designation_is_not_a_general_dealing_ban(answer):
    a = answer(CJNG, "creates_general_dealing_ban(cjng)")
    assert a.answer == "no"
    assert "Executive Order 13224" in text(a)


def test_designation_does_not_invoke_the_alien_enemies_act(answer):
    a = answer(CJNG, "invokes_alien_enemies_act(cjng)")
    assert a.answer == "no"
    assert "separate statute" in text(a)


def test_a_detail_of_an_unknown_act_follows_the_act_through_a_list_that_has_no_fact_of_its_own():
    """`acts.attack1.injured` names a list, not a fact: its items follow the nearest unknown path
    that has one (the act), rather than becoming certain."""
    from engine.facts import build
    from engine.scenario import loads

    fs = build(loads(ATTACK + "unknown: [acts.attack1, acts.attack1.injured]\n", "t.yaml"))
    anchors = {str(sym): anchor.name for sym, anchor in fs.dependent if sym.name == "injured"}
    assert anchors == {"injured(attack1,ann)": "recorded_terror_act", "injured(attack1,ben)": "recorded_terror_act"}
