"""pytest collects every YAML file under a `cases/` folder: one test per expectation."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest

from engine.cases import Case, judge, load_case
from engine.errors import InputError


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    if file_path.suffix in (".yaml", ".yml") and "cases" in file_path.parts:
        return CaseFile.from_parent(parent, path=file_path)
    return None


class CaseFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        try:
            case = load_case(self.path)
        except InputError as exc:
            raise self.CollectError(f"error: {exc.render()}") from None
        for i, exp in enumerate(case.meta.expect):
            yield CaseItem.from_parent(self, name=f"{i}:{exp.ask}", case=case, index=i)


class CaseItem(pytest.Item):
    def __init__(self, *, case: Case, index: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case
        self.index = index

    def runtest(self) -> None:
        passed, message, answer = judge(self.case, self.index)
        if not passed:
            detail = answer.to_json() if answer else ""
            raise CaseFailure(f"{self.case.path}: {message}\n{detail}")

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, CaseFailure):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"case {self.case.path} #{self.index}: {self.case.meta.expect[self.index].ask}"


class CaseFailure(AssertionError):
    pass
