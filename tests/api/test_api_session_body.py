"""The lean session body equals SessionSchema's dump, page of next questions included.

Seeded (as tests/api/test_api_evaluation_body.py): every scenario's answers of each flat
version in rules/, with random answers left out, in several languages and pages, held by
sessions in several states (new, answered, submitted).
"""

from __future__ import annotations

import datetime as dt
import json
import random
from typing import Any

import pytest

from api.record_schemas import SessionSchema
from api.session_body import session_body
from api.sessions import SessionView
from eligibility import EligibilityError, evaluate
from eligibility.records import InterviewSession
from tests.properties.examples import VERSION_IDS, example, scenario_answers

FLAT = [v for v in VERSION_IDS if not example(v).collections]
SCHEMA = SessionSchema()
NOW = dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.UTC)


def text(data: Any) -> str:
    """JSON text with the keys in the order given (the order clients see)."""
    return json.dumps(data, ensure_ascii=False)


@pytest.mark.parametrize("version_id", FLAT)
def test_the_lean_session_body_is_the_schema_dump(version_id: str) -> None:
    version, rng = example(version_id), random.Random(version_id)
    for answers in scenario_answers(version):
        kept = {q: a for q, a in answers.items() if rng.random() < 0.6}
        try:
            evaluation = evaluate(version, kept, locale=rng.choice(["en", "de"]), engine="pure")
        except EligibilityError:
            continue  # refused answers never reach the serializer
        session = InterviewSession(
            id="s1",
            ruleset_id=version.ruleset.id,
            version=version.ruleset.version,
            content_hash=version.content_hash,
            as_of=rng.choice([None, version.ruleset.effective_from]),
            locale=rng.choice([None, "de"]),
            answers=kept,
            revision=rng.randint(1, 9),
            client="c",
            created_at=NOW,
            updated_at=NOW + dt.timedelta(minutes=3),
            decision_id=rng.choice([None, "d1"]),
        )
        start = rng.randint(0, 3)
        stop = rng.choice([None, start + rng.randint(1, 3)])
        view = SessionView(session, evaluation, NOW + dt.timedelta(days=14), slice(start, stop))
        assert text(session_body(view)) == text(SCHEMA.dump(view))
