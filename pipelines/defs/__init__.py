"""Dagster definitions, one module or folder per area; pipelines.definitions loads them all."""
