"""The agencies tipstats reads, each with its reader and its schema module."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

import pandera.polars as pa
import polars as pl

from schemas import anitp as anitp_schema
from schemas import diicot as diicot_schema
from schemas import instante as instante_schema
from schemas import ong as ong_schema
from schemas import politie as politie_schema
from sources.anitp import reader as anitp_reader
from sources.common.delivery import Delivery
from sources.common.landing import LandingFile
from sources.diicot import reader as diicot_reader
from sources.instante import reader as instante_reader
from sources.ong import reader as ong_reader
from sources.politie import reader as politie_reader

Reader = Callable[[LandingFile, bytes], Delivery]
ToUnified = Callable[[LandingFile, dict[str, pl.DataFrame]], dict[str, pl.DataFrame]]


@dataclass(frozen=True)
class Agency:
    name: str
    title: str
    read: Reader
    models: dict[str, type[pa.DataFrameModel]]
    to_unified: ToUnified


def _agency(name: str, title: str, reader: ModuleType, schema: ModuleType) -> Agency:
    return Agency(name, title, reader.read, schema.MODELS, schema.to_unified)


AGENCIES: dict[str, Agency] = {
    a.name: a
    for a in (
        _agency("politie", "Police (IGPR/DCCO) case register", politie_reader, politie_schema),
        _agency("diicot", "Prosecution (DIICOT) cases and persons", diicot_reader, diicot_schema),
        _agency("instante", "Courts (CSM) decisions", instante_reader, instante_schema),
        _agency("anitp", "ANITP victim register", anitp_reader, anitp_schema),
        _agency("ong", "Assistance providers (NGOs, IOs)", ong_reader, ong_schema),
    )
}
