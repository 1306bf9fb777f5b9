"""Scenario files: what a law student writes, validated strictly.

Unknown keys, wrong types, dangling references and impossible dates are errors that
name the file and line. Ids are plain words so that a question such as
`designated(cjng)` can name them directly; names are free text and never reach the
solver except as escaped string symbols.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import (AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, ValidationError,
                      field_validator)

from engine import money
from engine.errors import InputError, did_you_mean
from engine.yamlsource import Located, load_file, load_text

LARGEST = 2**31 - 1
"""clingo counts in 32-bit integers."""


def _not_keyword(value: str) -> str:
    if value == "not":
        raise ValueError("'not' cannot be an id: it is a keyword of the rule language")
    return value


Id = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,62}$"), AfterValidator(_not_keyword)]
Dollars = Annotated[Decimal, Field(ge=0, le=money.LIMIT, decimal_places=2)]
"""An amount in US dollars, exact to the cent (engine.money holds it beyond 32 bits)."""
Unknown = Literal["unknown"]
Tri = Union[bool, Unknown]
"""A fact that is true, false, or not known (the engine then reasons over both)."""
def _calendar_date(value: Any) -> Any:
    """A date is written YYYY-MM-DD; a number, or a string of digits, would otherwise be read as a
    Unix timestamp, and a week date (2025-W01-1) or a time of day would be let through."""
    if isinstance(value, (bool, int, float, Decimal)):
        raise ValueError("a date must be written YYYY-MM-DD, not as a number")
    if isinstance(value, str) and not _YYYY_MM_DD.fullmatch(value):
        raise ValueError("a date must be written YYYY-MM-DD")
    return value


_YYYY_MM_DD = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _not_too_late(value: dt.date) -> dt.date:
    if value.year > 9899:
        raise ValueError(f"{value.isoformat()} is too late: dates after 9899-12-31 are not supported")
    return value


Day = Annotated[dt.date, BeforeValidator(_calendar_date), AfterValidator(_not_too_late)]


def day_from_text(text: str) -> dt.date:
    """A date typed on the command line (`--as-of`), held to the rules of a date in a file; ValueError says why not."""
    try:
        day = dt.date.fromisoformat(_calendar_date(text))
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a date: {exc}" if _YYYY_MM_DD.fullmatch(text)
                         else f"{text!r} is not a date written YYYY-MM-DD") from None
    return _not_too_late(day)


class Between(BaseModel):
    """A day known only to fall in a range."""

    between: tuple[Day, Day] = Field(description="The first and the last day it may have been, inclusive: [YYYY-MM-DD, YYYY-MM-DD].")
    model_config = ConfigDict(extra="forbid", frozen=True)

    @field_validator("between")
    @classmethod
    def _in_order(cls, days: tuple[dt.date, dt.date]) -> tuple[dt.date, dt.date]:
        if days[1] < days[0]:
            raise ValueError(f"the range ends on {days[1].isoformat()}, before it begins on {days[0].isoformat()}")
        return days


When = Union[Day, Unknown, Between]
"""A date: YYYY-MM-DD, `unknown`, or `{between: [D1, D2]}`; the engine reasons over every day it may be."""


def earliest(when: "When | None") -> dt.date | None:
    """The first day a date may be (None: unknown or absent)."""
    return when if isinstance(when, dt.date) else when.between[0] if isinstance(when, Between) else None


def latest(when: "When | None") -> dt.date | None:
    """The last day a date may be (None: unknown or absent)."""
    return when if isinstance(when, dt.date) else when.between[1] if isinstance(when, Between) else None


def when_text(when: "When") -> str:
    """A date as explanations say it."""
    if isinstance(when, dt.date):
        return when.isoformat()
    if isinstance(when, Between):
        return f"a date between {when.between[0].isoformat()} and {when.between[1].isoformat()}"
    return "an unknown date"

Official = Literal[
    "secretary_of_state",
    "attorney_general",
    "secretary_of_the_treasury",
    "secretary_of_homeland_security",
    "director_of_national_intelligence",
    "president",
]

Recipient = Literal[
    "speaker_of_the_house",
    "house_minority_leader",
    "senate_president_pro_tempore",
    "senate_majority_leader",
    "senate_minority_leader",
    "senate_judiciary_committee",
    "senate_intelligence_committee",
    "senate_foreign_relations_committee",
    "house_judiciary_committee",
    "house_intelligence_committee",
    "house_international_relations_committee",
]
"""The recipients § 1189(a)(2)(A)(i) and (d)(3) name (the House committee by its statutory name)."""

Finding = Literal[
    "foreign_organization",
    "terrorist_activity",
    "terrorism",
    "capability_and_intent",
    "threatens_us_nationals",
    "threatens_national_security",
]

Act = Literal[
    "sign_designation",
    "notify_congress",
    "publish_designation",
    "publish_amendment",
    "file_revocation_petition",
    "petition_determination",
    "five_year_review",
    "revoke",
    "publish_revocation",
    "act_of_congress",
    "petition_judicial_review",
    "set_aside",
    "treasury_blocking_order",
    "designate_sdgt",
    "revoke_sdgt",
    "tel_designation",
    "designate_kingpin",
    "revoke_kingpin",
    "designate_eo14059",
    "revoke_eo14059",
    "remand",
    "notify_congress_revocation",
    "classified_disclosure_order",
]

Support = Literal[
    "currency",
    "monetary_instruments",
    "financial_securities",
    "financial_services",
    "lodging",
    "training",
    "expert_advice",
    "safehouse",
    "false_documentation",
    "communications_equipment",
    "facilities",
    "weapons",
    "lethal_substances",
    "explosives",
    "personnel",
    "transportation",
    "property",
    "service",
    "medicine",
    "religious_materials",
    "advocacy",
    "military_type_training",
]
"""§ 2339A(b)(1) categories, its two exclusions, and two things that are not support at all."""


Offense = Literal[
    "usc18_32", "usc18_37", "usc18_81", "usc18_175", "usc18_229", "usc18_351", "usc18_831", "usc18_842m",
    "usc18_844f", "usc18_844i", "usc18_930c", "usc18_956", "usc18_1091", "usc18_1114", "usc18_1116", "usc18_1203",
    "usc18_1361", "usc18_1362", "usc18_1363", "usc18_1366", "usc18_1751", "usc18_1992", "usc18_2155", "usc18_2156",
    "usc18_2280", "usc18_2281", "usc18_2332", "usc18_2332a", "usc18_2332b", "usc18_2332f", "usc18_2340a",
    "usc18_2442", "usc42_2284", "usc49_46502", "usc49_60123b", "other_federal", "state_law",
]
"""Offenses an act is or would be: `usc18_1203` is 18 U.S.C. § 1203. Which are § 2339A predicates is law (rules)."""

OnBoard = Literal["us_flag_vessel", "us_registered_aircraft", "us_government_aircraft", "foreign_flag_vessel",
                  "foreign_registered_aircraft", "foreign_government_aircraft"]
"""The vessel or aircraft a transaction took place on board, as 18 U.S.C. § 2339C(b)(1)(B)-(C), (3)-(4) sort them."""

Target = Literal["foreign_national", "foreign_state", "us_government_property", "us_national", "us_national_property",
                 "us_entity_property"]
"""What an act was against, as 18 U.S.C. § 2339C(b)(1)(E)(ii), (2)(C) sort targets (persons it injured are `injured`; a target is named whether or not the act was carried out)."""

Compelled = Literal["united_states", "foreign_state", "international_organization"]
"""Whom an act was an attempt to compel, as 18 U.S.C. § 2339C(b)(1)(F), (5) sort them."""

Circuit = Literal["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
                  "eleventh", "dc"]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ReviewRecord(Model):
    """What the administrative record behind an organization's designation shows, as a reviewing court
    reads it (8 U.S.C. § 1189(a)(3), (c)(2)-(3)). Unknown unless stated: a court weighs these facts."""

    substantial_support: Tri = Field("unknown", description="§ 1189(c)(3)(D): the administrative record taken as a whole, with any classified information submitted to the court, substantially supports the Secretary's findings")
    reasoned: Tri = Field("unknown", description="§ 1189(c)(3)(A): the Secretary considered the record and explained the action by the facts found in it (an unexplained action is arbitrary and capricious)")
    classified: Tri = Field("unknown", description="§ 1189(a)(3)(B), (c)(2): the Secretary considered classified information (shown to the court ex parte and in camera, never to the organization)")
    record_created: bool | None = Field(None, description="§ 1189(a)(3)(A): the Secretary made an administrative record; when not stated, regular procedure is presumed and said")
    notice_before: Tri = Field("unknown", description="Before the action (the designation, or a determination on a petition for revocation), the Secretary gave the organization notice of the unclassified material relied on and an opportunity to respond: the process NCRI (2001) and PMOI III (2010) hold due to an organization with due process rights (not stated: unknown).")
    earlier_notice_harmful: Tri = Field(False, description="The Secretary showed that notice before the action would have impinged on security or foreign policy goals, which lets the process come after it (NCRI) (not stated: not shown; the showing is the Secretary's to make).")
    notice_after: Tri = Field("unknown", description="Where earlier notice would have been harmful: the Secretary gave the notice and opportunity after the action (not stated: unknown; read only when earlier_notice_harmful is true or unknown).")


class Duress(Model):
    """The facts a duress defence turns on (any left out is unknown)."""

    threat: Literal["death", "serious_bodily_injury", "lesser_harm"] | None = Field(
        None, description="What was threatened: death, serious bodily injury, or some lesser harm (not stated: unknown).")
    against: Literal["self", "family", "other"] | None = Field(
        None, description="Whom the threat was against: the giver, a family member, or someone else (not stated: unknown).")
    threatened_by: Id | None = Field(None, description="Who made the threat (an actor or organization), if the scenario says.")
    imminent: Tri | None = Field(None, description="The threat was present, immediate or impending (not stated: unknown).")
    well_grounded_fear: Tri | None = Field(None, description="The giver had a well-grounded fear that it would be carried out (not stated: unknown).")
    could_escape: Tri | None = Field(None, description="The giver had a reasonable opportunity to escape the threatened harm (not stated: unknown).")
    could_report: Tri | None = Field(None, description="The giver could reasonably have gone to the authorities instead (not stated: unknown).")
    recklessly_placed: Tri | None = Field(None, description="The giver recklessly or negligently placed themself in the situation (not stated: unknown).")


class Necessity(Model):
    """The facts a necessity defence turns on (any left out is unknown)."""

    lesser_evil: Tri | None = Field(None, description="Faced with a choice of evils, the giver chose the lesser (not stated: unknown).")
    imminent: Tri | None = Field(None, description="The giver acted to prevent an imminent harm (not stated: unknown).")
    would_prevent: Tri | None = Field(None, description="The giver reasonably anticipated the conduct would prevent that harm (not stated: unknown).")
    legal_alternative: Tri | None = Field(None, description="There was a legal alternative to breaking the law (not stated: unknown).")


class Period(Model):
    """A relation that held between two days; leave out a day the relation has no bound on."""

    of: Id = Field(description="The organization or party the relation is with.")
    from_: When | None = Field(None, alias="from", description="The first day the relation held: a date, unknown, or {between: [D1, D2]} (not stated: it held from before any day the question turns on).")
    until: When | None = Field(None, description="The last day the relation held: a date, unknown, or {between: [D1, D2]} (not stated: it still holds).")
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


Related = Union[Id, Period]
"""A relation with an organization or party: its id, or `{of: ID, from: DATE, until: DATE}`."""


def related_id(relation: Related) -> str:
    """The id a relation is with, dated or not."""
    return relation if isinstance(relation, str) else relation.of


def relation_period(relation: Related) -> tuple["When | None", "When | None"]:
    """The first and last day a relation held (None: unbounded)."""
    return (None, None) if isinstance(relation, str) else (relation.from_, relation.until)


class Custody(Model):
    """A period in someone's custody: arrest, detention, imprisonment."""

    from_: When = Field(alias="from", description="The first day in custody: a date, unknown, or {between: [D1, D2]}.")
    until: When | None = Field(None, description="The last day in custody (not stated: still in custody).")
    where: Literal["us", "abroad"] = Field(description="Whether the custody was in the United States or abroad.")
    by: Id | None = Field(None, description="Who held the person (an actor or organization), if the scenario says.")
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Organization(Model):
    """A group, real (pointing at the bundled registry) or invented."""

    name: str | None = Field(None, max_length=500, description="The group's name as explanations show it (default: the registry's name, else the id).")
    registry: Id | None = Field(None, description="The id of a real designation in the bundled registry (`fto registry`): its dated events and citations come with it.")
    foreign: Tri | None = Field(None, description="Whether the group is a foreign organization (not stated: no fact; the Secretary's finding is `findings`).")
    findings: list[Finding] | None = Field(None, description="The Secretary's findings under 8 U.S.C. § 1189(a)(1)(A)-(C), if the record lists them (not stated: presumed regular, and said).")
    alias_of: Id | None = Field(None, description="The organization this group is said to be another name of (8 U.S.C. § 1189(b)).")
    in_fact_same: Tri = Field("unknown", description="Whether the group was in fact the same organization as `alias_of` (not stated: unknown).")
    engages_in_terrorist_activity: Tri = Field(False, description="INA § 212(a)(3)(B)(iv), (vi)(III): the group engages in terrorist activity (not stated: not shown).")
    engages_in_terrorism: Tri = Field(False, description="22 U.S.C. § 2656f(d)(2): the group engages in terrorism (not stated: not shown).")
    members: int | None = Field(None, ge=0, le=LARGEST, description="How many members the group has, if known.")
    statutory_group: Literal["knu_knla", "cnf_cna", "cnld", "knlp", "alp", "tibetan_mustangs", "cuban_alzados", "knpp",
                             "hmong_groups", "montagnard_groups", "anc"] | None = Field(
        None, description="The group is one Congress named in an Act excluding it from \"terrorist organization\" (Pub. L. 110-161, div. J, § 691(b); Pub. L. 110-257).")
    terrorist_activity_until: When | None = Field(
        None, description="The last day the group engaged in terrorist activity: a date, unknown, or a range (not stated: it still does).")
    us_presence: Tri | None = Field(None, description="The group has a presence in the United States (offices, members acting for it there) (not stated: unknown).")
    us_property: Tri | None = Field(None, description="The group has property in the United States (a bank account, real estate) (not stated: unknown).")
    review: ReviewRecord = Field(default_factory=ReviewRecord, description="What the administrative record behind the designation shows, for a court reviewing it under 8 U.S.C. § 1189(c) (each fact unknown unless stated).")


