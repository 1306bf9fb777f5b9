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
    for d in answer.deciding:
        console.print("[yellow]Deciding:[/yellow] " + escape(" and ".join(d.questions)))
    if answer.citations:
        console.print("[bold]Citations:[/bold]")
        for c in answer.citations:
            console.print(f"  {escape(c)}")
