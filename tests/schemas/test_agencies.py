"""What every agency's mapping promises, whichever agency it is."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from schemas.unified import UNIFIED_MODELS
from schemas.vocabulary import AGENCIES, SOURCE_ROW
from sources.common.landing import LandingFile
from sources.registry import SOURCES
from tests.schemas.unified_types import UNIFIED_TYPES


@pytest.mark.parametrize("agency", AGENCIES)
def test_no_accepted_rows_give_empty_tables_of_the_right_shape(agency: str) -> None:
    source = SOURCES[agency]
    file = LandingFile(
        agency, Path(f"{agency}_2020_20210110"), "2020", dt.date(2021, 1, 10), "0" * 64, 1
    )
    empty = {
        entity: pl.DataFrame(
            schema={c: pl.Int64 if c == SOURCE_ROW else pl.Utf8 for c in model.to_schema().columns}
        )
        for entity, model in source.models.items()
    }
    frames = source.to_unified(file, empty)
    assert "person_record" in frames
    for name, table in frames.items():
        assert table.height == 0, name
        assert table.columns == list(UNIFIED_MODELS[name].to_schema().columns), name
        assert dict(table.schema) == UNIFIED_TYPES[name], name
        UNIFIED_MODELS[name].validate(table)
