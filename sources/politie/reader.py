"""Police case register: Windows-1250 CSV, `;` separator, CRLF, dates dd.mm.yyyy."""

from __future__ import annotations

import os
from pathlib import Path

import polars as pl

from schemas.parsers import parse_date
from sources.common.config import load_config
from sources.common.csv_reader import read_csv
from sources.common.delivery import DeliveredTable, Delivery, UnreadableFileError
from sources.common.hygiene import finish, mask_shifted_rows
from sources.common.landing import LandingFile
from sources.common.privacy import pseudonymise_cnp, pseudonymise_name

AGENCY = "politie"
# Columns the SPEC allows empty: a placeholder word there means empty (sources.common.hygiene).
OPTIONAL = (
    "unitate",
    "mod_sesizare",
    "sex",
    "data_nasterii",
    "cetatenie",
    "judet_domiciliu",
    "forma_exploatare",
    "tara_exploatare",
    "dosar_parchet",
    "stadiu",
)


def read(file: LandingFile, key: bytes) -> Delivery:
    config = load_config(AGENCY)
    entity = config.entity("case_persons")
    rows, issues = read_csv(file, entity, config.encoding or "cp1250", config.separator or ";")
    _reject_missing_final_line_end(file.path)
    rows = mask_shifted_rows(rows, ("cnp", "nume", "prenume"), "cnp", "sex")
    birth_date = parse_date(pl.col("data_nasterii"))
    rows = pseudonymise_cnp(rows, "cnp", key)
    rows = pseudonymise_name(rows, ["nume", "prenume"], birth_date, birth_date.dt.year(), key)
    rows = finish(rows, OPTIONAL)
    return Delivery(file, [DeliveredTable(entity.entity, entity.sheet, rows)], issues)


def _reject_missing_final_line_end(path: Path) -> None:
    """The police export ends every line with CRLF, the last one too.

    `read_csv` rejects a last line cut short of its fields; a cut inside the last field
    leaves the right field count (e.g. 'TRIMIS PARCH', or STADIU empty), and rows after
    the cut are lost from the snapshot. Only the missing line end tells, so it rejects.
    """
    with path.open("rb") as handle:
        handle.seek(-1, os.SEEK_END)  # read_csv has already rejected an empty file
        last = handle.read(1)
    if last not in (b"\n", b"\r"):
        raise UnreadableFileError(
            "truncated: the last line has no line end (police files end every line with CRLF)"
        )
