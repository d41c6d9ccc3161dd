"""Synthetic session-level attendance marks for a county: two DfE marks per pupil per school day.

Scale: a county of 100,000 pupils has 100,000 x 190 x 2 = 38 million marks a year, so marks are
generated with numpy a chunk of pupils at a time and written straight to Parquet or CSV part files;
memory stays at one chunk (about 8 million rows).

Realism (synthetic, no real pupils): each pupil has an absence propensity drawn from a Beta
distribution whose mean rises with free school meals, SEN and secondary phase, plus a small
group of severe absentees, calibrated so that persistent absence is about 19% and overall absence
about 6.5% of possible sessions (England 2024/25 year to date: 18.7% and 6.9%). Absence, late and
approved-activity codes are drawn in the proportions of DfE's national 2024/25 year-to-date
session counts by reason (below, millions of sessions).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ..calendar import SchoolCalendar, academic_year_bounds, academic_year_of
from .dates import school_calendar, school_days

SIZES = {"small": 3_000, "county": 100_000, "large": 300_000}  # pupils, as the synth generator's sizes
CHUNK_PUPILS = 20_000

# DfE "Pupil attendance in schools" 2024/25 year to date, England, all schools: sessions by
# reason (millions). Whole-day absence uses one code for both sessions, except M and U (one session).
ABSENCE_SESSIONS = {"I": 81.29, "O": 39.81, "G": 11.62, "C": 10.31, "M": 8.10, "C2": 5.89, "U": 5.62,
                    "E": 3.99, "R": 2.43, "N": 1.45, "S": 1.12, "J1": 0.41, "T": 0.24, "C1": 0.09}
SINGLE_SESSION = ("M", "U")
APPROVED_ACTIVITY_SESSIONS = {"V": 19.51, "B": 6.34, "W": 3.44, "P": 2.92, "K": 0.94}
POSSIBLE_SESSIONS = 2505.80
LATE_SESSIONS = 46.88  # L: present, late before registers closed (a morning mark)

# Pupil absence propensity: Beta(mean * k, (1 - mean) * k), mean = BASE x factors (calibrated).
BASE_ABSENCE, CONCENTRATION = 0.034, 4.0
FACTOR_FSM, FACTOR_SEN_SUPPORT, FACTOR_EHCP, FACTOR_SECONDARY = 1.7, 1.35, 1.6, 1.7
SEVERE_GROUP = 0.012  # share of pupils absent 50-95% of the time

MARKS = ["/", "\\", "L", *ABSENCE_SESSIONS, *APPROVED_ACTIVITY_SESSIONS]
CODE = {m: i for i, m in enumerate(MARKS)}


@dataclass(frozen=True)
class MarksOutput:
    marks_dir: Path  # part files: part-00000.parquet (or .csv), ...
    roll_path: Path  # one row per pupil: pupil_id, school_urn, ncy, sex, ethnicity, sen_status, fsm
    rows: int
    pupils: int


def synthetic_roll(pupils: int, rng: np.random.Generator) -> pd.DataFrame:
    """Pupils on roll with their school and characteristics (about 210 per primary school and
    1,000 per secondary; shares near England's: 25% FSM, 13.6% SEN support, 4.4% EHC plans)."""
    ncy = rng.integers(0, 12, pupils)
    secondary = ncy >= 7
    n_primary = max(1, round((~secondary).sum() / 210))
    n_secondary = max(1, round(secondary.sum() / 1000))
    urn = np.where(secondary, 130001 + rng.integers(0, n_secondary, pupils),
                   110001 + rng.integers(0, n_primary, pupils))
    return pd.DataFrame({
        "pupil_id": [f"P{i:07d}" for i in range(1, pupils + 1)],
        "school_urn": urn.astype("int64"),
        "ncy": ncy.astype("int64"),
        "sex": rng.choice(["F", "M"], pupils),
        "ethnicity": rng.choice(["WHIT", "ASIA", "BLAC", "MIXD", "OTHR", "UNCL"], pupils,
                                p=[0.64, 0.13, 0.06, 0.07, 0.03, 0.07]),
        "sen_status": rng.choice(["N", "K", "E"], pupils, p=[0.82, 0.136, 0.044]),
        "fsm": rng.choice(["Y", "N"], pupils, p=[0.25, 0.75]),
    })


def absence_propensity(roll: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """Each pupil's chance of missing a school day."""
    factor = (np.where(roll["fsm"] == "Y", FACTOR_FSM, 1.0)
              * roll["sen_status"].map({"N": 1.0, "K": FACTOR_SEN_SUPPORT, "E": FACTOR_EHCP}).fillna(1.0).to_numpy()
              * np.where(roll["ncy"] >= 7, FACTOR_SECONDARY, 1.0))
    mean = np.clip(BASE_ABSENCE * factor, 0.005, 0.6)
    rate = rng.beta(mean * CONCENTRATION, (1 - mean) * CONCENTRATION)
    severe = rng.random(len(roll)) < SEVERE_GROUP
    return np.where(severe, rng.uniform(0.5, 0.95, len(roll)), rate)


def _draw_codes(rng, weights: dict, n: int) -> np.ndarray:
    p = np.array(list(weights.values()))
    return np.array([CODE[m] for m in weights], dtype=np.int8)[rng.choice(len(p), n, p=p / p.sum())]


def chunk_marks(rate: np.ndarray, n_days: int, rng: np.random.Generator) -> np.ndarray:
    """Mark codes (indices into MARKS) shaped (pupils, days, 2 sessions)."""
    shape = (len(rate), n_days)
    absent = rng.random(shape, dtype=np.float32) < rate[:, None].astype(np.float32)
    activity_rate = sum(APPROVED_ACTIVITY_SESSIONS.values()) / POSSIBLE_SESSIONS
    activity = ~absent & (rng.random(shape, dtype=np.float32) < activity_rate)
    am = np.full(shape, CODE["/"], dtype=np.int8)
    pm = np.full(shape, CODE["\\"], dtype=np.int8)
    late = ~absent & ~activity & (rng.random(shape, dtype=np.float32) < 2 * LATE_SESSIONS / POSSIBLE_SESSIONS)
    am[late] = CODE["L"]
    codes = _draw_codes(rng, ABSENCE_SESSIONS, int(absent.sum()))
    am[absent] = codes
    pm[absent] = np.where(np.isin(codes, [CODE[m] for m in SINGLE_SESSION]), CODE["\\"], codes)
    codes = _draw_codes(rng, APPROVED_ACTIVITY_SESSIONS, int(activity.sum()))
    am[activity] = codes
    pm[activity] = codes
    return np.stack([am, pm], axis=2)


def _chunk_table(roll: pd.DataFrame, days: np.ndarray, marks: np.ndarray, as_text: bool) -> pa.Table:
    n_pupils, n_days = len(roll), len(days)
    per_pupil = n_days * 2
    pupil_idx = np.repeat(np.arange(n_pupils, dtype=np.int32), per_pupil)
    columns = {
        "pupil_id": pa.DictionaryArray.from_arrays(pupil_idx, pa.array(roll["pupil_id"].to_numpy(), pa.string())),
        "school_urn": pa.array(np.repeat(roll["school_urn"].to_numpy(np.int32), per_pupil)),
        "date": pa.array(np.tile(np.repeat(days, 2), n_pupils), pa.date32()),
        "session": pa.DictionaryArray.from_arrays(np.tile(np.array([0, 1], np.int8), n_pupils * n_days),
                                                  pa.array(["AM", "PM"])),
        "mark": pa.DictionaryArray.from_arrays(marks.reshape(-1), pa.array(MARKS)),
    }
    if as_text:  # the CSV writer wants plain strings
        columns = {k: (v.dictionary_decode() if isinstance(v, pa.DictionaryArray) else v) for k, v in columns.items()}
    return pa.table(columns)


def write_marks(out_dir, seed: int, size: str | int, academic_year: str, fmt: str = "parquet",
                roll: pd.DataFrame | None = None,
                calendar: SchoolCalendar | str | Path | None = None) -> MarksOutput:
    """Write a year of session marks for ``size`` (small / county / large, or a number of pupils)
    or for ``roll`` (``pupil_id``, ``school_urn``, and ncy, sen_status, fsm for the propensity).

    Files: ``out_dir/attendance_marks/part-NNNNN.<fmt>`` (columns pupil_id, school_urn, date,
    session, mark) and ``out_dir/attendance_roll.<fmt>``. School days come from ``calendar`` (a
    calendar or a term-dates file; default: the one ``parameters/la.yaml`` names). Same seed, same
    files.
    """
    if fmt not in ("parquet", "csv"):
        raise ValueError(f"fmt must be 'parquet' or 'csv', got {fmt!r}")
    calendar = school_calendar(calendar)
    rng = np.random.default_rng(seed)
    if roll is None:
        if isinstance(size, str) and size not in SIZES:
            raise ValueError(f"size must be one of {list(SIZES)} or a number of pupils, got {size!r}")
        roll = synthetic_roll(SIZES.get(size, size) if isinstance(size, str) else int(size), rng)
    first, last = academic_year_bounds(academic_year)
    days = school_days(calendar, first, last)
    rate = absence_propensity(roll, rng)
    out_dir = Path(out_dir)
    marks_dir = out_dir / "attendance_marks"
    marks_dir.mkdir(parents=True, exist_ok=True)
    for old in marks_dir.glob("part-*"):
        old.unlink()
    rows = 0
    for part, start in enumerate(range(0, len(roll), CHUNK_PUPILS)):
        chunk = roll.iloc[start:start + CHUNK_PUPILS]
        chunk_rng = np.random.default_rng([seed, part])
        table = _chunk_table(chunk, days, chunk_marks(rate[start:start + CHUNK_PUPILS], len(days), chunk_rng),
                             as_text=fmt == "csv")
        path = marks_dir / f"part-{part:05d}.{fmt}"
        if fmt == "parquet":
            pq.write_table(table, path)
        else:
            pacsv.write_csv(table, path)
        rows += table.num_rows
    roll_path = out_dir / f"attendance_roll.{fmt}"
    if fmt == "parquet":
        roll.to_parquet(roll_path, index=False)
    else:
        roll.to_csv(roll_path, index=False)
    return MarksOutput(marks_dir, roll_path, rows, len(roll))


def latest_complete_year(end) -> str:
    """The last academic year (1 September to 31 August) wholly on or before ``end``: on
    31 October 2026, 2025/26; on 31 August 2026 itself, 2025/26 too."""
    end = pd.Timestamp(end)
    year = academic_year_of(end)
    return year if end >= academic_year_bounds(year)[1] else academic_year_of(end - pd.DateOffset(years=1))


def roll_from_attendance(attendance_csv, academic_year: str) -> pd.DataFrame:
    """The roll of ``academic_year`` from a synthetic ``attendance.csv``: one row per pupil, at the
    school and with the characteristics of their latest term that year (so each pupil's marks
    come from one school). Columns: pupil_id, school_urn, ncy, sex, ethnicity, sen_status, fsm."""
    att = pd.read_csv(attendance_csv, dtype={"pupil_id": str, "sex": str, "ethnicity": str, "sen_status": str,
                                             "fsm": str})
    att = att[att["academic_year"] == academic_year]
    if att.empty:
        raise ValueError(f"{attendance_csv}: no attendance rows for {academic_year}, so no roll for its marks")
    order = att["term"].map({"AUT": 0, "SPR": 1, "SUM": 2})
    latest = att.assign(_order=order).sort_values(["pupil_id", "_order"]).groupby("pupil_id").tail(1)
    columns = ["pupil_id", "school_urn", "ncy", "sex", "ethnicity", "sen_status", "fsm"]
    return latest[columns].sort_values("pupil_id").reset_index(drop=True)
