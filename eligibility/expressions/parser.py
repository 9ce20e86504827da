"""Text → AST: lark parses with the grammar, errors are worded for legal experts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from typing import Any

from lark import Lark, Token, Transformer, Tree, v_args
from lark.exceptions import (
    UnexpectedCharacters,
    UnexpectedEOF,
    UnexpectedInput,
    UnexpectedToken,
    VisitError,
)

from eligibility.errors import ExpressionError
from eligibility.expressions import nodes as n

MAX_LENGTH = 4000  # characters in one expression
MAX_DEPTH = 40  # nesting of sub-expressions, as authors count it (the AST)
MAX_CHAIN = 200  # depth of the tree itself: bounds the recursion of compiling and evaluating
_MAX_TREE_DEPTH = 400  # lark's parse tree has a few pass-through levels per AST level

_TOKEN_WORDS = {
    "NAME": "a name",
    "NUMBER": "a number",
    "STRING": "a text in quotes",
    "LPAR": "'('",
    "RPAR": "')'",
    "LSQB": "'['",
    "RSQB": "']'",
    "DOT": "'.'",
    "COMMA": "','",
    "COMPARE": "a comparison",
    "ADD_OP": "'+' or '-'",
    "MUL_OP": "'*' or '/'",
    "MINUS": "'-'",
    "IF": "'if'",
    "THEN": "'then'",
    "ELSE": "'else'",
    "AND": "'and'",
    "OR": "'or'",
    "NOT": "'not'",
    "IN": "'in'",
    "TRUE": "'true'",
    "FALSE": "'false'",
    "$END": "the end of the expression",
}


@lru_cache(maxsize=1)
def _parser() -> Lark:
    grammar = resources.files("eligibility.expressions").joinpath("grammar.lark").read_text()
    return Lark(grammar, parser="lalr", propagate_positions=True, maybe_placeholders=False)


def _pos(meta: Any) -> tuple[int, int]:
    return (getattr(meta, "line", 1), getattr(meta, "column", 1))


@v_args(meta=True)
class _ToAst(Transformer[Token, n.Node]):
    """Builds AST nodes from lark's parse tree."""

    def number(self, meta: Any, items: list[Token]) -> n.Node:
        text = str(items[0])
        value: int | Decimal = Decimal(text) if "." in text else int(text)
        return n.Literal(value, pos=_pos(meta))

    def string(self, meta: Any, items: list[Token]) -> n.Node:
        return n.Literal(str(items[0])[1:-1], pos=_pos(meta))

    def true(self, meta: Any, items: list[Any]) -> n.Node:
        return n.Literal(True, pos=_pos(meta))

    def false(self, meta: Any, items: list[Any]) -> n.Node:
        return n.Literal(False, pos=_pos(meta))

    def name(self, meta: Any, items: list[Token]) -> n.Node:
        return n.Name(str(items[0]), pos=_pos(meta))

    def dotted(self, meta: Any, items: list[Token]) -> n.Node:
        return n.Dotted(str(items[0]), str(items[1]), pos=_pos(meta))

    def call(self, meta: Any, items: list[Any]) -> n.Node:
        func, args = str(items[0]), tuple(a for a in items[1:] if a is not None)
        if func == "date":
            return _date_literal(args, _pos(meta))
        return n.Call(func, args, pos=_pos(meta))

    def lookup(self, meta: Any, items: list[n.Node]) -> n.Node:
        return n.Lookup(items[0], items[1], pos=_pos(meta))

    def negate(self, meta: Any, items: list[n.Node]) -> n.Node:
        operand = items[0]
        if isinstance(operand, n.Literal) and isinstance(operand.value, int | Decimal):
            return n.Literal(-operand.value, pos=_pos(meta))
        return n.Negate(operand, pos=_pos(meta))

    def arith(self, meta: Any, items: list[Any]) -> n.Node:
        node: n.Node = items[0]
        for op, right in zip(items[1::2], items[2::2], strict=True):
            node = n.Arith(str(op), node, right, pos=_pos(meta))
        return node

    def compare(self, meta: Any, items: list[Any]) -> n.Node:
        op = {"==": "=", "<>": "!="}.get(str(items[1]), str(items[1]))
        return n.Compare(op, items[0], items[2], pos=_pos(meta))

    def in_expr(self, meta: Any, items: list[Any]) -> n.Node:
        return n.In(items[0], tuple(items[1]), pos=_pos(meta))

    def not_in_expr(self, meta: Any, items: list[Any]) -> n.Node:
        return n.In(items[0], tuple(items[1]), negated=True, pos=_pos(meta))

    def choices(self, meta: Any, items: list[Any]) -> list[n.Node]:
        return [i for i in items if i is not None]

    def not_expr(self, meta: Any, items: list[n.Node]) -> n.Node:
        return n.Not(items[0], pos=_pos(meta))

    def and_expr(self, meta: Any, items: list[n.Node]) -> n.Node:
        return items[0] if len(items) == 1 else n.And(tuple(items), pos=_pos(meta))

    def or_expr(self, meta: Any, items: list[n.Node]) -> n.Node:
        return items[0] if len(items) == 1 else n.Or(tuple(items), pos=_pos(meta))

    def if_expr(self, meta: Any, items: list[n.Node]) -> n.Node:
        return n.If(items[0], items[1], items[2], pos=_pos(meta))


