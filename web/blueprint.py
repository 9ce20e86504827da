"""The one blueprint of the interview's pages (its routes live in `start` and `interview`)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("interview", __name__)
