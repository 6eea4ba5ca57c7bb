-- ANITP register, latest extract per period, with the person's attributes.
{{ latest_with_person('victim_identification', 'anitp', [
    'person_key', 'cnp_status', 'sex', 'birth_date', 'citizenship_code', 'residence_county_code'
]) }}