class AssociationDetermination(Model):
    """INA § 212(a)(3)(F): the Secretary of State (after consulting the Attorney General) or the
    Attorney General (after consulting the Secretary of State) determines an association and intent."""

    by: Literal["secretary_of_state", "attorney_general"] = Field(description="who made the determination")
    on: Day = Field(description="the day of the determination")
    org: Id = Field(description="the terrorist organization the person has been associated with")
    consulted: Tri = Field("unknown", description="the maker consulted the other official the statute names")
    intent_found: Tri = Field("unknown", description="the determination finds that the person intends, while in the United States, to engage solely, principally or incidentally in activities that could endanger the welfare, safety or security of the United States")


class Conviction(Model):
    """A criminal conviction (INA § 237(a)(2)(B)(i))."""

    on: Day = Field(description="the day of the conviction")
    offense: Literal["controlled_substance", "other"] = Field(description="controlled_substance: a violation of (or conspiracy or attempt to violate) a law of a State, the United States or a foreign country relating to a controlled substance (21 U.S.C. § 802)")
    marijuana_30g_or_less: bool = Field(False, description="the offense was possession for one's own use of 30 grams or less of marijuana")


class AeaNotice(Model):
    """Notice that a person is subject to removal under the Alien Enemies Act (Trump v. J.G.G., 2025)."""

    on: Day = Field(description="the day the notice was given")
    removal_on: Day | None = Field(None, description="the day set for removal, if any")
    explains_how_to_contest: Tri = Field("unknown", description="the notice says how to contest the removal (A.A.R.P. v. Trump, 2025)")


