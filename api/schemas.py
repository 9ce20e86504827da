"""HTTP payload schemas: evaluations, problems and the shared pieces (never the rule-file format).

Response schemas dump the core's objects (`Evaluation`, `NextQuestion`, …) directly;
decimals and dates leave as JSON strings, integers and booleans as JSON numbers and booleans.
"""

from __future__ import annotations

from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, post_dump, validate

from api.fields import AnyJson, Inline, Scalar, pick

ID = validate.Length(min=1, max=100)
LOCALE = validate.Regexp(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$", error="not a language tag")
MAX_ANSWERS = 500
STATUSES = ["complete", "incomplete"]


class RequestSchema(Schema):
    """Base of request bodies: unknown fields are errors."""

    class Meta:
        unknown = RAISE


class ProblemSchema(Schema):
    """An error (RFC 9457): type, title, status, detail, and `errors` by field."""

    type = fields.String(required=True, metadata={"example": "/problems/invalid-answers"})
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String()
    instance = fields.String()
    errors = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        metadata={"description": "Messages by field (question id or request field)."},
    )
    problems = fields.List(
        fields.Dict(),
        metadata={"description": "Rule-file problems: path, line, column, message, suggestion."},
    )
    undecided = fields.List(
        fields.String(),
        metadata={"description": "incomplete-decision: the goals not yet decided."},
    )
    next_questions = fields.List(
        fields.String(),
        metadata={"description": "incomplete-decision: the questions to answer next."},
    )


def _at_most_answers(answers: dict[str, Any]) -> None:
    # Not validate.Length: apispec would document an object's size as `maxLength`.
    if len(answers) > MAX_ANSWERS:
        raise ValidationError(f"expected at most {MAX_ANSWERS} answers, got {len(answers)}")


def answers_field() -> fields.Dict:
    """Answers by question id, as requests carry them (at most MAX_ANSWERS)."""
    return fields.Dict(
        keys=fields.String(validate=validate.Length(max=100)),
        # Numbers beyond 1e±100 are refused when the body is parsed (api.jsonio).
        values=Scalar(allow_none=True, metadata={"maximum": 1e100, "minimum": -1e100}),
        load_default=dict,
        validate=_at_most_answers,
        metadata={
            "maxProperties": MAX_ANSWERS,
            "description": 'Answers by question id; decimals as strings ("412.50"), '
            'dates as YYYY-MM-DD, "unknown" for "I don\'t know", null for unanswered.',
            "example": {"household_size": 3, "earned_income_monthly": "1200.00"},
        },
    )


class EvaluationRequestSchema(RequestSchema):
    """Answers to evaluate under one version: named by `version`, or the one covering `as_of`."""

    ruleset = fields.String(required=True, validate=ID, metadata={"example": "snap"})
    version = fields.String(validate=ID, metadata={"example": "2019-10-01"})
    as_of = fields.Date(
        metadata={"description": "Date the claim is about (default today); selects the version."}
    )
    answers = answers_field()
    locale = fields.String(validate=LOCALE, metadata={"example": "de"})


class DecisionRequestSchema(EvaluationRequestSchema):
    """Answers to decide on; an incomplete decision is recorded only when asked for."""

    allow_incomplete = fields.Boolean(
        load_default=False,
        metadata={
            "description": "Record the decision even if some goal is still undecided "
            "(status incomplete). Without it, such a request gets 422 incomplete-decision "
            "naming the undecided goals and the next questions."
        },
    )


PARTS = ("answers", "goals", "next_questions", "ignored_answers", "instances")
_PART = "(" + "|".join(PARTS) + ")"


class EvaluationQuerySchema(Schema):
    """Query of `POST /v1/evaluations`."""

    trace = fields.Boolean(load_default=False, metadata={"description": "Add the trace."})
    fields_ = fields.String(
        data_key="fields",
        validate=validate.Regexp(
            f"^{_PART}(,{_PART})*$",
            error="a comma-separated list of: " + ", ".join(PARTS),
        ),
        metadata={
            "description": "Only these optional parts of the response, comma-separated "
            f"({', '.join(PARTS)}); `ruleset`, `as_of`, `locale` and `status` always come. "
            "Default: all of them. `fields=goals` is the cheapest call for a client that "
            "needs only the outcome.",
            "example": "goals",
        },
    )


class RulesetRefSchema(Schema):
    """The version that produced a result."""

    id = fields.String(required=True, attribute="ruleset_id")
    version = fields.String(required=True)
    content_hash = fields.String(required=True)


class ReasonSchema(Schema):
    """A rule that decided (or so far shapes) a goal."""

    rule = fields.String(required=True)
    value = fields.Boolean(allow_none=True)
    text = fields.String(allow_none=True)
    legal_reference = fields.String(required=True)


CURRENCY = {
    "description": "The ISO 4217 code of an amount, as its rule file declares it "
    "(null when it declares none).",
    "example": "EUR",
}


