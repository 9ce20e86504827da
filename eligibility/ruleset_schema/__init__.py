"""Marshmallow schemas of the rule-file format: the shape of each part, in authors' words.

`field_types` holds the building blocks, `entries` the parts named by id, `version` the top
level of a file with its collections and scenarios.
"""

from __future__ import annotations

from eligibility.ruleset_schema.entries import ENTRY_SCHEMAS
from eligibility.ruleset_schema.field_types import NAME_PATTERN
from eligibility.ruleset_schema.version import CollectionSchema, ScenarioSchema, VersionSchema

__all__ = ["ENTRY_SCHEMAS", "NAME_PATTERN", "CollectionSchema", "ScenarioSchema", "VersionSchema"]