def _date_literal(args: tuple[n.Node, ...], pos: tuple[int, int]) -> n.Node:
    if len(args) != 1 or not isinstance(args[0], n.Literal) or not isinstance(args[0].value, str):
        raise ExpressionError('date() takes one date in quotes, e.g. date("2020-03-01")', *pos)
    try:
        return n.Literal(dt.date.fromisoformat(args[0].value), pos=pos)
    except ValueError:
        raise ExpressionError(
            f"'{args[0].value}' is not a date; write it as YYYY-MM-DD", *pos
        ) from None


def _tree_depth(tree: Tree[Token]) -> int:
    deepest, stack = 0, [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((c, depth + 1) for c in node.children if isinstance(c, Tree))
    return deepest


def _expected(error: UnexpectedInput) -> str:
    accepted = sorted(getattr(error, "expected", None) or getattr(error, "allowed", None) or [])
    words = sorted({_TOKEN_WORDS.get(t, t) for t in accepted if not t.startswith("__")})
    return ", ".join(words[:8]) if words else "something else"


def _syntax_error(text: str, error: UnexpectedInput) -> ExpressionError:
    line, column = getattr(error, "line", 1), getattr(error, "column", 1)
    if isinstance(error, UnexpectedEOF) or (
        isinstance(error, UnexpectedToken) and error.token.type == "$END"
    ):
        return ExpressionError(
            f"the expression ends too early; expected {_expected(error)}", line, len(text) + 1
        )
    if isinstance(error, UnexpectedCharacters):
        at = error.pos_in_stream or 0
        found = text[at] if at < len(text) else ""
        return ExpressionError(f"unexpected character '{found}'", line, column)
    token = getattr(error, "token", "")
    return ExpressionError(f"unexpected '{token}'; expected {_expected(error)}", line, column)


def parse(text: str) -> n.Node:
    """Parse one expression into its AST, or raise ExpressionError with line and column."""
    if not text.strip():
        raise ExpressionError("the expression is empty")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"the expression is longer than {MAX_LENGTH} characters")
    try:
        tree = _parser().parse(text)
    except UnexpectedInput as error:
        raise _syntax_error(text, error) from None
    if _tree_depth(tree) > _MAX_TREE_DEPTH:  # before transforming, which recurses
        raise ExpressionError(f"the expression is nested more than {MAX_DEPTH} levels deep")
    if isinstance(tree, Token):  # a lone token is never produced by this grammar
        raise ExpressionError(f"unexpected '{tree}'")
    try:
        ast = _ToAst().transform(tree)
    except VisitError as error:
        if isinstance(error.orig_exc, ExpressionError):
            raise error.orig_exc from None
        raise
    nesting, chain = _ast_depth(ast)
    if nesting > MAX_DEPTH:
        raise ExpressionError(f"the expression is nested more than {MAX_DEPTH} levels deep")
    if chain > MAX_CHAIN:
        raise ExpressionError(
            f"the expression chains more than {MAX_CHAIN} terms; name parts of it as derived values"
        )
    return ast


def _ast_depth(node: n.Node) -> tuple[int, int]:
    """Nesting as authors see it (`a + b + c` is one level) and the depth of the tree itself."""
    deepest, longest = 0, 0
    stack = [(node, 1, 1)]
    while stack:
        current, depth, raw = stack.pop()
        deepest, longest = max(deepest, depth), max(longest, raw)
        for child in n.children(current):
            flat = isinstance(current, n.Arith) and isinstance(child, n.Arith)
            stack.append((child, depth if flat else depth + 1, raw + 1))
    return deepest, longest
