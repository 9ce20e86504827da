"""YAML syntax errors in the author's terms: what went wrong on the line, and what to write.

The parser's own words ("expected ',' or '}', but got '?'") describe its state, not the text.
Most real mistakes are few: a text in `{en: …}` holding a character that ends it unquoted
(`, : ? { } [ ] #`), a tab, a line indented one step too far or too little, a quote never
closed. Each gets a message naming the mistake and the fix; anything else keeps the parser's
words after "this is not valid YAML".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

_GOT = re.compile(r"(?:got|found) '(.*)'$")
_KEY_LINE = re.compile(r"^(\s*)(- )?([^\s:#'\"{}\[\],][^:#]*?):(\s|$)")
_QUOTE_HINT = "put the text in quotes"
_SPECIAL = "texts holding : # { } [ ] , ? & * ! | > ' \" % @ ` are safest in quotes"


@dataclass(frozen=True)
class SyntaxProblem:
    """A syntax error explained: the message and where (1-based line and column)."""

    message: str
    line: int | None
    column: int | None


def explain(error: yaml.MarkedYAMLError, text: str) -> SyntaxProblem:
    """The author's explanation of a YAML syntax error in `text`."""
    mark = error.problem_mark
    if mark is None:
        return SyntaxProblem(f"this is not valid YAML: {error.problem}", None, None)
    lines = text.splitlines() or [""]
    found = _Finding(error, lines, mark.line, mark.column)
    message = found.message()
    return SyntaxProblem(message, found.line + 1, found.column + 1)


