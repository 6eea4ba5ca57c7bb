-- NGO / IO assistance episodes, latest extract per period, with the person's attributes.
{{ latest_with_person('assistance_episode', 'ong', [
    'person_key', 'sex', 'residence_county_code', 'citizenship_code'
]) }}
