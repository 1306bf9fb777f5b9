"""Safe YAML loading that remembers where every value came from.

PyYAML's safe loader constructs no objects, but it silently keeps the last of two
duplicate keys and loses line numbers. We compose the node graph ourselves so that a
validation error can name the line, duplicates are errors, and alias bombs or
recursive anchors cannot exhaust memory.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from engine.errors import InputError

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_NODES = 2_000_000

Path_ = tuple[Any, ...]


class Located:
    """Plain data plus a map from each value's path to its 1-based line."""

    def __init__(self, data: Any, lines: dict[Path_, int], source: str) -> None:
        self.data = data
        self.lines = lines
        self.source = source

    def line_of(self, path: Path_) -> int | None:
        """The line of the deepest known prefix of `path`."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), None)

    def error(self, path: Path_, problem: str) -> InputError:
        where = ".".join(str(p) for p in path)
        return InputError(self.source, problem, self.line_of(path), where)


def load_file(path: str | Path) -> Located:
    """Read and parse a YAML file; every failure is an InputError."""
    p = Path(path)
    source = str(path)
    try:
        size = p.stat().st_size
    except OSError as exc:
        raise InputError(source, f"cannot read file: {exc.strerror or exc}") from None
    if p.is_dir():
        raise InputError(source, "is a directory, not a scenario file")
    if size > MAX_FILE_BYTES:
        raise InputError(
            source, f"file is {size / 1e6:.1f} MB; scenario files are limited to {MAX_FILE_BYTES // 1_000_000} MB"
        )
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(source, f"not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise InputError(source, f"cannot read file: {exc.strerror or exc}") from None
    return load_text(text, source)


def load_text(text: str, source: str) -> Located:
    """Parse YAML text into plain data with line numbers."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise InputError(source, f"invalid YAML: {exc.problem or exc.context}", line) from None
    except yaml.YAMLError as exc:
        raise InputError(source, f"invalid YAML: {exc}") from None
    finally:
        loader.dispose()
    if node is None:
        raise InputError(source, "the file is empty")
    lines: dict[Path_, int] = {}
    walker = _Walker(source, lines)
    data = walker.walk(node, ())
    return Located(data, lines, source)


class _Walker:
    def __init__(self, source: str, lines: dict[Path_, int]) -> None:
        self.source = source
        self.lines = lines
        self.count = 0
        self.active: set[int] = set()
        self.constructor = yaml.SafeLoader("")

    def fail(self, node: yaml.Node, problem: str) -> InputError:
        return InputError(self.source, problem, node.start_mark.line + 1)

    def walk(self, node: yaml.Node, path: Path_) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise self.fail(node, f"more than {MAX_NODES} values (an alias bomb?)")
        self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.ScalarNode):
            try:
                return self.constructor.construct_object(node, deep=True)
            except (yaml.constructor.ConstructorError, ValueError, OverflowError) as exc:
                raise self.fail(node, f"bad value {node.value!r}: {exc}") from None
        if id(node) in self.active:
            raise self.fail(node, "recursive YAML alias (a value contains itself)")
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                return [self.walk(child, path + (i,)) for i, child in enumerate(node.value)]
            if isinstance(node, yaml.MappingNode):
                out: dict[Any, Any] = {}
                for key_node, value_node in node.value:
                    if not isinstance(key_node, yaml.ScalarNode):
                        raise self.fail(key_node, "a key must be a plain word, not a list or mapping")
                    if key_node.tag == "tag:yaml.org,2002:merge":
                        raise self.fail(key_node, "YAML merge keys (<<) are not supported; write the keys out")
                    key = self.walk(key_node, path + ("<key>",))
                    if not isinstance(key, (str, int)) or isinstance(key, bool):
                        key = str(key_node.value)
                    if key in out:
                        raise self.fail(key_node, f"duplicate key {key!r}")
                    self.lines[path + (key,)] = key_node.start_mark.line + 1
                    out[key] = self.walk(value_node, path + (key,))
                return out
        finally:
            self.active.discard(id(node))
        raise self.fail(node, "unsupported YAML node")
