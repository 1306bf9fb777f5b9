"""The one loop that runs clingo's solver; every solve in the engine goes through it.

Why one: answers, what-ifs, deciding sets and the cone each used to carry their own copy
of "set the enumeration mode, solve, read the models", and they drifted (one read every
atom of every model, another read nothing). Here a caller says what to read from a model;
the loop keeps the last reading, which under brave or cautious enumeration is the
consequences, and under `models=1` is one answer set.
"""

from __future__ import annotations

from typing import Callable, Sequence, TypeVar

import clingo
from clingo.symbol import Symbol

T = TypeVar("T")
Assumptions = Sequence[tuple[Symbol, bool]]


def last_model(ctl: clingo.Control, read: Callable[[clingo.Model], T], mode: str = "auto", models: int = 1,
               assumptions: Assumptions = ()) -> T | None:
    """`read` of the last model of one solve (None if there is no model).

    `mode` is clingo's enumeration mode (auto, brave, cautious); `models=0` enumerates until
    the consequences are fixed.
    """
    ctl.configuration.solve.enum_mode = mode  # type: ignore[union-attr]
    ctl.configuration.solve.models = models  # type: ignore[union-attr]
    last: T | None = None
    with ctl.solve(yield_=True, assumptions=list(assumptions)) as handle:  # type: ignore[union-attr]
        for model in handle:
            last = read(model)
    return last


def every_atom(model: clingo.Model) -> frozenset[Symbol]:
    return frozenset(model.symbols(atoms=True))


def shown_atoms(model: clingo.Model) -> list[Symbol]:
    return model.symbols(shown=True)
