"""Finds user-visible strings that are not marked for translation.

Deliberately small: it knows the few places our user-visible text comes from, and an
explicit allow-list for what is not a word in any language (cmdlets, product and
protocol names, symbols). It is a lint, not a parser of all of Django:

Templates (templates/**/*.html):
- text between tags, once Django tags, variables, comments and translated blocks are
  taken out;
- the attributes people read: title, placeholder, aria-label, alt, and the value of
  buttons;
- string literals a template hands to people: `|default:"never"`, and `label="…"` /
  `title="…"` in `{% include … with … %}` (mark them with `_("…")`).

Python (readiness/**/*.py, outside migrations and management commands, whose output is
for operators, and outside the Microsoft 365 emulator, which plays Microsoft):
- messages.info/success/warning/error(request, "…");
- verbose_name=, verbose_name_plural=, label=, help_text=, empty_label=, title=,
  title_text=, text=, name= (Plotly traces) and hovertemplate= keyword arguments;
- ValidationError("…"), PermissionDenied("…"), Http404 is exempt (no text shown);
- choices: every member of a TextChoices/IntegerChoices class needs a marked label.

A finding is (path, line, text). A string passes when it is wrapped in a gettext call
(_(), gettext, gettext_lazy, ngettext, pgettext, format_lazy) or consists only of
allow-listed tokens, numbers and punctuation.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

# Not words in any language: product, protocol and cmdlet names, units, symbols. Each
# entry is matched as a whole token (case-sensitive). Keep the reason beside each group.
ALLOWED_TOKENS = frozenset(
    [
        # Product, protocol and Microsoft names stay in English in Czech admin texts too.
        "SMTP", "AUTH", "OAuth", "Basic", "TLS", "Exchange", "Online", "Entra", "ID",
        "Graph", "Microsoft", "365", "M365", "Readiness", "API", "REST", "UTC", "DN",
        "CSV", "XLSX", "JSON", "HTTPS", "HTTP", "URL", "MSP", "Swagger", "Redoc",
        "Excel", "Plotly", "OpenAPI", "HMAC", "SHA-256",
        # Cmdlets and their parameters: typed as they are.
        "Set-CASMailbox", "Get-CASMailbox", "Set-TransportConfig", "Get-TransportConfig",
        "SmtpClientAuthenticationDisabled", "Set-AuthenticationPolicy",
        "New-AuthenticationPolicy", "AllowBasicAuthSmtp",
        # Units and abbreviations that read the same in English and Czech.
        "d", "h", "min", "s", "%", "KB", "MB", "GB", "TLS1_0", "TLS1_1", "TLS1_2",
        "TLS1_3", "1.0", "1.1", "1.2", "1.3", "OK",
    ]
)
GETTEXT_CALLS = frozenset(
    ["_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext",
     "pgettext_lazy", "npgettext", "npgettext_lazy", "format_lazy", "_lazy"]
)
TEXT_KWARGS = frozenset(
    ["verbose_name", "verbose_name_plural", "label", "help_text", "empty_label", "title",
     "title_text", "text", "name", "hovertemplate", "placeholder", "aria-label"]
)
CHART_KEYS = frozenset(["name", "text", "title", "label", "hovertemplate", "hovertext"])
MESSAGE_FUNCS = frozenset(["debug", "info", "success", "warning", "error"])
# Exceptions whose message is shown to the person who caused them.
ERROR_CLASSES = frozenset(["ValidationError", "PermissionDenied", "BulkRefused",
                           "TransitionRefused", "TicketConflict", "ReportRejected",
                           "AlreadyImported", "ReportFormatError", "BadValue", "BadAddress"])
READABLE_ATTRS = frozenset(["title", "placeholder", "aria-label", "alt"])

_WORD = re.compile(r"[^\W\d_][\w'\u2019.-]*", re.UNICODE)
# Plotly hover placeholders (%{x}, %{customdata[0]}) and printf/format fields.
_PLACEHOLDER = re.compile(r"%\{[^}]*\}|%\([a-z_]+\)[sd]|\{[a-z_0-9.]*\}|<[^>]+>|&\w+;")


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.text!r}"


def is_words(text: str) -> bool:
    """True when `text` holds at least one word that is not on the allow-list."""
    text = _PLACEHOLDER.sub(" ", text)
    for token in text.split():
        token = token.strip("()[]:;,.!?\"'«»„“”\u2014\u2013-·/|=+*")
        if not token or token in ALLOWED_TOKENS:
            continue
        if _WORD.search(token) and len(re.sub(r"[\W\d_]", "", token)) >= 2:
            return True
    return False


# --- templates ---------------------------------------------------------------------

# Blocks whose whole content is either translated or never shown as text.
_SKIPPED_BLOCKS = re.compile(
    r"{%\s*(blocktranslate|blocktrans|comment|verbatim)\b.*?{%\s*end\1\s*%}"
    r"|<(script|style)\b.*?</\2>",
    re.DOTALL,
)
_DJANGO_COMMENT = re.compile(r"{#.*?#}", re.DOTALL)
_TAG = re.compile(r"{%.*?%}", re.DOTALL)
_VAR = re.compile(r"{{.*?}}", re.DOTALL)
# `|default:"never"` or `|default_if_none:'—'` inside a variable.
_DEFAULT_LITERAL = re.compile(r"\|default(?:_if_none)?:(\"[^\"]*\"|'[^']*')")
# `label="…"` / `title="…"` handed to an include; `_("…")` is the marked form.
_INCLUDE_LITERAL = re.compile(r"\b(label|title|text|empty|heading)=(\"[^\"]*\"|'[^']*')")


def _blank(match: re.Match) -> str:
    """Same number of newlines, so line numbers survive the substitution."""
    return "\n" * match.group(0).count("\n") + " "


class _TextCollector(HTMLParser):
    # Commands, cmdlets and code are typed as they are, in every language.
    CODE_TAGS = frozenset(["code", "pre", "kbd", "samp"])

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self.code_depth = 0

    def handle_endtag(self, tag):
        if tag in self.CODE_TAGS:
            self.code_depth = max(0, self.code_depth - 1)

    def handle_starttag(self, tag, attrs):
        if tag in self.CODE_TAGS:
            self.code_depth += 1
        attrs = dict(attrs)
        for name in READABLE_ATTRS:
            if attrs.get(name):
                self.found.append((self.getpos()[0], attrs[name]))
        if (tag in {"input", "button"} and attrs.get("type") in {"submit", "button"}
                and attrs.get("value")):
            self.found.append((self.getpos()[0], attrs["value"]))

    def handle_data(self, data):
        if data.strip() and not self.code_depth:
            self.found.append((self.getpos()[0], data.strip()))


def scan_template(path: Path, root: Path) -> list[Finding]:
    source = path.read_text(encoding="utf-8")
    rel = str(path.relative_to(root))
    findings = []
    for match in _VAR.finditer(source):
        for literal in _DEFAULT_LITERAL.findall(match.group(0)):
            if is_words(literal[1:-1]):
                findings.append(Finding(rel, source.count("\n", 0, match.start()) + 1,
                                        literal[1:-1]))
    for match in _TAG.finditer(source):
        if not re.match(r"{%\s*(include|with)\b", match.group(0)):
            continue
        for _key, literal in _INCLUDE_LITERAL.findall(match.group(0)):
            if is_words(literal[1:-1]):
                findings.append(Finding(rel, source.count("\n", 0, match.start()) + 1,
                                        literal[1:-1]))
    text = _SKIPPED_BLOCKS.sub(_blank, source)
    text = _DJANGO_COMMENT.sub(_blank, text)
    text = _TAG.sub(_blank, text)
    text = _VAR.sub(_blank, text)
    collector = _TextCollector()
    collector.feed(text)
    collector.close()
    findings += [Finding(rel, line, value) for line, value in collector.found
                 if is_words(value)]
    # `{# notranslate: why #}` on a line exempts it (a CSS class in a default, say).
    exempt = {n for n, text in enumerate(source.splitlines(), 1) if "{# notranslate" in text}
    return [f for f in findings if f.line not in exempt]


# --- Python --------------------------------------------------------------------------


def _is_marked(node: ast.AST) -> bool:
    if isinstance(node, ast.Call):
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
        return name in GETTEXT_CALLS
    return False


def _literal_text(node: ast.AST) -> str | None:
    """The text of a str literal or f-string (its literal parts), else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value for v in node.values
                       if isinstance(v, ast.Constant) and isinstance(v.value, str))
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod | ast.Add):
        return _literal_text(node.left)
    return None


