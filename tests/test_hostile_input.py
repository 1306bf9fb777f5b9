"""Bad and hostile input through the real CLI: never a traceback, never a trick, never a changed file.

Every case runs `fto ask FILE QUESTION --json` as a process of its own (tests/cli_process.py) and checks the
contract: either exit 0 with the right answer and nothing on stderr, or exit 2 with exactly one
stderr line starting `error:` that names the file (and `:LINE` where the problem is on a line).
The scenario file's bytes and mtime must be the same afterwards.

The table cases run concurrently (a module fixture with a small thread pool) so that the whole
file stays fast on a 2-core machine; each case is still one subprocess and one assertion set.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests import cli_process
from tests.conftest import claims

CLI = [sys.executable, "-m", "engine.cli"]
REPO = Path(__file__).resolve().parent.parent


# ---------------------------------------------------------------------------------------------
# Running the CLI
# ---------------------------------------------------------------------------------------------


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    seconds: float
    before: tuple[bytes, int] | None
    after: tuple[bytes, int] | None

    @property
    def json(self) -> dict[str, Any]:
        return json.loads(self.stdout)


def _snapshot(path: Path) -> tuple[bytes, int] | None:
    if not path.is_file():
        return None
    return path.read_bytes(), path.stat().st_mtime_ns


def run_cli(path: Path | str, question: str, *extra: str, timeout: float = 60) -> Run:
    path = Path(path)
    before = _snapshot(path)
    start = time.perf_counter()
    proc = cli_process.run(["ask", str(path), question, "--json", *extra], REPO, timeout)
    seconds = time.perf_counter() - start
    return Run(proc.returncode, proc.stdout, proc.stderr, seconds, before, _snapshot(path))


def assert_untouched(run: Run) -> None:
    assert run.before == run.after, "the scenario file was modified"


def assert_rejected(run: Run, path: Path | str | None, line: int | None = None, fragment: str | None = None) -> str:
    """Exit 2, one `error:` line naming the file (and line); nothing else on stderr."""
    assert run.code == 2, f"exit {run.code}\nstdout: {run.stdout[:2000]}\nstderr: {run.stderr[-3000:]}"
    assert "Traceback" not in run.stderr
    lines = run.stderr.splitlines()
    assert len(lines) == 1 and run.stderr.endswith("\n"), f"expected one stderr line, got: {run.stderr!r}"
    message = lines[0]
    assert message.startswith("error: "), message
    if path is not None:
        assert str(path) in message, f"file not named: {message}"
    if line is not None:
        assert f"{path}:{line}:" in message, f"line {line} not named: {message}"
    if fragment is not None:
        assert fragment.casefold() in message.casefold(), f"{fragment!r} not in: {message}"
    assert run.stdout == "", f"stdout should be empty on error: {run.stdout[:500]}"
    assert_untouched(run)
    return message


def assert_answer(run: Run, expected: str) -> dict[str, Any]:
    assert run.code == 0, f"exit {run.code}\nstderr: {run.stderr[-3000:]}"
    assert run.stderr == ""
    data = run.json
    assert data["answer"] == expected, json.dumps(data, indent=1, ensure_ascii=False)[:3000]
    assert_untouched(run)
    return data


def all_claims(data: dict[str, Any]) -> list[str]:
    return claims(data["explanation"])


# ---------------------------------------------------------------------------------------------
# The scenario most cases start from (line numbers matter: 10 lines)
# ---------------------------------------------------------------------------------------------

BASE = """\
scenario: Base
as_of: 2025-06-01
organizations:
  acme: {name: Acme Gang, findings: [foreign_organization, terrorist_activity, threatens_us_nationals]}
actors:
  bob: {name: Bob}
  bank: {kind: financial_institution}
events:
  - {on: 2025-03-01, act: notify_congress, org: acme, by: secretary_of_state}
  - {on: 2025-03-08, act: publish_designation, org: acme, by: secretary_of_state}
