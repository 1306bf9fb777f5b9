"""Command-line conventions: version, short help, completion, exit codes, standard input, typo
hints, options checked like file values, `--set` and `--patch` semantics, the pager."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tests import cli_process
from typer.testing import CliRunner

from engine.cli import app
from engine.errors import InputError
from engine.session import Change, Session, parse_set, patch_changes

ROOT = Path(__file__).resolve().parent.parent
SINALOA = ROOT / "examples" / "sinaloa.yaml"


def fto(*args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return cli_process.run(args, ROOT, 120, stdin, env)


def one_error(run: subprocess.CompletedProcess[str]) -> str:
    """The contract for bad input: exit 2, one `error:` line, nothing on stdout."""
    assert run.returncode == 2, (run.returncode, run.stdout[-2000:], run.stderr[-2000:])
    assert len(run.stderr.splitlines()) == 1 and run.stderr.startswith("error: "), run.stderr
    assert run.stdout == ""
    return run.stderr.strip()


# --- conventions ------------------------------------------------------------------------------


def test_version_short_help_and_bare_fto_printing_its_help_once():
    version = re.search(r'^version = "(.+)"$', (ROOT / "pyproject.toml").read_text(encoding="utf-8"), re.M)
    shown = fto("--version")
    assert shown.returncode == 0
    # Installed, the distribution's version; run from a bare checkout, a plain word that says so.
    assert shown.stdout.strip() in (f"fto {version.group(1)}", "fto (not installed: running from a checkout)")
    short = fto("ask", "-h")
    assert short.returncode == 0 and "Usage: fto ask" in short.stdout and "--as-of" in short.stdout
    bare = fto()
    assert bare.returncode == 0 and bare.stdout.count("Usage: fto") == 1 and "ask" in bare.stdout


def test_help_shows_metavars_and_no_type_tags():
    runner = CliRunner()
    pages = [runner.invoke(app, [*cmd, "--help"], prog_name="fto", terminal_width=200).output
             for cmd in ([], ["ask"], ["whatif"], ["check"], ["shell"], ["registry"], ["new-case"])]
    for page in pages:
        assert "Usage: fto" in page
        assert not re.search(r"<(bool|str|int|float|list\[[a-z]+\])>", page), page
    whole = "\n".join(pages)
    for metavar in ("SECONDS", "MB", "DATE", "PATH=VALUE", "FILE", "SCENARIO", "QUESTION"):
        assert metavar in whole
    assert "--exit-code" in pages[1] and "--install-completion" in pages[0]


def test_shell_completion_offers_questions_and_installs(tmp_path: Path):
    offered = fto(env={"_FTO_COMPLETE": "complete_bash", "COMP_WORDS": "fto ask examples/sinaloa.yaml desig",
                       "COMP_CWORD": "3"})
    assert offered.returncode == 0
    assert "designated(" in offered.stdout.split() and "designation_reaches(" in offered.stdout.split()
    # Typer finds the shell to install for among the process's ancestors, so the command is run from
    # bash (not exec'd): a test runner started without a shell above it would otherwise find none.
    installed = subprocess.run(["bash", "-c", f"{shlex.quote(sys.executable)} -m engine.cli --install-completion; exit $?"],
                               capture_output=True, text=True, cwd=ROOT, timeout=120,
                               env={**os.environ, "HOME": str(tmp_path), "SHELL": "/bin/bash"})
    assert installed.returncode == 0, installed.stderr
    script = tmp_path / ".bash_completions" / "fto.sh"
    assert f"installed in {script}" in installed.stdout, installed.stdout
    assert "_FTO_COMPLETE" in script.read_text(encoding="utf-8")
    assert f"source '{script}'" in (tmp_path / ".bashrc").read_text(encoding="utf-8")


# --- exit codes and standard input -------------------------------------------------------------

UNTITLED = """\
as_of: 2025-06-01
organizations:
  acme: {name: Acme Gang}
events:
  - {on: 2025-03-01, act: notify_congress, org: acme, by: secretary_of_state}
  - {on: 2025-03-08, act: publish_designation, org: acme, by: secretary_of_state}
