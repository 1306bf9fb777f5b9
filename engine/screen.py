"""Screening a ledger: every transaction and holding, and every conclusion the rules draw about it.

Which conclusions a row gets is read from the rule book, not listed here: an askable conclusion
concerns a transaction (or a holding) when every rule that concludes it binds one of its
arguments to the id of a `transaction/4` (or `holding/5`) record, the dated views of
rules/record.lp. So a conclusion added to the rules appears as a column of its own.

The ledger is cut into partitions, each the base scenario plus a block of rows and the parties,
agent chains and knowledge those rows reach (the base, parties and knowledge are sent to each
process once, `Shared`, and a partition carries only its rows), and each is
solved on its own by the engine's whole-scenario analysis (`Solver(only=...)`, `statuses`):
the law is the rules', a partition's answers are read off its solve. Transactions are put in
partitions by their recipient, so rows that a rule joins (co-conspirators paying the same
recipient, § 2339B(d)(1)(F)) are always solved together; the partitioning depends on the rows
alone, so a run on one process and one on a cluster give the same answers row for row.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import tempfile
import zlib
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

from clingo.ast import ASTType
from clingo.symbol import Function, Symbol, SymbolType

from engine import ledger as ledger_mod
from engine.errors import InputError
from engine.rules import Library, RuleSpec
from engine.scenario import Scenario

RECORDS = {("transaction", 4): "transaction", ("holding", 5): "holding"}
"""The dated records (rules/record.lp) whose first argument is the id of a ledger row."""

RANK = {"no": 0, "depends": 1, "yes": 2}
BLOCK_ROWS = 4000
"""Rows per partition. Why not one partition for the whole ledger: finding which answers depend
on open facts takes one solve per model the solver must enumerate, and their number grows with the
open facts in a partition, so the cost of one big partition grows faster than its rows."""


@dataclass(frozen=True)
class Conclusion:
    """An askable conclusion about a ledger row: which argument is the row's id, and which of its
    arguments the row's own record fixes (the others, such as an organization, vary)."""

    name: str
    arity: int
    record: str
    position: int
    bound: tuple[int | None, ...]
    cites: tuple[str, ...]

    @property
    def signature(self) -> tuple[str, int]:
        return (self.name, self.arity)


_FOUND: dict[int, tuple[Library, list[Conclusion]]] = {}


def conclusions(library: Library) -> list[Conclusion]:
    """The row conclusions of the rule book, in the order of `Library.asks` (by name); read once
    per rule book (each partition's solve asks again)."""
    held = _FOUND.get(id(library))
    if held is None or held[0] is not library:
        held = _FOUND[id(library)] = (library, _conclusions(library))
    return held[1]


def _conclusions(library: Library) -> list[Conclusion]:
    out = []
    for spec in library.asks():
        rules = library.rules_for(spec.signature)
        found = [_binding(rule) for rule in rules]
        if not found or any(f is None for f in found):
            continue
        kinds = {(f[0], f[1]) for f in found if f}
        if len(kinds) != 1:
            continue
        record, position = kinds.pop()
        bound = tuple(found[0][2][i] if all(f[2][i] == found[0][2][i] for f in found) else None  # type: ignore[index]
                      for i in range(len(spec.params)))
        cites = tuple(dict.fromkeys(r.cite for r in rules))
        out.append(Conclusion(spec.name, len(spec.params), record, position, bound, cites))
    return out


def _binding(rule: RuleSpec) -> tuple[str, int, tuple[int | None, ...]] | None:
    """(record, position of the row id in the head, for each head argument the record argument it
    is bound to), if a positive body literal of a record binds a head argument to its id."""
    head = rule.head
    if head is None or head.ast_type != ASTType.Function:
        return None
    head_vars = [a.name if a.ast_type == ASTType.Variable else None for a in head.arguments]
    for lit in rule.body:
        if lit.ast_type != ASTType.Literal or lit.sign != 0 or lit.atom.ast_type != ASTType.SymbolicAtom:
            continue
        sym = lit.atom.symbol
        if sym.ast_type != ASTType.Function or (sym.name, len(sym.arguments)) not in RECORDS:
            continue
        args = [a.name if a.ast_type == ASTType.Variable else None for a in sym.arguments]
        if args[0] is None or args[0] not in head_vars:
            continue
        bound = tuple(args.index(v) if v is not None and v in args else None for v in head_vars)
        return RECORDS[(sym.name, len(sym.arguments))], head_vars.index(args[0]), bound
    return None


