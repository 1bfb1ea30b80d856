"""One located YAML reader: a file's values kept as written (scalars as text), each with its line.

PyYAML composes the document into nodes that carry their marks; ``compose`` turns them into ``Node``
values, refusing a key given twice, and ``Reader`` reads a mapping key by key, saying every problem as
``file:line: path: message`` through the error class its caller chooses (the auditor's file, a pinned
sample …), in the language of the messages (audit.wording).
"""

from __future__ import annotations

from typing import Any

import yaml

from audit import wording


class Node:
    """A YAML value kept as written (scalars are text), with its line."""

    __slots__ = ("value", "line")

    def __init__(self, value: Any, line: int):
        self.value = value
        self.line = line


class DuplicateKey(Exception):
    def __init__(self, key: str, line: int, first: int):
        super().__init__(key)
        self.key, self.line, self.first = key, line, first


def convert(node: yaml.Node) -> Node:
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[str, tuple[Node, Node]] = {}
        for key, value in node.value:
            k = convert(key)
            if str(k.value) in out:
                raise DuplicateKey(str(k.value), k.line, out[str(k.value)][0].line)
            out[str(k.value)] = (k, convert(value))
        return Node(out, line)
    if isinstance(node, yaml.SequenceNode):
        return Node([convert(v) for v in node.value], line)
    if node.tag.endswith(":null") or (node.value in ("", "~", "null", "Null", "NULL") and node.style is None):
        return Node(None, line)
    return Node(str(node.value), line)


def compose(text: str, file: str, error: type[Exception]) -> Node | None:
    """The document of ``text`` as located nodes (None when empty); a syntax error or a key given twice is
    ``error("file:line: message")``."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise error(f"{file}:{mark.line + 1 if mark else 1}: "
                    + wording.text("cfg_invalid_yaml", problem=exc.problem or exc)) from None
    except yaml.YAMLError as exc:  # pragma: no cover - other YAML errors carry no mark
        raise error(f"{file}:1: " + wording.text("cfg_invalid_yaml_plain", problem=exc)) from None
    if root is None:
        return None
    try:
        return convert(root)
    except DuplicateKey as dup:
        raise error(f"{file}:{dup.line}: " + wording.text("yaml_given_twice", key=dup.key,
                                                          first=dup.first)) from None


class Reader:
    """A mapping read key by key; ``done`` refuses the keys nobody read."""

    failure: type[Exception] = ValueError

    def __init__(self, file: str, node: Node, path: str, failure: type[Exception] | None = None):
        self.file, self.node, self.path = file, node, path
        if failure is not None:
            self.failure = failure
        if node.value is None:
            node.value = {}
        if not isinstance(node.value, dict):
            raise self.error(wording.text("cfg_mapping"))
        self.used: set[str] = set()

    def error(self, message: str, node: Node | None = None, path: str | None = None) -> Exception:
        line = (node or self.node).line
        return self.failure(f"{self.file}:{line}: {path if path is not None else (self.path or '(top)')}: {message}")

    def _p(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def get(self, key: str) -> Node | None:
        self.used.add(key)
        pair = self.node.value.get(key)
        return pair[1] if pair else None

    def line_of(self, key: str) -> int:
        pair = self.node.value.get(key)
        return pair[0].line if pair else self.node.line

    def text(self, key: str, required: bool = False, default: str = "") -> str:
        node = self.get(key)
        if node is None or node.value is None:
            if required:
                raise self.error(wording.text("cfg_required"), path=self._p(key))
            return default
        if not isinstance(node.value, str):
            raise self.error(wording.text("cfg_text"), node, self._p(key))
        text = node.value.strip()
        if required and not text:
            raise self.error(wording.text("cfg_not_empty"), node, self._p(key))
        return text

    def texts(self, key: str) -> tuple[str, ...]:
        node = self.get(key)
        if node is None or node.value is None:
            return ()
        if isinstance(node.value, str):
            return (node.value.strip(),)
        if not isinstance(node.value, list) or not all(isinstance(v.value, str) for v in node.value):
            raise self.error(wording.text("cfg_text_list"), node, self._p(key))
        return tuple(v.value.strip() for v in node.value)

    def done(self) -> None:
        unknown = [k for k in self.node.value if k not in self.used]
        if unknown:
            key = unknown[0]
            raise self.error(wording.text("cfg_unknown_key", known=", ".join(sorted(self.used))),
                             self.node.value[key][0], self._p(key))
