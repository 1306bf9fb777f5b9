"""The README's commands, run as a newcomer would: a copy of the project, a Python with no
packages of its own (the system's, where it refuses `pip install` under PEP 668), nothing else.

The commands are read from README.md (the first block of the Quickstart, and the block after the
`<!-- test-command -->` marker), so a change to the README changes what is tested. The first
(install and ask) is run here, from the package index, so it is the slowest test. The second is
the command .ci/run runs, as written, on a fresh clone at every stop; here it is only checked to
make and use a virtual environment, not installed a second time.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"


def readme_commands() -> tuple[str, str]:
    """(install and ask, test): the Quickstart's first command and the one after the marker."""
    text = README.read_text(encoding="utf-8")
    quickstart = text.split("## Quickstart", 1)[1]
    install = re.search(r"```\n(.+?)\n```", quickstart)
    test = re.search(r"<!-- test-command -->\s*```\n(.+?)\n```", quickstart)
    assert install and test, "the README's Quickstart lost its commands"
    return install.group(1).strip(), test.group(1).strip()


def system_like_python() -> str:
    """Debian's own interpreter where there is one (PEP 668 applies to it), else the interpreter
    this one was built from: never a virtual environment's, so nothing comes pre-installed."""
    system = Path("/usr/bin/python3")
    if system.exists() and subprocess.run([str(system), "-c", "import ensurepip, venv"],
                                          capture_output=True).returncode == 0:
        return str(system)
    return getattr(sys, "_base_executable", sys.executable)


@pytest.mark.slow
def test_the_readme_install_command_works_in_a_fresh_virtual_environment(tmp_path: Path):
    install, _ = readme_commands()
    project = tmp_path / "fto"
    shutil.copytree(ROOT, project, ignore=shutil.ignore_patterns(
        ".git", ".venv", "__pycache__", "*.egg-info", "build", "dist", ".pytest_cache", ".hypothesis"))
    # `python3` is the system-like interpreter and nothing else is set up: no active virtual
    # environment, no PYTHONPATH pointing into this checkout.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python3").symlink_to(system_like_python())
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
    env["PATH"] = os.pathsep.join([str(bin_dir), "/usr/bin", "/bin"])
    bare = subprocess.run([str(bin_dir / "python3"), "-c", "import pydantic"], capture_output=True, env=env)
    assert bare.returncode != 0, "the interpreter used must come without the engine's dependencies"

    first = subprocess.run(["sh", "-c", install], cwd=project, env=env, capture_output=True, text=True, timeout=900)
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    assert "designated(sinaloa) as of 2025-03-01: YES" in first.stdout, first.stdout[-3000:]
    assert "90 FR 10030" in first.stdout
    assert (project / ".venv" / "bin" / "fto").exists()


@pytest.mark.parametrize("index", [0, 1])
def test_the_readme_commands_make_and_use_a_virtual_environment(index: int):
    # PEP 668: a system Python (Debian, Ubuntu) refuses `pip install` outside a virtual environment.
    command = readme_commands()[index]
    assert command.startswith("python3 -m venv .venv && . .venv/bin/activate && python -m pip install ")


def test_ci_runs_the_readme_test_command_as_written():
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "-m venv" not in script and "activate" not in script, "CI must not set up an environment of its own"
    assert 'eval "$cmd"' in script
    extract = next(line for line in script.splitlines() if line.startswith('cmd="$('))
    shown = subprocess.run(["bash", "-c", extract + '\nprintf %s "$cmd"'], cwd=ROOT, capture_output=True, text=True)
    assert shown.stdout == readme_commands()[1]


COUNTED = re.compile(r"\b([0-9][0-9,]*) (cases|case files|expectations|rules|askable conclusions|registry entries)\b")


FILES = re.compile(r"\b([0-9][0-9,]*) files\b")
FOLDER = re.compile(r"[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)*")


def test_the_readmes_state_no_count_that_has_gone_stale():
    # A count of the project's own things goes stale as they grow (the README once said 78 cases
    # when there were 122): state none, or state the true one.
    from engine.registry import search
    from engine.rules import library

    lib = library()
    files = sorted((ROOT / "cases").rglob("*.y*ml"))
    actual = {
        "cases": len(files), "case files": len(files),
        "expectations": sum(len(yaml.safe_load(f.read_text(encoding="utf-8"))["expect"]) for f in files),
        "rules": len(lib.rules), "askable conclusions": len(list(lib.asks())), "registry entries": len(search("")),
    }
    for readme in [README, *ROOT.glob("*/README.md")]:
        text = readme.read_text(encoding="utf-8")
        for number, what in COUNTED.findall(text):
            assert what in actual and int(number.replace(",", "")) == actual[what], \
                f"{readme.relative_to(ROOT)} says {number} {what}; there are {actual.get(what, 'uncounted')}"
        # "N files" counts a folder's files: the folder must be named on the same line (the last
        # path before the count), and hold that many (the README once said 21 for 23).
        for line in text.splitlines():
            for count in FILES.finditer(line):
                folders = [m for m in FOLDER.findall(line[:count.start()]) if (ROOT / m).is_dir()]
                assert folders, f"{readme.relative_to(ROOT)} says {count.group(0)} of no folder it names: {line}"
                there = sum(1 for f in (ROOT / folders[-1]).rglob("*") if f.is_file() and "__pycache__" not in f.parts)
                assert int(count.group(1).replace(",", "")) == there, \
                    f"{readme.relative_to(ROOT)} says {count.group(0)} in {folders[-1]}; there are {there}"
