-- Who is who: the person behind each source record.
-- A valid CNP (its keyed pseudonym) links records across agencies; a record without one is
-- its own person for now. A probabilistic linkage model can later replace this mapping
-- (same columns) without touching the marts.
select
    record_id,
    source_agency,
    coalesce(person_key, 'record:' || record_id) as person_id,
    person_key is not null as linked_by_cnp
from {{ source('unified', 'person_record') }}
