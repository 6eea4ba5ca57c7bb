"""Standard tables for official reporting (GRETA, TIP Report, Eurostat, UNODC/SDG 16.2.2)."""
