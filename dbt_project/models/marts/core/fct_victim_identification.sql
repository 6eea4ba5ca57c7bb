-- The official register: ANITP identification episodes of the latest extract of each period.
select
    record_id,
    person_id,
    identification_date,
    cast(identification_year as integer) as identification_year,
    sex,
    age_at_identification,
    age_group,
    citizenship_code,
    residence_county_code,
    exploitation_form,
    exploitation_forms,
    trafficking_scope,
    exploitation_country_code,
    identifying_institution,
    accepted_assistance,
    participates_in_proceedings,
    is_counted,
    source_file,
    extract_date
from {{ ref('int_victim_registrations') }}
