"""Base models for rows as an agency delivers them (before any mapping)."""

from __future__ import annotations

import pandera.polars as pa

from schemas.vocabulary import CNP_STATUSES

KEY_LENGTH = {"min_value": 64, "max_value": 64}  # hex HMAC-SHA256


class Delivered(pa.DataFrameModel):
    """Base of every agency model for rows as delivered: text columns, lazy checks."""

    source_row: int = pa.Field(ge=1)

    class Config:
        strict = False
        coerce = False


class DeliveredPerson(Delivered):
    """Rows that name a person carry the CNP's pseudonym and status instead of the CNP."""

    cnp_status: str = pa.Field(isin=CNP_STATUSES)
    cnp_key: str = pa.Field(nullable=True, str_length=KEY_LENGTH)
