"""Financial rules: § 2339B(a)(2) retain/report, § 501.603 deadlines, § 2339B(b), EO 13224 / IEEPA."""

from __future__ import annotations

import datetime as dt

from engine import calendar
from engine.facts import build
from engine.scenario import loads
from engine.solve import Solver
from tests.conftest import claims

FRONT_CHAIN = """
scenario: US bank holds the account of a CJNG front's front
as_of: %s
organizations:
  cjng: {registry: cjng}
actors:
  bank: {name: First Border Bank, kind: financial_institution, country: US}
  agave: {name: Agave Export SA, kind: company, country: MX, agent_of: cjng}
  sunbelt: {name: Sunbelt Produce LLC, kind: company, country: US, agent_of: agave}
holdings:
  - {id: h1, institution: bank, owner: sunbelt, amount_usd: %d, since: 2024-05-01, aware_on: 2025-06-30%s}
knowledge:
  - {actor: bank, org: cjng, knew: designated}
"""


def chain(as_of: str = "2025-07-10", amount: int = 40000, extra: str = "") -> str:
    return FRONT_CHAIN % (as_of, amount, extra)


def test_ten_business_days_skip_independence_day():
    # Monday 2025-06-30 + 10 business days: Friday 4 July is a federal holiday.
    assert calendar.business_days_after(dt.date(2025, 6, 30), 10) == dt.date(2025, 7, 15)
    assert calendar.business_days_after(dt.date(2025, 6, 16), 10) == dt.date(2025, 7, 1)  # skips Juneteenth


def test_us_bank_must_retain_and_report_a_front_of_a_front(answer):
    retain = answer(chain(), "must_retain(bank, h1)")
    assert retain.answer == "yes"
    assert "18 U.S.C. § 2339B(a)(2); 31 C.F.R. § 597.301(a)(2)" in retain.citations
    report = answer(chain(), "must_report(bank, h1)")
    assert report.answer == "yes"
    assert "by 2025-07-15" in report.explanation.claim
    assert any("31 C.F.R. § 501.603(b)(1)(i)" in c for c in report.citations)


def test_report_is_late_only_after_the_holiday_adjusted_deadline(answer):
    assert answer(chain(), "report_late(h1)", as_of="2025-07-15").answer == "no"
    assert answer(chain(), "report_late(h1)", as_of="2025-07-16").answer == "yes"
    on_time = answer(chain(extra=", reported_on: 2025-07-15"), "report_late(h1)", as_of="2025-08-01")
    assert on_time.answer == "no"
    assert any("by its deadline of 2025-07-15" in c for c in claims(on_time.explanation))


LATE_REPORT = """
scenario: A US bank learns of an FTO's account and never reports it
as_of: %s
organizations:
  acme: {name: Acme Gang}
actors:
  bank: {name: First Border Bank, kind: financial_institution, country: US}
events:
  - {on: %s, act: notify_congress, org: acme, by: secretary_of_state}
  - {on: %s, act: publish_designation, org: acme, by: secretary_of_state}
holdings:
  - {id: h1, institution: bank, owner: acme, amount_usd: %s, since: %s, aware_on: %s}
knowledge:
  - {actor: bank, org: acme, knew: designated}
"""


def late_report(as_of: str, amount: str = "40000", year: int = 2023) -> str:
    """Designated on 8 March of `year`; the bank learns of the account on 1 May and never reports it."""
    return LATE_REPORT % (as_of, f"{year}-03-01", f"{year}-03-08", amount, f"{year}-01-01", f"{year}-05-01")


def test_penalty_takes_the_figure_in_force_when_assessed_for_a_violation_after_2015(answer):
    """§ 2339B(b): the greater of the per-violation figure and twice the amount; since the 2015
    Improvements Act, the figure is the adjustment in force when the penalty is assessed."""
    small = answer(late_report("2024-06-01"), "penalty_2339b(bank, h1)")
    assert small.answer == "yes"
    assert "$97,178" in small.explanation.claim
    assert "89 Fed. Reg. 2139 (Jan. 12, 2024); 31 C.F.R. § 597.701(b)(3)" in small.citations
    assessed_2023 = answer(late_report("2023-12-01"), "penalty_2339b(bank, h1)")
    assert "$94,127" in assessed_2023.explanation.claim  # the 2023 adjustment, 88 Fed. Reg. 2229
    large = answer(late_report("2024-06-01", amount="250000"), "penalty_2339b(bank, h1)")
    assert "$500,000" in large.explanation.claim