class _Finding:
    """One syntax error with the lines around it; `message` picks the explanation."""

    def __init__(self, error: yaml.MarkedYAMLError, lines: list[str], line: int, column: int):
        self.problem = str(error.problem or "")
        self.context = str(error.context or "")
        self.lines, self.line, self.column = lines, line, column
        match = _GOT.search(self.problem)
        self.got = match.group(1) if match else ""
        opened = error.context_mark
        self.opened = (opened.line, opened.column) if opened is not None else None

    def text(self, line: int) -> str:
        return self.lines[line] if 0 <= line < len(self.lines) else ""

    def message(self) -> str:
        for explanation in (
            self.tab,
            self.inside_braces,
            self.starts_badly,
            self.colon_in_text,
            self.indented_less,
            self.value_goes_on,
            self.quote_not_closed,
            self.line_without_colon,
            self.list_mixed_with_keys,
        ):
            found = explanation()
            if found:
                return found
        words = "; ".join(part for part in (self.context, self.problem) if part)
        return f"this is not valid YAML: {words} ({_SPECIAL})"

    def tab(self) -> str | None:
        if "'\\t'" not in self.problem:
            return None
        before = self.text(self.line)[: self.column]
        if not before.strip():
            return "this line is indented with a tab: YAML indents with spaces only"
        return "a tab cannot stand here: use spaces (a tab is allowed only inside quotes)"

    def inside_braces(self) -> str | None:
        kind = "flow mapping" in self.context or "flow node" in self.context
        if not kind and "flow sequence" not in self.context:
            return None
        close = "}" if kind else "]"
        where = "{ … }" if kind else "[ … ]"
        start = f"inside {where} a text"
        got = self.got
        if got in ("<stream end>", "<document end>") or self._ran_on(close):
            return self._unclosed(close)
        if got == "?":
            return f"{start} cannot hold a question mark unless it is quoted: {self._quote()}"
        if got == "{":
            return (
                f"{start} cannot hold a placeholder such as {{age}} unless it is quoted: "
                f"{self._quote()}"
            )
        if got == ":":
            return f"{start} cannot hold a colon unless it is quoted: {self._quote()}"
        if got in ("[", "]"):
            return f"{start} cannot hold brackets unless it is quoted: {self._quote()}"
        if got == "<scalar>":
            return (
                "a quoted text ends at its closing quote, and more text follows it: put the "
                'whole text in double quotes (write a double quote inside it as \\")'
            )
        return f"{start} cannot hold this character unless it is quoted: {self._quote()}"

    def _ran_on(self, close: str) -> bool:
        """True when the bracket's line never closes it and the parser read on into the next."""
        if self.opened is None or self.opened[0] >= self.line:
            return False
        line, column = self.opened
        rest = self.text(line)[column:]
        return " #" in rest or (close not in rest and self.got in (":", "<scalar>"))

    def _unclosed(self, close: str) -> str:
        if self.opened is not None:  # point at the bracket, not where the parser gave up
            self.line, self.column = self.opened
        message = f"this bracket is never closed: write '{close}' after its last entry"
        if " #" in self.text(self.line)[self.column :]:
            message += (
                " (a # after a space starts a comment, which hides the rest of the line and "
                "the closing bracket with it): put the text holding # in quotes"
            )
        return message

    def _quote(self) -> str:
        """The value the error is in, written in quotes, as the fix to show."""
        line = self.text(self.line)
        keys = list(re.finditer(r"([A-Za-z_][\w-]*|\*):\s", line[: self.column]))
        if "flow sequence" in self.context:
            return f'{_QUOTE_HINT}, e.g. ["first?", second]'
        if not keys:
            return f'{_QUOTE_HINT}, e.g. {{en: "How old are you?"}}'
        key = keys[-1]
        value = line[key.end() :].strip()
        value = re.split(r",\s+[A-Za-z_][\w-]*:\s", value, maxsplit=1)[0].rstrip("}] ").strip()
        return f"{_QUOTE_HINT}: {key.group(1)}: {_quoted(value)}"

    def starts_badly(self) -> str | None:
        if (
            "cannot start any token" in self.problem
            or "anchor" in self.context
            or (
                "alias" in self.context
                or "tag" in self.context
                or "constructor for the tag" in (self.problem)
            )
        ):
            char = self.text(self.line)[self.column : self.column + 1] or "this character"
            if self.opened is not None and any(
                word in self.context for word in ("anchor", "alias", "tag")
            ):
                self.line, self.column = self.opened  # where the text starts, not the parser
                char = self.text(self.line)[self.column : self.column + 1] or char
            return f"a text cannot start with '{char}' unless it is quoted: {self._quote()}"
        if "sequence entries are not allowed here" in self.problem:
            return f"a text cannot start with '- ' unless it is quoted: {self._quote()}"
        return None

    def colon_in_text(self) -> str | None:
        if "mapping values are not allowed here" not in self.problem:
            return None
        line = self.text(self.line)
        match = _KEY_LINE.match(line)
        if match and match.end(3) == self.column:
            return self._indented_more(len(match.group(1)))
        key = _KEY_LINE.match(line)
        if key is None:
            return f"a colon followed by a space starts a new key: {_QUOTE_HINT}"
        value = line[key.end() :].strip()
        return (
            "a colon followed by a space inside a text starts a new key: "
            f"{_QUOTE_HINT}: {key.group(3)}: {_quoted(value)}"
        )

    def _indented_more(self, indent: int) -> str:
        previous = self._previous_line(self.line)
        if previous is not None and ":" not in self.text(previous):
            return (
                f"the line above ('{self.text(previous).strip()}') has no colon, so nothing can "
                f"be indented under it: write '{self.text(previous).strip()}:'"
            )
        return (
            f"this line is indented by {indent} spaces, more than the line above, which "
            f"already has its value: {self._levels()}"
        )

    def indented_less(self) -> str | None:
        if "expected <block end>" not in self.problem or self.got != "<block mapping start>":
            return None
        indent = len(self.text(self.line)) - len(self.text(self.line).lstrip(" "))
        return f"this line is indented by {indent} spaces, like no line above it: {self._levels()}"

    def _levels(self) -> str:
        """The indentations this line could mean, from the lines above it."""
        levels: list[tuple[int, int]] = []
        line: int | None = self.line
        while (line := self._previous_line(line)) is not None:
            text = self.text(line)
            indent = len(text) - len(text.lstrip(" "))
            if not levels or indent < levels[-1][0]:
                levels.append((indent, line))
            if indent == 0:
                break
        options = [f"{indent} spaces like line {line + 1}" for indent, line in levels[:2]]
        return "indent it by " + " or by ".join(options) if options else "check its indentation"

    def _previous_line(self, line: int | None) -> int | None:
        for previous in range((line or 0) - 1, -1, -1):
            text = self.text(previous).strip()
            if text and not text.startswith("#"):
                return previous
        return None

    def value_goes_on(self) -> str | None:
        if "expected <block end>" not in self.problem or self.got != "<scalar>":
            return None
        line = self.text(self.line)
        key = _KEY_LINE.match(line)
        value = line[key.end() :].strip() if key else line.strip()
        if value.startswith(("{", "[")):
            return (
                f"a text that starts with '{value[0]}' is read as entries in brackets: "
                f"{_QUOTE_HINT}: {key.group(3) if key else 'label'}: {_quoted(value)}"
            )
        if value.startswith(("'", '"')):
            return (
                "a quoted text ends at its closing quote, and more text follows it: put the "
                'whole text in double quotes (write a double quote inside it as \\")'
            )
        return f"this line goes on after its value has ended: {self._levels()}"

    def quote_not_closed(self) -> str | None:
        if "quoted scalar" not in self.context:
            return None
        if self.opened is not None:  # point at the opening quote
            self.line, self.column = self.opened
        return "this quote is never closed: end the text with the same quote"

    def line_without_colon(self) -> str | None:
        if "could not find expected ':'" not in self.problem:
            return None
        if self.opened is not None:  # the line without a colon, not the next one
            self.line, self.column = self.opened
        return (
            "this line is neither 'key: value' nor part of a quoted text: write a text of "
            "several lines in quotes or after '>-' on its own line, or add the missing colon"
        )

    def list_mixed_with_keys(self) -> str | None:
        if "expected <block end>" not in self.problem or self.got not in ("-", "?"):
            return None
        return (
            "list items ('- …') and 'key: value' lines are mixed at the same indentation: "
            "start every item with '- ' followed by a space, or indent the keys under their item"
        )


def _quoted(value: str) -> str:
    """A text as it would be written in double quotes."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
