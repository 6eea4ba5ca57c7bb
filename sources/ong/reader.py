"""NGO / IO beneficiaries: one sheet `Beneficiari`, free-text exploitation, CNP often empty."""

from __future__ import annotations

import polars as pl

from sources.common.config import load_config
from sources.common.delivery import DeliveredTable, Delivery
from sources.common.landing import LandingFile
from sources.common.privacy import pseudonymise_cnp, pseudonymise_code, pseudonymise_name
from sources.common.xlsx_reader import open_workbook, read_sheet

AGENCY = "ong"


def read(file: LandingFile, key: bytes) -> Delivery:
    entity = load_config(AGENCY).entity("beneficiaries")
    with open_workbook(file) as workbook:
        rows = read_sheet(workbook, entity)
    birth_year = pl.col("anul_nasterii").cast(pl.Int64, strict=False)
    rows = pseudonymise_cnp(rows, "cnp", key)
    rows = pseudonymise_name(rows, ["nume", "prenume"], None, birth_year, key)
    rows = pseudonymise_code(rows, "cod_beneficiar", key, "tipstats-ong-beneficiary-v1")
    return Delivery(file, [DeliveredTable(entity.entity, entity.sheet, rows)])
