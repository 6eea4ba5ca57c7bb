-- Police (case, person) rows, latest extract per period, with the person's attributes.
{{ latest_with_person('proceedings_event', 'politie', [
    'person_key', 'sex', 'birth_date', 'citizenship_code', 'residence_county_code'
]) }}
