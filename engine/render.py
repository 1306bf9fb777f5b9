"""Human-readable views of an answer: a rich tree on a terminal, plain text elsewhere."""

from __future__ import annotations

from engine.answers import Answer, ExplanationNode

MARK = {True: "✓", False: "✗"}


def _label(node: ExplanationNode) -> str:
    cite = f"  [{node.cite}]" if node.cite else ""
    return f"{MARK[node.holds]} {node.claim}{cite}"


def explanation_text(answer: Answer, indent: str = "") -> str:
    lines: list[str] = []

    def walk(node: ExplanationNode, depth: int) -> None:
        lines.append(f"{indent}{'  ' * depth}{_label(node)}")
        for child in node.because:
            walk(child, depth + 1)

    walk(answer.explanation, 0)
    return "\n".join(lines)


def print_answer(answer: Answer) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.tree import Tree

    console = Console(highlight=False, soft_wrap=False)
    colour = {"yes": "green", "no": "red", "depends": "yellow"}[answer.answer]
    console.print(f"[bold]{escape(answer.question)}[/bold] as of {answer.as_of}: "
                  f"[bold {colour}]{answer.answer.upper()}[/bold {colour}]")

    def add(tree: Tree, node: ExplanationNode) -> None:
        for child in node.because:
            add(tree.add(escape(_label(child))), child)

    root = Tree(escape(_label(answer.explanation)))
    add(root, answer.explanation)
    console.print(root)
    for claim in answer.assumptions:
        console.print("[bold]Assumed:[/bold] " + escape(claim))
    if answer.elements:
        console.print("[bold]Elements:[/bold]")
        marks = {"established": "✓", "refuted": "✗", "unknown": "?", "not reached": "·"}
        for e in answer.elements:
            cite = f"  [{e.cite}]" if e.cite else ""
            console.print(f"  {marks[e.status]} {escape(e.element)} — {e.status}{escape(cite)}")
    for d in answer.deciding:
        console.print("[yellow]Deciding:[/yellow] " + escape(" and ".join(d.questions)))
    if answer.citations:
        console.print("[bold]Citations:[/bold]")
        for c in answer.citations:
            console.print(f"  {escape(c)}")


def print_suggestions(suggestions: list) -> None:  # list[engine.session.Suggestion]
    from rich.console import Console
    from rich.markup import escape

    console = Console(highlight=False)
    if not suggestions:
        console.print("[bold]Why not:[/bold] no change to the switchable facts alone would make it yes.")
        return
    console.print("[bold]It would be yes if:[/bold]")
    for s in suggestions:
        console.print(f"  • {escape(' and '.join(s.change))}  [{escape(s.cite or s.rule)}]")


def print_whatif(result) -> None:  # engine.session.WhatIf
    from rich.console import Console
    from rich.markup import escape

    console = Console(highlight=False)
    console.print(f"[bold]What if:[/bold] {escape('; '.join(result.changes))}")
    verdict = "[bold yellow]changes[/bold yellow]" if result.changed else "stays"
    console.print(f"{escape(result.question)}: {result.before.answer.upper()} → {result.after.answer.upper()} ({verdict})")
    if result.flipped:
        console.print("[bold]Conclusions that flipped:[/bold]")
        for f in result.flipped:
            console.print(f"  {escape(f.conclusion)}: {f.before} → {f.after}")
    if result.elements_changed:
        console.print("[bold]Elements that changed:[/bold]")
        for e in result.elements_changed:
            cite = f"  [{e.cite}]" if e.cite else ""
            console.print(f"  {escape(e.element)}: {e.before} → {e.after}{escape(cite)}")
    for c in result.citations_added:
        console.print(f"  + {escape(c)}")
    for c in result.citations_removed:
        console.print(f"  - {escape(c)}")
    console.print("[bold]After:[/bold]")
    print_answer(result.after)
