"""What `fto ask` prints: plain lines off a terminal (without loading rich), a rich tree on one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from engine.answers import Answer

ROOT = Path(__file__).resolve().parent.parent

SCENARIO = """\
scenario: The Attorney General, not the Secretary of State, publishes a designation.
as_of: 2025-03-01
organizations:
  acme: {name: "Acme [Front] Gang"}
events:
  - {on: 2025-01-10, act: publish_designation, org: acme, by: attorney_general}
"""


def test_plain_output_keeps_each_claim_on_one_line_and_never_loads_rich(scenario_file):
    path = scenario_file(SCENARIO)
    code = ("import sys\n"
            "from engine.cli import main\n"
            "sys.argv = ['fto', 'ask', sys.argv[1], 'designated(acme)']\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "sys.stderr.write('rich loaded' if any(m.split('.')[0] == 'rich' for m in sys.modules) else 'no rich')\n")
    run = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, cwd=str(ROOT),
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    lines = run.stdout.splitlines()
    assert lines[0] == "designated(acme) as of 2025-03-01: NO"
    # The failed element, unwrapped, with its cite, and the name's brackets printed as written.
    assert any(line.startswith("      ✗ ") and "Acme [Front] Gang" in line and "was not made by the Secretary of State"
               in line and line.endswith("[8 U.S.C. § 1189(a)(1), (d)(4)]") for line in lines), run.stdout
    assert "Citations:" in lines
    assert run.stderr.endswith("no rich")


def test_a_terminal_gets_the_rich_tree_with_user_brackets_left_alone(answer, monkeypatch, capsys):
    from engine import render

    result: Answer = answer(SCENARIO, "designated(acme)")
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    render.print_answer(result)
    out = capsys.readouterr().out
    assert "└── ✗" in out or "├── ✗" in out  # rich's tree guides
    assert "Acme [Front] Gang" in " ".join(out.split())  # not eaten as console markup
    assert "NO" in out.splitlines()[0]


def test_why_not_with_nothing_to_suggest_is_one_plain_line(capsys):
    from engine import render

    render.print_suggestions([])
    assert capsys.readouterr().out == "Why not: no change to the switchable facts alone would make it yes.\n"
