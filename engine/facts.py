"""Scenario → clingo facts, as tables of text made only from ids and rendered Symbols.

User text (names, citations) only ever becomes a clingo String symbol, whose text
`str(Symbol)` gives with clingo's escaping. Ids are validated plain words, which clingo
prints as themselves, so questions can name them; they are checked again here.
A fact whose value is `unknown` (or whose path is listed under `unknown:`) becomes a
choice, and the solver reasons over both possibilities.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
import re
from typing import Any, Callable, Collection, Iterable, Sequence, get_args
from dataclasses import dataclass, field
import clingo
from clingo.symbol import Function, Number, String, Symbol
from pydantic import BaseModel

from engine import dates, money, naming, registry
from engine.spans import UncertainDates
from engine.scenario import (Actor, Duress, Event, Firearm, Holding, Knowledge, Recipient, Related, Scenario, Transaction, When,
                             earliest, latest, related_id, relation_period, when_text)

Tri = bool | str


def day(d: dt.date) -> Symbol:
    return Number(d.toordinal())


def const(name: str) -> Symbol:
    return Function(name)


Cell = str
"""One fact's arguments as they stand in a tuple of rows: `a` for one argument, `(a,b)` for
more, empty for none. Made only from plain-word ids and Symbol-rendered text (clingo escapes
every string), so `_atom_text` of it is the atom as clingo prints it."""


def _plain_word(x: str) -> bool:
    """Whether `x` is `[a-z][a-z0-9_]*` and not `not`: a constant clingo prints as exactly `x`.

    String methods rather than a regular expression: ASCII and an identifier gives
    `[A-Za-z_][A-Za-z0-9_]*`, no upper case and no leading underscore narrow it to the pattern.
    """
    return x.isascii() and x.isidentifier() and x.islower() and x[0] != "_" and x != "not"


_PLAIN_LINES = re.compile(r"(?:[a-z][a-z0-9_]*\n)*")


def _all_plain_words(words: Collection[str]) -> bool:
    """`_plain_word` for every one of many words at once: one regular-expression pass over them
    all, not one call per word (a newline inside a word shows as one line too many)."""
    text = "\n".join(words) + "\n" if words else ""
    return text.count("\n") == len(words) and _PLAIN_LINES.fullmatch(text) is not None and "not" not in words


def _not_an_id(x: str) -> ValueError:
    return ValueError(f"{x!r} is not an id (a lowercase word of letters, digits and _); was the scenario validated?")


def _check_ids(keys: Collection[str]) -> None:
    """Every key of a large section is an id, checked in one pass (see `_all_plain_words`)."""
    if not _all_plain_words(keys):
        raise _not_an_id(next(k for k in keys if not _plain_word(k)))


def _atom_text(name: str, arity: int, cell: Cell) -> str:
    return name if arity == 0 else name + "(" + cell + ")" if arity == 1 else name + cell


def _arguments(cell: Cell, arity: int) -> str:
    """A cell's argument text, without the parentheses of a row of two or more."""
    return cell if arity == 1 else cell[1:-1]


def _cell(sym: Symbol) -> Cell:
    text, arity = str(sym), len(sym.arguments)
    return "" if arity == 0 else text[len(sym.name) + 1:-1] if arity == 1 else text[len(sym.name):]


def _tuple_of(cells: list[Cell]) -> list[Symbol]:
    """The rows of one table as Symbols: one parsed term for the lot (a row of one argument is
    the argument itself). clingo.parse_term reads terms only, so no text can become a rule."""
    return clingo.parse_term("(" + ",".join(cells) + ",)").arguments


Tables = dict[tuple[str, int], list[Cell]]


def _symbols(tables: Tables) -> list[Symbol]:
    out: list[Symbol] = []
    for (name, arity), cells in sorted(tables.items()):
        if arity == 0:
            out.extend(Function(name) for _ in cells)
        elif cells:
            out.extend(Function(name, row.arguments if arity > 1 else [row]) for row in _tuple_of(cells))
    return out


def _day_positions(make: Callable[[int], Symbol]) -> tuple[int, ...]:
    """Where a fact made for a day holds that day: the arguments that differ between two days."""
    one, other = make(dates.FIRST).arguments, make(dates.FIRST + 1).arguments
    return tuple(i for i, (a, b) in enumerate(zip(one, other)) if a != b)