REACH = ("acts_for", 2)
"""Whom a row reaches: the organizations its recipient (or a holding's owner) acts for (rules/parties.lp)."""
DEADLINE = ("report_deadline", 2)
"""A holding's reporting deadline (rules/financial.lp)."""


def wanted(found: Sequence[Conclusion]) -> list[tuple[str, int]]:
    return [*(c.signature for c in found), REACH, DEADLINE]


@dataclass(slots=True)
class Row:
    """One result row: a transaction's or a holding's answers (slotted: a million of them are held
    until the results are written)."""

    id: str
    record: str
    parties: tuple[str, ...] = ()
    reaches: list[str] = field(default_factory=list)
    answers: dict[str, str] = field(default_factory=dict)
    deadline: str = ""
    cites: list[str] = field(default_factory=list)
    deciding: list[str] = field(default_factory=list)


@dataclass
class Partition:
    """A block of rows, solved on its own (in a form that travels to another process)."""

    number: int
    transactions: ledger_mod.Rows
    holdings: list[Any]

    def __len__(self) -> int:
        return len(self.transactions) + len(self.holdings)

    def rows(self) -> Iterator[tuple[str, str, tuple[str, str], set[int]]]:
        """(id, record, parties, days) of each row."""
        for t in self.transactions.peeks():
            yield t.id, "transaction", (t.from_, t.to), {_day(t.on)}
        for h in self.holdings:
            yield h.id, "holding", (h.institution, h.owner), {_day(d) for d in (h.since, h.aware_on, h.reported_on)
                                                              if isinstance(d, dt.date)}


