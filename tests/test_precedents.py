"""Case law in time (rules/precedents.lp): every decision the rules cite is a dated row with a source."""

from __future__ import annotations

import re
from pathlib import Path

from engine.rules import library

RULES = Path(__file__).resolve().parent.parent / "rules"
ROW = re.compile(r'^precedent\((\w+), (\w+), "([^"]+)", @day\((\d+), (\d+), (\d+)\)\)\.$')
# A reporter citation ("251 F.3d 192", "561 U.S. 1", "26 I&N Dec. 757") or a docket number ("No. 24A931").
REPORTER = re.compile(r"\b\d+ (?:U\.S\.|F\.\dd|F\. Supp\. \dd|I&N Dec\.) \d+|\bNo\. \d+A\d+")


def _rows() -> list[tuple[int, re.Match[str]]]:
    lines = (RULES / "precedents.lp").read_text(encoding="utf-8").splitlines()
    return [(i, m) for i, line in enumerate(lines) if (m := ROW.match(line))]


def test_every_case_a_rule_cites_has_a_dated_row():
    cited_by_rows = {ref for _, m in _rows() for ref in REPORTER.findall(m.group(3))}
    missing = {(rule.id, ref) for rule in library().rules.values() for ref in REPORTER.findall(rule.cite)
               if ref not in cited_by_rows}
    assert not missing, f"cited without a row in rules/precedents.lp: {sorted(missing)}"


def test_every_row_says_where_it_was_read_and_carries_its_own_cite():
    lines = (RULES / "precedents.lp").read_text(encoding="utf-8").splitlines()
    rows = _rows()
    assert len(rows) >= 15
    for i, m in rows:
        annotation, source = lines[i - 1], lines[i - 2]
        assert annotation.startswith("%@ ") and m.group(3) in annotation, f"row {m.group(1)}: its annotation must give the cite"
        assert source.startswith("% ") and len(source) > 20, f"row {m.group(1)}: say where its date and cite were read"
        year = int(m.group(4))
        assert f"({year})" in m.group(3) or f"{year})" in m.group(3), f"row {m.group(1)}: the cite's year is not the decision's"
