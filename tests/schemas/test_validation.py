"""The quarantine: every failing row, with file, row, column, rule, a reason, and no identifiers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandera.polars as pa
import polars as pl

from pipelines.ingest.validation import quarantine_unified, validate_deliveries, validate_delivery
from schemas import checks
from schemas.delivered import Delivered
from schemas.unified import UNIFIED_MODELS
from sources.common.delivery import DeliveredTable, Delivery
from sources.common.landing import LandingFile
from sources.common.mapping import NAME_KEY_COLUMNS

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


class Dated(Delivered):
    data: str = pa.Field()

    _date = checks.is_date("data")
    _after_extract = checks.not_after_extract("data")


def test_files_validated_together_each_get_what_they_get_alone() -> None:
    """Each row is judged by its own file's extract date and duplicates are found within a
    file, not across files; a file's quarantine names only its own rows."""

    def dated(name: str, extract: dt.date, days: list[str]) -> Delivery:
        file = LandingFile("anitp", Path(name), "2020", extract, "0" * 64, 1)
        rows = {"source_row": list(range(2, 2 + len(days))), "data": days}
        frame = pl.DataFrame(rows, schema_overrides={"source_row": pl.Int64})
        return Delivery(file, [DeliveredTable("toy", None, frame)])

    early = dated("a_2020_20200301.csv", dt.date(2020, 3, 1), ["01.06.2020", "01.02.2020"])
    late = dated(
        "a_2020_20200901.csv", dt.date(2020, 9, 1), ["01.06.2020", "01.02.2020", "01.06.2020"]
    )
    together = validate_deliveries([early, late], {"toy": Dated})
    alone = [validate_delivery(d, {"toy": Dated}) for d in (early, late)]
    for both, one in zip(together, alone, strict=True):
        assert both.file == one.file
        assert both.quarantine.equals(one.quarantine)
        assert both.tables["toy"].accepted.equals(one.tables["toy"].accepted)
    assert together[0].quarantine.select("source_row", "rule").rows() == [(2, "date_after_extract")]
    assert together[1].quarantine.select("source_row", "rule").rows() == [(4, "duplicate_row")]
    assert together[1].tables["toy"].accepted["source_row"].to_list() == [2, 3]


def person_records(file: LandingFile, rows: list[tuple[str | None, int, str]]) -> pl.DataFrame:
    """Unified person records of `file`, one per (sheet, row, sex); Q is outside the sex
    codelist, so that row breaks the unified contract."""
    n = len(rows)
    sheets, numbers, sexes = (list(column) for column in zip(*rows, strict=True))
    stem = file.path.stem
    return pl.DataFrame(
        {
            "record_id": [f"{stem}:{sheet or '-'}:{row}" for sheet, row, _ in rows],
            "source_agency": [file.agency] * n,
            "source_file": [file.file_name] * n,
            "source_sheet": sheets,
            "source_row": numbers,
            "period": [file.period] * n,
            "extract_date": [file.extract_date] * n,
            **{
                key: [None] * n
                for key in (
                    "person_key",
                    "cnp_stem_key",
                    *NAME_KEY_COLUMNS,
                    "name_bigram_keys",
                    "birth_date",
                    "case_number",
                )
            },
            "cnp_status": ["missing"] * n,
            "role": ["victim"] * n,
            "sex": sexes,
            "birth_year": [2001] * n,
            "citizenship_code": ["RO"] * n,
            "residence_county_code": ["RO-IS"] * n,
        },
        schema_overrides={
            "birth_date": pl.Date,
            "source_sheet": pl.Utf8,
            "source_row": pl.Int64,
            "name_bigram_keys": pl.List(pl.Utf8),
            **{key: pl.Utf8 for key in ("person_key", "cnp_stem_key", "case_number")},
        },
    )


def test_a_row_the_unified_contract_refuses_leaves_every_table() -> None:
    person = person_records(FILE, [(None, 2, "F"), (None, 3, "Q")])
    [(kept, quarantine)] = quarantine_unified([(FILE, {"person_record": person})])
    assert kept["person_record"]["source_row"].to_list() == [2]
    assert quarantine.select("source_row", "column_name", "stage").rows() == [(3, "sex", "unified")]
    UNIFIED_MODELS["person_record"].validate(kept["person_record"])


def test_files_checked_together_give_what_each_gives_alone() -> None:
    workbook = LandingFile(
        "diicot", Path("diicot_2020_20210110.xlsx"), "2020", dt.date(2021, 1, 10), "1" * 64, 1
    )
    mapped = [
        (FILE, {"person_record": person_records(FILE, [(None, 2, "F"), (None, 3, "Q")])}),
        # the same row number on two sheets: only the failing sheet's row leaves
        (workbook, {"person_record": person_records(workbook, [("A", 3, "M"), ("B", 3, "Q")])}),
    ]
    together = quarantine_unified(mapped)
    alone = [quarantine_unified([one])[0] for one in mapped]
    for (kept, quarantine), (kept_alone, quarantine_alone) in zip(together, alone, strict=True):
        assert kept["person_record"].equals(kept_alone["person_record"])
        assert quarantine.equals(quarantine_alone)
    (_, csv_quarantine), (book_kept, book_quarantine) = together
    assert csv_quarantine.select("source_file", "source_row").rows() == [(FILE.file_name, 3)]
    assert book_quarantine.select("source_file", "source_sheet").rows() == [
        (workbook.file_name, "B")
    ]
    assert book_kept["person_record"].select("source_sheet", "source_row").rows() == [("A", 3)]
