"""Placeholders become empty only where the agency model allows empty (they must agree)."""

from __future__ import annotations

import pandera.polars as pa
import pytest

from schemas import anitp, diicot, instante, ong, politie
from sources.anitp import reader as anitp_reader
from sources.diicot import reader as diicot_reader
from sources.instante import reader as instante_reader
from sources.ong import reader as ong_reader
from sources.politie import reader as politie_reader

# (model, columns the reader empties of placeholders)
PAIRS = [
    (politie.PolitieCasePerson, politie_reader.OPTIONAL),
    (anitp.AnitpVictim, anitp_reader.OPTIONAL),
    (diicot.DiicotCase, diicot_reader.OPTIONAL["cases"]),
    (diicot.DiicotPerson, diicot_reader.OPTIONAL["persons"]),
    (instante.InstanteDecision, instante_reader.OPTIONAL),
    (ong.OngBeneficiary, ong_reader.OPTIONAL),
]
# Nullable, but a placeholder word is one of the column's codes (NECUNOSCUT = unknown).
CODED_PLACEHOLDER = {"participare_proces"}


@pytest.mark.parametrize(("model", "optional"), PAIRS, ids=[m.__name__ for m, _ in PAIRS])
def test_reader_empties_exactly_the_nullable_columns(
    model: type[pa.DataFrameModel], optional: tuple[str, ...]
) -> None:
    columns = model.to_schema().columns
    nullable = {
        name
        for name, column in columns.items()
        if column.nullable and not name.endswith("_key") and name not in CODED_PLACEHOLDER
    }
    assert set(optional) == nullable
