"""`fto shell`: a line-oriented session over one scenario, with history and completion."""

from __future__ import annotations

import datetime as dt
import sys

from engine.errors import InputError

HELP = """commands:
  ask Q            answer Q (e.g. ask designated(cjng))
  explain Q        answer Q with the full explanation tree
  whynot Q         the smallest fact changes that would make Q yes
  set PATH=VALUE   change a fact (e.g. set transactions.t1.on=2025-02-19)
  remove PATH      delete a fact (e.g. remove actors.frontco.agent_of)
  undo             take back the last change
  diff             conclusions that differ from the scenario as loaded
  changes          the changes made so far
  predicates       askable conclusions
  help, quit"""


def run(path: str, as_of: dt.date | None) -> None:
    from engine.render import print_answer, print_suggestions
    from engine.session import Change, Session, parse_set

    session = Session(path, as_of)
    start = session.conclusions()
    asks = sorted(p.name for p in session.solver.library.asks())
    words = ["ask", "explain", "whynot", "set", "remove", "undo", "diff", "changes", "predicates", "help", "quit"]
    ids = sorted({*session.solver.scenario.organizations, *session.solver.scenario.actors,
                  *session.solver.scenario.transactions})
    _enable_readline(words + asks + ids)
    print(f"fto shell on {path} (as of {session.solver.as_of}). Type help.")
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
                answer = session.ask(arg)
                if cmd == "ask":
                    print(f"{answer.question}: {answer.answer}  ({'; '.join(answer.citations[:3])})")
                else:
                    print_answer(answer)
            elif cmd == "whynot":
                print_suggestions(session.why_not(arg))
            elif cmd == "set":
                regrounded = session.change([parse_set(arg)])
                print("changed" + (" (re-grounded)" if regrounded else ""))
            elif cmd == "remove":
                session.change([Change(arg, remove=True)])
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
            elif cmd == "predicates":
                print("  " + " ".join(asks))
            else:
                print(f"unknown command {cmd!r}; type help")
        except InputError as exc:
            print(f"error: {exc.render()}", file=sys.stderr)


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
