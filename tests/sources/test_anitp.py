"""ANITP register: UTF-8 with BOM, `,`, LF, ISO dates, multi-valued forms."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.ingest.validation import validate_delivery
from schemas import anitp as schema
from schemas.unified import UNIFIED_MODELS
from sources.anitp import mapping
from sources.anitp.reader import read
from sources.common.delivery import UnreadableFileError
from sources.common.landing import LandingFile, classify
from tests.conftest import EXAMPLES

EXAMPLE = EXAMPLES / "anitp" / "anitp_2016_20170601.csv"
HEADER = (
    "ID_SIMEV,DATA_IDENTIFICARE,INSTITUTIE_IDENTIFICARE,CNP,SEX,DATA_NASTERII,VARSTA,CETATENIE,"
    "JUDET_RESEDINTA,MEDIU,FORMA_EXPLOATARE,TIP_TRAFIC,TARA_EXPLOATARE,MOD_RECRUTARE,ASISTENTA,"
    "PARTICIPARE_PROCES,NR_DOSAR_PENAL"
)
GOOD_ROW = "V-2020-000001,2020-03-01,ONG,,F,,15,MD,,URBAN,sexuala|munca,EXTERN,IT,INTERNET,DA,NU,"


def landing_file(
    tmp_path: Path, content: bytes, name: str = "anitp_2020_20210110.csv"
) -> LandingFile:
    folder = tmp_path / "anitp"
    folder.mkdir(exist_ok=True)
    (folder / name).write_bytes(content)
    file = classify("anitp", folder / name)
    assert isinstance(file, LandingFile)
    return file


def test_example_is_read_whole(key: bytes) -> None:
    file = classify("anitp", EXAMPLE)
    assert isinstance(file, LandingFile)
    delivery = read(file, key)
    rows = delivery.tables[0].rows
    assert EXAMPLE.read_bytes().startswith(b"\xef\xbb\xbf")
    assert rows.height == 6 and delivery.row_issues.height == 0
    assert rows["source_row"].to_list() == [2, 3, 4, 5, 6, 7]
    assert rows["id_simev"][0] == "V-2016-000120"  # the BOM did not stick to the first header
    assert "cnp" not in rows.columns


def test_example_validates_and_maps(key: bytes) -> None:
    file = classify("anitp", EXAMPLE)
    assert isinstance(file, LandingFile)
    validated = validate_delivery(read(file, key), schema.MODELS)
    assert validated.quarantine.height == 0
    frames = mapping.to_unified(file, {k: t.accepted for k, t in validated.tables.items()})
    for name, frame in frames.items():
        UNIFIED_MODELS[name].validate(frame)
    victims = frames["victim_identification"]
    second = victims.filter(victims["source_row"] == 3)
    assert second["exploitation_forms"].to_list() == [["sexual", "labour"]]
    assert second["exploitation_form"].item() == "sexual"  # first listed = main form
    moldovan = frames["person_record"].filter(frames["person_record"]["source_row"] == 5)
    assert moldovan["citizenship_code"].item() == "MD"
    assert moldovan["residence_county_code"].item() is None
    assert moldovan["cnp_status"].item() == "missing"
    assert victims.filter(victims["source_row"] == 5)["age_group"].item() == "child"  # 17


def test_columns_matched_by_name_not_position(tmp_path: Path, key: bytes) -> None:
    names = HEADER.split(",")
    values = GOOD_ROW.split(",")
    order = list(reversed(range(len(names))))
    content = ",".join(names[i] for i in order) + "\n" + ",".join(values[i] for i in order) + "\n"
    rows = read(landing_file(tmp_path, b"\xef\xbb\xbf" + content.encode()), key).tables[0].rows
    assert rows["id_simev"].item() == "V-2020-000001"
    assert rows["forma_exploatare"].item() == "sexuala|munca"


def test_file_without_bom_is_read(tmp_path: Path, key: bytes) -> None:
    content = f"{HEADER}\n{GOOD_ROW}\n".encode()
    assert read(landing_file(tmp_path, content), key).tables[0].rows.height == 1


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty file"),
        (f"{HEADER}\n".encode(), "no data rows"),
        (f"{HEADER}\n{GOOD_ROW[:30]}".encode(), "truncated"),
        (HEADER.replace("VARSTA,", "").encode() + b"\n" + GOOD_ROW.encode() + b"\n", "VARSTA"),
        (b"\xff\xfe" + "ID_SIMEV".encode("utf-16-le"), "not valid utf-8-sig"),
    ],
)
def test_unreadable_files_are_rejected_with_one_line(
    tmp_path: Path, key: bytes, content: bytes, reason: str
) -> None:
    with pytest.raises(UnreadableFileError) as error:
        read(landing_file(tmp_path, content), key)
    message = str(error.value)
    assert reason in message and "\n" not in message


def test_ragged_row_is_a_row_issue_and_others_stay(tmp_path: Path, key: bytes) -> None:
    content = (
        f"{HEADER}\n{GOOD_ROW}\nV-2020-000002,2020-03-02\n{GOOD_ROW.replace('01,', '03,', 1)}\n"
    )
    delivery = read(landing_file(tmp_path, content.encode()), key)
    assert delivery.tables[0].rows["source_row"].to_list() == [2, 4]
    assert delivery.row_issues["source_row"].to_list() == [3]
    assert delivery.row_issues["rule"].to_list() == ["field_count"]
    assert delivery.rows_read() == 3


def test_bad_values_are_quarantined_with_column_and_rule(tmp_path: Path, key: bytes) -> None:
    bad = [
        GOOD_ROW.replace(",F,", ",X,"),
        GOOD_ROW.replace("2020-03-01", "2020-02-30"),
        GOOD_ROW.replace("sexuala|munca", "sexuala|zbor"),
        GOOD_ROW.replace(",MD,,", ",MD,ZZ,"),
    ]
    content = "\n".join([HEADER, GOOD_ROW, *bad]) + "\n"
    validated = validate_delivery(
        read(landing_file(tmp_path, content.encode()), key), schema.MODELS
    )
    found = validated.quarantine.select("source_row", "column_name", "rule").rows()
    assert sorted(found) == [
        (3, "sex", "codelist_sex"),
        (4, "data_identificare", "date"),
        (5, "forma_exploatare", "exploitation_form"),
        (6, "judet_resedinta", "county"),
    ]
    assert validated.rows_accepted() == 1
    assert validated.rows_accepted() + validated.rows_quarantined() == 5