class GoalSchema(Schema):
    """A goal: its value (null while undecided; an amount at its declared scale) and reasons."""

    value = Scalar(allow_none=True, required=True)
    decided = fields.Boolean(required=True)
    type = fields.String(required=True)
    label = fields.String(allow_none=True)
    reasons = fields.List(fields.Nested(ReasonSchema), required=True)
    currency = fields.String(allow_none=True, required=True, metadata=CURRENCY)
    decimal_places = fields.Integer(
        allow_none=True,
        required=True,
        metadata={"description": "The scale of a decimal value as declared (null: as computed)."},
    )


class WhySchema(Schema):
    """Why a question is asked: the rule it feeds and its legal reference."""

    rule = fields.String(required=True)
    legal_reference = fields.String(allow_none=True)
    text = fields.String(allow_none=True)


class OptionSchema(Schema):
    """An allowed answer of an enum question, labelled in the chosen language."""

    value = pick(lambda o: o[0], "string", True)
    label = pick(lambda o: o[1], "string", True)


class ConstraintsSchema(Schema):
    """Bounds of an answer (decimals and dates as strings); absent when unbounded."""

    min = Scalar()
    max = Scalar()
    decimal_places = fields.Integer()
    max_length = fields.Integer()
    currency = fields.String(metadata=CURRENCY)

    @post_dump
    def _drop_empty(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        return {k: v for k, v in data.items() if v is not None}


class NextQuestionSchema(Schema):
    """A question that can still change an undecided goal, ready to show."""

    id = fields.String(required=True, attribute="question.id")
    path = fields.String(
        required=True,
        attribute="pointer",
        metadata={
            "description": "Where the answer goes in the answers document (JSON Pointer): "
            "/age at the root, /children/c1/age in an instance.",
            "example": "/children/c1/age",
        },
    )
    type = fields.String(required=True, attribute="question.type")
    label = fields.String(required=True)
    help = fields.String(allow_none=True)
    options = fields.List(fields.Nested(OptionSchema), required=True)
    constraints = fields.Nested(ConstraintsSchema, required=True, attribute="question")
    allow_unknown = fields.Boolean(required=True, attribute="question.allow_unknown")
    section = fields.String(allow_none=True, attribute="question.section")
    why = fields.List(fields.Nested(WhySchema), required=True)


class TraceStepSchema(Schema):
    """One named rule or value: inputs read, result, legal reference."""

    name = fields.String(required=True)
    kind = fields.String(required=True)
    inputs = fields.Dict(keys=fields.String(), values=AnyJson(), required=True)
    result = AnyJson(required=True)
    legal_reference = fields.String(allow_none=True)


class InstanceSchema(Schema):
    """One instance of a collection: its goals (each child's amount) and its own collections."""

    id = fields.String(required=True, metadata={"example": "c1"})
    pointer = fields.String(
        required=True,
        metadata={
            "description": "Where it is in the answers (JSON Pointer).",
            "example": "/children/c1",
        },
    )
    label = fields.String(
        allow_none=True, metadata={"description": "Its item label, e.g. the child's name."}
    )
    goals = fields.Dict(keys=fields.String(), values=fields.Nested(GoalSchema), required=True)
    collections = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.Nested(lambda: InstanceSchema())),
        required=True,
    )


_ABSENT = " Always there unless `?fields=` leaves it out."


class EvaluationSchema(Schema):
    """The outcome of evaluating answers: `complete` exactly when every goal is decided."""

    ruleset = Inline(RulesetRefSchema, required=True)
    as_of = fields.Date(required=True)
    locale = fields.String(required=True)
    status = pick(
        lambda e: "complete" if e.complete else "incomplete", "string", True, enum=STATUSES
    )
    # Each of these comes unless `?fields=` leaves it out (see EvaluationQuerySchema).
    answers = fields.Dict(
        keys=fields.String(),
        values=Scalar(),
        metadata={"description": "The answers as understood (amounts at their scale)." + _ABSENT},
    )
    goals = fields.Dict(
        keys=fields.String(),
        values=fields.Nested(GoalSchema),
        metadata={"description": "Every goal, decided or not." + _ABSENT},
    )
    next_questions = fields.List(
        fields.Nested(NextQuestionSchema),
        metadata={"description": "The questions that can still change a goal." + _ABSENT},
    )
    ignored_answers = fields.List(
        fields.String(),
        metadata={"description": "Answers that changed nothing." + _ABSENT},
    )
    instances = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.Nested(InstanceSchema)),
        metadata={
            "description": "Per collection, each instance with its goals (empty for a rule set "
            "without collections)." + _ABSENT
        },
    )
    trace = fields.List(
        fields.Nested(TraceStepSchema),
        metadata={"description": "Every named value in evaluation order (with `?trace=true`)."},
    )