@dataclass
class FactSet:
    """Facts (always true) and choices (may be either) with the scenario path of each.

    Facts and switchable flags are kept as tables of text cells, one table per predicate,
    because the bulk of a large scenario goes to a cold solve that hands each table to the
    grounder as one parsed term (`bulk`): no Symbol per fact is made unless `facts` or `off`
    is read, and nothing is regrouped. Choices and dependent facts are few; they stay Symbols.
    """

    choices: list[Symbol] = field(default_factory=list)
    dependent: list[tuple[Symbol, Symbol]] = field(default_factory=list)
    anchors: dict[str, Symbol] = field(default_factory=dict)
    unknown_paths: frozenset[str] = frozenset()
    keep: frozenset[str] | None = None  # predicate names the rules in use read (None: all)
    # Dates the scenario does not fix: each key's range (day numbers, None for unbounded), the facts
    # that carry the date (made for a given day), and the rules that choose a day (settle_dates).
    uncertain: dict[Symbol, tuple[int | None, int | None]] = field(default_factory=dict)
    on_day: list[tuple[Symbol, Callable[[int], Symbol]]] = field(default_factory=list)
    date_rules: list[str] = field(default_factory=list)
    # Each fact made for a chosen day: its date's key and the argument positions holding the day.
    carriers: dict[Symbol, tuple[Symbol, tuple[int, ...]]] = field(default_factory=dict)
    _facts: Tables = field(default_factory=dict)
    _off: Tables = field(default_factory=dict)

    @property
    def facts(self) -> list[Symbol]:
        """The true facts as Symbols, made on each read (a cold solve never reads them)."""
        return _symbols(self._facts)

    @property
    def off(self) -> list[Symbol]:
        """Switchable flags that are false now (a warm session may switch them on)."""
        return _symbols(self._off)

    def _table(self, name: str, arity: int, on: bool = True) -> list[Cell]:
        """One predicate's table of true facts (`on`) or of false flags."""
        tables = self._facts if on else self._off
        table = tables.get((name, arity))
        if table is None:
            table = tables[(name, arity)] = []
        return table

    def reads(self, name: str) -> bool:
        """Whether the rules in use read the predicate (its facts are kept)."""
        return self.keep is None or name in self.keep

    def put_all(self, name: str, arity: int, cells: list[Cell], values: Sequence[Tri] | None = None,
                paths: Sequence[str] | None = None) -> None:
        """`put` of many facts of one predicate, given as cells, with their values (default: all
        true) and paths (needed only when the scenario has unknown paths)."""
        if not self.reads(name) and not self.unknown_paths:
            return
        if self.unknown_paths:  # `add` decides, fact by fact
            for i, cell in enumerate(cells):
                self.put(name, arity, _arguments(cell, arity), paths[i] if paths else "",
                         True if values is None else values[i])
        elif values is None:
            self._table(name, arity).extend(cells)
        else:
            on, off = self._table(name, arity), self._table(name, arity, False)
            for cell, value in zip(cells, values):
                if value is True:
                    on.append(cell)
                elif value is False:
                    off.append(cell)
                elif value is not None:
                    self.put(name, arity, _arguments(cell, arity), "", value)

    def add(self, sym: Symbol, path: str = "", value: Tri = True, cell: Cell | None = None) -> None:
        """`cell`: the fact's arguments as a table holds them, where the caller kept them (`_cell(sym)`)."""
        # A record unknown as a whole is a choice even where no rule in use reads it: its
        # details, which rules may read, hold exactly when it does (see _unknown_anchor).
        if value is None or (not self.reads(sym.name) and path not in self.unknown_paths):
            return
        if value is False and path not in self.unknown_paths:  # a false flag the file marks unknown is open
            self._table(sym.name, len(sym.arguments), False).append(_cell(sym))
            return
        if value == "unknown" or path in self.unknown_paths:  # open, also inside an unknown record
            self.choices.append(sym)
            if path in self.unknown_paths:
                self.anchors.setdefault(path, sym)
        elif (anchor := self._unknown_anchor(path)) is not None:
            # A known detail of a record that is unknown as a whole holds exactly when the record does.
            self.dependent.append((sym, anchor))
        else:
            self._table(sym.name, len(sym.arguments)).append(_cell(sym) if cell is None else cell)

    def put(self, name: str, arity: int, text: str, path: str = "", value: Tri = True) -> None:
        """`add` of the fact `name(text)`, given as the text of its `arity` arguments (plain-word
        ids and Symbol-rendered text only). With no unknown paths, `path` is not needed."""
        if value is None or (not self.reads(name) and not self.unknown_paths):
            return
        if value == "unknown" or self.unknown_paths:  # `add` decides what an unknown path means
            self.add(clingo.parse_term(name + "(" + text + ")"), path, value)
        else:
            self._table(name, arity, value is not False).append(text if arity == 1 else "(" + text + ")")

    def _unknown_anchor(self, path: str) -> Symbol | None:
        """The fact of the nearest enclosing record that is unknown as a whole, if any."""
        if not path or not self.unknown_paths:
            return None
        enclosing = [u for u in self.unknown_paths if path.startswith(u + ".") and u in self.anchors]
        return self.anchors[max(enclosing, key=len)] if enclosing else None

    @staticmethod
    def _atoms(tables: Tables) -> list[str]:
        return [_atom_text(name, arity, cell) for (name, arity), cells in sorted(tables.items()) for cell in cells]

    def program(self) -> str:
        """Program text rendered from Symbols (clingo escapes every string)."""
        parts = [atom + "." for atom in self._atoms(self._facts)]
        parts.append(self._open_program())
        return "\n".join(parts)

    def _open_program(self) -> str:
        parts = ["{" + str(sym) + "}." for sym in self.choices]
        parts.extend(str(sym) + " :- " + str(anchor) + "." for sym, anchor in self.dependent)
        parts.extend(self.date_rules)
        return "\n".join(parts)

    def dated(self, key: Symbol, when: When, make: Callable[[int], Symbol], path: str = "", label: str = "",
              by: dt.date | None = None) -> None:
        """`add` of a fact that carries a date: as it stands if the date is a day; else the fact is
        made for each representative day of the date's range, as that day is chosen (settle_dates).
        `by`: a day the date is known not to come after, where the range does not say."""
        if isinstance(when, dt.date):
            self.add(make(when.toordinal()), path)
            return
        first, last = earliest(when), latest(when) or by
        if key not in self.uncertain:
            self.uncertain[key] = (first.toordinal() if first else None, last.toordinal() if last else None)
            if label and self.reads("name"):
                self.add(Function("name", [key, String(label)]))
        self.on_day.append((key, make))

    def settle_dates(self, anchors: Iterable[int], offsets: dates.Offsets, asked: int) -> None:
        """For each uncertain date, a chain of choices `date_on_or_after(K, D)` over its representative
        days (engine.dates), each implying the one before it; the date is the last day chosen, and
        every fact that carries it holds for that day. A `depends` then names the boundary.

        Linear in the days: one choice, one constraint and one rule per day and key."""
        if not self.uncertain:
            return
        cuts = dates.boundaries(anchors, offsets)
        made: dict[Symbol, list[Callable[[int], Symbol]]] = {}
        for key, make in self.on_day:
            made.setdefault(key, []).append(make)
        for key, (low, high) in self.uncertain.items():
            days = dates.representative_days(low, high, cuts, asked)
            after = [Function("date_on_or_after", [key, Number(d)]) for d in days]
            at = [Function("date_at", [key, Number(d)]) for d in days]
            makers = [(make, _day_positions(make)) for make in made.get(key, [])]
            # Choices like any unknown fact: a canonical reading (Solver.canonical) takes each false
            # where it can, so an explanation shows the earliest day the answer allows.
            self.choices.extend(after[1:])
            for i, day_ in enumerate(days):
                later = after[i + 1] if i + 1 < len(days) else None
                body = ([] if i == 0 else [str(after[i])]) + ([] if later is None else ["not " + str(later)])
                self.date_rules.append(str(at[i]) + (" :- " + ", ".join(body) if body else "") + ".")
                if i >= 2:
                    self.date_rules.append(":- " + str(after[i]) + ", not " + str(after[i - 1]) + ".")
                for make, places in makers:
                    made_for_day = make(day_)
                    self.dependent.append((made_for_day, at[i]))
                    self.carriers[made_for_day] = (key, places)

    def uncertain_dates(self) -> UncertainDates:
        """The uncertain dates as an explanation words them (engine/spans.py)."""
        return UncertainDates(dict(self.uncertain), dict(self.carriers))

    def bulk(self, inline: Collection[tuple[str, int]] = ()) -> tuple[str, dict[tuple[str, int], Sequence[Symbol]]]:
        """The facts as one loading rule per predicate, with its rows: `p(V1,V2) :- (V1,V2) = @rows(p,2).`

        Why: clingo's program parser costs about 5 microseconds a fact; the rows of one
        predicate parse as a single term (clingo.parse_term, of Symbol-rendered text, so
        no rule can be smuggled in) in about a fifth of that, and the grounder takes them
        from a context function. A predicate in `inline` gets no loading rule: the one rule
        that reads it takes its rows itself (rules.Library.inlinable). Choices and dependent
        facts stay program text.
        """
        rules: list[str] = []
        rows: dict[tuple[str, int], Sequence[Symbol]] = {}
        for (name, arity), cells in sorted(self._facts.items()):
            if not cells:
                continue
            if arity == 0:
                rules.append(name + ".")
                continue
            rows[name, arity] = _tuple_of(cells)
            if (name, arity) not in inline:
                variables = ",".join(f"V{i}" for i in range(arity))
                row = variables if arity == 1 else "(" + variables + ")"
                rules.append(f"{name}({variables}) :- {row} = @rows({name},{arity}).")
        rules.append(self._open_program())
        return "\n".join(rules), rows

    def open_signatures(self) -> set[tuple[str, int]]:
        """Predicates some of whose atoms are choices or dependent facts, not rows of a table."""
        return {(sym.name, len(sym.arguments)) for sym in (*self.choices, *(sym for sym, _ in self.dependent))}

    def external_program(self) -> str:
        """Every fact, choice and switchable flag as an external, for a warm session to toggle."""
        atoms = [*self._atoms(self._facts), *map(str, self.choices), *self._atoms(self._off)]
        parts = ["#external " + atom + "." for atom in atoms]
        parts.extend(str(sym) + " :- " + str(anchor) + "." for sym, anchor in self.dependent)
        parts.extend(self.date_rules)
        return "\n".join(parts)


class _Ids(dict):  # type: ignore[type-arg]
    """Id -> its text: an id is a validated plain word, which clingo prints as itself. Checked
    once per distinct id, so a scenario that skipped validation fails here, not in the grounder."""

    def __missing__(self, x: str) -> str:
        if not _plain_word(x):
            raise _not_an_id(x)
        self[x] = x
        return x


class _Days(dict):  # type: ignore[type-arg]
    """Date -> the text of its day number."""

    def __missing__(self, d: dt.date) -> str:
        text = self[d] = str(d.toordinal())
        return text


