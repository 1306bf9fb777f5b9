"""A straightforward hand-written Python evaluation of the core rules, for comparison.

From an `engine.scenario.Scenario` (registry events included, via `engine.registry`), it
computes the same four answers the benchmark reads from the engine:

- `acts_for`: (actor or organization, organization) — an organization acts for itself; an
  agent or front of one who acts for the organization acts for it too (rules/parties.lp);
- `exposure`: (transaction, organization) — the recipient acts for the organization, and
  the organization was a designated FTO on the transaction's day (`designated_on_day`,
  rules/material_support.lp, which holds exactly when `fto_on` holds on that day);
- `must_retain` and `must_report`: (institution, holding) — the blocking duties of
  rules/financial.lp for a covered (US) financial institution aware of funds in which an
  organization designated at the time has an interest.

"Designated on a day" follows rules/designation.lp and rules/lifecycle.lp: a publication
on or before the day, made (or presumed made) by the Secretary of State, not ended on or
before that day by a revocation taking effect, an Act of Congress, or a final court order
setting it aside (each counted only if on or after the publication).

The benchmark's scenarios have no aliases, sign_designation events or foreign banks; for
those the engine has extra rules (alias designations, signing records, an open reading on
foreign banks) that this baseline does not model, and `evaluate` refuses such scenarios
rather than disagree silently.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from engine import registry
from engine.scenario import Scenario, related_id


@dataclass
class Answers:
    acts_for: set[tuple[str, str]] = field(default_factory=set)
    exposure: set[tuple[str, str]] = field(default_factory=set)
    must_retain: set[tuple[str, str]] = field(default_factory=set)
    must_report: set[tuple[str, str]] = field(default_factory=set)

    def as_dict(self) -> dict[str, set[tuple[str, str]]]:
        return {"acts_for": self.acts_for, "exposure": self.exposure,
                "must_retain": self.must_retain, "must_report": self.must_report}


class Unsupported(ValueError):
    """The scenario uses a feature this baseline does not model."""


def _timelines(s: Scenario) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    """Per organization: the day numbers of its authorized publications, and of everything that ends one."""
    events: list[tuple[str, str, int, str | None, int | None, bool]] = []  # act, org, day, by, effective, final
    as_of = s.as_of.toordinal()  # nothing dated after the date asked has happened (rules/record.lp)
    for oid, org in s.organizations.items():
        if org.alias_of:
            raise Unsupported("aliases are not modelled by the baseline")
        if org.registry:
            entry = registry.entry(org.registry)
            assert entry is not None
            for ev in entry.events:
                if ev.on.toordinal() <= as_of:
                    events.append((ev.kind, oid, ev.on.toordinal(), None, None, True))
    for ev in s.events:
        if not isinstance(ev.on, dt.date):
            raise Unsupported("unknown event dates")
        if ev.act == "sign_designation":
            raise Unsupported("signing records are not modelled by the baseline")
        if ev.on.toordinal() <= as_of:
            events.append((ev.act, ev.org, ev.on.toordinal(), ev.by,
                           ev.effective.toordinal() if ev.effective else None, bool(ev.final)))

    pubs: dict[str, list[int]] = {o: [] for o in s.organizations}
    ends: dict[str, list[int]] = {o: [] for o in s.organizations}
    revokes: dict[str, list[tuple[int, str | None, int | None]]] = {}
    published_revocations: dict[str, list[int]] = {}
    for act, o, day, by, effective, final in events:
        if act == "publish_designation" and by in (None, "secretary_of_state"):
            pubs[o].append(day)
        elif act == "revoke":
            revokes.setdefault(o, []).append((day, by, effective))
        elif act == "publish_revocation":
            published_revocations.setdefault(o, []).append(day)
        elif act == "act_of_congress":
            ends[o].append(day)
        elif act == "set_aside" and final:
            ends[o].append(day)
    # When revocations take effect (§ 1189(a)(6)(B)).
    for o in s.organizations:
        decided = revokes.get(o, [])
        if not decided:
            ends[o].extend(published_revocations.get(o, []))
        for day, by, effective in decided:
            if by not in (None, "secretary_of_state"):
                continue
            if effective is not None:
                ends[o].append(effective)
            else:
                ends[o].extend(x for x in published_revocations.get(o, []) if x >= day)
    return pubs, ends


def evaluate(s: Scenario) -> Answers:
    pubs, ends = _timelines(s)
    orgs = s.organizations
    cache: dict[tuple[str, int], bool] = {}

    def fto_on(o: str, day: int) -> bool:
        key = (o, day)
        hit = cache.get(key)
        if hit is None:
            stops = ends[o]
            hit = any(p <= day and not any(p <= x <= day for x in stops) for p in pubs[o])
            cache[key] = hit
        return hit

    # acts_for: walk each actor's agent_of chain up to an organization (each actor has one principal).
    principal = {aid: related_id(a.agent_of) for aid, a in s.actors.items() if a.agent_of}  # undated in the benchmark
    org_of: dict[str, str | None] = {o: o for o in orgs}

    def resolve(x: str) -> str | None:
        path = []
        seen = set()
        cur: str | None = x
        while cur is not None and cur not in org_of:
            if cur in seen:  # a cycle that never reaches an organization
                cur = None
                break
            seen.add(cur)
            path.append(cur)
            cur = principal.get(cur)
        found = org_of.get(cur) if cur is not None else None
        for p in path:
            org_of[p] = found
        return found

    out = Answers()
    for x in (*orgs, *s.actors):
        o = resolve(x)
        if o is not None:
            out.acts_for.add((x, o))

    for tid, tx in s.transactions.items():
        if not isinstance(tx.on, dt.date):
            raise Unsupported("unknown transaction dates")
        if tx.on > s.as_of:
            continue
        o = org_of.get(tx.to) if tx.to in org_of else resolve(tx.to)
        if o is not None and fto_on(o, tx.on.toordinal()):
            out.exposure.add((tid, o))

    as_of = s.as_of.toordinal()
    for i, h in enumerate(s.holdings):
        hid = h.id or f"holding({i + 1})"
        inst = s.actors.get(h.institution)
        if inst is None or inst.kind != "financial_institution":
            continue
        if inst.country != "US":
            raise Unsupported("foreign banks are an open point the baseline does not model")
        if h.licensed or not isinstance(h.aware_on, dt.date) or h.since > s.as_of:
            continue
        o = resolve(h.owner)
        if o is None:
            continue
        aware = h.aware_on.toordinal()
        # Aware on a day it was designated, or aware before a publication that took effect.
        blocked = (aware <= as_of and fto_on(o, aware)) or any(
            aware < p <= as_of and fto_on_publication(p, ends[o]) for p in pubs[o])
        if not blocked:
            continue
        out.must_report.add((h.institution, hid))
        if fto_on(o, as_of):
            out.must_retain.add((h.institution, hid))
    return out


def fto_on_publication(p: int, stops: list[int]) -> bool:
    """A publication is in effect on its own day unless something ends it that very day."""
    return not any(x == p for x in stops)
