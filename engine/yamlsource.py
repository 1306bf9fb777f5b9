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
MAX_DEPTH = 100

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
    try:
        loader = _DepthLimitedLoader(text)
    except yaml.reader.ReaderError as exc:  # a control character such as NUL, found before parsing starts
        line = text.count("\n", 0, exc.position) + 1
        raise InputError(source, f"invalid YAML: character {exc.character!r} is not allowed", line) from None
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
    walker.measure(node)  # refuses alias bombs and recursive aliases before expanding anything
    data = walker.walk(node, ())
    return Located(data, lines, source)


class _DepthLimitedLoader(yaml.SafeLoader):
    """PyYAML's composer recurses once per level of nesting; refuse deep nesting before Python's stack runs out."""

    _depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise yaml.composer.ComposerError(None, None, f"values nested more than {MAX_DEPTH} levels deep", mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _Walker:
    def __init__(self, source: str, lines: dict[Path_, int]) -> None:
        self.source = source
        self.lines = lines
        self.count = 0
        self.active: set[int] = set()
        self.constructor = yaml.SafeLoader("")

    def measure(self, node: yaml.Node) -> int:
        """How many values `node` expands to, counting each alias every time it is used.

        Computed once per distinct node (an alias shares its anchor's node), so a billion
        laughs is refused after a few dozen steps instead of after expanding millions.
        """
        sizes: dict[int, int] = {}
        active: set[int] = set()

        def size(n: yaml.Node) -> int:
            known = sizes.get(id(n))
            if known is not None:
                return known
            if id(n) in active:
                raise self.fail(n, "recursive YAML alias (a value contains itself)")
            active.add(id(n))
            total = 1
            if isinstance(n, yaml.SequenceNode):
                children: list[yaml.Node] = list(n.value)
            elif isinstance(n, yaml.MappingNode):
                children = [part for pair in n.value for part in pair]
            else:
                children = []
            for child in children:
                total += size(child)
                if total > MAX_NODES:
                    raise self.fail(n, f"more than {MAX_NODES} values (an alias bomb?)")
            active.discard(id(n))
            sizes[id(n)] = total
            return total

        return size(node)

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
                detail = exc.problem if isinstance(exc, yaml.MarkedYAMLError) and exc.problem else exc
                raise self.fail(node, f"bad value {node.value!r}: {detail}") from None
        if id(node) in self.active:
            raise self.fail(node, "recursive YAML alias (a value contains itself)")
        plain = {yaml.SequenceNode: "tag:yaml.org,2002:seq", yaml.MappingNode: "tag:yaml.org,2002:map"}
        if type(node) in plain and node.tag != plain[type(node)]:
            raise self.fail(node, f"YAML tag {node.tag!r} is not allowed; write plain lists and mappings")
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
