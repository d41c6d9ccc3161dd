"""pmereport pseudonymise and validate --drop-identifiers (issue 8, part 2)."""
import hashlib
import hmac
import json

import pandas as pd
import pytest

from tiny_data import write_tiny_data

from pmereport.cli import main
from pmereport.contract.pseudonymise import (PseudonymiseError, birth_month, load_key, postcode_district,
                                             pseudonym, pseudonymise_folder)
from pmereport.contract.validate import load_extract

KEY = b"test-key-0123456789abcdef"
TODAY = pd.Timestamp("2026-11-20").date()


def upn(pupil_id: str) -> str:
    """A made-up UPN for a tiny-data pupil (synthetic): PUPC01 -> A000000000101, PUPP01 -> A000000000201."""
    return "A" + ({"C": "1", "P": "2"}[pupil_id[3]] + pupil_id[4:]).rjust(12, "0")


def test_pseudonym_is_the_first_16_hex_digits_of_hmac_sha256():
    # Independently, with OpenSSL: printf 'A123456789012' | openssl dgst -sha256 -hmac 'test-key-0123456789abcdef'
    #   -> 1fe2fb29a8be242872024a9e8ccb68e53f1fb9ec253ae378e2f3e4a030d952cd
    assert pseudonym(KEY, "A123456789012") == "1fe2fb29a8be2428"
    assert pseudonym(KEY, " a123456789012 ") == "1fe2fb29a8be2428"  # trimmed and upper-cased first
    assert pseudonym(b"another-key-0123456789", "A123456789012") != "1fe2fb29a8be2428"


@pytest.mark.parametrize("raw, district", [("LE1 6AB", "LE1"), ("le16ab", "LE1"), ("SW1A 1AA", "SW1A"),
                                           ("B1 1AA", "B1"), ("M60 1NW", "M60"), ("CR2 6XH", "CR2"),
                                           ("LE1", None), ("not known", None)])
def test_postcode_district_is_the_outward_code(raw, district):
    assert postcode_district(raw) == district


@pytest.mark.parametrize("raw, month", [("2014-03-17", "2014-03"), ("17/03/2014", "2014-03"),
                                        ("2014-03-17 00:00:00", "2014-03"), ("March 2014", None)])
def test_birth_month(raw, month):
    assert birth_month(raw) == month


def test_key_file_must_be_long_enough(tmp_path):
    (tmp_path / "short.key").write_bytes(b"secret\n")
    with pytest.raises(PseudonymiseError, match="6 bytes; use at least 16"):
        load_key(tmp_path / "short.key")
    (tmp_path / "good.key").write_bytes(KEY + b"\n")
    assert load_key(tmp_path / "good.key") == KEY


def raw_extract(folder):
    """Tiny data with a raw case extract: UPN instead of pupil_id, names, date of birth, postcode,
    phone; and pme_returns whose pupil_id column holds the same pupils' UPNs."""
    data = write_tiny_data(folder)
    cases = pd.read_csv(data / "cases.csv", dtype=str, keep_default_na=False)
    cases.insert(1, "UPN", cases.pop("pupil_id").map(upn))
    cases.loc[0, "UPN"] = cases.loc[0, "UPN"].lower()  # typed in lower case: still the same pupil
    cases["Surname"] = [f"Surname{chr(65 + i)}" for i in range(len(cases))]
    cases["first_name"] = "Alex"
    cases["date_of_birth"] = ["2014-03-17"] * (len(cases) - 1) + ["09/12/2012"]
    cases["postcode"] = ["LE1 6AB"] * (len(cases) - 1) + ["le67 3hq"]
    cases["mobile"] = "07700900123"
    cases.to_csv(data / "cases.csv", index=False)
    returns = pd.read_csv(data / "pme_returns.csv", dtype=str, keep_default_na=False)
    returns["pupil_id"] = returns["pupil_id"].map(upn)
    returns.to_csv(data / "pme_returns.csv", index=False)
    (data / "notes.txt").write_text("not an extract")
    return data