def _day_of(record: Symbol, key: str) -> Symbol:
    """The name of one uncertain date: `day_of(Record, Field)`."""
    return Function("day_of", [record, Function(key)])


class _Strings(dict):  # type: ignore[type-arg]
    """Text -> the String symbol's text, as clingo escapes it."""

    def __missing__(self, x: str) -> str:
        text = self[x] = str(String(x))
        return text


EVENT_PHRASES = {
    "publish_designation": "the designation of {org} published on {on}",
    "sign_designation": "the designation of {org} signed on {on}",
    "notify_congress": "the notice to Congress about {org} of {on}",
    "publish_amendment": "the amendment of the designation of {org} published on {on}",
    "publish_revocation": "the revocation of the designation of {org} published on {on}",
    "revoke": "the revocation of the designation of {org} decided on {on}",
    "act_of_congress": "the Act of Congress concerning {org} of {on}",
    "file_revocation_petition": "{org}'s petition for revocation filed on {on}",
    "petition_determination": "the determination on {org}'s revocation petition of {on}",
    "five_year_review": "the review of the designation of {org} of {on}",
    "petition_judicial_review": "the petition for judicial review of the designation of {org} filed on {on}",
    "set_aside": "the court order setting aside the designation of {org} of {on}",
    "treasury_blocking_order": "the Treasury order to block {org}'s assets of {on}",
    "designate_sdgt": "the designation of {org} as a Specially Designated Global Terrorist of {on}",
    "revoke_sdgt": "the removal of {org} from the Specially Designated Global Terrorists of {on}",
    "tel_designation": "the designation of {org} on the Terrorist Exclusion List published on {on}",
    "designate_kingpin": "the blocking of {org} under the Foreign Narcotics Kingpin Designation Act of {on}",
    "revoke_kingpin": "the revocation of {org}'s Kingpin Act designation of {on}",
    "designate_eo14059": "the designation of {org} under Executive Order 14059 of {on}",
    "revoke_eo14059": "the removal of {org}'s Executive Order 14059 designation of {on}",
    "remand": "the court's remand of {org}'s case to the Secretary of {on}",
    "notify_congress_revocation": "the notice to Congress of the intended revocation of the designation of {org} of {on}",
    "classified_disclosure_order": "the court's order on classified information in the civil proceeding about {org} of {on}",
}


def event_name(act: str, org: str, on: When) -> str:
    """An event as sentences call it: by what was done, to whom and when (its source is its cite)."""
    phrase = EVENT_PHRASES.get(act, "the {act} concerning {org} on {on}")
    return phrase.format(org=org, on=when_text(on), act=act.replace("_", " "))


ACTOR_FLAGS = ("us_national", "permanent_resident", "stateless_us_resident", "found_in_us", "found_outside_us", "renounced",
               "criminal_defendant", "in_removal_proceedings", "unaware_of_activity", "drug_trafficker",
               "drug_trafficking_aider", "drug_abuser_or_addict", "reasonable_ground_terrorist_activity",
               "incited_terrorist_activity", "incitement_intent_to_kill", "endorses_terrorist_activity")
PRESENCE_FLAGS = ("in_united_states", "admitted", "applicant_abroad", "aged_14_or_older")
UNKNOWN = "unknown"
TRANSACTION_FLAGS = ("knowingly", "attempted", "conspired", "under_direction_of", "coordinated_with",
                     "approved_by_secretary_of_state", "attorney_general_concurred", "affects_commerce",
                     "death_resulted", "willfully")
KNEW_KINDS = ("designated", "terrorist_activity", "terrorism")


def _between_publications(s: Scenario, notice: Event) -> bool:
    """Whether a notice to Congress may fall after one publication of its organization in the scenario
    and on or before another, so that which one it was for is a fact the file may leave open."""
    pubs = [ev for ev in s.events if ev.org == notice.org and ev.act in ("publish_designation", "publish_amendment")]
    first, last = earliest(notice.on), latest(notice.on)
    before = [ev for ev in pubs if last is None or earliest(ev.on) is None or earliest(ev.on) < last]
    after = [ev for ev in pubs if first is None or latest(ev.on) is None or latest(ev.on) >= first]
    return any(a is not b for a in before for b in after)


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
    return clingo.parse_term(naming.holding_cell(i, None))


def unnamed_ids(s: Scenario) -> set[Symbol]:
    """The compound ids of records the file leaves unnamed: holding(N) and ev(N)."""
    ids = {holding_id(i) for i, h in enumerate(s.holdings) if not h.id}
    return ids | {Function("ev", [Number(n)]) for n in event_numbers(s).values()}


