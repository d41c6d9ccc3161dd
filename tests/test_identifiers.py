"""Identifier guard (issue 8, item 2): direct identifiers are refused, by name and by content."""
import datetime as dt

import pandas as pd
import pytest

from pmereport.cli import main
from pmereport.contract.extracts import EXTRACTS
from pmereport.contract.identifiers import find_identifier_columns, kind_by_content, kind_by_name
from pmereport.contract.validate import load_extract, validate_frame
from bad_inputs import csv_text, rows

TODAY = dt.date(2025, 3, 31)


def _cases_with_names_and_upns(folder):
    records = rows("cases", 4)
    for r, (name, upn) in zip(records, [("Jones", "A123456789012"), ("Smith", "B823456789013"),
                                        ("Patel", "C923456789014"), ("Brown", "D023456789015")]):
        r.update(surname=name, upn=upn)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "cases.csv").write_text(csv_text(records))
    return folder


def test_names_and_upn_columns_are_refused_with_how_to_pseudonymise(tmp_path):
    data = _cases_with_names_and_upns(tmp_path / "data")
    result = load_extract(data, "cases", today=TODAY)
    assert len(result.file_errors) == 2
    surname, upn = result.file_errors
    assert "column 'surname' looks like a direct identifier (names" in surname
    assert "column 'upn' looks like a direct identifier (a UPN" in upn
    for message in (surname, upn):
        assert "cases.csv" in message
        assert "pseudonymised" in message and "docs/pseudonymisation.md" in message
    # all four rows rejected, none kept: nothing reaches a report
    assert (result.rows_read, result.rows_kept, result.rows_rejected) == (4, 0, 4)
    assert set(result.issues["rule"]) == {"FILE_IDENTIFIER"}


def test_validate_command_prints_the_refusal_and_fails(tmp_path, capsys):
    data = _cases_with_names_and_upns(tmp_path / "data")
    assert main(["validate", str(data)]) == 1
    out = capsys.readouterr().out
    assert "column 'surname' looks like a direct identifier" in out
    assert "column 'upn' looks like a direct identifier" in out
    assert "FAILED" in out


def test_drop_identifiers_drops_and_reports(tmp_path):
    data = _cases_with_names_and_upns(tmp_path / "data")
    result = load_extract(data, "cases", today=TODAY, drop_identifiers=True)
    assert result.ok and result.rows_kept == 4
    assert "surname" not in result.data and "upn" not in result.data
    assert [n.split(": ", 1)[1].split(" (")[0] for n in result.notes] == ["dropped column 'surname'",
                                                                          "dropped column 'upn'"]


def test_upns_in_the_contract_key_are_refused_even_when_dropping():
    raw = pd.DataFrame([dict(r, pupil_id=u) for r, u in zip(rows("pme_returns", 2), ["A123456789012", "B123456789013"])])
    raw["_source_file"], raw["_source_row"] = "r.csv", [2, 3]
    result = validate_frame(raw, EXTRACTS["pme_returns"], ["r.csv"], today=TODAY, drop_identifiers=True)
    assert result.rows_kept == 0 and "column 'pupil_id'" in result.file_errors[0]
    assert "put the LA's pseudonymous pupil number in this column" in result.file_errors[0]


@pytest.mark.parametrize("column, kind", [
    ("Surname", "names"), ("First Name", "names"), ("forename", "names"), ("Child's name", "names"),
    ("address_line_1", "an address"), ("Post Code", "a full postcode"), ("UPN", "a UPN or another national identifier"),
    ("former_upn", "a UPN or another national identifier"), ("Date of Birth", "a date of birth"), ("DOB", "a date of birth"),
    ("Mobile", "a phone number"), ("E-mail", "an email address"),
    # not identifiers: an organisation's name, a partial postcode, words that only contain "name"
    ("school_name", None), ("district_name", None), ("postcode_district", None), ("unnamed column g", None),
    ("team_notes", None), ("renamed_by", None), ("reason_name", None), ("provision type name", None),
])
def test_kind_by_name(column, kind):
    assert kind_by_name(column) == kind


@pytest.mark.parametrize("values, in_contract, kind", [
    (["A123456789012", "Z999999999999", "P00001"], True, "a UPN or another national identifier"),  # 2 of 3
    (["P0000001", "P0000002", "A123456789012"], True, None),  # 1 of 3 is under half
    (["jo@example.org", "x"], True, "an email address"),  # 1 of 2 is half
    (["LE1 6ZG", "le11 3tu"], True, "a full postcode"),
    (["LE1", "LE11"], False, None),  # postcode districts are not full postcodes
    (["07700 900123", "0116-496-0123"], True, "a phone number"),
    (["North Shire"] * 10, False, None),  # a place repeated: not people's names (not distinct)
    (["Amelia Jones", "Oliver Smith", "Isla McKay", "Noah Patel", "Ava O'Connor"], False, "names"),
    (["Amelia Jones", "Oliver Smith", "Isla McKay", "Noah Patel", "Ava O'Connor"], True, None),  # contract text
    (["12 High Street", "3a Mill Lane, Loughborough"], False, "an address"),
    # children's birth dates at 31 March 2025 (ages 9 and 12) against adults' (30 and 45) and recent events
    (["2015-06-01", "01/02/2013"], False, "a date of birth"),
    (["1995-01-01", "1980-01-01"], False, None),
    ([dt.datetime(2015, 6, 1), dt.datetime(2013, 2, 1)], False, "a date of birth"),  # Excel date cells
    (["2024-10-01", "2025-01-15"], False, None),
])
def test_kind_by_content(values, in_contract, kind):
    found = kind_by_content(pd.Series(values), in_contract, TODAY)
    assert (found[0] if found else None) == kind


def test_contract_columns_are_not_flagged_on_valid_data(tmp_path):
    from tiny_data import write_tiny_data
    from pmereport.contract.validate import validate_folder

    after_the_data = dt.date(2026, 11, 20)  # tiny_data's latest date is a return sent 2026-11-04
    results = validate_folder(write_tiny_data(tmp_path / "data"), today=after_the_data)
    assert all(r.ok and not r.notes for r in results.values())
    raw = pd.DataFrame(rows("schools", 3))
    assert find_identifier_columns(raw, EXTRACTS["schools"], TODAY) == []  # school_name is a school's name


def test_dataset_load_passes_the_drop_option(tmp_path):
    from pmereport.contract.dataset import load

    data = _cases_with_names_and_upns(tmp_path / "data")
    assert load(data, today=TODAY).results["cases"].rows_kept == 0
    dropped = load(data, today=TODAY, drop_identifiers=True)
    assert dropped.results["cases"].rows_kept == 4 and "surname" not in dropped.cases