class Actor(Model):
    """A person or entity whose conduct or duties the scenario asks about."""

    name: str | None = Field(None, max_length=500, description="The party's name as explanations show it (default: the id).")
    kind: Literal["person", "company", "financial_institution", "charity", "government"] = Field(
        "person", description="What the party is: a natural person, a company, a financial institution, a charity or a government.")
    country: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")] | None = Field(
        None, description="Where the party is based, as a two-letter country code (US, MX).")
    us_national: Tri = Field(False, description="INA § 101(a)(22): the party is a national of the United States (not stated: not shown).")
    permanent_resident: Tri = Field(False, description="8 U.S.C. § 1101(a)(20): the party is a lawful permanent resident of the United States (not stated: not shown).")
    stateless_us_resident: bool = Field(False, description="18 U.S.C. § 2339B(d)(1)(B): a stateless person habitually resident in the United States.")
    found_in_us: Tri = Field(False, description="18 U.S.C. § 2339B(d)(1)(C): after the conduct the party was brought into or found in the United States (not stated: not shown).")
    found_in_us_on: Day | None = Field(None, description="18 U.S.C. § 2339B(d)(1)(C): the day the party was brought into or found in the United States")
    found_outside_us: Tri = Field(False, description="18 U.S.C. § 2339C(b)(1)(D): the party is found outside the United States (not stated: not shown).")
    agent_of: Related | None = Field(None, description="The organization or party this one acts for as agent or front: an id, or {of: ID, from: DATE, until: DATE}.")
    member_of: list[Related] = Field([], description="Organizations the party is a member of: ids, or {of: ID, from: DATE, until: DATE}.")
    representative_of: list[Related] = Field([], description="Organizations the party represents (INA § 212(a)(3)(B)(v): officer, official, spokesman): ids or dated entries.")
    employed_by: list[Related] = Field([], description="Organizations or parties that employ this one: ids, or {of: ID, from: DATE, until: DATE}.")
    controls: list[Related] = Field([], description="Organizations or parties this one controls (directs or owns a controlling interest in): ids or dated entries.")
    custody: list[Custody] = Field([], description="Periods in custody: [{from: DATE, until: DATE, where: us|abroad, by: ID}].")
    spouse_of: Id | None = Field(None, description="The actor whose spouse this party is (INA § 212(a)(3)(B)(i)(IX)).")
    child_of: Id | None = Field(None, description="The actor whose child this party is (INA § 212(a)(3)(B)(i)(IX)).")
    renounced: Tri = Field(False, description="INA § 212(a)(3)(B)(ii)(II): a spouse or child has renounced the principal's activity (not stated: not shown).")
    criminal_defendant: bool = Field(False, description="The party is a defendant in a criminal case (8 U.S.C. § 1189(a)(8)).")
    in_removal_proceedings: bool = Field(False, description="The party is in removal proceedings (8 U.S.C. § 1189(a)(8); INA § 212(d)(3)(B)(i)).")
    in_united_states: Tri | None = Field(None, description="INA § 237(a): whether the person is in the United States (not stated: unknown)")
    admitted: Tri | None = Field(None, description="INA § 237(a), 8 U.S.C. § 1101(a)(13)(A): whether the person was ever admitted to the United States (not stated: unknown; a permanent resident has been)")
    applicant_abroad: Tri | None = Field(None, description="INA § 212(a), § 221(g): the person is outside the United States applying for a visa or for admission (not stated: unknown)")
    unaware_of_activity: Tri = Field(False, description="INA § 212(a)(3)(B)(ii)(I): a spouse or child did not know, and should not reasonably have known, of the principal's activity (not stated: not shown).")
    exempted_by: Literal["secretary_of_state", "secretary_of_homeland_security"] | None = Field(
        None, description="INA § 212(d)(3)(B)(i): who exempted this alien from § 212(a)(3)(B), if anyone.")
    exemption_on: Day | None = Field(None, description="The day the exemption was made (not stated: taken as made by the day asked, and said).")
    owned_by: dict[Id, Annotated[Decimal, Field(gt=0, le=100, decimal_places=2)]] = Field({}, description="OFAC's 50 Percent Rule: who owns this entity, directly, and what percentage (e.g. {cjng: 30, front: 25}).")
    fincen_order: Literal["cibanco", "intercam", "vector"] | None = Field(None, description="This foreign financial institution is the one FinCEN named in its 2025 order under 21 U.S.C. § 2313a (bundled: cibanco, intercam, vector).")
    drug_trafficker: Tri = Field(False, description="INA § 212(a)(2)(C)(i): a consular officer or the Attorney General knows or has reason to believe the person is or has been an illicit trafficker in a controlled substance or listed chemical (no conviction needed; not stated: none on record)")
    drug_trafficking_aider: Tri = Field(False, description="INA § 212(a)(2)(C)(i): ... knows or has reason to believe the person is or has been a knowing aider, abettor, assister, conspirator or colluder with others in such trafficking (not stated: none on record)")
    drug_abuser_or_addict: Tri = Field(False, description="INA § 237(a)(2)(B)(ii): the person is, or at any time after admission has been, a drug abuser or addict (not stated: not shown)")
    reasonable_ground_terrorist_activity: Tri = Field(False, description="INA § 212(a)(3)(B)(i)(II): a consular officer, the Attorney General or the Secretary of Homeland Security knows, or has reasonable ground to believe, the person is engaged in or is likely after entry to engage in terrorist activity (not stated: none on record)")
    incited_terrorist_activity: Tri = Field(False, description="INA § 212(a)(3)(B)(i)(III): the person has incited terrorist activity")
    incitement_intent_to_kill: Tri = Field(False, description="INA § 212(a)(3)(B)(i)(III): the incitement was under circumstances indicating an intention to cause death or serious bodily harm")
    incited_on: When | None = Field(None, description="INA § 212(a)(3)(B)(i)(III), (IX): the day of the incitement: a date, unknown, or {between: [D1, D2]} (not stated, or with no last day: unknown but not after the scenario's as_of, the day the scenario says the person has incited; so (III) asked as of an earlier day, and a spouse's or child's 5-year window under (IX), depend on it)")
    endorses_terrorist_activity: Tri = Field(False, description="INA § 212(a)(3)(B)(i)(VII): the person endorses or espouses terrorist activity, or persuades others to endorse or espouse it")
    persuades_support_for: list[Id] = Field([], description="INA § 212(a)(3)(B)(i)(VII): organizations the person persuades others to support")
    association_determination: AssociationDetermination | None = Field(None, description="INA § 212(a)(3)(F): a determination that the person has been associated with a terrorist organization and intends to endanger the United States")
    convictions: list[Conviction] = Field([], description="INA § 237(a)(2)(B)(i): the person's criminal convictions, dated")
    nationality: list[Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]] = Field([], description="countries of which the person is a citizen or national (two-letter codes); `country` says where the party is based")
    aged_14_or_older: Tri | None = Field(None, description="50 U.S.C. § 21: the person is 14 years of age or older (not stated: unknown)")
    aea_notice: AeaNotice | None = Field(None, description="notice that the person is subject to removal under the Alien Enemies Act")
    aea_challenge: Literal["habeas_in_district_of_confinement", "habeas_in_another_district", "other_action"] | None = Field(
        None, description="how the person challenges detention or removal under the Alien Enemies Act (Trump v. J.G.G., 2025)")
    admitted_on: Day | None = Field(None, description="INA § 237(a)(2)(B)(i): the day the person was admitted to the United States (a conviction counts only if after admission)")


