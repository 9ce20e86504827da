"""The expression language: parse → typed AST → three-valued evaluation."""

from __future__ import annotations

from eligibility.expressions.nodes import Node
from eligibility.expressions.parser import parse
from eligibility.expressions.values import FAILURE, UNKNOWN, Failure, Unknown

__all__ = ["FAILURE", "UNKNOWN", "Failure", "Node", "Unknown", "parse"]
