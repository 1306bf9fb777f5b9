"""An answer as a memo a student could hand in (Markdown): question, short answer, facts relied
on, analysis element by element, what would change the answer, authorities, caveats.

A renderer of an Answer and nothing else: every sentence in it comes from the answer (and so
from the rule book); nothing here decides or adds a legal point. `memo(answer)` is the stable
entry point (the CLI's `--format memo`, the web playground).
"""

from __future__ import annotations

from typing import Sequence

from engine.answers import READINGS, Answer, ExplanationNode
from engine.cites import merge

STATUS_WORDS = {"established": "established", "refuted": "not established", "unknown": "unknown",
                "not reached": "not reached"}


def memo(answer: Answer, suggestions: Sequence[object] = ()) -> str:
    """The memo; `suggestions` are `fto ask --why-not`'s (engine.session.Suggestion), if asked for."""
    parts = [f"# {answer.label or answer.question}", "", f"**Question.** As of {answer.as_of}, whether {answer.asks or answer.label or answer.question}.",
             "", "## Short answer", "", _short(answer), ""]
    parts += _facts(answer)
    parts += _analysis(answer)
    parts += _changes(answer, suggestions)
    cited = [*answer.citations, *(e.cite for e in answer.elements), *(c.cite for c in answer.caveats)]
    parts += ["## Authorities", ""] + [f"- {a}" for a in authorities(cited)] + [""]
    if answer.caveats:
        parts += ["## Caveats", ""]
        for c in answer.caveats:
            how = READINGS.get(c.status, READINGS[""])
            parts.append(f"- {how}: {c.step}" + (f" ({c.cite})" if c.cite else "") + (f". {_sentence(c.note)}" if c.note else "."))
        parts.append("")
    return "\n".join(parts)


def authorities(citations: Sequence[str]) -> list[str]:
    """Each authority and section once, with its pinpoints, sorted: statutes, then regulations and
    orders, then the Federal Register, then cases and the rest (engine/cites.py merges them)."""
    return [cite.text for cite in merge(citations)]


def _short(answer: Answer) -> str:
    word = {"yes": "Yes", "no": "No", "depends": "It depends"}[answer.answer]
    claim = answer.explanation.claim
    if answer.answer == "depends":
        return (claim if claim.endswith(("?", ".")) else claim + ".") if claim.startswith("It depends") else f"{word}."
    return f"{word}. {_sentence(claim)}" + (f" ({answer.explanation.cite})" if answer.explanation.cite else "")


def _facts(answer: Answer) -> list[str]:
    """The scenario's facts the explanation rests on; for a `depends`, not the open facts its branches
    take each way (each branch's reading sets them, the scenario does not: they are the Unknown)."""
    open_facts = {f for d in answer.deciding for f in d.facts}
    facts = [(n.claim, n.cite) for n in answer.explanation.steps()
             if not n.because and n.see is None and n.rule in ("scenario", "registry") and n.atom not in open_facts]
    facts += [(e.element, e.cite) for e in answer.elements
              if e.status == "established" and e.rule in ("scenario", "registry") and e.atom not in open_facts]
    # What the scenario leaves open, as the questions it turns on; an element unknown for want of them
    # is in the analysis (listed here only where no question names what is open).
    unknown = [q for d in answer.deciding for q in d.questions] or [e.element for e in answer.elements if e.status == "unknown"]
    out = ["## Facts relied on", ""]
    out += [f"- {_sentence(claim)}" + (f" ({cite})" if cite and cite not in claim else "")
            for claim, cite in dict.fromkeys(facts)]
    if len(out) == 2:
        out.append("- None: the answer rests on the rules alone.")
    if answer.assumptions:
        out += ["", "**Assumed** (where the record is silent):", ""] + [f"- {_sentence(a)}" for a in answer.assumptions]
    if unknown:
        out += ["", "**Unknown** (the scenario leaves open):", ""] + [f"- {_sentence(u)}" for u in dict.fromkeys(unknown)]
    return out + [""]


def _analysis(answer: Answer) -> list[str]:
    out = ["## Analysis", ""]
    if not answer.elements:
        return out + _tree(answer.explanation, 0) + [""]
    steps = {n.atom: n for n in answer.explanation.steps() if n.atom and n.see is None}
    for i, element in enumerate(answer.elements, start=1):
        cite = f" ({element.cite})" if element.cite else ""
        step = steps.get(element.atom or "")
        number = f"({step.id}) " if step is not None and step.id is not None else ""
        out.append(f"{i}. {number}**{_sentence(element.element)}** — {STATUS_WORDS[element.status]}{cite}")
        # An unknown element's reasons would be one branch's (a fact the scenario leaves open, taken one way).
        for reason in step.because if step is not None and element.status != "unknown" else []:
            out += _tree(reason, 1)
    return out + [""]


def _changes(answer: Answer, suggestions: Sequence[object]) -> list[str]:
    out = ["## What would change the answer", ""]
    if answer.answer == "depends":
        out += [f"- The answer turns on: {' '.join(d.questions)}" for d in answer.deciding]
    elif answer.answer == "no":
        failed = [e for e in answer.elements if e.status == "refuted"]
        out += [f"- It would be yes only if this were shown: {_sentence(e.element)}" for e in failed]
        out += [f"- It would be yes if this were so: {_sentence('; '.join(getattr(s, 'change', [])))}"
                f" ({getattr(s, 'cite', '') or getattr(s, 'rule', '')})" for s in suggestions]
        if not failed and not suggestions:
            out.append("- No single element of a rule is named as failing; see the analysis.")
    else:
        out.append("- Each element above is established; the answer would be no if any of them were not.")
    return out + [""]


def _tree(node: ExplanationNode, depth: int) -> list[str]:
    """A step and its reasons as nested bullets (a step stated earlier is referred to by its number)."""
    number = f"({node.id}) " if node.id is not None else ""
    ref = f" (see {node.see})" if node.see is not None else ""
    cite = f" ({node.cite})" if node.cite and node.see is None else ""
    lines = ["   " * depth + f"- {number}{_sentence(node.claim)}{cite}{ref}"]
    for child in node.because:
        lines += _tree(child, depth + 1)
    return lines


def _sentence(text: str) -> str:
    """A claim as a sentence: its full stop added (after a closing parenthesis too: a name such as
    "Cartel del Golfo (Gulf Cartel, CDG)" may end it)."""
    text = text.strip()
    return text if text.endswith((".", "?", "!", '."', ".)")) else text + "."




def whatif_memo(result: object) -> str:
    """A what-if (engine.session.WhatIf) as a memo: the changes, what flipped, then the memo of the answer after."""
    before, after = getattr(result, "before"), getattr(result, "after")
    lines = ["# What if", "", *[f"- {c}" for c in getattr(result, "change_lines")()], "",
             f"{before.question}: {before.answer} before, {after.answer} after.", ""]
    flipped = getattr(result, "flipped")
    if flipped:
        lines += ["Conclusions that flipped:", "", *[f"- {f.label or f.conclusion}: {f.before} → {f.after}" for f in flipped], ""]
    return "\n".join(lines) + "\n" + memo(after)
