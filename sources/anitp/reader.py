"""ANITP victim register: UTF-8 CSV with BOM, `,` separator, ISO dates."""

from __future__ import annotations

from sources.common.config import load_config
from sources.common.csv_reader import read_csv
from sources.common.delivery import DeliveredTable, Delivery
from sources.common.landing import LandingFile
from sources.common.privacy import pseudonymise_cnp

AGENCY = "anitp"


def read(file: LandingFile, key: bytes) -> Delivery:
    config = load_config(AGENCY)
    entity = config.entity("victims")
    rows, issues = read_csv(file, entity, config.encoding or "utf-8-sig", config.separator or ",")
    rows = pseudonymise_cnp(rows, "cnp", key)
    return Delivery(file, [DeliveredTable(entity.entity, entity.sheet, rows)], issues)
