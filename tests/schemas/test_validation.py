"""The quarantine: every failing row, with file, row, column, rule, a reason, and no identifiers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandera.polars as pa
import polars as pl

from pipelines.ingest.validation import quarantine_unified, validate_delivery
from schemas import checks
from schemas.delivered import Delivered
from schemas.unified import UNIFIED_MODELS
from sources.common.delivery import DeliveredTable, Delivery
from sources.common.landing import LandingFile

FILE = LandingFile(
    "anitp", Path("anitp_2020_20210110.csv"), "2020", dt.date(2021, 1, 10), "0" * 64, 1
)


class Toy(Delivered):
    judet: str = pa.Field(nullable=True)
    data: str = pa.Field()

    _county = checks.is_county("judet")
    _date = checks.is_date("data")


def delivery(rows: dict[str, list[str | int | None]]) -> Delivery:
    frame = pl.DataFrame(rows, schema_overrides={"source_row": pl.Int64})
    return Delivery(FILE, [DeliveredTable("toy", None, frame)])


def test_each_failure_is_a_row_with_column_rule_reason_and_value() -> None:
    validated = validate_delivery(
        delivery(
            {
                "source_row": [2, 3, 4, 5],
                "judet": ["IAŞI", "Atlantida", None, "B"],
                "data": ["01.02.2020", "01.02.2020", "2020-02-31", None],
                "cnp_status": ["valid"] * 4,
                "cnp_key": ["a" * 64, "b" * 64, "c" * 64, "d" * 64],
            }
        ),
        {"toy": Toy},
    )
    q = validated.quarantine.sort("source_row")
    assert q.select("source_file", "source_row", "column_name", "rule").rows() == [
        ("anitp_2020_20210110.csv", 3, "judet", "county"),
        ("anitp_2020_20210110.csv", 4, "data", "date"),
        ("anitp_2020_20210110.csv", 5, "data", "not_nullable"),
    ]
    assert q["value"].to_list() == ["Atlantida", "2020-02-31", None]
    assert q["reason"][0] == "judet: not a known Romanian county name or car-plate code"
    assert q["reason"][2] == "data: a value is required here"
    assert validated.tables["toy"].accepted["source_row"].to_list() == [2]


def test_identical_rows_are_counted_once_and_the_copy_quarantined() -> None:
    row = {"judet": "IS", "data": "01.02.2020", "cnp_status": "valid", "cnp_key": "k" * 64}
    rows = {name: [value] * 3 for name, value in row.items()}
    validated = validate_delivery(delivery({"source_row": [2, 3, 4], **rows}), {"toy": Toy})
    assert validated.tables["toy"].accepted["source_row"].to_list() == [2]
    assert validated.quarantine["rule"].to_list() == ["duplicate_row", "duplicate_row"]
    assert validated.quarantine["reason"][0] == "identical to row 2 of the same file; counted once"


def test_identifier_values_are_never_shown() -> None:
    class KeyRequired(Delivered):
        cnp_key: str = pa.Field(str_length={"min_value": 64, "max_value": 64})

    validated = validate_delivery(
        delivery({"source_row": [2], "cnp_status": ["valid"], "cnp_key": ["not-a-pseudonym"]}),
        {"toy": KeyRequired},
    )
    assert validated.quarantine["column_name"].to_list() == ["cnp_key"]
    assert validated.quarantine["value"].to_list() == ["(identifier, not shown)"]
    assert "not-a-pseudonym" not in " ".join(validated.quarantine["reason"].to_list())


def test_a_row_the_unified_contract_refuses_leaves_every_table() -> None:
    lineage = {
        "record_id": ["f:-:2", "f:-:3"],
        "source_agency": ["anitp", "anitp"],
        "source_file": ["f", "f"],
        "source_sheet": [None, None],
        "source_row": [2, 3],
        "period": ["2020", "2020"],
        "extract_date": [dt.date(2021, 1, 10)] * 2,
    }
    person = pl.DataFrame(
        {
            **lineage,
            "person_key": [None, None],
            "cnp_status": ["missing", "missing"],
            "cnp_stem_key": [None, None],
            "name_birth_date_key": [None, None],
            "name_birth_year_key": [None, None],
            "surname_key": [None, None],
            "given_name_key": [None, None],
            "surname_phonetic_key": [None, None],
            "given_name_phonetic_key": [None, None],
            "name_bigram_keys": [None, None],
            "role": ["victim", "victim"],
            "sex": ["F", "Q"],  # Q is outside the sex codelist
            "birth_date": [None, None],
            "birth_year": [2001, 2002],
            "citizenship_code": ["RO", "RO"],
            "residence_county_code": ["RO-IS", None],
            "case_number": [None, None],
        },
        schema_overrides={
            "birth_date": pl.Date,
            "source_sheet": pl.Utf8,
            "name_bigram_keys": pl.List(pl.Utf8),
        },
    )
    kept, quarantine = quarantine_unified(FILE, {"person_record": person})
    assert kept["person_record"]["source_row"].to_list() == [2]
    assert quarantine.select("source_row", "column_name", "stage").rows() == [(3, "sex", "unified")]
    UNIFIED_MODELS["person_record"].validate(kept["person_record"])
