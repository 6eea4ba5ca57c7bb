"""NGO / IO beneficiaries: one sheet `Beneficiari`, free-text exploitation, CNP often empty."""

from __future__ import annotations

import polars as pl

from sources.common.config import load_config
from sources.common.delivery import DeliveredTable, Delivery
from sources.common.hygiene import finish, mask_shifted_rows
from sources.common.landing import LandingFile
from sources.common.privacy import pseudonymise_cnp, pseudonymise_code, pseudonymise_name
from sources.common.xlsx_reader import open_workbook, read_sheet

AGENCY = "ong"
BENEFICIARY_DOMAIN = "tipstats-ong-beneficiary-v1"
DATE_COLUMNS = ("data_intrarii_in_program",)
# Columns the SPEC allows empty: a placeholder word there means empty (sources.common.hygiene).
OPTIONAL = (
    "sex",
    "anul_nasterii",
    "cetatenie",
    "judet",
    "data_intrarii_in_program",
    "forma_exploatare",
    "participa_la_procesul_penal",
    "nr_dosar_penal",
)


def read(file: LandingFile, key: bytes) -> Delivery:
    entity = load_config(AGENCY).entity("beneficiaries")
    with open_workbook(file) as workbook:
        rows, issues = read_sheet(workbook, entity, date_columns=DATE_COLUMNS)
    # Only the birth year is delivered: name_birth_date_key stays null.
    rows = mask_shifted_rows(rows, ("cnp", "nume", "prenume", "cod_beneficiar"), "cnp", "sex")
    birth_year = pl.col("anul_nasterii").cast(pl.Int64, strict=False)
    rows = pseudonymise_cnp(rows, "cnp", key)
    rows = pseudonymise_name(rows, ["nume", "prenume"], None, birth_year, key)
    # A file code is compared without case or spaces: 'adp-16-031' is 'ADP-16-031'.
    rows = rows.with_columns(
        pl.col("cod_beneficiar").str.to_uppercase().str.replace_all(r"\s+", "")
    )
    rows = pseudonymise_code(rows, "cod_beneficiar", key, BENEFICIARY_DOMAIN)
    rows = finish(rows, OPTIONAL)
    return Delivery(file, [DeliveredTable(entity.entity, entity.sheet, rows)], issues)
