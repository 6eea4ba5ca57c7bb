select
    article,
    code as offence_code,
    name_ro,
    name_en,
    is_trafficking_chapter,
    law,
    is_trafficking_offence,
    source
from {{ ref('codelist_offence') }}
