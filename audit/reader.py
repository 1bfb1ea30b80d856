"""One located YAML reader: every YAML file a person writes for the tool is read here, with its lines.

PyYAML composes the document into nodes that carry their marks. Two ways to read them, one module:

- ``Located`` (sites.yaml, tester protocols and sessions): the data as YAML gives it — dates left as the text
  typed — plus the line and the raw text of every node by path (``sites[0].crawl.max_pages``), so a problem
  is said ``file:line: path: message``; a document of more than ``MAX_NODES`` nodes (aliases included) is
  refused, not expanded.
- ``compose`` + ``Reader`` (auditor's verdicts, pinned samples): every value kept as the text written
  (``1.10`` stays ``1.10``), a key given twice refused, a mapping read key by key through the error class its
  caller chooses, in the language of the messages (audit.words).
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from audit import words
from audit.words import N_

MAX_NODES = 50_000  # aliases can make a small file a huge tree


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml when present: 10x faster
    """SafeLoader without timestamps: a date stays the text typed (2025-13-45 is reported, not a crash)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}


class _TooBig(Exception):
    pass


# What PyYAML says (English) → what the person reads, in the language of the messages
_PROBLEMS = (
    ("mapping values are not allowed", N_("deux-points inattendu : une valeur commence sur la ligne d'une clé déjà remplie, ou l'indentation est décalée ; mettez entre guillemets une valeur qui contient « : »")),
    ("could not find expected ':'", N_("« : » attendu après une clé")),
    ("that cannot start any token", N_("tabulation interdite : indentez avec des espaces")),
    ("expected <block end>", N_("indentation incohérente : les éléments d'une même liste ou d'un même bloc doivent commencer à la même colonne")),
    ("expected <document start>", N_("indentation incohérente : les éléments d'une même liste ou d'un même bloc doivent commencer à la même colonne")),
    ("found unexpected end of stream", N_("guillemet ou crochet non fermé")),
    ("found undefined alias", N_("ancre ou alias (&, *) incorrect")),
    ("found duplicate anchor", N_("ancre ou alias (&, *) incorrect")),
    ("expected ',' or ']'", N_("liste [ ] ou bloc {{ }} mal fermé : une virgule ou le crochet fermant manque")),
    ("expected ',' or '}'", N_("liste [ ] ou bloc {{ }} mal fermé : une virgule ou le crochet fermant manque")),
    ("did not find expected key", N_("indentation incohérente : les éléments d'une même liste ou d'un même bloc doivent commencer à la même colonne")),
    ("did not find expected '-' indicator", N_("indentation incohérente : les éléments d'une même liste ou d'un même bloc doivent commencer à la même colonne")),
    ("found unknown escape character", N_("caractère d'échappement inconnu entre guillemets doubles (\\) : utilisez des guillemets simples")),
    ("did not find expected node content", N_("valeur attendue mais absente (après un tiret, une virgule ou un crochet ouvrant)")),
    ("expected the node content", N_("valeur attendue mais absente (après un tiret, une virgule ou un crochet ouvrant)")),
    ("expected a comment or a line break", N_("texte en trop après une valeur entre guillemets : mettez toute la valeur entre les guillemets")),
    ("found a tab character", N_("tabulation interdite : indentez avec des espaces")),
    ("found unhashable key", N_("une clé ne peut pas être une liste ou un bloc")),
    ("could not determine a constructor", N_("étiquette YAML (!…) non prise en charge : retirez-la")),
    ("unacceptable character", N_("caractère interdit dans un fichier YAML (caractère de contrôle)")),
    ("expected alphabetic or numeric character", N_("ancre ou alias (&, *) incorrect")),
    ("found undefined tag handle", N_("étiquette YAML (!…) non prise en charge : retirez-la")),
    ("expected chomping or indentation indicators", N_("bloc de texte (| ou >) mal formé : rien ne doit suivre | ou > sur sa ligne")),
    ("found unexpected ':'", N_("deux-points inattendu : mettez entre guillemets une valeur qui contient « : »")),
    ("found unexpected document separator", N_("séparateur de document (--- ou ...) inattendu")),
)


