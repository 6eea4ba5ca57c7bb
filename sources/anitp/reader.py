"""ANITP victim register: UTF-8 CSV with BOM, `,` separator, ISO dates."""

from __future__ import annotations

from sources.common.config import load_config
from sources.common.csv_reader import read_csv
from sources.common.delivery import DeliveredTable, Delivery
from sources.common.hygiene import finish, mask_shifted_rows
from sources.common.landing import LandingFile
from sources.common.privacy import pseudonymise_cnp

AGENCY = "anitp"
# Columns the SPEC allows empty (PARTICIPARE_PROCES is not: NECUNOSCUT is one of its codes).
OPTIONAL = (
    "data_nasterii",
    "cetatenie",
    "judet_resedinta",
    "mediu",
    "forma_exploatare",
    "tip_trafic",
    "tara_exploatare",
    "mod_recrutare",
    "asistenta",
    "nr_dosar_penal",
)
ISO_COUNTRIES = ("cetatenie", "tara_exploatare")


def read(file: LandingFile, key: bytes) -> Delivery:
    config = load_config(AGENCY)
    entity = config.entity("victims")
    rows, issues = read_csv(file, entity, config.encoding or "utf-8-sig", config.separator or ",")
    rows = mask_shifted_rows(rows, ("cnp",), "cnp", "sex")
    rows = pseudonymise_cnp(rows, "cnp", key)
    rows = finish(rows, OPTIONAL, ISO_COUNTRIES)
    return Delivery(file, [DeliveredTable(entity.entity, entity.sheet, rows)], issues)
