"""The one error type users see: file, place, problem, on one line.

Every bad input ends here so the CLI can print `error: ...` and exit 2 without a
traceback, whatever layer found the problem.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable


class InputError(Exception):
    """Bad input from a user file or the command line (exit code 2)."""

    def __init__(self, source: str, problem: str, line: int | None = None, where: str = "") -> None:
        self.source = source
        self.line = line
        self.where = where
        self.problem = " ".join(problem.split())  # one line, always
        super().__init__(self.render())

    def __reduce__(self) -> tuple[type, tuple[str, str, int | None, str]]:
        """Pickled by its parts (it is raised in a worker process and re-raised in the one that
        started it), not by its message, which `__init__` does not take."""
        return (InputError, (self.source, self.problem, self.line, self.where))

    def render(self) -> str:
        source = _visible(self.source)
        place = source if self.line is None else f"{source}:{self.line}"
        if self.where:
            place = f"{place}: {_visible(self.where)}"
        return f"{place}: {self.problem}"


def _visible(text: str) -> str:
    """Control characters (a newline in a file name or in a bad id) shown escaped, so the message stays one line."""
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in str(text))


def did_you_mean(word: object, choices: Iterable[object]) -> str:
    """`; did you mean 'x'?` for the choice closest to a misspelt word, or nothing when none is close."""
    close = closest(word, choices)
    return f"; did you mean {close!r}?" if close is not None else ""


def closest(word: object, choices: Iterable[object]) -> str | None:
    """The choice a misspelling most likely meant, if one is close enough.

    difflib's ratio (cutoff 0.6) catches a dropped, doubled or swapped letter in a key, an id or
    a predicate, and stays silent for a word that is simply not there.
    """
    import difflib

    options = sorted({str(c) for c in choices})
    found = difflib.get_close_matches(str(word), options, n=1, cutoff=0.6)
    return found[0] if found and found[0] != str(word) else None
