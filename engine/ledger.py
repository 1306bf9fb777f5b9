"""Ledger tables: the transactions, parties, holdings and knowledge a screen adds to a base scenario.

A table is CSV, Parquet or JSONL. Its columns are the fields the scenario model has for that
record (`fto schema`), plus `id`; each row is validated by the same pydantic model as a scenario
file, so a row means exactly what the same record would mean in YAML. A bad cell, a missing
column, a dangling id or a repeated one is one error naming the file, the row (1 = the first
row of data) and the column, or, when bad rows are skipped, one reject per bad row.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from pydantic import BaseModel, TypeAdapter, ValidationError

from engine.errors import InputError
from engine.scenario import Actor, Holding, Id, Knowledge, Scenario, Transaction, _message, parse, related_id
from engine.yamlsource import Located


class TransactionRow(Transaction):
    id: Id


class PartyRow(Actor):
    id: Id


class HoldingRow(Holding):
    id: Id  # type: ignore[assignment]


@dataclass(frozen=True)
class TableSpec:
    """One kind of table: the model of its rows and the columns it must have."""

    kind: str
    model: type[BaseModel]
    required: tuple[str, ...]


SPECS = {
    "transactions": TableSpec("transactions", TransactionRow, ("id", "on", "from", "to", "provides")),
    "parties": TableSpec("parties", PartyRow, ("id",)),
    "holdings": TableSpec("holdings", HoldingRow, ("id", "institution", "owner", "amount_usd", "since")),
    "knowledge": TableSpec("knowledge", Knowledge, ("actor", "org", "knew")),
}

LIST_SEPARATOR = ";"
"""A cell of a list-valued field in CSV: `designated;terrorism` (JSONL and Parquet take real lists)."""


def columns(model: type[BaseModel]) -> dict[str, str]:
    """Column name -> field name (a column is named by the field's alias, e.g. `from`)."""
    return {(f.alias or name): name for name, f in model.model_fields.items()}


def _list_fields(model: type[BaseModel]) -> frozenset[str]:
    """Columns whose field may hold a list, so a CSV cell is split at LIST_SEPARATOR."""
    out = set()
    for column, name in columns(model).items():
        annotation = model.model_fields[name].annotation
        if _admits_list(annotation):
            out.add(column)
    return frozenset(out)


def _admits_list(annotation: Any) -> bool:
    if typing.get_origin(annotation) is list:
        return True
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return any(_admits_list(a) for a in typing.get_args(annotation))
    return False


@dataclass(frozen=True)
class Reject:
    """A bad row left out (`--skip-bad-rows`): where it is and what is wrong with it."""

    file: str
    row: int
    column: str
    problem: str

    def error(self) -> InputError:
        place = f"row {self.row}" + (f", column {self.column}" if self.column else "")
        return InputError(self.file, self.problem, where=place)


class Rows:
    """Validated rows of one model kept compactly: for each row, the names of the fields it set (one
    tuple shared by the rows that set the same ones) and their values; the fields it did not set are
    the model's defaults. A row is made again when it is read, without validating again: its values
    were validated when the table was read, and these models have no validator that sets other
    fields.

    Why: a validated transaction is a pydantic object of 56 fields, about 2.6 KB, and a million
    of them held 2.6 GB of a screen's memory, where the eight or nine fields a ledger row sets take
    a few hundred bytes. `peeks` reads fields without making the rows (partitioning, checking ids).
    """

    def __init__(self, model: type[BaseModel]) -> None:
        self.model = model
        self.items: list[tuple[tuple[str, ...], tuple[Any, ...]]] = []
        self._shapes: dict[frozenset[str], tuple[str, ...]] = {}
        self._shared: dict[object, object] = {}  # equal ids and days, one object each (not the rows' own ids: unique)

    def append(self, row: BaseModel) -> None:
        fields = frozenset(row.model_fields_set)
        names = self._shapes.get(fields)
        if names is None:
            names = self._shapes[fields] = tuple(n for n in self.model.model_fields if n in fields)
        values = row.__dict__
        self.items.append((names, tuple(values[n] if n == "id" else self._share(values[n]) for n in names)))

    def _share(self, value: Any) -> Any:
        if type(value) is str or type(value) is dt.date:  # only these: 1 == True, Decimal("1.0") == Decimal("1.00")
            return self._shared.setdefault(value, value)
        return value

    def subset(self, items: Iterable[tuple[tuple[str, ...], tuple[Any, ...]]]) -> "Rows":
        out = Rows(self.model)
        out.items = list(items)
        return out

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, i: int) -> Any:
        names, values = self.items[i]
        blank, mutable = _blank(self.model)
        update = {n: getattr(blank, n).copy() for n in mutable}  # a list default of its own, as pydantic gives each row
        update.update(zip(names, values))
        # A copy of the model with no field set, these set (model_copy: 4 µs a row where
        # model_construct looks up 56 defaults in 40 µs; a screen makes every row once). The
        # fields set are the row's own, not the fresh lists (pydantic's documented attribute).
        row = blank.model_copy(update=update)
        object.__setattr__(row, "__pydantic_fields_set__", set(names))
        return row

    def __iter__(self) -> Iterator[Any]:
        return (self[i] for i in range(len(self.items)))

    def peeks(self) -> Iterator["Peek"]:
        defaults = _defaults(self.model)
        return (Peek(names, values, defaults) for names, values in self.items)

    def __getstate__(self) -> tuple[type[BaseModel], list[tuple[tuple[str, ...], tuple[Any, ...]]]]:
        return self.model, self.items  # not the sharing tables: a worker only reads the rows

    def __setstate__(self, state: tuple[type[BaseModel], list[tuple[tuple[str, ...], tuple[Any, ...]]]]) -> None:
        self.model, self.items = state
        self._shapes, self._shared = {}, {}


