"""A version's questions as a JSON Schema (2020-12) of the answer set, for generic form renderers.

Made to be used as-is by react-jsonschema-form (rjsf) and JSON Forms:
- titles and descriptions are the questions' labels and help in the chosen language;
- bounds are standard keywords: `minimum`/`maximum` on integers; decimals (amounts) are
  strings with a `pattern` ("412.50"), which rjsf renders as a text field and never turns
  into a float (the API also accepts JSON numbers), so their bounds, like those of dates,
  are `formatMinimum`/`formatMaximum` (the keywords of ajv-formats, for string formats:
  `decimal` and `date`); an unbounded integer has no bounds;
- enum questions carry `enum` (the values) and `oneOf` [{const, title}] (the labels);
- questions that allow "I don't know" also accept the string "unknown";
- `x-why` lists the rules a question feeds with their legal references, and `x-uiSchema`
  is a ready rjsf uiSchema (order, radio widgets, option labels, the why as help);
- sections are groups: `x-sections` lists them in asking order with their questions, and
  `x-layout` is the same as a JSON Forms UI schema (a `Group` per section);
- given an evaluation, only the questions that matter now are described: the answers it
  used and the questions that can still change an undecided goal (`x-relevant`).

Modules: `schema` (the document), `questions` (one question), `layout` (sections, UI
schemas), `why` (the rules that read a question), `texts` (one language).
"""

from __future__ import annotations

from api.answer_schema.schema import answer_schema

__all__ = ["answer_schema"]
