"""The unified record base every agency maps into (DuckDB schema `unified`).

Every table carries the same lineage columns, so any number can be traced to
the file, sheet and row it came from, and the extract (vintage) it belongs to:

- `record_id`      `<file stem>:<sheet or ->:<row>` of the source row (unique per table)
- `source_agency`  politie | diicot | instante | anitp | ong
- `source_file`, `source_sheet`, `source_row`
- `period`         the reporting period of the extract (`YYYY` or `YYYY-MM`)
- `extract_date`   the day the agency exported it; the latest per (agency, period) wins downstream

Grain of each table:

- `person_record`: one row per person named in one source row (victim, suspect,
  defendant, assisted person). `person_key` is the keyed pseudonym of a valid
  CNP (null otherwise); names exist only as keyed pseudonyms (also the linkage
  attributes: surname, given name, phonetic codes, bigrams, CNP stem). Who is who
  is decided by the linkage (pipelines/linkage -> unified.person_link).
- `victim_identification`: one row per victim recorded in one source row: an
  ANITP identification episode, a police injured party (PV), a DIICOT injured party.
- `case_record`: one row per criminal case as one agency describes it in one
  extract (a police case spans several rows; `source_row` is its first row).
- `proceedings_event`: one row per (case, person, role) in one source row: police
  and DIICOT persons with their role and the event date of their case.
- `court_decision`: one row per (court file, defendant, decision) line from the courts.
- `assistance_episode`: one row per assisted person at an NGO / international organisation.
"""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from schemas import vocabulary as v
from schemas.vocabulary import AGENCIES, CNP_STATUSES


class Lineage(pa.DataFrameModel):
    record_id: str = pa.Field(unique=True)
    source_agency: str = pa.Field(isin=AGENCIES)
    source_file: str
    source_sheet: str = pa.Field(nullable=True)
    source_row: int = pa.Field(ge=1)
    period: str = pa.Field(str_matches=r"^\d{4}(-\d{2})?$")
    extract_date: pl.Date

    class Config:
        strict = True
        coerce = True


class PersonRecord(Lineage):
    person_key: str = pa.Field(nullable=True, str_length={"min_value": 64, "max_value": 64})
    cnp_status: str = pa.Field(isin=CNP_STATUSES)
    # Linkage attributes (pipelines/linkage), keyed pseudonyms only: the first 12 digits of
    # a CNP valid or failing only its check digit; surname and given name apart, their
    # phonetic codes, and the set of the name's letter bigrams (16 hex characters each).
    cnp_stem_key: str = pa.Field(nullable=True)
    name_birth_date_key: str = pa.Field(nullable=True)
    name_birth_year_key: str = pa.Field(nullable=True)
    surname_key: str = pa.Field(nullable=True)
    given_name_key: str = pa.Field(nullable=True)
    surname_phonetic_key: str = pa.Field(nullable=True)
    given_name_phonetic_key: str = pa.Field(nullable=True)
    name_bigram_keys: list[str] = pa.Field(nullable=True)
    role: str = pa.Field(isin=("victim", "suspect", "defendant", "assisted_person"))
    sex: str = pa.Field(isin=v.codes("sex"))
    birth_date: pl.Date = pa.Field(nullable=True)
    birth_year: int = pa.Field(nullable=True, ge=1900, le=2100)
    citizenship_code: str = pa.Field(nullable=True, str_matches=r"^[A-Z]{2}$")
    residence_county_code: str = pa.Field(nullable=True, str_matches=r"^RO-[A-Z]{1,2}$")
    # The criminal case the person belongs to (upper case, no spaces), for linkage.
    case_number: str = pa.Field(nullable=True)