def test_penalty_for_a_violation_before_the_2015_act_keeps_the_older_figure(answer):
    """A violation on or before 2015-11-02 gets the figure in force on its day ($55,000 since 2003),
    however late the penalty is assessed; one before the 2003 adjustment, the statutory $50,000."""
    old = answer(late_report("2024-06-01", amount="20000", year=2010), "penalty_2339b(bank, h1)")
    assert "$55,000" in old.explanation.claim
    assert "68 Fed. Reg. 61359, 61361 (Oct. 28, 2003); 31 C.F.R. § 597.701" in old.citations
    older = answer(late_report("2024-06-01", amount="20000", year=2000), "penalty_2339b(bank, h1)")
    assert "$50,000" in older.explanation.claim


def test_penalty_assessed_under_an_adjustment_not_in_the_table_has_no_amount(answer):
    """The 2025 adjustment (90 Fed. Reg. 3687) exists but its figure is not verified: the engine
    names it and gives no amount rather than apply the 2024 one."""
    a = answer(late_report("2025-08-01"), "penalty_2339b(bank, h1)")
    assert a.answer == "yes"
    assert "at least $80,000, twice the amount it had to retain" in a.explanation.claim
    assert "90 Fed. Reg. 3687 (Jan. 15, 2025); 31 C.F.R. § 597.701(b)" in a.citations
    assert "$97,178" not in " ".join(claims(a.explanation))


def test_amounts_beyond_32_bits_are_exact(answer):
    """Twice $1.5 billion is $3 billion, not a wrapped-around negative number."""
    a = answer(late_report("2024-06-01", amount="1500000000.25"), "penalty_2339b(bank, h1)")
    assert "$3,000,000,000.50" in a.explanation.claim
    text = " ".join(claims(a.explanation))
    assert "$1,500,000,000.25" in text and "-" not in text.replace("-0", "").split("$")[1][:20]


def test_licensed_funds_no_duty_names_the_license(answer):
    a = answer(chain(extra=", licensed: true"), "must_retain(bank, h1)")
    assert a.answer == "no"
    assert any("treasury authorized dealing with the holding h1" in c.lower() for c in claims(a.explanation))


def test_before_publication_no_duty_names_the_designation(answer):
    a = answer(chain(as_of="2025-02-19"), "must_retain(bank, h1)")
    assert a.answer == "no"
    text = " ".join(claims(a.explanation))
    assert "not shown to have been aware of the holding h1" in text


INTERIM = """
scenario: interim block
as_of: 2025-03-06
organizations:
  acme: {name: Acme Gang}
actors:
  bank: {name: Harbor National Bank, kind: financial_institution, country: US}
events:
  - {on: 2025-03-03, act: notify_congress, org: acme}
  - {on: 2025-03-04, act: treasury_blocking_order, org: acme, by: %s}
  - {on: 2025-03-10, act: publish_designation, org: acme}
holdings:
  - {id: acct, institution: bank, owner: acme, amount_usd: 1000, since: 2024-11-01, aware_on: 2025-03-04}
"""


def test_interim_block_then_standing_duty(answer):
    yaml = INTERIM % "secretary_of_the_treasury"
    assert answer(yaml, "must_block_interim(bank, acct)").answer == "yes"
    assert answer(yaml, "must_retain(bank, acct)").answer == "no"
    after = answer(yaml, "must_block_interim(bank, acct)", as_of="2025-03-12")
    assert after.answer == "no"
    assert any("31 C.F.R. § 597.201(c)" in c for c in after.citations)
    assert answer(yaml, "must_retain(bank, acct)", as_of="2025-03-12").answer == "yes"


def test_blocking_order_from_the_wrong_official_names_treasury(answer):
    a = answer(INTERIM % "attorney_general", "must_block_interim(bank, acct)")
    assert a.answer == "no"
    assert any("not issued by the Secretary of the Treasury" in c for c in claims(a.explanation))


