"""`fto`: the command line. Rich trees for people, `--json` for scripts.

Every bad input ends as one `error:` line on stderr with exit code 2; no traceback
reaches the user. Heavy modules are imported inside commands to keep start-up fast.
"""

from __future__ import annotations

import errno
import functools
import json
import os
import sys
from contextlib import contextmanager
from typing import Any, Callable, Iterator, List, Optional

import typer
from typer.core import TyperGroup


def _untagged(command: Any) -> None:
    """Help without type tags such as `<bool>` or `<list[str]>`: an option that takes a value
    shows its metavar (DATE, PATH=VALUE), a flag or an argument shows none. Applied when help
    is formatted, so an ordinary run does not pay for it."""
    plain = type(command).format_help

    def format_help(ctx: Any, formatter: Any) -> None:
        for param in command.get_params(ctx):
            takes_value = param.param_type_name == "option" and not param.is_flag and not param.count
            shown = (param.metavar or param.name.upper()) if takes_value else None
            param.display_type_rich = lambda ctx, shown=shown: shown
            if param.param_type_name == "argument":
                param._usage_display_name = lambda param=param: _usage_name(param)
        plain(command, ctx, formatter)

    command.format_help = format_help


def _usage_name(argument: Any) -> str:
    """An argument in the usage line as other tools write it: `SCENARIO`, `[QUESTION]...`,
    `PATH...` (typer's own marks a required one `{SCENARIO}` and repeats the brackets of a
    metavar that has them). A metavar that already says it is optional or repeated is kept."""
    name = argument.metavar or argument.name.upper()
    if name.startswith("[") or name.endswith("..."):
        return name
    if not argument.required:
        name = f"[{name}]"
    return name + ("..." if argument.nargs != 1 else "")


class _Group(TyperGroup):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for cmd in [self, *self.commands.values()]:  # every command, whoever adds it, gets the same help
            _untagged(cmd)


app = typer.Typer(cls=_Group, no_args_is_help=True, pretty_exceptions_enable=False,
                  context_settings={"help_option_names": ["-h", "--help"]},
                  help="Reason about US Foreign Terrorist Organization law.")
EXIT_CODES = {"yes": 0, "no": 1, "depends": 4}
"""--exit-code: the answer as the exit status (2 stays bad input, 3 a limit reached)."""
STDIN = "Scenario YAML file, or - to read it from standard input."
_pager = {"off": False}


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            print(f"fto {version('fto-engine')}")
        except PackageNotFoundError:
            print("fto (not installed: running from a checkout)")
        raise typer.Exit()


@app.callback()
def limits(
    ctx: typer.Context,
    timeout: Optional[float] = typer.Option(None, "--timeout", metavar="SECONDS",
                                            help="Give up after this many seconds (exit 3)."),
    max_memory_mb: int = typer.Option(8192, "--max-memory-mb", metavar="MB",
                                      help="Give up beyond this much memory (exit 3)."),
    no_pager: bool = typer.Option(False, "--no-pager", help="Print long output straight out, not through a pager."),
    version: bool = typer.Option(False, "--version", is_eager=True, callback=_version, help="Print the version."),
) -> None:
    """Limits for every command: a run that exceeds them ends with one `error:` line and exit code 3."""
    import math

    from engine.errors import InputError

    if timeout is not None and (not math.isfinite(timeout) or timeout <= 0):
        raise InputError("<command line>", f"{timeout:g} is not a positive number of seconds", where="--timeout")
    if max_memory_mb <= 0:
        raise InputError("<command line>", f"{max_memory_mb} is not a positive number of megabytes",
                         where="--max-memory-mb")
    if ctx.invoked_subcommand == "serve":  # the server applies them to each request, not to itself
        ctx.obj = (timeout, max_memory_mb)
        return
    if timeout is not None:
        _start_watchdog(timeout)
    _pager["off"] = no_pager
    _limit_memory(max_memory_mb)


def _start_watchdog(seconds: float) -> None:
    """Grounding runs in C++ and cannot be interrupted by a Python signal, so a thread ends the process."""
    import os
    import threading

    def expire() -> None:
        sys.stderr.write(f"error: {TIMED_OUT.format(seconds=seconds)}\n")
        sys.stderr.flush()
        os._exit(3)

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()


TIMED_OUT = "timed out after {seconds:g} s (--timeout); nothing was written"
MEMORY_POLL_S = 0.01
OUT_OF_MEMORY = "ran out of memory (--max-memory-mb); the scenario is too large to ground"


