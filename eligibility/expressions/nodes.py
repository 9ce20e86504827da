"""The typed AST of expressions: one frozen dataclass per construct."""

from __future__ import annotations

from dataclasses import dataclass, field

from eligibility.expressions.values import Known


@dataclass(frozen=True)
class Node:
    """Base of every AST node; `pos` is (line, column) inside the expression text."""

    pos: tuple[int, int] = field(default=(1, 1), compare=False, kw_only=True)


@dataclass(frozen=True)
class Literal(Node):
    """A constant: number, string, boolean or date."""

    value: Known


@dataclass(frozen=True)
class Name(Node):
    """A reference to a question, parameter, derived value, rule, goal or `as_of`."""

    name: str


@dataclass(frozen=True)
class Negate(Node):
    """Arithmetic negation `-x`."""

    operand: Node


@dataclass(frozen=True)
class Arith(Node):
    """Binary arithmetic: + - * /."""

    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class Compare(Node):
    """A comparison: = != < <= > >=."""

    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class In(Node):
    """Membership `x in [a, b]` (or `not in`)."""

    needle: Node
    items: tuple[Node, ...]
    negated: bool = False


@dataclass(frozen=True)
class Not(Node):
    """Logical negation."""

    operand: Node


@dataclass(frozen=True)
class And(Node):
    """Logical conjunction of two or more operands."""

    operands: tuple[Node, ...]


@dataclass(frozen=True)
class Or(Node):
    """Logical disjunction of two or more operands."""

    operands: tuple[Node, ...]


@dataclass(frozen=True)
class If(Node):
    """`if cond then a else b`."""

    cond: Node
    then: Node
    otherwise: Node


@dataclass(frozen=True)
class Call(Node):
    """A call of an allowlisted function."""

    func: str
    args: tuple[Node, ...]


@dataclass(frozen=True)
class Lookup(Node):
    """A table lookup `table[key]`; `target` is a Name or another Lookup."""

    target: Node
    key: Node


@dataclass(frozen=True)
class Dotted(Node):
    """`entity.name` as written; resolved into a ParentRef or an aggregate's operand."""

    head: str
    name: str


@dataclass(frozen=True)
class ParentRef(Node):
    """A value of an enclosing entity (`household.state`), `up` levels above the instance."""

    entity: str
    name: str
    up: int


AGGREGATES = ("count", "sum", "any", "all", "min", "max")


@dataclass(frozen=True)
class Aggregate(Node):
    """`sum(children, amount, filter)` and friends over the instances of a collection.

    `value` and `filter` are read in each instance (another scope), so they are not
    `children` of this node: the names they read are not the enclosing entity's.
    """

    func: str
    collection: str
    value: Node | None
    filter: Node | None


def scoped(node: Aggregate) -> tuple[Node, ...]:
    """The expressions an aggregate evaluates in each instance: filter first, then value."""
    return tuple(part for part in (node.filter, node.value) if part is not None)


def children(node: Node) -> tuple[Node, ...]:
    """The direct sub-expressions of a node."""
    if isinstance(node, Negate | Not):
        return (node.operand,)
    if isinstance(node, Arith | Compare):
        return (node.left, node.right)
    if isinstance(node, In):
        return (node.needle, *node.items)
    if isinstance(node, And | Or):
        return node.operands
    if isinstance(node, If):
        return (node.cond, node.then, node.otherwise)
    if isinstance(node, Call):
        return node.args
    if isinstance(node, Lookup):
        return (node.target, node.key)
    return ()


def operands(node: Node) -> tuple[Node, ...]:
    """The sub-expressions that have values: a lookup's keys (its table and rows have none)."""
    if isinstance(node, Lookup):
        keys: list[Node] = []
        target: Node = node
        while isinstance(target, Lookup):
            keys.insert(0, target.key)
            target = target.target
        return tuple(keys)
    return children(node)


def walk(node: Node) -> list[Node]:
    """Every node of the tree, parents before children (iterative: no recursion limit)."""
    out: list[Node] = []
    stack = [node]
    while stack:
        current = stack.pop()
        out.append(current)
        stack.extend(reversed(children(current)))
    return out


def names(node: Node) -> list[str]:
    """The names the expression reads, in order of first appearance (table names included)."""
    seen: dict[str, None] = {}
    for n in walk(node):
        if isinstance(n, Name):
            seen.setdefault(n.name, None)
    return list(seen)


def table_name(node: Lookup) -> str | None:
    """The parameter a (possibly nested) lookup reads from."""
    target: Node = node
    while isinstance(target, Lookup):
        target = target.target
    return target.name if isinstance(target, Name) else None
