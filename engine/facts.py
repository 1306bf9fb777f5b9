"""Scenario → clingo facts, built only from Symbols.

User text (names, citations) only ever becomes a clingo String symbol, and the
program text we hand to clingo is produced by `str(Symbol)`, which clingo escapes.
Ids are validated plain words and become constants, so questions can name them.
A fact whose value is `unknown` (or whose path is listed under `unknown:`) becomes a
choice, and the solver reasons over both possibilities.
"""

from __future__ import annotations

import datetime as dt
from typing import get_args
from dataclasses import dataclass, field
from clingo.symbol import Function, Number, String, Symbol

from engine import registry
from engine.scenario import Recipient, Scenario

Tri = bool | str


def day(d: dt.date) -> Symbol:
    return Number(d.toordinal())


def const(name: str) -> Symbol:
    return Function(name)


def usd(amount: float | None) -> Symbol:
    return Number(int(round(amount or 0)))


@dataclass
class FactSet:
    """Facts (always true) and choices (may be either) with the scenario path of each."""

    facts: list[Symbol] = field(default_factory=list)
    choices: list[Symbol] = field(default_factory=list)
    off: list[Symbol] = field(default_factory=list)
    dependent: list[tuple[Symbol, Symbol]] = field(default_factory=list)
    anchors: dict[str, Symbol] = field(default_factory=dict)
    unknown_paths: frozenset[str] = frozenset()

    def add(self, sym: Symbol, path: str = "", value: Tri = True) -> None:
        if value is False:
            self.off.append(sym)  # false now; a warm session may switch it on
            return
        if value is None:
            return
        anchor = self._unknown_anchor(path)
        if anchor is not None:
            # A detail of a record that is unknown as a whole holds exactly when the record does.
            self.dependent.append((sym, anchor))
        elif value == "unknown" or path in self.unknown_paths:
            self.choices.append(sym)
            if path in self.unknown_paths:
                self.anchors.setdefault(path, sym)
        else:
            self.facts.append(sym)

    def _unknown_anchor(self, path: str) -> Symbol | None:
        if not path or not self.unknown_paths:
            return None
        for u in self.unknown_paths:
            if path.startswith(u + "."):
                return self.anchors.get(u)
        return None

    def program(self) -> str:
        """Program text rendered from Symbols (clingo escapes every string)."""
        parts = [str(sym) + "." for sym in self.facts]
        parts.extend("{" + str(sym) + "}." for sym in self.choices)
        parts.extend(str(sym) + " :- " + str(anchor) + "." for sym, anchor in self.dependent)
        return "\n".join(parts)

    def external_program(self) -> str:
        """Every fact, choice and switchable flag as an external, for a warm session to toggle."""
        parts = ["#external " + str(sym) + "." for sym in (*self.facts, *self.choices, *self.off)]
        parts.extend(str(sym) + " :- " + str(anchor) + "." for sym, anchor in self.dependent)
        return "\n".join(parts)


EVENT_PHRASES = {
    "publish_designation": "the designation of {org} published on {on}",
    "sign_designation": "the designation of {org} signed on {on}",
    "notify_congress": "the notice to Congress about {org} of {on}",
    "publish_amendment": "the amendment of {org}'s designation published on {on}",
    "publish_revocation": "the revocation of {org}'s designation published on {on}",
    "revoke": "the revocation of {org}'s designation decided on {on}",
}


def event_name(act: str, org: str, on: dt.date, citation: str | None) -> str:
    phrase = EVENT_PHRASES.get(act, "the {act} concerning {org} on {on}")
    text = phrase.format(org=org, on=on.isoformat(), act=act.replace("_", " "))
    return f"{text} ({citation})" if citation and not citation.startswith("FTO registry source") else text