def _call_name(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _choices_class(node: ast.ClassDef) -> bool:
    return any(getattr(base, "attr", getattr(base, "id", "")) in
               {"TextChoices", "IntegerChoices", "Choices"} for base in node.bases)


class _PythonScanner(ast.NodeVisitor):
    def __init__(self, rel: str):
        self.rel = rel
        self.chart = rel.endswith("charts.py")
        # Form fields, filters and table columns get their label from the attribute
        # name ("due_date" -> "Due date") unless given one: that would be English.
        self.declares_fields = rel.endswith(("forms.py", "filtersets.py", "tables.py"))
        self.findings: list[Finding] = []

    def _check(self, node: ast.AST) -> None:
        if _is_marked(node):
            return
        text = _literal_text(node)
        if text is not None and is_words(text):
            self.findings.append(Finding(self.rel, node.lineno, text))

    def visit_Call(self, node: ast.Call) -> None:
        name = _call_name(node)
        receiver = getattr(node.func, "value", None)
        if (name in MESSAGE_FUNCS and isinstance(receiver, ast.Name)
                and receiver.id == "messages" and len(node.args) >= 2):
            self._check(node.args[1])
        if name in ERROR_CLASSES and node.args:
            first = node.args[0]
            # ValidationError({"field": "message"}) as well as ValidationError("message").
            for value in first.values if isinstance(first, ast.Dict) else [first]:
                self._check(value)
        for keyword in node.keywords:
            # `name=` is a URL's name in urls.py, a Plotly trace's legend in charts.
            if keyword.arg in TEXT_KWARGS and (keyword.arg != "name" or self.chart):
                self._check(keyword.value)
        self.generic_visit(node)

    def visit_Dict(self, node: ast.Dict) -> None:
        # Plotly figures are dicts: {"name": "Basic messages"}, {"title": {"text": ...}}.
        if self.chart:
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and key.value in CHART_KEYS:
                    self._check(value)
        self.generic_visit(node)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        if _choices_class(node):
            for item in node.body:
                if not isinstance(item, ast.Assign) or item.targets[0].__class__ is not ast.Name:
                    continue
                if item.targets[0].id.startswith("_"):
                    continue
                value = item.value
                label = value.elts[-1] if isinstance(value, ast.Tuple) else None
                if label is None or not _is_marked(label):
                    self.findings.append(Finding(
                        self.rel, item.lineno,
                        f"choice {item.targets[0].id} has no translated label"))
        if self.declares_fields:
            self._check_declared_fields(node)
        if node.name == "Meta":
            for item in node.body:
                if (isinstance(item, ast.Assign) and isinstance(item.targets[0], ast.Name)
                        and item.targets[0].id in {"verbose_name", "verbose_name_plural"}):
                    self._check(item.value)
        self.generic_visit(node)


_LABEL_KWARG = {"Field": "label", "Filter": "label", "Column": "verbose_name"}


def _declared_kind(call: ast.AST) -> str | None:
    """"Field", "Filter" or "Column" for forms.XField(...), XFilter(...), tables.XColumn(...)."""
    if not isinstance(call, ast.Call):
        return None
    name = _call_name(call)
    return next((kind for kind in _LABEL_KWARG if name.endswith(kind)), None)


def _check_declared_fields(self, node: ast.ClassDef) -> None:
    # Columns labelled by the class's @headers(name=_("…")) decorator (core/tables.py).
    labelled = {k.arg for d in node.decorator_list
                if isinstance(d, ast.Call) and _call_name(d) == "headers" for k in d.keywords}
    for item in node.body:
        if not (isinstance(item, ast.Assign) and isinstance(item.targets[0], ast.Name)):
            continue
        kind = _declared_kind(item.value)
        if item.targets[0].id in labelled:
            continue
        if kind is None or _call_name(item.value) in {"HiddenInput", "TemplateColumn"}:
            continue
        widget = next((k.value for k in item.value.keywords if k.arg == "widget"), None)
        if widget is not None and "Hidden" in ast.unparse(widget):
            continue
        if _call_name(item.value) == "Column" and item.value.args:
            # tables.Column("Header", ...): the first argument is the verbose name.
            self._check(item.value.args[0])
            continue
        if not any(k.arg == _LABEL_KWARG[kind] for k in item.value.keywords):
            self.findings.append(Finding(
                self.rel, item.lineno,
                f"{item.targets[0].id}: {kind.lower()} without {_LABEL_KWARG[kind]}="))


_PythonScanner._check_declared_fields = _check_declared_fields


def scan_python(path: Path, root: Path) -> list[Finding]:
    scanner = _PythonScanner(str(path.relative_to(root)))
    scanner.visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
    return scanner.findings


# --- the project -----------------------------------------------------------------------

# Operators' command output, the emulator (it plays Microsoft), demo data (data, not UI).
SKIPPED_PYTHON_PARTS = frozenset(["migrations", "management", "emulator", "formats", "demo.py"])


def python_sources(root: Path) -> list[Path]:
    return sorted(p for p in (root / "readiness").rglob("*.py")
                  if not SKIPPED_PYTHON_PARTS & set(p.relative_to(root).parts))


def template_sources(root: Path) -> list[Path]:
    return sorted((root / "templates").rglob("*.html"))


def scan_project(root: Path) -> list[Finding]:
    findings = []
    for path in template_sources(root):
        findings += scan_template(path, root)
    for path in python_sources(root):
        findings += scan_python(path, root)
    return findings
