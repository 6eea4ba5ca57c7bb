-- DIICOT injured parties, latest extract per period, with the person's attributes.
{{ latest_with_person('victim_identification', 'diicot', [
    'person_key', 'sex', 'residence_county_code'
]) }}
