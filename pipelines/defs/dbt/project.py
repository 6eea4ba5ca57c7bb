"""The dbt project as dagster-dbt sees it, and how its manifest gets made.

`dagster-dbt project prepare-and-package --file pipelines/defs/dbt/project.py` (make test,
make run) parses it into target/manifest.json; `dagster dev` re-parses it on every load
(prepare_if_dev). Importing this module reads dbt_project.yml, so only the lazy
definitions import it.
"""

from dagster_dbt import DbtProject

from pipelines import settings

dbt_project = DbtProject(project_dir=settings.DBT_PROJECT_DIR)


def prepare_if_missing() -> None:
    """Parse the project when it has no manifest yet (`tipstats run` on a fresh checkout)."""
    if not dbt_project.manifest_path.exists():
        dbt_project.preparer.prepare(dbt_project)