SDGT_ONLY = """
scenario: SDGT only
as_of: 2025-06-01
organizations:
  coastal: {name: Coastal Network}
actors:
  bank: {name: Bayou Commerce Bank, kind: financial_institution, country: US}
  ana: {name: Ana, us_national: true}
  luis: {name: Luis, country: MX}
events:
  - {on: 2025-01-15, act: designate_sdgt, org: coastal, by: %s}
holdings:
  - {id: acct, institution: bank, owner: coastal, amount_usd: 60000, since: 2024-06-01, aware_on: 2025-01-16}
transactions:
  food: {on: 2025-05-10, from: ana, to: coastal, provides: property, purpose: donation, amount_usd: 900}
  piso: {on: 2025-05-10, from: luis, to: coastal, provides: currency, amount_usd: 900, place: MX}
"""


def test_sdgt_only_creates_blocking_but_no_2339b_duty(answer):
    yaml = SDGT_ONLY % "secretary_of_state"
    no = answer(yaml, "must_retain(bank, acct)")
    assert no.answer == "no"
    assert any("was not a designated Foreign Terrorist Organization" in c for c in claims(no.explanation))
    assert answer(yaml, "must_block_sdgt(bank, acct)").answer == "yes"


def test_food_donation_by_us_person_is_prohibited_and_cites_eo_section_4(answer):
    a = answer(SDGT_ONLY % "secretary_of_the_treasury", "prohibited_sdgt_dealing(food)")
    assert a.answer == "yes"
    assert any("EO 13224 § 4" in c for c in a.citations)
    assert any("31 C.F.R. § 594.409" in c for c in a.citations)


def test_non_us_person_abroad_names_the_missing_nexus(answer):
    a = answer(SDGT_ONLY % "secretary_of_state", "prohibited_sdgt_dealing(piso)")
    assert a.answer == "no"
    assert any("outside the reach of EO 13224" in c for c in claims(a.explanation))


def test_sdgt_designation_by_the_wrong_official_is_no(answer):
    a = answer(SDGT_ONLY % "attorney_general", "sdgt(coastal)")
    assert a.answer == "no"
    assert any("the only ones who may designate" in c for c in claims(a.explanation))


def test_willfulness_separates_criminal_from_civil_ieepa_exposure(answer):
    yaml = """
    scenario: wires
    as_of: 2025-06-01
    organizations:
      cjng: {registry: cjng}
    actors:
      co: {name: Acme Trading Inc., kind: company, country: US}
    transactions:
      w1: {on: 2025-04-01, from: co, to: cjng, provides: currency, amount_usd: 400000, willfully: true}
      w2: {on: 2025-04-01, from: co, to: cjng, provides: currency, amount_usd: 400000, willfully: false}
      w3: {on: 2025-04-01, from: co, to: cjng, provides: currency, amount_usd: 400000}
    """
    assert answer(yaml, "ieepa_criminal_exposure(w1)").answer == "yes"
    no = answer(yaml, "ieepa_criminal_exposure(w2)")
    assert no.answer == "no"
    assert any("acted willfully" in c for c in claims(no.explanation))
    unstated = answer(yaml, "ieepa_criminal_exposure(w3)")  # a state of mind is never presumed
    assert unstated.answer == "depends"
    assert [d.facts for d in unstated.deciding] == [["willfully(w3)"]]
    civil = answer(yaml, "ieepa_civil_penalty(w2)")
    assert civil.answer == "yes"
    # Assessed in 2025, under the 2025 adjustment (not in the table): at least twice the transaction.
    assert "at least $800,000" in civil.explanation.claim


def test_foreign_bank_depends_on_the_reach_of_5312(answer):
    yaml = """
    scenario: Mexican bank
    as_of: 2025-08-01
    organizations:
      cjng: {registry: cjng}
    actors:
      banco: {name: Banco del Norte, kind: financial_institution, country: MX}
    holdings:
      - {id: a, institution: banco, owner: cjng, amount_usd: 100, since: 2025-01-01, aware_on: 2025-03-03}
    """
    a = answer(yaml, "must_retain(banco, a)")
    assert a.answer == "depends"
    assert any("reading(foreign_bank_within_5312)" in f for d in a.deciding for f in d.facts)


def test_a_holding_without_an_id_is_asked_about_as_holding_n(answer):
    text = chain().replace("  - {id: h1, ", "  - {")
    result = answer(text, "must_retain(bank, holding(1))")
    assert result.answer == "yes"
    assert "18 U.S.C. § 2339B(a)(2)(A); 31 C.F.R. § 597.201(b)(1)" in result.citations


