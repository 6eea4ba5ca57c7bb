-- Police injured parties (PV), latest extract per period, with the person's attributes.
{{ latest_with_person('victim_identification', 'politie', [
    'person_key', 'sex', 'residence_county_code'
]) }}