def _limit_memory(megabytes: int) -> None:
    """Keep the run under `megabytes`, ending it cleanly (exit 3) if it goes over.

    A thread checks the process's peak resident size every 10 ms and ends the run once it
    passes the limit; that works wherever the memory goes, clingo's C++ (which lets other
    threads run) or Python, and cannot hang. The address space is capped only as a far
    backstop (twice the limit and 512 MiB more), for a call that allocates without letting
    the thread look. Why not a tight cap: threads reserve address space they never use,
    and when Python itself meets the cap, CPython 3.11's exception unwinding can retry a
    failed allocation forever while holding the lock the watching thread needs: a hang.
    """
    import threading
    import time

    try:
        import resource
    except ImportError:  # not every platform has these
        return
    limit = megabytes * 1024 * 1024
    unit = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB elsewhere

    def peak() -> int:
        """Linux's VmHWM where there is one: ru_maxrss keeps, across exec, the size of the process
        this one was forked from, so a run started by a large process (`fto serve`, a test suite)
        would seem to start over its limit."""
        try:
            with open("/proc/self/status", "rb") as status:
                for line in status:
                    if line.startswith(b"VmHWM:"):
                        return int(line.split()[1]) * 1024
        except (OSError, ValueError, IndexError):
            pass
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * unit

    def watch() -> None:
        while peak() <= limit:
            time.sleep(MEMORY_POLL_S)
        _out_of_memory(OUT_OF_MEMORY)

    threading.Thread(target=watch, name="memory-guard", daemon=True).start()
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        cap = 2 * limit + 512 * 1024 * 1024
        if hard != resource.RLIM_INFINITY:
            cap = min(cap, hard)
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    except (ValueError, OSError):
        pass  # not every platform caps the address space


def _out_of_memory(message: str) -> None:
    """Say so and leave at once (exit 3). Why not SystemExit: unwinding and the interpreter's
    own shutdown allocate, and at the memory limit they fail again, which ends the run with
    tracebacks and exit code 1 after the message."""
    import os

    sys.stderr.write(f"error: {message}\n")
    sys.stderr.flush()
    os._exit(3)


def _fail(message: str, code: int = 2) -> None:
    sys.stderr.write(f"error: {message}\n")
    raise SystemExit(code)


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n")


FORMATS = ("text", "json", "memo", "dot", "svg")
FORMAT_HELP = ("text (the default), json, memo (Markdown to hand in), dot (the proof as a Graphviz graph), "
               "svg (drawn by Graphviz's `dot`, which must be installed).")


def _view(fmt: Optional[str], as_json: bool, brief: bool) -> str:
    """The output format asked for (`--json` is `--format json`)."""
    from engine.errors import InputError

    if fmt is not None and fmt not in FORMATS:
        raise InputError("<command line>", f"{fmt!r} is not a format; use one of {', '.join(FORMATS)}", where="--format")
    if as_json and fmt not in (None, "json"):
        raise InputError("<command line>", f"--json asks for --format json, not {fmt}", where="--json")
    view = "json" if as_json else fmt or "text"
    if brief and view != "text":
        raise InputError("<command line>", "--brief shortens the text view; it does not apply to " + view, where="--brief")
    return view


def _drawn(view: str, answer: Any, suggestions: Any = ()) -> str:
    """A memo, or the proof as a graph (DOT, or SVG drawn by Graphviz)."""
    if view == "memo":
        from engine.memo import memo

        return memo(answer, suggestions)
    from engine.graph import dot, svg

    return dot(answer) if view == "dot" else svg(answer)


def _exit_with(answer: str, wanted: bool) -> None:
    """With --exit-code, end with the answer's exit status."""
    if wanted and EXIT_CODES[answer]:
        raise SystemExit(EXIT_CODES[answer])


def _pageable(command: Callable[..., None]) -> Callable[..., None]:
    """A command whose output, when longer than the terminal, goes through a pager (see _paged)."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> None:
        with _paged():
            command(*args, **kwargs)

    return run


@contextmanager
def _paged() -> Iterator[None]:
    """Output longer than the terminal goes through a pager, as git's does: $FTO_PAGER, else
    $PAGER, else `less` (with LESS=FRX unless set: colours kept, the screen left as it was).
    Nothing is paged off a terminal, with --no-pager, or when the pager is `cat` or missing."""
    import shlex
    import shutil

    command = os.environ.get("FTO_PAGER", os.environ.get("PAGER", "less")).strip()
    if _pager["off"] or not sys.stdout.isatty() or command in ("", "cat") \
            or shutil.which(shlex.split(command)[0]) is None:
        yield
        return
    import io

    class Screen(io.StringIO):
        def isatty(self) -> bool:  # so rich still draws for a terminal
            return True

    rows = shutil.get_terminal_size().lines
    real, sys.stdout = sys.stdout, Screen()
    try:
        yield
    finally:
        text = sys.stdout.getvalue()
        sys.stdout = real
        if text.count("\n") < rows - 1 or not _page(command, text):
            real.write(text)


def _page(command: str, text: str) -> bool:
    import signal
    import subprocess

    env = {**os.environ, "LESS": os.environ.get("LESS", "FRX")}
    interrupt = signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the pager's to handle
    try:
        sys.stdout.flush()
        pager = subprocess.Popen(command, shell=True, stdin=subprocess.PIPE, env=env)
        try:
            pager.communicate(text.encode("utf-8"))
        except BrokenPipeError:  # the reader quit early
            pager.wait()
        return True
    except OSError:
        return False
    finally:
        signal.signal(signal.SIGINT, interrupt)


def _reading_tables(model: Any, day: Any, source: str, texts: list[str], fixed: dict[str, bool], view: str,
                    others: tuple[bool, ...]) -> None:
    """`fto ask --readings`: each question's answer under every combination of the open readings."""
    from engine.errors import InputError
    from engine.open_law import table
    from engine.questions import wanted_for
    from engine.solve import Solver

    if any(others) or view not in ("text", "json"):
        raise InputError("<command line>", "--readings prints a table of answers; it takes no --why-not, --exit-code, "
                                           "--explain, --brief or --format other than text and json", where="--readings")
    solver = Solver(model, day, source=source, only=wanted_for(texts), readings=fixed)
    tables = [table(solver, text) for text in texts]
    if view == "json":
        rows = [t.model_dump() for t in tables]
        _print_json(rows[0] if len(rows) == 1 else rows)
    else:
        sys.stdout.write("\n".join(t.to_text() for t in tables))