def test_pseudonymised_folder_meets_the_contract_and_keeps_no_identifier(tmp_path):
    raw = raw_extract(tmp_path / "raw")
    out = tmp_path / "pseudo"
    summaries = pseudonymise_folder(raw, out, KEY, today=TODAY)
    cases = pd.read_csv(out / "cases.csv", dtype=str, keep_default_na=False)
    assert {"upn", "surname", "first_name", "date_of_birth", "postcode", "mobile"}.isdisjoint(cases.columns)
    # the first case is PUPC01 -> UPN A000000000101 (typed lower case); by hand with hmac:
    expected = hmac.new(KEY, b"A000000000101", hashlib.sha256).hexdigest()[:16]
    assert cases.loc[0, "pupil_id"] == expected
    assert cases["birth_month"].tolist() == ["2014-03"] * (len(cases) - 1) + ["2012-12"]
    assert cases["postcode_district"].tolist() == ["LE1"] * (len(cases) - 1) + ["LE67"]
    # the same pupils in pme_returns get the same pupil_id, so returns still link to cases
    returns = pd.read_csv(out / "pme_returns.csv", dtype=str)
    # tiny_data's returns: PUPP11 (twice), PUPP01, PUPP06 -> 3 pupils
    assert set(returns["pupil_id"]) <= set(cases["pupil_id"]) and len(set(returns["pupil_id"])) == 3
    for name in ("cases", "pme_returns"):
        result = load_extract(out, name, today=TODAY)
        assert result.ok and result.rows_rejected == 0, result.issues
    assert result.rows_read == 4  # pme_returns, the last one loaded
    # column names are lower-cased by the reader (io/readers.py)
    # the key and the UPNs appear nowhere in the output
    for path in out.rglob("*"):
        body = path.read_bytes()
        assert KEY not in body and b"A0000000000" not in body and b"a0000000000" not in body, path
    summary = json.loads((out / "pseudonymisation.json").read_text())
    assert summary["not_copied"] == ["notes.txt"]
    assert summary["key_check"] == hmac.new(KEY, b"pmereport key check", hashlib.sha256).hexdigest()[:12]
    case_summary = next(s for s in summaries if s.output == "cases.csv")
    assert case_summary.hashed == ["upn -> pupil_id"] and case_summary.rows == 17  # tiny_data's cases
    assert sorted(case_summary.dropped) == ["first_name (names)", "mobile (a phone number)", "surname (names)"]
    returns_summary = next(s for s in summaries if s.output == "pme_returns.csv")
    assert returns_summary.hashed == ["pupil_id (held UPNs) -> pupil_id"]


def test_a_bad_date_of_birth_stops_it_naming_file_row_and_column(tmp_path):
    raw = write_tiny_data(tmp_path / "raw")
    cases = pd.read_csv(raw / "cases.csv", dtype=str, keep_default_na=False)
    cases["dob"] = "2014-03-17"
    cases.loc[4, "dob"] = "31/31/2014"
    cases.to_csv(raw / "cases.csv", index=False)
    # data row 5 (index 4) is line 6 of the file, after the header
    with pytest.raises(PseudonymiseError, match=r"cases.csv, row 6, column 'dob': '31/31/2014' is not a date"):
        pseudonymise_folder(raw, tmp_path / "out", KEY, today=TODAY)
    assert not (tmp_path / "out").exists()


def test_cli_pseudonymise_then_validate(tmp_path, capsys):
    raw = raw_extract(tmp_path / "raw")
    key_file = tmp_path / "key.txt"
    key_file.write_bytes(KEY + b"\n")
    assert main(["validate", str(raw)]) == 1  # the raw folder is refused
    assert main(["pseudonymise", str(raw), "--out", str(tmp_path / "pseudo"), "--key-file", str(key_file)]) == 0
    assert "upn -> pupil_id" in capsys.readouterr().err
    assert main(["validate", str(tmp_path / "pseudo")]) == 0


def test_validate_drop_identifiers_drops_and_reports(tmp_path, capsys):
    data = write_tiny_data(tmp_path / "data")
    cases = pd.read_csv(data / "cases.csv", dtype=str, keep_default_na=False)
    cases["surname"] = "Smith"
    cases["upn"] = cases["pupil_id"].map(upn)
    cases.to_csv(data / "cases.csv", index=False)
    assert main(["validate", str(data)]) == 1
    refused = capsys.readouterr().out
    assert "'surname'" in refused and "'upn'" in refused
    assert main(["validate", str(data), "--drop-identifiers"]) == 0
    dropped = capsys.readouterr().out
    assert "surname" in dropped and "upn" in dropped  # listed in the notes, not silently
