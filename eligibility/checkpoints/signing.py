"""Checkpoints and their Ed25519 signatures: the signer's private key, the trusted public keys."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from eligibility.decisions import ChainHead
from eligibility.values_io import canonical_json

FORMAT = "eligibility-checkpoint/1"


class CheckpointFormatError(ValueError):
    """A checkpoint file or key file that cannot be read; the message says what is wrong."""


def key_id(public_key: Ed25519PublicKey) -> str:
    """The id a checkpoint names its key by: `ed25519:` and 16 hex digits of its sha256."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "ed25519:" + hashlib.sha256(raw).hexdigest()[:16]


def public_pem(public_key: Ed25519PublicKey) -> str:
    """A public key as PEM text (SubjectPublicKeyInfo)."""
    return public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


def _moment(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class Checkpoint:
    """A signed statement: the chain ended at record `sequence` with hash `head_hash`."""

    sequence: int
    head_hash: str
    created_at: dt.datetime
    key_id: str
    signature: str  # base64 of the Ed25519 signature over `payload()`

    @property
    def name(self) -> str:
        """How reports name this checkpoint."""
        return f"checkpoint #{self.sequence} of {_moment(self.created_at)} (key {self.key_id})"

    @property
    def file_name(self) -> str:
        """The file a directory keeps it in (sorts by sequence, then time)."""
        stamp = self.created_at.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        digest = hashlib.sha256(self.signature.encode("ascii")).hexdigest()[:8]
        return f"{self.sequence:012d}-{stamp}-{digest}.json"

    @property
    def head(self) -> ChainHead:
        """The head it vouches for."""
        return ChainHead(self.sequence, self.head_hash)

    def payload(self) -> bytes:
        """The bytes the signature covers: everything but the signature, canonical JSON."""
        unsigned = {k: v for k, v in self.to_dict().items() if k != "signature"}
        return canonical_json(unsigned).encode("utf-8")

    def to_dict(self) -> dict[str, Any]:
        """The checkpoint as plain data (the file's content, the API's answer)."""
        return {
            "format": FORMAT,
            "sequence": self.sequence,
            "head_hash": self.head_hash,
            "created_at": _moment(self.created_at),
            "key_id": self.key_id,
            "signature": self.signature,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Checkpoint:
        """A checkpoint from `to_dict` data; CheckpointFormatError naming what is wrong."""
        if data.get("format") != FORMAT:
            raise CheckpointFormatError(f"not a checkpoint of format {FORMAT}")
        try:
            created = dt.datetime.fromisoformat(str(data["created_at"]).replace("Z", "+00:00"))
            checkpoint = cls(
                sequence=data["sequence"],
                head_hash=data["head_hash"],
                created_at=created,
                key_id=data["key_id"],
                signature=data["signature"],
            )
        except (KeyError, ValueError) as error:
            raise CheckpointFormatError(f"missing or malformed field: {error}") from None
        kinds = {"sequence": int, "head_hash": str, "key_id": str, "signature": str}
        for name, kind in kinds.items():
            value = getattr(checkpoint, name)
            if not isinstance(value, kind) or isinstance(value, bool):
                raise CheckpointFormatError(f"'{name}' is not a {kind.__name__}")
        if created.tzinfo is None:
            raise CheckpointFormatError("'created_at' has no time zone")
        return checkpoint


class Signer:
    """The private key that signs checkpoints (kept in a file, never in the database)."""

    def __init__(self, private_key: Ed25519PrivateKey) -> None:
        self.private_key = private_key
        self.public_key = private_key.public_key()
        self.key_id = key_id(self.public_key)

    @classmethod
    def from_file(cls, path: Path) -> Signer:
        """The signer whose PEM (PKCS#8, unencrypted) private key is in `path`."""
        try:
            key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        except (OSError, ValueError, TypeError) as error:
            raise CheckpointFormatError(f"{path}: not a readable private key ({error})") from None
        if not isinstance(key, Ed25519PrivateKey):
            raise CheckpointFormatError(f"{path}: not an Ed25519 private key")
        return cls(key)

    def sign(self, head: ChainHead, at: dt.datetime) -> Checkpoint:
        """A checkpoint of `head`, signed now."""
        moment = at.replace(tzinfo=dt.UTC) if at.tzinfo is None else at.astimezone(dt.UTC)
        unsigned = Checkpoint(
            head.sequence, head.hash, moment.replace(microsecond=0), self.key_id, ""
        )
        signature = self.private_key.sign(unsigned.payload())
        return Checkpoint(
            head.sequence,
            head.hash,
            unsigned.created_at,
            self.key_id,
            base64.b64encode(signature).decode("ascii"),
        )


class TrustedKeys:
    """The public keys checkpoints may be signed with, by key id (old keys stay after rotation)."""

    def __init__(self, keys: Iterable[Ed25519PublicKey] = ()) -> None:
        self.keys: dict[str, Ed25519PublicKey] = {key_id(k): k for k in keys}

    @classmethod
    def from_paths(cls, paths: Iterable[Path]) -> TrustedKeys:
        """Public keys from PEM files, or from every `*.pub` (PEM) file in a directory."""
        keys: list[Ed25519PublicKey] = []
        for path in paths:
            files = sorted(path.glob("*.pub")) if path.is_dir() else [path]
            keys.extend(_public_key(f) for f in files)
        return cls(keys)

    def with_key(self, public_key: Ed25519PublicKey) -> TrustedKeys:
        """These keys and one more (the signer's own)."""
        return TrustedKeys([*self.keys.values(), public_key])

    def problem(self, checkpoint: Checkpoint) -> str | None:
        """Why the checkpoint's signature cannot be trusted, or None when it verifies."""
        key = self.keys.get(checkpoint.key_id)
        if key is None:
            return f"it is signed with key {checkpoint.key_id}, which is not among the trusted keys"
        try:
            key.verify(base64.b64decode(checkpoint.signature, validate=True), checkpoint.payload())
        except (InvalidSignature, binascii.Error, ValueError):
            return "its signature does not verify: the checkpoint was forged or altered"
        return None

    def pem(self, wanted: str) -> str | None:
        """The PEM text of a trusted key, by id."""
        key = self.keys.get(wanted)
        return public_pem(key) if key is not None else None


def _public_key(path: Path) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(path.read_bytes())
    except (OSError, ValueError) as error:
        raise CheckpointFormatError(f"{path}: not a readable public key ({error})") from None
    if not isinstance(key, Ed25519PublicKey):
        raise CheckpointFormatError(f"{path}: not an Ed25519 public key")
    return key


def new_private_key(path: Path) -> Signer:
    """Generate a key, write it to `path` (mode 0600, never overwritten), return its signer."""
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(handle, "wb") as out:
        out.write(pem)
    return Signer(key)