@app.command()
@_pageable
def ask(
    scenario: str = typer.Argument(..., metavar="SCENARIO", help=STDIN),
    question: Optional[List[str]] = typer.Argument(
        None, metavar="[QUESTION]...", autocompletion=lambda incomplete: _askable(incomplete),
        help="Questions, e.g. designated(cjng), 'not material_support(ngo, meds)'; none: the scenario's questions:."),
    as_of: Optional[str] = typer.Option(None, "--as-of", metavar="DATE", help="Ask as of this date (YYYY-MM-DD)."),
    as_json: bool = typer.Option(False, "--json", help="Print the answer as JSON (--format json; a list for several questions)."),
    why_not: bool = typer.Option(False, "--why-not", help="For a `no`, the smallest fact changes that make it `yes`."),
    fmt: Optional[str] = typer.Option(None, "--format", metavar="FORMAT", help=FORMAT_HELP),
    brief: bool = typer.Option(False, "--brief", help="Only the answer line, the element ledger and the citations."),
    exit_code: bool = typer.Option(False, "--exit-code", help="Exit 0 for yes, 1 for no, 4 for depends."),
    explain_all: bool = typer.Option(False, "--explain", help="For an open question, explain every binding."),
    reading: List[str] = typer.Option([], "--reading", metavar="NAME=yes|no",
                                      help="Fix an open point of law one way (`fto readings` lists them; repeatable)."),
    tabulate: bool = typer.Option(False, "--readings",
                                  help="The answer under each combination of the open readings, and which it turns on."),
) -> None:
    """Answer questions about a scenario, each with a cited explanation (grounded once for all)."""
    from engine.answers import Answer, parse_day
    from engine.errors import InputError
    from engine.scenario import load

    view = _view(fmt, as_json, brief)
    day = parse_day(as_of) if as_of is not None else None
    model, located = load(scenario)
    texts = list(question or model.questions)
    if not texts:
        raise InputError(located.source, "no question: give one after the file, or list them under questions:")
    if view in ("dot", "svg") and len(texts) > 1:
        raise InputError("<command line>", f"--format {view} draws one question's proof; ask one question", where="--format")
    suggestions: list[list[Any]] = [[] for _ in texts]
    fixed = _fixed(reading)
    if tabulate:
        _reading_tables(model, day, located.source, texts, fixed, view, (why_not, exit_code, explain_all, brief))
        return
    if why_not:
        from engine.session import Session

        session = Session(located, day, fixed)  # the file as read (stdin cannot be read twice)
        answers = session.ask_all(texts, explain_all)
        suggestions = [session.why_not(t) if a.answer == "no" and isinstance(a, Answer) else []
                       for t, a in zip(texts, answers)]
    else:
        from engine.questions import ask_all, solver_for

        answers = ask_all(solver_for(model, texts, explain_all, as_of=day, source=located.source, readings=fixed),
                          texts, explain_all)
    if view not in ("json", "text") and not all(isinstance(a, Answer) for a in answers):
        raise InputError("<command line>", f"--format {view} shows one conclusion's proof; an open question's "
                                           "bindings are listed as text or json (ask a binding's ground form)", where="--format")
    if view == "json":
        rows = []
        for answer, found in zip(answers, suggestions):
            data = answer.model_dump(exclude_none=True)
            if why_not:
                data["why_not"] = [s.model_dump() for s in found]
            rows.append(data)
        _print_json(rows[0] if len(rows) == 1 else rows)
    elif view == "text":
        from engine.questions import listing_text
        from engine.render import print_answer, print_suggestions

        for i, (answer, found) in enumerate(zip(answers, suggestions)):
            if i:
                sys.stdout.write("\n")
            if not isinstance(answer, Answer):  # an open question's listing
                sys.stdout.write(listing_text(answer) + "\n")
                continue
            print_answer(answer, brief)
            if why_not and answer.answer == "no":
                print_suggestions(found)  # a why-not is of a no (to the question as asked)
    else:
        sys.stdout.write("\n".join(_drawn(view, answer, found) for answer, found in zip(answers, suggestions)))
    _exit_with(_overall([a.answer for a in answers]), exit_code)


def _fixed(texts: list[str]) -> dict[str, bool]:
    """--reading NAME=yes|no, repeated, as the readings to fix; a name that is no reading is the
    option's error (with the name it most likely meant), not the scenario's."""
    if not texts:
        return {}
    from engine.errors import InputError
    from engine.open_law import names, not_a_reading, parse_fix
    from engine.rules import library

    known = names(library())
    fixed = {}
    for text in texts:
        name, value = parse_fix(text)
        if name not in known:
            raise InputError("<command line>", not_a_reading(name, known), where=f"--reading {text}")
        fixed[name] = value
    return fixed


