"""HTTP payload schemas of the audit trail: chain verification, checkpoints, the head."""

from __future__ import annotations

from marshmallow import Schema, fields

from api.fields import HEARTBEAT


class BrokenRecordSchema(Schema):
    """The first record (or checkpoint) that fails verification."""

    sequence = fields.Integer(required=True)
    id = fields.String(allow_none=True)
    reason = fields.String(required=True)
    fields_ = fields.List(fields.String(), data_key="fields", attribute="fields", required=True)
    checkpoint = fields.String(
        allow_none=True,
        metadata={"description": "The checkpoint the chain fails to match (or cannot trust)."},
    )


class ChainHeadSchema(Schema):
    """A place in the chain: a record's sequence and hash (0 and the genesis hash: empty)."""

    sequence = fields.Integer(required=True)
    hash = fields.String(required=True)


class VerificationSchema(Schema):
    """The outcome of verifying the hash chain (and the signed checkpoints, when kept)."""

    ok = fields.Boolean(required=True)
    checked = fields.Integer(required=True)
    broken = fields.Nested(BrokenRecordSchema, allow_none=True, required=True)
    checkpoints = fields.Integer(
        required=True, metadata={"description": "Checkpoints the chain was compared with."}
    )
    latest_checkpoint = fields.String(allow_none=True, required=True)
    after_latest = fields.Integer(
        required=True,
        metadata={"description": "Records after the latest checkpoint (the chain alone vouches)."},
    )
    head = fields.Nested(
        ChainHeadSchema,
        allow_none=True,
        required=True,
        metadata={"description": "The head verified up to; records appended later are not."},
    )
    message = fields.String(required=True)


class VerificationJobSchema(Schema):
    """A verification of the chain as a job: how far it got and, once done, its outcome."""

    id = fields.String(required=True)
    status = fields.String(
        required=True, metadata={"enum": ["pending", "running", "done", "failed", "cancelled"]}
    )
    total = fields.Integer(
        required=True, metadata={"description": "Records in the chain (0 until the job starts)"}
    )
    processed = fields.Integer(required=True, metadata={"description": "Records checked"})
    rate = fields.Float(required=True, metadata={"description": "Records per second so far"})
    created_by = fields.String(required=True)
    created_at = fields.String(required=True)
    started_at = fields.String(allow_none=True)
    finished_at = fields.String(allow_none=True)
    heartbeat_at = fields.String(allow_none=True, metadata={"description": HEARTBEAT})
    error = fields.String(allow_none=True)
    result = fields.Nested(
        VerificationSchema,
        allow_none=True,
        required=True,
        metadata={"description": "The outcome once done (ok, or the first problem)"},
    )
    verified_to = fields.Nested(
        ChainHeadSchema,
        allow_none=True,
        metadata={
            "description": "The last record of the prefix this job has verified clean so far "
            "(null: none yet); a resumed job goes on after it"
        },
    )
    started_from = fields.Nested(
        ChainHeadSchema,
        allow_none=True,
        metadata={
            "description": "Where the job's latest run started: null from the first record, "
            "or after the records an earlier run verified (a resumed job)"
        },
    )


class VerificationJobListSchema(Schema):
    """The chain verifications kept, newest first."""

    items = fields.List(fields.Nested(VerificationJobSchema), required=True)


class CheckpointSchema(Schema):
    """A signed checkpoint of the chain head (verify `signature` over the other members)."""

    format = fields.String(required=True, metadata={"example": "eligibility-checkpoint/1"})
    sequence = fields.Integer(required=True)
    head_hash = fields.String(required=True)
    created_at = fields.String(required=True, metadata={"format": "date-time"})
    key_id = fields.String(required=True, metadata={"example": "ed25519:0123456789abcdef"})
    signature = fields.String(
        required=True, metadata={"description": "Base64 Ed25519 signature of the payload."}
    )
    name = fields.String(required=True)
    public_key = fields.String(
        allow_none=True,
        metadata={"description": "The PEM public key of key_id, if trusted here."},
    )


class AuditHeadSchema(Schema):
    """The chain head now and the latest signed checkpoint."""

    sequence = fields.Integer(required=True)
    hash = fields.String(required=True)
    latest_checkpoint = fields.Nested(CheckpointSchema, allow_none=True, required=True)
    records_since_checkpoint = fields.Integer(required=True)
