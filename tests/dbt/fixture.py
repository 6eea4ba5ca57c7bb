"""A tiny hand-written warehouse: every number the tests expect is worked out from it by hand.

Persons (K = has a valid CNP, so a pseudonym; N = no CNP):
- ANITP 2020, first extract (2021-01-15): K1 twice (Mar and Jun), N1, K2.
- ANITP 2020, revision (2021-06-01): K1 twice, N1, K3 (late registration, takes part in the
  proceedings); K2 withdrawn.
- ANITP 2021 (2022-01-15): K1 again.
- Police 2020: case P-2020-000001 (Jan) victim K1, suspect D1; P-2020-000002 (Apr) suspect S4,
  a victim without CNP.
- DIICOT 2020: 10/D/P/2020 plea agreement 2020-05-10 (defendant D1, victim K1); 11/D/P/2020
  indictment 2021-01-05 (defendant D2, no CNP); 12/D/P/2020 dismissal (suspect S3).
- Courts 2021: D1 first instance 2021-03-01 (36 months suspended), appeal 2021-09-01 final
  (suspended, confiscation 1,000, damages 500); D2 first instance 2021-06-01 final
  (60 months custodial, damages 200, confiscation not reported).
- DIICOT 2019: 20/D/P/2019 indictment 2019-09-01 for art. 210 (defendant D3).
- Courts 2021, outside the trafficking scope: D3 final conviction 2021-05-01 for art. 213 only
  (charged with 210: a reclassification), 24 months custodial, damages 300; D4 final
  conviction 2021-07-01 for art. 367 only, 12 months custodial.
- Courts 2022: D5 final conviction 2022-02-01 under Law 678/2001 art. 12 (former code),
  12 months suspended: a trafficking conviction.
- NGO 2020: K3 assisted.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import polars as pl

from pipelines.ingest import warehouse as wh
from pipelines.ingest.validation import QUARANTINE_SCHEMA
from schemas.unified import UNIFIED_MODELS


def key(name: str) -> str:
    return (name.lower() * 64)[:64]


D = dt.date


def offence_columns(codes: tuple[str, ...]) -> dict[str, list[Any]]:
    return {
        "offence_articles": [int(c[2:]) for c in codes if c.startswith("CP")],
        "offence_codes": list(codes),
    }


class Builder:
    def __init__(self) -> None:
        self.tables: dict[str, list[dict[str, Any]]] = {name: [] for name in UNIFIED_MODELS}
        self.files: list[dict[str, Any]] = []
        self.quarantine: list[dict[str, Any]] = []

    def file(
        self,
        agency: str,
        period: str,
        extract: dt.date,
        quarantined: int = 0,
        *,
        rows_read: int = 0,
        status: str = "loaded",
        suffix: str = "",
    ) -> str:
        name = f"{agency}_{period}_{extract:%Y%m%d}{suffix}"
        self.files.append(
            {
                "file_id": name.ljust(64, "0"),
                "source_agency": agency,
                "source_file": name,
                "period": period,
                "extract_date": extract,
                "size_bytes": 1,
                "status": status,
                "reason": None,
                "rows_read": rows_read,
                "rows_accepted": 0,
                "rows_quarantined": quarantined,
                "run_id": "fixture",
                "loaded_at": dt.datetime(2022, 2, 1, tzinfo=dt.UTC),
            }
        )
        return name

    def quarantined(
        self, file: str, row: int, rule: str, column: str | None = None, sheet: str | None = None
    ) -> None:
        meta = next(f for f in self.files if f["source_file"] == file)
        self.quarantine.append(
            {
                "source_agency": meta["source_agency"],
                "source_file": file,
                "source_sheet": sheet,
                "source_row": row,
                "column_name": column,
                "rule": rule,
                "reason": rule,
                "value": None,
                "stage": "validate",
            }
        )

    def _lineage(self, file: str, row: int, sheet: str | None = None) -> dict[str, Any]:
        meta = next(f for f in self.files if f["source_file"] == file)
        return {
            "record_id": f"{file}:{sheet or '-'}:{row}",
            "source_agency": meta["source_agency"],
            "source_file": file,
            "source_sheet": sheet,
            "source_row": row,
            "period": meta["period"],
            "extract_date": meta["extract_date"],
        }

    def person(
        self,
        file: str,
        row: int,
        person: str | None,
        role: str,
        sex: str = "F",
        county: str | None = "RO-IS",
        citizenship: str | None = "RO",
        sheet: str | None = None,
        *,
        born: dt.date | None = None,
        birth_year: int | None = None,
    ) -> None:
        self.tables["person_record"].append(
            {
                **self._lineage(file, row, sheet),
                "person_key": key(person) if person else None,
                "cnp_status": "valid" if person else "missing",
                "name_birth_date_key": None,
                "name_birth_year_key": None,
                "role": role,
                "sex": sex,
                "birth_date": born,
                "birth_year": born.year if born else birth_year,
                "citizenship_code": citizenship,
                "residence_county_code": county,
            }
        )

    def victim(
        self,
        file: str,
        row: int,
        person: str | None,
        when: dt.date,
        *,
        age: int = 30,
        form: str = "sexual",
        scope: str = "transnational",
        sex: str = "F",
        county: str | None = "RO-IS",
        citizenship: str | None = "RO",
        institution: str = "police",
        sheet: str | None = None,
        participates: str | None = None,
        assistance: str | None = None,
        born: dt.date | None = None,
        country: str | None = "by scope",
    ) -> None:
        self.person(file, row, person, "victim", sex, county, citizenship, sheet, born=born)
        self.tables["victim_identification"].append(
            {
                **self._lineage(file, row, sheet),
                "identification_date": when,
                "identifying_institution": institution,
                "age_at_identification": age,
                "age_group": "child" if age < 18 else "adult",
                "exploitation_form": form,
                "exploitation_forms": [form],
                "exploitation_country_code": (
                    ("RO" if scope == "domestic" else "DE") if country == "by scope" else country
                ),
                "trafficking_scope": scope,
                "recruitment_method": None,
                "residence_area": None,
                "accepted_assistance": assistance,
                "participates_in_proceedings": participates,
                "case_number": None,
            }
        )

    def case(
        self,
        file: str,
        row: int,
        number: str,
        stage: str,
        registered: dt.date,
        decision: str | None = None,
        decided: dt.date | None = None,
        prosecutor: str | None = None,
        sheet: str | None = None,
        offences: tuple[str, ...] = ("CP210",),
        *,
        court: str | None = None,
        organised: bool | None = None,
        cross_border: bool | None = None,
        status: str | None = None,
    ) -> None:
        self.tables["case_record"].append(
            {
                **self._lineage(file, row, sheet),
                "case_number": number,
                "case_stage": stage,
                "handling_unit": None,
                "registration_date": registered,
                "referral_mode": None,
                **offence_columns(offences),
                "police_case_status": status,
                "prosecutor_case_number": prosecutor
                or (number if stage == "prosecution" else None),
                "prosecutor_decision": decision,
                "prosecutor_decision_date": decided,
                "court_name": court,
                "organised_crime_group": organised,
                "cross_border": cross_border,
                "seized_value_lei": None,
            }
        )

    def event(
        self,
        file: str,
        row: int,
        person: str | None,
        case: str,
        stage: str,
        role: str,
        when: dt.date,
        sheet: str | None = None,
        offences: tuple[str, ...] = ("CP210",),
    ) -> None:
        if role != "victim":
            self.person(file, row, person, role, "M", sheet=sheet)
        self.tables["proceedings_event"].append(
            {
                **self._lineage(file, row, sheet),
                "case_number": case,
                "case_stage": stage,
                "role": role,
                "event_date": when,
                **offence_columns(offences),
                "pretrial_detention": None,
            }
        )

    def decision(
        self,
        file: str,
        row: int,
        person: str | None,
        level: str,
        when: dt.date,
        *,
        final: bool,
        months: int,
        suspended: bool,
        confiscation: float | None = None,
        damages: float | None = None,
        prosecutor: str | None = "10/D/P/2020",
        offences: tuple[str, ...] = ("CP210",),
        court: str = "Tribunalul Iași",
    ) -> None:
        self.person(file, row, person, "defendant", "M")
        self.tables["court_decision"].append(
            {
                **self._lineage(file, row),
                "court_case_number": f"{row}/99/2021",
                "court_name": court,
                "court_level": level,
                "prosecutor_case_number": prosecutor,
                "registration_date": None,
                **offence_columns(offences),
                "decision": "conviction",
                "decision_date": when,
                "is_final": final,
                "sentence_type": "prison",
                "sentence_months": months,
                "is_suspended": suspended,
                "fine_lei": None,
                "confiscation_lei": confiscation,
                "damages_lei": damages,
                "victims_count": 1,
            }
        )

    def assisted(
        self,
        file: str,
        row: int,
        person: str | None,
        when: dt.date | None,
        *,
        provider: str = "ADPARE",
        sex: str = "M",
        county: str | None = "RO-CJ",
        citizenship: str | None = "RO",
        birth_year: int | None = None,
        participates: str | None = None,
        case: str | None = None,
    ) -> None:
        self.person(
            file,
            row,
            person,
            "assisted_person",
            sex,
            county,
            citizenship,
            sheet="Beneficiari",
            birth_year=birth_year,
        )
        self.tables["assistance_episode"].append(
            {
                **self._lineage(file, row, "Beneficiari"),
                "provider_name": provider,
                "beneficiary_code_key": None,
                "programme_entry_date": when,
                "exploitation_form": "labour",
                "exploitation_country_code": None,
                "participates_in_proceedings": participates,
                "case_number": case,
            }
        )

    def write(self, path: Path) -> None:
        with wh.connect(path) as con:
            wh.ensure_tables(con)
            for table, rows in self.tables.items():
                model = UNIFIED_MODELS[table]
                schema = {
                    name: column.dtype.type for name, column in model.to_schema().columns.items()
                }
                frame = pl.DataFrame(rows, schema=schema)
                model.validate(frame)
                wh.insert(con, f"unified.{table}", frame)
            wh.insert(con, "ops.file_manifest", pl.DataFrame(self.files, schema=wh.MANIFEST_SCHEMA))
            wh.insert(
                con, "ops.quarantine", pl.DataFrame(self.quarantine, schema=QUARANTINE_SCHEMA)
            )


def build(path: Path) -> None:
    b = Builder()
    first = b.file("anitp", "2020", D(2021, 1, 15))
    b.victim(first, 2, "K1", D(2020, 3, 1), age=16)
    b.victim(first, 3, "K1", D(2020, 6, 1), age=16)
    b.victim(
        first,
        4,
        None,
        D(2020, 7, 1),
        sex="M",
        county=None,
        citizenship="MD",
        form="labour",
        scope="domestic",
    )
    b.victim(first, 5, "K2", D(2020, 8, 1), form="unknown", scope="unknown")
    revised = b.file("anitp", "2020", D(2021, 6, 1), quarantined=2)
    b.victim(revised, 2, "K1", D(2020, 3, 1), age=16)
    b.victim(revised, 3, "K1", D(2020, 6, 1), age=16)
    b.victim(
        revised,
        4,
        None,
        D(2020, 7, 1),
        sex="M",
        county=None,
        citizenship="MD",
        form="labour",
        scope="domestic",
    )
    b.victim(
        revised, 5, "K3", D(2020, 11, 2), sex="M", county="RO-CJ", form="labour", participates="yes"
    )
    later = b.file("anitp", "2021", D(2022, 1, 15))
    b.victim(later, 2, "K1", D(2021, 2, 1), age=17)
    police = b.file("politie", "2020", D(2021, 1, 10))
    b.case(police, 2, "P-2020-000001", "police", D(2020, 1, 20), prosecutor="10/D/P/2020")
    b.event(police, 2, None, "P-2020-000001", "police", "victim", D(2020, 1, 20))
    b.victim(police, 2, "K1", D(2020, 1, 20), age=16)
    b.event(police, 3, "D1", "P-2020-000001", "police", "suspect", D(2020, 1, 20))
    b.case(police, 4, "P-2020-000002", "police", D(2020, 4, 1))
    b.event(police, 4, "S4", "P-2020-000002", "police", "suspect", D(2020, 4, 1))
    b.event(police, 5, None, "P-2020-000002", "police", "victim", D(2020, 4, 1))
    b.victim(police, 5, None, D(2020, 4, 1), sex="M")
    diicot = b.file("diicot", "2020", D(2021, 1, 20))
    b.case(
        diicot,
        5,
        "10/D/P/2020",
        "prosecution",
        D(2020, 2, 1),
        "plea_agreement",
        D(2020, 5, 10),
        sheet="Dosare",
    )
    b.case(
        diicot,
        6,
        "11/D/P/2020",
        "prosecution",
        D(2020, 3, 1),
        "indictment",
        D(2021, 1, 5),
        sheet="Dosare",
    )
    b.case(
        diicot,
        7,
        "12/D/P/2020",
        "prosecution",
        D(2020, 4, 1),
        "dismissal",
        D(2020, 9, 1),
        sheet="Dosare",
    )
    b.event(
        diicot, 5, "D1", "10/D/P/2020", "prosecution", "defendant", D(2020, 2, 1), sheet="Persoane"
    )
    b.event(
        diicot, 6, None, "11/D/P/2020", "prosecution", "defendant", D(2020, 3, 1), sheet="Persoane"
    )
    b.event(
        diicot, 7, "S3", "12/D/P/2020", "prosecution", "suspect", D(2020, 4, 1), sheet="Persoane"
    )
    b.event(
        diicot, 8, None, "10/D/P/2020", "prosecution", "victim", D(2020, 2, 1), sheet="Persoane"
    )
    b.victim(diicot, 8, "K1", D(2020, 2, 1), age=16, sheet="Persoane")
    courts = b.file("instante", "2021", D(2022, 1, 15))
    b.decision(
        courts, 1, "D1", "first_instance", D(2021, 3, 1), final=False, months=36, suspended=True
    )
    b.decision(
        courts,
        2,
        "D1",
        "appeal",
        D(2021, 9, 1),
        final=True,
        months=36,
        suspended=True,
        confiscation=1000.0,
        damages=500.0,
    )
    b.decision(
        courts,
        3,
        None,
        "first_instance",
        D(2021, 6, 1),
        final=True,
        months=60,
        suspended=False,
        damages=200.0,
        prosecutor="11/D/P/2020",
    )
    former = b.file("diicot", "2019", D(2020, 1, 20))
    b.case(
        former,
        5,
        "20/D/P/2019",
        "prosecution",
        D(2019, 3, 1),
        "indictment",
        D(2019, 9, 1),
        sheet="Dosare",
    )
    b.event(
        former, 5, "D3", "20/D/P/2019", "prosecution", "defendant", D(2019, 3, 1), sheet="Persoane"
    )
    outside = {"final": True, "suspended": False}
    b.decision(
        courts,
        4,
        "D3",
        "first_instance",
        D(2021, 5, 1),
        months=24,
        damages=300.0,
        prosecutor="20/D/P/2019",
        offences=("CP213",),
        **outside,
    )
    b.decision(
        courts,
        5,
        "D4",
        "first_instance",
        D(2021, 7, 1),
        months=12,
        prosecutor=None,
        offences=("CP367",),
        **outside,
    )
    courts_2022 = b.file("instante", "2022", D(2023, 1, 15))
    b.decision(
        courts_2022,
        1,
        "D5",
        "first_instance",
        D(2022, 2, 1),
        final=True,
        months=12,
        suspended=True,
        prosecutor=None,
        offences=("L678-12",),
    )
    ngo = b.file("ong", "2020", D(2021, 1, 30))
    b.assisted(ngo, 2, "K3", D(2020, 12, 1))
    b.write(path)