class Peek:
    """A compact row's fields read in place (a field it did not set is the model's default)."""

    __slots__ = ("_names", "_values", "_defaults")

    def __init__(self, names: tuple[str, ...], values: tuple[Any, ...], defaults: dict[str, Any]) -> None:
        self._names, self._values, self._defaults = names, values, defaults

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):  # its own slots before they are set (copy, pickle), or a dunder
            raise AttributeError(name)
        try:
            return self._values[self._names.index(name)]
        except ValueError:
            if name in self._defaults:
                return self._defaults[name]
            raise AttributeError(name) from None

    def __reduce__(self) -> tuple[type, tuple[tuple[str, ...], tuple[Any, ...], dict[str, Any]]]:
        return Peek, (self._names, self._values, self._defaults)

    @property
    def model_fields_set(self) -> frozenset[str]:
        return frozenset(self._names)


_BLANKS: dict[type[BaseModel], tuple[BaseModel, tuple[str, ...]]] = {}


def _blank(model: type[BaseModel]) -> tuple[BaseModel, tuple[str, ...]]:
    """The model with every field at its default and none set, and the fields whose default is a
    list, dict or set."""
    if model not in _BLANKS:
        # A required field (a row always sets it) holds None here, so that every field has its place.
        blank = model.model_construct(set(), **{n: None for n, f in model.model_fields.items() if f.is_required()})
        _BLANKS[model] = (blank, tuple(n for n in model.model_fields if isinstance(getattr(blank, n), (list, dict, set))))
    return _BLANKS[model]


def _defaults(model: type[BaseModel]) -> dict[str, Any]:
    return _blank(model)[0].__dict__


COMPACT = frozenset({"transactions", "parties"})
"""The tables kept as `Rows`: the transactions (a ledger has millions) and the parties (every worker
process is sent them all, and a process is replaced every twenty partitions, engine/processes.py);
a partition makes only the parties its rows reach."""

CHUNK = 20_000
"""Rows validated at a time, so that a large table never holds all its validated models at once."""