class Event(Model):
    """A dated legal act: signing, notice, publication, amendment, revocation, review."""

    id: Id | None = Field(None, description="An id for the event, so that questions and paths can name it (default: ev(N)).")
    on: When = Field(description="The day of the act: YYYY-MM-DD, unknown, or {between: [D1, D2]}.")
    act: Act = Field(description="What was done.")
    org: Id = Field(description="The organization concerned.")
    by: Id | None = Field(None, description="The official who acted (not stated: regular procedure is presumed, and listed under Assumed).")
    consulted: list[Id] | None = Field(None, description="Officials consulted (not stated: the consultation § 1189(d)(4) requires is presumed, and listed under Assumed).")
    recipients: list[Recipient] | None = Field(None, description="For notify_congress: who received the classified notice (not stated: every required recipient is presumed).")
    notice_for: Literal["earlier_publication", "later_publication"] | Unknown | None = Field(None, description="For notify_congress dated after a publication of the organization and before another (a later designation, or an amendment, which § 1189(b)(2) holds to the same notice): which one the notice says it is for, the earlier (so it came late, § 1189(a)(2)(A)(i)) or the later (not stated: unknown).")
    fr_citation: str | None = Field(None, max_length=200, description="The Federal Register citation or other source of the act.")
    alias: Id | None = Field(None, description="For publish_amendment: an organization (an id with alias_of) the amendment lists as a name of the designated one.")
    alias_removed: Id | None = Field(None, description="For publish_amendment: an organization (an id with alias_of) the amendment removes from the names of the designated one.")
    effective: Day | None = Field(None, description="For revoke: the effective date the revocation states (8 U.S.C. § 1189(a)(6)(B)).")
    outcome: Literal["revoked", "denied", "maintained"] | None = Field(None, description="For a determination or review: its outcome.")
    court: Literal["dc_circuit", "district_court", "other"] | None = Field(None, description="For a petition for judicial review: where it was filed (8 U.S.C. § 1189(c)(1)).")
    final: bool = Field(True, description="For set_aside: whether the court's order is final.")
    served: list[Id] | None = Field(None, description="For a treasury_blocking_order: the institutions it was served on (omit for an order to all US institutions).")
    revocation_grounds: list[Literal["changed_circumstances", "national_security"]] = Field([], description="For a petition_determination or five_year_review: the grounds for revocation the Secretary found on completing the review (8 U.S.C. § 1189(a)(6)(A)(i) changed circumstances, (ii) national security); each obliges revocation.")
    during_trial: bool = Field(False, description="For a classified_disclosure_order (18 U.S.C. § 2339B(f)(5)): the order was made during the trial, not before it.")


FirearmUse = Literal["felony", "drug_trafficking_crime", "federal_crime_of_terrorism"]


class Firearm(Model):
    """A transaction that moves a firearm (18 U.S.C. §§ 554, 924, 932, 933; 22 U.S.C. § 2778)."""

    automatic: Tri = Field("unknown", description="the firearm is fully automatic (on the US Munitions List at every date; non-automatic firearms left it on 2020-03-09)")
    purchased_for_recipient: Tri = Field("unknown", description="18 U.S.C. § 932(b): the giver bought the firearm for, on behalf of, or at the request or demand of the recipient")
    recipient_use: list[FirearmUse] = Field([], description="what the recipient intended the firearm for: use, carrying, possession or disposal in furtherance of a felony, a drug trafficking crime or a federal crime of terrorism (18 U.S.C. § 932(a)); empty if none is stated")
    giver_had_reason_to_believe: Tri = Field("unknown", description="the giver knew or had reasonable cause to believe what the recipient intended (§ 932(b)(2), § 933(a)(1))")
    will_be_used_in_crime: Tri = Field("unknown", description="the giver knew or had reasonable cause to believe the firearm will be used to commit a felony, a federal crime of terrorism or a drug trafficking crime (§ 932(c)(2), § 924(h))")
    intent_to_promote: Tri = Field("unknown", description="18 U.S.C. § 924(k)(2): the giver took the firearm out of the United States intending to engage in or promote such conduct")
    exported: Tri = Field("unknown", description="the firearm was exported or sent from the United States (18 U.S.C. § 554; 22 U.S.C. § 2778)")
    export_license: Tri = Field("unknown", description="a license or other authorization for the export was held (from the State Department under the ITAR, or from Commerce under the EAR)")
    ear_license_required: Tri = Field("unknown", description="for a firearm controlled under the Export Administration Regulations, whether the export needed a license (the EAR's country rules are not encoded)")
    during_drug_trafficking_crime: Tri = Field(False, description="18 U.S.C. § 924(c)(1)(A): the giver used or carried the firearm during and in relation to, or possessed it in furtherance of, a drug trafficking crime")


