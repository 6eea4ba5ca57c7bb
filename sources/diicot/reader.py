"""DIICOT workbook: sheets Dosare (cases) and Persoane (persons), title band above the header."""

from __future__ import annotations

import polars as pl

from sources.common.config import load_config
from sources.common.dates import parse_date
from sources.common.delivery import DeliveredTable, Delivery
from sources.common.landing import LandingFile
from sources.common.privacy import pseudonymise_cnp, pseudonymise_name
from sources.common.xlsx_reader import open_workbook, read_sheet

AGENCY = "diicot"


def read(file: LandingFile, key: bytes) -> Delivery:
    config = load_config(AGENCY)
    with open_workbook(file) as workbook:
        cases = read_sheet(workbook, config.entity("cases"))
        persons = read_sheet(workbook, config.entity("persons"))
    born = parse_date(pl.col("data_nasterii"))
    persons = pseudonymise_cnp(persons, "cnp", key)
    persons = pseudonymise_name(persons, ["nume_si_prenume"], born, born.dt.year(), key)
    return Delivery(
        file,
        [
            DeliveredTable("cases", config.entity("cases").sheet, cases),
            DeliveredTable("persons", config.entity("persons").sheet, persons),
        ],
    )