@dataclass
class Table:
    """The valid rows of one table, in file order, each with its row number."""

    spec: TableSpec
    source: str
    rows: Any = field(default_factory=list)  # a list of models, or Rows (COMPACT)
    numbers: list[int] = field(default_factory=list)

    def views(self) -> Iterable[Any]:
        """The rows to read a few fields of: the models, or a compact table's rows read in place."""
        return self.rows.peeks() if isinstance(self.rows, Rows) else self.rows

    def keep(self, kept: list[int]) -> None:
        """Only the rows at these places (in order), with their numbers."""
        if len(kept) < len(self.numbers):
            self.rows = (self.rows.subset(self.rows.items[i] for i in kept) if isinstance(self.rows, Rows)
                         else [self.rows[i] for i in kept])
            self.numbers = [self.numbers[i] for i in kept]


def read_rows(path: str) -> list[dict[str, Any]]:
    """A table file's rows as plain dicts (CSV cells as text; empty cells and nulls left out)."""
    p = Path(path)
    if not p.is_file():
        raise InputError(path, "no such file" if not p.exists() else "is not a file")
    suffix = p.suffix.lower()
    try:
        if suffix == ".csv":
            table = _read_csv(p)
        elif suffix in (".parquet", ".pq"):
            import pyarrow.parquet as pq

            table = pq.read_table(p)
        elif suffix in (".jsonl", ".ndjson", ".json"):
            import pyarrow.json as pj

            table = pj.read_json(p)
        else:
            raise InputError(path, "a table must be .csv, .parquet or .jsonl")
    except InputError:
        raise
    except Exception as exc:  # pyarrow's own errors: a malformed file
        raise InputError(path, f"cannot read the table: {' '.join(str(exc).split())[:300]}") from None
    # A batch at a time, so a million rows are never held twice (pyarrow's dicts and ours).
    return [{k: v for k, v in row.items() if v is not None and v != ""}
            for batch in table.to_batches() for row in batch.to_pylist()]


def _read_csv(p: Path) -> Any:
    import csv

    import pyarrow as pa
    import pyarrow.csv as pc

    with p.open(encoding="utf-8-sig", newline="") as f:
        header = next(csv.reader(f), None)
    if not header:
        raise InputError(str(p), "the table is empty: it needs a header row naming its columns")
    strings = {name: pa.string() for name in header}
    return pc.read_csv(p, read_options=pc.ReadOptions(use_threads=True),
                       convert_options=pc.ConvertOptions(column_types=strings, strings_can_be_null=True))


def load_table(kind: str, path: str, skip_bad: bool, rejects: list[Reject], compact: bool = True) -> Table:
    """Read and validate one table; a bad row is an error, or a reject when `skip_bad`. With
    `compact`, a table of COMPACT kind keeps its rows as Rows, else as a list of models."""
    spec = SPECS[kind]
    raw = read_rows(path)
    known = columns(spec.model)
    present: set[str] = set()
    for row in raw:
        present.update(row)
    header = _header(path, raw)
    for column in (*header, *sorted(present - set(header))):
        if column not in known:
            raise InputError(path, f"unknown column (a {kind} table takes: {', '.join(known)})", where=f"column {column}")
    for column in spec.required:
        if column not in header and column not in present:
            raise InputError(path, "required column is missing", where=f"column {column}")
    lists = _list_fields(spec.model)
    table = Table(spec, path, Rows(spec.model) if compact and kind in COMPACT else [])
    adapter = TypeAdapter(list[spec.model])  # type: ignore[valid-type]
    for start in range(0, len(raw), CHUNK):
        chunk = [_clean(row, lists) for row in raw[start:start + CHUNK]]
        raw[start:start + CHUNK] = [None] * len(chunk)  # read once: let the text go as the rows are made
        try:
            valid = adapter.validate_python(chunk)
            bad: dict[int, Reject] = {}
        except ValidationError as exc:
            bad = {}
            for err in exc.errors():
                index = err["loc"][0]
                if isinstance(index, int) and index not in bad:
                    column = next((str(p) for p in err["loc"][1:] if isinstance(p, str)), "")
                    column = {v: k for k, v in known.items()}.get(column, column)
                    problem = "required value is missing" if err.get("type") == "missing" else _message(err)
                    bad[index] = Reject(path, start + index + 1, column, problem)
            if not skip_bad:
                raise bad[min(bad)].error() from None
            valid = [None if i in bad else spec.model.model_validate(row) for i, row in enumerate(chunk)]
        for i, row in enumerate(valid):
            if i in bad:
                rejects.append(bad[i])
            else:
                table.rows.append(row)
                table.numbers.append(start + i + 1)
    return table


