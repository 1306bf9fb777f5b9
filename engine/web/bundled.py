"""The examples and cases shipped inside the package: starting points for the playground.

They are read from the checkout or the installed package (engine.bundle), never from a path in a
request: a request names one by its id in this listing, and nothing else can be opened.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import yaml

from engine.bundle import bundled_folder

FOLDERS = (("engine.examples", "examples", "example", "sinaloa.yaml"), ("engine.casebook", "cases", "case", "README.md"))
"""(package, the id's first part, kind, a file that marks the folder): the examples first, as they
are the place to start."""


@dataclass(frozen=True)
class Bundled:
    id: str
    kind: str
    title: str
    questions: tuple[dict[str, Any], ...]
    text: str

    def summary(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "title": self.title, "questions": list(self.questions)}


@lru_cache(maxsize=1)
def catalogue() -> dict[str, Bundled]:
    """Every bundled scenario by id (`examples/sinaloa.yaml`, `cases/designation/short_notice.yaml`)."""
    found: dict[str, Bundled] = {}
    for package, prefix, kind, marker in FOLDERS:
        for name, entry in _yaml_files(bundled_folder(package, prefix, marker), prefix):
            text = entry.read_text(encoding="utf-8")
            found[name] = _read(name, kind, text)
    return found


def _yaml_files(folder: Any, prefix: str) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for entry in sorted(folder.iterdir(), key=lambda e: (e.is_dir(), e.name)):  # a folder's own files first
        if entry.is_dir() and not entry.name.startswith(("_", ".")):
            out += _yaml_files(entry, f"{prefix}/{entry.name}")
        elif entry.name.endswith(".yaml"):
            out.append((f"{prefix}/{entry.name}", entry))
    return out


def _read(name: str, kind: str, text: str) -> Bundled:
    """Title and suggested questions of a bundled file (trusted package content, read with PyYAML)."""
    data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    data = data if isinstance(data, dict) else {}
    questions = []
    for exp in data.get("expect") or []:
        if isinstance(exp, dict) and isinstance(exp.get("ask"), str):
            question = {key: _json(exp[key]) for key in ("ask", "as_of", "set", "remove") if key in exp}
            if "answer" in exp:  # a bare yes/no is a YAML boolean
                question["answer"] = {True: "yes", False: "no"}.get(exp["answer"], exp["answer"])
            questions.append(question)
    title = str(data.get("name") or data.get("scenario") or name)
    return Bundled(name, kind, " ".join(title.split()), tuple(questions), text)


def _json(value: Any) -> Any:
    """YAML's dates as JSON would write them, inside lists and mappings too."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json(v) for v in value]
    return value
