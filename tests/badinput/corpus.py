"""The bad-input corpus: one small file (or set of files) per defect, with its expected outcome.

Files are built here, not committed, so every case is readable next to its expectation. All
persons are synthetic; CNPs carry a correct check digit (`make_cnp`) unless a case says not.

An expectation is either `Rejected(fragment)` (the file is refused with a one-line reason holding
the fragment) or `Read(accepted, rules)`: rows accepted, and the set of quarantine rules of its
rows. `exact=False` (shifted rows, a header repeated as data) means the rules listed must be
among those found: such a row fails in many columns at once. `sql` pairs are further checks on
the warehouse after the case (query returning one number, the number expected).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl

from tests.cnp import make_cnp
from tests.sources.helpers import POLITIE_COLUMNS

# ------------------------------------------------------------------------------ persons
CNPS = (
    make_cnp("600031422311"),  # F, 14.03.2000
    make_cnp("295070222127"),  # F, 02.07.1995
    make_cnp("185080322204"),  # M, 03.08.1985
)
BAD_CHECK_DIGIT = CNPS[0][:12] + str((int(CNPS[0][12]) + 1) % 10)
SURNAMES = ("BRATULESCU", "CIOCARLAN", "PATRASCANU")
FIRST_NAMES = ("LUMINITA", "SORINELA", "GHEORGHITA")
BIRTH = ("14.03.2000", "02.07.1995", "03.08.1985")
SEX = ("F", "F", "M")
# Every raw identifier a case may hold: nothing of it may reach the warehouse or the logs.
IDENTIFIERS = (*CNPS, BAD_CHECK_DIGIT, *SURNAMES, *FIRST_NAMES)

Content = bytes | Callable[[Path], None]  # bytes, or a builder writing the entry at a path


@dataclass(frozen=True)
class Read:
    accepted: int
    rules: frozenset[str] = frozenset()
    exact: bool = True
    sql: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class Rejected:
    fragment: str


@dataclass(frozen=True)
class Case:
    name: str
    agency: str
    files: dict[str, Content]  # path under the landing zone -> content
    expect: dict[str, Read | Rejected | str] = field(default_factory=dict)  # str: a status


def rules(*names: str) -> frozenset[str]:
    return frozenset(names)


# ------------------------------------------------------------------------------ politie (CSV)
POLITIE = "politie/politie_2016_20170110.csv"


def politie_row(i: int, **change: str) -> list[str]:
    row = dict(
        zip(
            POLITIE_COLUMNS,
            [
                f"P-2016-00451{i}",
                "SCCO IASI",
                "28.03.2016",
                "SESIZARE ONG",
                "art. 211 alin. (1) C.pen.",
                "PV",
                CNPS[i],
                SURNAMES[i],
                FIRST_NAMES[i],
                SEX[i],
                BIRTH[i],
                "ROMANIA",
                "IASI",
                "SEX",
                "GERMANIA",
                "812/D/P/2016",
                "TRIMIS PARCHET",
            ],
            strict=True,
        )
    )
    row.update(change)
    return list(row.values())


def politie_csv(
    rows: list[list[str]], header: list[str] = POLITIE_COLUMNS, encoding: str = "cp1250"
) -> bytes:
    lines = [";".join(header), *(";".join(r) for r in rows)]
    return "".join(line + "\r\n" for line in lines).encode(encoding)


def politie_good(**change_second: str) -> list[list[str]]:
    return [politie_row(0), politie_row(1, **change_second), politie_row(2)]


def shifted_left(row: list[str], at: str) -> list[str]:
    """Excel's 'delete cell, shift left' at column `at`: the cells after it move one left."""
    i = POLITIE_COLUMNS.index(at)
    return [*row[:i], *row[i + 1 :], ""]


def shifted_right(row: list[str], at: str) -> list[str]:
    """'insert cell, shift right' at `at`; the last cell falls outside the exported range."""
    i = POLITIE_COLUMNS.index(at)
    return [*row[:i], "", *row[i:-1]]


def reordered() -> bytes:
    order = list(reversed(range(len(POLITIE_COLUMNS))))
    rows = politie_good()
    return politie_csv([[r[i] for i in order] for r in rows], [POLITIE_COLUMNS[i] for i in order])


