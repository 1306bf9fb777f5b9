"""`fto screen`: the bundled example ledger's answers, row explanations equal to `fto ask`, bad tables,
output formats, registry matching, and a 2-worker Dask run equal to the single-process one."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from engine import ledger, match, rules, screen, yamlsource
from engine.answers import ask, wanted_for
from engine.errors import InputError
from engine.registry import search
from engine.scenario import load
from engine.solve import Solver

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "ledger"
TABLES = {"transactions": str(EXAMPLE / "transactions.csv"), "parties": str(EXAMPLE / "parties.csv"),
          "holdings": str(EXAMPLE / "holdings.csv"), "knowledge": str(EXAMPLE / "knowledge.csv")}


def options(**kw: object) -> screen.Options:
    return screen.Options(str(EXAMPLE / "base.yaml"), dict(TABLES), progress=False, match=True, **kw)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def example() -> dict[str, screen.Row]:
    rows, _, _ = screen.screen(options())
    return {row.id: row for row in rows}


def test_columns_come_from_the_rule_book() -> None:
    found = {c.name: c for c in screen.conclusions(rules.library())}
    for name in ("material_support", "prohibited_sdgt_dealing", "ina_material_support", "ieepa_civil_penalty"):
        assert found[name].record == "transaction"
    for name in ("must_retain", "must_block_sdgt", "must_report", "penalty_2339b"):
        assert found[name].record == "holding"
    assert "designated" not in found and "sdgt" not in found  # about organizations, not rows
    assert found["material_support"].bound == (1, 0)  # the giver and the transaction itself


def test_example_ledger_answers(example: dict[str, screen.Row]) -> None:
    # t1: a US national who knew CJNG was designated pays CJNG's front's front after the 2025-02-20
    # designation (90 FR 10030): the § 2339B(a)(1) offense (18 U.S.C. § 2339B(a)(1), (d)(1)(A)).
    t1 = example["t1"]
    assert t1.reaches == ["cjng"] and t1.answers["material_support"] == "yes"
    assert any("2339B(a)(1)" in c for c in t1.cites)
    # t2: the same payment on 2025-01-15, before the designation: no offense (§ 2339B(a)(1) needs a
    # designated organization on the day), and INA Tier I status turns on when it is judged.
    t2 = example["t2"]
    assert t2.answers["material_support"] == "no" and t2.answers["ina_material_support"] == "depends"
    assert any("adjudication" in q for q in t2.deciding)
    # t3: Bruno, a Mexican national, paid Sinaloa's front in Mexico; found in the United States on
    # 2025-07-01, after the conduct, he is within § 2339B's jurisdiction (18 U.S.C. § 2339B(d)(1)(C)).
    assert example["t3"].answers["material_support"] == "yes"
    # t4: whether Ana acted knowingly is unknown.
    t4 = example["t4"]
    assert t4.answers["material_support"] == "depends"
    assert "In the payment t4, did Ana Torres act knowingly?" in t4.deciding  # the giver named, as `fto ask` does
    # t6: an unrelated shop reaches no one and nothing follows.
    assert example["t6"].reaches == [] and set(example["t6"].answers.values()) == {"no"}
    # h1: Acme holds funds of CJNG's front, aware on 2025-03-03 while CJNG was designated: retain and
    # report within 10 business days, by 2025-03-17 (18 U.S.C. § 2339B(a)(2); 31 C.F.R. § 501.603(b)(1)(i)).
    h1 = example["h1"]
    assert h1.answers["must_retain"] == "yes" and h1.answers["must_report"] == "yes"
    assert h1.deadline == "2025-03-17"
    assert example["h2"].answers["must_retain"] == "no"


def test_registry_match_is_an_open_fact(example: dict[str, screen.Row]) -> None:
    t7 = example["t7"]  # a payment to a party named "Hezbollah": a likely match for Hizballah, not certain
    assert t7.answers["designation_reaches"] == "depends"
    # It turns on that match alone, as `fto ask` finds on the row; not on the open reading of INA
    # tier status, which the row's INA conclusion may also read but which settles nothing here.
    # Worded as `fto ask` words it: the party by the name the table gives it, the entry by the registry's.
    assert t7.deciding == ["Was Hezbollah in fact the same organization as Hizballah?"]


def test_parquet_partitions(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    target = tmp_path / "parts"
    rows, _, _ = screen.screen(options(out=str(target) + "/", block_rows=3))
    files = sorted(target.glob("part-*.parquet"))
    assert len(files) > 1
    read = [r for f in files for r in pq.read_table(f).to_pylist()]
    assert sorted(r["id"] for r in read) == sorted(r.id for r in rows)
    assert (tmp_path / "parts.screen.json").exists()


@pytest.mark.slow
def test_row_explanation_is_fto_ask_on_that_row(tmp_path: Path) -> None:
    data, answers = screen.explain(options(), "t4")
    path = tmp_path / "t4.yaml"
    screen.write_row_scenario(data, str(path))
    scenario, _ = load(path)
    assert set(scenario.transactions) == {"t4"}
    questions = [a.question for a in answers]
    assert "material_support(ana,t4)" in questions
    for answer in answers:
        alone = ask(Solver(scenario, source=str(path), only=wanted_for(answer.question)), answer.question)
        assert alone.model_dump() == answer.model_dump()


def test_output_formats_agree(tmp_path: Path) -> None:
    out = {}
    for kind in ("csv", "parquet", "jsonl"):
        target = tmp_path / f"r.{kind}"
        screen.screen(options(out=str(target)))
        if kind == "csv":
            with target.open(newline="") as f:
                out[kind] = list(csv.DictReader(f))
        elif kind == "parquet":
            import pyarrow.parquet as pq

            out[kind] = pq.read_table(target).to_pylist()
        else:
            out[kind] = [json.loads(line) for line in target.read_text().splitlines()]
    assert out["csv"] == out["parquet"] == out["jsonl"]
    mask = os.umask(0)
    os.umask(mask)
    assert (tmp_path / "r.csv").stat().st_mode & 0o777 == 0o666 & ~mask  # not the temporary file's 0600
    assert list(out["csv"][0])[0] == "id" and "material_support" in out["csv"][0]
    assert [r["id"] for r in out["csv"]] == ["t1", "t2", "t3", "t4", "t5", "t6", "t7", "h1", "h2", "h3"]


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


@pytest.mark.parametrize("text,where", [
    ("id,on,from,to\nt1,2025-03-10,ana,delta_logistics\n", "column provides"),
    ("id,on,from,to,provides\nt1,2025-03-10,ana,delta_logistics,currency\nt2,2025-03-10,ana,ghost,currency\n",
     "row 2, column to"),
    ("id,on,from,to,provides\nt1,2025-02-30,ana,delta_logistics,currency\n", "row 1, column on"),
    ("id,on,from,to,provides,amount_usd\nt1,2025-03-10,ana,delta_logistics,currency,12x\n", "row 1, column amount_usd"),
    ("id,on,from,to,provides,colour\nt1,2025-03-10,ana,delta_logistics,currency,red\n", "column colour"),
])
def test_bad_rows_name_file_row_and_column(tmp_path: Path, text: str, where: str) -> None:
    tx = write(tmp_path, "tx.csv", text)
    with pytest.raises(InputError) as err:
        screen.load_ledger(screen.Options(str(EXAMPLE / "base.yaml"), {**TABLES, "transactions": tx}))
    assert err.value.source == tx and where in err.value.where


@pytest.mark.parametrize("chunk", [1000, 2])
def test_bad_rows_skipped_into_a_rejects_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int) -> None:
    monkeypatch.setattr(ledger, "CHUNK", chunk)  # rows are validated a chunk at a time: row numbers stay the file's
    tx = write(tmp_path, "tx.csv", "id,on,from,to,provides,amount_usd\n"
                                   "t1,2025-03-10,ana,delta_logistics,currency,10\n"
                                   "t2,2025-03-10,ana,ghost,currency,10\n"
                                   "t3,2025-13-01,ana,delta_logistics,currency,10\n")
    out = tmp_path / "r.csv"
    rows, _, led = screen.screen(screen.Options(str(EXAMPLE / "base.yaml"), {**TABLES, "transactions": tx},
                                                out=str(out), skip_bad=True, progress=False))
    assert [r.id for r in rows if r.record == "transaction"] == ["t1"]
    with open(f"{out}.rejects.csv", newline="") as f:
        rejected = list(csv.DictReader(f))
    assert [(r["row"], r["column"]) for r in rejected] == [("3", "on"), ("2", "to")]


def test_cli_error_leaves_nothing_at_out(tmp_path: Path) -> None:
    tx = write(tmp_path, "tx.csv", "id,on,from,to,provides\nt1,2025-03-10,ana,ghost,currency\n")
    out = tmp_path / "r.csv"
    run = subprocess.run([sys.executable, "-m", "engine.cli", "screen", str(EXAMPLE / "base.yaml"),
                          "--transactions", tx, "--parties", TABLES["parties"], "--out", str(out)],
                         capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 2, run.stderr
    assert run.stderr.startswith(f"error: {tx}: row 1, column to: 'ghost' is not a defined")
    assert not out.exists() and not list(tmp_path.glob(".r.csv*"))


@pytest.mark.slow
def test_dask_two_workers_give_the_same_rows() -> None:
    pytest.importorskip("dask.distributed")
    single, _, _ = screen.screen(options(block_rows=3))
    spread, _, _ = screen.screen(options(block_rows=3, workers=2))
    assert len(list(screen.partitions(screen.load_ledger(options()), 3))) > 1
    assert spread == single and len(single) > 1


def test_processes_on_this_machine_give_the_same_rows() -> None:
    single, _, _ = screen.screen(options(block_rows=3))
    spread, _, _ = screen.screen(options(block_rows=3, jobs=2))
    assert len(list(screen.partitions(screen.load_ledger(options()), 3))) > 1  # so two processes share them
    assert spread == single and len(single) > 1


def test_an_input_error_crosses_processes_whole() -> None:
    error = InputError("tx.csv", "'ghost' is not a defined party", where="row 1, column to")
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is InputError and str(again) == str(error) == "tx.csv: row 1, column to: 'ghost' is not a defined party"


def _dies_on_one(job: int, common: int) -> int:
    if job == 1:
        os._exit(9)  # as a process killed for want of memory ends
    return job * common


def test_a_process_that_dies_is_an_error_not_a_hang() -> None:
    from engine import processes

    assert processes.run([0, 2, 3], _dies_on_one, 10, 2) == [0, 20, 30]
    with pytest.raises(processes.WorkerDied, match="ended without an answer"):
        processes.run([0, 1, 2, 3], _dies_on_one, 10, 2)


def test_the_shared_part_travels_after_use() -> None:
    # A worker's Shared, once a partition has been solved with it, may be sent on again (Dask moves
    # data between workers): its index of compact parties is left behind and made again.
    led = screen.load_ledger(options())
    common = screen.shared(led, str(EXAMPLE / "base.yaml"), None)
    screen.partition_scenario(common.ledger, screen.partitions(led, 3)[0])
    again = pickle.loads(pickle.dumps(common))
    peek = next(led.parties.rows.peeks())  # type: ignore[union-attr]
    assert pickle.loads(pickle.dumps(peek)).id == peek.id
    assert [p.id for p in again.ledger.parties.rows] == [p.id for p in led.parties.rows]  # type: ignore[union-attr]


def test_jobs_must_be_one_or_more(tmp_path: Path) -> None:
    out = tmp_path / "r.csv"
    run = subprocess.run([sys.executable, "-m", "engine.cli", "screen", str(EXAMPLE / "base.yaml"),
                          "--transactions", TABLES["transactions"], "--parties", TABLES["parties"],
                          "--jobs", "0", "--out", str(out)], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 2 and run.stderr == "error: <command line>: --jobs: must be 1 or more\n"
    assert not out.exists()


def test_registry_search_is_tolerant() -> None:
    assert "hizballah" in [e.id for e in search("hezbollah")]
    assert [e.id for e in search("Cártel de Sinaloa")] == ["cartel_de_sinaloa"]
    assert match.best("HAMAS").exact  # type: ignore[union-attr]
    likely = match.best("Hezbollah")
    assert likely is not None and likely.entry == "hizballah" and not likely.exact
    assert match.best("Corner Shop LLC") is None


def test_large_honest_yaml_is_not_an_alias_bomb(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamlsource, "MAX_ALIAS_VALUES", 50)
    plain = "items:\n" + "".join(f"  - {{a: {i}, b: x}}\n" for i in range(200))
    assert len(yamlsource.load_text(plain, "big.yaml").data["items"]) == 200
    bomb = "a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\nb: [" + ", ".join(["*a"] * 10) + "]\n"
    with pytest.raises(InputError, match="alias bomb"):
        yamlsource.load_text(bomb, "bomb.yaml")


def test_ledger_rows_mean_what_yaml_would() -> None:
    led = screen.load_ledger(options())
    t4 = next(t for t in led.transactions.rows if t.id == "t4")  # type: ignore[union-attr]
    assert t4.knowingly == "unknown" and t4.on == dt.date(2025, 5, 20) and str(t4.amount_usd) == "500.00"
    assert "hzb_front" in led.base.organizations and led.base.organizations["hzb_front"].alias_of == "hizballah"
    assert isinstance(ledger.SPECS["transactions"].required, tuple)


def test_compact_rows_read_back_as_validated(tmp_path: Path) -> None:
    # A transactions table is kept compactly (engine/ledger.py's Rows): each row reads back as the
    # model its cells validated to, with the same fields set, and equal values of other types are
    # never merged (True and 1; an amount's trailing zeros).
    tx = write(tmp_path, "tx.csv", "id,on,from,to,provides,amount_usd,knowingly\n"
                                   "a,2025-03-10,ana,delta_logistics,currency,1.00,true\n"
                                   "b,2025-03-10,ana,delta_logistics,currency,1.0,unknown\n"
                                   "c,2025-03-11,bruno,delta_logistics,lodging,1,\n")
    rejects: list[ledger.Reject] = []
    table = ledger.load_table("transactions", tx, False, rejects)
    assert isinstance(table.rows, ledger.Rows) and len(table.rows) == 3 and table.numbers == [1, 2, 3]
    cells = [{"id": "a", "on": "2025-03-10", "from": "ana", "to": "delta_logistics", "provides": "currency",
              "amount_usd": "1.00", "knowingly": "true"},
             {"id": "b", "on": "2025-03-10", "from": "ana", "to": "delta_logistics", "provides": "currency",
              "amount_usd": "1.0", "knowingly": "unknown"},
             {"id": "c", "on": "2025-03-11", "from": "bruno", "to": "delta_logistics", "provides": "lodging",
              "amount_usd": "1"}]
    for row, data in zip(table.rows, cells):
        model = ledger.TransactionRow.model_validate(data)
        assert row == model and row.model_fields_set == model.model_fields_set
    a, b, c = table.rows
    assert str(a.amount_usd) == "1.00" and str(b.amount_usd) == "1.0" and a.knowingly is True and "knowingly" not in c.model_fields_set
    peek = next(table.rows.peeks())
    assert (peek.id, peek.to, peek.conspired) == ("a", "delta_logistics", a.conspired) and not hasattr(peek, "colour")
    again = pickle.loads(pickle.dumps(table.rows))
    assert list(again) == list(table.rows)


def test_deciding_questions_are_about_the_rows_own_parties(tmp_path: Path) -> None:
    # Two people pay the same front of CJNG after its designation (2025-02-20, 90 FR 10030); what
    # each knew of CJNG is unknown. Whether Ana's payment is material support turns on what Ana
    # knew (18 U.S.C. § 2339B(a)(1): the giver must know of the designation or the terrorism),
    # never on what Carla knew, though Carla's knowledge names the same organization.
    (tmp_path / "parties.csv").write_text(
        "id,name,kind,country,us_national,agent_of\n"
        "ana,Ana Torres,person,US,true,\ncarla,Carla Ruiz,person,US,true,\n"
        "front,Delta Freight SA,company,MX,,cjng\n", encoding="utf-8")
    (tmp_path / "transactions.csv").write_text(
        "id,on,from,to,provides,amount_usd,place,knowingly\n"
        "ta,2025-03-10,ana,front,currency,2500.00,US,true\n"
        "tc,2025-03-11,carla,front,currency,2500.00,US,true\n", encoding="utf-8")
    (tmp_path / "knowledge.csv").write_text("actor,org,knew\nana,cjng,unknown\ncarla,cjng,unknown\n", encoding="utf-8")
    tables = {k: str(tmp_path / f"{k}.csv") for k in ("parties", "transactions", "knowledge")}
    rows, _, _ = screen.screen(screen.Options(str(EXAMPLE / "base.yaml"), tables, progress=False))
    found = {r.id: r for r in rows}
    for ident, own, other in (("ta", "Ana Torres", "Carla Ruiz"), ("tc", "Carla Ruiz", "Ana Torres")):
        row = found[ident]
        assert row.answers["material_support"] == "depends"
        assert any(q.startswith(f"Did {own} know") for q in row.deciding), row.deciding
        assert not any(other in q for q in row.deciding), row.deciding
