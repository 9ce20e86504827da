"""The parser: every construct of the language, its precedence, and syntax errors with positions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from eligibility.errors import ExpressionError
from eligibility.expressions import nodes as n
from eligibility.expressions.parser import MAX_DEPTH, MAX_LENGTH, parse


def test_literals_are_exact_typed_values() -> None:
    assert parse("12") == n.Literal(12)
    assert parse("12.50") == n.Literal(Decimal("12.50"))
    assert type(parse("0.1").value) is Decimal  # type: ignore[attr-defined]
    assert parse('"IL"') == n.Literal("IL")
    assert parse("'IL'") == n.Literal("IL")
    assert parse("true") == n.Literal(True)
    assert parse("false") == n.Literal(False)
    assert parse('date("2020-03-01")') == n.Literal(dt.date(2020, 3, 1))


def test_negative_literals_are_folded_and_names_negated() -> None:
    assert parse("-3") == n.Literal(-3)
    assert parse("- -3") == n.Literal(3)
    assert parse("-1.5") == n.Literal(Decimal("-1.5"))
    assert parse("-a") == n.Negate(n.Name("a"))


def test_arithmetic_precedence_and_left_associativity() -> None:
    a, b, c = n.Name("a"), n.Name("b"), n.Name("c")
    assert parse("a + b * c") == n.Arith("+", a, n.Arith("*", b, c))
    assert parse("(a + b) * c") == n.Arith("*", n.Arith("+", a, b), c)
    assert parse("a - b - c") == n.Arith("-", n.Arith("-", a, b), c)
    assert parse("a / b / c") == n.Arith("/", n.Arith("/", a, b), c)


def test_comparisons_and_their_spellings() -> None:
    a, one = n.Name("a"), n.Literal(1)
    for op in ("<", "<=", ">", ">=", "!="):
        assert parse(f"a {op} 1") == n.Compare(op, a, one)
    assert parse("a = 1") == n.Compare("=", a, one)
    assert parse("a == 1") == n.Compare("=", a, one)


def test_logic_precedence_not_and_or() -> None:
    a, b, c = n.Name("a"), n.Name("b"), n.Name("c")
    assert parse("a or b and c") == n.Or((a, n.And((b, c))))
    assert parse("not a and b") == n.And((n.Not(a), b))
    assert parse("not a = 1") == n.Not(n.Compare("=", a, n.Literal(1)))
    assert parse("a and b and c") == n.And((a, b, c))
    assert parse("a or b or c") == n.Or((a, b, c))


def test_membership() -> None:
    a = n.Name("a")
    items = (n.Literal("IL"), n.Literal("VT"))
    assert parse('a in ["IL", "VT"]') == n.In(a, items)
    assert parse('a not in ["IL", "VT"]') == n.In(a, items, negated=True)
    assert parse("a in []") == n.In(a, ())


def test_conditional_and_else_if_chains() -> None:
    c, d = n.Name("c"), n.Name("d")
    one, two, three = n.Literal(1), n.Literal(2), n.Literal(3)
    assert parse("if c then 1 else 2") == n.If(c, one, two)
    assert parse("if c then 1 else if d then 2 else 3") == n.If(c, one, n.If(d, two, three))
    # the else branch extends as far as possible
    assert parse("if c then 1 else 2 + 3") == n.If(c, one, n.Arith("+", two, three))


def test_calls_and_lookups() -> None:
    assert parse("round(x, 2)") == n.Call("round", (n.Name("x"), n.Literal(2)))
    assert parse("f()") == n.Call("f", ())
    fee, state, cat = n.Name("fee"), n.Name("state"), n.Name("cat")
    assert parse("fee[state]") == n.Lookup(fee, state)
    assert parse("fee[state][cat]") == n.Lookup(n.Lookup(fee, state), cat)
    assert parse("fee[min(h, 6)]") == n.Lookup(fee, n.Call("min", (n.Name("h"), n.Literal(6))))


def test_positions_of_nodes() -> None:
    node = parse("a and\n  b")
    assert isinstance(node, n.And)
    assert node.operands[1].pos == (2, 3)


def test_names_and_walk() -> None:
    node = parse("if a then fee[b] else max(a, c)")
    assert n.names(node) == ["a", "fee", "b", "c"]
    assert len(n.walk(node)) == 8  # if, a, lookup, fee, b, max, a, c
    lookup = parse("t[x][y]")
    assert isinstance(lookup, n.Lookup)
    assert n.table_name(lookup) == "t"
    assert n.operands(lookup) == (n.Name("x"), n.Name("y"))
    assert n.children(lookup) == (n.Lookup(n.Name("t"), n.Name("x")), n.Name("y"))


@pytest.mark.parametrize(
    ("text", "message", "line", "column"),
    [
        ("a +", "the expression ends too early; expected '(', '-'", 1, 4),
        ("(a", "the expression ends too early; expected ')'", 1, 3),
        ("if a then b", "the expression ends too early; expected 'else'", 1, 12),
        ("a + * b", "unexpected '*'; expected '('", 1, 5),
        ("a b", "unexpected 'b'", 1, 3),
        ("1 = 2 = 3", "unexpected '='", 1, 7),
        ("a @ b", "unexpected character '@'", 1, 3),
        ("a and\n  @", "unexpected character '@'", 2, 3),
        ("a\n and and b", "unexpected 'and'", 2, 6),
        ("", "the expression is empty", 1, 1),
        ("   ", "the expression is empty", 1, 1),
        ('date("2020-13-01")', "'2020-13-01' is not a date; write it as YYYY-MM-DD", 1, 1),
        ("date(1)", 'date() takes one date in quotes, e.g. date("2020-03-01")', 1, 1),
        ('date("2020-01-01", "x")', "date() takes one date in quotes", 1, 1),
    ],
)
def test_syntax_errors_name_line_and_column(
    text: str, message: str, line: int, column: int
) -> None:
    with pytest.raises(ExpressionError) as caught:
        parse(text)
    assert message in caught.value.message
    assert (caught.value.line, caught.value.column) == (line, column)
    assert str(caught.value) == f"{line}:{column}: {caught.value.message}"


@pytest.mark.parametrize("word", ["if", "then", "else", "and", "or", "not", "in"])
def test_keywords_are_not_names(word: str) -> None:
    with pytest.raises(ExpressionError):
        parse(f"{word} + 1")


def test_keyword_prefixes_are_names() -> None:
    assert parse("iffy + android") == n.Arith("+", n.Name("iffy"), n.Name("android"))


def test_limit_on_length() -> None:
    text = " + ".join(["a"] * (MAX_LENGTH // 4 + 1))
    assert len(text) > MAX_LENGTH
    with pytest.raises(ExpressionError, match=f"longer than {MAX_LENGTH} characters"):
        parse(text)


def test_limit_on_depth() -> None:
    parse("abs(" * 7 + "a" + ")" * 7)
    assert parse("(" * MAX_DEPTH + "a" + ")" * MAX_DEPTH) == n.Name("a")  # brackets add no level
    with pytest.raises(ExpressionError, match=f"nested more than {MAX_DEPTH} levels"):
        parse("not " * MAX_DEPTH + "a")


def test_deep_brackets_are_refused_before_they_exhaust_the_stack() -> None:
    with pytest.raises(ExpressionError, match="nested"):
        parse("(" * 1000 + "a" + ")" * 1000)


def test_nesting_limit_counts_levels_as_authors_see_them() -> None:
    parse("abs(" * 20 + "a" + ")" * 20)
    with pytest.raises(ExpressionError, match="nested more than 40 levels"):
        parse("abs(" * 41 + "a" + ")" * 41)