def _header(path: str, raw: list[dict[str, Any]]) -> list[str]:
    """The CSV header (so that a column present but empty in every row still counts as present)."""
    if not path.lower().endswith(".csv"):
        return []
    import csv

    with open(path, encoding="utf-8-sig", newline="") as f:
        return next(csv.reader(f), [])


def _clean(row: dict[str, Any], lists: frozenset[str]) -> dict[str, Any]:
    """The row's text cells trimmed and list cells split, in place (a row read is cleaned once)."""
    for key, value in row.items():
        if isinstance(value, str):
            value = value.strip()
            if key in lists and LIST_SEPARATOR in value:
                value = [part.strip() for part in value.split(LIST_SEPARATOR) if part.strip()]
            row[key] = value
    return row


@dataclass
class Ledger:
    """A base scenario and the tables that extend it, checked together."""

    base: Scenario
    transactions: Table | None = None
    parties: Table | None = None
    holdings: Table | None = None
    knowledge: Table | None = None
    rejects: list[Reject] = field(default_factory=list)
    matches: dict[str, tuple[Any, str]] = field(default_factory=dict)
    """Party id -> (engine.match.Match, the registry organization it was linked to)."""
    base_data: dict[str, Any] = field(default_factory=dict)
    """The base scenario as file data (with any linked registry organizations)."""

    _index: tuple[dict[str, Any], dict[str, int], dict[str, list[tuple[int, Any]]]] | None = field(
        default=None, init=False, repr=False, compare=False)

    def tables(self) -> list[Table]:
        return [t for t in (self.parties, self.transactions, self.holdings, self.knowledge) if t is not None]

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_index": None}  # made again where it is used: cheaper than sent

    def index(self) -> tuple[dict[str, Any], dict[str, int], dict[str, list[tuple[int, Any]]]]:
        """The table parties by id (read in place where the table is compact), each one's place in its
        table, and the knowledge rows by actor (with their places), made on first use, once the
        tables are checked. Why: every partition's scenario looks up the parties and knowledge its
        rows reach, and scanning the whole tables for each partition made a million-row screen's
        cost grow with its parties times its partitions."""
        if self._index is None:
            parties = list(self.parties.views()) if self.parties else []  # read in place where compact
            by_actor: dict[str, list[tuple[int, Any]]] = {}
            for i, k in enumerate(self.knowledge.rows if self.knowledge else []):
                by_actor.setdefault(k.actor, []).append((i, k))
            self._index = ({p.id: p for p in parties}, {p.id: i for i, p in enumerate(parties)}, by_actor)
        return self._index


def load(base: Located, paths: dict[str, str | None], skip_bad: bool = False, match: bool = False,
         compact: bool = True) -> Ledger:
    """Read every table, validate each row, and check the ids the rows use against each other and
    the base (in dependency order: parties first, so a transaction may name a party). With `match`,
    parties named like a registry entry become organizations first (`link_registry`)."""
    rejects: list[Reject] = []
    tables: dict[str, Table | None] = {}
    for kind in ("parties", "transactions", "holdings", "knowledge"):
        path = paths.get(kind)
        tables[kind] = load_table(kind, path, skip_bad, rejects, compact) if path else None
    matches: dict[str, tuple[Any, str]] = {}
    data = base.data
    if match and tables["parties"]:
        data, matches = link_registry(base, tables["parties"])
    ledger = Ledger(parse(Located(data, base.lines, base.source)), tables["transactions"], tables["parties"],
                    tables["holdings"], tables["knowledge"], rejects, matches, data)
    _check_references(ledger, skip_bad)
    return ledger


