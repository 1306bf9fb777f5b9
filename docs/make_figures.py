"""Make the README's figures from the engine itself: one example's memo and the graph of its proof.

    python docs/make_figures.py

writes docs/memo-example.md (`fto ask ... --format memo`), docs/proof-example.dot (`--format dot`)
and, with Graphviz's `dot` program installed (Debian: apt-get install graphviz),
docs/proof-example.svg. tests/test_formats.py checks that the memo and the DOT text are what the
engine gives now, so the figures cannot drift from the rules by hand.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

EXAMPLE = ("cases/material_support/cobro_de_piso_front_chain.yaml", "material_support(supplier, t1)")
FIGURES = {"memo": ROOT / "docs" / "memo-example.md", "dot": ROOT / "docs" / "proof-example.dot"}
SVG = ROOT / "docs" / "proof-example.svg"


def example():  # -> engine.answers.Answer
    """The example's answer, asked as `fto ask` asks it."""
    from engine.answers import ask, wanted_for
    from engine.scenario import load
    from engine.solve import Solver

    path, question = EXAMPLE
    scenario, _ = load(str(ROOT / path))
    return ask(Solver(scenario, source=path, only=wanted_for(question)), question)


def figures() -> dict[str, str]:
    """The text of each figure, as it should stand in docs/."""
    from engine.graph import dot
    from engine.memo import memo

    answer = example()
    return {"memo": memo(answer), "dot": dot(answer)}


def main() -> None:
    from engine.errors import InputError
    from engine.graph import svg

    for name, text in figures().items():
        FIGURES[name].write_text(text, encoding="utf-8")
        print(f"wrote {FIGURES[name].relative_to(ROOT)}")
    try:
        SVG.write_text(svg(example()), encoding="utf-8")
        print(f"wrote {SVG.relative_to(ROOT)}")
    except InputError as exc:
        print(f"not written: {SVG.relative_to(ROOT)}: {exc.problem}")


if __name__ == "__main__":
    main()
