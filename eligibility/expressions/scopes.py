"""Entities in expressions: parent references and aggregates resolved against the entity tree.

The parser knows no rule set; this pass, run per expression with the names of its entity,
turns `household.state` into a ParentRef, `sum(children, amount)` into an Aggregate whose
operands are resolved in the collection's scope, and reports misuse in the authors' words
(a root value reading an instance value without an aggregate, an aggregate over something
that is not a collection, a parent reference from the root).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field

from eligibility.errors import ExpressionError
from eligibility.expressions import nodes as n
from eligibility.expressions.typecheck import suggest


@dataclass(frozen=True)
class EntityScope:
    """The names one kind of entity defines, its collections and its parent."""

    entity: str | None
    names: frozenset[str]
    collections: Mapping[str, EntityScope] = field(default_factory=dict)
    parent: EntityScope | None = None
    constants: frozenset[str] = frozenset()  # parameters and as_of: read from any entity

    def ancestors(self) -> list[EntityScope]:
        """The enclosing entities, nearest first."""
        found, scope = [], self.parent
        while scope is not None:
            found.append(scope)
            scope = scope.parent
        return found

    def owner_below(self, name: str) -> str | None:
        """The collection (at any depth below) whose instances define `name`."""
        for cid, child in self.collections.items():
            if name in child.names or child.owner_below(name):
                return cid
        return None


def _fail(node: n.Node, message: str, suggestion: str | None = None) -> ExpressionError:
    return ExpressionError(message, node.pos[0], node.pos[1], suggestion)


def resolve(node: n.Node, scope: EntityScope) -> n.Node:
    """The expression with entity references resolved, or ExpressionError."""
    if isinstance(node, n.Name):
        return _name(node, scope)
    if isinstance(node, n.Dotted):
        return _dotted(node, scope)
    if isinstance(node, n.Call) and node.func in n.AGGREGATES:
        found = _aggregate(node, scope)
        if found is not None:
            return found
    if isinstance(node, n.Lookup):
        return dataclasses.replace(node, key=resolve(node.key, scope), target=_table(node, scope))
    return _rebuild(node, scope)


def _table(node: n.Lookup, scope: EntityScope) -> n.Node:
    """A lookup's target stays a table name (tables are parameters, shared by every entity)."""
    target = node.target
    return target if isinstance(target, n.Name) else resolve(target, scope)


def _rebuild(node: n.Node, scope: EntityScope) -> n.Node:
    changes: dict[str, object] = {}
    for f in dataclasses.fields(node):
        value = getattr(node, f.name)
        if isinstance(value, n.Node):
            changes[f.name] = resolve(value, scope)
        elif isinstance(value, tuple) and value and isinstance(value[0], n.Node):
            changes[f.name] = tuple(resolve(v, scope) for v in value)
    return dataclasses.replace(node, **changes) if changes else node  # type: ignore[arg-type]


def _name(node: n.Name, scope: EntityScope) -> n.Node:
    if node.name in scope.names:
        return node
    ancestors = scope.ancestors()
    if node.name in scope.constants and ancestors:  # a parameter read inside an instance
        root = ancestors[-1]
        return n.ParentRef(root.entity or "", node.name, len(ancestors), pos=node.pos)
    if node.name in scope.collections:
        raise _fail(
            node,
            f"'{node.name}' is a collection; read it through an aggregate such as "
            f"count({node.name}) or any({node.name}, …)",
        )
    owner = scope.owner_below(node.name)
    if owner is not None:
        raise _fail(
            node,
            f"'{node.name}' is a value of each instance of {owner}; read it through an "
            f"aggregate such as sum({owner}, {node.name}) or any({owner}, {node.name} …)",
        )
    if ancestors and any(node.name in a.names for a in ancestors):
        holder = next(a for a in ancestors if node.name in a.names)
        raise _fail(
            node,
            f"'{node.name}' is a value of {holder.entity}; write {holder.entity}.{node.name}",
            f"{holder.entity}.{node.name}",
        )
    return node  # unknown: the type checker reports it with a suggestion


def _dotted(node: n.Dotted, scope: EntityScope) -> n.Node:
    if node.head in scope.collections:
        raise _fail(
            node,
            f"{node.head}.{node.name} is a value of every instance of {node.head}; use an "
            f"aggregate such as sum({node.head}.{node.name}) or max({node.head}.{node.name})",
        )
    ancestors = scope.ancestors()
    if not ancestors:
        raise _fail(
            node,
            f"'{node.head}.{node.name}' refers to a parent, but the root has none; "
            f"a root value reads its own values by name",
            node.name if node.head == scope.entity else None,
        )
    for up, ancestor in enumerate(ancestors, start=1):
        if ancestor.entity == node.head:
            if node.name not in ancestor.names | ancestor.constants:
                raise _fail(
                    node,
                    f"{node.head} has no value '{node.name}'",
                    suggest(node.name, ancestor.names | ancestor.constants),
                )
            return n.ParentRef(node.head, node.name, up, pos=node.pos)
    entities = [a.entity for a in ancestors if a.entity]
    raise _fail(
        node,
        f"unknown entity '{node.head}'; this value can refer to "
        + (", ".join(entities) if entities else "no named parent (declare `entity:` at the root)"),
        suggest(node.head, entities),
    )


_USAGE = {
    "count": "count(children) or count(children, age < 18)",
    "any": "any(children, age < 18)",
    "all": "all(children, age < 18)",
    "sum": "sum(children, amount) or sum(children.amount)",
    "min": "min(children, birth_date) or min(children.birth_date)",
    "max": "max(children, birth_date) or max(children.birth_date)",
}


def _aggregate(node: n.Call, scope: EntityScope) -> n.Node | None:
    """An Aggregate, or None for min/max of plain values (the scalar functions)."""
    first = node.args[0] if node.args else None
    collection = _collection_of(first)
    if collection is None or collection not in scope.collections:
        if node.func in ("min", "max") and collection is None:
            return None
        return _not_a_collection(node, first, collection, scope)
    inner = scope.collections[collection]
    rest = [resolve(arg, inner) for arg in node.args[1:]]
    if isinstance(first, n.Dotted):
        rest.insert(0, resolve(n.Name(first.name, pos=first.pos), inner))
    wanted = (0, 1) if node.func == "count" else (1, 2)
    if len(rest) not in wanted or (node.func == "count" and isinstance(first, n.Dotted)):
        raise _fail(node, f"{node.func}() is written {_USAGE[node.func]} (a filter is optional)")
    if node.func == "count":
        return n.Aggregate("count", collection, None, rest[0] if rest else None, pos=node.pos)
    value, condition = rest[0], rest[1] if len(rest) == 2 else None
    return n.Aggregate(node.func, collection, value, condition, pos=node.pos)


def _collection_of(first: n.Node | None) -> str | None:
    if isinstance(first, n.Name):
        return first.name
    if isinstance(first, n.Dotted):
        return first.head
    return None


def _not_a_collection(
    node: n.Call, first: n.Node | None, name: str | None, scope: EntityScope
) -> n.Node:
    where = first or node
    if name is None:
        raise _fail(where, f"{node.func}() aggregates a collection: {_USAGE[node.func]}")
    known = scope.names | scope.constants
    if name in known or any(name in a.names for a in scope.ancestors()):
        only = next(iter(scope.collections)) if len(scope.collections) == 1 else None
        raise _fail(
            where,
            f"{node.func}() aggregates a collection, and '{name}' is not one",
            suggest(name, scope.collections) or only,
        )
    raise _fail(where, f"unknown collection '{name}'", suggest(name, scope.collections))
