-- Court decisions (latest extracts) with the defendant's person id; identical lines removed
-- upstream, repeated exports of the same decision collapse here. Every staging column passes
-- on (hence the wildcard).
select distinct on (keys.person_id, d.court_case_number, d.court_level, d.decision_date)
    d.*,  -- noqa: AM04
    keys.person_id
from {{ ref('stg_instante__court_decisions') }} as d
inner join {{ ref('int_person_keys') }} as keys using (record_id)
order by
    keys.person_id asc,
    d.court_case_number asc,
    d.court_level asc,
    d.decision_date asc,
    d.extract_date desc
