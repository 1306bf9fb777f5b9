"""`fto shell`: a line-oriented session over one scenario, with history and completion."""

from __future__ import annotations

import datetime as dt
import sys
from typing import TYPE_CHECKING

from engine.errors import InputError

if TYPE_CHECKING:
    from engine.session import Session

HELP = """commands:
  ask Q            answer Q (e.g. ask designated(cjng), ask not material_support(a, t1),
                   ask material_support(A, T), ask max_prison(a, t1, P))
  explain Q        answer Q with the full explanation tree
  whynot Q         the smallest fact changes that would make Q yes
  set PATH=VALUE   change a fact (e.g. set transactions.t1.on=2025-02-19)
  remove PATH      delete a fact (e.g. remove actors.frontco.agent_of)
  undo             take back the last change
  diff             conclusions that differ from the scenario as loaded
  changes          the changes made so far
  save FILE        write the scenario as changed to FILE (asks before replacing a file)
  predicates       askable conclusions
  help, quit"""


def run(path: str, as_of: dt.date | None, readings: dict[str, bool] | None = None) -> None:
    from engine.answers import Answer
    from engine.questions import listing_text
    from engine.render import print_answer, print_suggestions
    from engine.session import Session, command_line_removal, parse_set

    session = Session(path, as_of, readings)
    start = session.conclusions()
    asks = sorted(p.name for p in session.solver.library.asks())
    words = ["ask", "explain", "whynot", "set", "remove", "undo", "diff", "changes", "save", "predicates", "help",
             "quit"]
    ids = sorted({*session.solver.scenario.organizations, *session.solver.scenario.actors,
                  *session.solver.scenario.transactions})
    _enable_readline(words + asks + ids)
    fixed = "".join(f", {name}={'yes' if value else 'no'}" for name, value in sorted((readings or {}).items()))
    print(f"fto shell on {path} (as of {session.solver.as_of}{fixed}). Type help.")
    while True:
        try:
            line = input("fto> ").strip()
        except EOFError:
            print()
            return
        if not line:
            continue
        cmd, _, arg = line.partition(" ")
        arg = arg.strip()
        try:
            if cmd in ("quit", "exit"):
                return
            elif cmd == "help":
                print(HELP)
            elif cmd in ("ask", "explain"):
                answer = session.ask(arg, explain_all=cmd == "explain")
                if not isinstance(answer, Answer):  # an open question: its bindings
                    print(listing_text(answer))
                elif cmd == "ask":
                    print(f"{answer.question}: {answer.answer}  ({'; '.join(answer.citations[:3])})")
                else:
                    print_answer(answer)
            elif cmd == "whynot":
                print_suggestions(session.why_not(arg))
            elif cmd == "set":
                regrounded = session.change([parse_set(arg, "<shell> set")])
                print("changed" + (" (re-grounded)" if regrounded else ""))
            elif cmd == "remove":
                session.change([command_line_removal(arg, "<shell> remove")])
                print("removed")
            elif cmd == "undo":
                print("undone" if session.undo() else "nothing to undo")
            elif cmd == "diff":
                now = session.conclusions()
                diffs = [(a, start.get(a, "no"), now.get(a, "no")) for a in sorted(set(start) | set(now))
                         if start.get(a, "no") != now.get(a, "no")]
                for atom, before, after in diffs:
                    print(f"  {atom}: {before} -> {after}")
                print(f"{len(diffs)} conclusions differ from the scenario as loaded")
            elif cmd == "changes":
                for group in session.applied:
                    print("  " + "; ".join(c.describe() for c in group))
            elif cmd == "save":
                save(session, arg)
            elif cmd == "predicates":
                print("  " + " ".join(asks))
            else:
                print(f"unknown command {cmd!r}; type help")
        except InputError as exc:
            print(f"error: {exc.render()}", file=sys.stderr)


def save(session: Session, target: str) -> None:
    """Write the scenario as changed so far; an existing file is replaced only when the user says so."""
    from pathlib import Path

    from engine.files import write_text

    if not target:
        print("usage: save FILE")
        return
    replace = Path(target).exists()
    if replace:
        try:
            agreed = input(f"{target} exists; replace it? [y/N] ").strip().lower() in ("y", "yes")
        except EOFError:
            agreed = False
        if not agreed:
            print("not saved")
            return
    write_text(target, scenario_text(session), replace=replace)
    print(f"saved {target}")


def scenario_text(session: Session) -> str:
    """The session's scenario as a YAML file, headed by where it came from and what was changed."""
    from engine.yamlsource import dump

    changes = [c.describe() for group in session.applied for c in group]
    head = [f"# Saved by `fto shell` from {session.source}" + (":" if changes else " (unchanged)")]
    head += [f"#   {c}" for c in changes]
    if session.as_of is not None:
        head.append(f"# (the session asked as of {session.as_of.isoformat()}; as_of below is the file's own)")
    body = dump(session.data)
    return "\n".join(head) + "\n" + body


def _enable_readline(vocabulary: list[str]) -> None:
    try:
        import readline
    except ImportError:  # not on every platform; the shell works without it
        return

    def complete(text: str, state: int) -> str | None:
        options = [w for w in vocabulary if w.startswith(text)]
        return options[state] if state < len(options) else None

    readline.set_completer(complete)
    readline.set_completer_delims(" (),=")
    readline.parse_and_bind("tab: complete")