def with_extra_column() -> bytes:
    rows = [[*r, "observatie"] for r in politie_good()]
    return politie_csv(rows, [*POLITIE_COLUMNS, "OBSERVATII"])


def renamed_column() -> bytes:
    header = ["PRENUMELE" if h == "PRENUME" else h for h in POLITIE_COLUMNS]
    return politie_csv(politie_good(), header)


def missing_column() -> bytes:
    i = POLITIE_COLUMNS.index("SEX")
    rows = [r[:i] + r[i + 1 :] for r in politie_good()]
    return politie_csv(rows, POLITIE_COLUMNS[:i] + POLITIE_COLUMNS[i + 1 :])


def truncated_csv() -> bytes:
    return politie_csv(politie_good())[:-40]


def blank_lines() -> bytes:
    return politie_csv(politie_good()).replace(b"\r\n", b"\r\n\r\n;;\r\n", 2)


def header_inside() -> bytes:
    return politie_csv([politie_row(0), POLITIE_COLUMNS, politie_row(1), politie_row(2)])


def dangling_link(path: Path) -> None:
    path.symlink_to(path.parent / "gone.csv")


def directory(path: Path) -> None:
    path.mkdir()


POLITIE_CASES = [
    Case("politie_clean", "politie", {POLITIE: politie_csv(politie_good())}, {POLITIE: Read(3)}),
    Case(
        "politie_cedilla_letters",
        "politie",
        {POLITIE: politie_csv(politie_good(JUDET_DOMICILIU="IAŞI", CETATENIE="ROMÂNIA"))},
        {POLITIE: Read(3)},
    ),
    Case(
        "politie_shift_left_cnp_in_role_column",
        "politie",
        {
            POLITIE: politie_csv(
                [politie_row(0), shifted_left(politie_row(1), "CALITATE"), politie_row(2)]
            )
        },
        {POLITIE: Read(2, rules("codelist_person_role", "codelist_sex", "date"), exact=False)},
    ),
    Case(
        "politie_shift_right_first_name_in_sex",
        "politie",
        {
            POLITIE: politie_csv(
                [politie_row(0), shifted_right(politie_row(1), "NUME"), politie_row(2)]
            )
        },
        {POLITIE: Read(2, rules("codelist_sex", "date"), exact=False)},
    ),
    Case(
        "politie_first_name_alone_in_sex",
        "politie",
        {POLITIE: politie_csv(politie_good(SEX=FIRST_NAMES[1]))},
        {
            POLITIE: Read(
                2,
                rules("codelist_sex"),
                exact=False,
                sql=(
                    (
                        "SELECT count(*) FROM ops.quarantine "
                        "WHERE column_name = 'sex' AND value = '(masked)'",
                        1,
                    ),
                ),
            )
        },
    ),
    Case(
        "politie_cnp_in_name_column",
        "politie",
        {POLITIE: politie_csv(politie_good(CNP=SURNAMES[1], NUME=CNPS[1]))},
        # a word in the CNP cell: the row is taken as shifted, masked and quarantined
        {POLITIE: Read(2, rules("police_case_id", "codelist_sex"), exact=False)},
    ),
    Case(
        "politie_spaced_cnp_in_unit_column",
        "politie",
        {POLITIE: politie_csv(politie_good(UNITATE=f"{CNPS[1][:4]} {CNPS[1][4:]}"))},
        {POLITIE: Read(2, rules("police_case_id"), exact=False)},
    ),
    Case(
        "politie_invalid_cnp",
        "politie",
        {POLITIE: politie_csv(politie_good(CNP=BAD_CHECK_DIGIT))},
        {
            POLITIE: Read(
                3,
                sql=(
                    (
                        "SELECT count(*) FROM unified.person_record "
                        "WHERE cnp_status = 'invalid_check_digit' AND person_key IS NULL",
                        1,
                    ),
                ),
            )
        },
    ),
    Case(
        "politie_date_after_extract",
        "politie",
        {POLITIE: politie_csv(politie_good(DATA_SESIZARE="28.03.2031"))},
        {POLITIE: Read(2, rules("date_after_extract"))},
    ),
    Case(
        "politie_impossible_date",
        "politie",
        {POLITIE: politie_csv(politie_good(DATA_SESIZARE="31.02.2016"))},
        {POLITIE: Read(2, rules("date"))},
    ),
    Case(
        "politie_bare_birth_year",
        "politie",
        {POLITIE: politie_csv(politie_good(DATA_NASTERII="1995"))},
        {POLITIE: Read(2, rules("bare_year"))},
    ),
    Case(
        "politie_excel_serial_as_csv_text",
        "politie",
        {POLITIE: politie_csv(politie_good(DATA_NASTERII="34882"))},
        {POLITIE: Read(2, rules("date"))},
    ),
    Case(
        "politie_placeholders_in_optional_columns",
        "politie",
        {
            POLITIE: politie_csv(
                politie_good(
                    CETATENIE="N/A",
                    TARA_EXPLOATARE="na",
                    JUDET_DOMICILIU="-",
                    FORMA_EXPLOATARE="necunoscut",
                    DOSAR_PARCHET="nu se cunoaste",
                )
            )
        },
        {
            POLITIE: Read(
                3,
                sql=(
                    ("SELECT count(*) FROM unified.person_record WHERE citizenship_code = 'NA'", 0),
                    (
                        "SELECT count(*) FROM unified.person_record "
                        "WHERE citizenship_code IS NULL AND residence_county_code IS NULL",
                        1,
                    ),
                ),
            )
        },
    ),
    Case(
        "politie_placeholder_in_required_column",
        "politie",
        {POLITIE: politie_csv(politie_good(CALITATE="N/A"))},
        {POLITIE: Read(2, rules("placeholder_value", "codelist_person_role"))},
    ),
    Case(
        "politie_code_outside_vocabulary",
        "politie",
        {POLITIE: politie_csv(politie_good(FORMA_EXPLOATARE="XYZW"))},
        {POLITIE: Read(2, rules("codelist_exploitation_form"))},
    ),
    Case(
        "politie_duplicate_line",
        "politie",
        {POLITIE: politie_csv([*politie_good(), politie_row(1)])},
        {POLITIE: Read(3, rules("duplicate_row"))},
    ),
    Case("politie_blank_lines", "politie", {POLITIE: blank_lines()}, {POLITIE: Read(3)}),
    Case(
        "politie_header_repeated_in_data",
        "politie",
        {POLITIE: header_inside()},
        {POLITIE: Read(3, rules("police_case_id"), exact=False)},
    ),
    Case("politie_wrong_column_order", "politie", {POLITIE: reordered()}, {POLITIE: Read(3)}),
    Case("politie_extra_column", "politie", {POLITIE: with_extra_column()}, {POLITIE: Read(3)}),
    Case(
        "politie_renamed_column",
        "politie",
        {POLITIE: renamed_column()},
        {POLITIE: Rejected("missing column(s): PRENUME")},
    ),
    Case(
        "politie_missing_column",
        "politie",
        {POLITIE: missing_column()},
        {POLITIE: Rejected("missing column(s): SEX")},
    ),
    Case("politie_empty_file", "politie", {POLITIE: b""}, {POLITIE: Rejected("empty file")}),
    Case(
        "politie_header_only",
        "politie",
        {POLITIE: politie_csv([])},
        {POLITIE: Rejected("no data rows after the header")},
    ),
    Case(
        "politie_truncated_line",
        "politie",
        {POLITIE: truncated_csv()},
        {POLITIE: Rejected("truncated")},
    ),
    Case(
        "politie_utf8_instead_of_cp1250",
        "politie",
        {POLITIE: politie_csv(politie_good(JUDET_DOMICILIU="IAȘI"), encoding="utf-8")},
        {POLITIE: Rejected("file is UTF-8; this agency delivers Windows-1250")},
    ),
    Case(
        "politie_utf16",
        "politie",
        {POLITIE: politie_csv(politie_good(), encoding="utf-16")},
        {POLITIE: Rejected("NUL bytes")},
    ),
    Case(
        "politie_nul_bytes",
        "politie",
        {POLITIE: politie_csv(politie_good(UNITATE="SCCO\x00IASI"))},
        {POLITIE: Rejected("NUL bytes")},
    ),
    Case(
        "politie_10mb_field",
        "politie",
        {POLITIE: politie_csv(politie_good(UNITATE="A" * 10_000_000))},
        {POLITIE: Rejected("CSV structure broken")},
    ),
    Case(
        "politie_duplicate_file",
        "politie",
        {
            POLITIE: politie_csv(politie_good()),
            "politie/politie_2016_20170111.csv": politie_csv(politie_good()),
        },
        {POLITIE: Read(3), "politie/politie_2016_20170111.csv": "duplicate"},
    ),
    Case(
        "politie_file_in_wrong_agency_folder",
        "anitp",
        {"anitp/politie_2016_20170110.csv": politie_csv(politie_good())},
        {"anitp/politie_2016_20170110.csv": Rejected("file for 'politie' in the anitp/ folder")},
    ),
    Case(
        "politie_name_off_pattern",
        "politie",
        {"politie/politie_2016.csv": politie_csv(politie_good())},
        {"politie/politie_2016.csv": Rejected("file name does not match")},
    ),
    Case(
        "politie_directory_named_like_a_file",
        "politie",
        {POLITIE: directory},
        {POLITIE: Rejected("a directory, not a file")},
    ),
    Case(
        "politie_dangling_link",
        "politie",
        {POLITIE: dangling_link},
        {POLITIE: Rejected("dangling symbolic link")},
    ),
]

