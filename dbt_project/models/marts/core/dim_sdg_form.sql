-- The forms of exploitation of SDG 16.2.2 and their UN series codes.
select
    sdg_form,
    label_en,
    un_series_code,
    un_series_description
from {{ ref('codelist_sdg_form') }}
