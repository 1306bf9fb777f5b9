"""Money as the rules see it: exact cents, beyond clingo's 32-bit integers.

clingo counts in 32-bit integers, so twice a $1.5 billion holding would wrap around to a
negative number. An amount is therefore the term `usd(Hi, Lo)`, worth Hi * 10^9 + Lo cents
with 0 <= Lo < 10^9: clingo orders such terms argument by argument, so comparing two amounts
in a rule compares their values, and the few sums the rules need are done here, in Python's
unbounded integers (`@twice`, `@usd`). Nothing legal is decided here.
"""

from __future__ import annotations

from decimal import Decimal

from clingo.symbol import Function, Number, Symbol, SymbolType

LIMIT = 10**15
"""The largest amount in dollars a scenario may state (a quadrillion: more than any real case)."""

_LOW = 10**9


def cents(dollars: Decimal | int) -> int:
    return int(Decimal(dollars) * 100)


def term(amount_cents: int) -> Symbol:
    high, low = divmod(amount_cents, _LOW)
    return Function("usd", [Number(high), Number(low)])


def cell(dollars: Decimal | int | None) -> str:
    """The term's text, for the fact tables (engine.facts)."""
    high, low = divmod(cents(dollars or 0), _LOW)
    return f"usd({high},{low})"


def value(sym: Symbol) -> int | None:
    """The amount in cents of a `usd(Hi, Lo)` term, else None."""
    if sym.type != SymbolType.Function or sym.name != "usd" or len(sym.arguments) != 2:
        return None
    high, low = sym.arguments
    if high.type != SymbolType.Number or low.type != SymbolType.Number:
        return None
    return high.number * _LOW + low.number


def show(amount_cents: int) -> str:
    """$1,234 or $1,234.56."""
    whole, part = divmod(amount_cents, 100)
    return f"${whole:,}" + (f".{part:02d}" if part else "")