"""
SIGNED_LATE = UNTITLED + "  - {on: 2025-03-05, act: sign_designation, org: acme, by: secretary_of_state}\n"


def test_why_not_reads_a_scenario_from_stdin_and_is_given_only_for_a_no():
    before = fto("ask", "-", "designated(acme)", "--as-of", "2025-03-07", "--why-not", stdin=UNTITLED)
    assert before.returncode == 0 and "DESIGNATED" not in before.stderr and ": NO" in before.stdout
    assert "would make it yes" in before.stdout or "It would be yes if:" in before.stdout
    after = fto("ask", "-", "designated(acme)", "--why-not", stdin=UNTITLED)
    assert ": YES" in after.stdout and "Why not" not in after.stdout and "would be yes" not in after.stdout


def test_exit_code_gives_the_answer_and_a_scenario_needs_no_title_and_may_come_on_stdin():
    assert fto("ask", "-", "designated(acme)", "--exit-code", stdin=UNTITLED).returncode == 0
    no = fto("ask", "-", "designated(acme)", "--as-of", "2025-03-07", "--exit-code", stdin=UNTITLED)
    assert no.returncode == 1 and "designated(acme) as of 2025-03-07: NO" in no.stdout
    # Signed two days before the notice's 7 days ran out: proper on one open reading, not the other.
    depends = fto("ask", "-", "properly_designated(acme)", "--exit-code", "--json", stdin=SIGNED_LATE)
    assert depends.returncode == 4 and '"answer": "depends"' in depends.stdout
    assert fto("ask", "-", "designated(acme)", "--as-of", "2025-03-07", stdin=UNTITLED).returncode == 0
    flipped = fto("whatif", "-", "designated(acme)", "--remove", "events.1", "--exit-code", stdin=UNTITLED)
    assert flipped.returncode == 1 and "YES → NO" in flipped.stdout
    message = one_error(fto("ask", "-", "designated(acme)", "--exit-code", stdin=UNTITLED + "colour: red\n"))
    assert message.startswith("error: <stdin>:7: colour: unknown key 'colour'")
    assert one_error(fto("shell", "-", stdin="quit\n")).endswith("give the scenario as a file")


# --- typos get a suggestion --------------------------------------------------------------------


@pytest.mark.parametrize(("text", "line", "hint"), [
    ("as_of: 2025-06-01\norganisations: {}\n", 2, "unknown key 'organisations'; did you mean 'organizations'?"),
    ("as_of: 2025-06-01\norganizations:\n  a: {name: A}\nactors:\n  b: {agent_off: a}\n", 5,
     "unknown key 'agent_off'; did you mean 'agent_of'?"),
    ("as_of: 2025-06-01\norganizations:\n  a: {}\nevents:\n  - {on: 2025-03-01, act: publish_desigation, org: a}\n",
     5, "did you mean 'publish_designation'?"),
    ("as_of: 2025-06-01\norganizations:\n  a: {}\nactors:\n  b: {member_of: [a]}\nunknown: [actors.b.renounce]\n",
     6, "did you mean 'renounced'?"),
    ("as_of: 2025-06-01\nexpects: []\n", 2, "did you mean 'expect'?"),
])
def test_a_misspelt_key_value_or_path_gets_a_suggestion(scenario_file, text: str, line: int, hint: str):
    from engine.scenario import load

    path = scenario_file(text)
    with pytest.raises(InputError) as err:
        load(path)
    assert err.value.line == line and err.value.render().endswith(hint), err.value.render()


def test_a_misspelt_question_id_or_path_gets_a_suggestion(tmp_path: Path):
    assert one_error(fto("ask", str(SINALOA), "designatd(sinaloa)")).endswith("did you mean 'designated'?")
    assert one_error(fto("ask", str(SINALOA), "designated(sinalo)")).endswith("did you mean 'sinaloa'?")
    session = Session(SINALOA)
    with pytest.raises(InputError) as err:
        session.change([Change("organizations.sinaloa.registy", remove=True)])
    assert err.value.render().endswith("nothing to remove here; did you mean 'registry'?")
    (tmp_path / "cases").mkdir()
    assert one_error(fto("check", str(tmp_path / "cses"))).endswith(f"did you mean {str(tmp_path / 'cases')!r}?")


# --- options are checked as file values are ----------------------------------------------------


@pytest.mark.parametrize(("args", "problem"), [
    (["--max-memory-mb", "-5"], "--max-memory-mb: -5 is not a positive number of megabytes"),
    (["--max-memory-mb", "0"], "--max-memory-mb: 0 is not a positive number of megabytes"),
    (["--timeout", "nan"], "--timeout: nan is not a positive number of seconds"),
    (["ask", "--as-of", "20250101"], "--as-of: '20250101' is not a date written YYYY-MM-DD"),
    (["ask", "--as-of", "2025-W01-1"], "--as-of: '2025-W01-1' is not a date written YYYY-MM-DD"),
    (["ask", "--as-of", "2025-02-30"], "--as-of: '2025-02-30' is not a date: day is out of range for month"),
    (["ask", "--as-of", "9999-12-31"], "--as-of: 9999-12-31 is too late: dates after 9899-12-31 are not supported"),
])
def test_bad_options_are_refused_before_anything_runs(args: list[str], problem: str):
    question = [str(SINALOA), "designated(sinaloa)"]
    argv = ["ask", *question, *args[1:]] if args[0] == "ask" else [*args, "ask", *question]
    assert one_error(fto(*argv)) == f"error: <command line>: {problem}"


@pytest.mark.parametrize("written", ['"20250101"', '"1735689600"', '"2025-01-01T00:00"', "2025-W01-1"])
def test_a_file_refuses_the_same_date_forms(scenario_file, written: str):
    from engine.scenario import load

    with pytest.raises(InputError) as err:
        load(scenario_file(f"as_of: {written}\n"))
    assert err.value.line == 1 and "YYYY-MM-DD" in err.value.render()


# --- --set and --patch -------------------------------------------------------------------------


def test_a_set_value_is_never_a_comment():
    assert parse_set("organizations.acme.name=#1 Gang").value == "#1 Gang"
    assert parse_set("organizations.acme.name=Acme #2").value == "Acme #2"
    assert parse_set('organizations.acme.name="#3"').value == "#3"
    assert parse_set("events.0.on=2025-02-19").value.isoformat() == "2025-02-19"
    assert parse_set("events.0.consulted=[attorney_general]").value == ["attorney_general"]


def test_a_patch_merges_and_removes_only_what_it_lists(tmp_path: Path):
    empty = tmp_path / "empty.yaml"
    empty.write_text("organizations: {sinaloa: {}}\n", encoding="utf-8")
    kept = Session(SINALOA).whatif("designated(sinaloa)", patch_changes(str(empty)))
    assert (kept.before.answer, kept.after.answer, kept.flipped) == ("yes", "yes", [])

    renamed = tmp_path / "renamed.yaml"
    renamed.write_text("organizations: {sinaloa: {name: The Sinaloa Cartel}}\n", encoding="utf-8")
    result = Session(SINALOA).whatif("designated(sinaloa)", patch_changes(str(renamed)))
    assert result.after.answer == "yes" and "The Sinaloa Cartel" in result.after.explanation.claim

    removal = tmp_path / "removal.yaml"
    removal.write_text("remove: [organizations.sinaloa.registry]\norganizations: {sinaloa: {name: Sinaloa}}\n",
                       encoding="utf-8")
    result = Session(SINALOA).whatif("designated(sinaloa)", patch_changes(str(removal)))
    assert (result.before.answer, result.after.answer) == ("yes", "no")
    assert result.changes == ["remove organizations.sinaloa.registry", "organizations.sinaloa.name = Sinaloa"]

    nothing = tmp_path / "null.yaml"
    nothing.write_text("organizations:\n  sinaloa:\n    registry:\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        patch_changes(str(nothing))
    assert err.value.line == 3 and "list its path under remove:" in err.value.render()


def test_cli_patch_of_an_empty_mapping_changes_nothing(tmp_path: Path):
    empty = tmp_path / "empty.yaml"
    empty.write_text("organizations: {sinaloa: {}}\n", encoding="utf-8")
    run = fto("whatif", str(SINALOA), "designated(sinaloa)", "--patch", str(empty), "--exit-code")
    assert run.returncode == 0 and "YES → YES (stays)" in run.stdout


# --- the pager ---------------------------------------------------------------------------------


def _on_terminal(args: list[str], env: dict[str, str], rows: int) -> str:
    """Run fto with a pseudo-terminal of `rows` lines as its output; what reached the terminal."""
    import fcntl
    import pty
    import struct
    import termios

    try:
        leader, follower = pty.openpty()
    except OSError:  # a sandbox without pseudo-terminals
        pytest.skip("no pseudo-terminal to run fto on")
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", rows, 200, 0, 0))
    proc = subprocess.Popen([sys.executable, "-m", "engine.cli", *args], stdout=follower, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL, cwd=ROOT, env={**_without_size(os.environ), **env})
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    proc.wait(timeout=60)
    os.close(leader)
    assert proc.returncode == 0, proc.stderr.read() if proc.stderr else ""
    return plain(b"".join(chunks).decode("utf-8", "replace"))


def _without_size(environ: os._Environ[str]) -> dict[str, str]:
    """LINES and COLUMNS override the terminal's own size (shutil.get_terminal_size), and test
    runners such as pytest-xdist's workers may set them."""
    return {k: v for k, v in environ.items() if k not in ("LINES", "COLUMNS")}