# ------------------------------------------------------------------------------ anitp (CSV)
ANITP_HEADER = [
    "ID_SIMEV",
    "DATA_IDENTIFICARE",
    "INSTITUTIE_IDENTIFICARE",
    "CNP",
    "SEX",
    "DATA_NASTERII",
    "VARSTA",
    "CETATENIE",
    "JUDET_RESEDINTA",
    "MEDIU",
    "FORMA_EXPLOATARE",
    "TIP_TRAFIC",
    "TARA_EXPLOATARE",
    "MOD_RECRUTARE",
    "ASISTENTA",
    "PARTICIPARE_PROCES",
    "NR_DOSAR_PENAL",
]
ANITP = "anitp/anitp_2016_20170115.csv"


def anitp_row(i: int, **change: str) -> list[str]:
    born = "-".join(reversed(BIRTH[i].split(".")))
    values = [
        f"V-2016-00012{i}", "2016-04-02", "POLITIE", CNPS[i], SEX[i], born, "20", "RO", "IS",
        "URBAN", "sexuala", "EXTERN", "DE", "ALTUL", "DA", "NECUNOSCUT", "812/D/P/2016",
    ]  # fmt: skip
    row = dict(zip(ANITP_HEADER, values, strict=True))
    row.update(change)
    return list(row.values())


