"""The trigger registry, its thresholds and its two outputs (board counts, internal exceptions)."""
import re

import pandas as pd
import pytest
import yaml

from pmereport.metrics.triggers import (EXCEPTION_COLUMNS, REGISTRY, ThresholdError, evaluate, exceptions, frames_from,
                                        load_thresholds, resolve_thresholds, trigger_counts)
from triggers_support import CAL, REPO, attendance, cases

DOMAIN_ROWS = {  # DOMAIN.md thresholds table row -> the codes that implement it
    "persistently absent": ["ATT01"], "severely absent": ["ATT02"], "request for intensive support": ["ATT03"],
    "school must notify the LA": ["ATT04"], "persistent CME": ["CME01"], "escalate to commissioning panel": ["ESC01"],
    "panel follow-up": ["PNL01"], "strategy discussion": ["CON01"], "suspensions approaching the limit": ["EXC01"],
    "early help assessment": ["EXC02"], "provision for the permanently excluded": ["EXC03"],
    "missing during the school day": ["MDD01"], "reduced timetable": ["RTT01", "RTT02", "RTT03"],
    "medical / AP reviews": ["REV01"], "EHE unsuitable": ["EHE01", "EHE02"], "CP / CIN plan on RTT or AP": ["CIN01"],
    "full-time education": ["FTE01"],
}


def test_every_domain_row_has_a_registered_rule_with_a_source():
    codes = [c for row in DOMAIN_ROWS.values() for c in row]
    assert sorted(codes) == sorted(REGISTRY)
    for rule in REGISTRY.values():
        assert rule.source and rule.message and rule.check.__doc__, rule.code


def test_every_rule_has_its_own_tests():
    text = "".join(p.read_text() for p in (REPO / "tests").glob("test_triggers_*.py"))
    for code in REGISTRY:
        assert re.search(rf"def test_{code.lower()}_", text), f"no test for {code}"


def test_defaults_file_matches_the_registry():
    with (REPO / "parameters" / "triggers.yaml").open() as fh:
        spec = yaml.safe_load(fh)["triggers"]
    assert spec == {code: dict(rule.params) for code, rule in REGISTRY.items()}


@pytest.mark.parametrize("overrides, message", [
    ({"CME99": {"school_days": 59}}, "unknown trigger code 'CME99'"),
    ({"CME01": {"schooldays": 59}}, "CME01 has no parameter 'schooldays'"),
    ({"CME01": {"school_days": "sixty"}}, "CME01.school_days must be a number"),
    ({"REV01": {"pme_groups": "MED"}}, "REV01.pme_groups must be a list"),
])
def test_misspelt_thresholds_fail_clearly(overrides, message):
    with pytest.raises(ThresholdError, match=re.escape(message)):
        resolve_thresholds(overrides)


# Two CME cases referred Mon 3 Mar 2025 and Tue 4 Mar: as of Wed 18 Jun 2025 they have been off
# roll 60 and 59 school days (hand count in test_triggers_cases.py), so one crosses CME01.
TWO_CME = cases({"case_id": "C1", "pupil_id": "P001", "case_type": "CME", "pme_group": "CME",
                 "referral_date": "2025-03-03", "school_urn": None, "whereabouts_known": "N"},
                {"case_id": "C2", "pupil_id": "P002", "case_type": "CME", "pme_group": "CME",
                 "referral_date": "2025-03-04", "school_urn": None, "whereabouts_known": "Y"})


def _la_file(tmp_path, section):
    path = tmp_path / "shire-county.yaml"
    path.write_text(yaml.safe_dump({"local_authority": "Shire County", "triggers": section}))
    return path


def test_changing_the_la_parameters_file_changes_the_counts(tmp_path):
    def count(path):
        counts = trigger_counts(evaluate({"cases": TWO_CME}, CAL, "2025-06-18", load_thresholds(path)))
        return counts.set_index("code").loc["CME01", "pupils"]
    assert count(_la_file(tmp_path, {})) == 1
    assert count(_la_file(tmp_path, {"CME01": {"school_days": 59}})) == 2
    assert count(_la_file(tmp_path, {"CME01": {"school_days": 61}})) == 0
    with pytest.raises(ThresholdError, match="CME01 has no parameter 'days'"):
        load_thresholds(_la_file(tmp_path, {"CME01": {"days": 61}}))


def test_counts_for_boards_say_which_rules_did_not_run():
    counts = trigger_counts(evaluate({"cases": TWO_CME}, CAL, "2025-06-18"))
    by_code = counts.set_index("code")
    assert by_code.loc["CME01", "pupils"] == 1 and by_code.loc["CME01", "status"] == "run"
    # ESC01: both open longer than 20 school days
    assert by_code.loc["ESC01", "pupils"] == 2
    assert pd.isna(by_code.loc["ATT01", "pupils"]) and by_code.loc["ATT01", "status"] == "not run: needs attendance"
    assert set(counts.columns) == {"code", "rule", "source", "pupils", "status"}
    assert counts.attrs["classification"] == "aggregate"


