select
    alpha_2 as country_code,
    alpha_3,
    name_en as country_name_en,
    name_ro as country_name_ro,
    eu_member_from_year,
    eu_member_to_year
from {{ ref('ref_country') }}