def _overall(answers: list[str]) -> str:
    """Several questions' answers as one exit status: yes if all are yes, no if any is no, else depends."""
    return "no" if "no" in answers else "depends" if "depends" in answers else "yes"


def _askable(incomplete: str) -> list[str]:
    """Shell completion of a question: the askable conclusions, as `name(`."""
    from engine.rules import library

    return sorted({f"{p.name}(" for p in library().asks() if p.name.startswith(incomplete)})


@app.command()
@_pageable
def whatif(
    scenario: str = typer.Argument(..., metavar="SCENARIO", help=STDIN),
    question: str = typer.Argument(..., metavar="QUESTION", help="A conclusion atom, e.g. material_support(supplier, t1).",
                                   autocompletion=lambda incomplete: _askable(incomplete)),
    set_: List[str] = typer.Option([], "--set", metavar="PATH=VALUE",
                                   help="e.g. transactions.t1.on=2025-02-19; the value is read as YAML, "
                                        "never as a comment (repeatable)."),
    remove: List[str] = typer.Option([], "--remove", metavar="PATH",
                                     help="Delete a fact, e.g. actors.frontco.agent_of (repeatable)."),
    patch: Optional[str] = typer.Option(None, "--patch", metavar="FILE",
                                        help="A partial scenario merged over the base; its `remove:` lists paths to delete."),
    as_of: Optional[str] = typer.Option(None, "--as-of", metavar="DATE", help="Ask as of this date (YYYY-MM-DD)."),
    as_json: bool = typer.Option(False, "--json", help="Print the comparison as JSON (--format json)."),
    fmt: Optional[str] = typer.Option(None, "--format", metavar="FORMAT",
                                     help=FORMAT_HELP + " memo, dot and svg show the answer after the change."),
    brief: bool = typer.Option(False, "--brief", help="After the change, only the answer line, the element ledger "
                                                      "and the citations (as `fto ask --brief`)."),
    exit_code: bool = typer.Option(False, "--exit-code", help="Exit 0, 1 or 4 for the answer after the change (yes, no, depends)."),
    reading: List[str] = typer.Option([], "--reading", metavar="NAME=yes|no",
                                      help="Fix an open point of law one way (`fto readings` lists them; repeatable)."),
) -> None:
    """The answer before and after a change, and everything that flipped."""
    from engine.answers import Answer, parse_day
    from engine.errors import InputError
    from engine.session import Session, command_line_removal, parse_set, patch_changes

    changes = [parse_set(item, "<command line> --set") for item in set_] + [command_line_removal(p) for p in remove]
    if patch:
        changes += patch_changes(patch)
    elif not changes:
        raise InputError("<command line>", "give at least one --set, --remove or --patch")
    view = _view(fmt, as_json, brief)
    session = Session(scenario, parse_day(as_of) if as_of is not None else None, _fixed(reading))
    result = session.whatif(question, changes)
    if view == "json":
        _print_json(result.model_dump(exclude_none=True))
    elif not isinstance(result.after, Answer):  # an open question: its listings before and after
        if view != "text":
            raise InputError("<command line>", f"--format {view} shows one conclusion's proof; ask a binding's "
                                               "ground form", where="--format")
        from engine.questions import whatif_text

        sys.stdout.write(whatif_text(result) + "\n")
    elif view == "text":
        from engine.render import print_whatif

        print_whatif(result, brief)
    elif view == "memo":
        from engine.memo import whatif_memo

        sys.stdout.write(whatif_memo(result))
    else:
        sys.stdout.write(_drawn(view, result.after))
    _exit_with(result.after.answer, exit_code)


@app.command()
def shell(
    scenario: str = typer.Argument(..., metavar="SCENARIO", help="Scenario YAML file."),
    as_of: Optional[str] = typer.Option(None, "--as-of", metavar="DATE", help="Ask as of this date (YYYY-MM-DD)."),
    reading: List[str] = typer.Option([], "--reading", metavar="NAME=yes|no",
                                      help="Fix an open point of law one way for the session (repeatable)."),
) -> None:
    """An interactive session: ask, set, remove, undo, diff, explain, why-not, save."""
    from engine.answers import parse_day
    from engine.errors import InputError
    from engine.repl import run

    if scenario == "-":
        raise InputError("<command line>", "the shell reads its commands from standard input; give the scenario as a file",
                         where="SCENARIO")
    run(scenario, parse_day(as_of) if as_of is not None else None, _fixed(reading))


