"""pytest runs case files, one test per expectation, in the folders a project names.

A project opts in with the ini option `fto_cases` (pytest.ini, or `[tool.pytest.ini_options]`
in pyproject.toml): the folders, relative to that file, whose `*.yaml`/`*.yml` files are cases.
Nothing else is collected, so a project that merely shares the virtual environment (and has a
folder named `cases` of its own) is left alone.

A failing expectation prints what differs (answer, missing cites, element states), one line
each; `-vv` adds the engine's whole answer as JSON.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest

from engine.errors import InputError

INI = "fto_cases"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(INI, type="paths", default=[],
                  help="folders of fto case files (*.yaml) to collect, one test per expectation")


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    if file_path.suffix not in (".yaml", ".yml"):
        return None
    folders: list[Path] = parent.config.getini(INI)
    if any(file_path.is_relative_to(folder) for folder in folders):
        return CaseFile.from_parent(parent, path=file_path)
    return None


class CaseFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        from engine.cases import load_case

        try:
            case = load_case(self.path)
        except InputError as exc:
            raise self.CollectError(f"error: {exc.render()}") from None
        for i, exp in enumerate(case.meta.expect):
            yield CaseItem.from_parent(self, name=f"{i}:{exp.ask}", case=case, index=i)


class CaseItem(pytest.Item):
    def __init__(self, *, case: Any, index: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case  # an engine.cases.Case
        self.index = index

    def runtest(self) -> None:
        from engine.cases import judge

        verdict = judge(self.case, self.index)
        if not verdict.passed:
            more = len(verdict.problems) - 1
            first = verdict.problems[0][1] + (f", and {more} more difference{'s' * (more > 1)}" if more else "")
            lines = [first, f"  {'asked':9s} {verdict.label}", *("  " + line for line in verdict.diff())]
            if self.config.get_verbosity() >= 2:
                lines += ["the engine's answer:", verdict.answer.to_json()]
            else:
                lines.append("(-vv shows the engine's whole answer)")
            raise CaseFailure("\n".join(lines))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, CaseFailure):
            return str(excinfo.value)
        if isinstance(excinfo.value, InputError):
            return f"error: {excinfo.value.render()}"
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        line = self.case.located.line_of(("expect", self.index))
        return self.path, (line - 1 if line else None), f"{self.parent.nodeid if self.parent else self.path} expect.{self.index}"


class CaseFailure(AssertionError):
    pass