def build(s: Scenario, as_of: dt.date | None = None) -> FactSet:
    """All facts for one scenario, as of `as_of` (default: the scenario's)."""
    fs = FactSet(unknown_paths=frozenset(s.unknown))
    add = fs.add
    when = as_of or s.as_of
    add(Function("as_of", [day(when)]), "as_of")

    display: dict[str, str] = {}
    for oid, org in s.organizations.items():
        entry = registry.entry(org.registry) if org.registry else None
        display[oid] = org.name or (entry.name if entry else oid)
    for aid, actor in s.actors.items():
        display[aid] = actor.name or aid
    for ident, text in display.items():
        add(Function("name", [const(ident), String(text)]))

    for oid, org in s.organizations.items():
        o = const(oid)
        p = f"organizations.{oid}"
        add(Function("org", [o]))
        add(Function("foreign", [o]), f"{p}.foreign", org.foreign)
        if org.findings is not None:
            add(Function("findings_recorded", [o]), f"{p}.findings")
            for i, finding in enumerate(org.findings):
                add(Function("finding", [o, const(finding)]), f"{p}.findings.{i}")
        if org.alias_of:
            add(Function("alias_of", [o, const(org.alias_of)]), f"{p}.alias_of")
            add(Function("in_fact_same", [o, const(org.alias_of)]), f"{p}.in_fact_same", org.in_fact_same)
        add(Function("engages_in", [o, const("terrorist_activity")]), f"{p}.engages_in_terrorist_activity",
            org.engages_in_terrorist_activity)
        add(Function("engages_in", [o, const("terrorism")]), f"{p}.engages_in_terrorism", org.engages_in_terrorism)
        if org.registry:
            add(Function("registry", [o, String(org.registry)]), f"{p}.registry")
            _registry_events(fs, oid, org.registry, display, s)

    for aid, actor in s.actors.items():
        a = const(aid)
        p = f"actors.{aid}"
        add(Function("actor", [a]))
        add(Function("kind", [a, const(actor.kind)]), f"{p}.kind")
        if actor.country:
            add(Function("country", [a, String(actor.country)]), f"{p}.country")
        for flag in ("us_national", "permanent_resident", "stateless_us_resident", "found_in_us", "renounced",
                     "criminal_defendant", "in_removal_proceedings"):
            add(Function(flag, [a]), f"{p}.{flag}", getattr(actor, flag))
        add(Function("unaware_of_activity", [a]), f"{p}.unaware_of_activity", actor.unaware_of_activity)
        if actor.exempted_by:
            add(Function("ina_exemption", [a, const(actor.exempted_by)]), f"{p}.exempted_by")
        if actor.exemption_on:
            add(Function("ina_exemption_on", [a, day(actor.exemption_on)]), f"{p}.exemption_on")
        if actor.agent_of:
            add(Function("agent_of", [a, const(actor.agent_of)]), f"{p}.agent_of")
        for i, o in enumerate(actor.member_of):
            add(Function("member_of", [a, const(o)]), f"{p}.member_of.{i}")
        for i, o in enumerate(actor.representative_of):
            add(Function("representative_of", [a, const(o)]), f"{p}.representative_of.{i}")
        if actor.spouse_of:
            add(Function("spouse_of", [a, const(actor.spouse_of)]), f"{p}.spouse_of")
        if actor.child_of:
            add(Function("child_of", [a, const(actor.child_of)]), f"{p}.child_of")

    for i, ev in enumerate(s.events):
        e = const(ev.id) if ev.id else Function("ev", [Number(i + 1)])
        p = f"events.{i}"
        if not isinstance(ev.on, dt.date):
            continue  # unknown event dates are rejected by engine.solve before we get here
        add(Function("event", [e, const(ev.act), const(ev.org), day(ev.on)]), p)
        add(Function("name", [e, String(event_name(ev.act, display[ev.org], ev.on, ev.fr_citation))]))
        if ev.by:
            add(Function("event_by", [e, const(ev.by)]), f"{p}.by")
        if ev.consulted is not None:
            add(Function("consultation_recorded", [e]), f"{p}.consulted")
            for j, x in enumerate(ev.consulted):
                add(Function("consulted", [e, const(x)]), f"{p}.consulted.{j}")
        if ev.recipients is not None:
            add(Function("recipients_recorded", [e]), f"{p}.recipients")
            for j, r in enumerate(ev.recipients):
                add(Function("notice_recipient", [e, const(r)]), f"{p}.recipients.{j}")
            for r in sorted(set(get_args(Recipient)) - set(ev.recipients)):
                add(Function("notice_recipient", [e, const(r)]), f"{p}.recipients", False)
        if ev.fr_citation:
            add(Function("cite", [e, String(ev.fr_citation)]), f"{p}.fr_citation")
        if ev.alias:
            add(Function("event_alias", [e, const(ev.alias)]), f"{p}.alias")
        if ev.effective:
            add(Function("revocation_effective", [e, day(ev.effective)]), f"{p}.effective")
        if ev.outcome:
            add(Function("outcome", [e, const(ev.outcome)]), f"{p}.outcome")
        if ev.court:
            add(Function("court", [e, const(ev.court)]), f"{p}.court")
        if ev.act == "set_aside" and ev.final:
            add(Function("final_order", [e]), f"{p}.final")
        if ev.served is not None:
            add(Function("service_recorded", [e]), f"{p}.served")
            for j, inst in enumerate(ev.served):
                add(Function("order_served", [e, const(inst)]), f"{p}.served.{j}")

    for tid, tx in s.transactions.items():
        t = const(tid)
        p = f"transactions.{tid}"
        if not isinstance(tx.on, dt.date):
            continue
        add(Function("transaction", [t, const(tx.from_), const(tx.to), day(tx.on)]), p)
        add(Function("provides", [t, const(tx.provides)]), f"{p}.provides")
        if tx.amount_usd is not None:
            add(Function("amount", [t, usd(tx.amount_usd)]), f"{p}.amount_usd")
        if tx.place:
            add(Function("place", [t, String(tx.place)]), f"{p}.place")
        if tx.purpose:
            add(Function("purpose", [t, const(tx.purpose)]), f"{p}.purpose")
        for flag in ("knowingly", "attempted", "conspired", "under_duress", "under_direction_of", "coordinated_with",
                     "approved_by_secretary_of_state", "attorney_general_concurred", "affects_commerce",
                     "death_resulted", "willfully"):
            add(Function(flag, [t]), f"{p}.{flag}", getattr(tx, flag))
        if tx.aids_act:
            add(Function("aids_act", [t, const(tx.aids_act)]), f"{p}.aids_act")
            for flag, pred in (("substantial", "assistance_substantial"), ("culpable", "participation_culpable"),
                               ("generic_service", "generic_service"),
                               ("conspired_with_perpetrator", "conspired_with_perpetrator")):
                add(Function(pred, [t]), f"{p}.{flag}", getattr(tx, flag))

    for i, h in enumerate(s.holdings):
        hid = const(h.id) if h.id else Function("holding", [Number(i + 1)])
        p = f"holdings.{i}"
        add(Function("holding", [hid, const(h.institution), const(h.owner), usd(h.amount_usd), day(h.since)]), p)
        if isinstance(h.aware_on, dt.date):
            add(Function("aware_on", [hid, day(h.aware_on)]), f"{p}.aware_on")
        if h.reported_on:
            add(Function("reported_on", [hid, day(h.reported_on)]), f"{p}.reported_on")
        add(Function("retained", [hid]), f"{p}.retained", h.retained)
        add(Function("licensed", [hid]), f"{p}.licensed", h.licensed)

    for i, k in enumerate(s.knowledge):
        p = f"knowledge.{i}"
        a, o = const(k.actor), const(k.org)
        kinds = k.knew if isinstance(k.knew, list) else [k.knew]
        if k.knew == "unknown":
            for kind in ("designated", "terrorist_activity", "terrorism"):
                add(Function("knew", [a, o, const(kind)]), f"{p}.knew", "unknown")
        else:
            for kind in ("designated", "terrorist_activity", "terrorism"):
                add(Function("knew", [a, o, const(kind)]), f"{p}.knew", kind in kinds)
        add(Function("should_have_known", [a, o]), f"{p}.should_have_known", k.should_have_known)
        add(Function("knowledge_recorded", [a, o]), p)

    for xid, act in s.acts.items():
        x = const(xid)
        p = f"acts.{xid}"
        add(Function("terror_act", [x, const(act.by), day(act.on)]), p)
        if act.planned_on:
            add(Function("planned_on", [x, day(act.planned_on)]), f"{p}.planned_on")
        if act.authorized_on:
            add(Function("authorized_on", [x, day(act.authorized_on)]), f"{p}.authorized_on")
        for flag in ("violent", "appears_intended_to_coerce", "transnational"):
            add(Function(flag, [x]), f"{p}.{flag}", getattr(act, flag))
        for j, victim in enumerate(act.injured):
            add(Function("injured", [x, const(victim)]), f"{p}.injured.{j}")
        if act.suit_filed_on:
            add(Function("suit_filed", [x, day(act.suit_filed_on)]), f"{p}.suit_filed_on")
        add(Function("limitations_tolled", [x]), f"{p}.limitations_tolled", act.limitations_tolled)
    return fs