"""
assert BASE.count("\n") == 10


def org_keyed(key: str) -> str:
    """A file whose one organization is keyed `key` (on line 4), as written in YAML."""
    return f"scenario: t\nas_of: 2025-06-01\norganizations:\n  {key}: {{}}\n"


def base(extra: str = "") -> str:
    """BASE with more lines; the first added line is line 11."""
    return BASE + extra


def org_base(org_line: str) -> str:
    """BASE with line 4 (the organization) replaced."""
    lines = BASE.splitlines(keepends=True)
    lines[3] = org_line.rstrip("\n") + "\n"
    return "".join(lines)


@dataclass
class Case:
    id: str
    text: str | bytes
    question: str = "designated(acme)"
    line: int | None = None  # expected line in the message (None: do not check a line)
    fragment: str | None = None  # expected words in the message
    answer: str | None = None  # exit 0 with this answer instead of an error
    extra: tuple[str, ...] = ()
    names_file: bool = True  # False for problems that are in the question or option, not the file
    marks: list[Any] = field(default_factory=list)


CASES: list[Case] = [
    # --- the baseline answers (so the reject cases below are rejecting for the right reason)
    Case("baseline_yes", BASE, answer="yes"),
    Case("baseline_before_publication", BASE, answer="no", extra=("--as-of", "2025-03-07")),
    # --- broken YAML
    Case("unclosed_bracket", "scenario: t\nas_of: 2025-06-01\norganizations: {acme: {name: [x}\n", line=3,
         fragment="invalid YAML"),
    Case("tab_indentation", "scenario: t\nas_of: 2025-06-01\norganizations:\n\tacme: {}\n", line=4,
         fragment="invalid YAML"),
    Case("bad_indentation", "scenario: t\nas_of: 2025-06-01\norganizations:\n  acme: {}\n   other: {}\n", line=5,
         fragment="invalid YAML"),
    Case("empty_file", "", fragment="empty"),
    Case("list_instead_of_mapping", "- scenario: t\n- as_of: 2025-06-01\n", line=1, fragment="mapping"),
    Case("scalar_instead_of_mapping", "just some words\n", line=1, fragment="mapping"),
    Case("two_documents", "scenario: t\nas_of: 2025-06-01\n---\nscenario: u\n", line=3, fragment="invalid YAML"),
    Case("nul_byte", "scenario: t\x00\nas_of: 2025-06-01\n", line=1, fragment="invalid YAML"),
    # --- unknown keys at each level
    Case("unknown_key_top", base("colour: red\n"), line=11, fragment="unknown key"),
    Case("unknown_key_organization", org_base("  acme: {name: Acme, colour: red}"), line=4, fragment="unknown key"),
    Case("unknown_key_actor", base().replace("  bob: {name: Bob}", "  bob: {name: Bob, colour: red}"), line=6,
         fragment="unknown key"),
    Case("unknown_key_event", base("  - {on: 2025-03-09, act: revoke, org: acme, colour: red}\n"), line=11,
         fragment="unknown key"),
    Case("unknown_key_transaction", base("transactions:\n  t1: {on: 2025-05-01, from: bob, to: acme, provides: currency,"
                                         " colour: red}\n"), line=12, fragment="unknown key"),
    Case("unknown_key_holding", base("holdings:\n  - {institution: bank, owner: acme, amount_usd: 5, since: 2025-01-01,"
                                     " colour: red}\n"), line=12, fragment="unknown key"),
    Case("missing_required_as_of", "scenario: t\norganizations: {}\n", fragment="as_of"),
    # --- wrong types
    Case("as_of_not_a_date", "scenario: t\nas_of: yesterday\n", line=2, fragment="as_of"),
    Case("organizations_as_list", "scenario: t\nas_of: 2025-06-01\norganizations: [acme]\n", line=3,
         fragment="organizations"),
    Case("events_as_mapping", "scenario: t\nas_of: 2025-06-01\norganizations: {acme: {}}\nevents: {a: 1}\n", line=4,
         fragment="events"),
    Case("tri_state_not_a_bool", org_base("  acme: {name: Acme, foreign: maybe}"), line=4, fragment="foreign"),
    Case("findings_not_a_list", org_base("  acme: {findings: terrorism}"), line=4, fragment="findings"),
    Case("unknown_act", base("  - {on: 2025-03-09, act: bomb_them, org: acme}\n"), line=11, fragment="act"),
    Case("amount_not_a_number", base("transactions:\n  t1: {on: 2025-05-01, from: bob, to: acme, provides: currency,"
                                     " amount_usd: lots}\n"), line=12, fragment="amount_usd"),
    Case("amount_infinite", base("transactions:\n  t1: {on: 2025-05-01, from: bob, to: acme, provides: currency,"
                                 " amount_usd: .inf}\n"), line=12, fragment="amount_usd"),
    Case("amount_beyond_the_engine", base("holdings:\n  - {institution: bank, owner: acme, amount_usd: 10000000000000000,"
                                          " since: 2025-01-01}\n"), line=12, fragment="more than $10^15, the largest amount the engine accepts"),
    Case("amount_below_a_cent", base("holdings:\n  - {institution: bank, owner: acme, amount_usd: 12.345,"
                                     " since: 2025-01-01}\n"), line=12, fragment="2 decimal places"),
    Case("as_of_integer_zero", "scenario: t\nas_of: 0\n", line=2, fragment="as_of"),
    Case("name_too_long", org_base("  acme: {name: " + "x" * 501 + "}"), line=4, fragment="name"),
    # --- duplicates
    Case("duplicate_top_key", "scenario: t\nas_of: 2025-06-01\nscenario: u\n", line=3, fragment="duplicate key"),
    Case("duplicate_nested_key", org_base("  acme: {name: A, name: B}"), line=4, fragment="duplicate key"),
    Case("duplicate_org_key", base("organizations2: {}\n").replace(
        "organizations:\n", "organizations:\n  acme: {}\n").replace("organizations2: {}\n", ""), line=5,
        fragment="duplicate key"),
    Case("same_id_org_and_actor", base("  - {on: 2025-03-09, act: revoke, org: acme}\n").replace(
        "  bob: {name: Bob}", "  acme: {name: Bob}"), line=6, fragment="already used"),
    Case("same_id_org_and_transaction", base("transactions:\n  acme: {on: 2025-05-01, from: bob, to: bank,"
                                             " provides: currency}\n"), line=12, fragment="already used"),
    Case("event_id_reuses_org_id", base("  - {id: acme, on: 2025-03-09, act: revoke, org: acme}\n"), line=11,
         fragment="already used"),
    Case("duplicate_holding_ids", base("holdings:\n  - {id: h1, institution: bank, owner: acme, amount_usd: 5,"
                                       " since: 2025-01-01}\n  - {id: h1, institution: bank, owner: bob, amount_usd: 6,"
                                       " since: 2025-01-02}\n"), line=13, fragment="already used"),
    Case("holding_id_reuses_actor_id", base("holdings:\n  - {id: bob, institution: bank, owner: acme, amount_usd: 5,"
                                            " since: 2025-01-01}\n"), line=12, fragment="already used"),
    # --- dangling references
    Case("dangling_event_org", base("  - {on: 2025-03-09, act: revoke, org: ghost}\n"), line=11, fragment="ghost"),
    Case("dangling_event_alias", base("  - {on: 2025-03-09, act: publish_amendment, org: acme, alias: ghost}\n"),
         line=11, fragment="ghost"),
    Case("dangling_alias_of", org_base("  acme: {alias_of: ghost}"), line=4, fragment="ghost"),
    Case("dangling_agent_of", base().replace("  bob: {name: Bob}", "  bob: {name: Bob, agent_of: ghost}"), line=6,
         fragment="ghost"),
    Case("dangling_transaction_from", base("transactions:\n  t1: {on: 2025-05-01, from: ghost, to: acme,"
                                           " provides: currency}\n"), line=12, fragment="ghost"),
    Case("dangling_transaction_to", base("transactions:\n  t1:\n    on: 2025-05-01\n    from: bob\n    to: ghost\n"
                                         "    provides: currency\n"), line=15, fragment="ghost"),
    Case("transaction_to_itself", base("transactions:\n  t1: {on: 2025-05-01, from: bob, to: bob,"
                                       " provides: currency}\n"), line=12, fragment="two different parties"),
    Case("dangling_holding_owner", base("holdings:\n  - {institution: bank, owner: ghost, amount_usd: 5,"
                                        " since: 2025-01-01}\n"), line=12, fragment="ghost"),
    Case("holding_institution_not_a_bank", base("holdings:\n  - {institution: bob, owner: acme, amount_usd: 5,"
                                                " since: 2025-01-01}\n"), line=12, fragment="financial_institution"),
    Case("dangling_knowledge_org", base("knowledge:\n  - {actor: bob, org: ghost, knew: designated}\n"), line=12,
         fragment="ghost"),
    Case("dangling_act_injured", base("acts:\n  a1: {on: 2025-04-01, by: acme, injured: [ghost]}\n"), line=12,
         fragment="ghost"),
    Case("unknown_registry_entry", org_base("  acme: {registry: no_such_group}"), line=4, fragment="registry"),
    Case("unknown_path_not_a_fact", base("unknown: [organizations.ghost.foreign]\n"), line=11,
         fragment="does not name a fact"),
    # --- impossible and extreme dates
    Case("february_30", base("  - {on: 2025-02-30, act: revoke, org: acme}\n"), line=11, fragment="2025-02-30"),
    Case("date_too_late_for_deadlines", base("  - {on: 9999-12-20, act: publish_designation, org: acme}\n"), line=11,
         fragment="9999-12-20"),
    Case("year_one_is_fine", base(), answer="no", extra=("--as-of", "0001-01-01")),
    # --- reversed dates: the engine answers, correctly
    Case("publication_before_notice_still_designated",
         base().replace("2025-03-01, act: notify_congress", "2025-03-20, act: notify_congress"), answer="yes"),
    Case("revocation_before_designation_has_no_effect_on_it",
         base("  - {on: 2024-01-01, act: revoke, org: acme, by: secretary_of_state}\n"
              "  - {on: 2024-01-02, act: publish_revocation, org: acme}\n"), answer="yes"),
    Case("revocation_after_designation_ends_it",
         base("  - {on: 2025-04-01, act: revoke, org: acme, by: secretary_of_state}\n"
              "  - {on: 2025-04-02, act: publish_revocation, org: acme}\n"), answer="no"),
    # --- ids full of rule-language syntax are not ids
    Case("id_asp_rule", org_keyed("\"x). y :- z.\""), line=4, fragment="not a valid id"),
    Case("id_hash_show", org_keyed("\"#show\""), line=4, fragment="not a valid id"),
    Case("id_quote", org_keyed("'a\"b'"), line=4, fragment="not a valid id"),
    Case("id_newline", org_keyed("\"a\\nb\""), line=4, fragment="not a valid id"),
    Case("id_uppercase", org_keyed("Acme"), line=4, fragment="not a valid id"),
    Case("id_unicode", org_keyed("acmé"), line=4, fragment="not a valid id"),
    Case("id_too_long", org_keyed("a" * 64), line=4, fragment="not a valid id"),
    Case("id_keyword_not", org_keyed("not"), line=4, fragment="keyword"),
    Case("reference_keyword_not", base("  - {on: 2025-03-09, act: revoke, org: acme, by: not}\n"), line=11,
         fragment="keyword"),
    Case("reference_with_asp_syntax", base("  - {on: 2025-03-09, act: revoke, org: \"acme). designated(x\"}\n"),
         line=11, fragment="not a valid id"),
    Case("consulted_with_asp_syntax", base("  - {on: 2025-03-09, act: revoke, org: acme,"
                                           " consulted: [\"a. #show b\"]}\n"), line=11, fragment="not a valid id"),
    # --- YAML features that must not construct anything
    Case("python_object_apply_top", "!!python/object/apply:os.system [\"echo pwned > {marker}\"]\n"),
    Case("python_object_apply_value", "scenario: !!python/object/apply:os.system [\"echo pwned > {marker}\"]\n"
                                      "as_of: 2025-06-01\n", line=1),
    Case("python_object_new_tag", "scenario: t\nas_of: 2025-06-01\nnotes: !!python/object/new:os.system"
                                  " [\"echo pwned > {marker}\"]\n", line=3),
    Case("python_tag_on_mapping", "scenario: t\nas_of: 2025-06-01\norganizations: !!python/object/new:os.system"
                                  " {acme: {}}\n", line=3, fragment="tag"),
    Case("python_tag_on_sequence", "scenario: t\nas_of: 2025-06-01\nunknown: !!python/object/apply:os.system"
                                   " [as_of]\n", line=3, fragment="tag"),
    Case("set_tag_on_mapping", "scenario: t\nas_of: 2025-06-01\norganizations: !!set {acme}\n", line=3,
         fragment="tag"),
    Case("custom_tag", "scenario: t\nas_of: !today\n", line=2),
    Case("merge_key", "scenario: t\nas_of: 2025-06-01\norganizations:\n  acme: &a {name: Acme}\n"
                      "  beta:\n    <<: *a\n", line=6, fragment="merge"),
    Case("recursive_alias", "scenario: t\nas_of: 2025-06-01\nunknown: &a [*a]\n", line=3, fragment="recursive"),
    Case("deep_nesting", "scenario: t\nas_of: 2025-06-01\nnotes: " + "[" * 5000 + "]" * 5000 + "\n", line=3,
         fragment="nested"),
    Case("utf8_bom_is_fine", "\ufeff" + BASE, answer="yes"),
    # --- contradictory or dangling facts about dated relations and presence (#19)
    Case("membership_ends_before_it_starts",
         base().replace("  bob: {name: Bob}", "  bob: {name: Bob, member_of: [{of: acme, from: 2025-02-01, until: 2025-01-01}]}"),
         line=6, fragment="actors.bob.member_of.0: ends on 2025-01-01, before it begins on 2025-02-01"),
    Case("relation_with_an_undefined_organization",
         base().replace("  bob: {name: Bob}", "  bob: {name: Bob, employed_by: [{of: ghost, from: 2025-02-01}]}"),
         line=6, fragment="actors.bob.employed_by.0.of: 'ghost' is not a defined organization or actor"),
    Case("applicant_abroad_yet_in_the_us",
         base().replace("  bob: {name: Bob}", "  bob: {name: Bob, in_united_states: true, applicant_abroad: true}"),
         line=6, fragment="applicant_abroad: true contradicts in_united_states: true"),
    Case("in_us_custody_yet_not_in_the_us",
         base().replace("  bob: {name: Bob}", "  bob: {name: Bob, in_united_states: false, custody: [{from: 2025-01-01, where: us}]}"),
         line=6, fragment="contradicts in_united_states: false"),
    # --- uncertain dates: a range must be two days in order
    Case("date_range_backwards", base("  - {on: {between: [2025-03-09, 2025-03-01]}, act: revoke, org: acme}\n"), line=11,
         fragment="events.2.on.between: the range ends on 2025-03-01, before it begins on 2025-03-09"),
    Case("date_range_of_one_day", base("transactions:\n  t1: {on: {between: [2025-03-09]}, from: bob, to: acme, provides: currency}\n"),
         line=12, fragment="transactions.t1.on.between.1: required key is missing"),
    # --- bad questions (the problem is in the question, not the file)
    Case("question_unclosed", BASE, question="designated(", names_file=False, fragment="designated("),
    Case("question_number_beyond_32_bits", BASE, question="max_prison(bob, t1, 2147483648)", names_file=False,
         fragment="2147483648 in 'max_prison(bob, t1, 2147483648)' is too large"),
    Case("question_unknown_predicate", BASE, question="blessed(acme)", names_file=False, fragment="blessed"),
    Case("question_derived_not_askable", BASE, question="acts_for(acme, acme)", names_file=False,
         fragment="acts_for"),
    Case("question_wrong_arity", BASE, question="designated(acme, acme)", names_file=False,
         fragment="wrong number of arguments"),
    Case("question_unknown_id", BASE, question="designated(ghost)", names_file=False, fragment="ghost"),
    Case("question_variable_is_an_open_question", BASE, question="designated(X)", answer="yes"),
    Case("question_variable_under_not", BASE, question="not designated(X)", names_file=False, fragment="designated(X)"),
    Case("question_value_of_a_yes_no", BASE, question="designated(acme, X)", names_file=False,
         fragment="no value to ask for"),
    Case("question_show_directive", BASE, question="#show designated/1.", names_file=False, fragment="#show"),
    Case("question_two_atoms", BASE, question="designated(acme). designated(bob)", names_file=False),
    Case("question_empty", BASE, question="", names_file=False),
    Case("question_trailing_period_is_fine", BASE, question="designated(acme).", answer="yes"),
    Case("question_string_argument", BASE, question='designated("acme")', names_file=False),
    Case("question_number_argument", BASE, question="designated(1)", names_file=False, fragment="not an id"),
    Case("question_nested_term", BASE, question="designated(f(acme))", names_file=False, fragment="f(acme)"),
    Case("question_negated_id", BASE, question="designated(-acme)", names_file=False, fragment="not an id"),
    Case("question_tuple_argument", BASE, question="designated((acme,acme))", names_file=False, fragment="not an id"),
    Case("question_unknown_id_names_the_file", BASE, question="designated(ghost)", fragment="ghost"),
    # --- bad --as-of values
    Case("as_of_february_30", BASE, extra=("--as-of", "2025-02-30"), names_file=False, fragment="--as-of"),
    Case("as_of_words", BASE, extra=("--as-of", "next tuesday"), names_file=False, fragment="--as-of"),
    Case("as_of_injection", BASE, extra=("--as-of", "2025-01-01). designated(acme"), names_file=False,
         fragment="--as-of"),
    Case("as_of_empty", BASE, extra=("--as-of", ""), names_file=False, fragment="--as-of"),
]

MARKER = "PWNED_MARKER"


def _write(tmp: Path, case: Case) -> Path:
    path = tmp / f"{case.id}.yaml"
    text = case.text
    if isinstance(text, str):
        text = text.replace("{marker}", str(tmp / f"{case.id}.{MARKER}")).encode("utf-8")
    path.write_bytes(text)
    old = time.time() - 3600  # an mtime in the past, so any rewrite would show
    os.utime(path, (old, old))
    return path


class Table(dict[str, tuple[Path, Run]]):
    """Each case's file and run, made the first time a test asks for it."""

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder

    def run(self, case: Case) -> tuple[Path, Run]:
        path = _write(self.folder, case)
        return path, run_cli(path, case.question, *case.extra)

    def __missing__(self, case_id: str) -> tuple[Path, Run]:
        self[case_id] = self.run(next(case for case in CASES if case.id == case_id))
        return self[case_id]