class Transaction(Model):
    """Something given, paid or done from one party to another on a day."""

    name: str | None = Field(None, max_length=500, description="What explanations call it (default: its purpose or \"payment\"/\"transaction\" and its id, as \"the extortion payment t1\").")
    on: When = Field(description="The day it was given, paid or done: YYYY-MM-DD, unknown, or {between: [D1, D2]}.")
    from_: Id = Field(alias="from", description="The giver: an actor or organization.")
    to: Id = Field(description="The recipient: an actor or organization.")
    provides: Support = Field(description="What was provided (18 U.S.C. § 2339A(b)(1) categories, its exceptions, and advocacy).")
    amount_usd: Dollars | None = Field(None, description="Its worth in US dollars, exact to the cent.")
    gross_gain_or_loss_usd: Dollars | Unknown = Field("unknown", description="18 U.S.C. § 3571(d): the greater of the gross pecuniary gain anyone derived from the offense in it and the gross pecuniary loss it caused anyone other than the defendant, in US dollars (0: neither; not stated: unknown, so a fine question it could decide depends on it).")
    place: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")] | None = Field(
        None, description="Where it took place, as a two-letter country code.")
    knowingly: Tri = Field("unknown", description="The giver acted knowingly (18 U.S.C. § 2339B(a)(1); INA § 212(a)(3)(B)(iv)(VI)) (not stated: unknown).")
    attempted: bool = Field(False, description="It was only attempted.")
    conspired: bool = Field(False, description="It was the object of a conspiracy.")
    under_duress: Tri | None = Field(None, description="It was made under duress (not stated: true if `duress` gives the facts of a threat, else not shown).")
    duress: Duress | None = Field(None, description="The facts of the threat under which it was made (for a duress defence).")
    necessity: Necessity | None = Field(None, description="The facts of a claimed necessity (a choice of evils forced by circumstances).")
    circuit: Circuit | None = Field(None, description="The federal circuit where a prosecution for it would be tried, where the law of a defence differs by circuit (not stated: every reading is considered).")
    for_act: Id | None = Field(None, description="The act (an id under acts:) the support was to be used in preparing for or carrying out, if any.")
    intended_use: Tri | None = Field(None, description="With for_act: the giver intended the support to be used for that act (not stated: unknown).")
    knew_use: Tri | None = Field(None, description="With for_act: the giver knew the support was to be used for that act (not stated: unknown).")
    for_escape: bool = Field(False, description="18 U.S.C. § 2339A(a): with for_act: the support was to be used in preparing for or carrying out the concealment of an escape from the commission of that act, not the act itself; intended_use and knew_use then speak of that use.")
    recipient_intended_use: Tri | None = Field(None, description="18 U.S.C. § 2339C(a)(1), (e)(5): with for_act: the recipient, who collects funds by receiving them, intended them to be used to carry out that act (not stated: unknown).")
    recipient_knew_use: Tri | None = Field(None, description="18 U.S.C. § 2339C(a)(1), (e)(5): with for_act: the recipient, who collects funds by receiving them, knew they were to be used to carry out that act (not stated: unknown).")
    recipient_willfully: Tri | None = Field(None, description="18 U.S.C. § 2339C(a)(1): with for_act: the recipient received the funds unlawfully and willfully (not stated: unknown).")
    intended_to_further: Literal["terrorist_activity", "lawful_activity", "humanitarian_aid"] | None = Field(
        None, description="What the giver meant the support to further (Holder v. Humanitarian Law Project: § 2339B does not ask).")
    under_direction_of: Tri = Field(False, description="18 U.S.C. § 2339B(h): for personnel, the person worked under the organization's direction or control (not stated: not shown).")
    coordinated_with: Tri = Field(False, description="18 U.S.C. § 2339B(h)-(i): for advocacy, it was coordinated with the organization (not stated: not shown).")
    approved_by_secretary_of_state: bool = Field(False, description="18 U.S.C. § 2339B(j): the Secretary of State approved it.")
    attorney_general_concurred: bool = Field(False, description="18 U.S.C. § 2339B(j): the Attorney General concurred in the approval.")
    affects_commerce: Tri = Field(False, description="18 U.S.C. § 2339B(d)(1)(E): it occurred in or affected interstate or foreign commerce (not stated: not shown).")
    on_board: OnBoard | None = Field(None, description="18 U.S.C. § 2339C(b)(1)(B)-(C), (3)-(4): the vessel or aircraft it took place on board, at the time: us_flag_vessel (flying the US flag), us_registered_aircraft (registered under US law), us_government_aircraft (operated by the United States), foreign_flag_vessel, foreign_registered_aircraft, foreign_government_aircraft (the same for another state) (not stated: not shown).")
    death_resulted: bool = Field(False, description="A death resulted from it (18 U.S.C. § 2339B(a)(1)).")
    willfully: Tri = Field("unknown", description="50 U.S.C. § 1705(c): the person acted willfully (needed for IEEPA criminal penalties) (not stated: unknown).")
    purpose: Literal["extortion", "ransom", "purchase", "transit_fee", "donation", "wages", "taxes_or_fees", "other"] | None = Field(
        None, description="What kind of payment it was.")
    aids_act: Id | None = Field(None, description="18 U.S.C. § 2333(d)(2): the act of international terrorism (an id under acts:) this assisted, if any.")
    substantial: Tri = Field("unknown", description="18 U.S.C. § 2333(d)(2): the assistance was substantial (not stated: unknown).")
    culpable: Tri = Field("unknown", description="Conscious, voluntary and culpable participation in the act (Twitter, Inc. v. Taamneh) (not stated: unknown).")
    generic_service: bool = Field(False, description="A generally available service provided at arm's length, and nothing more.")
    conspired_with_perpetrator: Tri = Field(False, description="18 U.S.C. § 2333(d)(2): the giver agreed with the perpetrator to take part in the act (not stated: not shown).")
    through: list[Id] = Field([], description="Financial institutions (actor ids) by, at or through which the funds moved (18 U.S.C. § 1957(f)(1); 31 C.F.R. § 1020.320(a)(2); FinCEN's § 2313a orders).")
    proceeds_of: list[Id] = Field([], description="18 U.S.C. §§ 1956-1957: the drug activities or transactions whose proceeds the property given represents.")
    knew_proceeds: Tri = Field("unknown", description="18 U.S.C. § 1956(a)(1), § 1957(a): the person knew the property represented the proceeds of some form of unlawful activity (not stated: unknown).")
    laundering_purpose: list[Literal["promote", "conceal", "avoid_reporting"]] = Field([], description="18 U.S.C. § 1956(a)(1): done with intent to promote specified unlawful activity (A)(i), or knowing it was designed to conceal the proceeds' nature, location, source, ownership or control (B)(i), or to avoid a reporting requirement (B)(ii).")
    ngo_activity: Literal["basic_needs", "democracy", "education", "development", "environment", "peacebuilding"] | None = Field(None, description="OFAC's general license for nongovernmental organizations (87 Fed. Reg. 78484 (2022)): the kind of NGO activity this transaction was ordinarily incident and necessary to (humanitarian projects meeting basic human needs, democracy building, education, noncommercial development, environmental protection, peacebuilding).")
    ransom_for: Id | None = Field(None, description="The hostage (an actor id) whose release a ransom payment was meant to secure; stated enforcement policy speaks to ransoms paid by hostages' families (rules/enforcement_policy.lp).")
    conceals: list[Id] = Field([], description="18 U.S.C. § 2339C(c)(2): the transactions whose material support or funds this conduct concealed or disguised (their nature, location, source, ownership or control).")
    knew_support_unlawful: Tri = Field("unknown", description="18 U.S.C. § 2339C(c)(2)(A): the concealer knew or intended that the support was to be, or knew it was, provided in violation of § 2339B (not stated: unknown).")
    knew_funds_unlawful: Tri = Field("unknown", description="18 U.S.C. § 2339C(c)(2)(B): with conceals: the concealer knew or intended that the concealed funds were to be provided or collected, or knew they were, in violation of § 2339C(a) (not stated: unknown).")
    knew_concealed_use: Tri = Field("unknown", description="18 U.S.C. § 2339A(a): with conceals: the concealer knew or intended that the concealed support or resources were to be used in preparing for or carrying out the act the concealed transaction names in for_act (not stated: unknown).")
    recipient_knowingly: Tri = Field("unknown", description="18 U.S.C. § 2339D(a): the recipient knowingly received the military-type training (not stated: unknown).")
    detected_by: Id | None = Field(None, description="31 C.F.R. § 1020.320(a)(2): the bank that knew, suspected or had reason to suspect that the transaction was suspicious.")
    detected_on: Day | None = Field(None, description="31 C.F.R. § 1020.320(b)(3): the day the bank first detected facts that may be a basis for a suspicious activity report.")
    suspect_identified: Tri = Field("unknown", description="31 C.F.R. § 1020.320(b)(3): whether a suspect was identified on detection (if not, the bank may take 30 more days to identify one).")
    sar_filed_on: Day | None = Field(None, description="31 C.F.R. § 1020.320(b)(3): the day the bank filed its suspicious activity report, if it did.")
    firearm: Firearm | None = Field(None, description="set when what is given is a firearm: the facts the firearms and export laws turn on")
    drug_proceeds: Tri | None = Field(None, description="INA § 212(a)(2)(C)(ii): what this gave the recipient was a financial or other benefit from the giver's illicit drug activity (not stated: not such a benefit)")
    recipient_knew_drug_source: Tri = Field("unknown", description="INA § 212(a)(2)(C)(ii): the recipient knew or reasonably should have known the benefit was the product of such activity")
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Holding(Model):
    """Funds a financial institution holds for an owner."""

    id: Id | None = Field(None, description="An id for the holding (default: holding(N)).")
    name: str | None = Field(None, max_length=500, description="What explanations call it (default: \"the holding\" and its id or number).")
    institution: Id = Field(description="The financial institution holding the funds (an actor of kind financial_institution).")
    owner: Id = Field(description="For whom the funds are held.")
    amount_usd: Dollars = Field(description="The amount held, in US dollars, exact to the cent.")
    since: When = Field(description="The day the institution began to hold the funds (a date, unknown, or a range).")
    aware_on: When | None = Field(None, description="The day the institution became aware of the funds (31 C.F.R. § 597.201): a date, unknown, or a range (not stated: not aware).")
    reported_on: When | None = Field(None, description="The day the institution reported the funds to OFAC (31 C.F.R. § 501.603) (not stated: not reported).")
    retained: bool = Field(True, description="The institution kept possession of the funds (18 U.S.C. § 2339B(a)(2)(A)).")
    licensed: bool = Field(False, description="OFAC authorized dealing with the funds.")


Knew = Literal["designated", "terrorist_activity", "terrorism", "none"]


class Knowledge(Model):
    """What an actor knew about an organization (one of § 2339B(a)(1)'s three kinds, or none)."""

    actor: Id = Field(description="Who knew.")
    org: Id = Field(description="The organization known about.")
    knew: Knew | list[Knew] | Unknown = Field(description="What the actor knew the organization to be (18 U.S.C. § 2339B(a)(1)): designated, terrorist_activity, terrorism, none, or unknown.")
    should_have_known: Tri = Field("unknown", description="INA § 212(a)(3)(B)(i)(VI), (iv)(VI)(dd): the actor reasonably should have known what the organization is (not stated: unknown).")