def _registry_events(fs: FactSet, oid: str, reg_id: str, display: dict[str, str], s: Scenario) -> None:
    """The real designation, amendment, review and revocation events of a registry entry."""
    entry = registry.entry(reg_id)
    assert entry is not None  # checked by scenario validation
    o = const(oid)
    aliases = {aid: org.name for aid, org in s.organizations.items() if org.alias_of == oid and org.name}
    for k, ev in enumerate(entry.events, start=1):
        e = Function("reg", [o, Number(k)])
        fs.add(Function("event", [e, const(ev.kind), o, day(ev.on)]), f"organizations.{oid}.registry")
        fs.add(Function("from_registry", [e]))
        fs.add(Function("cite", [e, String(ev.citation)]))
        fs.add(Function("describes", [e, String(ev.description)]))
        fs.add(Function("name", [e, String(event_name(ev.kind, display[oid], ev.on, ev.citation))]))
        if ev.kind == "publish_amendment":
            text = ev.description.casefold()
            for aid, alias_name in sorted(aliases.items()):
                if alias_name.casefold() in text:
                    fs.add(Function("event_alias", [e, const(aid)]))
    _registry_sdgt(fs, o, oid, entry, display)


SDGT_SAME_DAY = dt.date(2025, 2, 20)
"""The eight cartel/gang FTO designations published 2025-02-20 were SDGT designations the same day."""