class VictimIdentification(Lineage):
    identification_date: pl.Date = pa.Field(nullable=True)
    identifying_institution: str = pa.Field(isin=v.codes("identifying_institution"))
    age_at_identification: int = pa.Field(nullable=True, ge=0, le=120)
    age_group: str = pa.Field(isin=v.codes("age_group"))
    exploitation_form: str = pa.Field(isin=v.EXPLOITATION_FORMS)
    exploitation_forms: list[str]
    exploitation_country_code: str = pa.Field(nullable=True, str_matches=r"^[A-Z]{2}$")
    trafficking_scope: str = pa.Field(isin=v.codes("trafficking_scope"))
    recruitment_method: str = pa.Field(nullable=True, isin=v.codes("recruitment_method"))
    residence_area: str = pa.Field(nullable=True, isin=v.codes("residence_area"))
    accepted_assistance: str = pa.Field(isin=v.codes("yes_no"), nullable=True)
    participates_in_proceedings: str = pa.Field(isin=v.codes("yes_no"), nullable=True)
    case_number: str = pa.Field(nullable=True)


class CaseRecord(Lineage):
    case_number: str
    case_stage: str = pa.Field(isin=("police", "prosecution"))
    handling_unit: str = pa.Field(nullable=True)
    registration_date: pl.Date = pa.Field(nullable=True)
    referral_mode: str = pa.Field(nullable=True, isin=v.codes("referral_mode"))
    offence_articles: list[int]  # Criminal Code articles only
    offence_codes: list[str]  # every offence: 'CP210', Law 678/2001 'L678-12'
    police_case_status: str = pa.Field(nullable=True, isin=v.codes("police_case_status"))
    prosecutor_case_number: str = pa.Field(nullable=True)
    prosecutor_decision: str = pa.Field(nullable=True, isin=v.codes("prosecutor_decision"))
    prosecutor_decision_date: pl.Date = pa.Field(nullable=True)
    court_name: str = pa.Field(nullable=True)
    organised_crime_group: bool = pa.Field(nullable=True)
    cross_border: bool = pa.Field(nullable=True)
    seized_value_lei: float = pa.Field(nullable=True, ge=0)


class ProceedingsEvent(Lineage):
    case_number: str
    case_stage: str = pa.Field(isin=("police", "prosecution"))
    role: str = pa.Field(isin=("victim", "suspect", "defendant"))
    event_date: pl.Date = pa.Field(nullable=True)
    offence_articles: list[int]  # Criminal Code articles only
    offence_codes: list[str]  # every offence: 'CP210', Law 678/2001 'L678-12'
    pretrial_detention: bool = pa.Field(nullable=True)


class CourtDecision(Lineage):
    court_case_number: str
    court_name: str
    court_level: str = pa.Field(isin=v.codes("court_level"))
    prosecutor_case_number: str = pa.Field(nullable=True)
    registration_date: pl.Date = pa.Field(nullable=True)
    offence_articles: list[int]  # Criminal Code articles only
    offence_codes: list[str]  # every offence: 'CP210', Law 678/2001 'L678-12'
    decision: str = pa.Field(isin=v.codes("court_decision"))
    decision_date: pl.Date
    is_final: bool
    sentence_type: str = pa.Field(nullable=True, isin=v.codes("sentence_type"))
    sentence_months: int = pa.Field(nullable=True, ge=0)
    is_suspended: bool = pa.Field(nullable=True)
    fine_lei: float = pa.Field(nullable=True, ge=0)
    confiscation_lei: float = pa.Field(nullable=True, ge=0)
    damages_lei: float = pa.Field(nullable=True, ge=0)
    victims_count: int = pa.Field(nullable=True, ge=0)


class AssistanceEpisode(Lineage):
    provider_name: str
    beneficiary_code_key: str = pa.Field(nullable=True)
    programme_entry_date: pl.Date = pa.Field(nullable=True)
    exploitation_form: str = pa.Field(isin=v.EXPLOITATION_FORMS)
    exploitation_country_code: str = pa.Field(nullable=True, str_matches=r"^[A-Z]{2}$")
    participates_in_proceedings: str = pa.Field(isin=v.codes("yes_no"), nullable=True)
    case_number: str = pa.Field(nullable=True)


UNIFIED_MODELS: dict[str, type[Lineage]] = {
    "person_record": PersonRecord,
    "victim_identification": VictimIdentification,
    "case_record": CaseRecord,
    "proceedings_event": ProceedingsEvent,
    "court_decision": CourtDecision,
    "assistance_episode": AssistanceEpisode,
}
LINEAGE_COLUMNS = tuple(Lineage.to_schema().columns)