def build(s: Scenario, as_of: dt.date | None = None, keep: frozenset[str] | None = None,
          wanted: frozenset[tuple[str, int]] | None = None) -> FactSet:
    """The facts of one scenario as of `as_of` (default: the scenario's); with `keep`, only those predicates.

    `wanted`: the predicates asked about; the dates and offsets of the rules they turn on (all
    rules without it) are where an uncertain date can change an answer."""
    fs = FactSet(unknown_paths=frozenset(s.unknown), keep=keep)
    add, put = fs.add, fs.put
    paths = bool(fs.unknown_paths)  # a fact's path matters only if some path is unknown
    ids, days, strings = _Ids(), _Days(), _Strings()
    when = as_of or s.as_of
    add(Function("as_of", [day(when)]), "as_of")

    display = naming.Names(s)  # the parties' names; a record's is made when looked up
    if fs.reads("name"):
        for ident, text in display.items():
            put("name", 2, ids[ident] + "," + strings[text])

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
        if org.foreign is not True:  # stated not foreign, or unknown: the (c)(3)(C) ground reads it
            add(Function("domestic", [o]), f"{p}.foreign", True if org.foreign is False else org.foreign)
        review = org.review
        add(Function("review_support", [o]), f"{p}.review.substantial_support", review.substantial_support)
        add(Function("review_reasoned", [o]), f"{p}.review.reasoned", review.reasoned)
        add(Function("classified_relied_on", [o]), f"{p}.review.classified", review.classified)
        add(Function("process_before", [o]), f"{p}.review.notice_before", review.notice_before)
        add(Function("earlier_notice_harmful", [o]), f"{p}.review.earlier_notice_harmful", review.earlier_notice_harmful)
        if review.earlier_notice_harmful is not False:  # the later process matters only under NCRI's exception
            add(Function("process_after", [o]), f"{p}.review.notice_after", review.notice_after)
        if review.record_created is not None:
            add(Function("record_stated", [o]), f"{p}.review.record_created")
            add(Function("record_created", [o]), f"{p}.review.record_created", review.record_created)
        if org.statutory_group:
            add(Function("statutory_group", [o, const(org.statutory_group)]), f"{p}.statutory_group")
        if org.terrorist_activity_until:
            fs.dated(_day_of(o, "activity_until"), org.terrorist_activity_until,
                     lambda d, o=o: Function("activity_until", [o, Number(d)]), f"{p}.terrorist_activity_until",
                     f"the last day {display[oid]} engaged in terrorist activity")
        for flag, pred in (("us_presence", "org_us_presence"), ("us_property", "org_us_property")):
            value = getattr(org, flag)
            add(Function(pred, [o]), f"{p}.{flag}", UNKNOWN if value is None else value)
        if org.registry:
            add(Function("registry", [o, String(org.registry)]), f"{p}.registry")
            _registry_events(fs, oid, org.registry, display, s)

    _actors(fs, s, ids, strings, paths, display)

    numbers = event_numbers(s)
    for i, ev in enumerate(s.events):
        e = const(ev.id) if ev.id else Function("ev", [Number(numbers[i])])
        p = f"events.{i}"
        fs.dated(_day_of(e, "on"), ev.on, lambda d, e=e, ev=ev: Function("recorded_event", [e, const(ev.act), const(ev.org), Number(d)]),
                 p, "the date of " + event_name(ev.act, display[ev.org], ev.on))
        add(Function("name", [e, String(event_name(ev.act, display[ev.org], ev.on))]))
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
        if ev.act == "notify_congress" and (ev.notice_for is not None or _between_publications(s, ev)):
            add(Function("notice_for_earlier", [e]), f"{p}.notice_for",
                UNKNOWN if ev.notice_for in (None, UNKNOWN) else ev.notice_for == "earlier_publication")
        if ev.fr_citation:
            add(Function("cite", [e, String(ev.fr_citation)]), f"{p}.fr_citation")
        if ev.alias:
            add(Function("event_alias", [e, const(ev.alias)]), f"{p}.alias")
        if ev.alias_removed:
            add(Function("event_alias_removed", [e, const(ev.alias_removed)]), f"{p}.alias_removed")
        if ev.effective:
            add(Function("revocation_effective", [e, day(ev.effective)]), f"{p}.effective")
        if ev.outcome:
            add(Function("outcome", [e, const(ev.outcome)]), f"{p}.outcome")
        if ev.court:
            add(Function("court", [e, const(ev.court)]), f"{p}.court")
        if ev.act == "set_aside" and ev.final:
            add(Function("final_order", [e]), f"{p}.final")
        for j, ground in enumerate(ev.revocation_grounds):
            add(Function("revocation_finding", [e, const(ground)]), f"{p}.revocation_grounds.{j}")
        if ev.during_trial:
            add(Function("during_trial", [e]), f"{p}.during_trial")
        if ev.served is not None:
            add(Function("service_recorded", [e]), f"{p}.served")
            for j, inst in enumerate(ev.served):
                add(Function("order_served", [e, const(inst)]), f"{p}.served.{j}")

    _transactions(fs, s, ids, days, strings, paths, display)
    _holdings(fs, s, ids, days, paths, display)
    _knowledge(fs, s, ids, paths)

    for sid, sol in s.solicitations.items():
        fs.dated(_day_of(const(sid), "on"), sol.on,
                 lambda d, sid=sid, sol=sol: Function("recorded_solicitation", [const(sid), const(sol.by), const(sol.for_), Number(d)]),
                 f"solicitations.{sid}", f"the date of {display[sid]}")
        add(Function("seeks", [const(sid), const(sol.seeks)]), f"solicitations.{sid}.seeks")

    _drug_activities(fs, s)

    for xid, act in s.acts.items():
        x = const(xid)
        p = f"acts.{xid}"
        fs.dated(_day_of(x, "on"), act.on, lambda d, x=x, act=act: Function("recorded_terror_act", [x, const(act.by), Number(d)]), p,
                 f"the date of {display[xid]}")
        for key in ("planned_on", "authorized_on"):
            if getattr(act, key):
                fs.dated(_day_of(x, key), getattr(act, key), lambda d, x=x, key=key: Function(key, [x, Number(d)]), f"{p}.{key}",
                         f"the day {display[xid]} was {key.removesuffix('_on')}")
        for flag in ("violent", "appears_intended_to_coerce", "transnational", "intended_death_or_injury_to_civilian",
                     "purpose_to_intimidate_or_compel"):
            add(Function(flag, [x]), f"{p}.{flag}", getattr(act, flag))
        for key, pred in (("planned_by", "act_planned_by"), ("authorized_by", "act_authorized_by")):
            for j, who in enumerate(getattr(act, key)):
                add(Function(pred, [x, const(who)]), f"{p}.{key}.{j}")
        if act.transaction:
            add(Function("act_transaction", [x, const(act.transaction)]), f"{p}.transaction")
        if act.contributed_to:
            later = const(act.contributed_to)
            add(Function("contributed_to", [x, later]), f"{p}.contributed_to")
            add(Function("proximate_cause", [x, later]), f"{p}.proximate_cause", _open(act.proximate_cause))
        for j, offense in enumerate(act.offenses):
            add(Function("act_offense", [x, const(offense)]), f"{p}.offenses.{j}")
        add(Function("ina_terrorist_activity", [x]), f"{p}.terrorist_activity", _open(act.terrorist_activity))
        for j, victim in enumerate(act.injured):
            add(Function("injured", [x, const(victim)]), f"{p}.injured.{j}")
        if act.place:
            add(Function("act_place", [x, String(act.place)]), f"{p}.place")
        for key, pred in (("against", "act_against"), ("to_compel", "act_to_compel")):
            for j, kind in enumerate(getattr(act, key)):
                add(Function(pred, [x, const(kind)]), f"{p}.{key}.{j}")
        if act.suit_filed_on:
            fs.dated(_day_of(x, "suit_filed_on"), act.suit_filed_on,
                     lambda d, x=x: Function("recorded_suit_filed", [x, Number(d)]), f"{p}.suit_filed_on",
                     f"the day the action for {display[xid]} was filed")
        add(Function("limitations_tolled", [x]), f"{p}.limitations_tolled", act.limitations_tolled)
    if fs.uncertain:
        _settle_dates(fs, s, when, wanted)
    return fs


LAUNDERING_PREDICATES = ("through", "proceeds_of", "knew_proceeds", "laundering_purpose", "detected_by", "detected_on",
                         "suspect_identified", "sar_filed_on", "conceals", "knew_support_unlawful", "knew_funds_unlawful",
                         "knew_concealed_use", "recipient_knowingly",
                         "ngo_activity", "ransom_for")


def _laundering(fs: FactSet, s: Scenario) -> None:
    """Money-laundering, bank-reporting and terrorism-financing facts of transactions (18 U.S.C. §§ 1956-1957,
    2339C(c), 2339D; 31 C.F.R. § 1020.320).

    Emitted only for transactions that state them: a flag left unknown on every transaction of a large
    scenario would make each one a choice."""
    if not any(fs.reads(pred) for pred in LAUNDERING_PREDICATES):
        return
    for tid, tx in s.transactions.items():
        if not (tx.through or tx.proceeds_of or tx.detected_by or tx.conceals or tx.ngo_activity or tx.ransom_for
                or tx.provides == "military_type_training"):
            continue
        t, p = const(tid), f"transactions.{tid}"
        if tx.ngo_activity:
            fs.add(Function("ngo_activity", [t, const(tx.ngo_activity)]), f"{p}.ngo_activity")
        if tx.ransom_for:
            fs.add(Function("ransom_for", [t, const(tx.ransom_for)]), f"{p}.ransom_for")
        for i, src in enumerate(tx.conceals):
            fs.add(Function("conceals", [t, const(src)]), f"{p}.conceals.{i}")
        if tx.conceals:
            fs.add(Function("knew_support_unlawful", [t]), f"{p}.knew_support_unlawful", tx.knew_support_unlawful)
            fs.add(Function("knew_funds_unlawful", [t]), f"{p}.knew_funds_unlawful", tx.knew_funds_unlawful)
            fs.add(Function("knew_concealed_use", [t]), f"{p}.knew_concealed_use", tx.knew_concealed_use)
        if tx.provides == "military_type_training":
            fs.add(Function("recipient_knowingly", [t]), f"{p}.recipient_knowingly", tx.recipient_knowingly)
        for i, inst in enumerate(tx.through):
            fs.add(Function("through", [t, const(inst)]), f"{p}.through.{i}")
        for i, src in enumerate(tx.proceeds_of):
            fs.add(Function("proceeds_of", [t, const(src)]), f"{p}.proceeds_of.{i}")
        if tx.proceeds_of:
            fs.add(Function("knew_proceeds", [t]), f"{p}.knew_proceeds", tx.knew_proceeds)
            for i, purpose in enumerate(tx.laundering_purpose):
                fs.add(Function("laundering_purpose", [t, const(purpose)]), f"{p}.laundering_purpose.{i}")
        if tx.detected_by:
            fs.add(Function("detected_by", [t, const(tx.detected_by)]), f"{p}.detected_by")
            fs.add(Function("suspect_identified", [t]), f"{p}.suspect_identified", tx.suspect_identified)
            if tx.detected_on:
                fs.add(Function("detected_on", [t, day(tx.detected_on)]), f"{p}.detected_on")
            if tx.sar_filed_on:
                fs.add(Function("sar_filed_on", [t, day(tx.sar_filed_on)]), f"{p}.sar_filed_on")