@pytest.fixture(scope="module")
def table(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Table:
    """In one process, every selected case is run before the first is checked, a few at a time.
    Under pytest-xdist each worker collects every test but runs only those it is sent, so there
    each case is run when its test comes (running them all would run each once per worker)."""
    runs = Table(tmp_path_factory.mktemp("hostile"))
    if os.environ.get("PYTEST_XDIST_WORKER"):
        return runs
    selected = {item.callspec.params["case"].id for item in request.session.items
                if hasattr(item, "callspec") and isinstance(item.callspec.params.get("case"), Case)}
    cases = [case for case in CASES if case.id in selected]
    with ThreadPoolExecutor(max_workers=(os.cpu_count() or 1) + 1) as pool:
        runs.update(zip((case.id for case in cases), pool.map(runs.run, cases)))
    return runs


def _param(case: Case) -> Any:
    return pytest.param(case, id=case.id, marks=list(case.marks))


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_hostile_case(case: Case, table: Table) -> None:
    path, run = table[case.id]
    if case.answer is not None:
        assert_answer(run, case.answer)
    else:
        assert_rejected(run, path if case.names_file else None, case.line, case.fragment)
    if "{marker}" in str(case.text):
        assert not list(path.parent.glob(f"*{MARKER}*")), "a YAML tag ran a command"


# ---------------------------------------------------------------------------------------------
# Cases that need their own checks
# ---------------------------------------------------------------------------------------------


def write(tmp_path: Path, text: str | bytes, name: str = "scenario.yaml") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    assert_rejected(run_cli(path, "designated(acme)"), path, fragment="cannot read")
    assert not path.exists()


def test_directory_instead_of_file(tmp_path: Path) -> None:
    assert_rejected(run_cli(tmp_path, "designated(acme)"), tmp_path, fragment="directory")


def test_non_utf8_file(tmp_path: Path) -> None:
    path = write(tmp_path, BASE.replace("Acme Gang", "Acme Gang").encode("utf-8").replace(b"Bob", b"B\xe9b"))
    assert_rejected(run_cli(path, "designated(acme)"), path, fragment="UTF-8")


def test_utf16_file(tmp_path: Path) -> None:
    path = write(tmp_path, BASE.encode("utf-16"))
    assert_rejected(run_cli(path, "designated(acme)"), path, fragment="UTF-8")


def test_file_name_with_spaces_unicode_and_newline(tmp_path: Path) -> None:
    good = write(tmp_path, BASE, "a scenario é.yaml")
    assert_answer(run_cli(good, "designated(acme)"), "yes")
    bad = write(tmp_path, "scenario: t\nas_of: nope\n", "bad\nname.yaml")
    message = assert_rejected(run_cli(bad, "designated(acme)"), None, fragment="as_of")
    assert "bad\\nname.yaml:2:" in message


def test_fifty_megabyte_file_is_refused_quickly(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    chunk = ("# " + "x" * 1021 + "\n").encode()
    with path.open("wb") as f:
        f.write(BASE.encode())
        for _ in range(50 * 1024):
            f.write(chunk)
    assert path.stat().st_size > 50_000_000
    run = run_cli(path, "designated(acme)")
    assert_rejected(run, path, fragment="MB")
    assert run.seconds < 10, f"took {run.seconds:.1f}s"


def test_billion_laughs_is_refused_quickly(tmp_path: Path) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    path = write(tmp_path, "\n".join(lines) + "\nscenario: t\nas_of: 2025-06-01\n")
    run = run_cli(path, "designated(acme)")
    assert_rejected(run, path, fragment="alias bomb")
    assert run.seconds < 5, f"took {run.seconds:.1f}s"


def test_org_name_full_of_asp_syntax_designates_nothing(tmp_path: Path) -> None:
    hostile = 'x). designated(y). designated(acme). #show. %'
    text = (
        "scenario: t\nas_of: 2025-06-01\norganizations:\n"
        f"  acme: {{name: {json.dumps(hostile)}}}\n"
        "  y: {name: 'Y). designated(acme'}\n"
    )
    path = write(tmp_path, text)
    for org in ("y", "acme"):
        data = assert_answer(run_cli(path, f"designated({org})"), "no")
    assert any(hostile in c for c in all_claims(data)), all_claims(data)


def test_free_text_is_rendered_verbatim(tmp_path: Path) -> None:
    name = 'Al "Quote" \'Gang\' % not #show \\ back\nslash — 日本語 😀 ' + "long " * 90
    name = name.strip()
    assert len(name) <= 500
    citation = '90 FR 1). cite(x, "y"). % #include "z".'
    text = (
        "scenario: 'x). y. %'\nas_of: 2025-06-01\n"
        f"notes: {json.dumps('n' * 19000)}\n"
        "organizations:\n"
        f"  acme: {{name: {json.dumps(name, ensure_ascii=False)},"
        " findings: [foreign_organization, terrorist_activity, threatens_us_nationals]}\n"
        "events:\n"
        "  - {on: 2025-03-01, act: notify_congress, org: acme, by: secretary_of_state}\n"
        "  - {on: 2025-03-08, act: publish_designation, org: acme, by: secretary_of_state,"
        f" fr_citation: {json.dumps(citation, ensure_ascii=False)}}}\n"
    )
    path = write(tmp_path, text)
    data = assert_answer(run_cli(path, "designated(acme)"), "yes")
    found = all_claims(data)
    assert any(name in c for c in found), found[:5]
    assert citation in data["citations"] or any(citation in c for c in found), data["citations"]


def test_agent_cycle_answers_and_does_not_hang(tmp_path: Path) -> None:
    text = base(
        "transactions:\n  t1: {on: 2025-05-01, from: bob, to: front_a, provides: currency, amount_usd: 100}\n"
    ).replace(
        "  bank: {kind: financial_institution}\n",
        "  bank: {kind: financial_institution}\n  front_a: {kind: company, agent_of: front_b}\n"
        "  front_b: {kind: company, agent_of: front_a}\n",
    )
    path = write(tmp_path, text)
    run = run_cli(path, "designated(acme)", timeout=30)
    assert_answer(run, "yes")
    assert run.seconds < 10
    # the cycle reaches no organization, so the designation does not reach the payment to it
    assert_answer(run_cli(path, "designation_reaches(acme, t1)", timeout=30), "no")


def _chain(n: int) -> str:
    actors = "".join(
        f"  front{i}: {{kind: company, agent_of: {'acme' if i == 0 else f'front{i - 1}'}}}\n" for i in range(n)
    )
    return base(
        "transactions:\n"
        f"  t1: {{on: 2025-05-01, from: bob, to: front{n - 1}, provides: currency, amount_usd: 100, knowingly: true}}\n"
        "knowledge:\n  - {actor: bob, org: acme, knew: designated}\n"
    ).replace("  bank: {kind: financial_institution}\n", "  bank: {kind: financial_institution}\n" + actors).replace(
        "  bob: {name: Bob}", "  bob: {name: Bob, us_national: true}"
    )


def test_chain_of_300_fronts_reaches_the_organization(tmp_path: Path) -> None:
    path = write(tmp_path, _chain(300))
    run = run_cli(path, "designation_reaches(acme, t1)", timeout=60)
    data = assert_answer(run, "yes")
    assert run.seconds < 10, f"took {run.seconds:.1f}s"
    assert any("front299" in c or "front0" in c for c in all_claims(data))
    # and the support itself is material support to the designated organization
    assert_answer(run_cli(path, "material_support(bob, t1)", timeout=60), "yes")


def test_chain_of_300_fronts_in_process_acts_for() -> None:
    from clingo.symbol import Function

    from engine.scenario import loads
    from engine.solve import Solver

    solver = Solver(loads(_chain(300), "chain.yaml"))
    assert solver.status(Function("acts_for", [Function("front299"), Function("acme")])) == "yes"
    assert solver.status(Function("acts_for", [Function("bob"), Function("acme")])) == "no"


def test_two_thousand_unknown_organizations_do_not_multiply_into_answer_sets(tmp_path: Path) -> None:
    """2,000 open facts would be 2**2000 answer sets if each were guessed; a minute is a hang guard
    only (on a loaded 2-core machine a normal run takes a few seconds; benchmarks/ has the figure)."""
    orgs = "".join(f"  o{i}: {{name: Org {i}, foreign: unknown}}\n" for i in range(2000))
    text = base().replace("organizations:\n", "organizations:\n" + orgs)
    path = write(tmp_path, text)
    for question, expected in (("designated(acme)", "yes"), ("designated(o7)", "no")):
        try:
            run = run_cli(path, question, timeout=60)
        except subprocess.TimeoutExpired:
            pytest.fail(f"{question} with 2,000 unknown facts did not finish in a minute")
        assert_answer(run, expected)


def test_a_hundred_unknown_organizations_still_answer(tmp_path: Path) -> None:
    """A smaller version that must pass today: unknown facts multiply nothing into a wrong answer."""
    orgs = "".join(f"  o{i}: {{name: Org {i}, foreign: unknown}}\n" for i in range(100))
    path = write(tmp_path, base().replace("organizations:\n", "organizations:\n" + orgs))
    assert_answer(run_cli(path, "designated(acme)", timeout=60), "yes")
    run = run_cli(path, "properly_designated(o7)", timeout=60)
    assert_answer(run, "no")


def test_revoked_before_the_revocation_takes_effect(tmp_path: Path) -> None:
    path = write(tmp_path, base("  - {on: 2025-04-02, act: publish_revocation, org: acme}\n"))
    try:
        run = run_cli(path, "revoked(acme)", "--as-of", "2025-04-01", timeout=6)
    except subprocess.TimeoutExpired:
        pytest.fail("revoked(acme) as of the day before the revocation did not finish in 6 s")
    assert_answer(run, "no")
