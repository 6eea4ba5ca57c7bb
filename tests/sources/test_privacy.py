"""CNP checks, keyed pseudonyms and the key's life cycle."""

from __future__ import annotations

import hashlib
import random
import stat
from pathlib import Path

import polars as pl
import pytest

from schemas.vocabulary import CNP_WEIGHTS
from sources.common import privacy
from tests.cnp import make_cnp
from tests.names import normalised_name


def test_cnp_builder_reproduces_the_spec_weights_and_a_delivered_cnp() -> None:
    assert CNP_WEIGHTS == (2, 7, 9, 1, 4, 6, 3, 5, 8, 2, 7, 9)  # as SPEC.md writes them
    # POPESCU ANA's CNP as the police example delivers it, check digit included
    assert make_cnp("600031422311") == "6000314223112"


def statuses(values: list[str | None]) -> list[str]:
    frame = pl.DataFrame({"cnp": values}, schema={"cnp": pl.Utf8})
    return frame.select(privacy.cnp_status_expr(pl.col("cnp")).alias("status"))["status"].to_list()


def test_cnp_checks_each_rule() -> None:
    valid = make_cnp("295070222127")
    wrong_check = valid[:12] + str((int(valid[12]) + 1) % 10)
    cases = {
        valid: "valid",
        make_cnp("600031422311"): "valid",  # born 2000, female
        make_cnp("796022940001"): "valid",  # resident foreigner: no century, 29 Feb exists in 2096
        wrong_check: "invalid_check_digit",
        make_cnp("295130222127"): "invalid_date",  # month 13
        make_cnp("195022922127"): "invalid_date",  # 29 Feb 1995 does not exist
        make_cnp("095070222127"): "invalid_sex_digit",
        "29507022212": "invalid_format",
        "29507022212A": "invalid_format",
        "": "missing",
        None: "missing",
    }
    assert statuses(list(cases)) == list(cases.values())


def test_only_valid_cnps_become_keys(key: bytes) -> None:
    valid = make_cnp("185080322204")
    invalid = valid[:12] + str((int(valid[12]) + 1) % 10)
    frame = pl.DataFrame({"cnp": [valid, invalid, None, valid]})
    out = privacy.pseudonymise_cnp(frame, "cnp", key)
    assert "cnp" not in out.columns
    keys = out["cnp_key"].to_list()
    assert keys[0] is not None and keys[0] == keys[3]
    assert keys[1] is None and keys[2] is None
    assert out["cnp_status"].to_list() == ["valid", "invalid_check_digit", "missing", "valid"]


def test_pseudonym_is_keyed_hmac_not_plain_hash(key: bytes) -> None:
    cnp = make_cnp("185080322204")
    pseudonym = privacy.pseudonym(key, "tipstats-cnp-v1", cnp)
    assert pseudonym != hashlib.sha256(cnp.encode()).hexdigest()
    assert pseudonym != privacy.pseudonym(b"another-key-of-enough-length", "tipstats-cnp-v1", cnp)
    assert pseudonym != privacy.pseudonym(key, "tipstats-name-dob-v1", cnp)
    assert cnp not in pseudonym


@pytest.mark.parametrize("length", [16, 64, 65, 200])  # HMAC hashes a key over 64 bytes
@pytest.mark.parametrize("many", [0, 3_000])  # a few values are hashed in Python, many not
def test_a_column_is_keyed_as_the_standard_library_keys_each_value(length: int, many: int) -> None:
    key = bytes(range(256))[:length]
    values = ["6000314223112", "Ștefan-Ionuț", "", "O'Brien|x", None, "Ștefan-Ionuț", "ΑΒΓ 名"]
    values += [f"{n:013d}" for n in range(many)]
    keyed = privacy._pseudonymise_series(pl.Series(values, dtype=pl.Utf8), key, "domain-v1")
    expected = [None if v is None else privacy.pseudonym(key, "domain-v1", v) for v in values]
    assert keyed.to_list() == expected


def _reference_bigram_keys(name: str, key: bytes) -> list[str]:
    """The definition, one name at a time: the padded letter pairs of each folded token."""
    grams = set()
    for token in name.split():
        folded = privacy.romanian_fold(token)
        grams |= {a + b for a, b in zip(f"_{folded}", f"{folded}_", strict=True)}
    return sorted(privacy.pseudonym(key, "tipstats-name-bigram-v1", g)[:16] for g in grams)