def anitp_csv(rows: list[list[str]], bom: bool = True) -> bytes:
    text = "".join(",".join(r) + "\n" for r in [ANITP_HEADER, *rows])
    return text.encode("utf-8-sig" if bom else "utf-8")


def anitp_good(**change_second: str) -> list[list[str]]:
    return [anitp_row(0), anitp_row(1, **change_second), anitp_row(2)]


ANITP_CASES = [
    Case("anitp_clean", "anitp", {ANITP: anitp_csv(anitp_good())}, {ANITP: Read(3)}),
    Case("anitp_no_bom", "anitp", {ANITP: anitp_csv(anitp_good(), bom=False)}, {ANITP: Read(3)}),
    Case(
        "anitp_namibia_and_placeholders",
        "anitp",
        {
            ANITP: anitp_csv(
                [
                    anitp_row(0, CETATENIE="NA"),
                    anitp_row(1, CETATENIE="N/A"),
                    anitp_row(2, CETATENIE="na", TARA_EXPLOATARE="-"),
                ]
            )
        },
        {
            ANITP: Read(
                3,
                sql=(
                    ("SELECT count(*) FROM unified.person_record WHERE citizenship_code = 'NA'", 1),
                    (
                        "SELECT count(*) FROM unified.person_record WHERE citizenship_code IS NULL",
                        2,
                    ),
                ),
            )
        },
    ),
    Case(
        "anitp_identified_after_extract",
        "anitp",
        {ANITP: anitp_csv(anitp_good(DATA_IDENTIFICARE="2031-04-02"))},
        {ANITP: Read(2, rules("date_after_extract"))},
    ),
    Case(
        "anitp_bare_birth_year",
        "anitp",
        {ANITP: anitp_csv(anitp_good(DATA_NASTERII="2003"))},
        {ANITP: Read(2, rules("bare_year"))},
    ),
    Case(
        "anitp_placeholder_sex",
        "anitp",
        {ANITP: anitp_csv(anitp_good(SEX="n/a"))},
        {ANITP: Read(2, rules("placeholder_value", "codelist_sex"))},
    ),
    Case(
        "anitp_utf16",
        "anitp",
        {ANITP: ",".join(ANITP_HEADER).encode("utf-16")},
        {ANITP: Rejected("not valid utf-8-sig")},
    ),
]

