"""The one CNP builder of the test suite; every person it makes is synthetic."""

from __future__ import annotations

from schemas.vocabulary import CNP_WEIGHTS


def make_cnp(first12: str) -> str:
    """`first12` completed by the SPEC check digit (weighted sum mod 11, 10 read as 1)."""
    remainder = sum(int(d) * w for d, w in zip(first12, CNP_WEIGHTS, strict=True)) % 11
    return first12 + str(1 if remainder == 10 else remainder)