def plain(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_long_output_on_a_terminal_goes_through_the_pager(tmp_path: Path):
    paged = tmp_path / "paged.txt"
    env = {"FTO_PAGER": f"cat > {paged}"}
    ask = ["ask", str(SINALOA), "designated(sinaloa)"]
    screen = _on_terminal(ask, env, rows=10)
    assert "designated(sinaloa)" not in screen
    assert "designated(sinaloa) as of 2025-03-01: YES" in plain(paged.read_text(encoding="utf-8"))
    paged.unlink()
    assert "designated(sinaloa) as of 2025-03-01" in _on_terminal(["--no-pager", *ask], env, rows=10)
    assert "designated(sinaloa) as of 2025-03-01" in _on_terminal(ask, env, rows=200)  # it fits
    assert not paged.exists()


def test_output_off_a_terminal_is_never_paged(tmp_path: Path):
    paged = tmp_path / "paged.txt"
    run = fto("ask", str(SINALOA), "designated(sinaloa)", env={"FTO_PAGER": f"cat > {paged}"})
    assert run.stdout.startswith("designated(sinaloa) as of 2025-03-01: YES") and not paged.exists()


def test_the_case_template_points_to_the_schema(tmp_path: Path):
    run = fto("new-case", str(tmp_path / "new.yaml"))
    assert "fto schema" in run.stdout and "fto schema" in (tmp_path / "new.yaml").read_text(encoding="utf-8")


# --- usage lines -------------------------------------------------------------------------------


def test_every_usage_line_reads_as_other_tools_write_them():
    import typer.main

    runner = CliRunner()
    group = typer.main.get_command(app)
    usage = {}
    for name in group.commands:
        page = runner.invoke(app, [name, "--help"], prog_name="fto", terminal_width=200).output
        usage[name] = " ".join(next(line for line in page.splitlines() if "Usage:" in line).split()[1:])
    # Arguments in capitals, required ones bare, optional ones in brackets, repeated ones with `...`
    # (not typer's `{SCENARIO}`, `[[QUESTION]...]...` or a lower-case `{base}`).
    argument = r"(?:[A-Z][A-Z_]*(?:\.\.\.)?|\[[A-Z][A-Z_]*\](?:\.\.\.)?)"
    for name, line in usage.items():
        assert re.fullmatch(rf"fto {re.escape(name)} \[OPTIONS\](?: {argument})*", line), line
    assert usage["ask"] == "fto ask [OPTIONS] SCENARIO [QUESTION]..."
    assert usage["whatif"] == "fto whatif [OPTIONS] SCENARIO QUESTION"
    assert usage["explain"] == "fto explain [OPTIONS] RESULTS ROW"
    assert usage["screen"] == "fto screen [OPTIONS] BASE"
    assert usage["check"] == "fto check [OPTIONS] PATH..."
    assert usage["registry"] == "fto registry [OPTIONS] [TERM]"


# --- errors name where the bad value was written -----------------------------------------------


@pytest.mark.parametrize(("args", "message"), [
    (["--set", "as_of=20250101"],
     "<command line> --set as_of=20250101: 20250101: a date must be written YYYY-MM-DD, not as a number"),
    (["--set", "organizations.sinaloa.registry=nosuch"],
     "<command line> --set organizations.sinaloa.registry=nosuch: 'nosuch' is not in the bundled registry "
     "(see `fto registry`)"),
    (["--set", "transactions=5"], "<command line> --set transactions=5: 5: Input should be a valid dictionary"),
    (["--remove", "organizations.sinaloa.registy"],
     "<command line> --remove organizations.sinaloa.registy: nothing to remove here; did you mean 'registry'?"),
    (["--reading", "frap_26a_extends_deadlin=yes", "--set", "as_of=2025-02-19"],
     "<command line>: --reading frap_26a_extends_deadlin=yes: 'frap_26a_extends_deadlin' is not a reading; "
     "did you mean 'frap_26a_extends_deadline'?"),
])
def test_a_whatif_error_names_the_option_that_wrote_the_value(args: list[str], message: str):
    assert one_error(fto("whatif", str(SINALOA), "designated(sinaloa)", *args)) == f"error: {message}"


def test_a_patch_error_names_the_patch_file_and_its_line(tmp_path: Path):
    patch = tmp_path / "patch.yaml"
    patch.write_text("# a renamed group\norganizations:\n  sinaloa:\n    registry: 5\n", encoding="utf-8")
    assert one_error(fto("whatif", str(SINALOA), "designated(sinaloa)", "--patch", str(patch))) == \
        f"error: {patch}:4: organizations.sinaloa.registry: 5: Input should be a valid string"
    patch.write_text("remove:\n  - organizations.sinaloa.registy\n", encoding="utf-8")
    assert one_error(fto("whatif", str(SINALOA), "designated(sinaloa)", "--patch", str(patch))) == \
        f"error: {patch}:2: organizations.sinaloa.registy: nothing to remove here; did you mean 'registry'?"


def test_a_shell_set_error_names_the_shell_command():
    run = fto("shell", str(SINALOA), stdin="set as_of=20250101\nquit\n")
    assert "error: <shell> set as_of=20250101: 20250101: a date must be written YYYY-MM-DD" in run.stderr
    assert "sinaloa.yaml" not in run.stderr


def test_a_misspelt_reading_gets_a_suggestion(tmp_path: Path):
    assert one_error(fto("ask", str(SINALOA), "designated(sinaloa)", "--reading", "frap_26a_extends_deadlin=no")) \
        .endswith("'frap_26a_extends_deadlin' is not a reading; did you mean 'frap_26a_extends_deadline'?")
    case = tmp_path / "case.yaml"
    text = (ROOT / "cases" / "forms" / "review_window.yaml").read_text(encoding="utf-8")
    case.write_text(text.replace("{frap_26a_extends_deadline: yes}", "{frap_26a_extends_deadlin: yes}"),
                    encoding="utf-8")
    line = 1 + text.splitlines().index("    readings: {frap_26a_extends_deadline: yes}")
    assert one_error(fto("check", str(case))) == (
        f"error: {case}:{line}: expect.1.readings.frap_26a_extends_deadlin: 'frap_26a_extends_deadlin' is not a "
        "reading; did you mean 'frap_26a_extends_deadline'?")


# --- fto check: a bad case file is bad input ---------------------------------------------------


def test_an_invalid_case_file_is_bad_input_not_a_failure(tmp_path: Path):
    (tmp_path / "good.yaml").write_text((ROOT / "cases" / "designation" / "sinaloa_designated_after_publication.yaml")
                                        .read_text(encoding="utf-8"), encoding="utf-8")
    bad = tmp_path / "zbad.yaml"
    bad.write_text("as_of: 2025-01-01\nexpect:\n  - {ask: designated(x), cites: [x]}\n", encoding="utf-8")
    assert one_error(fto("check", str(tmp_path))) == f"error: {bad}:3: expect.0.answer: required key is missing"


# --- whatif --brief, and a patch that changes nothing --------------------------------------------


def test_whatif_brief_shortens_the_answer_after_as_ask_brief_does(tmp_path: Path):
    empty = tmp_path / "empty.yaml"
    empty.write_text("{}\n", encoding="utf-8")
    whatif = fto("whatif", str(SINALOA), "designated(sinaloa)", "--patch", str(empty), "--brief")
    ask = fto("ask", str(SINALOA), "designated(sinaloa)", "--brief")
    assert whatif.returncode == 0, whatif.stderr
    assert whatif.stdout == ("What if: nothing (the patch changes nothing)\n"
                             "designated(sinaloa): YES → YES (stays)\nAfter:\n" + ask.stdout)
    full = fto("whatif", str(SINALOA), "designated(sinaloa)", "--patch", str(empty))
    assert len(full.stdout.splitlines()) > len(whatif.stdout.splitlines())
    assert one_error(fto("whatif", str(SINALOA), "designated(sinaloa)", "--set", "as_of=2025-02-19", "--brief",
                         "--json")) == \
        "error: <command line>: --brief: --brief shortens the text view; it does not apply to json"
