"""DIICOT workbook: sheets Dosare (cases) and Persoane (persons), title band above the header."""

from __future__ import annotations

import polars as pl

from schemas.parsers import parse_date
from sources.common.config import load_config
from sources.common.delivery import DeliveredTable, Delivery
from sources.common.hygiene import finish, mask_shifted_rows
from sources.common.landing import LandingFile
from sources.common.privacy import pseudonymise_cnp, pseudonymise_name
from sources.common.xlsx_reader import open_workbook, read_sheet

AGENCY = "diicot"
# Canonical names of the columns holding dates and Romanian-format amounts (what the reader
# needs to read serial numbers of a 1904-system workbook and amount cells typed as numbers).
DATE_COLUMNS = {"cases": ("data_inregistrarii", "data_solutiei"), "persons": ("data_nasterii",)}
AMOUNT_COLUMNS = {"cases": ("valoare_sechestru_lei",), "persons": ()}
# Columns the SPEC allows empty: a placeholder word there means empty (sources.common.hygiene).
OPTIONAL = {
    "cases": (
        "structura",
        "data_solutiei",
        "instanta_sesizata",
        "grup_infractional_organizat",
        "transfrontalier",
        "valoare_sechestru_lei",
    ),
    "persons": (
        "sex",
        "data_nasterii",
        "cetatenie",
        "judet_domiciliu",
        "forma_exploatarii",
        "tara_exploatarii",
        "arestat_preventiv",
    ),
}


def read(file: LandingFile, key: bytes) -> Delivery:
    config = load_config(AGENCY)
    entities = [config.entity("cases"), config.entity("persons")]
    with open_workbook(file) as workbook:
        (cases, case_issues), (persons, person_issues) = (
            read_sheet(
                workbook,
                entity,
                date_columns=DATE_COLUMNS[entity.entity],
                amount_columns=AMOUNT_COLUMNS[entity.entity],
            )
            for entity in entities
        )
    # The single name field is keyed with the birth date (and year) of the same row.
    persons = mask_shifted_rows(persons, ("cnp", "nume_si_prenume"), "cnp", "sex")
    born = parse_date(pl.col("data_nasterii"))
    persons = pseudonymise_cnp(persons, "cnp", key)
    persons = pseudonymise_name(persons, ["nume_si_prenume"], born, born.dt.year(), key)
    cases = finish(cases, OPTIONAL["cases"])
    persons = finish(persons, OPTIONAL["persons"])
    return Delivery(
        file,
        [
            DeliveredTable(entity.entity, entity.sheet, rows)
            for entity, rows in zip(entities, (cases, persons), strict=True)
        ],
        pl.concat([case_issues, person_issues]),
    )