DRUG_FLAGS = (("knowingly", "drug_knowingly"), ("intends_value", "intends_value"), ("affects_commerce", "drug_commerce"),
              ("attempted", "drug_attempted"), ("conspired", "drug_conspired"), ("death_or_injury", "drug_harm"))


def _drug_activities(fs: FactSet, s: Scenario) -> None:
    """Conduct with controlled substances (21 U.S.C. §§ 841(a), 960a): few records, one fact at a time."""
    for did, drug in s.drug_activities.items():
        x, p = const(did), f"drug_activities.{did}"
        fs.add(Function("recorded_drug_activity", [x, const(drug.by), day(drug.on)]), p)
        fs.add(Function("drug_conduct", [x, const(drug.conduct)]), f"{p}.conduct")
        fs.add(Function("drug_substance", [x, const(drug.substance)]), f"{p}.substance")
        if drug.schedule is not None:
            fs.add(Function("drug_schedule", [x, Number(drug.schedule)]), f"{p}.schedule")
        if drug.quantity_grams is not None:
            fs.add(Function("drug_grams", [x, Number(drug.quantity_grams)]), f"{p}.quantity_grams")
        if drug.value_to:
            fs.add(Function("value_to", [x, const(drug.value_to)]), f"{p}.value_to")
        if drug.place:
            fs.add(Function("drug_place", [x, String(drug.place)]), f"{p}.place")
        for flag, pred in DRUG_FLAGS:
            fs.add(Function(pred, [x]), f"{p}.{flag}", getattr(drug, flag))


@lru_cache(maxsize=64)
def _rule_dates(program: tuple[str, ...]) -> tuple[dates.Offsets, frozenset[int]]:
    return dates.rule_offsets(program), frozenset(dates.rule_days(program))


def _settle_dates(fs: FactSet, s: Scenario, asked: dt.date, wanted: frozenset[tuple[str, int]] | None) -> None:
    """Choose representative days for the uncertain dates: every day the scenario, the registry
    entries it uses and the rules the question turns on name is a place an answer may change
    (engine.dates). A rule the question does not depend on compares no day that can change it."""
    from engine import rules

    offsets, rule_days = _rule_dates(tuple(rules.library().statements(wanted)))
    anchors = {asked.toordinal(), *rule_days, *(d.toordinal() for d in _dates_in(s))}
    for org in s.organizations.values():
        entry = registry.entry(org.registry) if org.registry else None
        anchors.update(ev.on.toordinal() for ev in (entry.events if entry else ()))
    if any(entry.designated == SDGT_SAME_DAY for org in s.organizations.values()
           if org.registry and (entry := registry.entry(org.registry))):
        anchors.add(SDGT_SAME_DAY.toordinal())
    fs.settle_dates(anchors, offsets, asked.toordinal())


def _dates_in(node: Any) -> Iterable[dt.date]:
    """Every date a scenario states, anywhere in it."""
    if isinstance(node, dt.date):
        yield node
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from _dates_in(getattr(node, name))
    elif isinstance(node, dict):
        for value in node.values():
            yield from _dates_in(value)
    elif isinstance(node, (list, tuple)):
        for value in node:
            yield from _dates_in(value)


def _paths(section: str, rows: Iterable[tuple[str | int, Any]], suffix: str, paths: bool) -> list[str] | None:
    """The scenario path of each row's fact, where paths matter (some path is unknown)."""
    return [f"{section}.{key}{suffix}" for key, _ in rows] if paths else None


def _actors(fs: FactSet, s: Scenario, ids: _Ids, strings: _Strings, paths: bool, display: dict[str, str]) -> None:
    """The actors' facts, a predicate at a time (a compliance team's scenario has thousands)."""
    _check_ids(s.actors)
    ids.update(zip(s.actors, s.actors))  # checked all at once: the transactions name them again and again
    items = s.actors.items()
    fs.put_all("actor", 1, list(s.actors))
    if fs.reads("kind"):
        fs.put_all("kind", 2, [f"({aid},{ids[a.kind]})" for aid, a in items], paths=_paths("actors", items, ".kind", paths))
    if fs.reads("country"):
        rows = [(aid, a) for aid, a in items if a.country]
        fs.put_all("country", 2, [f"({aid},{strings[a.country]})" for aid, a in rows],
                   paths=_paths("actors", rows, ".country", paths))
    if fs.reads("recorded_found_in_us"):
        rows = [(aid, a) for aid, a in items if a.found_in_us_on]
        fs.put_all("recorded_found_in_us", 2, [f"({aid},{a.found_in_us_on.toordinal()})" for aid, a in rows],  # type: ignore[union-attr]
                   paths=_paths("actors", rows, ".found_in_us_on", paths))
    if fs.reads("agent_of"):
        rows = [(aid, a) for aid, a in items if a.agent_of]
        fs.put_all("agent_of", 2, [f"({aid},{ids[related_id(a.agent_of)]})" for aid, a in rows],
                   paths=_paths("actors", rows, ".agent_of", paths))
    for flag in ACTOR_FLAGS:
        if fs.reads(flag):
            fs.put_all(flag, 1, list(s.actors), [getattr(a, flag) for _, a in items],
                       _paths("actors", items, "." + flag, paths))
    for flag in PRESENCE_FLAGS:  # not stated of a person: unknown (a company is never admitted or removed)
        if fs.reads(flag):
            rows = [(aid, a) for aid, a in items if a.kind == "person" or getattr(a, flag) is not None]
            fs.put_all(flag, 1, [aid for aid, _ in rows],
                       [UNKNOWN if getattr(a, flag) is None else getattr(a, flag) for _, a in rows],
                       _paths("actors", rows, "." + flag, paths))
    for aid, actor in items:
        p = f"actors.{aid}"
        if actor.exempted_by:
            fs.add(Function("ina_exemption", [const(aid), const(actor.exempted_by)]), f"{p}.exempted_by")
        if actor.exemption_on:
            fs.add(Function("ina_exemption_on", [const(aid), day(actor.exemption_on)]), f"{p}.exemption_on")
        if actor.agent_of is not None:
            _period(fs, "agent", aid, actor.agent_of, f"{p}.agent_of", display)
        for key, (pred, kind) in RELATIONS.items():
            for i, relation in enumerate(getattr(actor, key)):
                fs.add(Function(pred, [const(aid), const(related_id(relation))]), f"{p}.{key}.{i}")
                _period(fs, kind, aid, relation, f"{p}.{key}.{i}", display)
        for i, held in enumerate(actor.custody):
            c, where = Function("held", [const(aid), Number(i + 1)]), f"{p}.custody.{i}"
            fs.dated(_day_of(c, "from"), held.from_,
                     lambda d, c=c, aid=aid, held=held: Function("recorded_custody", [c, const(aid), const(held.where), Number(d)]), where,
                     f"the day {display[aid]} was taken into custody")
            if fs.reads("name"):
                fs.add(Function("name", [c, String(f"the custody of {display[aid]} from {when_text(held.from_)}")]))
            if held.until:
                fs.dated(_day_of(c, "until"), held.until, lambda d, c=c: Function("custody_until", [c, Number(d)]), f"{where}.until",
                         f"the day {display[aid]}'s custody ended")
            if held.by:
                fs.add(Function("custody_by", [c, const(held.by)]), f"{where}.by")
        for owner, share in actor.owned_by.items():  # in basis points: clingo counts in integers
            fs.add(Function("owned_by", [const(aid), const(owner), Number(int(share * 100))]), f"{p}.owned_by.{owner}")
        if actor.fincen_order:
            fs.add(Function("fincen_named", [const(aid), const("order_" + actor.fincen_order)]), f"{p}.fincen_order")
        if actor.spouse_of:
            fs.add(Function("spouse_of", [const(aid), const(actor.spouse_of)]), f"{p}.spouse_of")
        if actor.child_of:
            fs.add(Function("child_of", [const(aid), const(actor.child_of)]), f"{p}.child_of")
        for i, x in enumerate(actor.persuades_support_for):
            fs.add(Function("persuades_support_for", [const(aid), const(x)]), f"{p}.persuades_support_for.{i}")
        if actor.admitted_on:
            fs.add(Function("admitted_on", [const(aid), day(actor.admitted_on)]), f"{p}.admitted_on")
        if actor.incited_terrorist_activity is not False or actor.incited_on is not None:
            # Without a last day given, the day is unknown but not after the scenario's own day: the
            # scenario says whether the person "has incited" as of its as_of.
            fs.dated(_day_of(const(aid), "incited_on"), actor.incited_on or UNKNOWN,
                     lambda d, aid=aid: Function("recorded_incitement", [const(aid), Number(d)]), f"{p}.incited_on",
                     f"the day {display[aid]} incited terrorist activity", by=s.as_of)
        _association(fs, aid, actor, p)
        _alien_enemy_facts(fs, aid, actor, p)
        for i, cv in enumerate(actor.convictions):
            q, n = f"{p}.convictions.{i}", Number(i + 1)
            fs.add(Function("conviction", [const(aid), n, day(cv.on)]), q)
            fs.add(Function("conviction_offense", [const(aid), n, const(cv.offense)]), f"{q}.offense")
            fs.add(Function("small_marijuana_possession", [const(aid), n]), f"{q}.marijuana_30g_or_less", cv.marijuana_30g_or_less)