MATCHABLE_KINDS = frozenset({"company", "charity"})
"""Parties whose name may be an organization's: a company or charity, or a party of no stated kind."""


def link_registry(base: Located, parties: Table) -> tuple[dict[str, Any], dict[str, tuple[Any, str]]]:
    """Parties whose name matches a registry entry, made organizations of the base: an exact match is
    the entry under another name (`alias_of`, in fact the same), a likely one is open (`in_fact_same:
    unknown`), so the rules answer `depends` on it. The entry joins the base if it is not there yet.
    Returns the base's data so extended, and party id -> (match, the entry's organization id)."""
    from engine.match import best

    data = dict(base.data)
    orgs = dict(data.get("organizations") or {})
    by_registry = {v.get("registry"): k for k, v in orgs.items() if isinstance(v, dict) and v.get("registry")}
    matches: dict[str, tuple[Any, str]] = {}
    kept = []
    for i, row in enumerate(parties.views()):
        m = best(row.name) if row.name and ("kind" not in row.model_fields_set or row.kind in MATCHABLE_KINDS) else None
        if m is None:
            kept.append(i)
            continue
        org = by_registry.get(m.entry)
        if org is None:
            org = by_registry[m.entry] = m.entry
            orgs[org] = {"registry": m.entry}
        orgs[row.id] = {"name": row.name, "alias_of": org, "in_fact_same": True if m.exact else "unknown"}
        matches[row.id] = (m, org)
    parties.keep(kept)
    data["organizations"] = orgs
    return data, matches


def _check_references(ledger: Ledger, skip_bad: bool) -> None:
    base = ledger.base
    orgs = set(base.organizations)
    taken: dict[str, str] = {i: "the base scenario" for i in (*base.organizations, *base.actors, *base.transactions,
                                                                *base.acts, *base.solicitations)}
    taken.update({e.id: "the base scenario" for e in base.events if e.id})
    taken.update({h.id: "the base scenario" for h in base.holdings if h.id})
    kinds = {aid: a.kind for aid, a in base.actors.items()}

    def keep(table: Table, check: Any) -> None:
        """Keep the rows `check` finds nothing wrong with; `check(row)` -> (column, problem) or None."""
        kept = []
        for i, (row, number) in enumerate(zip(table.views(), table.numbers)):
            found = check(row)
            if found is None:
                kept.append(i)
                continue
            reject = Reject(table.source, number, *found)
            if not skip_bad:
                raise reject.error()
            ledger.rejects.append(reject)
        table.keep(kept)

    def fresh(table: Table) -> Any:
        where = f"{Path(table.source).name} row"

        def check(row: Any) -> tuple[str, str] | None:
            if row.id in taken:
                return "id", f"id {row.id!r} is already used in {taken[row.id]}"
            taken[row.id] = where
            return None
        return check

    if ledger.parties:
        keep(ledger.parties, fresh(ledger.parties))
        kinds.update({p.id: p.kind for p in ledger.parties.views()})
        parties = orgs | set(kinds)

        def party(row: PartyRow) -> tuple[str, str] | None:
            if row.agent_of is not None and row.agent_of not in parties:
                return "agent_of", f"{row.agent_of!r} is not a defined organization or party"
            if row.agent_of == row.id:
                return "agent_of", "a party cannot be its own agent"
            for name in ("spouse_of", "child_of"):
                other = getattr(row, name)
                if other is not None and other not in kinds:
                    return name, f"{other!r} is not a defined party"
            for name in ("member_of", "representative_of"):
                for o in getattr(row, name):
                    if o not in orgs:
                        return name, f"{o!r} is not a defined organization"
            return None

        keep(ledger.parties, party)
        kinds = {aid: a.kind for aid, a in base.actors.items()} | {p.id: p.kind for p in ledger.parties.views()}
    parties = orgs | set(kinds)
    if ledger.transactions:
        keep(ledger.transactions, fresh(ledger.transactions))

        def transaction(row: TransactionRow) -> tuple[str, str] | None:
            for column, ident in (("from", row.from_), ("to", row.to)):
                if ident not in parties:
                    return column, f"{ident!r} is not a defined organization or party"
            if row.from_ == row.to:
                return "to", "a transaction needs two different parties"
            if not isinstance(row.on, dt.date):
                return "on", "an unknown transaction date is not supported yet; give a date"
            return None

        keep(ledger.transactions, transaction)
    if ledger.holdings:
        keep(ledger.holdings, fresh(ledger.holdings))

        def holding(row: HoldingRow) -> tuple[str, str] | None:
            if row.institution not in kinds:
                return "institution", f"{row.institution!r} is not a defined party"
            if kinds[row.institution] != "financial_institution":
                return "institution", f"{row.institution!r} is not a financial_institution"
            if row.owner not in parties:
                return "owner", f"{row.owner!r} is not a defined organization or party"
            return None

        keep(ledger.holdings, holding)
    if ledger.knowledge:
        def knowledge(row: Knowledge) -> tuple[str, str] | None:
            if row.actor not in kinds:
                return "actor", f"{row.actor!r} is not a defined party"
            if row.org not in orgs:
                return "org", f"{row.org!r} is not a defined organization"
            return None

        keep(ledger.knowledge, knowledge)