def test_bigram_keys_of_a_column_follow_the_definition_name_by_name(key: bytes) -> None:
    rng = random.Random(5)
    letters = "AAEIOUSHTZGHPHYWKQXNNRRL"
    names = [
        " ".join(
            "".join(rng.choice(letters) for _ in range(rng.randint(1, 9)))
            for _ in range(rng.randint(1, 3))
        )
        for _ in range(400)
    ]
    names += ["SHERBAN MIHAY", "SERBAN MIHAI", "GHEORGHE", "ANNA", "A", None, "SERBAN MIHAI"]
    keyed = privacy._keyed_bigrams(pl.Series(names, dtype=pl.Utf8), key).to_list()
    expected = [None if n is None else _reference_bigram_keys(n, key) for n in names]
    assert keyed == expected
    assert keyed[-7] == keyed[-6]  # transliterations fold to one spelling


def test_name_keys_are_the_keyed_normalised_name_of_each_row(key: bytes) -> None:
    surnames = ["POPESCU", None, "Ionescu-Lupu", "Şerban", "", "Popescu"]
    given = ["Ana Maria", "Ion", None, "Mihai", None, "ana  maria"]
    born = ["1995-07-02", "2001-01-31", "1988-03-04", None, "1990-01-01", "1995-07-02"]
    frame = pl.DataFrame({"nume": surnames, "prenume": given, "dob": born})
    out = privacy.pseudonymise_name(
        frame, ["nume", "prenume"], pl.col("dob").str.to_date(), pl.lit(1995), key
    )
    names = [normalised_name(f"{s or ''} {g or ''}") for s, g in zip(surnames, given, strict=True)]
    expected = [
        privacy.pseudonym(key, "tipstats-name-dob-v1", f"{name}|{dob}") if name and dob else None
        for name, dob in zip(names, born, strict=True)
    ]
    assert out["name_birth_date_key"].to_list() == expected
    assert expected[0] == expected[5] and expected[4] is None


def test_name_key_ignores_order_case_and_diacritics(key: bytes) -> None:
    frame = pl.DataFrame(
        {
            "nume": ["IONESCU", "Ionescu", "Ionescu"],
            "prenume": ["MARIA", "Maria", "Marian"],
            "dob": ["1995-07-02", "1995-07-02", "1995-07-02"],
        }
    )
    out = privacy.pseudonymise_name(
        frame, ["prenume", "nume"], pl.col("dob").str.to_date(), pl.lit(1995), key
    )
    linkage = {
        "surname_key",
        "given_name_key",
        "surname_phonetic_key",
        "given_name_phonetic_key",
        "name_bigram_keys",
    }
    assert set(out.columns) == {"dob", "name_birth_date_key", "name_birth_year_key", *linkage}
    first, second, third = out["name_birth_date_key"].to_list()
    assert first == second != third


def test_swapped_name_parts_key_alike_crosswise(key: bytes) -> None:
    frame = pl.DataFrame({"nume": ["ȘERBAN", "Mihai"], "prenume": ["Mihai", "Sherban"]})
    out = privacy.pseudonymise_name(frame, ["nume", "prenume"], pl.lit(None), pl.lit(1994), key)
    written, swapped = out.rows(named=True)
    assert written["surname_key"] != written["given_name_key"]
    assert written["given_name_key"] == swapped["surname_key"]
    assert written["surname_phonetic_key"] == swapped["given_name_phonetic_key"]
    assert written["surname_key"] != swapped["given_name_key"]  # Sherban is another spelling


def test_key_from_environment_value_or_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(privacy.KEY_ENV, "x" * 40)
    assert privacy.load_key() == b"x" * 40
    key_file = tmp_path / "k.key"
    key_file.write_text("y" * 40 + "\n")
    monkeypatch.setenv(privacy.KEY_ENV, str(key_file))
    assert privacy.load_key() == b"y" * 40


def test_short_key_is_refused_without_echoing_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(privacy.KEY_ENV, "short-secret")
    with pytest.raises(privacy.PseudonymKeyError) as error:
        privacy.load_key()
    assert "short-secret" not in str(error.value)


def test_missing_key_is_generated_once_private_and_warned(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delenv(privacy.KEY_ENV)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    first = privacy.load_key()
    path = tmp_path / "cfg" / "tipstats" / "pseudonym.key"
    assert path.exists()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "TIPSTATS_PSEUDONYM_KEY is not set" in caplog.text
    assert privacy.load_key() == first
    assert len(first) >= 32
