-- DIICOT (case, person) rows (sheet Persoane), latest extract per period.
{{ latest_with_person('proceedings_event', 'diicot', [
    'person_key', 'sex', 'birth_date', 'citizenship_code', 'residence_county_code'
]) }}
