"""Deterministic synthetic scenarios for the benchmarks.

`generate(n)` builds an `engine.scenario.Scenario` with `n` transactions:

- organizations: three real ones from the bundled registry (CJNG and the Sinaloa Cartel,
  designated 2025-02-20; al-Nusrah Front, designated 2014 and revoked 2025-07-08), and
  invented ones with their own timelines: notice and publication, a designation by the
  wrong official, revocations (on publication, with a stated effective date, or only
  published), an Act of Congress, a revocation followed by a re-designation, a pending
  (non-final) court challenge, and one never designated;
- actors: chains of front companies (`agent_of`) hanging off the organizations, of depth
  1..`depth`, plus one long chain of depth `long_chain`; givers (persons and companies);
  unrelated companies; US financial institutions;
- transactions spread over 2024-2026 from givers to fronts, organizations and unrelated
  companies, mostly currency;
- holdings of the fronts' (and others') funds at the US institutions, with awareness dates;
- knowledge entries; every transaction states `knowingly` (true for nine in ten); with
  `unknown_rate`, some are `knowingly: unknown` instead.

Everything is drawn from `random.Random(seed)`, so the same arguments give the same
scenario. `python benchmarks/generate.py N [--yaml FILE]` prints a summary or writes YAML.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from typing import Any

from engine.scenario import Scenario

START = dt.date(2024, 1, 1)
END = dt.date(2026, 12, 31)
AS_OF = dt.date(2026, 6, 30)

REAL = {"cjng": "cjng", "sinaloa": "cartel_de_sinaloa", "nusra": "al_nusrah_front"}

SUPPORT = ["currency"] * 8 + ["monetary_instruments", "financial_services", "lodging", "property"]


def _day(rng: random.Random, lo: dt.date = START, hi: dt.date = END) -> dt.date:
    return lo + dt.timedelta(days=rng.randrange((hi - lo).days + 1))


def _invented_orgs() -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]]]:
    """Invented organizations and their designation timelines (fixed, so every size has them all)."""
    d = dt.date
    orgs: dict[str, dict[str, Any]] = {}
    events: list[dict[str, Any]] = []

    def org(oid: str, name: str) -> str:
        orgs[oid] = {"name": name, "findings": ["foreign_organization", "terrorist_activity", "threatens_us_nationals"]}
        return oid

    def ev(on: dt.date, act: str, o: str, **kw: Any) -> None:
        events.append({"on": on, "act": act, "org": o, **kw})

    # Designated after notice, mid-2024; still designated.
    o = org("red_hand", "Red Hand Brigade")
    ev(d(2024, 5, 1), "notify_congress", o, by="secretary_of_state")
    ev(d(2024, 5, 10), "publish_designation", o, by="secretary_of_state",
       consulted=["attorney_general", "secretary_of_the_treasury"])
    # Designated 2025 with a silent record (regular procedure presumed).
    o = org("blue_crescent", "Blue Crescent Front")
    ev(d(2025, 9, 15), "publish_designation", o)
    # Designated by the wrong official: never in effect.
    o = org("grey_wolves_x", "Grey Wolves X")
    ev(d(2024, 8, 1), "publish_designation", o, by="attorney_general")
    # Designated, then revoked by the Secretary; takes effect on publication of the revocation.
    o = org("iron_path", "Iron Path")
    ev(d(2024, 3, 1), "publish_designation", o, by="secretary_of_state")
    ev(d(2025, 4, 1), "revoke", o, by="secretary_of_state")
    ev(d(2025, 4, 20), "publish_revocation", o)
    # Designated, revoked with a stated effective date.
    o = org("dawn_army", "Dawn Army")
    ev(d(2024, 2, 1), "publish_designation", o)
    ev(d(2025, 10, 1), "revoke", o, by="secretary_of_state", effective=d(2025, 11, 1))
    # Designated; an Act of Congress disapproves it.
    o = org("salt_council", "Salt Council")
    ev(d(2024, 6, 3), "publish_designation", o)
    ev(d(2025, 1, 15), "act_of_congress", o)
    # Designated, revocation published (no separate decision), re-designated later.
    o = org("north_star", "North Star Network")
    ev(d(2024, 1, 10), "publish_designation", o)
    ev(d(2025, 1, 10), "publish_revocation", o)
    ev(d(2025, 9, 1), "notify_congress", o, by="secretary_of_state")
    ev(d(2025, 9, 9), "publish_designation", o, by="secretary_of_state")
    # Designated; a challenge is pending in court (not a final order: no effect).
    o = org("cedar_guard", "Cedar Guard")
    ev(d(2024, 11, 5), "publish_designation", o)
    ev(d(2024, 12, 1), "petition_judicial_review", o, by=o, court="dc_circuit")
    ev(d(2025, 6, 1), "set_aside", o, final=False)
    # Never designated.
    org("quiet_league", "Quiet League")
    # Designated late in the horizon (after the day asked).
    o = org("late_comers", "Late Comers")
    ev(d(2026, 9, 1), "publish_designation", o)
    return orgs, events


def generate_dict(n: int, depth: int = 4, long_chain: int = 64, seed: int = 1, unknown_rate: float = 0.01) -> dict[str, Any]:
    """The scenario as plain data (what a YAML file would hold)."""
    rng = random.Random(seed)
    orgs: dict[str, dict[str, Any]] = {k: {"registry": v} for k, v in REAL.items()}
    invented, events = _invented_orgs()
    orgs.update(invented)
    org_ids = list(orgs)

    actors: dict[str, dict[str, Any]] = {}
    fronts: list[str] = []
    n_chains = max(2, n // 50)
    for c in range(n_chains):
        parent = org_ids[c % len(org_ids)]
        for k in range(1 + rng.randrange(max(1, depth))):
            aid = f"f{c}_{k}"
            actors[aid] = {"kind": "company", "country": "MX", "agent_of": parent}
            fronts.append(aid)
            parent = aid
    parent = "cjng"
    for k in range(long_chain):  # one long chain of fronts
        aid = f"lc_{k}"
        actors[aid] = {"kind": "company", "country": "MX", "agent_of": parent}
        fronts.append(aid)
        parent = aid
    # A small cycle of companies that act for each other but for no organization.
    actors["loop_a"] = {"kind": "company", "agent_of": "loop_b"}
    actors["loop_b"] = {"kind": "company", "agent_of": "loop_a"}
    unrelated = ["loop_a", "loop_b"]
    for i in range(max(2, n // 50)):
        aid = f"u{i}"
        actors[aid] = {"kind": "company", "country": rng.choice(["US", "MX", "CA"])}
        unrelated.append(aid)
    givers: list[str] = []
    for i in range(max(2, n // 20)):
        aid = f"g{i}"
        if rng.random() < 0.5:
            actors[aid] = {"kind": "person", "us_national": rng.random() < 0.6, "in_united_states": True, "admitted": True}
        else:
            actors[aid] = {"kind": "company", "country": rng.choice(["US", "US", "MX"])}
        givers.append(aid)
    banks: list[str] = []
    for i in range(max(2, n // 1000)):
        aid = f"bank{i}"
        actors[aid] = {"kind": "financial_institution", "country": "US"}
        banks.append(aid)

    transactions: dict[str, dict[str, Any]] = {}
    for i in range(n):
        r = rng.random()
        to = rng.choice(fronts) if r < 0.7 else (rng.choice(org_ids) if r < 0.8 else rng.choice(unrelated))
        tx: dict[str, Any] = {"on": _day(rng), "from": rng.choice(givers), "to": to,
                              "provides": rng.choice(SUPPORT), "amount_usd": float(rng.randrange(100, 500_000))}
        k = rng.random()
        if k < unknown_rate:
            tx["knowingly"] = "unknown"
        else:  # stated either way: knowing conduct is never presumed
            tx["knowingly"] = k >= 0.1
        if rng.random() < 0.3:
            tx["affects_commerce"] = True
        if rng.random() < 0.2:
            tx["place"] = "US"
        transactions[f"t{i}"] = tx

    holdings: list[dict[str, Any]] = []
    owners = fronts + org_ids + unrelated
    for i in range(max(2, n // 20)):
        since = _day(rng, START, dt.date(2025, 12, 31))
        h: dict[str, Any] = {"id": f"h{i}", "institution": rng.choice(banks), "owner": rng.choice(owners),
                             "amount_usd": float(rng.randrange(1_000, 2_000_000)), "since": since}
        if rng.random() < 0.85:
            h["aware_on"] = _day(rng, since, END)
            if rng.random() < 0.4:
                h["reported_on"] = h["aware_on"] + dt.timedelta(days=rng.randrange(1, 30))
        if rng.random() < 0.05:
            h["licensed"] = True
        holdings.append(h)

    knowledge: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for _ in range(max(2, n // 20)):
        key = (rng.choice(givers), rng.choice(org_ids))
        if key in seen:
            continue
        seen.add(key)
        knew: Any = rng.choice(["designated", "terrorist_activity", "terrorism", "none", ["designated", "terrorism"]])
        if rng.random() < unknown_rate:
            knew = "unknown"
        knowledge.append({"actor": key[0], "org": key[1], "knew": knew})

    return {
        "scenario": f"Synthetic benchmark: {n} transactions, chains of fronts up to depth {depth} (seed {seed})",
        "as_of": AS_OF,
        "organizations": orgs,
        "actors": actors,
        "events": events,
        "transactions": transactions,
        "holdings": holdings,
        "knowledge": knowledge,
    }


def generate(n: int, depth: int = 4, long_chain: int = 64, seed: int = 1, unknown_rate: float = 0.01) -> Scenario:
    """A validated Scenario of `n` transactions (deterministic for the same arguments)."""
    return Scenario.model_validate(generate_dict(n, depth, long_chain, seed, unknown_rate))


def to_yaml(data: dict[str, Any]) -> str:
    import yaml

    return yaml.safe_dump(data, sort_keys=False, default_flow_style=None, width=200)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int, help="number of transactions")
    ap.add_argument("--depth", type=int, default=4)
    ap.add_argument("--long-chain", type=int, default=64)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--unknown-rate", type=float, default=0.01)
    ap.add_argument("--yaml", metavar="FILE", help="write the scenario as YAML ('-' for stdout)")
    args = ap.parse_args(argv)
    data = generate_dict(args.n, args.depth, args.long_chain, args.seed, args.unknown_rate)
    s = Scenario.model_validate(data)
    if args.yaml:
        text = to_yaml(data)
        if args.yaml == "-":
            sys.stdout.write(text)
        else:
            with open(args.yaml, "w", encoding="utf-8") as f:
                f.write(text)
    print(f"{len(s.organizations)} organizations, {len(s.actors)} actors, {len(s.events)} events, "
          f"{len(s.transactions)} transactions, {len(s.holdings)} holdings, {len(s.knowledge)} knowledge entries",
          file=sys.stderr)


if __name__ == "__main__":
    main()
