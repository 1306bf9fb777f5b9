"""Citations as structure (engine/cites.py): every cite the rule book writes parses, carries no
remark, and an answer lists each authority and section once with its pinpoints."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from tests import cli_process

from engine.cites import CiteError, difference, merge, parse
from engine.memo import memo
from engine.rules import library

ROOT = Path(__file__).resolve().parent.parent
CASE = ROOT / "cases" / "material_support" / "cobro_de_piso_front_chain.yaml"
QUESTION = "material_support(supplier, t1)"

# What that answer's rules cite, merged: before, a compound cite and its parts each printed (19
# lines, "18 U.S.C. § 2339B(a)(1)" alone and inside four others).
CITATIONS = [
    "8 U.S.C. § 1182(a)(3)(B)",
    "8 U.S.C. § 1189(a)(1), (a)(2)(B)(i), (a)(4)(A), (c)(3)-(4), (d)(4)",
    "18 U.S.C. § 2339A(b)(1)",
    "18 U.S.C. § 2339B(a)(1), (d)(1), (d)(1)(E), (g)(4), (g)(6), (h)-(j)",
    "90 FR 10030",
    "FR Doc 2025-02873",
    "Holder v. Humanitarian Law Project, 561 U.S. 1 (2010)",
]


def _rule_book_cites() -> list[tuple[str, str]]:
    lib = library()
    return ([(f"{r.file}:{r.line} {r.id}", r.cite) for r in lib.rules.values()]
            + [(f"{p.file}:{p.line} {p.name}", p.cite) for p in lib.preds.values() if p.cite])


def test_every_cite_in_the_rule_book_parses():
    bad = []
    for where, cite in _rule_book_cites():
        try:
            parse(cite, strict=True)
        except CiteError as exc:
            bad.append(f"{where}: {exc}")
    assert not bad, "cites the grammar does not read (a remark belongs in the note= field):\n" + "\n".join(bad)


def test_no_cite_carries_a_signal_or_a_remark():
    """"cf." and explanatory parentheticals are notes, shown under Caveats, never part of a cite."""
    found = [(where, cite) for where, cite in _rule_book_cites() if "cf." in cite or "[" in cite]
    assert not found
    for remark in ["8 U.S.C. § 1189(c)(3)-(4); cf. § 1189(a)(7) (revocation only)",
                   "8 U.S.C. § 1189(c)(3)-(4) (revocation only)",
                   "Rothstein v. UBS AG, 708 F.3d 82 (2d Cir. 2013) (proximate cause)",
                   "EO 13224 § 1; 31 C.F.R. § 594.201(a) [registry listing without a date]",
                   "8 U.S.C. § 1189(c)(3)-(4); the dossier says so"]:
        with pytest.raises(CiteError):
            parse(remark, strict=True)
    notes = {r.id: r.note for r in library().rules.values()}
    assert "§ 1189(a)(7), which speaks of revocation only" in notes["r_def_set_aside"]
    assert "§ 1189(a)(7), which speaks of revocation only" in notes["r_ms_set_aside_reaches_back"]


REPORTED = re.compile(r"([A-Z][\w.&' -]*? v\. [^,;]+), (\d+ (?:U\.S\.|S\. Ct\.|F\.(?: Supp\.)? ?(?:\dd|4th)?) \d+)")
"""A reported case in a cite: its name, then volume, reporter and first page."""


def test_each_reported_case_goes_by_one_name_throughout_the_rule_book():
    """A reader's table of authorities lists a case once; two spellings of one case would be listed twice."""
    names: dict[str, set[str]] = {}
    for rule in library().rules.values():
        for match in REPORTED.finditer(rule.cite):
            names.setdefault(match.group(2), set()).add(match.group(1))
    assert len(names) >= 15  # the pattern still finds the cases the rule book cites
    assert {report: sorted(found) for report, found in names.items() if len(found) > 1} == {}


