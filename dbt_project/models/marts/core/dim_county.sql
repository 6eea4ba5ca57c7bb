select
    iso_3166_2 as county_code,
    county_code as plate_code,
    name as county_name,
    name_ascii as county_name_ascii,
    nuts3_code,
    nuts2_code,
    development_region,
    court_of_appeal
from {{ ref('ref_county') }}
