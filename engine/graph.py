"""An answer's proof as a Graphviz graph: each step a box, each reason an arrow.

`dot(answer)` writes the DOT text itself, so Graphviz is not needed to make it; `svg(answer)`
renders it with Graphviz's `dot` program, which must be installed. A step the explanation
states once and refers back to is one box with several arrows into it: the graph is the proof
as a graph, of which the text view is a tree. A renderer of an Answer and nothing else.
"""

from __future__ import annotations

import shutil
import subprocess
import textwrap

from engine.answers import Answer, ExplanationNode
from engine.errors import InputError

FILL = {True: "#e7f5e9", False: "#fbe9e7"}
EDGE = {True: "#2e7d32", False: "#c62828"}
WIDTH = 48  # characters per label line


def dot(answer: Answer) -> str:
    """The proof as DOT text: deterministic, the same bytes for the same answer."""
    lines = ["digraph proof {", '  graph [rankdir=LR, fontname="Helvetica", labelloc=t, '
             f'label="{_escape(answer.label or answer.question)} as of {answer.as_of}: {answer.answer.upper()}"];',
             '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10];',
             '  edge [arrowsize=0.6];']
    names: dict[int, str] = {}  # a step's id -> its box
    boxes: list[tuple[ExplanationNode, str]] = []
    edges: list[str] = []

    def visit(node: ExplanationNode) -> str:
        if node.see is not None:
            return names[node.see]
        name = f"s{len(boxes)}"
        boxes.append((node, name))
        if node.id is not None:
            names[node.id] = name
        for child in node.because:
            target = visit(child)
            edges.append(f"  {name} -> {target} [color=\"{EDGE[child.holds]}\"];")
        return name

    visit(answer.explanation)
    for node, name in boxes:
        label = "\\n".join(textwrap.wrap(_escape(node.claim), WIDTH))
        if node.cite:
            label += "\\n\\n" + "\\n".join(textwrap.wrap(_escape(node.cite), WIDTH))
        lines.append(f'  {name} [label="{label}", fillcolor="{FILL[node.holds]}"];')
    return "\n".join([*lines, *edges, "}"]) + "\n"


def svg(answer: Answer) -> str:
    """The proof as SVG, drawn by Graphviz's `dot` program."""
    program = shutil.which("dot")
    if program is None:
        raise InputError("--format svg", "needs Graphviz's `dot` program (Debian: apt-get install graphviz); "
                                         "--format dot prints the graph without it")
    done = subprocess.run([program, "-Tsvg"], input=dot(answer), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise InputError("--format svg", f"Graphviz failed: {done.stderr.strip().splitlines()[-1] if done.stderr else done.returncode}")
    return done.stdout


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')