@app.command()
def check(
    paths: List[str] = typer.Argument(..., metavar="PATH", help="Case files or folders of cases."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Print every expectation, and a failing one's explanation."),
    coverage: bool = typer.Option(False, "--coverage", help="Report which cases exercise each rule and cite."),
    update: bool = typer.Option(False, "--update", "--accept",
                                help="Rewrite failing expectations from the engine's answers, showing the diff."),
) -> None:
    """Run case files: print each failing expectation, then `N passed, N failed` (expectations); exit 1 on any failure.

    A case file that is not valid is bad input, as a bad scenario is to `fto ask`: one `error:`
    line naming the file and the place, exit 2. Every file is read before any is run, so that
    comes first."""
    from engine.cases import case_files, judge, load_case, rules_used

    passed = failed = updated = 0
    exercised: dict[str, set[str]] = {}
    cases = [load_case(path) for path in case_files(paths)]
    cases.reverse()  # taken off the end in file order, so a judged file (and its groundings) is let go
    while cases:
        case = cases.pop()
        path = case.path
        verdicts = [judge(case, i) for i in range(len(case.meta.expect))]
        for verdict in verdicts:
            for rule in rules_used(verdict.answer):
                exercised.setdefault(rule, set()).add(str(path))
        bad = [v for v in verdicts if not v.passed]
        if update and bad and _update(case, bad):
            updated += len(bad)
            passed += len(verdicts)
            continue
        passed += len(verdicts) - len(bad)
        failed += len(bad)
        if bad or verbose:
            print(f"{'FAIL' if bad else 'ok  '} {path}  ({case.title})")
        for verdict in verdicts:
            if verdict.passed:
                if verbose:
                    print(f"  ok   {verdict.summary()}")
                continue
            print(f"  FAIL {verdict.label}")
            for line in verdict.diff():
                print(f"         {line}")
            if verbose:
                from engine.answers import Answer
                from engine.questions import listing_text
                from engine.render import explanation_text

                print(explanation_text(verdict.answer, indent="         ") if isinstance(verdict.answer, Answer)
                      else listing_text(verdict.answer))
    if coverage:
        _print_coverage(exercised)
    if updated:
        print(f"updated {updated} expectation{'s' * (updated != 1)}; review the changes above")
    print(f"{passed} passed, {failed} failed")
    if failed:
        raise SystemExit(1)


def _update(case: Any, bad: list[Any]) -> bool:
    """Show and write a case file's failing expectations as the engine now answers them."""
    import difflib

    from engine.cases import corrections, updated
    from engine.errors import InputError
    from engine.files import read_text, write_text

    text = read_text(case.path)
    if text is None:
        print(f"NOT UPDATED {case.path}: cannot read it again")
        return False
    try:
        new = updated(case, text, {v.index: corrections(v) for v in bad})
        sys.stdout.writelines(difflib.unified_diff(text.splitlines(keepends=True), new.splitlines(keepends=True),
                                                   f"{case.path} (before)", f"{case.path} (updated)"))
        write_text(case.path, new, replace=True, was=text)
    except InputError as exc:
        print(f"NOT UPDATED {exc.render()}")
        return False
    return True


def _print_coverage(exercised: dict[str, set[str]]) -> None:
    """Per rule id and per pinpoint cite, the cases whose answers rest on it."""
    from engine.rules import library

    lib = library()
    by_cite: dict[str, set[str]] = {}
    print("rule coverage (cases whose explanation or element ledger uses the rule):")
    for rule in lib.rules.values():
        cases = exercised.get(rule.id, set())
        by_cite.setdefault(rule.cite, set()).update(cases)
        print(f"  {len(cases):3d}  {rule.id:40s} {rule.cite}")
    print("cite coverage:")
    for cite, cases in sorted(by_cite.items()):
        print(f"  {len(cases):3d}  {cite}")
    missing = sorted(r for r in lib.rules if r not in exercised)
    if missing:
        print("rules no case exercises: " + ", ".join(missing))
    print(f"coverage: {len(lib.rules) - len(missing)}/{len(lib.rules)} rules exercised")


def predicate_rows() -> list[dict[str, Any]]:
    """Every askable conclusion with its sentence and cites (also served by `fto serve`)."""
    from engine.cites import merge
    from engine.rules import library

    lib = library()
    rows = []
    for p in lib.asks():
        cites = [c.text for c in merge(r.cite for r in lib.rules_for(p.signature))]
        rows.append({"predicate": f"{p.name}({', '.join(p.params)})", "sentence": p.sentence, "cites": cites,
                     "file": p.file})
    return rows


@app.command()
@_pageable
def predicates(as_json: bool = typer.Option(False, "--json", help="Print as JSON.")) -> None:
    """List every askable conclusion with its sentence and cites."""
    rows = predicate_rows()
    if as_json:
        _print_json(rows)
        return
    for row in rows:
        print(f"{row['predicate']}\n    {row['sentence']}\n    cites: {'; '.join(row['cites'])}")


@app.command()
@_pageable
def registry(
    term: str = typer.Argument("", metavar="TERM", help="Search ids, names and regions (case-insensitive)."),
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
) -> None:
    """List and search the bundled registry of real FTO designations."""
    from engine.registry import search

    found = search(term)
    if as_json:
        _print_json([e.as_dict() for e in found])
        return
    for e in found:
        status = f"revoked {e.revoked}" if e.revoked else "in effect (per registry)"
        cite = f" ({e.fr_citation})" if e.fr_citation else ""
        signer = f" by the {e.signed_by.replace('_', ' ')}" if e.signed_by else " (signer not in the sources)"
        signed = (f"signed {e.signed}{signer}" if e.signed else
                  f"made{signer}, signing date not in the sources" if e.signed_by else "signing date not in the sources")
        if e.revoked:
            revoker = (f" by the {e.revocation_signed_by.replace('_', ' ')}" if e.revocation_signed_by
                       else " (signer not in the sources)")
            status += (f", signed {e.revocation_signed}{revoker}" if e.revocation_signed else
                       f", decided{revoker}, signing date not in the sources" if e.revocation_signed_by else
                       "; revocation's signing date and signer not in the sources")
        print(f"{e.id:40s} designated {e.designated}{cite}; {signed}; {status}; {e.name}")
    print(f"{len(found)} entries")


@app.command()
def screen(
    base: str = typer.Argument(..., metavar="BASE",
                               help="Base scenario YAML (organizations, registry links, events) the tables extend."),
    transactions: Optional[str] = typer.Option(None, "--transactions", help="Transactions table (.csv, .parquet, .jsonl)."),
    parties: Optional[str] = typer.Option(None, "--parties", help="Parties table."),
    holdings: Optional[str] = typer.Option(None, "--holdings", help="Holdings table."),
    knowledge: Optional[str] = typer.Option(None, "--knowledge", help="Knowledge table."),
    as_of: Optional[str] = typer.Option(None, "--as-of", help="Screen as of this date (YYYY-MM-DD)."),
    out: Optional[str] = typer.Option(None, "--out", help="Results file (.csv, .parquet, .jsonl)."),
    explain_id: Optional[str] = typer.Option(None, "--explain", help="Explain one row (a transaction or holding id), as `fto ask` would on it alone."),
    row_scenario: Optional[str] = typer.Option(None, "--row-scenario", help="With --explain: also write that row's scenario here (YAML)."),
    as_json: bool = typer.Option(False, "--json", help="With --explain: print the answers as JSON."),
    match_registry: bool = typer.Option(False, "--match-registry", help="Match party names against the registry's names and aliases."),
    skip_bad_rows: bool = typer.Option(False, "--skip-bad-rows", help="Leave bad rows out, listing each in a rejects file."),
    rejects: Optional[str] = typer.Option(None, "--rejects", help="Where to list rejected rows (default: OUT.rejects.csv)."),
    jobs: Optional[int] = typer.Option(None, "--jobs", help="Solve in this many processes on this machine (default: one per core; 1: in this process)."),
    workers: int = typer.Option(0, "--workers", help="Solve on a local Dask cluster of this many processes."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Solve on the Dask cluster at this address."),
    no_progress: bool = typer.Option(False, "--no-progress", help="No progress bar."),
) -> None:
    """Screen a ledger of transactions and holdings: every conclusion the rules draw about each row."""
    from engine import screen as sc
    from engine.answers import parse_day
    from engine.errors import InputError

    tables = {"transactions": transactions, "parties": parties, "holdings": holdings, "knowledge": knowledge}
    if workers < 0:
        raise InputError("<command line>", "must be 0 or more", where="--workers")
    if jobs is not None and jobs < 1:
        raise InputError("<command line>", "must be 1 or more", where="--jobs")
    from engine.processes import cores

    opts = sc.Options(base, tables, parse_day(as_of) if as_of else None, out, match_registry, skip_bad_rows, rejects,
                      workers, scheduler, not no_progress, jobs=jobs or cores())
    if explain_id is not None:
        _explain_row(opts, explain_id, row_scenario, as_json)
        return
    if not out:
        raise InputError("<command line>", "say where to write the results (--out FILE), or --explain ID", where="--out")
    from engine.processes import WorkerDied

    try:
        rows, found, ledger = sc.screen(opts)
    except WorkerDied as exc:
        _fail(str(exc), 1)
    _print_summary(sc.summary(rows, found), len(rows), out, len(ledger.rejects))


@app.command("explain")
def explain_result(
    results: str = typer.Argument(..., metavar="RESULTS", help="A results file written by `fto screen --out`."),
    row: str = typer.Argument(..., metavar="ROW", help="A transaction or holding id."),
    as_json: bool = typer.Option(False, "--json", help="Print the answers as JSON."),
) -> None:
    """Explain one row of a screen's results, as `fto ask` would on that row alone."""
    from engine import screen as sc

    _explain_row(sc.options_from_results(results), row, None, as_json)


def _explain_row(opts: Any, ident: str, scenario_out: Optional[str], as_json: bool) -> None:
    from engine import screen as sc

    data, answers = sc.explain(opts, ident)
    if scenario_out:
        sc.write_row_scenario(data, scenario_out)
    if as_json:
        _print_json([a.model_dump() for a in answers])
        return
    from engine.render import print_answer

    for answer in answers:
        print_answer(answer)


def _print_summary(counts: list[tuple[str, int, int, int]], total: int, out: str, rejected: int) -> None:
    """Counts per conclusion and answer: a rich table on a terminal, plain text elsewhere."""
    title = f"{total} rows screened into {out}" + (f"; {rejected} rejected" if rejected else "")
    if sys.stdout.isatty():
        from rich.console import Console
        from rich.table import Table

        table = Table(title=title)
        for name in ("conclusion", "yes", "no", "depends"):
            table.add_column(name, justify="left" if name == "conclusion" else "right")
        for name, yes, no, depends in counts:
            table.add_row(name, str(yes), str(no), str(depends))
        Console().print(table)
        return
    print(title)
    print(f"{'conclusion':32s} {'yes':>8s} {'no':>8s} {'depends':>8s}")
    for name, yes, no, depends in counts:
        print(f"{name:32s} {yes:8d} {no:8d} {depends:8d}")


@app.command("new-case")
def new_case(path: str = typer.Argument(..., metavar="FILE",
                                        help="Where to write the template (an existing file is never overwritten).")) -> None:
    """Write a commented case template to fill in."""
    from pathlib import Path

    from engine.errors import InputError

    target = Path(path)
    if target.exists():
        raise InputError(path, "already exists; choose a new file name (nothing was written)")
    try:
        with target.open("x", encoding="utf-8") as out:
            out.write(CASE_TEMPLATE)
    except OSError as exc:
        raise InputError(path, f"cannot write: {exc.strerror or exc}") from None
    print(f"wrote {path}; fill it in, then run: fto check {path}")
    print("every key a case may hold: fto schema (a JSON Schema; editors with a YAML language server read it)")


CASE_TEMPLATE = """\
# A case: a scenario plus what the engine must answer, and why. Run it with `fto check FILE`;
# `fto check --update FILE` rewrites failing expectations from the engine, showing the diff.
# Every key, for scenario and case alike: `fto schema`. To have an editor check this file as you
# type, save the schema (fto schema > fto.schema.json) and keep the next line:
# yaml-language-server: $schema=fto.schema.json
name: One line saying what this case shows
scenario: The question in plain words    # a title (optional)
as_of: 2025-06-01                       # the day the question is asked
# source: "Full citation, for a real matter"

organizations:
  cjng: {registry: cjng}                # a real designation (see `fto registry`)
  # acme: {name: Acme Gang}             # or an invented group; add events for it below
  #   us_presence: true                 # an office or members in the US (due process); not stated: unknown
  #   us_property: false                # property in the US (a bank account); not stated: unknown
  #   statutory_group: knu_knla         # a group Congress named (Pub. L. 110-161, div. J, § 691(b))
  #   terrorist_activity_until: 2006-12-31

actors:
  supplier: {kind: company, country: MX}
  frontco: {kind: company, country: MX, agent_of: cjng}
  # A relation may be dated: {of: ID, from: DATE, until: DATE} (either day may be left out).
  #   agent_of: {of: cjng, from: 2025-03-01, until: 2025-05-31}
  #   member_of: [{of: cjng, from: 2019-01-01}]      # also representative_of, employed_by, controls
  # A person's presence and admission (not stated: unknown):
  #   in_united_states: true
  #   admitted: false                   # never admitted (entered without inspection)
  #   applicant_abroad: false           # applying for a visa or admission from outside the US
  #   custody: [{from: 2025-09-10, until: 2026-01-31, where: us, by: usa}]   # where: us | abroad

# Any date may be uncertain: `unknown`, or {between: [2025-03-01, 2025-03-31]}; a depends then
# names the day where the answer changes.
transactions:
  t1: {on: 2025-04-01, from: supplier, to: frontco, provides: currency, amount_usd: 5000, place: MX,
       affects_commerce: true, knowingly: true}   # knowing conduct is never presumed: say it
  #   for_act: attack1, knew_use: true, intended_use: unknown      # what the support was to be used for
  #   intended_to_further: humanitarian_aid   # terrorist_activity | lawful_activity | humanitarian_aid
  #   circuit: ninth                    # the forum, where a defence differs by circuit
  #   duress: {threat: death, against: family, threatened_by: frontco, imminent: true, well_grounded_fear: true,
  #            could_escape: false, could_report: false, recklessly_placed: false}
  #   necessity: {lesser_evil: true, imminent: true, would_prevent: true, legal_alternative: false}

# acts:                                 # acts of terrorism (the § 2331(1) elements are never presumed)
#   attack1: {on: 2025-04-10, by: cjng, injured: [ann], violent: true, appears_intended_to_coerce: true,
#             transnational: true, planned_by: [boss], authorized_by: [cjng], authorized_on: 2025-04-01,
#             terrorist_activity: true, offenses: [usc18_2332f]}   # by: an organization or an actor
#   gift_act: {on: 2025-03-01, by: supplier, transaction: t1, contributed_to: attack1, proximate_cause: unknown}

knowledge:
  - {actor: supplier, org: cjng, knew: terrorist_activity}   # designated | terrorist_activity | terrorism | none | unknown

# events:                               # designation events for invented groups
#   - {on: 2025-03-01, act: notify_congress, org: acme, by: secretary_of_state}
#   - {on: 2025-03-08, act: publish_designation, org: acme, by: secretary_of_state}
#   - {on: 2025-05-01, act: publish_amendment, org: acme, alias: hill}          # lists a name (alias_of: acme)
#   - {on: 2025-09-01, act: publish_amendment, org: acme, alias_removed: hill}  # and removes it

# unknown: [transactions.t1.knowingly]  # facts the engine should reason over both ways

expect:
  - ask: material_support(supplier, t1)  # any conclusion `fto predicates` lists
    answer: yes                          # yes | no | depends
    cites: ["18 U.S.C. § 2339B(a)(1)"]   # each must appear among the answer's citations
    # elements: {knew_nature: established}          # element ledger statuses to check
    # not_cites: ["8 U.S.C. § 1189(a)(7)"]          # citations that must not appear
    # set: {transactions.t1.on: 2025-02-19}         # a what-if: the answer after this change
    note: Why this is the answer, in a sentence.
"""


@app.command()
def serve(
    ctx: typer.Context,
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (the default: this machine only)."),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
    workers: int = typer.Option(2, "--workers", min=1, max=32, help="Solver processes (each keeps its own warm sessions)."),
    allow_origin: List[str] = typer.Option([], "--allow-origin", help="Let pages from this origin call the API (CORS; off by default)."),
) -> None:
    """The web playground and JSON API (see /openapi.json); --timeout and --max-memory-mb apply to each request."""
    from engine.web.app import Settings, run

    timeout, max_memory_mb = ctx.obj or (None, 8192)
    run(Settings(host=host, port=port, workers=workers, allow_origins=tuple(allow_origin),
                 timeout_s=timeout if timeout is not None else Settings.timeout_s, memory_mb=max_memory_mb))


@app.command()
@_pageable
def consequences(
    scenario: str = typer.Argument(..., metavar="SCENARIO", help=STDIN),
    org: str = typer.Argument(..., metavar="ORG", help="An organization of the scenario, e.g. cjng."),
    as_of: Optional[str] = typer.Option(None, "--as-of", metavar="DATE", help="As of this date (YYYY-MM-DD)."),
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
) -> None:
    """Everything that follows for an organization and those dealing with it, by body of law."""
    from engine.answers import parse_day
    from engine.questions import consequences as follow, consequences_text
    from engine.scenario import load
    from engine.solve import Solver

    model, located = load(scenario)
    found = follow(Solver(model, parse_day(as_of) if as_of is not None else None, source=located.source), org)
    if as_json:
        _print_json(found.model_dump(exclude_none=True))
        return
    sys.stdout.write(consequences_text(found) + "\n")


@app.command()
@_pageable
def elements(
    pred: str = typer.Argument(..., metavar="PRED", help="A conclusion, e.g. material_support or court_may_set_aside."),
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
) -> None:
    """The elements of a conclusion with their cites: its rules, the alternatives, defeaters and
    exceptions, and what the law holds is not an element (rules/elements.lp; ask requires(C, E))."""
    from engine.elements import listing, listing_text
    from engine.rules import library

    found = listing(library(), pred)
    if as_json:
        _print_json(found.model_dump())
        return
    sys.stdout.write(listing_text(found) + "\n")


@app.command()
@_pageable
def readings(as_json: bool = typer.Option(False, "--json", help="Print as JSON.")) -> None:
    """The open points of law, by name, with the authorities each side rests on (fix one with --reading)."""
    from engine.open_law import readings as named, readings_text
    from engine.rules import library

    found = named(library())
    if as_json:
        _print_json([r.model_dump() for r in found])
        return
    sys.stdout.write(readings_text(found) + "\n")


@app.command()
@_pageable
def schema() -> None:
    """Print the JSON Schema of scenario and case files (`expect:`, `set:` ...), for editors."""
    from engine.cases import CaseFile

    _print_json(CaseFile.model_json_schema(by_alias=True))


def _completing(argv: list[str]) -> bool:
    return not argv or "_FTO_COMPLETE" in os.environ or any(
        arg in ("--install-completion", "--show-completion", "-h", "--help") for arg in argv)


def main() -> None:
    """Entry point: run the app and turn every input problem into one `error:` line."""
    from engine.errors import InputError

    # Shell completion's options cost about 4 ms of every start (typer builds them from a function's
    # signature); they are built only when they can be used: to complete, to install, or in help.
    app._add_completion = _completing(sys.argv[1:])
    try:
        app(standalone_mode=False, prog_name="fto")
    except InputError as exc:
        _fail(exc.render())
    except MemoryError:
        _out_of_memory(OUT_OF_MEMORY)
    except OSError as exc:
        if exc.errno == errno.ENOMEM:  # e.g. a module that cannot be mapped in
            _out_of_memory(OUT_OF_MEMORY)
        raise
    except RuntimeError as exc:
        if "bad_alloc" in str(exc) or "memory" in str(exc).lower():
            _out_of_memory("ran out of memory while grounding (--max-memory-mb); the scenario is too large")
        raise
    except BrokenPipeError:
        raise SystemExit(0)
    except KeyboardInterrupt:
        _fail("interrupted", 130)
    except Exception as exc:  # click's usage errors (typer vendors click, so match the interface)
        if type(exc).__name__ == "NoArgsIsHelpError":  # bare `fto`: the help, once
            text = exc.format_message()  # type: ignore[attr-defined]
            if text.strip():  # empty when rich has already printed it
                sys.stdout.write(text + "\n")
            raise SystemExit(0) from None
        if hasattr(exc, "format_message") and hasattr(exc, "exit_code"):
            _fail(" ".join(exc.format_message().split()))  # type: ignore[attr-defined]
        raise


if __name__ == "__main__":
    main()