class TerrorAct(Model):
    """An act (a bombing, a kidnapping, a financing scheme, a donation) for the civil and immigration rules."""

    name: str | None = Field(None, max_length=500, description="What explanations call it (default: an id that is a word, as \"the bombing\"; else \"the act\" and its id).")
    on: When = Field(description="The day the act was committed: a date, unknown, or {between: [D1, D2]}.")
    by: Id = Field(description="Who committed it: an organization, or an actor (a person or a company).")
    planned_by: list[Id] = Field([], description="Organizations or actors who planned it (18 U.S.C. § 2333(d)(2); INA § 212(a)(3)(B)(iv)(II)).")
    authorized_by: list[Id] = Field([], description="Organizations or actors who authorized it (18 U.S.C. § 2333(d)(2)).")
    transaction: Id | None = Field(None, description="A transaction (a donation or service) that is itself this act, if the act is one.")
    contributed_to: Id | None = Field(None, description="A later act (an id under acts:) this one helped bring about; its victims' injuries are by reason of this act if it was their proximate cause.")
    proximate_cause: Tri | None = Field(None, description="With contributed_to: this act was a proximate cause of the later act's injuries (not stated: unknown).")
    offenses: list[Offense] = Field([], description="Federal offenses the act is or would be (usc18_1203 is 18 U.S.C. § 1203), and whether it violates other federal or State law.")
    terrorist_activity: Tri | None = Field(None, description="INA § 212(a)(3)(B)(iii): the act is \"terrorist activity\" (unlawful where committed, and a hijacking, hostage-taking, assassination, or use of an explosive or weapon with intent to endanger) (not stated: unknown).")
    planned_on: When | None = Field(None, description="A day the act was planned (18 U.S.C. § 2333(d)(2)).")
    authorized_on: When | None = Field(None, description="A day the act was authorized (18 U.S.C. § 2333(d)(2)).")
    violent: Tri = Field("unknown", description="18 U.S.C. § 2331(1)(A): the act was violent or dangerous to human life, and a violation of US or State criminal law (or would be if committed there) (not stated: unknown).")
    appears_intended_to_coerce: Tri = Field("unknown", description="18 U.S.C. § 2331(1)(B): the act appears intended to intimidate or coerce a civilian population or to influence or affect a government (not stated: unknown).")
    intended_death_or_injury_to_civilian: Tri = Field("unknown", description="18 U.S.C. § 2339C(a)(1)(B): the act was intended to cause death or serious bodily injury to a civilian, or to any other person not taking an active part in the hostilities in a situation of armed conflict (not stated: unknown).")
    purpose_to_intimidate_or_compel: Tri = Field("unknown", description="18 U.S.C. § 2339C(a)(1)(B): the act's purpose, by its nature or context, was to intimidate a population, or to compel a government or an international organization to do or to abstain from doing any act (not stated: unknown).")
    transnational: Tri = Field("unknown", description="18 U.S.C. § 2331(1)(C): the act occurred primarily outside the United States or transcended national boundaries (not stated: unknown).")
    injured: list[Id] = Field([], description="Actors injured by the act.")
    place: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")] | None = Field(
        None, description="18 U.S.C. § 2339C(b)(1)(G), (2)(C)(ii): where the act was or was to be carried out, as a two-letter country code (not stated: not shown).")
    against: list[Target] = Field([], description="18 U.S.C. § 2339C(b)(1)(E)(ii), (2)(C): what the act was against: foreign_national (a national of another state), foreign_state (another state, or its government facility, embassy or diplomatic or consular premises), us_government_property (property the United States or a US department or agency owns, leases or uses, its embassies and consular premises included), us_national (a national of the United States), us_national_property (property of a US national), us_entity_property (property of an entity organized under US, State or territorial law) (not stated: not shown).")
    to_compel: list[Compelled] = Field([], description="18 U.S.C. § 2339C(b)(1)(F), (5): whom the act was an attempt to compel to do or abstain from doing an act: united_states, foreign_state (another state), international_organization (not stated: not shown).")
    suit_filed_on: When | None = Field(None, description="18 U.S.C. § 2335: the day the civil action was filed (if none, the day asked).")
    limitations_tolled: Tri = Field(False, description="18 U.S.C. § 2335(b): the limitation period was tolled by the defendant's absence or concealment (not stated: not shown).")


class Solicitation(Model):
    """Someone asked others for money or members on an organization's behalf (INA § 212(a)(3)(B)(iv)(IV)-(V))."""

    name: str | None = Field(None, max_length=500, description="What explanations call it (default: \"the solicitation\" and its id).")
    on: When = Field(description="The day of the solicitation (a date, unknown, or a range).")
    by: Id = Field(description="The actor who solicited.")
    for_: Id = Field(alias="for", description="The organization solicited for.")
    seeks: Literal["funds", "members"] = Field("funds", description="What was sought: funds (iv)(IV) or members (iv)(V).")
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


DrugConduct = Literal["manufacture", "distribution", "dispensing", "possession_with_intent", "simple_possession"]
"""What was done with the substance: the first four are the acts 21 U.S.C. § 841(a)(1) makes unlawful; simple
possession is § 844, not § 841(a)."""

Substance = Literal["heroin", "cocaine", "cocaine_base", "fentanyl", "fentanyl_analogue", "methamphetamine",
                    "methamphetamine_mixture", "marijuana", "other"]
"""Substances with quantity thresholds in 21 U.S.C. § 841(b)(1)(A)-(B) (a "mixture or substance containing a
detectable amount", except `methamphetamine`, which is the pure drug); `other` for any other controlled substance."""


class DrugActivity(Model):
    """Conduct with a controlled substance, for 21 U.S.C. § 960a (narco-terrorism) and money laundering."""

    name: str | None = Field(None, max_length=500, description="What explanations call it (default: \"the drug activity\" and its id).")
    on: Day = Field(description="The day of the conduct (21 U.S.C. § 960a reaches conduct from its enactment).")
    by: Id = Field(description="The actor who engaged in the conduct.")
    conduct: DrugConduct = Field(description="What was done: manufacture, distribution, dispensing, possession with intent to do one of these (21 U.S.C. § 841(a)(1)), or simple possession (§ 844).")
    substance: Substance = Field(description="The controlled substance (21 U.S.C. § 841(b)(1)(A)-(B) set quantity thresholds for the listed ones).")
    schedule: Literal[1, 2, 3, 4, 5] | None = Field(None, description="The substance's schedule (21 U.S.C. § 812); needed only for `other` (the listed substances' schedules are known).")
    quantity_grams: int | None = Field(None, ge=0, le=LARGEST, description="The quantity, in grams of the mixture or substance (of the pure drug for `methamphetamine`); not stated: the § 841(b)(1) tier, and so the § 960a minimum, cannot be given.")
    knowingly: Tri = Field("unknown", description="21 U.S.C. § 841(a): the actor acted knowingly or intentionally (not stated: unknown).")
    value_to: Id | None = Field(None, description="21 U.S.C. § 960a(a): the person or organization to which the conduct provides, directly or indirectly, anything of pecuniary value.")
    intends_value: Tri = Field("unknown", description="21 U.S.C. § 960a(a): the actor knew or intended that the conduct would provide that value (not stated: unknown).")
    place: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")] | None = Field(None, description="Where the conduct took place (two-letter country code).")
    affects_commerce: Tri = Field("unknown", description="21 U.S.C. § 960a(b)(2): the conduct occurred in or affected interstate or foreign commerce (not stated: unknown).")
    attempted: bool = Field(False, description="The conduct was only attempted (§ 960a(a) reaches attempts).")
    conspired: bool = Field(False, description="The conduct was the object of a conspiracy (§ 960a(a) reaches conspiracies).")
    death_or_injury: bool = Field(False, description="Death or serious bodily injury resulted from the use of the substance (21 U.S.C. § 841(b)(1)(A)-(C) then set a 20-year minimum).")


class Scenario(Model):
    """A hypothetical: the parties, the dated record, and the day the question is asked."""

    scenario: str | None = Field(None, max_length=500, description="A title, in plain words (optional)")
    as_of: Day = Field(description="The day the question is asked: nothing dated later is seen.")
    source: str | None = Field(None, max_length=2000, description="The full citation of a real matter.")
    notes: str | None = Field(None, max_length=20000, description="Free notes (never read by the engine).")
    organizations: dict[Id, Organization] = Field({}, description="Groups, by id.")
    actors: dict[Id, Actor] = Field({}, description="Persons and entities, by id.")
    events: list[Event] = Field([], description="Dated legal acts: designations, notices, amendments, revocations, reviews, orders.")
    transactions: dict[Id, Transaction] = Field({}, description="Things given, paid or done, by id.")
    holdings: list[Holding] = Field([], description="Funds held by financial institutions.")
    knowledge: list[Knowledge] = Field([], description="What actors knew about organizations.")
    acts: dict[Id, TerrorAct] = Field({}, description="Violent acts (for § 2331(1), § 2333 and the INA), by id.")
    solicitations: dict[Id, Solicitation] = Field({}, description="Solicitations of funds or members, by id.")
    drug_activities: dict[Id, DrugActivity] = Field({}, description="Conduct with controlled substances (21 U.S.C. §§ 841(a), 960a), by id.")
    unknown: list[str] = Field([], description="Paths of facts or records whose truth is not known (e.g. events.2, transactions.t1.knowingly).")
    questions: list[Annotated[str, StringConstraints(max_length=500)]] = Field(
        [], max_length=1000,
        description="Questions `fto ask FILE` answers when none is given (any form: designated(cjng), "
                    "not material_support(ngo, meds), material_support(A, T)); grounded once, answered each.")


SCENARIO_KEYS = frozenset(Scenario.model_fields)
_SHAPES = frozenset(name for name, value in globals().items() if isinstance(value, type) and issubclass(value, BaseModel))
"""The models of this module: the names pydantic gives a union's shapes in an error's place."""