def _alien_enemy_facts(fs: FactSet, aid: str, actor: Actor, p: str) -> None:
    """50 U.S.C. § 21: citizenship, and the notice and challenge the 2025 rulings turn on."""
    a = const(aid)
    for i, nation in enumerate(actor.nationality):
        fs.add(Function("nationality", [a, String(nation)]), f"{p}.nationality.{i}")
    notice = actor.aea_notice
    if notice is not None:
        q = f"{p}.aea_notice"
        fs.add(Function("recorded_aea_notice", [a, day(notice.on)]), q)
        if notice.removal_on:
            fs.add(Function("aea_removal_scheduled", [a, day(notice.removal_on)]), f"{q}.removal_on")
        fs.add(Function("aea_notice_explains", [a]), f"{q}.explains_how_to_contest", notice.explains_how_to_contest)
    if actor.aea_challenge:
        fs.add(Function("aea_challenge", [a, const(actor.aea_challenge)]), f"{p}.aea_challenge")


def _association(fs: FactSet, aid: str, actor: Actor, p: str) -> None:
    """INA § 212(a)(3)(F): the determination, its maker, its date, and what it found."""
    found = actor.association_determination
    if found is None:
        return
    a, q = const(aid), f"{p}.association_determination"
    fs.add(Function("association_determination", [a, const(found.by), day(found.on)]), q)
    fs.add(Function("association_with", [a, const(found.org)]), f"{q}.org")
    fs.add(Function("association_consulted", [a]), f"{q}.consulted", found.consulted)
    fs.add(Function("association_intent_found", [a]), f"{q}.intent_found", found.intent_found)


RELATION_WORDS = {"member": "a member of", "agent": "an agent of", "representative": "a representative of",
                  "employee": "employed by", "control": "in control of"}
RELATIONS = {"member_of": ("member_of", "member"), "representative_of": ("representative_of", "representative"),
             "employed_by": ("employed_by", "employee"), "controls": ("controls", "control")}
"""Actor keys holding relations: the input predicate of each, and its kind in relation_from/relation_until."""


def _period(fs: FactSet, kind: str, aid: str, relation: Related, path: str, display: dict[str, str]) -> None:
    """The days a dated relation began and ended, as relation_from/4 and relation_until/4."""
    first, last = relation_period(relation)
    other = const(related_id(relation))
    key = Function("relation", [const(kind), const(aid), other])
    if first:
        fs.dated(_day_of(key, "from"), first,
                 lambda d: Function("relation_from", [const(kind), const(aid), other, Number(d)]), f"{path}.from",
                 f"the day {display[aid]} became {RELATION_WORDS[kind]} {display[related_id(relation)]}")
    if last:
        fs.dated(_day_of(key, "until"), last,
                 lambda d: Function("relation_until", [const(kind), const(aid), other, Number(d)]), f"{path}.until",
                 f"the last day {display[aid]} was {RELATION_WORDS[kind]} {display[related_id(relation)]}")


def _transactions(fs: FactSet, s: Scenario, ids: _Ids, days: _Days, strings: _Strings, paths: bool,
                  display: dict[str, str]) -> None:
    """The transactions' facts, a predicate at a time: the bulk of a large scenario, so each
    table is made in one pass over the transactions and handed over whole (FactSet.put_all).
    A transaction whose date is uncertain is made for each day it may be (FactSet.dated)."""
    _check_ids(s.transactions)
    items = s.transactions.items()

    def where(rows: Iterable[tuple[str, Any]], suffix: str) -> list[str] | None:
        return _paths("transactions", rows, suffix, paths)

    if fs.reads("recorded_transaction"):
        fixed = [(tid, tx) for tid, tx in items if isinstance(tx.on, dt.date)]
        fs.put_all("recorded_transaction", 4, [f"({tid},{ids[tx.from_]},{ids[tx.to]},{days[tx.on]})" for tid, tx in fixed],
                   paths=where(fixed, ""))
        for tid, tx in items:
            if not isinstance(tx.on, dt.date):
                fs.dated(_day_of(const(tid), "on"), tx.on, lambda d, tid=tid, tx=tx: Function(
                    "recorded_transaction", [const(tid), const(tx.from_), const(tx.to), Number(d)]), f"transactions.{tid}",
                    f"the date of {display[tid]}")
    if fs.reads("provides"):
        fs.put_all("provides", 2, [f"({tid},{ids[tx.provides]})" for tid, tx in items], paths=where(items, ".provides"))
    if fs.reads("amount"):
        rows = [(tid, tx) for tid, tx in items if tx.amount_usd is not None]
        fs.put_all("amount", 2, [f"({tid},{money.cell(tx.amount_usd)})" for tid, tx in rows], paths=where(rows, ".amount_usd"))
    if fs.reads("gross_gain_or_loss"):  # not stated: no fact, and the fine rules hold the measure open
        rows = [(tid, tx) for tid, tx in items if tx.gross_gain_or_loss_usd != UNKNOWN]
        fs.put_all("gross_gain_or_loss", 2, [f"({tid},{money.cell(tx.gross_gain_or_loss_usd)})" for tid, tx in rows],
                   paths=where(rows, ".gross_gain_or_loss_usd"))
    if fs.reads("place"):
        rows = [(tid, tx) for tid, tx in items if tx.place]
        fs.put_all("place", 2, [f"({tid},{strings[tx.place]})" for tid, tx in rows], paths=where(rows, ".place"))
    if fs.reads("on_board"):
        rows = [(tid, tx) for tid, tx in items if tx.on_board]
        fs.put_all("on_board", 2, [f"({tid},{tx.on_board})" for tid, tx in rows], paths=where(rows, ".on_board"))
    if fs.reads("purpose"):
        rows = [(tid, tx) for tid, tx in items if tx.purpose]
        fs.put_all("purpose", 2, [f"({tid},{ids[tx.purpose]})" for tid, tx in rows], paths=where(rows, ".purpose"))
    tids = list(s.transactions)
    for flag in TRANSACTION_FLAGS:
        if fs.reads(flag):
            fs.put_all(flag, 1, tids, [getattr(tx, flag) for _, tx in items], where(items, "." + flag))
    if fs.reads("under_duress"):  # not stated: claimed if the facts of a threat are given, else not shown
        fs.put_all("under_duress", 1, tids, [tx.duress is not None if tx.under_duress is None else tx.under_duress
                                             for _, tx in items], where(items, ".under_duress"))
    for tid, tx in items:
        if tx.for_act or tx.intended_to_further or tx.duress or tx.under_duress in (True, UNKNOWN) or tx.necessity or tx.circuit:
            _intent_and_defences(fs, tid, tx)
    _laundering(fs, s)
    for tid, tx in items:
        if tx.firearm is not None:
            _firearm(fs, tid, tx.firearm)
    if fs.reads("drug_proceeds") or fs.reads("recipient_knew_drug_source"):
        for tid, tx in items:
            if tx.drug_proceeds is not None:
                t, p = const(tid), f"transactions.{tid}"
                fs.add(Function("drug_proceeds", [t]), f"{p}.drug_proceeds", tx.drug_proceeds)
                fs.add(Function("recipient_knew_drug_source", [t]), f"{p}.recipient_knew_drug_source",
                       tx.recipient_knew_drug_source)
    aiding = (("substantial", "assistance_substantial"), ("culpable", "participation_culpable"),
              ("generic_service", "generic_service"), ("conspired_with_perpetrator", "conspired_with_perpetrator"))
    if not (fs.reads("aids_act") or any(fs.reads(pred) for _, pred in aiding)):
        return
    for tid, tx in items:
        if tx.aids_act:
            t, p = const(tid), f"transactions.{tid}"
            fs.add(Function("aids_act", [t, const(tx.aids_act)]), f"{p}.aids_act")
            for flag, pred in aiding:
                fs.add(Function(pred, [t]), f"{p}.{flag}", getattr(tx, flag))


