"""Who is who: person records linked within and across agencies (Splink, DuckDB backend).

`model` holds the Fellegi-Sunter model (comparisons, blocking rules, prior m/u), `link`
runs it on `unified.person_record` and writes `unified.person_link` (record -> person),
`ops.linkage_review` (pairs near the threshold, with their evidence) and
`ops.linkage_model` (the parameters of every run); `review` reads the reviewer's decisions.
Only keyed pseudonyms and coded attributes are compared: never a name or a CNP.
"""
