"""Writing and maintaining cases: the pytest plugin's opt-in and failure report, `fto check`'s
counting, `fto check --update`, the schema of case files, and the shell's `save`."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest

from tests import cli_process
import yaml

from engine.cases import load_case
from engine.errors import InputError
from engine.session import Session

ROOT = Path(__file__).resolve().parent.parent

CASE = """\
# The Sinaloa Cartel before and after publication.
name: Sinaloa before and after
as_of: 2025-03-01
organizations:
  sinaloa: {registry: cartel_de_sinaloa}
expect:
  - ask: designated(sinaloa)
    answer: yes
    cites: ["90 FR 10030"]
  - ask: designated(sinaloa)
    as_of: 2025-02-19
    answer: yes          # wrong: published on 2025-02-20
    cites:
      - "8 U.S.C. § 1189(a)(2)(B)(i)"
      - "§ 1189(b)(9)"    # wrong: no such cite in the answer
    elements: {fto_on: established}
    note: the designation takes effect on publication
  - ask: designated(sinaloa)
    as_of: 2025-02-20
    answer: yes
    cites: ["§ 1189(a)(2)(B)(i)"]
"""


def fto(*args: str, cwd: Path = ROOT, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return cli_process.run(args, cwd, 180, stdin)


def pytest_in(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args], capture_output=True,
                          text=True, cwd=folder, timeout=180, env={**os.environ, "PYTHONPATH": str(ROOT)})


@pytest.mark.slow
def test_the_plugin_collects_only_where_a_project_opts_in(tmp_path: Path):
    (tmp_path / "cases").mkdir()
    (tmp_path / "cases" / "sinaloa.yaml").write_text(CASE, encoding="utf-8")
    (tmp_path / "cases" / "other.yaml").write_text("a: [not, a, case]\n", encoding="utf-8")
    (tmp_path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    unrelated = pytest_in(tmp_path, "--collect-only", "-q")
    assert unrelated.returncode == 5 and "no tests" in unrelated.stdout, unrelated.stdout  # nothing, not an error

    (tmp_path / "cases" / "other.yaml").unlink()
    (tmp_path / "pytest.ini").write_text("[pytest]\nfto_cases = cases\n", encoding="utf-8")
    run = pytest_in(tmp_path, "-q", "-rf")
    assert run.returncode == 1 and "1 failed, 2 passed" in run.stdout, run.stdout
    # The failure is a short diff of expected against got, not the whole answer.
    report = run.stdout
    assert "FAILED cases/sinaloa.yaml::1:designated(sinaloa) - expected yes, got no, and" in report
    assert "asked     expect.1: designated(sinaloa) as of 2025-02-19" in report
    assert "missing citation '§ 1189(b)(9)'" in report and "fto_on: expected established, got refuted" in report
    assert '"explanation"' not in report and "-vv shows the engine's whole answer" in report
    assert len(report.splitlines()) < 40
    assert '"explanation"' in pytest_in(tmp_path, "-vv").stdout


def test_this_project_opts_in_for_its_own_cases():
    run = pytest_in(ROOT, "--collect-only", "-q", "cases/designation/sinaloa_designated_after_publication.yaml")
    assert run.returncode == 0 and "3 tests collected" in run.stdout, run.stdout


def test_a_misspelt_case_key_is_named_before_the_key_it_leaves_missing(tmp_path: Path):
    path = tmp_path / "typo.yaml"
    path.write_text(CASE.replace('cites: ["90 FR 10030"]', 'cite: ["90 FR 10030"]'), encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_case(path)
    assert err.value.render() == f"{path}:9: expect.0.cite: unknown key 'cite'; did you mean 'cites'?"


def test_check_counts_expectations_names_each_failure_and_refuses_an_empty_folder(tmp_path: Path):
    (tmp_path / "empty").mkdir()
    empty = fto("check", str(tmp_path / "empty"))
    assert empty.returncode == 2 and empty.stderr.strip().endswith("no case files (*.yaml, *.yml) in this folder")
    case = tmp_path / "sinaloa.yaml"
    case.write_text(CASE, encoding="utf-8")
    run = fto("check", str(case))
    assert run.returncode == 1
    assert run.stdout.splitlines()[-1] == "2 passed, 1 failed"
    assert f"FAIL {case}  (Sinaloa before and after)\n  FAIL expect.1: designated(sinaloa) as of 2025-02-19\n" \
           "         answer    expected yes, got no\n" in run.stdout


def test_check_update_rewrites_the_failing_expectation_and_keeps_the_rest(tmp_path: Path):
    case = tmp_path / "sinaloa.yaml"
    case.write_text(CASE, encoding="utf-8")
    run = fto("check", "--update", str(case))
    assert run.returncode == 0, run.stdout + run.stderr
    assert "-    answer: yes          # wrong: published on 2025-02-20" in run.stdout  # the diff, shown
    assert "+    answer: no           # wrong: published on 2025-02-20" in run.stdout
    # Only the values that were wrong changed; comments, the note and the layout stayed.
    assert case.read_text(encoding="utf-8") == CASE.replace(
        "answer: yes          # wrong", "answer: no           # wrong").replace(
        '      - "8 U.S.C. § 1189(a)(2)(B)(i)"\n      - "§ 1189(b)(9)"    # wrong',
        '      ["8 U.S.C. § 1189(a)(2)(B)(i)"]    # wrong').replace(
        "elements: {fto_on: established}", "elements: {fto_on: refuted}")
    again = fto("check", str(case))
    assert again.returncode == 0 and again.stdout.splitlines()[-1] == "3 passed, 0 failed"
    assert [p.name for p in tmp_path.iterdir()] == ["sinaloa.yaml"]  # no temporary file left behind


def test_check_update_leaves_a_file_alone_when_it_cannot_rewrite_it_safely(tmp_path: Path):
    # The wrong cites are written once, under an anchor another expectation shares: rewriting
    # them for one would change the other.
    case = tmp_path / "aliased.yaml"
    text = CASE.replace('cites: ["90 FR 10030"]', 'cites: &c ["90 FR 10030", "§ 1189(b)(9)"]').replace(
        'cites: ["§ 1189(a)(2)(B)(i)"]', "cites: *c")
    case.write_text(text, encoding="utf-8")
    run = fto("check", "--update", str(case))
    assert run.returncode == 1 and "NOT UPDATED" in run.stdout and "YAML alias" in run.stdout, run.stdout
    assert case.read_text(encoding="utf-8") == text


def test_schema_covers_case_files_and_the_template_is_a_valid_case(tmp_path: Path):
    run = fto("schema")
    schema = yaml.safe_load(run.stdout)
    assert {"scenario", "as_of", "expect", "name"} <= set(schema["properties"])
    assert "scenario" not in schema.get("required", [])
    expectation = schema["$defs"]["Expectation"]
    assert {"ask", "answer", "cites", "set", "remove", "elements", "deciding"} <= set(expectation["properties"])
    path = tmp_path / "new.yaml"
    fto("new-case", str(path))
    case = load_case(path)
    assert case.meta.expect[0].ask == "material_support(supplier, t1)"


def test_shell_save_writes_the_edited_scenario_and_never_replaces_a_file_unasked(tmp_path: Path, scenario_file):
    source = scenario_file("""\
        scenario: Acme
        as_of: 2025-06-01
        organizations:
          acme: {name: "Acme #1 Gang"}
        actors:
          bob: {name: Bob}
        transactions:
          t1: {on: 2025-04-01, from: bob, to: acme, provides: currency, amount_usd: 1500.25}
        events:
          - {on: 2025-03-01, act: notify_congress, org: acme, by: secretary_of_state}
          - {on: 2025-03-08, act: publish_designation, org: acme, by: secretary_of_state}
        """)
    out = tmp_path / "edited.yaml"
    out.write_text("keep me\n", encoding="utf-8")
    script = textwrap.dedent(f"""\
        remove events.1
        save {out}
        n
        save {out}
        y
        quit
        """)
    run = fto("shell", str(source), stdin=script)
    assert run.returncode == 0, run.stderr
    assert "not saved" in run.stdout and f"saved {out}" in run.stdout
    saved = Session(out)
    assert saved.ask("designated(acme)").answer == "no"
    scenario = saved.solver.scenario
    assert len(scenario.events) == 1 and scenario.organizations["acme"].name == "Acme #1 Gang"
    assert scenario.transactions["t1"].amount_usd == Decimal("1500.25")
    assert "# Saved by `fto shell`" in out.read_text(encoding="utf-8") and "remove events.1" in out.read_text()