def yaml_problem(problem: str) -> str:
    """PyYAML's problem said in the language of the messages; one it does not know is « syntaxe YAML
    incorrecte » with PyYAML's own (English) words after it as the technical detail."""
    said = next((said for start, said in _PROBLEMS if start in problem), None)
    if said is not None:
        return words.text(said)
    return words.text("syntaxe YAML incorrecte (détail de PyYAML : {problem})", problem=problem)


class Located:
    """A YAML document read once: ``data``, and the line and raw text of every node by path.

    A problem that stops the reading is not raised: ``problem`` is (line, what PyYAML said) — line 0 when
    PyYAML gave none — and ``too_big`` is set for a document over ``MAX_NODES``; the caller words them.
    """

    def __init__(self, path: str, text: str):
        self.path = path
        self.lines: dict[str, int] = {}
        self.raw: dict[str, str] = {}
        self.data: Any = None
        self.problem: tuple[int, str] | None = None
        self.too_big = False
        self._count = 0
        try:
            loader = _Loader(text)
            try:
                node = loader.get_single_node()
                if node is not None:
                    self._index(node, "")
                    self.data = loader.construct_document(node)
            finally:
                loader.dispose()
        except _TooBig:
            self.too_big = True
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            self.problem = (mark.line + 1 if mark else 1, yaml_problem(str(exc.problem or exc)))
        except (yaml.YAMLError, ValueError, TypeError, RecursionError) as exc:
            self.problem = (0, str(exc))

    def _index(self, node: yaml.Node, path: str) -> None:
        self._count += 1
        if self._count > MAX_NODES:
            raise _TooBig
        self.lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.ScalarNode):
            self.raw[path] = node.value
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                child = f"{path}.{key.value}" if path else str(key.value)
                self._index(value, child)
                self.lines[child] = key.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                self._index(item, f"{path}[{i}]")

    def line(self, path: str) -> int:
        """The line of ``path``, else of its nearest parent that has one."""
        probe = path
        while probe and probe not in self.lines:
            shorter = re.sub(r"(\.[^.\[]+|\[\d+\])$", "", probe)
            probe = "" if shorter == probe else shorter  # a top-level key has nothing left to strip
        return self.lines.get(probe, 1)

    def where(self, path: str) -> str:
        return f"{self.path}:{self.line(path)}"


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
                    + words.text("YAML invalide : {problem}. Vérifiez l'indentation et les guillemets autour de cette ligne.", problem=yaml_problem(str(exc.problem or exc)))) from None
    except yaml.YAMLError as exc:  # pragma: no cover - other YAML errors carry no mark
        raise error(f"{file}:1: " + words.text("YAML invalide : {problem}", problem=exc)) from None
    if root is None:
        return None
    try:
        return convert(root)
    except DuplicateKey as dup:
        raise error(f"{file}:{dup.line}: " + words.text("« {key} » est donné deux fois (aussi ligne {first}) ; gardez-en un seul", key=dup.key,
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
            raise self.error(words.text("doit être une suite de lignes « clé: valeur »"))
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
                raise self.error(words.text("est obligatoire"), path=self._p(key))
            return default
        if not isinstance(node.value, str):
            raise self.error(words.text("doit être un texte"), node, self._p(key))
        text = node.value.strip()
        if required and not text:
            raise self.error(words.text("ne doit pas être vide"), node, self._p(key))
        return text

    def texts(self, key: str) -> tuple[str, ...]:
        node = self.get(key)
        if node is None or node.value is None:
            return ()
        if isinstance(node.value, str):
            return (node.value.strip(),)
        if not isinstance(node.value, list) or not all(isinstance(v.value, str) for v in node.value):
            raise self.error(words.text("doit être une liste de textes"), node, self._p(key))
        return tuple(v.value.strip() for v in node.value)

    def done(self) -> None:
        unknown = [k for k in self.node.value if k not in self.used]
        if unknown:
            key = unknown[0]
            raise self.error(words.text("clé inconnue ; clés possibles : {known}", known=", ".join(sorted(self.used))),
                             self.node.value[key][0], self._p(key))
