-- Persons suspected, prosecuted and convicted of trafficking per year, by citizenship where
-- recorded ('unknown' otherwise; the court extract has no citizenship, so a convicted person's
-- comes from their police or DIICOT record). Rows only where there are persons.
select
    year,
    legal_status,
    coalesce(citizenship_code, 'unknown') as citizenship_code,
    count(*) as persons
from {{ ref('fct_trafficking_person_status') }}
group by all
