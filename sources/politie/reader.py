"""Police case register: Windows-1250 CSV, `;` separator, CRLF, dates dd.mm.yyyy."""

from __future__ import annotations

import polars as pl

from sources.common.config import load_config
from sources.common.csv_reader import read_csv
from sources.common.dates import parse_date
from sources.common.delivery import DeliveredTable, Delivery
from sources.common.landing import LandingFile
from sources.common.privacy import pseudonymise_cnp, pseudonymise_name

AGENCY = "politie"


def read(file: LandingFile, key: bytes) -> Delivery:
    config = load_config(AGENCY)
    entity = config.entity("case_persons")
    rows, issues = read_csv(file, entity, config.encoding or "cp1250", config.separator or ";")
    birth_date = parse_date(pl.col("data_nasterii"))
    rows = pseudonymise_cnp(rows, "cnp", key)
    rows = pseudonymise_name(rows, ["nume", "prenume"], birth_date, birth_date.dt.year(), key)
    return Delivery(file, [DeliveredTable(entity.entity, entity.sheet, rows)], issues)
