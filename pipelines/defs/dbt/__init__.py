"""dbt: one area of the code location (project, translator, assets)."""
