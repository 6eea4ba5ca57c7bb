"""The dbt project as dagster-dbt sees it, and how its manifest gets made.

`dagster-dbt project prepare-and-package --file pipelines/defs/dbt/project.py` (make test,
make run) parses it into target/manifest.json; loading the definitions parses it again when
the project changed since (prepare_if_stale), `dagster dev` included.
Importing this module reads dbt_project.yml, so only the lazy definitions import it.
"""

from pathlib import Path

from dagster_dbt import DbtProject

from pipelines import settings
from pipelines.ops import dbt_state

dbt_project = DbtProject(project_dir=settings.DBT_PROJECT_DIR)


def prepare_if_stale(project: DbtProject = dbt_project) -> None:
    """Parse the project when it has no manifest yet (a fresh checkout) or a file of it was
    written, added or removed since (a pull that brought a new model): dagster-dbt cannot
    follow dbt through a node its manifest lacks."""
    manifest = project.manifest_path
    root = Path(project.project_dir)
    sources = dbt_state.dbt_sources(root)
    # A removed file leaves no file to compare, but its folder was written. Not the project's
    # own folder: dbt adds target/ and logs/ to it, which change nothing dbt parses.
    folders = {p.parent for p in sources} - {root}
    written = max(p.stat().st_mtime for p in {*sources, *folders})
    if not manifest.exists() or written > manifest.stat().st_mtime:
        project.preparer.prepare(project)