def closure(ledger: Ledger, names: Iterable[str]) -> set[str]:
    """The table parties these ids name, and every party they reach (`kin`)."""
    return kin(names, ledger.index()[0].get)


def kin(names: Iterable[str], party: Callable[[str], Any]) -> set[str]:
    """The parties among these ids (those `party` finds), and every party they reach through
    agent_of, spouse_of and child_of: what a record's rules may read about its parties."""
    seen: set[str] = set()
    todo = list(names)
    while todo:
        ident = todo.pop()
        row = None if ident in seen else party(ident)
        if row is None:
            continue
        seen.add(ident)
        todo.extend(x for x in (row.agent_of and related_id(row.agent_of), row.spouse_of, row.child_of) if x)
    return seen


def scenario_for(ledger: Ledger, transactions: Iterable[Any], holdings: Iterable[Any]) -> Scenario:
    """The base scenario extended by these rows, the parties they reach and what those parties knew."""
    transactions, holdings = list(transactions), list(holdings)
    names = [n for t in transactions for n in (t.from_, t.to)] + [n for h in holdings for n in (h.institution, h.owner)]
    reached = closure(ledger, names)
    _, place, by_actor = ledger.index()
    actors = dict(ledger.base.actors)
    if ledger.parties:  # a table row is the scenario's record (a subclass with its id), in table order
        table = ledger.parties.rows
        actors.update((p, table[place[p]]) for p in sorted(reached, key=place.__getitem__))
    knowledge = list(ledger.base.knowledge)
    knowledge.extend(k for _, k in sorted((x for a in actors for x in by_actor.get(a, ())), key=lambda x: x[0]))
    return ledger.base.model_copy(update={
        "actors": actors,
        "transactions": {**ledger.base.transactions, **{t.id: t for t in transactions}},
        "holdings": [*ledger.base.holdings, *holdings],
        "knowledge": knowledge,
    })


def row_data(row: BaseModel) -> dict[str, Any]:
    """A row as scenario-file data: the fields its table set, by their YAML names (a transaction's or
    a party's id is its key in the scenario, not a field)."""
    return row.model_dump(by_alias=True, exclude_unset=True,
                          exclude={"id"} if isinstance(row, (TransactionRow, PartyRow)) else set())
