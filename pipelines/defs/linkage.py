"""Who is who: the person linkage between the unified record base and dbt."""

from typing import Any

import dagster as dg

from pipelines import settings
from pipelines.defs.resources import WRITER_POOL, WarehouseResource
from pipelines.linkage.link import link_persons
from pipelines.linkage.review import DecisionFileError

PERSON_LINK = dg.AssetKey(["unified", "person_link"])


@dg.asset(
    key=PERSON_LINK,
    group_name="unified",
    pool=WRITER_POOL,
    deps=[dg.AssetKey(["unified", "person_record"])],
    kinds={"duckdb", "splink"},
    description="unified.person_link: the person behind every person record (CNP stem, "
    "Splink model, reviewers' decisions); ops.linkage_review: pairs near the threshold; "
    "ops.linkage_model: the parameters of each run.",
)
def person_link(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource
) -> dg.MaterializeResult[Any]:
    decisions = settings.link_decisions_path()
    try:
        memory = settings.linkage_memory()
    except ValueError as error:
        raise dg.Failure(f"linkage: {error}") from None
    try:
        with warehouse.connect() as con:
            outcome = link_persons(
                con,
                threshold=settings.link_threshold(),
                band=settings.link_review_band(),
                decisions_path=decisions,
                memory=memory,
            )
    except DecisionFileError as error:
        raise dg.Failure(f"linkage: {error}; fix or remove the file and run again") from None
    if outcome.review_pairs:
        context.log.info(
            f"{outcome.review_pairs} pairs near the threshold in ops.linkage_review; "
            f"decisions go in {decisions}"
        )
    return dg.MaterializeResult(
        metadata={
            "records": outcome.records,
            "persons": outcome.persons,
            "pairs_for_review": outcome.review_pairs,
            "model_trained": outcome.trained,
            "decisions_file": str(decisions),
            "seconds_per_phase": outcome.seconds,
        }
    )


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(assets=[person_link])