# ------------------------------------------------------------------------------ instante (JSONL)
INSTANTE = "instante/instante_2017_20180115.jsonl"


def decision(i: int, **change: str) -> str:
    fields = {
        "numar_dosar": f"456{i}/99/2017",
        "instanta": "Tribunalul Iași",
        "grad_jurisdictie": "fond",
        "data_inregistrare": "2017-01-09",
        "infractiune": "art. 210 C.pen.",
        "solutie": "condamnare",
        "data_solutie": "2017-10-16",
        **change,
    }
    person = (
        f'"inculpat": {{"cnp": "{CNPS[i]}", "nume": "{SURNAMES[i]} {FIRST_NAMES[i]}", '
        f'"sex": "{SEX[i]}"}}'
    )
    body = ", ".join(f'"{k}": "{v}"' for k, v in fields.items())
    return f'{{{body}, {person}, "definitiva": true, "pedeapsa": {{"tip": "amenda"}}}}\n'


def jsonl(*lines: str, bom: bool = False) -> bytes:
    return ("\ufeff" if bom else "").encode() + "".join(lines).encode("utf-8")


INSTANTE_CASES = [
    Case(
        "instante_clean",
        "instante",
        {INSTANTE: jsonl(decision(0), decision(1))},
        {INSTANTE: Read(2)},
    ),
    Case(
        "instante_bom",
        "instante",
        {INSTANTE: jsonl(decision(0), decision(1), bom=True)},
        {INSTANTE: Read(2)},
    ),
    Case(
        "instante_truncated_object",
        "instante",
        {INSTANTE: jsonl(decision(0), decision(1))[:-30]},
        {INSTANTE: Rejected("truncated")},
    ),
    Case(
        "instante_decided_after_extract",
        "instante",
        {INSTANTE: jsonl(decision(0), decision(1, data_solutie="2031-10-16"))},
        {INSTANTE: Read(1, rules("date_after_extract"))},
    ),
    Case(
        "instante_repeated_line",
        "instante",
        {INSTANTE: jsonl(decision(0), decision(1), decision(1))},
        {INSTANTE: Read(2, rules("duplicate_row"))},
    ),
    Case(
        "instante_nul_bytes",
        "instante",
        {INSTANTE: jsonl(decision(0), decision(1, instanta="Tribunalul\x00Iasi"))},
        {INSTANTE: Rejected("NUL bytes")},
    ),
    Case(
        "instante_placeholder_required",
        "instante",
        {INSTANTE: jsonl(decision(0), decision(1, solutie="-"))},
        {INSTANTE: Read(1, rules("placeholder_value", "codelist_court_decision"))},
    ),
]

# ------------------------------------------------------------------------------ diicot (XLSX)
DIICOT = "diicot/diicot_2016_20170120.xlsx"
CASE_HEADER = [
    "Nr. dosar", "Structura", "Data înregistrării", "Infracțiuni", "Soluție", "Data soluției",
    "Instanța sesizată", "Grup infracțional organizat", "Transfrontalier",
    "Valoare sechestru (lei)",
]  # fmt: skip
PERSON_HEADER = [
    "Nr. dosar", "Calitate", "CNP", "Nume și prenume", "Sex", "Data nașterii", "Cetățenie",
    "Județ domiciliu", "Forma exploatării", "Țara exploatării", "Arestat preventiv",
]  # fmt: skip