def test_a_compound_cite_becomes_one_cite_per_authority_and_section():
    found = parse("18 U.S.C. § 2339B(a)(1), (g)(6); 8 U.S.C. § 1189(a)(2)(B)(i)", strict=True)
    assert [(c.kind, c.authority, c.section, c.pinpoints) for c in found] == [
        ("code", "18 U.S.C.", "§ 2339B", ("(a)(1)", "(g)(6)")),
        ("code", "8 U.S.C.", "§ 1189", ("(a)(2)(B)(i)",))]
    assert [c.text for c in found] == ["18 U.S.C. § 2339B(a)(1), (g)(6)", "8 U.S.C. § 1189(a)(2)(B)(i)"]
    listed = parse("18 U.S.C. §§ 554(a), 924(h); 21 U.S.C. § 1904(b)(1); § 1903(b)", strict=True)
    assert [c.text for c in listed] == ["18 U.S.C. § 554(a)", "18 U.S.C. § 924(h)", "21 U.S.C. § 1904(b)(1)",
                                        "21 U.S.C. § 1903(b)"]


def test_pinpoints_are_written_out_from_the_level_they_name():
    """A later pinpoint continues the first: "(IX)" after (i)(I) is (i)(IX), not (iv)(IX); "(i)" after
    (a)(1) is subsection (i), after (iv)(VI) clause (i)."""
    (ina,) = parse("INA § 212(a)(3)(B)(i)(I), (iv)(IV)-(V), (IX)", strict=True)
    assert ina.pinpoints == ("(a)(3)(B)(i)(I)", "(a)(3)(B)(iv)(IV)-(V)", "(a)(3)(B)(i)(IX)")
    assert parse("INA § 212(a)(3)(B)(iv)(VI), (i)(VIII)")[0].pinpoints[1] == "(a)(3)(B)(i)(VIII)"
    assert parse("18 U.S.C. § 2339B(a)(1), (i)")[0].pinpoints == ("(a)(1)", "(i)")
    assert parse("INA § 212(a)(3)(F), (3)(B)(vi)")[0].pinpoints == ("(a)(3)(F)", "(a)(3)(B)(vi)")
    (jurisdiction,) = parse("18 U.S.C. § 2339B(d)(1)(A)-(F)", strict=True)
    assert jurisdiction.pinpoints == ("(d)(1)(A)-(F)",)


def test_other_authorities_keep_their_parts():
    case, public_law, register = (parse(c, strict=True)[0] for c in [
        "Landgraf v. USI Film Products, 511 U.S. 244, 280 (1994)",
        "Pub. L. 104-132, § 303, 110 Stat. 1214 (1996)",
        "68 Fed. Reg. 61359, 61361 (Oct. 28, 2003)"])
    assert (case.kind, case.authority, case.section, case.pinpoints, case.qualifier) == (
        "case", "Landgraf v. USI Film Products", "511 U.S. 244", ("280",), "(1994)")
    assert (public_law.authority, public_law.section, public_law.qualifier) == ("Pub. L. 104-132", "§ 303",
                                                                                 "110 Stat. 1214 (1996)")
    assert (register.authority, register.section, register.pinpoints) == ("68 Fed. Reg.", "61359", ("61361",))
    # A registry's or scenario's own text, which no rule wrote, is kept whole rather than refused.
    assert [c.text for c in parse("FTO registry source: State Department list")] == ["FTO registry source: State Department list"]


def test_merging_lists_each_pinpoint_once_in_the_statutes_order():
    merged = merge(["18 U.S.C. § 2339B(a)(1), (g)(6); 8 U.S.C. § 1189(a)(2)(B)(i)", "18 U.S.C. § 2339B(a)(1)",
                    "18 U.S.C. § 2339B(d)(1)(A)-(F)", "18 U.S.C. § 2339B(d)(1)(C)", "18 U.S.C. § 2339B(a)(10)",
                    "INA § 212(a)(3)(B)(iv)(VI)", "INA § 212(a)(3)(B)(i)(IX)", "INA § 212(a)(3)(B)(i)(V)",
                    "Landgraf v. USI Film Products, 511 U.S. 244 (1994)",
                    "Landgraf v. USI Film Products, 511 U.S. 244, 280 (1994)"])
    assert [c.text for c in merged] == [
        "8 U.S.C. § 1189(a)(2)(B)(i)",
        "18 U.S.C. § 2339B(a)(1), (a)(10), (d)(1)(A)-(F), (g)(6)",
        "INA § 212(a)(3)(B)(i)(V), (a)(3)(B)(i)(IX), (a)(3)(B)(iv)(VI)",
        "Landgraf v. USI Film Products, 511 U.S. 244, 280 (1994)"]
    # A different version of a section is another authority: it is not merged into the current one.
    assert len(merge(["18 U.S.C. § 2339B(a)(1)", "18 U.S.C. § 2339B(a)(1), as amended by Pub. L. 114-23, § 704"])) == 2