def test_an_unknown_holding_or_detail_of_one_leaves_the_duty_open(answer):
    """Unknown paths reach the holdings' facts: the record as a whole, or one flag of it."""
    whole = answer(chain() + "unknown: [holdings.0]\n", "must_retain(bank, h1)")
    assert whole.answer == "depends"
    licensed = answer(chain() + "unknown: [holdings.0.licensed]\n", "must_retain(bank, h1)")
    assert licensed.answer == "depends"
    assert any("licensed(h1)" in f for d in licensed.deciding for f in d.facts)
    aware = answer(chain() + "unknown: [holdings.0.aware_on]\n", "must_retain(bank, h1)")
    assert aware.answer == "depends"
    unnamed = chain().replace("  - {id: h1, ", "  - {") + "unknown: [holdings.0.licensed]\n"
    assert answer(unnamed, "must_retain(bank, holding(1))").answer == "depends"


def test_an_open_detail_of_an_unknown_record_stays_open_on_its_own(answer):
    """A flag the file marks unknown inside a record unknown as a whole is a choice of its own;
    a known flag follows the record (holds exactly when the record does)."""
    licensed = chain(extra=", licensed: true")
    follows = answer(licensed + "unknown: [holdings.0]\n", "must_retain(bank, h1)")
    assert follows.answer == "no"  # if the holding exists, it is licensed
    both = answer(licensed + "unknown: [holdings.0, holdings.0.licensed]\n", "must_retain(bank, h1)")
    assert both.answer == "depends"  # it may exist unlicensed
    open_atoms = Solver(loads(licensed + "unknown: [holdings.0, holdings.0.licensed]\n", "t.yaml")).open_atoms
    assert "licensed(h1)" in map(str, open_atoms)
    # `unknown` written on a flag of an unknown record, likewise (a transaction's duress).
    from tests.test_material_support import scenario

    duress = loads(scenario(duress="unknown") + "unknown: [transactions.t1]\n", "t.yaml")
    assert {"recorded_transaction(t1,payer,front,739342)", "under_duress(t1)"} <= set(map(str, Solver(duress).open_atoms))


def test_a_detail_follows_its_nearest_unknown_record():
    """With a record and a part of it both unknown, a detail of the part follows the part, not
    the record (the nearest enclosing unknown path, not whichever a set iteration meets first)."""
    text = chain() + "events:\n  - {act: publish_designation, org: cjng, on: 2025-02-20, consulted: [attorney_general]}\n"
    for unknown in ("[events.0, events.0.consulted]", "[events.0.consulted, events.0]"):
        fs = build(loads(text + f"unknown: {unknown}\n", "t.yaml"))
        anchors = {str(sym): str(anchor) for sym, anchor in fs.dependent if sym.name == "consulted"}
        assert anchors == {"consulted(ev(1),attorney_general)": "consultation_recorded(ev(1))"}


def test_each_body_of_law_cites_its_own_reach_through_fronts(answer):
    """#16: a front's link to the organization cites the provision of the law applied, and a
    "United States person" cites the definition (31 C.F.R. § 594.315), not the prohibition."""
    yaml = """
scenario: a US company pays a CJNG front
as_of: 2025-06-01
organizations:
  cjng: {registry: cjng}
actors:
  co: {name: Acme Trading Inc., kind: company, country: US}
  front: {name: Agave Export SA, kind: company, country: MX, agent_of: cjng}
  pedro: {name: Pedro, country: MX, in_united_states: false, admitted: false}
transactions:
  w1: {on: 2025-04-01, from: co, to: front, provides: currency, amount_usd: 5000}
  w2: {on: 2025-04-01, from: pedro, to: front, provides: currency, amount_usd: 500, knowingly: true}
knowledge:
  - {actor: co, org: cjng, knew: designated}
"""
    sdgt = answer(yaml, "prohibited_sdgt_dealing(w1)")
    assert sdgt.answer == "yes"
    assert "EO 13224 § 2(a); 31 C.F.R. § 594.204" in sdgt.citations
    assert "EO 13224 § 3(c); 31 C.F.R. § 594.315" in sdgt.citations
    ina = answer(yaml, "ina_material_support(pedro, w2)")
    assert ina.answer == "yes"
    assert "INA § 212(a)(3)(B)(iv)(VI), (i)(VIII); 8 U.S.C. § 1182(a)(3)(B)" in ina.citations
    for a in (sdgt, ina):
        assert not any("597.301" in c for c in a.citations)