def partitions(ledger: ledger_mod.Ledger, block_rows: int = BLOCK_ROWS) -> list[Partition]:
    """The ledger's rows in blocks of about `block_rows`: transactions by recipient (a stable hash,
    so the same ledger always gives the same blocks), holdings by their id. The base scenario's own
    transactions and holdings are rows too."""
    base = ledger_mod.Rows(ledger_mod.TransactionRow)
    for row in _base_rows(ledger.base):
        base.append(row)
    table = ledger.transactions.rows if ledger.transactions else base.subset([])
    hs = [*_base_holdings(ledger.base), *(ledger.holdings.rows if ledger.holdings else [])]
    count = max(1, -(-(len(base) + len(table) + len(hs)) // block_rows))
    chosen: list[list[Any]] = [[] for _ in range(count)]
    for rows in (base, table):  # the rows stay compact (engine/ledger.py's Rows), read in place
        for item, t in zip(rows.items, rows.peeks()):
            chosen[zlib.crc32(t.to.encode()) % count].append(item)
    parts = [Partition(i, table.subset(chosen[i]), []) for i in range(count)]
    for h in hs:
        parts[zlib.crc32(h.id.encode()) % count].holdings.append(h)
    return [p for p in parts if len(p)]


def _base_rows(base: Scenario) -> list[Any]:
    return [ledger_mod.TransactionRow.model_construct(_fields_set=tx.model_fields_set | {"id"}, id=tid,
                                                      **{k: getattr(tx, k) for k in type(tx).model_fields})
            for tid, tx in base.transactions.items()]


def _base_holdings(base: Scenario) -> list[Any]:
    return [h for h in base.holdings if h.id]  # a holding without an id is no ledger row


def partition_scenario(ledger: ledger_mod.Ledger, part: Partition) -> Scenario:
    own = ledger.base.transactions
    extra = [t for t in part.transactions if t.id not in own]
    base_holdings = {id(h) for h in ledger.base.holdings}
    return ledger_mod.scenario_for(ledger, extra, [h for h in part.holdings if id(h) not in base_holdings])


@dataclass(frozen=True)
class Shared:
    """What every partition needs, sent once to each process rather than with every partition: the
    base scenario, the parties and what they knew (the ledger without its transactions and holdings)."""

    ledger: ledger_mod.Ledger
    source: str
    as_of: dt.date | None


def shared(ledger: ledger_mod.Ledger, source: str, as_of: dt.date | None) -> Shared:
    kept = ledger_mod.Ledger(ledger.base, parties=ledger.parties, knowledge=ledger.knowledge)
    return Shared(kept, source, as_of)


def _day(d: Any) -> int:
    return d.toordinal() if isinstance(d, dt.date) else -1


_FROZEN: list[int] = []  # the id of the Shared whose process's heap was last frozen


def _out_of_collectors_sight(common: Shared) -> None:
    """Freeze the heap once per Shared in each process (gc.freeze), after a collection. Why: the
    ledger's parties and base (1e5 rows are millions of objects) live as long as the screen, and
    every full pass of the cyclic collector walked them all again; a partition's own objects, made
    afterwards, are still collected as usual. At 1e5 transactions this cut the solve from 65 to 46 s
    of CPU."""
    if _FROZEN != [id(common)]:
        gc.collect()
        gc.freeze()
        _FROZEN[:] = [id(common)]


def solve(part: Partition, common: Shared) -> list[Row]:
    """One partition's rows: its solve, read back row by row. Runs in any process."""
    from engine import rules
    from engine.solve import Solver

    _out_of_collectors_sight(common)
    library = rules.library()
    found = conclusions(library)
    only = wanted(found)
    scenario = partition_scenario(common.ledger, part)
    solver = Solver(scenario, common.as_of, provenance=False, source=common.source, only=only)
    statuses = solver.statuses(only)
    by_row: dict[str, list[tuple[Conclusion, Symbol, str]]] = {}
    by_sig = {c.signature: c for c in found}
    reach: dict[str, list[str]] = {}
    deadlines: dict[str, list[str]] = {}
    for atom, status in statuses.items():
        args = atom.arguments  # each read of it builds the list anew through clingo's C API
        sig = (atom.name, len(args))
        if sig == REACH:
            who, org = (str(a) for a in args)
            reach.setdefault(who, []).append(org if status == "yes" else f"{org} (depends)")
        elif sig == DEADLINE:
            day = dt.date.fromordinal(args[1].number).isoformat()
            deadlines.setdefault(str(args[0]), []).append(day if status == "yes" else f"{day} (depends)")
        else:
            c = by_sig[sig]
            by_row.setdefault(str(args[c.position]), []).append((c, atom, status))
    deciding = _Deciding(library, solver, scenario)
    names = {record: [c.name for c in found if c.record == record] for record in RECORDS.values()}
    out = []
    pending: list[tuple[Row, list[Symbol], set[str], set[int]]] = []
    # Rows share their answers, cites and reach when they are equal (few patterns among many rows):
    # a dict of thirty answers a row would be most of a million-row screen's memory.
    alike: dict[object, Any] = {}
    for ident, record, parties, days in part.rows():
        row = Row(ident, record, parties)
        reached = sorted(set(reach.get(parties[1], [])))
        row.reaches = alike.setdefault(("reaches", *reached), reached)
        found_here = by_row.get(ident, [])
        held: dict[str, str] = {}
        for c, _, status in found_here:  # yes if some atom about the row holds, else depends if one may
            if RANK[status] > RANK[held.get(c.name, "no")]:
                held[c.name] = status
        values = tuple(held.get(name, "no") for name in names[record])
        row.answers = alike.get((record, values)) or alike.setdefault((record, values), dict(zip(names[record], values)))
        cites = list(dict.fromkeys(cite for c, _, _ in found_here for cite in c.cites))
        row.cites = alike.setdefault(("cites", *cites), cites)
        row.deadline = "; ".join(sorted(set(deadlines.get(ident, [])))) if record == "holding" else ""
        depends = [atom for c, atom, status in found_here if status == "depends"]
        if depends:
            pending.append((row, depends, {ident, *deciding.kin(parties), *(o.split(" ")[0] for o in reached)}, days))
        out.append(row)
    deciding.settle(only, pending)
    return out


class _Deciding:
    """The open facts a `depends` row turns on, phrased as questions.

    Why not the solver's search for the smallest deciding sets, as `fto ask` does: it takes
    several solves per answer, and a ledger has thousands of `depends`. Instead, for each
    `depends` conclusion about a row, its candidates: the open atoms (unknown facts, undated
    listings, open points of law) that the rule book lets the conclusion depend on
    (Library.needed) and that are about this row — about its own record, its parties, the
    organizations it reaches or its days, or about no scenario id at all (a reading of the law).
    Then the solver settles which of them decide it: the open atoms of one kind (a predicate;
    a reading of the law on its own) are assumed true together, then false together, in one
    whole-partition analysis each way, and a candidate decides the conclusion when it is `yes`
    or `no` both ways. A conclusion no single candidate settles lists them all (they decide it
    together). `fto screen --explain ID` gives the exact deciding sets, as `fto ask` does.
    """

    def __init__(self, library: Library, solver: Any, scenario: Scenario) -> None:
        self.library = library
        self.solver = solver
        self.words: dict[Symbol, str] = {}
        s = scenario
        self.ids = {*s.organizations, *s.actors, *s.transactions, *s.acts, *s.solicitations,
                    *(e.id for e in s.events if e.id), *(h.id for h in s.holdings if h.id)}
        self.actors = s.actors
        self._kin: dict[str, frozenset[str]] = {}
        # Each open atom once: the ids and days it names, filed under an id it names (`near`), so a
        # row looks only at the open atoms about its own ids and days. Each is read once here: every
        # name or argument asked of a Symbol is a call into clingo.
        self.open: list[tuple[Symbol, frozenset[str], frozenset[int]]] = []
        self.by_anchor: dict[object, list[int]] = {}
        self.kinds: list[object] = []  # of each open atom: what it is fixed together with (settle)
        self.by_signature: dict[tuple[str, int], list[int]] = {}
        self._texts: dict[int, tuple[str, ...]] = {}  # arguments' text, read only where a rule's call names a constant
        organizations = set(s.organizations)
        for atom in solver.open_atoms:
            ids: set[str] = set()
            days: set[int] = set()
            name, args = atom.name, atom.arguments
            self._names(args, ids, days)
            at = len(self.open)
            others = frozenset(ids - organizations)
            # Filed under each party or record it names, else under each organization it names (an
            # atom about another party and an organization the row reaches is no question of the
            # row's), else under one of its days, or under None.
            for anchor in others or ids or [min(days) if days else None]:
                self.by_anchor.setdefault(anchor, []).append(at)
            # Open atoms fixed together: those of one predicate; a fact about no scenario id on its own.
            self.kinds.append((name, len(args)) if ids or days else at)
            self.by_signature.setdefault((name, len(args)), []).append(at)
            self.open.append((atom, frozenset(ids), frozenset(days)))
        self.relevant: dict[tuple[str, int], frozenset[int]] = {}

    def _names(self, args: Sequence[Symbol], ids: set[str], days: set[int]) -> None:
        for arg in args:
            kind = arg.type
            if kind == SymbolType.Number:
                days.add(arg.number)
            elif kind == SymbolType.Function:
                inner = arg.arguments
                if inner:
                    self._names(inner, ids, days)
                elif arg.name in self.ids:
                    ids.add(arg.name)

    def _relevant_to(self, sig: tuple[str, int]) -> frozenset[int]:
        """The open atoms (by position) that the rule book lets `sig` depend on (Library.needed)."""
        if sig not in self.relevant:
            calls = self.library.calls(frozenset({sig}))  # reading(x) is not relevant where only reading(y) is read
            found: list[int] = []
            for (name, arity), at in self.by_signature.items():
                every = calls.reads_every((name, arity))
                if every:
                    found.extend(at)
                elif every is None:
                    found.extend(i for i in at if calls.reads(name, self._text(i)))
            self.relevant[sig] = frozenset(found)
        return self.relevant[sig]

    def _text(self, i: int) -> tuple[str, ...]:
        if i not in self._texts:
            self._texts[i] = tuple(str(a) for a in self.open[i][0].arguments)
        return self._texts[i]

    def kin(self, parties: Iterable[str]) -> set[str]:
        """These parties and every party they reach (engine/ledger.py's `kin`), each party's once."""
        out: set[str] = set()
        for party in parties:
            if party not in self._kin:
                self._kin[party] = frozenset(ledger_mod.kin([party], self.actors.get) or {party})
            out |= self._kin[party]
        return out

    def near(self, names: set[str], days: set[int]) -> list[int]:
        """The open atoms (by position) about these days and some of these ids: one that names a
        party or record names one of the row's (`in_fact_same(party, entry)`: the entry is no
        organization the row is known to reach; not `should_have_known(other, org)`: another
        giver's knowledge is no question of this row's, though it names an organization the row
        reaches)."""
        found = {i for anchor in (None, *names, *days) for i in self.by_anchor.get(anchor, ())}
        return sorted(i for i in found if self.open[i][2] <= days)

    def candidates(self, atom: Symbol, near: list[int]) -> list[int]:
        """Those of the open atoms `near` a row that `atom` may turn on."""
        relevant = self._relevant_to((atom.name, len(atom.arguments)))
        return [i for i in near if i in relevant]

    def settle(self, only: list[tuple[str, int]], pending: list[tuple[Row, list[Symbol], set[str], set[int]]]) -> None:
        """Each pending row's deciding questions (see the class): its candidates that the solver
        finds settle one of its `depends` conclusions."""
        asked = []
        for row, depends, names, days in pending:
            near = self.near(names, days)
            asked.append((row, [(atom, self.candidates(atom, near), names) for atom in depends]))
        kinds: dict[object, dict[Symbol, None]] = {}
        for _, found in asked:
            for _, cands, names in found:
                if self._doubtful(cands, names):
                    for i in cands:
                        kinds.setdefault(self.kinds[i], {})[self.open[i][0]] = None
        # Each kind taken true, then false (None where no reading allows it), all solved together.
        found = self.solver.statuses_each(only, [[(a, value) for a in atoms] for atoms in kinds.values()
                                                 for value in (True, False)]) if kinds else []
        fixed = {kind: found[2 * i:2 * i + 2] for i, kind in enumerate(kinds)}
        for row, found in asked:
            out: list[str] = []
            for atom, cands, names in found:
                if self._doubtful(cands, names):
                    by_kind = {kind: [None if st is None else st.get(atom, "no") for st in fixed[kind]]
                               for kind in {self.kinds[i] for i in cands}}
                    ways = {i: by_kind[self.kinds[i]] for i in cands}
                    settle = [i for i in cands if None not in ways[i] and "depends" not in ways[i]]
                    # else those whose fixing changes the answer at all; a fact that changes nothing is left out
                    cands = settle or [i for i in cands if set(ways[i]) != {"depends"}] or cands
                out.extend(self._word(self.open[i][0]) for i in cands)
            row.deciding = list(dict.fromkeys(out))

    def _doubtful(self, cands: list[int], names: set[str]) -> bool:
        """Whether the solver must say which candidates decide: more than one, or one that names an
        id the row is not known to reach (one about the row alone is the one it turns on)."""
        return len(cands) > 1 or any(not self.open[i][1] <= names for i in cands)

    def _word(self, atom: Symbol) -> str:
        if atom not in self.words:
            from engine.answers import _question_text

            self.words[atom] = _question_text(self._phrasing, atom)
        return self.words[atom]

    @cached_property
    def _phrasing(self) -> Any:
        """An explainer that words questions as `fto ask` does: the partition's parties and records
        by name (engine/naming.py), each transaction's giver from its record. Made only for a
        partition with a `depends` to word."""
        from engine.explain import Explainer
        from engine.reading import Reading

        fixed = [atom for sig in (("name", 2), ("transaction", 4), ("recorded_transaction", 4))
                 for atom in self.solver.ground_atoms(sig)]
        return Explainer(self.library, Reading(fixed, names=self.solver.names))


# --- running ------------------------------------------------------------------------------------


def run(parts: Sequence[Partition], common: Shared, workers: int = 0, scheduler: str | None = None,
        progress: Callable[[int], None] | None = None, jobs: int = 1) -> list[list[Row]]:
    """Every partition's rows, in partition order: on a Dask cluster (`workers` local processes, or
    the cluster at `scheduler`), in `jobs` processes on this machine, or here, one after the other;
    `common` sent to each worker once."""
    if not workers and not scheduler and jobs > 1 and len(parts) > 1:
        from engine import processes

        return processes.run(parts, solve, common, min(jobs, len(parts)), progress, len)
    if not workers and not scheduler:
        out = []
        for part in parts:
            out.append(solve(part, common))
            if progress:
                progress(len(part))
        return out
    from engine import cluster

    return cluster.run(parts, solve, common, workers, scheduler, progress, len)


def merge(parts: list[list[Row]], order: Sequence[str]) -> list[Row]:
    """The rows of every partition in the ledger's order."""
    by_id = {row.id: row for part in parts for row in part}
    return [by_id[i] for i in order]


def row_order(ledger: ledger_mod.Ledger) -> list[str]:
    txs = [*ledger.base.transactions, *(t.id for t in (ledger.transactions.rows.peeks() if ledger.transactions else []))]
    hs = [*(h.id for h in ledger.base.holdings if h.id), *(h.id for h in (ledger.holdings.rows if ledger.holdings else []))]
    return [*txs, *hs]


# --- output ---------------------------------------------------------------------------------------


def columns(found: Sequence[Conclusion]) -> list[str]:
    return ["id", "record", "reaches", *(c.name for c in found), "report_deadline", "cites", "deciding", "matches"]


def records(rows: Sequence[Row], found: Sequence[Conclusion],
            matches: dict[str, tuple[Any, str]] | None = None) -> dict[str, list[str]]:
    """The results as columns (name -> one cell a row), built a column at a time."""
    matches = matches or {}
    data: dict[str, list[str]] = {"id": [r.id for r in rows], "record": [r.record for r in rows],
                                  "reaches": _joined([r.reaches for r in rows], "; ")}
    for c in found:
        data[c.name] = [r.answers.get(c.name, "") for r in rows]
    data["report_deadline"] = [r.deadline for r in rows]
    data["cites"] = _joined([r.cites for r in rows], "; ")
    data["deciding"] = [" | ".join(r.deciding) for r in rows]
    data["matches"] = ["; ".join(_linked(p, matches) for p in r.parties if p in matches) if matches else ""
                       for r in rows]
    return data


def _joined(lists: list[list[str]], sep: str) -> list[str]:
    """Each list joined, once per list object (rows share equal lists, see `solve`)."""
    done: dict[int, str] = {}
    return [done.get(id(x)) or done.setdefault(id(x), sep.join(x)) for x in lists]


def _linked(party: str, matches: dict[str, tuple[Any, str]]) -> str:
    m = matches[party][0]
    return f"{party} ~ {m.name} ({'exact' if m.exact else f'score {m.score:g}'})"


def write(rows: list[Row], found: Sequence[Conclusion], out: str,
          matches: dict[str, tuple[Any, str]] | None = None) -> None:
    """Write the results to `out` (.csv, .parquet or .jsonl) through a temporary file renamed into
    place, so nothing half-written is ever left there."""
    target = Path(out)
    kind = _format(out)
    names = columns(found)
    data = records(rows, found, matches)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(out, "the folder to write the results in does not exist", where="--out")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    os.close(fd)
    _as_created(tmp)
    try:
        _write_as(kind, data, names, tmp)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _as_created(path: str, mode: int = 0o666) -> None:
    """The permissions a file opened for writing would have had (the umask's), not the temporary
    file's private 0600, so results renamed into place are as readable as any file written there."""
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(path, mode & ~mask)


def _partitioned(out: str) -> bool:
    """`--out DIR/` (a folder): one Parquet file per partition, as a cluster run makes them."""
    return out.endswith(("/", os.sep)) or Path(out).is_dir()


def write_partitions(parts: list[list[Row]], found: Sequence[Conclusion], out: str,
                     matches: dict[str, tuple[Any, str]] | None = None) -> None:
    """One Parquet file per partition (part-00000.parquet, ...) in the folder `out`, written into a
    temporary folder beside it and renamed into place; a folder already there is replaced whole."""
    import shutil

    target = Path(out.rstrip("/" + os.sep))
    if not target.parent.is_dir():
        raise InputError(out, "the folder to write the results in does not exist", where="--out")
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    _as_created(str(tmp), 0o777)
    try:
        for i, part in enumerate(parts):
            write(part, found, str(tmp / f"part-{i:05d}.parquet"), matches)
        old = None
        if target.exists():
            old = target.with_name(f".{target.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            target.rename(old)
        tmp.rename(target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _format(out: str) -> str:
    suffix = Path(out).suffix.lower()
    kinds = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet", ".jsonl": "jsonl", ".ndjson": "jsonl"}
    if suffix not in kinds:
        raise InputError(out, "results are written as .csv, .parquet or .jsonl", where="--out")
    return kinds[suffix]


def _write_as(kind: str, data: dict[str, list[str]], names: list[str], path: str) -> None:
    if kind == "jsonl":
        import json

        with open(path, "w", encoding="utf-8") as f:
            for i in range(len(data["id"])):
                f.write(json.dumps({n: data[n][i] for n in names}, ensure_ascii=False) + "\n")
        return
    import pyarrow as pa

    table = pa.table({n: pa.array(data[n], pa.string()) for n in names})
    if kind == "csv":
        import pyarrow.csv as pc

        pc.write_csv(table, path)
    else:
        import pyarrow.parquet as pq

        pq.write_table(table, path)


def write_rejects(rejects: Sequence[ledger_mod.Reject], path: str) -> None:
    import csv

    folder = Path(path).parent
    fd, tmp = tempfile.mkstemp(prefix=f".{Path(path).name}.", suffix=".tmp", dir=folder if str(folder) else ".")
    _as_created(tmp)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["file", "row", "column", "problem"])
        for r in rejects:
            w.writerow([r.file, r.row, r.column, r.problem])
    os.replace(tmp, path)


def summary(rows: Sequence[Row], found: Sequence[Conclusion]) -> list[tuple[str, int, int, int]]:
    """(conclusion, yes, no, depends) over the rows it concerns."""
    out = []
    for c in found:
        counts = Counter(row.answers[c.name] for row in rows if c.name in row.answers)
        out.append((c.name, counts["yes"], counts["no"], counts["depends"]))
    return out


# --- one row, explained --------------------------------------------------------------------------


def row_scenario(ledger: ledger_mod.Ledger, located_data: dict[str, Any], ident: str) -> dict[str, Any]:
    """The scenario of one row alone, as scenario-file data: the base file, the row, the parties it
    reaches and what they knew (and, for a transaction to a recipient that others paid too, those
    payments: a rule joins them, § 2339B(d)(1)(F))."""
    table = ledger.transactions.rows if ledger.transactions else ledger_mod.Rows(ledger_mod.TransactionRow)
    peeks = list(table.peeks())  # read in place: only the rows chosen are made
    txs = {t.id: i for i, t in enumerate(peeks)}
    hs = {h.id: h for h in (ledger.holdings.rows if ledger.holdings else [])}
    if ident not in txs and ident not in hs:
        raise InputError("<command line>", f"{ident!r} is not a transaction or holding id of the tables", where="--explain")
    chosen_t = [table[txs[ident]]] if ident in txs else []
    if chosen_t and chosen_t[0].conspired:
        chosen_t += [table[i] for i, t in enumerate(peeks) if t.to == chosen_t[0].to and t.conspired and t.id != ident]
    chosen_h = [hs[ident]] if ident in hs else []
    names = [n for t in chosen_t for n in (t.from_, t.to)] + [n for h in chosen_h for n in (h.institution, h.owner)]
    reached = ledger_mod.closure(ledger, names)
    data = {k: v for k, v in located_data.items()}
    parties = ledger.parties.rows if ledger.parties else []
    data["actors"] = {**(data.get("actors") or {}),
                      **{p.id: ledger_mod.row_data(p) for p in parties if p.id in reached}}
    data["transactions"] = {**(data.get("transactions") or {}), **{t.id: ledger_mod.row_data(t) for t in chosen_t}}
    data["holdings"] = [*(data.get("holdings") or []), *(ledger_mod.row_data(h) for h in chosen_h)]
    known = set(data["actors"])
    data["knowledge"] = [*(data.get("knowledge") or []),
                         *(ledger_mod.row_data(k) for k in (ledger.knowledge.rows if ledger.knowledge else [])
                           if k.actor in known)]
    return {k: v for k, v in data.items() if v not in ({}, [])}


def row_questions(scenario: Scenario, ident: str, as_of: dt.date | None, source: str) -> list[str]:
    """The questions of one row: each conclusion atom about it that holds in some reading, and, for a
    conclusion that holds in none, its atom where the row's record fixes every argument."""
    from engine import rules
    from engine.solve import Solver

    found = [c for c in conclusions(rules.library())]
    record = "transaction" if ident in scenario.transactions else "holding"
    mine = [c for c in found if c.record == record]
    only = [c.signature for c in mine]
    solver = Solver(scenario, as_of, provenance=False, source=source, only=only)
    statuses = solver.statuses(only)
    held: dict[str, list[str]] = {}
    for atom in statuses:
        c = next(c for c in mine if c.signature == (atom.name, len(atom.arguments)))
        if str(atom.arguments[c.position]) == ident:
            held.setdefault(c.name, []).append(str(atom))
    values = _record_values(scenario, ident, record)
    out = []
    for c in mine:
        if c.name in held:
            out.extend(sorted(held[c.name]))
        elif all(b is not None for b in c.bound):
            if all(b < len(values) for b in c.bound):  # type: ignore[operator]
                out.append(str(Function(c.name, [values[b] for b in c.bound])))  # type: ignore[index]
    return out


def _record_values(scenario: Scenario, ident: str, record: str) -> list[Symbol]:
    """The arguments of the row's record view as the facts give them (ids and day numbers)."""
    from clingo.symbol import Number

    if record == "transaction":
        t = scenario.transactions[ident]
        return [Function(ident), Function(t.from_), Function(t.to), Number(t.on.toordinal())]  # type: ignore[union-attr]
    h = next(h for h in scenario.holdings if h.id == ident)
    return [Function(ident), Function(h.institution), Function(h.owner)]


# --- the command ------------------------------------------------------------------------------------


@dataclass
class Options:
    base: str
    tables: dict[str, str | None]
    as_of: dt.date | None = None
    out: str | None = None
    match: bool = False
    skip_bad: bool = False
    rejects: str | None = None
    workers: int = 0
    scheduler: str | None = None
    progress: bool = True
    block_rows: int = BLOCK_ROWS
    jobs: int = 1  # processes on this machine (engine/processes.py); the CLI's default is one per core


def load_ledger(opts: Options) -> ledger_mod.Ledger:
    from engine.yamlsource import load_file

    located = load_file(opts.base)
    return ledger_mod.load(located, opts.tables, opts.skip_bad, opts.match)


def screen(opts: Options) -> tuple[list[Row], list[Conclusion], ledger_mod.Ledger]:
    """Read, solve and write a whole ledger; the rows, the conclusions, and the ledger read."""
    from engine import rules

    if opts.out and not _partitioned(opts.out):
        _format(opts.out)  # refuse a bad --out before any work
    ledger = load_ledger(opts)
    found = conclusions(rules.library())
    todo = partitions(ledger, opts.block_rows)
    total = sum(len(p) for p in todo)
    with _progress(opts.progress, total) as advance:
        parts = run(todo, shared(ledger, opts.base, opts.as_of), opts.workers, opts.scheduler, advance, opts.jobs)
    rows = merge(parts, row_order(ledger))
    if opts.out and _partitioned(opts.out):
        write_partitions(parts, found, opts.out, ledger.matches)
        _write_manifest(opts)
    elif opts.out:
        write(rows, found, opts.out, ledger.matches)
        _write_manifest(opts)
    if ledger.rejects:
        write_rejects(ledger.rejects, opts.rejects or f"{opts.out or 'screen'}.rejects.csv")
    return rows, found, ledger


class _progress:
    """A rich progress bar on stderr (rows done, rate, time left) when it is a terminal; else nothing."""

    def __init__(self, enabled: bool, total: int) -> None:
        import sys

        self.bar: Any = None
        if enabled and sys.stderr.isatty():
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self.bar = Progress(TextColumn("screening"), BarColumn(), MofNCompleteColumn(),
                                TextColumn("{task.fields[rate]}"), TimeRemainingColumn(), transient=True)
            self.task = self.bar.add_task("rows", total=total, rate="")

    def __enter__(self) -> Callable[[int], None] | None:
        if self.bar is None:
            return None
        self.bar.start()

        def advance(n: int) -> None:
            self.bar.advance(self.task, n)
            speed = self.bar.tasks[0].speed
            self.bar.update(self.task, rate=f"{speed:,.0f} rows/s" if speed else "")

        return advance

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


MANIFEST = ".screen.json"


def _write_manifest(opts: Options) -> None:
    """Beside the results: what they were made from, so `fto explain RESULTS ID` can rebuild a row."""
    import json

    def absolute(p: str | None) -> str | None:
        return str(Path(p).resolve()) if p else None

    data = {"base": absolute(opts.base), "tables": {k: absolute(v) for k, v in opts.tables.items()},
            "as_of": opts.as_of.isoformat() if opts.as_of else None, "match_registry": opts.match}
    Path(str(opts.out).rstrip("/" + os.sep) + MANIFEST).write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def options_from_results(results: str) -> Options:
    import json

    path = Path(results.rstrip("/" + os.sep) + MANIFEST)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise InputError(results, f"no screen manifest beside it ({path.name}); run `fto screen ... --out {results}` first") from None
    return Options(data["base"], data["tables"], dt.date.fromisoformat(data["as_of"]) if data["as_of"] else None,
                   match=data["match_registry"], progress=False)


def explain(opts: Options, ident: str) -> tuple[dict[str, Any], list[Any]]:
    """One row's scenario (as file data) and the answers `fto ask` gives on it, one per question."""
    from engine.answers import ask, wanted_for
    from engine.scenario import parse
    from engine.solve import Solver
    from engine.yamlsource import Located

    ledger = load_ledger(opts)
    data = row_scenario(ledger, ledger.base_data, ident)
    scenario = parse(Located(data, {}, opts.base))
    answers = [ask(Solver(scenario, opts.as_of, source=opts.base, only=wanted_for(q)), q)
               for q in row_questions(scenario, ident, opts.as_of, opts.base)]
    return data, answers


def write_row_scenario(data: dict[str, Any], path: str) -> None:
    """A row's scenario as a YAML file that `fto ask` reads (amounts written as exact decimals)."""
    from engine.yamlsource import dump

    text = dump(data, width=200)
    Path(path).write_text(text, encoding="utf-8")
