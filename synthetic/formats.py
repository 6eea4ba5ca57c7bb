"""Write the agencies' files, each in its SPEC format and spelling, from the ground truth.

Every writer returns the rows it wrote as `agency_records` (file, sheet, row as a
person reads it, person_id, role) and the rows it spoiled on purpose as
`injected_errors`, so tests can measure the pipeline against the truth.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl
import xlsxwriter

from synthetic import spelling as sp
from synthetic.justice import PROCURING_CASE, is_procuring_case
from synthetic.world import World

FIXED_TIME = dt.datetime(2000, 1, 1)


@dataclass
class Ledger:
    """What was written where: agency records and deliberately invalid cells."""

    records: list[dict[str, object]] = field(default_factory=list)
    errors: list[dict[str, object]] = field(default_factory=list)

    def add_records(
        self,
        agency: str,
        file: str,
        sheet: str | None,
        rows: list[int],
        persons: list[str],
        roles: list[str],
    ) -> None:
        self.records += [
            {"agency": agency, "file": file, "sheet": sheet, "row": r, "person_id": p, "role": ro}
            for r, p, ro in zip(rows, persons, roles, strict=True)
        ]

    def copy_file(self, source: str, copy: str) -> None:
        """The same rows and spoiled cells, under another file name."""
        self.records += [{**r, "file": copy} for r in self.records if r["file"] == source]
        self.errors += [{**e, "file": copy} for e in self.errors if e["file"] == source]

    def add_error(self, file: str, sheet: str | None, row: int, column: str, kind: str) -> None:
        self.errors.append(
            {"file": file, "sheet": sheet, "row": row, "column": column, "kind": kind}
        )


def _ddmmyyyy(value: dt.date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


def _ro_amount(value: float | None) -> str:
    if value is None:
        return ""
    whole, cents = f"{value:,.2f}".split(".")
    return f"{whole.replace(',', '.')},{cents}"


def _write_csv(path: Path, frame: pl.DataFrame, separator: str, encoding: str, crlf: bool) -> None:
    text = frame.write_csv(separator=separator, quote_style="necessary")
    if crlf:
        text = text.replace("\n", "\r\n")
    path.write_bytes(text.encode(encoding))


# ---------------------------------------------------------------- ANITP (register)


def _anitp_frame(victims: pl.DataFrame, world: World) -> pl.DataFrame:
    counties = world.counties
    return pl.DataFrame(
        {
            "ID_SIMEV": victims["simev_id"],
            "DATA_IDENTIFICARE": victims["identification_date"].dt.to_string("%Y-%m-%d"),
            "INSTITUTIE_IDENTIFICARE": victims["institution"],
            "CNP": victims["cnp"],
            "SEX": victims["sex"],
            "DATA_NASTERII": victims["birth_date"].dt.to_string("%Y-%m-%d"),
            "VARSTA": victims["age"].cast(pl.Utf8),
            "CETATENIE": victims["citizenship"],
            "JUDET_RESEDINTA": [counties.plate[i] if i >= 0 else "" for i in victims["county"]],
            "MEDIU": victims["area"],
            "FORMA_EXPLOATARE": [
                "|".join(sp.ANITP_FORM[f] for f in forms) for forms in victims["forms"]
            ],
            "TIP_TRAFIC": [
                "INTERN" if c == "RO" else "EXTERN" for c in victims["exploitation_country"]
            ],
            "TARA_EXPLOATARE": victims["exploitation_country"],
            "MOD_RECRUTARE": victims["recruitment"],
            "ASISTENTA": victims["assistance"],
            "PARTICIPARE_PROCES": victims["participation"],
            "NR_DOSAR_PENAL": [""] * victims.height,
        }
    )


def write_anitp(
    out: Path, world: World, ledger: Ledger, revised_years: set[int], rng: np.random.Generator
) -> list[str]:
    folder = out / "anitp"
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for year in sorted(world.victims["year"].unique()):
        victims = world.victims.filter(pl.col("year") == year).sort(
            "identification_date", "simev_id"
        )
        extracts = [
            (f"anitp_{year}_{year + 1}0115.csv", victims.filter(~pl.col("late_registration")))
        ]
        if year in revised_years:
            extracts.append((f"anitp_{year}_{year + 1}0601.csv", victims))
        for name, rows in extracts:
            frame = _anitp_frame(rows, world)
            if rows.height > 20:  # one unknown county code per extract, on purpose
                frame[7, "JUDET_RESEDINTA"] = "ZZ"
                ledger.add_error(name, None, 9, "JUDET_RESEDINTA", "unknown_county")
            text = frame.write_csv(separator=",", quote_style="necessary")
            (folder / name).write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
            ledger.add_records(
                "anitp",
                name,
                None,
                list(range(2, rows.height + 2)),
                rows["person_id"].to_list(),
                ["victim"] * rows.height,
            )
            written.append(name)
    return written


# ---------------------------------------------------------------- Police


def _police_rows(world: World, rng: np.random.Generator) -> pl.DataFrame:
    people = pl.concat(
        [
            world.victims.filter(pl.col("episode") == "main").select(
                "person_id",
                "sex",
                "birth_date",
                "cnp",
                "surname",
                "given_name",
                "citizenship",
                "county",
                "main_form",
                "exploitation_country",
                "age",
            ),
            world.offenders.select(
                "person_id",
                "sex",
                "birth_date",
                "cnp",
                "surname",
                "given_name",
                "citizenship",
                "county",
            ).with_columns(
                pl.lit(None, pl.Utf8).alias("main_form"),
                pl.lit(None, pl.Utf8).alias("exploitation_country"),
                pl.lit(None, pl.Int64).alias("age"),
            ),
        ],
        how="vertical_relaxed",
    )
    prosecutor = world.prosecutions.select("case_seq", "prosecutor_case")
    return (
        world.case_persons.join(world.police_cases, on="case_seq")
        .join(people, on="person_id")
        .join(prosecutor, on="case_seq", how="left")
        .sort("year", "case_seq", "role", descending=[False, False, True])
    )


def write_politie(out: Path, world: World, ledger: Ledger, rng: np.random.Generator) -> list[str]:
    folder = out / "politie"
    folder.mkdir(parents=True, exist_ok=True)
    rows = _police_rows(world, rng)
    written = []
    for year in sorted(rows["year"].unique()):
        part = rows.filter(pl.col("year") == year)
        n = part.height
        victim = (part["role"] == "victim").to_numpy()
        cnp = part["cnp"].to_list()
        bad_check = rng.random(n) < 0.01
        cnp = [sp.break_check_digit(c) if b else c for c, b in zip(cnp, bad_check, strict=True)]
        surname, given = sp.noisy_names(
            part["surname"].to_list(),
            part["given_name"].to_list(),
            rng,
            typo_share=0.05,
            transliterated_share=0.03,
            swapped_share=0.03,
        )
        child = (part["age"].fill_null(99) < 18).to_numpy()
        offence = np.where(
            victim,
            np.where(child, "art.211 CP", "art. 210 alin. (1) lit. a) C.pen."),
            rng.choice(
                np.array(["art. 210 C.pen.", "art. 210 C.pen.; art. 367 C.pen.", "art.210 CP"]), n
            ),
        )
        offence = np.where(
            is_procuring_case(part["case_seq"].to_numpy()), PROCURING_CASE[1], offence
        )
        frame = pl.DataFrame(
            {
                "NR_UNIC_DOSAR": part["police_case"],
                "UNITATE": [
                    "BCCO BUCURESTI" if c == "Bucuresti" else f"SCCO {sp.ascii_upper(c)}"
                    for c in part["unit_county"]
                ],
                "DATA_SESIZARE": [_ddmmyyyy(d) for d in part["registered"]],
                "MOD_SESIZARE": part["mode"],
                "INCADRARE": offence,
                "CALITATE": np.where(victim, "PV", "S"),
                "CNP": cnp,
                "NUME": [sp.ascii_upper(s) for s in surname],
                "PRENUME": [sp.ascii_upper(g) for g in given],
                "SEX": part["sex"],
                "DATA_NASTERII": [_ddmmyyyy(d) for d in part["birth_date"]],
                "CETATENIE": [sp.ascii_upper(sp.POLICE_COUNTRY[c]) for c in part["citizenship"]],
                "JUDET_DOMICILIU": sp.county_police(
                    world.counties,
                    sp.moved(part["county"].to_numpy(), 0.03, len(world.counties.iso), rng),
                    rng,
                ),
                "FORMA_EXPLOATARE": [sp.POLICE_FORM[f] if f else "" for f in part["main_form"]],
                "TARA_EXPLOATARE": [
                    sp.ascii_upper(sp.POLICE_COUNTRY[c]) if c else ""
                    for c in part["exploitation_country"]
                ],
                "DOSAR_PARCHET": part["prosecutor_case"].fill_null(""),
                "STADIU": part["status"],
            }
        )
        name = f"politie_{year}_{year + 1}0110.csv"
        if n > 20:
            frame[11, "DATA_SESIZARE"] = f"31.02.{year}"
            ledger.add_error(name, None, 13, "DATA_SESIZARE", "invalid_date")
        _write_csv(folder / name, frame, ";", "cp1250", crlf=True)
        ledger.add_records(
            "politie",
            name,
            None,
            list(range(2, n + 2)),
            part["person_id"].to_list(),
            part["role"].to_list(),
        )
        for i, bad in enumerate(bad_check):
            if bad and cnp[i]:
                ledger.add_error(name, None, i + 2, "CNP", "invalid_check_digit")
        written.append(name)
    first = written[0]
    repeated = first.replace("0110.csv", "0111.csv")
    shutil.copyfile(folder / first, folder / repeated)  # the very same bytes delivered twice
    ledger.copy_file(first, repeated)
    written.append(repeated)
    return written


# ---------------------------------------------------------------- DIICOT (xlsx)


def _workbook(path: Path) -> xlsxwriter.Workbook:
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    book.set_properties({"created": FIXED_TIME})
    return book


def _title_band(sheet: object, width: int, year: int, bold: object) -> None:
    sheet.merge_range(0, 0, 0, width - 1, "DIICOT - Situatia dosarelor de trafic de persoane", bold)  # type: ignore[attr-defined]
    sheet.write(1, 0, f"Perioada: 01.01.{year} - 31.12.{year}")  # type: ignore[attr-defined]


def _write_date(
    sheet: object, row: int, col: int, value: dt.date | None, style: object, form: float
) -> None:
    """Excel date mostly; sometimes a serial number or dd.mm.yyyy text, as DIICOT sends."""
    if value is None:
        return
    if form < 0.1:
        sheet.write_string(row, col, _ddmmyyyy(value))  # type: ignore[attr-defined]
    elif form < 0.15:
        sheet.write_number(row, col, (value - dt.date(1899, 12, 30)).days)  # type: ignore[attr-defined]
    else:
        sheet.write_datetime(row, col, dt.datetime.combine(value, dt.time()), style)  # type: ignore[attr-defined]


CASE_HEADER = [
    "Nr. dosar",
    "Structura",
    "Data înregistrării",
    "Infracțiuni",
    "Soluție",
    "Data soluției",
    "Instanța sesizată",
    "Grup infracțional organizat",
    "Transfrontalier",
    "Valoare sechestru (lei)",
]
PERSON_HEADER = [
    "Nr. dosar",
    "Calitate",
    "CNP",
    "Nume și prenume",
    "Sex",
    "Data nașterii",
    "Cetățenie",
    "Județ domiciliu",
    "Forma exploatării",
    "Țara exploatării",
    "Arestat preventiv",
]


def write_diicot(out: Path, world: World, ledger: Ledger, rng: np.random.Generator) -> list[str]:
    folder = out / "diicot"
    folder.mkdir(parents=True, exist_ok=True)
    police = _police_rows(world, rng)
    written = []
    for year in sorted(world.prosecutions["year"].unique()):
        cases = world.prosecutions.filter(pl.col("year") == year).sort("case_seq")
        persons = police.filter(pl.col("case_seq").is_in(cases["case_seq"].implode())).join(
            cases.select("case_seq", "decision"), on="case_seq"
        )
        name = f"diicot_{year}_{year + 1}0120.xlsx"
        book = _workbook(folder / name)
        date_style = book.add_format({"num_format": "dd.mm.yyyy"})
        bold = book.add_format({"bold": True})
        sheet = book.add_worksheet("Dosare")
        _title_band(sheet, len(CASE_HEADER), year, bold)
        sheet.write_row(3, 0, CASE_HEADER)
        forms = rng.random((cases.height, 2))
        for i, case in enumerate(cases.iter_rows(named=True)):
            r = 4 + i
            child_victim = False
            offences = (
                "art. 210 C.pen.; art. 211 C.pen."
                if child_victim
                else "art. 210 C.pen.; art. 367 C.pen."
            )
            if is_procuring_case(np.array([case["case_seq"]]))[0]:
                offences = PROCURING_CASE[1]
            sheet.write_row(
                r, 0, [case["prosecutor_case"], f"Serviciul Teritorial {case['unit_county']}"]
            )
            _write_date(sheet, r, 2, case["prosecutor_registered"], date_style, forms[i, 0])
            sheet.write_row(r, 3, [offences, case["decision"]])
            _write_date(sheet, r, 5, case["decided"], date_style, forms[i, 1])
            court = (
                "Tribunalul " + case["unit_county"]
                if case["decision"] in ("Rechizitoriu", "Acord de recunoaștere a vinovăției")
                else ""
            )
            sheet.write_row(
                r, 6, [court, case["ocg"], case["cross_border"], _ro_amount(case["seized"])]
            )
        psheet = book.add_worksheet("Persoane")
        _title_band(psheet, len(PERSON_HEADER), year, bold)
        psheet.write_row(3, 0, PERSON_HEADER)
        prosecutor_case = dict(zip(cases["case_seq"], cases["prosecutor_case"], strict=True))
        counties = sp.county_diicot(world.counties, persons["county"].to_numpy(), rng)
        surnames, given_names = sp.noisy_names(
            persons["surname"].to_list(),
            persons["given_name"].to_list(),
            rng,
            typo_share=0.03,
            transliterated_share=0.05,
        )
        for i, p in enumerate(persons.iter_rows(named=True)):
            r = 4 + i
            if p["role"] == "victim":
                role, arrested = "Persoană vătămată", ""
            elif p["decision"] in ("Rechizitoriu", "Acord de recunoaștere a vinovăției"):
                role, arrested = "Inculpat", "DA" if rng.random() < 0.3 else "NU"
            else:
                role, arrested = "Suspect", "NU"
            psheet.write_row(r, 0, [prosecutor_case[p["case_seq"]], role])
            if p["cnp"]:
                psheet.write_string(r, 2, p["cnp"])
            psheet.write_row(r, 3, [f"{given_names[i]} {surnames[i]}", p["sex"]])
            psheet.write_datetime(r, 5, dt.datetime.combine(p["birth_date"], dt.time()), date_style)
            psheet.write_row(
                r,
                6,
                [
                    sp.ROMANIAN_COUNTRY[p["citizenship"]],
                    counties[i],
                    sp.DIICOT_FORM[p["main_form"]] if p["main_form"] else "",
                    sp.ROMANIAN_COUNTRY[p["exploitation_country"]]
                    if p["exploitation_country"]
                    else "",
                    arrested,
                ],
            )
        book.close()
        ledger.add_records(
            "diicot",
            name,
            "Persoane",
            list(range(5, persons.height + 5)),
            persons["person_id"].to_list(),
            ["victim" if r == "victim" else "offender" for r in persons["role"]],
        )
        written.append(name)
    return written


# ---------------------------------------------------------------- Courts (jsonl)


def write_instante(out: Path, world: World, ledger: Ledger, rng: np.random.Generator) -> list[str]:
    folder = out / "instante"
    folder.mkdir(parents=True, exist_ok=True)
    decisions = world.decisions.join(
        world.offenders.select("person_id", "cnp", "surname", "given_name", "sex", "birth_date"),
        on="person_id",
    ).with_columns(pl.col("decision_date").dt.year().alias("decision_year"))
    victims = (
        world.case_persons.filter(pl.col("role") == "victim").group_by("case_seq").len("victims")
    )
    decisions = decisions.join(victims, on="case_seq", how="left").sort(
        "decision_date", "court_seq", "level"
    )
    written = []
    for year in sorted(decisions["decision_year"].unique()):
        part = decisions.filter(pl.col("decision_year") == year)
        lines: list[str] = []
        persons: list[str] = []
        surnames, _ = sp.noisy_names(
            part["surname"].to_list(),
            part["given_name"].to_list(),
            rng,
            typo_share=0.02,
            transliterated_share=0.0,
        )
        for d, surname in zip(part.iter_rows(named=True), surnames, strict=True):
            court_file = f"{d['court_seq']}/99/{d['prosecutor_case'].split('/')[-1]}"
            record: dict[str, object] = {
                "numar_dosar": court_file + ("/a1" if d["level"] == "apel" else ""),
                "instanta": ("Curtea de Apel " if d["level"] == "apel" else "Tribunalul ")
                + "București",
                "grad_jurisdictie": d["level"],
                "dosar_parchet": d["prosecutor_case"],
                "data_inregistrare": (d["decided"] + dt.timedelta(days=10)).isoformat(),
                "inculpat": {
                    "cnp": d["cnp"],
                    "nume": f"{sp.ascii_upper(surname)} {d['given_name']}",
                    "sex": d["sex"],
                    "data_nasterii": d["birth_date"].isoformat(),
                },
                "infractiune": d["offence_text"],
                "solutie": d["outcome"],
                "data_solutie": d["decision_date"].isoformat(),
                "definitiva": bool(d["final"]),
            }
            if not d["cnp"]:
                del record["inculpat"]["cnp"]  # type: ignore[attr-defined]
            if d["outcome"] == "condamnare":
                record["pedeapsa"] = {
                    "tip": "inchisoare",
                    "durata_luni": int(d["months"]),
                    "suspendare": bool(d["suspended"]),
                }
                if d["confiscation"] >= 0:
                    record["confiscare_lei"] = int(d["confiscation"])
                if d["damages"] >= 0:
                    record["despagubiri_lei"] = int(d["damages"])
            if d["victims"] is not None:
                record["numar_victime"] = int(d["victims"])
            line = json.dumps(record, ensure_ascii=False)
            lines.append(line)
            persons.append(d["person_id"])
            if rng.random() < 0.03:  # a re-export repeats an identical line
                lines.append(line)
                persons.append(d["person_id"])
        name = f"instante_{year}_{year + 1}0115.jsonl"
        (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
        ledger.add_records(
            "instante",
            name,
            None,
            list(range(1, len(lines) + 1)),
            persons,
            ["offender"] * len(lines),
        )
        written.append(name)
    return written


# ---------------------------------------------------------------- NGOs (xlsx)


NGO_HEADER = [
    "Organizatie",
    "Cod beneficiar",
    "CNP",
    "Nume",
    "Prenume",
    "Sex",
    "Anul nasterii",
    "Cetatenie",
    "Judet",
    "Data intrarii in program",
    "Forma exploatare",
    "Participa la procesul penal",
    "Nr. dosar penal",
]


def write_ong(out: Path, world: World, ledger: Ledger, rng: np.random.Generator) -> list[str]:
    folder = out / "ong"
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for year in sorted(world.assisted["year"].unique()):
        part = world.assisted.filter(pl.col("year") == year).sort("entry_date", "person_id")
        name = f"ong_{year}_{year + 1}0130.xlsx"
        book = _workbook(folder / name)
        date_style = book.add_format({"num_format": "dd.mm.yyyy"})
        sheet = book.add_worksheet("Beneficiari")
        sheet.write_row(0, 0, NGO_HEADER)
        surnames, given_names = sp.noisy_names(
            part["surname"].to_list(),
            part["given_name"].to_list(),
            rng,
            typo_share=0.05,
            transliterated_share=0.08,
            swapped_share=0.05,
        )
        county_of = sp.moved(part["county"].to_numpy(), 0.05, len(world.counties.iso), rng)
        for i, p in enumerate(part.iter_rows(named=True)):
            r = 1 + i
            country = sp.ROMANIAN_COUNTRY[p["exploitation_country"]]
            form = sp.NGO_FORM[p["main_form"]] + (
                f" ({country})" if p["exploitation_country"] != "RO" else ""
            )
            county = world.counties.name[county_of[i]] if county_of[i] >= 0 else ""
            sheet.write_row(
                r, 0, [p["organisation"], f"{p['organisation'][:3].upper()}-{year % 100}-{i:04d}"]
            )
            if p["cnp_given"] and p["cnp"]:
                sheet.write_string(r, 2, p["cnp"])
            sheet.write_row(
                r,
                3,
                [
                    surnames[i],
                    given_names[i],
                    p["sex"],
                    p["birth_date"].year,
                    sp.ROMANIAN_COUNTRY[p["citizenship"]],
                    county,
                ],
            )
            sheet.write_datetime(r, 9, dt.datetime.combine(p["entry_date"], dt.time()), date_style)
            sheet.write_row(r, 10, [form, p["takes_part"]])
        book.close()
        ledger.add_records(
            "ong",
            name,
            "Beneficiari",
            list(range(2, part.height + 2)),
            part["person_id"].to_list(),
            ["assisted_person"] * part.height,
        )
        written.append(name)
    return written