def parse(located: Located) -> Scenario:
    """Validate plain data into a Scenario, or raise one InputError naming the line."""
    if not isinstance(located.data, dict):
        raise located.error((), "a scenario file must be a mapping (keys like scenario:, as_of:)")
    data = {k: v for k, v in located.data.items() if k in SCENARIO_KEYS or k not in CASE_KEYS}
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise validation_error(exc, located, Scenario, also=CASE_KEYS) from None
    check_references(scenario, located)
    return scenario


def _union_tag(part: Any) -> bool:
    """A step pydantic adds to an error's place to say which shape of a union it tried (`Period`,
    `literal['unknown']`, `function-after[...]`): not a key of the file."""
    return isinstance(part, str) and ("[" in part or part in _SHAPES)


def _best_error(errors: list[Any]) -> Any:
    """The error to report: where a value may take several shapes (a date, `unknown` or a range; an
    id or a dated relation), the shape the value was written in fails furthest in, so that one
    names the problem (a range that ends before it begins, not "should be a valid date")."""
    first = errors[0]
    tagged = next((i for i, p in enumerate(first["loc"]) if _union_tag(p)), None)
    if tagged is None:
        return first
    prefix = first["loc"][:tagged]
    same = [e for e in errors if e["loc"][:tagged] == prefix]
    return max(same, key=lambda e: (len(e["loc"]), -same.index(e)))


CASE_KEYS = frozenset({"expect", "name", "tags"})
"""Keys a case file adds around a scenario; they are checked by the case runner."""


def validation_error(exc: ValidationError, located: Located, model: type[BaseModel],
                     also: frozenset[str] = frozenset()) -> InputError:
    """The one problem to show, with its line. An unknown key comes first: a misspelt key also
    leaves the right one missing, and the misspelling is what to fix. `also`: keys allowed at
    the top level besides the model's own."""
    errors = exc.errors()
    first = next((e for e in errors if e.get("type") == "extra_forbidden"), None) or _best_error(errors)
    loc = tuple("from" if p == "from_" else p for p in first["loc"] if p != "[key]" and not _union_tag(p))
    keys = _keys_at(model, loc[:-1]) | (also if len(loc) == 1 else frozenset())
    return located.error(loc, _message(first, keys))


def _keys_at(model: type[BaseModel], loc: tuple[Any, ...]) -> frozenset[str]:
    """The keys a file may write at `loc` (the mapping a key at loc + (key,) would sit in)."""
    node: Any = model
    for part in loc:
        if isinstance(node, type) and issubclass(node, BaseModel):
            fields = {f.alias or name: f for name, f in node.model_fields.items()}
            if part not in fields:
                return frozenset()
            node = _inner(fields[part].annotation)
        elif get_origin(node) in (list, dict):
            node = _inner(get_args(node)[-1])
        else:
            return frozenset()
    if isinstance(node, type) and issubclass(node, BaseModel):
        return frozenset(f.alias or name for name, f in node.model_fields.items())
    return frozenset()


def _inner(annotation: Any) -> Any:
    """The model, list or mapping inside an optional or annotated type."""
    if get_origin(annotation) is Annotated:
        return _inner(get_args(annotation)[0])
    if get_origin(annotation) in (Union, UnionType):
        for arg in get_args(annotation):
            inner = _inner(arg)
            if get_origin(inner) in (list, dict) or (isinstance(inner, type) and issubclass(inner, BaseModel)):
                return inner
    return annotation


def _message(err: dict[str, Any], keys: frozenset[str] = frozenset()) -> str:
    kind = err.get("type", "")
    loc = err.get("loc", ())
    if kind == "extra_forbidden":
        key = loc[-1] if loc else ""
        return (f"unknown key {str(key)!r}" + (did_you_mean(key, keys) or " (`fto schema` lists the allowed keys)"))
    if kind == "missing":
        return "required key is missing"
    if kind == "literal_error":
        allowed = re.findall(r"'([^']*)'", err.get("ctx", {}).get("expected", ""))
        inp = err.get("input")
        if isinstance(inp, str) and allowed:
            hint = did_you_mean(inp, allowed)
            if hint:
                return f"{inp!r} is not one of the allowed values{hint}"
    if kind == "string_pattern_mismatch":
        pattern = err.get("ctx", {}).get("pattern", "")
        if "A-Z" in pattern:
            return f"{err.get('input')!r} is not a two-letter country code such as US or MX"
        return f"{err.get('input')!r} is not a valid id (lowercase letters, digits and _; starting with a letter)"
    inp = err.get("input")
    if kind == "less_than_equal" and err.get("ctx", {}).get("le") == money.LIMIT:
        return f"{inp if len(str(inp)) < 80 else 'this amount'}: more than $10^15, the largest amount the engine accepts"
    simple = isinstance(inp, (str, int, float, bool, Decimal)) and len(str(inp)) < 80
    # a Decimal is shown as written (engine.yamlsource reads numbers exactly)
    shown = (str(inp) if isinstance(inp, Decimal) else repr(inp)) if simple else "this value"
    text = str(err.get("msg", "invalid value"))
    if kind == "value_error":
        text = text.removeprefix("Value error, ")
        return f"{shown}: {text}" if simple else text
    return f"{shown}: {text}"


