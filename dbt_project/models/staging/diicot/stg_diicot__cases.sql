-- DIICOT cases (sheet Dosare), latest extract per period.
{{ latest_extract(source('unified', 'case_record'), 'diicot') }}
