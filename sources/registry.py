"""The agencies tipstats reads: for each, its reader, delivered models and mapping.

The names come from `schemas.vocabulary.AGENCIES`; each is a package `sources/<name>/`
exposing `TITLE`, `read`, `MODELS` and `to_unified`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

import pandera.polars as pa
import polars as pl

from schemas.vocabulary import AGENCIES
from sources.common.delivery import Delivery
from sources.common.landing import LandingFile

Reader = Callable[[LandingFile, bytes], Delivery]
ToUnified = Callable[[LandingFile, dict[str, pl.DataFrame]], dict[str, pl.DataFrame]]


@dataclass(frozen=True)
class AgencySource:
    name: str
    title: str
    read: Reader
    models: dict[str, type[pa.DataFrameModel]]
    to_unified: ToUnified


def _source(name: str) -> AgencySource:
    package = importlib.import_module(f"sources.{name}")
    return AgencySource(name, package.TITLE, package.read, package.MODELS, package.to_unified)


SOURCES: dict[str, AgencySource] = {name: _source(name) for name in AGENCIES}