def check_references(s: Scenario, located: Located) -> None:
    """Every id a scenario mentions must be defined, once, in the right section."""
    sections = {
        "organizations": s.organizations,
        "actors": s.actors,
        "transactions": s.transactions,
        "acts": s.acts,
        "drug_activities": s.drug_activities,
    }
    seen: dict[str, str] = {}
    for section, items in sections.items():
        for ident in items:
            if ident in seen:
                raise located.error((section, ident), f"id {ident!r} is already used in {seen[ident]}")
            seen[ident] = section
    orgs, actors = set(s.organizations), set(s.actors)
    parties = orgs | actors

    def need(path: tuple[Any, ...], ident: str | None, allowed: set[str], what: str) -> None:
        if ident is not None and ident not in allowed:
            raise located.error(path, f"{ident!r} is not a defined {what}")

    from engine import registry

    for oid, org in s.organizations.items():
        if org.registry is not None and registry.entry(org.registry) is None:
            raise located.error(
                ("organizations", oid, "registry"),
                f"{org.registry!r} is not in the bundled registry (see `fto registry`)",
            )
        need(("organizations", oid, "alias_of"), org.alias_of, orgs, "organization")
        if org.alias_of == oid:
            raise located.error(("organizations", oid, "alias_of"), "an organization cannot be an alias of itself")
    for aid, actor in s.actors.items():
        if actor.agent_of is not None:
            _check_relation(located, ("actors", aid, "agent_of"), actor.agent_of, parties, "organization or actor")
            if related_id(actor.agent_of) == aid:
                raise located.error(("actors", aid, "agent_of"), "an actor cannot be its own agent")
        for key, allowed, what in (("member_of", orgs, "organization"), ("representative_of", orgs, "organization"),
                                   ("employed_by", parties, "organization or actor"),
                                   ("controls", parties, "organization or actor")):
            seen_here: dict[str, int] = {}
            for i, relation in enumerate(getattr(actor, key)):
                _check_relation(located, ("actors", aid, key, i), relation, allowed, what)
                other = related_id(relation)
                if other == aid:
                    raise located.error(("actors", aid, key, i), f"a party cannot be in the relation {key} with itself")
                if other in seen_here:
                    raise located.error(("actors", aid, key, i), f"{other!r} is already listed at {key}.{seen_here[other]}; "
                                                                 "give one entry per organization (one period)")
                seen_here[other] = i
        for i, held in enumerate(actor.custody):
            _check_span(located, ("actors", aid, "custody", i), held.from_, held.until)
            need(("actors", aid, "custody", i, "by"), held.by, parties, "organization or actor")
        _check_presence(located, s, aid, actor)
        for owner, share in actor.owned_by.items():
            need(("actors", aid, "owned_by", owner), owner, parties, "organization or actor")
            if owner == aid:
                raise located.error(("actors", aid, "owned_by", owner), "an entity cannot own itself")
        if sum(actor.owned_by.values()) > 100:
            raise located.error(("actors", aid, "owned_by"), "the ownership shares add up to more than 100 percent")
        for i, o in enumerate(actor.persuades_support_for):
            need(("actors", aid, "persuades_support_for", i), o, orgs, "organization")
        if actor.association_determination is not None:
            need(("actors", aid, "association_determination", "org"), actor.association_determination.org, orgs, "organization")
        need(("actors", aid, "spouse_of"), actor.spouse_of, actors, "actor")
        need(("actors", aid, "child_of"), actor.child_of, actors, "actor")
    event_ids: set[str] = set()
    for i, ev in enumerate(s.events):
        need(("events", i, "org"), ev.org, orgs, "organization")
        need(("events", i, "alias"), ev.alias, orgs, "organization")
        need(("events", i, "alias_removed"), ev.alias_removed, orgs, "organization")
        if ev.alias is not None and ev.alias == ev.alias_removed:
            raise located.error(("events", i, "alias_removed"), "an amendment cannot both list and remove the same name")
        if ev.id is not None:
            if ev.id in seen or ev.id in event_ids:
                raise located.error(("events", i, "id"), f"id {ev.id!r} is already used")
            event_ids.add(ev.id)
    for tid, tx in s.transactions.items():
        need(("transactions", tid, "from"), tx.from_, parties, "organization or actor")
        need(("transactions", tid, "to"), tx.to, parties, "organization or actor")
        if tx.from_ == tx.to:
            raise located.error(("transactions", tid, "to"), "a transaction needs two different parties")
        for i, inst in enumerate(tx.through):
            need(("transactions", tid, "through", i), inst, actors, "actor")
        for i, src in enumerate(tx.proceeds_of):
            need(("transactions", tid, "proceeds_of", i), src, set(s.drug_activities) | set(s.transactions), "drug activity or transaction")
            if src == tid:
                raise located.error(("transactions", tid, "proceeds_of", i), "a transaction cannot be the proceeds of itself")
        need(("transactions", tid, "detected_by"), tx.detected_by, actors, "actor")
        need(("transactions", tid, "ransom_for"), tx.ransom_for, actors, "actor")
        for i, src in enumerate(tx.conceals):
            need(("transactions", tid, "conceals", i), src, set(s.transactions), "transaction")
            if src == tid:
                raise located.error(("transactions", tid, "conceals", i), "a transaction cannot conceal itself")
        need(("transactions", tid, "for_act"), tx.for_act, set(s.acts), "act")
        for key in ("intended_use", "knew_use"):
            if getattr(tx, key) is not None and tx.for_act is None:
                raise located.error(("transactions", tid, key), f"{key} needs for_act: the act the support was to be used for")
        if tx.for_escape and tx.for_act is None:
            raise located.error(("transactions", tid, "for_escape"), "for_escape needs for_act: the act whose escape the support was for")
        if tx.under_duress is False and tx.duress is not None:
            raise located.error(("transactions", tid, "duress"), "the facts of a threat are given, but under_duress is false")
        if tx.duress is not None:
            need(("transactions", tid, "duress", "threatened_by"), tx.duress.threatened_by, parties, "organization or actor")
    for i, h in enumerate(s.holdings):
        need(("holdings", i, "institution"), h.institution, actors, "actor")
        need(("holdings", i, "owner"), h.owner, parties, "organization or actor")
        if h.institution in s.actors and s.actors[h.institution].kind != "financial_institution":
            raise located.error(("holdings", i, "institution"), f"{h.institution!r} is not a financial_institution")
        if h.id is not None:
            if h.id in seen or h.id in event_ids:
                raise located.error(("holdings", i, "id"), f"id {h.id!r} is already used")
            event_ids.add(h.id)
    for i, k in enumerate(s.knowledge):
        need(("knowledge", i, "actor"), k.actor, actors, "actor")
        need(("knowledge", i, "org"), k.org, orgs, "organization")
    for sid, sol in s.solicitations.items():
        need(("solicitations", sid, "by"), sol.by, actors, "actor")
        need(("solicitations", sid, "for"), sol.for_, orgs, "organization")
        if sid in seen:
            raise located.error(("solicitations", sid), f"id {sid!r} is already used in {seen[sid]}")
    for aid, act in s.acts.items():
        need(("acts", aid, "by"), act.by, parties, "organization or actor")
        for key in ("planned_by", "authorized_by"):
            for i, who in enumerate(getattr(act, key)):
                need(("acts", aid, key, i), who, parties, "organization or actor")
        for i, a in enumerate(act.injured):
            need(("acts", aid, "injured", i), a, actors, "actor")
        need(("acts", aid, "transaction"), act.transaction, set(s.transactions), "transaction")
        need(("acts", aid, "contributed_to"), act.contributed_to, set(s.acts), "act")
        if act.contributed_to == aid:
            raise located.error(("acts", aid, "contributed_to"), "an act cannot contribute to itself")
        if act.proximate_cause is not None and act.contributed_to is None:
            raise located.error(("acts", aid, "proximate_cause"), "proximate_cause needs contributed_to: the act whose injuries this one caused")
        if act.transaction is not None and act.by != s.transactions[act.transaction].from_:
            raise located.error(("acts", aid, "by"), f"{act.by!r} did not make {act.transaction!r} (its giver is "
                                                     f"{s.transactions[act.transaction].from_!r}); an act that is a transaction is the giver's")
    for did, drug in s.drug_activities.items():
        need(("drug_activities", did, "by"), drug.by, actors, "actor")
        need(("drug_activities", did, "value_to"), drug.value_to, parties, "organization or actor")
        if drug.substance == "other" and drug.schedule is None:
            raise located.error(("drug_activities", did, "schedule"), "an `other` substance needs its schedule (1-5)")
    for i, path in enumerate(s.unknown):
        missing = _unresolved(s, path)
        if missing is not None:
            raise located.error(("unknown", i), f"{path!r} does not name a fact in this scenario{missing}")


def _check_span(located: Located, where: tuple[Any, ...], first: When | None, last: When | None) -> None:
    """A period that ends, on every reading of its dates, before it begins is refused."""
    begins, ends = earliest(first), latest(last)
    if begins is not None and ends is not None and ends < begins:
        raise located.error(where, f"ends on {when_text(last)}, before it begins on {when_text(first)}")


def _check_relation(located: Located, where: tuple[Any, ...], relation: Related, allowed: set[str], what: str) -> None:
    other = related_id(relation)
    if other not in allowed:
        raise located.error(where if isinstance(relation, str) else (*where, "of"), f"{other!r} is not a defined {what}")
    _check_span(located, where, *relation_period(relation))


def _check_presence(located: Located, s: Scenario, aid: str, actor: Actor) -> None:
    """Statements about where a person is, and whether admitted, that cannot all be true are refused."""
    where = ("actors", aid)
    if actor.permanent_resident is True and actor.admitted is False:
        raise located.error((*where, "admitted"),
                            "a lawful permanent resident has been admitted (8 U.S.C. § 1101(a)(20)); admitted: false contradicts permanent_resident: true")
    if actor.applicant_abroad is True and actor.in_united_states is True:
        raise located.error((*where, "applicant_abroad"), "an applicant abroad is outside the United States; "
                                                          "applicant_abroad: true contradicts in_united_states: true")
    if actor.in_united_states is False:
        for i, held in enumerate(actor.custody):
            began, ends = latest(held.from_), earliest(held.until)
            if held.where == "us" and began is not None and began <= s.as_of and (held.until is None or (
                    ends is not None and s.as_of <= ends)):
                raise located.error((*where, "custody", i), f"held in custody in the United States on {s.as_of.isoformat()}, "
                                                            "the day asked, which contradicts in_united_states: false")


def _unresolved(s: Scenario, path: str) -> str | None:
    """None if `path` names a value of the scenario; else a hint at the closest key where it goes astray."""
    node: Any = s
    for part in path.split("."):
        if isinstance(node, BaseModel):
            fields = {f.alias or name: name for name, f in type(node).model_fields.items()}
            if part not in fields:
                return did_you_mean(part, fields)
            node = getattr(node, fields[part])
        elif isinstance(node, dict):
            if part not in node:
                return did_you_mean(part, node)
            node = node[part]
        elif isinstance(node, list):
            if not part.isdigit() or int(part) >= len(node):
                return ""
            node = node[int(part)]
        else:
            return ""
    return None


def load(path: str | Path) -> tuple[Scenario, Located]:
    located = load_file(path)
    return parse(located), located


def loads(text: str, source: str = "<string>") -> Scenario:
    return parse(load_text(text, source))
