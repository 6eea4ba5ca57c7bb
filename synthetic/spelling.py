"""How each agency spells the same facts (names, counties, countries, forms)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

import numpy as np
import polars as pl

from synthetic.world import Counties

ROMANIAN_COUNTRY = {
    "RO": "România",
    "DE": "Germania",
    "IT": "Italia",
    "ES": "Spania",
    "GB": "Regatul Unit",
    "FR": "Franța",
    "NL": "Țările de Jos",
    "AT": "Austria",
    "BE": "Belgia",
    "MD": "Republica Moldova",
    "UA": "Ucraina",
    "VN": "Vietnam",
    "PH": "Filipine",
    "NP": "Nepal",
    "LK": "Sri Lanka",
}
POLICE_COUNTRY = {
    **{k: v for k, v in ROMANIAN_COUNTRY.items()},
    "GB": "Marea Britanie",
    "NL": "Olanda",
}
POLICE_FORM = {
    "sexual": "SEX",
    "labour": "MUNCA",
    "begging": "CERS",
    "criminal_activities": "INFR",
    "organ_removal": "ORG",
    "child_sexual_abuse_material": "PORN",
    "forced_marriage": "CAS",
    "domestic_servitude": "ALT",
    "other": "ALT",
    "unknown": "",
}
DIICOT_FORM = {
    "sexual": "exploatare sexuală",
    "labour": "muncă forțată",
    "begging": "cerșetorie",
    "criminal_activities": "săvârșirea de infracțiuni",
    "organ_removal": "prelevare de organe",
    "child_sexual_abuse_material": "pornografie infantilă",
    "forced_marriage": "căsătorie forțată",
    "domestic_servitude": "altă formă",
    "other": "altă formă",
    "unknown": "",
}
ANITP_FORM = {
    "sexual": "sexuala",
    "labour": "munca",
    "begging": "cersetorie",
    "criminal_activities": "infractiuni",
    "organ_removal": "organe",
    "child_sexual_abuse_material": "pornografie",
    "forced_marriage": "casatorie",
    "domestic_servitude": "servitute",
    "other": "alta",
    "unknown": "",
}
NGO_FORM = {
    "sexual": "exploatare sexuala",
    "labour": "munca fortata",
    "begging": "cersetorie",
    "criminal_activities": "obligata sa comita furturi",
    "organ_removal": "prelevare organe",
    "child_sexual_abuse_material": "pornografie infantila",
    "forced_marriage": "casatorie fortata",
    "domestic_servitude": "servitute domestica",
    "other": "alta forma",
    "unknown": "nespecificat",
}
TO_CEDILLA = str.maketrans({"ș": "ş", "ț": "ţ", "Ș": "Ş", "Ț": "Ţ"})


def ascii_upper(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).upper()


def cedilla(text: str) -> str:
    return text.translate(TO_CEDILLA)


def county_police(counties: Counties, index: np.ndarray, rng: np.random.Generator) -> list[str]:
    """Capitals as typed, 'MUN. BUCURESTI', sometimes with cedilla letters."""
    with_cedilla = rng.random(len(index)) < 0.2
    out = []
    for i, use_cedilla in zip(index, with_cedilla, strict=True):
        if i < 0:
            out.append("")
        elif counties.plate[i] == "B":
            out.append("MUN. BUCURESTI")
        else:
            name = counties.name_cedilla[i] if use_cedilla else counties.name_ascii[i]
            out.append(name.upper().replace("-", " "))
    return out


def county_diicot(counties: Counties, index: np.ndarray, rng: np.random.Generator) -> list[str]:
    """Names with diacritics, comma-below or cedilla."""
    with_cedilla = rng.random(len(index)) < 0.3
    return [
        "" if i < 0 else (counties.name_cedilla[i] if c else counties.name[i])
        for i, c in zip(index, with_cedilla, strict=True)
    ]


def map_values(values: pl.Series | np.ndarray, mapping: dict[str, str]) -> list[str]:
    return [mapping[v] for v in (values.to_list() if isinstance(values, pl.Series) else values)]


def typo(name: str, rng: np.random.Generator) -> str:
    """Swap two neighbouring letters (a typist's slip)."""
    if len(name) < 4:
        return name
    i = int(rng.integers(1, len(name) - 2))
    return name[:i] + name[i + 1] + name[i] + name[i + 2 :]


_LATIN = str.maketrans(
    {
        "ș": "sh",
        "ş": "sh",
        "ț": "tz",
        "ţ": "tz",
        "Ș": "Sh",
        "Ş": "Sh",
        "Ț": "Tz",
        "Ţ": "Tz",
        "ă": "a",
        "â": "a",
        "î": "i",
        "Ă": "A",
        "Â": "A",
        "Î": "I",
    }
)


def transliterate(name: str) -> str:
    """How a foreign clerk writes a Romanian name: 'Ștefan Mihai' -> 'Shtefan Mihay'."""
    return re.sub(r"ai\b", "ay", name.translate(_LATIN))


def noisy_names(
    surnames: Sequence[str],
    given_names: Sequence[str],
    rng: np.random.Generator,
    *,
    typo_share: float,
    transliterated_share: float,
    swapped_share: float = 0.0,
) -> tuple[list[str], list[str]]:
    """Names as one list writes them: typos in the surname, transliterations, and the
    surname in the given-name column and back."""
    draws = rng.random((len(surnames), 3))
    out_surnames, out_given = [], []
    for surname, given, (t, x, w) in zip(surnames, given_names, draws, strict=True):
        if t < typo_share:
            surname = typo(surname, rng)
        if x < transliterated_share:
            surname, given = transliterate(surname), transliterate(given)
        if w < swapped_share:
            surname, given = given, surname
        out_surnames.append(surname)
        out_given.append(given)
    return out_surnames, out_given


def moved(county: np.ndarray, share: float, counties: int, rng: np.random.Generator) -> np.ndarray:
    """Another county for some persons (a move, or the county of the office that wrote it)."""
    other = rng.integers(0, counties, len(county))
    return np.where((county >= 0) & (rng.random(len(county)) < share), other, county)


def break_check_digit(cnp: str) -> str:
    return cnp[:12] + str((int(cnp[12]) + 1) % 10) if cnp else cnp