def case_row(**change: object) -> list[object]:
    values: list[object] = [
        "812/D/P/2016", "Serviciul Teritorial Iași", "11.04.2016", "art. 210 C.pen.",
        "Rechizitoriu", "20.12.2016", "Tribunalul Iași", "DA", "DA", "1.250.000,50",
    ]  # fmt: skip
    row = dict(zip(CASE_HEADER, values, strict=True))
    row.update(change)
    return list(row.values())


def person_row(i: int, **change: object) -> list[object]:
    values: list[object] = [
        "812/D/P/2016", "Persoană vătămată", CNPS[i], f"{SURNAMES[i]} {FIRST_NAMES[i]}", SEX[i],
        BIRTH[i], "România", "Iași", "exploatare sexuală", "Germania", None,
    ]  # fmt: skip
    row = dict(zip(PERSON_HEADER, values, strict=True))
    row.update(change)
    return list(row.values())


def diicot_xlsx(
    cases: list[list[object]],
    persons: list[list[object]],
    epoch_1904: bool = False,
) -> Callable[[Path], None]:
    def build(path: Path) -> None:
        workbook = openpyxl.Workbook()
        if epoch_1904:
            workbook.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
        workbook.remove(workbook.active)
        for title, header, rows in (
            ("Dosare", CASE_HEADER, cases),
            ("Persoane", PERSON_HEADER, persons),
        ):
            sheet = workbook.create_sheet(title)
            sheet.append(["DIICOT - Situatia dosarelor de trafic de persoane"])
            sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
            sheet.append(["Perioada: 01.01.2016 - 31.12.2016"])
            sheet.append([])
            for row in [header, *rows]:
                sheet.append(row)
        path.parent.mkdir(parents=True, exist_ok=True)
        workbook.save(path)

    return build


def persons_good(**change_second: object) -> list[list[object]]:
    return [person_row(0), person_row(1, **change_second), person_row(2)]


def truncated_xlsx(path: Path) -> None:
    diicot_xlsx([case_row()], persons_good())(path)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def zip_without_workbook() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    return buffer.getvalue()