def test_exceptions_are_internal_and_hold_pseudonymous_ids_only():
    frames = {"cases": TWO_CME.assign(ethnicity="WHIT", sex="F"),
              "attendance": attendance({"sessions_authorised": 50, "ethnicity": "WHIT"})}
    found = exceptions(evaluate(frames, CAL, "2025-06-18"))
    assert found.attrs["classification"] == "internal"
    assert list(found.columns) == EXCEPTION_COLUMNS
    rows = found.set_index(["code", "pupil_id"])
    assert rows.loc[("CME01", "P001"), "case_id"] == "C1"
    assert rows.loc[("CME01", "P001"), "date_crossed"] == pd.Timestamp("2025-06-18")
    assert rows.loc[("CME01", "P001"), "unit"] == "school days off roll"
    # 50 of 146 autumn sessions missed = 34.25% (ATT01 and not ATT02)
    assert rows.loc[("ATT01", "P001"), "value"] == pytest.approx(50 / 146 * 100)
    assert ("ATT02", "P001") not in rows.index


def test_empty_exceptions_keep_their_columns_and_marking():
    found = exceptions(evaluate({"cases": TWO_CME}, CAL, "2025-03-10", codes=["CME01"]))
    assert found.empty and list(found.columns) == EXCEPTION_COLUMNS
    assert found.attrs["classification"] == "internal"


def test_optional_inputs_are_checked():
    panels = pd.DataFrame({"case_id": ["C1"], "panel_date": ["2025-02-10"], "progress_date": [pd.NaT]})
    with pytest.raises(ValueError, match="column panel_date must hold dates"):
        evaluate({"cases": TWO_CME, "panels": panels}, CAL, "2025-06-18")
    with pytest.raises(ValueError, match=r"lacks columns \['progress_date'\]"):
        evaluate({"cases": TWO_CME, "panels": panels.drop(columns="progress_date")}, CAL, "2025-06-18")
    with pytest.raises(KeyError, match="unknown trigger input 'panel'"):
        evaluate({"cases": TWO_CME, "panel": panels}, CAL, "2025-06-18")


def test_frames_from_a_dataset():
    class FakeDataset:  # the two methods frames_from uses of pmereport.contract.dataset.Dataset
        cases = TWO_CME

        def has(self, name):
            return name == "cases"
    occasions = pd.DataFrame({"pupil_id": ["P001"], "occasion_date": pd.to_datetime(["2025-06-02"])})
    frames = frames_from(FakeDataset(), missing_occasions=occasions)
    assert set(frames) == {"cases", "missing_occasions"}


def _as_contract_file(frame: pd.DataFrame, name: str, folder):
    """Write ``frame`` as the contract extract ``name`` (missing columns filled with valid values),
    and read it back through the contract's loader: typed exactly as ``Dataset`` gives it."""
    from pmereport.contract.extracts import EXTRACTS
    from pmereport.contract.validate import load_extract
    extract = EXTRACTS[name]
    out = pd.DataFrame(index=frame.index)
    for f in extract.fields:
        if f.name in frame:
            col = frame[f.name]
            out[f.name] = col.dt.strftime("%Y-%m-%d") if pd.api.types.is_datetime64_any_dtype(col) else col
        elif f.nullable:
            out[f.name] = None
        elif f.codes:
            out[f.name] = "N" if "N" in f.codes else next(iter(f.codes))
        elif f.type in ("int", "float"):
            out[f.name] = f.minimum or 0
        else:
            out[f.name] = "x1234"
    out.to_csv(folder / f"{name}.csv", index=False)
    result = load_extract(folder, name)
    assert result.ok, result.issues[["rule", "message", "column"]].to_string()
    return result.data.drop(columns=["_source_file", "_source_row"])


def test_rules_work_on_contract_typed_frames(tmp_path):
    # The same scenarios as the unit tests (hand-worked there), read through the data contract,
    # whose frames hold nullable Int64 / Float64 / string columns.
    from triggers_support import exclusions, returns
    frames = {
        "cases": TWO_CME,
        "attendance": attendance({"sessions_authorised": 38, "sessions_possible": 380, "term": "SUM"}),
        "exclusions": exclusions({"exclusion_id": "E1", "start_date": "2024-10-01", "sessions": 71},
                                 {"exclusion_id": "E2", "category": "PERM", "start_date": "2025-06-02",
                                  "sessions": None}),
        "pme_returns": returns({"return_month": "2025-06-01", "rtt_start_date": "2025-05-01",
                                "rtt_end_date": "2025-06-05", "rtt_review_date": "2025-06-13",
                                "ncy": 10, "hours_offered": 24.0, "hours_attended": 20.0}),
    }
    typed = {name: _as_contract_file(frame, name, tmp_path) for name, frame in frames.items()}
    assert str(typed["attendance"]["sessions_possible"].dtype) == "Int64"
    plain = exceptions(evaluate(frames, CAL, "2025-06-18"))
    contract = exceptions(evaluate(typed, CAL, "2025-06-18"))
    assert len(plain) > 0
    pd.testing.assert_frame_equal(contract.astype(object), plain.astype(object), check_dtype=False)
    # CME01 (P001, 60 days), ESC01 x2, ATT01 (38/380), EXC01 (35.5 days), EXC03 (PERM 2 Jun, no
    # placement: sixth school day Tue 10 Jun), RTT02 (ended Thu 5 Jun), RTT03 (review Fri 13 Jun),
    # FTE01 (24 h at KS4)
    assert sorted(contract["code"]) == sorted(["ATT01", "CME01", "ESC01", "ESC01", "EXC01", "EXC03", "FTE01",
                                               "RTT02", "RTT03"])