FIREARM_FLAGS = (("automatic", "firearm_automatic"), ("purchased_for_recipient", "purchased_for_recipient"),
                 ("giver_had_reason_to_believe", "reason_to_believe_use"), ("will_be_used_in_crime", "will_be_used_in_crime"),
                 ("intent_to_promote", "intent_to_promote"), ("exported", "exported"), ("export_license", "export_licensed"),
                 ("ear_license_required", "ear_license_required"), ("during_drug_trafficking_crime", "in_drug_trafficking_crime"))


def _firearm(fs: FactSet, tid: str, firearm: Firearm) -> None:
    """A firearm transaction's facts: its kind, the giver's knowledge and intent, the export."""
    t, p = const(tid), f"transactions.{tid}.firearm"
    fs.add(Function("firearm_transfer", [t]), p)
    for field_name, pred in FIREARM_FLAGS:
        fs.add(Function(pred, [t]), f"{p}.{field_name}", getattr(firearm, field_name))
    for i, use in enumerate(firearm.recipient_use):
        fs.add(Function("recipient_use", [t, const(use)]), f"{p}.recipient_use.{i}")


DURESS_FLAGS = {"imminent": "duress_imminent", "well_grounded_fear": "fear_well_grounded", "could_escape": "could_escape",
                "could_report": "could_report", "recklessly_placed": "recklessly_placed"}
NECESSITY_FLAGS = {"lesser_evil": "lesser_evil", "imminent": "necessity_imminent", "would_prevent": "would_prevent",
                   "legal_alternative": "legal_alternative"}


def _open(value: Tri | None) -> Tri:
    """A fact a record leaves out is unknown."""
    return UNKNOWN if value is None else value


def _intent_and_defences(fs: FactSet, tid: str, tx: Transaction) -> None:
    """What the giver meant and knew about the use of the support; the facts of duress and necessity."""
    t, p = const(tid), f"transactions.{tid}"
    if tx.for_act and tx.for_escape:  # § 2339A(a)'s escape limb: the support is for no act itself, so no other law reads it
        x = const(tx.for_act)
        fs.add(Function("escape_support_for", [t, x]), f"{p}.for_escape")
        fs.add(Function("intended_escape_use", [t, x]), f"{p}.intended_use", _open(tx.intended_use))
        fs.add(Function("knew_escape_use", [t, x]), f"{p}.knew_use", _open(tx.knew_use))
    elif tx.for_act:
        x = const(tx.for_act)
        fs.add(Function("support_for", [t, x]), f"{p}.for_act")
        fs.add(Function("intended_use", [t, x]), f"{p}.intended_use", _open(tx.intended_use))
        fs.add(Function("knew_use", [t, x]), f"{p}.knew_use", _open(tx.knew_use))
        for key in ("recipient_intended_use", "recipient_knew_use"):  # § 2339C(e)(5): receiving is collecting
            fs.add(Function(key, [t, x]), f"{p}.{key}", _open(getattr(tx, key)))
        fs.add(Function("recipient_willfully", [t]), f"{p}.recipient_willfully", _open(tx.recipient_willfully))
    if tx.intended_to_further:
        fs.add(Function("intended_to_further", [t, const(tx.intended_to_further)]), f"{p}.intended_to_further")
    if tx.circuit:
        fs.add(Function("forum_circuit", [t, const(tx.circuit)]), f"{p}.circuit")
    if tx.duress or tx.under_duress in (True, UNKNOWN):  # a claim of duress whose facts are not given: all unknown
        d, q = tx.duress or Duress(), f"{p}.duress"
        fs.add(Function("serious_threat", [t]), f"{q}.threat", UNKNOWN if d.threat is None else d.threat != "lesser_harm")
        fs.add(Function("threat_to_self_or_family", [t]), f"{q}.against",
               UNKNOWN if d.against is None else d.against != "other")
        if d.threatened_by:
            fs.add(Function("threatened_by", [t, const(d.threatened_by)]), f"{q}.threatened_by")
        for key, pred in DURESS_FLAGS.items():
            fs.add(Function(pred, [t]), f"{q}.{key}", _open(getattr(d, key)))
    if tx.necessity:
        fs.add(Function("necessity_claimed", [t]), f"{p}.necessity")
        for key, pred in NECESSITY_FLAGS.items():
            fs.add(Function(pred, [t]), f"{p}.necessity.{key}", _open(getattr(tx.necessity, key)))


