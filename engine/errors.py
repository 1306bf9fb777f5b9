"""The one error type users see: file, place, problem, on one line.

Every bad input ends here so the CLI can print `error: ...` and exit 2 without a
traceback, whatever layer found the problem.
"""

from __future__ import annotations


class InputError(Exception):
    """Bad input from a user file or the command line (exit code 2)."""

    def __init__(self, source: str, problem: str, line: int | None = None, where: str = "") -> None:
        self.source = source
        self.line = line
        self.where = where
        self.problem = " ".join(problem.split())  # one line, always
        super().__init__(self.render())

    def render(self) -> str:
        source = _visible(self.source)
        place = source if self.line is None else f"{source}:{self.line}"
        if self.where:
            place = f"{place}: {_visible(self.where)}"
        return f"{place}: {self.problem}"


def _visible(text: str) -> str:
    """Control characters (a newline in a file name or in a bad id) shown escaped, so the message stays one line."""
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in str(text))