def _fto(*args: str) -> subprocess.CompletedProcess[str]:
    return cli_process.run(args, ROOT)


@pytest.fixture(scope="module")
def case_json() -> dict:
    done = _fto("ask", str(CASE), QUESTION, "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_citations_of_a_real_case_name_each_authority_once():
    lines = _fto("ask", str(CASE), QUESTION).stdout.splitlines()
    start = lines.index("Citations:")
    end = next((i for i, line in enumerate(lines) if i > start and not line.startswith("  ")), len(lines))
    assert lines[start + 1:end] == [f"  {c}" for c in CITATIONS]


def test_json_carries_the_structured_authorities_beside_the_cite_strings(case_json: dict):
    assert "18 U.S.C. § 2339B(a)(1), (g)(6); 8 U.S.C. § 1189(a)(2)(B)(i)" in case_json["citations"]
    assert [a["text"] for a in case_json["authorities"]] == CITATIONS
    ms = case_json["authorities"][3]
    assert (ms["kind"], ms["authority"], ms["section"]) == ("code", "18 U.S.C.", "§ 2339B")
    assert ms["pinpoints"] == ["(a)(1)", "(d)(1)", "(d)(1)(E)", "(g)(4)", "(g)(6)", "(h)-(j)"]


def test_the_memo_lists_each_authority_once(case_json: dict):
    from engine.answers import Answer

    text = memo(Answer.model_validate(case_json))
    section = text.split("## Authorities\n\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert section == [f"- {c}" for c in CITATIONS]


def test_a_value_questions_citations_line_names_each_authority_once():
    """`fto ask` of an open question prints each explained binding's citations on one line."""
    lines = _fto("ask", str(CASE), "max_prison(supplier, t1, P)").stdout.splitlines()
    assert [line.strip() for line in lines if line.strip().startswith("citations:")] == [
        "citations: U.S. Const. art. I, § 9, cl. 3; 8 U.S.C. § 1182(a)(3)(B); "
        "8 U.S.C. § 1189(a)(1), (a)(2)(B)(i), (a)(4)(A), (c)(3)-(4), (d)(4); 18 U.S.C. § 2339A(b)(1); "
        "18 U.S.C. § 2339B(a)(1), (d)(1), (d)(1)(E), (g)(4), (g)(6), (h)-(j); "
        "18 U.S.C. § 2339B(a)(1), as amended by Pub. L. 114-23, § 704, 129 Stat. 268 (2015); "
        "90 FR 10030; FR Doc 2025-02873; Holder v. Humanitarian Law Project, 561 U.S. 1 (2010)"]


def test_a_difference_names_only_the_pinpoints_the_other_side_does_not_cite():
    before = ["18 U.S.C. § 2339B(a)(1), (g)(6)", "18 U.S.C. § 2339B(d)(1)(A)-(F)", "Holder v. Humanitarian Law Project, 561 U.S. 1 (2010)"]
    after = ["18 U.S.C. § 2339B(a)(1)", "18 U.S.C. § 2339B(d)(1)(C)", "Holder v. Humanitarian Law Project, 561 U.S. 1 (2010)"]
    assert [c.text for c in difference(before, after)] == ["18 U.S.C. § 2339B(d)(1)(A)-(F), (g)(6)"]
    assert difference(after, before) == []  # (d)(1)(C) lies within (d)(1)(A)-(F)