def _holdings(fs: FactSet, s: Scenario, ids: _Ids, days: _Days, paths: bool, display: dict[str, str]) -> None:
    """The holdings' facts, a predicate at a time (a bank's scenario has thousands)."""
    rows = [(i, naming.holding_cell(i, h.id and ids[h.id]), h) for i, h in enumerate(s.holdings)]

    def where(chosen: list[tuple[int, str, Holding]], suffix: str) -> list[str] | None:
        return _paths("holdings", ((i, h) for i, _, h in chosen), suffix, paths)

    if fs.reads("recorded_holding"):
        fixed = [row for row in rows if isinstance(row[2].since, dt.date)]
        fs.put_all("recorded_holding", 5, [f"({ht},{ids[h.institution]},{ids[h.owner]},{money.cell(h.amount_usd)},{days[h.since]})"
                                  for _, ht, h in fixed], paths=where(fixed, ""))
        for i, ht, h in rows:
            if not isinstance(h.since, dt.date):
                hs = clingo.parse_term(ht)
                fs.dated(_day_of(hs, "since"), h.since, lambda d, hs=hs, h=h: Function("recorded_holding", [
                    hs, const(h.institution), const(h.owner), money.term(money.cents(h.amount_usd)), Number(d)]), f"holdings.{i}",
                    f"the day {display[h.institution]} began to hold {display[ht]}")
    for key, pred in (("aware_on", "recorded_aware_on"), ("reported_on", "recorded_reported_on")):
        if fs.reads(pred):
            chosen = [row for row in rows if isinstance(getattr(row[2], key), dt.date)]
            fs.put_all(pred, 2, [f"({ht},{days[getattr(h, key)]})" for _, ht, h in chosen], paths=where(chosen, "." + key))
            for i, ht, h in rows:
                if getattr(h, key) is not None and not isinstance(getattr(h, key), dt.date):
                    hs = clingo.parse_term(ht)
                    fs.dated(_day_of(hs, key), getattr(h, key), lambda d, hs=hs, pred=pred: Function(pred, [hs, Number(d)]),
                             f"holdings.{i}.{key}", f"the day {display[h.institution]} {'became aware of' if key == 'aware_on' else 'reported'} {display[ht]}")
    for flag in ("retained", "licensed"):
        if fs.reads(flag):
            fs.put_all(flag, 1, [ht for _, ht, _ in rows], [getattr(h, flag) for _, _, h in rows], where(rows, "." + flag))


def _knowledge(fs: FactSet, s: Scenario, ids: _Ids, paths: bool) -> None:
    """What each actor knew of each organization, a predicate at a time."""
    pairs = [ids[k.actor] + "," + ids[k.org] for k in s.knowledge]

    def where(suffix: str) -> list[str] | None:
        return _paths("knowledge", enumerate(s.knowledge), suffix, paths)

    def knew(k: Knowledge, kind: str) -> Tri:
        return "unknown" if k.knew == "unknown" else kind in (k.knew if isinstance(k.knew, list) else [k.knew])

    if fs.reads("knowledge_recorded") or paths:  # first: it anchors the details of an unknown entry
        fs.put_all("knowledge_recorded", 2, [f"({pair})" for pair in pairs], paths=where(""))
    if fs.reads("knew"):
        for kind in KNEW_KINDS:
            fs.put_all("knew", 3, [f"({pair},{kind})" for pair in pairs], [knew(k, kind) for k in s.knowledge],
                       where(".knew"))
    if fs.reads("should_have_known"):
        fs.put_all("should_have_known", 2, [f"({pair})" for pair in pairs],
                   [k.should_have_known for k in s.knowledge], where(".should_have_known"))


def _registry_events(fs: FactSet, oid: str, reg_id: str, display: dict[str, str], s: Scenario) -> None:
    """The real designation, amendment, review and revocation events of a registry entry."""
    named = tuple(sorted((aid, org.name.casefold()) for aid, org in s.organizations.items() if org.alias_of == oid and org.name))
    for sym, cell, path in _registry_facts(oid, reg_id, display[oid], named):
        fs.add(sym, path, cell=cell)


Emit = Callable[..., None]
"""Adds one fact (a Symbol, with its scenario path where it has one)."""


@lru_cache(maxsize=512)
def _registry_facts(oid: str, reg_id: str, shown: str, named: tuple[tuple[str, str], ...]) -> tuple[tuple[Symbol, Cell, str], ...]:
    """`_registry_events`' facts, made once per organization, entry, display name and named aliases
    (`named`: the scenario's organizations that are aliases of it, with their casefolded names), each
    with its table cell: a warm what-if builds every fact again, and the registry's were 2.5 ms of its 16."""
    entry = registry.entry(reg_id)
    assert entry is not None  # checked by scenario validation
    out: list[tuple[Symbol, Cell, str]] = []

    def add(sym: Symbol, path: str = "") -> None:
        out.append((sym, _cell(sym), path))

    o = const(oid)
    listed: dict[dt.date, list[str]] = {}  # the day an amendment listed each of the scenario's names
    delisted: dict[dt.date, list[str]] = {}
    for alias in entry.aliases:
        for aid, text in named:
            if text in (n.casefold() for n in alias.names):
                listed.setdefault(alias.added, []).append(aid)
                if alias.removed:
                    delisted.setdefault(alias.removed, []).append(aid)
    for k, ev in enumerate(entry.events, start=1):
        e = Function("reg", [o, Number(k)])
        add(Function("recorded_event", [e, const(ev.kind), o, day(ev.on)]), f"organizations.{oid}.registry")
        add(Function("from_registry", [e]))
        _event_sources(add, e, ev)
        add(Function("describes", [e, String(ev.description)]))
        add(Function("name", [e, String(event_name(ev.kind, shown, ev.on))]))
        if ev.by:
            add(Function("event_by", [e, const(ev.by)]))
        if ev.kind == "publish_amendment":
            for aid in listed.pop(ev.on, []):
                add(Function("event_alias", [e, const(aid)]))
            for aid in delisted.pop(ev.on, []):
                add(Function("event_alias_removed", [e, const(aid)]))
    for k, (ev, aids, pred) in enumerate(_alias_amendments(entry, listed, delisted), start=len(entry.events) + 1):
        # An amendment the aliases table dates but the entry's own timeline does not list.
        e = Function("reg", [o, Number(k)])
        add(Function("recorded_event", [e, const(ev.kind), o, day(ev.on)]), f"organizations.{oid}.registry")
        add(Function("from_registry", [e]))
        _event_sources(add, e, ev)
        add(Function("name", [e, String(event_name(ev.kind, shown, ev.on))]))
        for aid in aids:
            add(Function(pred, [e, const(aid)]))
    _registry_sdgt(add, o, oid, entry, shown)
    return tuple(out)


def _event_sources(add: Emit, e: Symbol, ev: registry.RegistryEvent) -> None:
    """An event's citation, and the registry's note of a secondary source (a caveat, never a cite)."""
    if ev.authority:
        add(Function("cite", [e, String(ev.authority)]))
    if ev.source_note:
        add(Function("source_note", [e, String(ev.source_note)]))


def _alias_amendments(entry: registry.Entry, listed: dict[dt.date, list[str]],
                      delisted: dict[dt.date, list[str]]) -> list[tuple[registry.RegistryEvent, list[str], str]]:
    """The listings and delistings left over once the entry's own amendments are matched, by day."""
    cites = {a.added: a.added_citation for a in entry.aliases} | {a.removed: a.removed_citation for a in entry.aliases if a.removed}

    def amendment(on: dt.date, what: str) -> registry.RegistryEvent:
        return registry.RegistryEvent("publish_amendment", on, what, cites[on])

    return sorted([(amendment(on, "aliases listed"), aids, "event_alias") for on, aids in listed.items()] +
                  [(amendment(on, "aliases removed"), aids, "event_alias_removed") for on, aids in delisted.items()],
                  key=lambda row: (row[0].on, row[2]))


SDGT_SAME_DAY = dt.date(2025, 2, 20)
"""The eight cartel/gang FTO designations published 2025-02-20 were SDGT designations the same day."""


def _registry_sdgt(add: Emit, o: Symbol, oid: str, entry: registry.Entry, shown: str) -> None:
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
        add(Function("recorded_event", [e, const("designate_sdgt"), o, day(SDGT_SAME_DAY)]), f"organizations.{oid}.registry")
        add(Function("event_by", [e, const("secretary_of_state")]))
        add(Function("from_registry", [e]))
        add(Function("cite", [e, String("FR Doc. 2025-02870")]))
        add(Function("name", [e, String(f"the designation of {shown} as a Specially Designated Global "
                                           f"Terrorist published on {SDGT_SAME_DAY.isoformat()}")]))
    else:
        add(Function("registry_sdgt", [o]), f"organizations.{oid}.registry")
