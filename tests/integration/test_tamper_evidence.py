"""Tamper evidence against a database writer: every edit of a stored decision is found and named."""

from __future__ import annotations

from sqlalchemy import text

from eligibility import services
from eligibility.decisions import CHAIN_FIELDS, CONTENT_FIELDS, DERIVED_COLUMNS
from eligibility.ports import Storage
from eligibility.records import DecisionFilter
from eligibility.storage.sql import SqlStorage
from eligibility.storage.sql.models import DecisionRow

from .helpers import decide

SENIOR = {"age": 70, "resident": True}
YOUNG_POOR = {"age": 30, "income": "900.00", "resident": True}
YOUNG_RICH = {"age": 30, "income": "5000.00", "resident": True}


def tamper(store: Storage, sql: str, **params: object) -> None:
    """Run SQL as a database writer would (the owner of the tables)."""
    assert isinstance(store, SqlStorage)
    with store.db.engine.begin() as connection:
        connection.execute(text(sql), params)


def test_every_stored_column_is_hashed_chained_or_derived() -> None:
    columns = {c.name for c in DecisionRow.__table__.columns}
    covered = set(CONTENT_FIELDS) | set(CHAIN_FIELDS) | set(DERIVED_COLUMNS)
    assert columns - covered == set(), "a column neither hashed nor checked against the hash"
    assert covered - columns == set()


def test_flipping_the_eligible_column_is_detected(fishing_store: Storage) -> None:
    made = [decide(fishing_store, a) for a in (SENIOR, YOUNG_RICH, YOUNG_POOR)]
    assert made[1].eligible is False
    tamper(fishing_store, "UPDATE decisions SET eligible = :e WHERE sequence = 2", e=True)
    lying = fishing_store.decisions.find(DecisionFilter(eligible=True))
    assert made[1].id in [d.id for d in lying]  # the filter reads the column…
    result = services.verify_audit_chain(fishing_store)  # …and verification says it lies
    assert result.broken is not None
    assert (result.broken.sequence, result.broken.fields) == (2, ("eligible",))


def test_a_deleted_record_is_reported_at_its_own_number(fishing_store: Storage) -> None:
    for answers in (SENIOR, YOUNG_RICH, YOUNG_POOR):
        decide(fishing_store, answers)
    tamper(fishing_store, "DELETE FROM decisions WHERE sequence = 2")
    result = services.verify_audit_chain(fishing_store)
    assert result.broken is not None
    assert (result.broken.sequence, result.broken.id) == (2, None)
    assert str(result).startswith("broken at record #2: record #2 is missing")


def test_a_head_moved_back_over_kept_records_is_detected(fishing_store: Storage) -> None:
    made = [decide(fishing_store, a) for a in (SENIOR, YOUNG_RICH, YOUNG_POOR)]
    tamper(
        fishing_store, "UPDATE chain_head SET sequence = 2, hash = :h WHERE id = 1", h=made[1].hash
    )
    result = services.verify_audit_chain(fishing_store)
    assert result.broken is not None and result.broken.sequence == 3
    assert "beyond the chain head #2" in result.broken.reason


def test_edited_field_digests_are_named(fishing_store: Storage) -> None:
    decide(fishing_store, SENIOR)
    tamper(fishing_store, "UPDATE decisions SET field_digests = :d WHERE sequence = 1", d="{}")
    result = services.verify_audit_chain(fishing_store)
    assert result.broken is not None and result.broken.fields == ("field_digests",)
