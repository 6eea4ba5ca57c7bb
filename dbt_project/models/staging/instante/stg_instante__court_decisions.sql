-- Court decisions, latest extract per period, with the defendant's attributes.
{{ latest_with_person('court_decision', 'instante', ['person_key', 'sex', 'birth_date']) }}