DIICOT_CASES = [
    Case(
        "diicot_clean",
        "diicot",
        {DIICOT: diicot_xlsx([case_row()], persons_good())},
        {DIICOT: Read(4)},
    ),
    Case(
        "diicot_formula_without_value",
        "diicot",
        {DIICOT: diicot_xlsx([case_row(**{"Data soluției": "=TODAY()"})], persons_good())},
        {DIICOT: Read(3, rules("formula_without_value"))},
    ),
    Case(
        "diicot_1904_serial_dates",
        "diicot",
        # 41921 days after 1904-01-01 is 2018-10-10: after the extract, so not read 4 years early
        {
            DIICOT: diicot_xlsx(
                [case_row(**{"Data soluției": 41921})], persons_good(), epoch_1904=True
            )
        },
        {DIICOT: Read(3, rules("date_after_extract"))},
    ),
    Case(
        "diicot_1900_serial_date",
        "diicot",
        {DIICOT: diicot_xlsx([case_row(**{"Data soluției": 42724})], persons_good())},
        {DIICOT: Read(4)},
    ),
    Case(
        "diicot_bare_year_number_cell",
        "diicot",
        {DIICOT: diicot_xlsx([case_row()], persons_good(**{"Data nașterii": 1995}))},
        {DIICOT: Read(3, rules("bare_year"))},
    ),
    Case(
        "diicot_thousand_separators",
        "diicot",
        {
            DIICOT: diicot_xlsx(
                [case_row(**{"Valoare sechestru (lei)": "1,250.000"})], persons_good()
            )
        },
        {DIICOT: Read(3, rules("ro_amount"))},
    ),
    Case(
        "diicot_shift_left_cnp_in_role",
        "diicot",
        {
            DIICOT: diicot_xlsx(
                [case_row()],
                [person_row(0), [*person_row(1)[:1], *person_row(1)[2:], None], person_row(2)],
            )
        },
        {DIICOT: Read(3, rules("codelist_person_role"), exact=False)},
    ),
    Case(
        "diicot_header_repeated_in_data",
        "diicot",
        {DIICOT: diicot_xlsx([case_row()], [person_row(0), PERSON_HEADER, person_row(2)])},
        {DIICOT: Read(3, rules("prosecutor_case_number"), exact=False)},
    ),
    Case(
        "diicot_really_a_csv",
        "diicot",
        {DIICOT: politie_csv(politie_good())},
        {DIICOT: Rejected("not a readable XLSX workbook")},
    ),
    Case(
        "diicot_zip_without_workbook",
        "diicot",
        {DIICOT: zip_without_workbook()},
        {DIICOT: Rejected("not a readable XLSX workbook")},
    ),
    Case(
        "diicot_truncated_zip",
        "diicot",
        {DIICOT: truncated_xlsx},
        {DIICOT: Rejected("not a readable XLSX workbook")},
    ),
    Case(
        "diicot_legacy_xls",
        "diicot",
        {"diicot/diicot_2016_20170120.xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504},
        {"diicot/diicot_2016_20170120.xls": Rejected("diicot delivers .xlsx files")},
    ),
]

# ------------------------------------------------------------------------------ ong (XLSX)
ONG = "ong/ong_2016_20170130.xlsx"
ONG_HEADER = [
    "Organizatie", "Cod beneficiar", "CNP", "Nume", "Prenume", "Sex", "Anul nasterii",
    "Cetatenie", "Judet", "Data intrarii in program", "Forma exploatare",
    "Participa la procesul penal", "Nr. dosar penal",
]  # fmt: skip


def ong_row(i: int, **change: object) -> list[object]:
    values: list[object] = [
        "Asociatia Pro Refugiu", f"ADP-16-03{i}", CNPS[i] if i else None, SURNAMES[i],
        FIRST_NAMES[i], SEX[i], int(BIRTH[i][-4:]), "Romania", "Iasi", "05.05.2016",
        "exploatare sexuala", "Da", None,
    ]  # fmt: skip
    row = dict(zip(ONG_HEADER, values, strict=True))
    row.update(change)
    return list(row.values())


def ong_xlsx(rows: list[list[object]]) -> Callable[[Path], None]:
    def build(path: Path) -> None:
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.title = "Beneficiari"
        for row in [ONG_HEADER, *rows]:
            sheet.append(row)
        path.parent.mkdir(parents=True, exist_ok=True)
        workbook.save(path)

    return build


def ong_shift_right_first_name_in_sex() -> list[object]:
    row = ong_row(1)
    i = ONG_HEADER.index("Nume")
    return [*row[:i], None, *row[i:-1]]


ONG_CASES = [
    Case("ong_clean", "ong", {ONG: ong_xlsx([ong_row(0), ong_row(1), ong_row(2)])}, {ONG: Read(3)}),
    Case(
        "ong_shift_right_first_name_in_sex",
        "ong",
        {ONG: ong_xlsx([ong_row(0), ong_shift_right_first_name_in_sex(), ong_row(2)])},
        {ONG: Read(2, rules("codelist_sex"), exact=False)},
    ),
    Case(
        "ong_placeholders_optional",
        "ong",
        {
            ONG: ong_xlsx(
                [ong_row(0), ong_row(1, Cetatenie="N/A", Judet="nu se cunoaste"), ong_row(2)]
            )
        },
        {
            ONG: Read(
                3,
                sql=(
                    ("SELECT count(*) FROM unified.person_record WHERE citizenship_code = 'NA'", 0),
                ),
            )
        },
    ),
    Case(
        "ong_entry_after_extract",
        "ong",
        {
            ONG: ong_xlsx(
                [ong_row(0), ong_row(1, **{"Data intrarii in program": "05.05.2031"}), ong_row(2)]
            )
        },
        {ONG: Read(2, rules("date_after_extract"))},
    ),
]

CASES = POLITIE_CASES + ANITP_CASES + INSTANTE_CASES + DIICOT_CASES + ONG_CASES


def build(case: Case, landing: Path) -> None:
    for relative, content in case.files.items():
        path = landing / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            content(path)
