"""Safe YAML loading that remembers where every value came from.

PyYAML's safe loader constructs no objects, but it silently keeps the last of two
duplicate keys and loses line numbers. We compose the node graph ourselves so that a
validation error can name the line, duplicates are errors, and alias bombs or
recursive anchors cannot exhaust memory. Where PyYAML has its C extension (libyaml),
the text is scanned and parsed in C and only the composing is done here, in Python,
where the nesting depth is checked: about four times faster on a large scenario.
"""

from __future__ import annotations

import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from engine.errors import InputError

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ALIAS_VALUES = 2_000_000
"""How many values aliases may add by repeating their anchors: an honest file of any size (up to
MAX_FILE_BYTES) has few, a billion laughs has billions."""
MAX_DEPTH = 100

Path_ = tuple[Any, ...]

_FLOAT = "tag:yaml.org,2002:float"
"""A YAML float written in plain decimal notation, which is read as an exact Decimal, never a
binary float: an amount of money must not be rounded on the way in."""


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


STDIN = "-"
"""The file name that means standard input, as for most command-line tools."""


def load_file(path: str | Path) -> Located:
    """Read and parse a YAML file (`-`: standard input); every failure is an InputError."""
    if str(path) == STDIN:
        return _load_stdin()
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


def _load_stdin() -> Located:
    source = "<stdin>"
    if sys.stdin is None:
        raise InputError(source, "there is no standard input to read the scenario from")
    data = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise InputError(source, f"more than {MAX_FILE_BYTES // 1_000_000} MB; scenario files are limited to that")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(source, f"not UTF-8 text (byte {exc.start})") from None
    return load_text(text, source)


def load_text(text: str, source: str) -> Located:
    """Parse YAML text into plain data with line numbers."""
    try:
        loader = _Loader(text)
        node = loader.get_single_node()
    except yaml.reader.ReaderError as exc:  # a control character such as NUL
        line = text.count("\n", 0, exc.position) + 1 if isinstance(exc.position, int) else None
        shown = repr(exc.character) if isinstance(exc.character, str) else "a control character"
        raise InputError(source, f"invalid YAML: character {shown} is not allowed", line) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context
        if problem and "maximum nesting depth" in problem:  # libyaml's own limit, below ours
            problem = f"values nested more than {MAX_DEPTH} levels deep"
        raise InputError(source, f"invalid YAML: {problem}", line) from None
    except yaml.YAMLError as exc:
        raise InputError(source, f"invalid YAML: {exc}") from None
    finally:
        if "loader" in locals():
            loader.dispose()
    if node is None:
        raise InputError(source, "the file is empty")
    lines: dict[Path_, int] = {}
    walker = _Walker(source, lines)
    walker.measure(node)  # refuses alias bombs and recursive aliases before expanding anything
    data = walker.walk(node, ())
    return Located(data, lines, source)


def dump(data: Any, width: int = 100) -> str:
    """Plain data (as a scenario file holds it) as YAML text, amounts exact."""
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=None, width=width)  # Decimal: see below


class _DepthLimitedComposer(yaml.composer.Composer):
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


if getattr(yaml, "__with_libyaml__", False):
    class _Loader(_DepthLimitedComposer, yaml._yaml.CParser, yaml.constructor.SafeConstructor,  # type: ignore[misc]
                  yaml.resolver.Resolver):
        """libyaml's scanner and parser, with the composer above (the C one does not limit depth)."""

        def __init__(self, text: str) -> None:
            yaml._yaml.CParser.__init__(self, text)
            _DepthLimitedComposer.__init__(self)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)
else:  # pragma: no cover - PyYAML built without libyaml
    class _Loader(_DepthLimitedComposer, yaml.SafeLoader):  # type: ignore[no-redef]
        """The pure-Python safe loader, with the composer above."""


class _Walker:
    def __init__(self, source: str, lines: dict[Path_, int]) -> None:
        self.source = source
        self.lines = lines
        self.active: set[int] = set()
        self.constructor = yaml.SafeLoader("")

    def measure(self, node: yaml.Node) -> int:
        """How many values `node` expands to, counting each alias every time it is used; refused
        when the aliases add more than MAX_ALIAS_VALUES to the values written out in the file.

        Computed once per distinct node (an alias shares its anchor's node), so a billion
        laughs is refused after a few dozen steps instead of after expanding millions. A subtree
        that expands to N values while the file has shown only K distinct nodes so far makes the
        whole expand to at least N - K more values than it has, so the check is safe to make early.
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
                if total - len(sizes) - len(active) > MAX_ALIAS_VALUES:
                    raise self.fail(n, f"aliases repeat more than {MAX_ALIAS_VALUES} values (an alias bomb?)")
            active.discard(id(n))
            sizes[id(n)] = total
            return total

        return size(node)

    def fail(self, node: yaml.Node, problem: str) -> InputError:
        return InputError(self.source, problem, node.start_mark.line + 1)

    def walk(self, node: yaml.Node, path: Path_) -> Any:
        self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.ScalarNode):
            if node.tag == _FLOAT and (exact := _decimal(node.value)) is not None:
                return exact
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


_FLOAT = "tag:yaml.org,2002:float"


def _decimal(text: str) -> Decimal | None:
    """A YAML number with a fraction, exactly as written (a float would turn 99999999999999.99 into
    ...98 before any amount check); None for what only a float can be (.inf, .nan, 1:30.5)."""
    try:
        value = Decimal(text.replace("_", ""))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _represent_decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
    """Write a loaded number back as it was read (a scenario saved after editing keeps its cents)."""
    text = format(value, "f")
    return dumper.represent_scalar(_FLOAT if "." in text else "tag:yaml.org,2002:int", text)


yaml.SafeDumper.add_representer(Decimal, _represent_decimal)