def _registry_sdgt(fs: FactSet, o: Symbol, oid: str, entry: registry.Entry, display: dict[str, str]) -> None:
    """The registry's `also_sdgt` column, which has no date of its own.

    Dated only where a source dates it: the eight groups whose FTO designation was published on
    2025-02-20 were designated SDGTs by the Secretary of State on that same day (FR Doc. 2025-02870;
    registry notes § 3.1; law dossier § 7.2), so that event is emitted with that date. Every other
    `yes` becomes `registry_sdgt(O)`, an undated listing: the rules treat the SDGT status on any
    given day as open rather than invent a date. `no` and `unknown` emit nothing.
    """
    if entry.also_sdgt != "yes":
        return
    if entry.designated == SDGT_SAME_DAY:
        e = Function("reg_sdgt", [o])
        fs.add(Function("event", [e, const("designate_sdgt"), o, day(SDGT_SAME_DAY)]), f"organizations.{oid}.registry")
        fs.add(Function("event_by", [e, const("secretary_of_state")]))
        fs.add(Function("from_registry", [e]))
        fs.add(Function("cite", [e, String("FR Doc. 2025-02870")]))
        fs.add(Function("name", [e, String(f"the designation of {display[oid]} as a Specially Designated Global "
                                           f"Terrorist published on {SDGT_SAME_DAY.isoformat()}")]))
    else:
        fs.add(Function("registry_sdgt", [o]), f"organizations.{oid}.registry")
