select
    article,
    code as offence_code,
    name_ro,
    name_en,
    is_trafficking_chapter
from {{ ref('codelist_offence') }}
