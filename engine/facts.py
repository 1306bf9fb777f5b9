"""Scenario → clingo facts, built only from Symbols.

User text (names, citations) only ever becomes a clingo String symbol, and the
program text we hand to clingo is produced by `str(Symbol)`, which clingo escapes.
Ids are validated plain words and become constants, so questions can name them.
A fact whose value is `unknown` (or whose path is listed under `unknown:`) becomes a
choice, and the solver reasons over both possibilities.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Callable, Collection, Sequence, get_args
from dataclasses import dataclass, field
import clingo
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


Pending = tuple
"""(name, arguments, argument text): a fact whose Symbol is made only if asked for. An argument
is a Symbol, a Python int standing for `Number(int)`, or a plain lowercase word standing for the
constant `Function(word)`; clingo renders both as exactly those characters."""


def _plain_word(x: str) -> bool:
    """Whether `x` is `[a-z][a-z0-9_]*` and not `not`: a constant clingo prints as exactly `x`.

    String methods rather than a regular expression, because a large scenario asks this once
    per transaction id: ASCII and an identifier gives `[A-Za-z_][A-Za-z0-9_]*`, no upper case
    and no leading underscore narrow it to the pattern.
    """
    return x.isascii() and x.isidentifier() and x.islower() and x[0] != "_" and x != "not"


_PLAIN_LINES = re.compile(r"(?:[a-z][a-z0-9_]*\n)*")


def _all_plain_words(words: Collection[str]) -> bool:
    """`_plain_word` for every one of many words at once: one regular-expression pass over them
    all, not one call per word (a newline inside a word shows as one line too many)."""
    text = "\n".join(words) + "\n" if words else ""
    return text.count("\n") == len(words) and _PLAIN_LINES.fullmatch(text) is not None and "not" not in words


def _symbol(arg: Symbol | int | str) -> Symbol:
    kind = type(arg)
    return Number(arg) if kind is int else Function(arg) if kind is str else arg  # type: ignore[arg-type]


@dataclass
class FactSet:
    """Facts (always true) and choices (may be either) with the scenario path of each.

    The bulk of a large scenario's facts are recorded by `put` as (name, arguments, text)
    and become clingo Symbols only when `facts` or `off` is read: a cold solve renders
    them as program text straight from their (Symbol-rendered) argument text, and never
    pays for one Symbol per fact, nor for the switchable flags that are false.
    """

    choices: list[Symbol] = field(default_factory=list)
    dependent: list[tuple[Symbol, Symbol]] = field(default_factory=list)
    anchors: dict[str, Symbol] = field(default_factory=dict)
    unknown_paths: frozenset[str] = frozenset()
    keep: frozenset[str] | None = None  # predicate names the rules in use read (None: all)
    _facts: list[Symbol | Pending] = field(default_factory=list)
    _off: list[Symbol | Pending] = field(default_factory=list)
    _made: list[int] = field(default_factory=lambda: [0, 0])  # how far each list is made of Symbols

    @property
    def facts(self) -> list[Symbol]:
        return self._symbols(self._facts, 0)

    @property
    def off(self) -> list[Symbol]:
        """Switchable flags that are false now (a warm session may switch them on)."""
        return self._symbols(self._off, 1)

    def _symbols(self, items: list[Symbol | Pending], which: int) -> list[Symbol]:
        for i in range(self._made[which], len(items)):
            item = items[i]
            if type(item) is tuple:
                items[i] = Function(item[0], [_symbol(a) for a in item[1]])
        self._made[which] = len(items)
        return items  # type: ignore[return-value]

    def add(self, sym: Symbol, path: str = "", value: Tri = True) -> None:
        if self.keep is not None and sym.name not in self.keep:
            return
        if value is False:
            self._off.append(sym)  # false now; a warm session may switch it on
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
            self._facts.append(sym)

    def put(self, name: str, args: tuple[Symbol, ...], text: str, path: str = "", value: Tri = True) -> None:
        """`add(Function(name, args), path, value)`, with `text` the arguments as clingo renders them.

        With no unknown paths in the scenario, `path` is not needed (callers may pass "").
        """
        if self.keep is not None and name not in self.keep:
            return
        if value is False:
            self._off.append((name, args, text))
        elif value is None:
            return
        elif self.unknown_paths or value == "unknown":
            self.add(Function(name, [_symbol(a) for a in args]), path, value)
        else:
            self._facts.append((name, args, text))

    def _unknown_anchor(self, path: str) -> Symbol | None:
        if not path or not self.unknown_paths:
            return None
        for u in self.unknown_paths:
            if path.startswith(u + "."):
                return self.anchors.get(u)
        return None

    @staticmethod
    def _text(item: Symbol | Pending) -> str:
        return item[0] + "(" + item[2] + ")" if type(item) is tuple else str(item)

    def program(self) -> str:
        """Program text rendered from Symbols (clingo escapes every string)."""
        parts = [self._text(x) + "." for x in self._facts]
        parts.append(self._open_program())
        return "\n".join(parts)

    def _open_program(self) -> str:
        parts = ["{" + str(sym) + "}." for sym in self.choices]
        parts.extend(str(sym) + " :- " + str(anchor) + "." for sym, anchor in self.dependent)
        return "\n".join(parts)

    def bulk(self) -> tuple[str, list[Sequence[Symbol]]]:
        """The facts as one loading rule per predicate, with its rows: `p(V1,V2) :- (V1,V2) = @rows(k).`

        Why: clingo's program parser costs about 5 microseconds a fact; the rows of one
        predicate parse as a single term (clingo.parse_term, of Symbol-rendered text, so
        no rule can be smuggled in) in about a third of that, and the grounder takes them
        from a context function. Choices and dependent facts stay program text.
        """
        tables: dict[tuple[str, int], list[str]] = {}
        rules: list[str] = []
        for item in self._facts:
            if type(item) is tuple:
                name, args, text = item  # type: ignore[misc]
            else:
                name, args = item.name, item.arguments  # type: ignore[union-attr]
                text = str(item)[len(name) + 1:-1]
            if args:
                tables.setdefault((name, len(args)), []).append(text)
            else:
                rules.append(name + ".")
        rows: list[Sequence[Symbol]] = []
        for k, ((name, arity), texts) in enumerate(sorted(tables.items())):
            variables = ",".join(f"V{i}" for i in range(arity))
            # One tuple of rows; a row of one argument is the argument itself, not a 1-tuple.
            cells = texts if arity == 1 else ["(" + t + ")" for t in texts]
            rows.append(clingo.parse_term("(" + ",".join(cells) + ",)").arguments)
            rules.append(f"{name}({variables}) :- {variables if arity == 1 else '(' + variables + ')'} = @rows({k}).")
        rules.append(self._open_program())
        return "\n".join(rules), rows

    def external_program(self) -> str:
        """Every fact, choice and switchable flag as an external, for a warm session to toggle."""
        parts = ["#external " + self._text(x) + "." for x in (*self._facts, *self.choices, *self._off)]
        parts.extend(str(sym) + " :- " + str(anchor) + "." for sym, anchor in self.dependent)
        return "\n".join(parts)


class _Ids(dict):  # type: ignore[type-arg]
    """Id -> (argument, text): a validated id is a plain word, kept as the word (a constant once
    made a Symbol); anything else becomes a constant Symbol, rendered by clingo."""

    def __missing__(self, x: str) -> tuple[Symbol | str, str]:
        if _plain_word(x):
            hit: tuple[Symbol | str, str] = (x, x)
        else:
            sym = const(x)
            hit = (sym, str(sym))
        self[x] = hit
        return hit


class _Days(dict):  # type: ignore[type-arg]
    """Date -> (Symbol, text)."""

    def __missing__(self, d: dt.date) -> tuple[Symbol, str]:
        sym = day(d)
        hit = self[d] = (sym, str(sym))
        return hit


class _Terms:
    """Argument Symbols and their text, made once per distinct id, day, number or string.

    `id` and `day` are the caches' own lookups (a miss fills the entry): a large scenario
    calls them three times per transaction, and a Python method call each time costs more
    than the lookup.
    """

    def __init__(self) -> None:
        self.ids = _Ids()
        self.days = _Days()
        self.strs: dict[str, tuple[Symbol, str]] = {}
        self.id: Callable[[str], tuple[Symbol | str, str]] = self.ids.__getitem__
        self.day: Callable[[dt.date], tuple[Symbol, str]] = self.days.__getitem__

    def once(self, x: str) -> tuple[Symbol | str, str]:
        """`id` for an id met only once (a transaction's own): not cached, since caching one per
        transaction costs more than it saves."""
        return (x, x) if _plain_word(x) else self.id(x)

    @staticmethod
    def usd(amount: float | None) -> tuple[int, str]:
        """Whole dollars: an int argument (a Number once made a Symbol) and its digits."""
        n = int(round(amount or 0))
        return n, str(n)

    def string(self, x: str) -> tuple[Symbol, str]:
        hit = self.strs.get(x)
        if hit is None:
            sym = String(x)
            hit = self.strs[x] = (sym, str(sym))  # clingo escapes the string
        return hit


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


ACTOR_FLAGS = ("us_national", "permanent_resident", "stateless_us_resident", "found_in_us", "renounced",
               "criminal_defendant", "in_removal_proceedings", "unaware_of_activity")
TRANSACTION_FLAGS = ("knowingly", "attempted", "conspired", "under_duress", "under_direction_of", "coordinated_with",
                     "approved_by_secretary_of_state", "attorney_general_concurred", "affects_commerce",
                     "death_resulted", "willfully")
KNEW_KINDS = ("designated", "terrorist_activity", "terrorism")


def event_numbers(s: Scenario) -> dict[int, int]:
    """The number N of `ev(N)`, for each event without an id, by file position.

    Events are numbered in the order of their content (day, act, organization, then the
    rest), not of the file: an explanation that picks among equally good events by their
    symbols must not change when the file lists them in another order.
    """
    unnamed = [i for i, ev in enumerate(s.events) if not ev.id]
    order = sorted(unnamed, key=lambda i: (str(s.events[i].on), s.events[i].act, s.events[i].org,
                                           s.events[i].model_dump_json()))
    return {i: n for n, i in enumerate(order, start=1)}


def holding_id(i: int) -> Symbol:
    """The id of the i-th holding (from 0) when the file gives it none."""
    return Function("holding", [Number(i + 1)])


def unnamed_ids(s: Scenario) -> set[Symbol]:
    """The compound ids of records the file leaves unnamed: holding(N) and ev(N)."""
    ids = {holding_id(i) for i, h in enumerate(s.holdings) if not h.id}
    return ids | {Function("ev", [Number(n)]) for n in event_numbers(s).values()}


def build(s: Scenario, as_of: dt.date | None = None, keep: frozenset[str] | None = None) -> FactSet:
    """The facts of one scenario as of `as_of` (default: the scenario's); with `keep`, only those predicates."""
    fs = FactSet(unknown_paths=frozenset(s.unknown), keep=keep)
    add, put = fs.add, fs.put
    off_append = fs._off.append
    paths = bool(fs.unknown_paths)  # a fact's path matters only if some path is unknown
    terms = _Terms()
    tid_, tday, tusd, tstr = terms.id, terms.day, terms.usd, terms.string
    when = as_of or s.as_of
    add(Function("as_of", [day(when)]), "as_of")

    display: dict[str, str] = {}
    for oid, org in s.organizations.items():
        entry = registry.entry(org.registry) if org.registry else None
        display[oid] = org.name or (entry.name if entry else oid)
    for aid, actor in s.actors.items():
        display[aid] = actor.name or aid
    if keep is None or "name" in keep:
        for ident, text in display.items():
            (i, its), (n, ns) = tid_(ident), tstr(text)
            put("name", (i, n), f"{its},{ns}")

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

    actor_flags = [f for f in ACTOR_FLAGS if keep is None or f in keep]
    for aid, actor in s.actors.items():
        a, at = tid_(aid)
        p = f"actors.{aid}" if paths else ""
        one = (a,)
        put("actor", one, at)
        k, kt = tid_(actor.kind)
        put("kind", (a, k), f"{at},{kt}", p and f"{p}.kind")
        if actor.country:
            c, ct = tstr(actor.country)
            put("country", (a, c), f"{at},{ct}", p and f"{p}.country")
        for flag in actor_flags:
            value = getattr(actor, flag)
            if value is False and not paths:
                off_append((flag, one, at))
            else:
                put(flag, one, at, p and f"{p}.{flag}", value)
        if actor.exempted_by:
            add(Function("ina_exemption", [_symbol(a), const(actor.exempted_by)]), f"actors.{aid}.exempted_by")
        if actor.exemption_on:
            add(Function("ina_exemption_on", [_symbol(a), day(actor.exemption_on)]), f"actors.{aid}.exemption_on")
        if actor.agent_of:
            o, ot = tid_(actor.agent_of)
            put("agent_of", (a, o), f"{at},{ot}", p and f"{p}.agent_of")
        for i, x in enumerate(actor.member_of):
            add(Function("member_of", [_symbol(a), const(x)]), f"actors.{aid}.member_of.{i}")
        for i, x in enumerate(actor.representative_of):
            add(Function("representative_of", [_symbol(a), const(x)]), f"actors.{aid}.representative_of.{i}")
        if actor.spouse_of:
            add(Function("spouse_of", [_symbol(a), const(actor.spouse_of)]), f"actors.{aid}.spouse_of")
        if actor.child_of:
            add(Function("child_of", [_symbol(a), const(actor.child_of)]), f"actors.{aid}.child_of")

    numbers = event_numbers(s)
    for i, ev in enumerate(s.events):
        e = const(ev.id) if ev.id else Function("ev", [Number(numbers[i])])
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

    _transactions(fs, s, terms, keep, paths)

    for i, h in enumerate(s.holdings):
        if h.id:
            hid, ht = tid_(h.id)
        else:
            hid = holding_id(i)
            ht = str(hid)
        p = f"holdings.{i}" if paths else ""
        (w, wt), (o, ot), (n, nt), (d, dtx) = tid_(h.institution), tid_(h.owner), tusd(h.amount_usd), tday(h.since)
        put("holding", (hid, w, o, n, d), f"{ht},{wt},{ot},{nt},{dtx}", p)
        if isinstance(h.aware_on, dt.date):
            d, dtx = tday(h.aware_on)
            put("aware_on", (hid, d), f"{ht},{dtx}", p and f"{p}.aware_on")
        if h.reported_on:
            d, dtx = tday(h.reported_on)
            put("reported_on", (hid, d), f"{ht},{dtx}", p and f"{p}.reported_on")
        put("retained", (hid,), ht, p and f"{p}.retained", h.retained)
        put("licensed", (hid,), ht, p and f"{p}.licensed", h.licensed)

    for i, k in enumerate(s.knowledge):
        p = f"knowledge.{i}" if paths else ""
        (a, at), (o, ot) = tid_(k.actor), tid_(k.org)
        pair = f"{at},{ot}"
        kinds = k.knew if isinstance(k.knew, list) else [k.knew]
        for kind in KNEW_KINDS:
            c, ct = tid_(kind)
            put("knew", (a, o, c), f"{pair},{ct}", p and f"{p}.knew", "unknown" if k.knew == "unknown" else kind in kinds)
        put("should_have_known", (a, o), pair, p and f"{p}.should_have_known", k.should_have_known)
        put("knowledge_recorded", (a, o), pair, p)

    for sid, sol in s.solicitations.items():
        add(Function("solicitation", [const(sid), const(sol.by), const(sol.for_), day(sol.on)]), f"solicitations.{sid}")
        add(Function("seeks", [const(sid), const(sol.seeks)]), f"solicitations.{sid}.seeks")

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


def _transactions(fs: FactSet, s: Scenario, terms: _Terms, keep: frozenset[str] | None, paths: bool) -> None:
    """The transactions' facts: the bulk of a large scenario, so the common case is inlined.

    With no unknown path, a fact needs no path and a true or false value goes straight to
    its list; `put` takes the rest (an `unknown` flag, or any fact when paths matter).
    """
    put, facts_append, off_append = fs.put, fs._facts.append, fs._off.append
    tid_, tday, tusd, tstr = terms.id, terms.day, terms.usd, terms.string
    flags = [f for f in TRANSACTION_FLAGS if keep is None or f in keep]
    wants = {n for n in ("transaction", "provides", "amount", "place", "purpose") if keep is None or n in keep}
    plain = _all_plain_words(s.transactions)  # then each transaction's own id is its own text
    for tid, tx in s.transactions.items():
        if not isinstance(tx.on, dt.date):
            continue
        t, tt = (tid, tid) if plain else terms.once(tid)
        p = f"transactions.{tid}" if paths else ""
        if "transaction" in wants:
            (f, ft), (r, rt), (d, dtx) = tid_(tx.from_), tid_(tx.to), tday(tx.on)
            if paths:
                put("transaction", (t, f, r, d), f"{tt},{ft},{rt},{dtx}", p)
            else:  # put's common case, inlined: once per transaction
                facts_append(("transaction", (t, f, r, d), f"{tt},{ft},{rt},{dtx}"))
        if "provides" in wants:
            c, ct = tid_(tx.provides)
            put("provides", (t, c), f"{tt},{ct}", p and f"{p}.provides")
        if tx.amount_usd is not None and "amount" in wants:
            n, nt = tusd(tx.amount_usd)
            put("amount", (t, n), f"{tt},{nt}", p and f"{p}.amount_usd")
        if tx.place and "place" in wants:
            c, ct = tstr(tx.place)
            put("place", (t, c), f"{tt},{ct}", p and f"{p}.place")
        if tx.purpose and "purpose" in wants:
            c, ct = tid_(tx.purpose)
            put("purpose", (t, c), f"{tt},{ct}", p and f"{p}.purpose")
        one = (t,)
        if paths:
            for flag in flags:
                put(flag, one, tt, f"{p}.{flag}", getattr(tx, flag))
        else:
            for flag in flags:
                value = getattr(tx, flag)
                if value is False:
                    off_append((flag, one, tt))
                elif value is True:
                    facts_append((flag, one, tt))
                else:
                    put(flag, one, tt, "", value)
        if tx.aids_act:
            p = f"transactions.{tid}"
            fs.add(Function("aids_act", [_symbol(t), const(tx.aids_act)]), f"{p}.aids_act")
            for flag, pred in (("substantial", "assistance_substantial"), ("culpable", "participation_culpable"),
                               ("generic_service", "generic_service"),
                               ("conspired_with_perpetrator", "conspired_with_perpetrator")):
                fs.add(Function(pred, [_symbol(t)]), f"{p}.{flag}", getattr(tx, flag))


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
