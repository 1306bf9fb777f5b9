"""Human-readable views of an answer: a rich tree on a terminal, plain text elsewhere.

Off a terminal (a pipe, a file, a test runner) the same lines are written as plain text,
unwrapped so that grep and diff see one claim per line, and rich is never imported: it
is the largest import on the path of a cold `fto ask`.
"""

from __future__ import annotations

import sys
from typing import Callable, Union

from engine.answers import READINGS, Answer, Caveat, ExplanationNode

MARK = {True: "✓", False: "✗"}
STATUS_MARK = {"established": "✓", "refuted": "✗", "unknown": "?", "not reached": "·"}
ANSWER_STYLE = {"yes": "bold green", "no": "bold red", "depends": "bold yellow"}

Part = Union[str, tuple[str, str]]
"""A piece of a line: plain text, or (text, rich style)."""
Writer = Callable[..., None]


def _cite(cite: str | None) -> str:
    return f"  [{cite}]" if cite else ""


def _label(node: ExplanationNode) -> str:
    """A step as one line: stated in full, numbered if a later step refers to it, or a reference back."""
    if node.see is not None:
        return f"{MARK[node.holds]} {node.claim} (see {node.see})"
    number = f"({node.id}) " if node.id is not None else ""
    return f"{MARK[node.holds]} {number}{node.claim}{_cite(node.cite)}"


def explanation_text(answer: Answer, indent: str = "") -> str:
    lines: list[str] = []

    def walk(node: ExplanationNode, depth: int) -> None:
        lines.append(f"{indent}{'  ' * depth}{_label(node)}")
        for child in node.because:
            walk(child, depth + 1)

    walk(answer.explanation, 0)
    return "\n".join(lines)


def _writer() -> tuple[Writer, Callable[[Answer], None]]:
    """A line writer and a tree printer: rich's on a terminal, plain ones elsewhere."""
    if sys.stdout.isatty():
        from rich.console import Console
        from rich.text import Text
        from rich.tree import Tree

        console = Console(highlight=False, soft_wrap=False)

        def tree(answer: Answer) -> None:
            def add(branch: Tree, node: ExplanationNode) -> None:
                for child in node.because:
                    add(branch.add(Text(_label(child))), child)

            root = Tree(Text(_label(answer.explanation)))
            add(root, answer.explanation)
            console.print(root)

        return (lambda *parts: console.print(Text.assemble(*parts))), tree

    def line(*parts: Part) -> None:
        sys.stdout.write("".join(p if isinstance(p, str) else p[0] for p in parts) + "\n")

    return line, lambda answer: line(explanation_text(answer))


def print_answer(answer: Answer, brief: bool = False) -> None:
    """The answer line, the explanation, what is assumed, the element ledger, the deciding facts,
    the citations and the caveats; `brief`: the answer line, the ledger and the citations only."""
    line, tree = _writer()
    line((answer.label or answer.question, "bold"), f" as of {answer.as_of}: ", (answer.answer.upper(), ANSWER_STYLE[answer.answer]))
    if not brief:
        tree(answer)
    for claim in [] if brief else answer.assumptions:
        line(("Assumed:", "bold"), " " + claim)
    if answer.elements:
        line(("Elements:", "bold"))
        for e in answer.elements:
            line(f"  {STATUS_MARK[e.status]} {e.element} — {e.status}{_cite(e.cite)}")
    for d in [] if brief else answer.deciding:
        line(("Deciding:", "yellow"), " " + " and ".join(d.questions))
    if answer.authorities:
        line(("Citations:", "bold"))
        for c in answer.authorities:
            line(f"  {c.text}")
    if answer.caveats and not brief:
        line(("Caveats:", "bold"))
        for c in answer.caveats:
            line(f"  {caveat_text(c)}")


def caveat_text(caveat: Caveat) -> str:
    """A caveat as one line: what is qualified, how, and why."""
    how = READINGS.get(caveat.status, READINGS[""]).lower()
    cite = f" ({caveat.cite})" if caveat.cite else ""
    return f"{caveat.step}{cite} — {how}: {caveat.note}" if caveat.note else f"{caveat.step}{cite} — {how}"


def print_suggestions(suggestions: list) -> None:  # list[engine.session.Suggestion]
    line, _ = _writer()
    if not suggestions:
        line(("Why not:", "bold"), " no change to the switchable facts alone would make it yes.")
        return
    line(("It would be yes if:", "bold"))
    for s in suggestions:
        line(f"  • {' and '.join(s.change)}" + (f"  [{s.cite or s.rule}]" if s.cite or s.rule else ""))


def print_whatif(result, brief: bool = False) -> None:  # engine.session.WhatIf
    """The changes, what flipped, and the answer after (`brief`: as `print_answer` shortens it)."""
    line, _ = _writer()
    line(("What if:", "bold"), " " + "; ".join(result.change_lines()))
    verdict: Part = ("changes", "bold yellow") if result.changed else "stays"
    line(f"{result.question}: {result.before.answer.upper()} → {result.after.answer.upper()} (", verdict, ")")
    if result.flipped:
        line(("Conclusions that flipped:", "bold"))
        for f in result.flipped:
            line(f"  {f.label or f.conclusion}: {f.before} → {f.after}")
    if result.elements_changed:
        line(("Elements that changed:", "bold"))
        for e in result.elements_changed:
            line(f"  {e.element}: {e.before} → {e.after}{_cite(e.cite)}")
    if result.authorities_added or result.authorities_removed:
        line(("Authorities that changed:", "bold"))
    for c in result.authorities_added:
        line(f"  + {c.text}")
    for c in result.authorities_removed:
        line(f"  - {c.text}")
    line(("After:", "bold"))
    print_answer(result.after, brief)
