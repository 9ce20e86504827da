"""An expression written back in the rule language, as an author would (for reports)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from eligibility.expressions import nodes as n


def unparse(node: n.Node) -> str:
    """An expression written back in the rule language (parentheses only where needed)."""
    if isinstance(node, n.Literal):
        return _literal(node.value)
    if isinstance(node, n.Name):
        return node.name
    if isinstance(node, n.Negate | n.Not):
        sign = "-" if isinstance(node, n.Negate) else "not "
        return sign + _wrapped(node.operand, node)
    if isinstance(node, n.Arith | n.Compare):
        return f"{_wrapped(node.left, node)} {node.op} {_wrapped(node.right, node)}"
    if isinstance(node, n.In):
        items = ", ".join(unparse(i) for i in node.items)
        return f"{_wrapped(node.needle, node)} {'not in' if node.negated else 'in'} [{items}]"
    if isinstance(node, n.And | n.Or):
        joint = " and " if isinstance(node, n.And) else " or "
        return joint.join(_wrapped(o, node) for o in node.operands)
    if isinstance(node, n.If):
        parts = (unparse(node.cond), unparse(node.then), unparse(node.otherwise))
        return "if {} then {} else {}".format(*parts)
    if isinstance(node, n.Call):
        return f"{node.func}({', '.join(unparse(a) for a in node.args)})"
    if isinstance(node, n.Lookup):
        return f"{unparse(node.target)}[{unparse(node.key)}]"
    if isinstance(node, n.ParentRef):
        return f"{node.entity}.{node.name}"
    if isinstance(node, n.Aggregate):
        args = [node.collection] + [unparse(p) for p in (node.value, node.filter) if p]
        return f"{node.func}({', '.join(args)})"
    return "…"


def _wrapped(child: n.Node, parent: n.Node) -> str:
    text = unparse(child)
    logical = isinstance(child, n.And | n.Or) and type(child) is not type(parent)
    arithmetic = isinstance(child, n.Arith) and isinstance(parent, n.Arith | n.Negate)
    compared = isinstance(child, n.Compare | n.In | n.Not) and not isinstance(
        parent, n.And | n.Or | n.Not
    )
    return f"({text})" if isinstance(child, n.If) or logical or arithmetic or compared else text


def _literal(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dt.date):
        return f'date("{value.isoformat()}")'
    return str(value)
