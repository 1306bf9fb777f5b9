"""Citations as structure: an authority, a section, its pinpoints, and what qualifies them.

A rule's cite is a string such as "18 U.S.C. § 2339B(a)(1), (g)(6); 8 U.S.C. § 1189(a)(2)(B)(i)".
`parse` reads it into one `Cite` per authority and section (here two), with each pinpoint written
out in full ("(a)(3)(B)(i)(I), (iv)(IV)-(V)" gives "(a)(3)(B)(i)(I)" and "(a)(3)(B)(iv)(IV)-(V)").
`merge` joins the cites an answer rests on, one entry per authority and section with each pinpoint
once, so a list of authorities never repeats the part of a compound cite that another rule cites
alone. Nothing here decides a legal point: it reads the rule book's own strings.

Why a grammar and not a split on ";": a cite that does not parse (a remark in parentheses, a "cf."
signal, a research note in brackets) is caught by tests/test_cites.py when the rule is written,
not when a reader meets it in an answer.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable, Literal

from pydantic import BaseModel, ConfigDict

Kind = Literal["code", "instrument", "constitution", "register", "case", "document", "doctrine", "other"]


class CiteError(ValueError):
    """A cite string that the grammar of citations does not read (strict parsing only)."""


class Cite(BaseModel):
    """One authority and section with its pinpoints, e.g. 18 U.S.C. § 2339B (a)(1), (g)(6).

    `authority` is the code's title ("18 U.S.C.", "INA", "31 C.F.R."), the instrument ("Pub. L.
    104-132", "EO 13224"), the case name, or the Federal Register volume ("61 Fed. Reg."); `section`
    the section as written with its sign ("§ 2339B", "§§ 1956-1957", "Part 594"), a case's reporter
    citation ("705 F.2d 472"), or a Register page; `pinpoints` each pinpoint written out in full
    ("(d)(1)(A)-(F)"), or a case's pin pages; `qualifier` what follows (a year or court, "as amended
    by ..."). `text` is the whole cite as it reads.
    """

    model_config = ConfigDict(frozen=True)

    text: str
    kind: Kind
    authority: str
    section: str = ""
    pinpoints: tuple[str, ...] = ()
    qualifier: str = ""


# --- the grammar ---------------------------------------------------------------------------------

_TITLE = r"\d+ U\.S\.C\.|\d+ C\.F\.R\.|INA|Model Penal Code|Fed\. R\. App\. P\."
_INSTRUMENT = (r"(?:[A-Z][A-Za-z ]*Act(?:, \d{4})?, )?Pub\. L\. \d+-\d+(?:, (?:div|tit)\. [A-Z]+)?"
               r"|EO \d+|Exec\. Order(?: No\.)? \d+|Proclamation No\. \d+")
_SECTION = r"\d+[A-Za-z]*(?:\.\d+)?(?:-\d+[A-Za-z]*(?:\.\d+)?)?(?: note, § \d+)?"
_REPORTER = r"U\.S\.|F\.(?:2d|3d|4th)?|F\. Supp\.(?: 2d| 3d)?|S\. ?Ct\.|I&N Dec\."

_CODE = re.compile(rf"^(?P<authority>{_TITLE}) (?P<rest>(?:§§?|Part) .*|{_SECTION}.*)$")
_INSTR = re.compile(rf"^(?P<authority>{_INSTRUMENT})(?P<rest>(?: |, ).*)?$")
_CONST = re.compile(r"^U\.S\. Const\. (?P<section>art\. [IVX]+(?:, § \d+)?(?:, cl\. \d+)?|amend\. [IVX]+)$")
_REGISTER = re.compile(r"^(?P<authority>\d+ (?:Fed\. Reg\.|FR)) (?P<section>\d+)(?:, (?P<pin>\d+(?:-\d+)?))?(?P<rest> .*)?$")
_FR_DOC = re.compile(r"^(?P<authority>FR Doc\.?) (?P<section>\d{4}-\d+)$")
_CASE = re.compile(rf"^(?P<authority>(?:In re |Matter of )?[A-Z0-9].*?), (?P<section>(?:No\. \w+, )?\d+ (?:{_REPORTER}) (?:\d+|___))"
                   r"(?:, (?P<pin>\d+(?:-\d+)?))?(?P<rest> \(.*)$")
_DOCUMENT = re.compile(r"^(?:OFAC\b|FinCEN\b|CRS Report |Presidential Policy Directive |The White House, "
                       r"|Statement by the President |Ninth Cir\. Model Crim\. Jury Instr\.)")
_DOCTRINE = re.compile(r"^(?:common-law|presumption of) [a-z -]*[a-z](?: \((?P<inner>.*)\))?$")
"""A doctrine the rule book names ("common-law duress defense", "presumption of regularity (CASE)"): a
form of its own, so that a lowercase remark ("the dossier says so") is not read as one."""

# Parentheticals a citation may carry (after a space): a date or court and year, en banc, per curiam,
# the version cited ("before Pub. L. 110-96", "former (b)"), or a jury instruction's title. Anything
# else in parentheses is a remark, which belongs in the rule's note.
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|June|July|Aug|Sept?|Oct|Nov|Dec)\.?"
_FITTING = re.compile(rf"^(?:(?:{_MONTH} \d{{1,2}}, )?\d{{4}}|[A-Z0-9][\w.&' ]*? \d{{4}}|en banc|per curiam"
                      r"|(?:before|as in force before|former|then) .+)$")
_SIGNAL = re.compile(r"(?:^|[\s;(])(?:cf\.|see also|see|but see|e\.g\.)\s", re.IGNORECASE)


def parse(text: str, strict: bool = False) -> tuple[Cite, ...]:
    """The structured cites of one cite string. Strict: raise CiteError for a part the grammar does
    not read; otherwise such a part is kept whole as an `other` cite (a registry's or a scenario's
    own citation text, which no rule wrote)."""
    return _parse(text.strip(), strict)


@lru_cache(maxsize=4096)
def _parse(text: str, strict: bool) -> tuple[Cite, ...]:
    out: list[Cite] = []
    title = ""  # the code a part that opens with "§" belongs to: "21 U.S.C. § 1904(b)(1); § 1903(b)"
    for part in _split(text, ";"):
        if title and part.startswith("§"):
            part = f"{title} {part}"
        try:
            found = _part(part)
        except CiteError:
            if strict:
                raise CiteError(f"{part!r} (in {text!r}) is not a citation the grammar reads") from None
            found = [Cite(text=part, kind="other", authority=part)]
        out += found
        title = found[-1].authority if found[-1].kind == "code" else ""
    return tuple(out)


def _part(part: str) -> list[Cite]:
    """One `;`-separated part: a code, an instrument, the Constitution, the Register, a case, a
    document or a doctrine."""
    if _SIGNAL.search(part) or "[" in part:
        raise CiteError(part)
    if m := _CONST.match(part):
        return [_cite("constitution", "U.S. Const.", m.group("section"))]
    if m := _CODE.match(part):
        return _sections("code", m.group("authority"), m.group("rest"), part)
    if m := _INSTR.match(part):
        rest = (m.group("rest") or "").removeprefix(",").strip()
        if rest.startswith("§"):
            return _sections("instrument", m.group("authority"), rest, part)
        return [_cite("instrument", m.group("authority"), "", (), _qualifier(rest, part))]
    if m := _REGISTER.match(part):
        pins = (m.group("pin"),) if m.group("pin") else ()
        return [_cite("register", m.group("authority"), m.group("section"), pins, _qualifier(m.group("rest") or "", part))]
    if m := _FR_DOC.match(part):
        return [_cite("register", m.group("authority"), m.group("section"))]
    if m := _CASE.match(part):
        pins = (m.group("pin"),) if m.group("pin") else ()
        return [_cite("case", m.group("authority"), m.group("section"), pins, _qualifier(m.group("rest"), part))]
    if _DOCUMENT.match(part):
        found = list(_parentheticals(part))
        if part.startswith("Ninth Cir.") and found:
            found = found[1:]  # a jury instruction's title is in parentheses
        if not all(_fits(inner) for inner in found):
            raise CiteError(part)
        return [_cite("document", part)]
    if m := _DOCTRINE.match(part):
        if m.group("inner"):
            parse(m.group("inner"), strict=True)  # the authority for the doctrine must itself read
        return [_cite("doctrine", part)]
    raise CiteError(part)


def _sections(kind: Kind, authority: str, rest: str, part: str) -> list[Cite]:
    """"§ 2339B(a)(1), (g)(6)", "§§ 554(a), 924(h)", "§ 2333(a), § 2331(1)", "Part 594", "§ 21 et seq."."""
    sign, _, body = rest.partition(" ") if rest.startswith(("§", "Part")) else ("", "", rest)
    out: list[Cite] = []
    pos = 0
    while True:
        m = re.compile(_SECTION).match(body, pos)
        if not m:
            raise CiteError(part)
        number = m.group(0)
        pos = m.end()
        pins: list[str] = []
        while True:
            p = _PIN.match(body, pos)
            if not p:
                break
            pins.append(p.group(0))
            pos = p.end()
            if not body.startswith(", (", pos):
                break
            pos += 2
        one = "§§" if sign == "§§" and "-" in number else "§" if sign == "§§" else sign  # a cite per section
        out.append(_cite(kind, authority, f"{one} {number}".strip(), _resolve(pins, part)))
        if body.startswith(", § ", pos) and sign == "§":
            pos += 4
        elif sign == "§§" and (n := re.compile(rf", (?={_SECTION}(?:\(|,|;|$| \(|\s*$))").match(body, pos)):
            pos = n.end()
        else:
            break
    qualifier = _qualifier(body[pos:].removeprefix(",").strip(), part)  # of every section listed
    return [_cite(kind, authority, c.section, c.pinpoints, qualifier) for c in out] if qualifier else out


_PIN = re.compile(r"(?:\([0-9A-Za-z]+\))+(?:-(?:\([0-9A-Za-z]+\))+)?")


def _qualifier(text: str, part: str) -> str:
    """What follows a cite (a year, a court, "as amended by ..."), checked for remarks: every
    parenthetical after a space must be one a citation carries."""
    text = text.strip()
    if not all(_fits(inner) for inner in _parentheticals(" " + text)):
        raise CiteError(part)
    return text


def _fits(parenthetical: str) -> bool:
    """A parenthetical a citation may carry, a designation ("and the sentence following (B)"), or a
    parallel citation ("(INA § 219)")."""
    return bool(_FITTING.match(parenthetical)) or bool(_kinds(parenthetical)) or _parses(parenthetical)


def _parentheticals(text: str) -> Iterable[str]:
    """The contents of each top-level parenthetical that follows a space ("(2d Cir. 2013)", not the
    "(a)" of "Category I(a)")."""
    depth, start = 0, -1
    for i, ch in enumerate(text):
        if ch == "(":
            if depth == 0 and i > 0 and text[i - 1] == " ":
                start = i + 1
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0 and start >= 0:
                yield text[start:i]
                start = -1


def _parses(text: str) -> bool:
    """A parenthetical that is itself a citation (a parallel cite: "(INA § 219)", "(FR Doc. 2025-02004)").
    Deeply nested parentheses (a scenario's own citation text can be anything) are not one, and would
    otherwise recurse without bound."""
    if text.count("(") > 8:
        return False
    try:
        parse(text, strict=True)
        return True
    except CiteError:
        return False


def _split(text: str, sep: str) -> list[str]:
    """Split at `sep` outside parentheses."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text + sep):
        depth += (ch == "(") - (ch == ")")
        if ch == sep and depth == 0:
            if text[start:i].strip():
                parts.append(text[start:i].strip())
            start = i + 1
    return parts


# --- pinpoints -----------------------------------------------------------------------------------

_ORDER = ("lower", "num", "upper", "roman", "ROMAN", "item")
"""The levels of a US Code section: subsection (a), paragraph (1), subparagraph (A), clause (i),
subclause (I), item (aa)."""
_ROMAN = re.compile(r"^(?=[ivxl]+$)l?x{0,3}(?:ix|iv|v?i{0,3})$", re.IGNORECASE)


def _kinds(token: str) -> tuple[str, ...]:
    """The levels a designation such as "i" may stand at (subsection (i), or clause (i))."""
    if token.isdigit():
        return ("num",)
    lower = token.islower()
    roman = ("roman",) if lower else ("ROMAN",)
    if len(token) == 1:
        letter = ("lower",) if lower else ("upper",)
        return letter + roman if _ROMAN.match(token) else letter
    if _ROMAN.match(token):
        return roman
    if lower and len(set(token)) == 1:
        return ("item",)
    return ()


def _levels(tokens: list[str]) -> list[str]:
    """The level of each designation of a full pinpoint, each read as the level after the one above
    it where it may be that (the "(i)" of (a)(3)(B)(i) is a clause, the "(i)" of 2339B(i) a subsection)."""
    out: list[str] = []
    for token in tokens:
        kinds = _kinds(token)
        after = _ORDER[_ORDER.index(out[-1]) + 1] if out and out[-1] != _ORDER[-1] else None
        out.append(after if after in kinds else kinds[0] if kinds else "")
    return out


def _tokens(pin: str) -> tuple[list[str], list[str]]:
    """(designations, range end) of "(d)(1)(A)-(F)": (["d", "1", "A"], ["F"])."""
    start, _, end = pin.partition("-")
    return re.findall(r"\(([^()]+)\)", start), re.findall(r"\(([^()]+)\)", end)


def _resolve(pins: list[str], part: str) -> tuple[str, ...]:
    """Each pinpoint written out in full. A later pinpoint of a list continues the first from the level
    its first designation names: after (a)(3)(B)(i)(I), "(iv)(IV)-(V)" is (a)(3)(B)(iv)(IV)-(V) and
    "(IX)" is (a)(3)(B)(i)(IX); "(g)(6)" after (a)(1) is a subsection."""
    if not pins:
        return ()
    anchor, _ = _tokens(pins[0])
    levels = _levels(anchor)
    out = [pins[0]]
    for pin in pins[1:]:
        tokens, end = _tokens(pin)
        kinds = _kinds(tokens[0])
        depth = max((i for i, level in enumerate(levels) if level in kinds), default=None)
        if depth is None:
            raise CiteError(part)
        out.append(_pin(anchor[:depth] + tokens, end))
    return tuple(out)


def _pin(tokens: list[str], end: list[str]) -> str:
    return "".join(f"({t})" for t in tokens) + ("-" + "".join(f"({t})" for t in end) if end else "")


def _value(token: str) -> int:
    """A designation's place among its siblings: 7 for "7", "g", "G", "vii", "VII"; 27 for "aa"."""
    if token.isdigit():
        return int(token)
    if _ROMAN.match(token) and len(token) > 1:
        return _roman(token)
    return (ord(token[0].lower()) - ord("a") + 1) + 26 * (len(token) - 1)


def _roman(token: str) -> int:
    values = {"i": 1, "v": 5, "x": 10, "l": 50}
    digits = [values[c] for c in token.lower()]
    return sum(-d if i + 1 < len(digits) and d < digits[i + 1] else d for i, d in enumerate(digits))


def _pin_key(pin: str) -> tuple:
    """Pinpoints in the statute's order: (a)(2) before (a)(10), (i)(I) before (i)(IX) before (iv);
    a pinpoint before a range that starts at it; a case's pin pages by number."""
    tokens, end = _tokens(pin)
    if not tokens:  # a page: "280", "14-15"
        return tuple(int(n) for n in re.findall(r"\d+", pin))
    levels = _levels(tokens)
    values = tuple(_roman(t) if level in ("roman", "ROMAN") else _value(t) for t, level in zip(tokens, levels))
    return values + ((0,) if not end else (1, *(_value(t) for t in end)))


@lru_cache(maxsize=16384)
def _covered(pin: str, by: str) -> bool:
    """Whether a range such as (d)(1)(A)-(F) covers another pinpoint or range of the same level, such as
    (d)(1)(C) or (d)(1)(B)-(C)."""
    tokens, end = _tokens(pin)
    start, stop = _tokens(by)
    if pin == by or not stop or len(tokens) != len(start) or tokens[:-1] != start[:-1] or len(end) > 1:
        return False
    low, high = _pin_key(_pin(start, [])), _pin_key(_pin(start[:-1] + stop, []))
    return low <= _pin_key(_pin(tokens, [])) and _pin_key(_pin(tokens[:-1] + (end or tokens[-1:]), [])) <= high


# --- rendering and merging -----------------------------------------------------------------------

def _cite(kind: Kind, authority: str, section: str = "", pinpoints: tuple[str, ...] = (), qualifier: str = "") -> Cite:
    draft = Cite(text="", kind=kind, authority=authority, section=section, pinpoints=pinpoints, qualifier=qualifier)
    return draft.model_copy(update={"text": _render(draft)})


def _render(cite: Cite) -> str:
    """The cite as text: "18 U.S.C. § 2339B(a)(1), (g)(6)", "Pub. L. 104-132, § 303, 110 Stat. 1214 (1996)"."""
    if cite.kind in ("document", "doctrine", "other"):
        return cite.authority
    if cite.kind == "constitution":
        return f"{cite.authority} {cite.section}"
    pins = ", ".join(cite.pinpoints)
    if cite.kind == "case":
        head = f"{cite.authority}, {cite.section}" + (f", {pins}" if pins else "")
    elif cite.kind == "register":
        head = f"{cite.authority} {cite.section}" + (f", {pins}" if pins else "")
    else:
        comma = cite.kind == "instrument" and (cite.authority.startswith(("Pub. L.", "Exec. Order No.", "Proclamation"))
                                               or "Pub. L." in cite.authority)
        section = cite.section + pins if cite.section else ""
        head = cite.authority + ((", " if comma else " ") + section if section else "")
    if not cite.qualifier:
        return head
    return head + (" " if cite.qualifier.startswith(("(", "et seq.", "and ")) else ", ") + cite.qualifier


def _rank(cite: Cite) -> int:
    """The Constitution, then statutes (the Code, the INA, Acts of Congress), then regulations and
    executive instruments, then the Federal Register, then cases and other sources, then doctrines."""
    if cite.kind in ("code", "instrument"):
        statute = "Pub. L." in cite.authority or "U.S.C." in cite.authority or cite.authority == "INA"
        return 1 if statute else 2
    return {"constitution": 0, "register": 3, "case": 4, "document": 4}.get(cite.kind, 5)


def _natural(text: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p.casefold() for p in re.split(r"(\d+)", text))


def order(cite: Cite) -> tuple:
    """By `_rank`, then by authority, section and version, numbers in numeric order (8 U.S.C. before 18 U.S.C.)."""
    return (_rank(cite), _natural(cite.authority), _natural(cite.section), _natural(cite.qualifier), cite.text)


def difference(texts: Iterable[str], others: Iterable[str]) -> list[Cite]:
    """What the cites of `texts` name that those of `others` do not: an authority and section the
    others lack altogether, or a pinpoint none of theirs is or covers (a what-if's authorities gained
    or lost, where two cite strings may differ and still name the same provisions)."""
    theirs = {_group(c): c for c in merge(others)}
    out = []
    for cite in merge(texts):
        other = theirs.get(_group(cite))
        if other is None:
            out.append(cite)
        elif cite.pinpoints and other.pinpoints:
            pins = tuple(p for p in cite.pinpoints if p not in other.pinpoints and not any(_covered(p, q) for q in other.pinpoints))
            if pins:
                out.append(_cite(cite.kind, cite.authority, cite.section, pins, cite.qualifier))
    return sorted(out, key=order)


def _group(cite: Cite) -> tuple:
    """What `merge` takes as one authority and section (a case: its reporter citation alone)."""
    return (cite.kind, "" if cite.kind == "case" else cite.authority, cite.section, cite.qualifier)


def merge(texts: Iterable[str]) -> list[Cite]:
    """The cites of several cite strings, one per authority and section (and version cited), each
    pinpoint once in the statute's order, the whole sorted by `order`. A case is one case whatever
    name it is given: its reporter citation decides, and the fullest name is kept."""
    return list(_merged(frozenset(texts)))


def joined(texts: Iterable[str]) -> str:
    """Several rules' cite strings as one: `merge`d, each authority once, `;`-separated."""
    return "; ".join(c.text for c in merge(texts))


@lru_cache(maxsize=4096)
def _merged(texts: frozenset[str]) -> tuple[Cite, ...]:
    """`merge`, kept per set of cite strings: the order they come in changes nothing, and an answer
    merges the same few sets again and again (a warm what-if spent 4 ms a request here)."""
    groups: dict[tuple, list[Cite]] = {}
    for text in texts:
        for cite in parse(text):
            groups.setdefault(_group(cite), []).append(cite)
    out = []
    for members in groups.values():
        pins = sorted({p for c in members for p in c.pinpoints}, key=_pin_key)
        pins = [p for p in pins if not any(_covered(p, other) for other in pins)]
        first = max(members, key=lambda c: (len(c.authority), c.authority))
        out.append(_cite(first.kind, first.authority, first.section, tuple(pins), first.qualifier))
    return tuple(sorted(out, key=order))
