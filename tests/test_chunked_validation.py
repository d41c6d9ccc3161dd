"""A large CSV extract validated in chunks (contract/chunked.py) gives exactly what the whole-file
path (``load_extract``, then ``dataset._save_result``) gives: the same kept rows read back from
Parquet, the same issues, accounting and notes; and whatever it declines goes to the whole-file
path, with the same outcome. The whole-file path is the other implementation; the rows each
one-row-per-key rule must reject are also worked out by hand below.

The files are written by hand and validated with tiny chunks (``chunk_rows`` 7: the first chunk
is the header and six rows) and no size threshold, so that every case crosses chunk boundaries.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from pmereport.contract import chunked, identifiers, seen_keys
from pmereport.contract.chunked import validate_extract_to_parquet
from pmereport.contract.dataset import _save_result, load, validate_to_cache
from pmereport.contract.validate import load_extract
from tiny_data import with_arrow_text

TODAY = dt.date(2026, 11, 1)
HEADER = ("pupil_id,school_urn,academic_year,term,ncy,sex,ethnicity,sen_status,fsm,"
          "sessions_possible,sessions_authorised,sessions_unauthorised,comment")
TITLES = ["Attendance per pupil per term,,,", "Exported from the MIS on 2026-10-01"]  # the header is line 3


def row(pupil, urn="110001", term="AUT", ncy="8", sex="F", possible="146", auth="10", unauth="5", comment=""):
    return ",".join([pupil, urn, "2024/25", term, ncy, sex, "WHIT", "N", "N", possible, auth, unauth, comment])


# The body, one entry per line after the header; the file's row number is 4 + the position.
BODY = [
    row("P0001"),                                      # r4  kept
    row("P0002"),                                      # r5  kept
    row("P0003", auth="abc"),                          # r6  FIELD_TYPE: does not parse
    ",,,,,,,,,,,,",                                    # r7  empty row, skipped
    row("P0004", possible="10", auth="8", unauth="5"),  # r8  ATT01 (13 missed of 10), but it parsed
    row("P0001"),                                      # r9  ATT02: repeats r4 (same chunk)
    row("P0005"),                                      # r10 kept (second chunk from here)
    HEADER,                                            # r11 ROW_HEADER
    row("P0003"),                                      # r12 kept: r6 repeats its key but did not parse
    row("P0004", possible="10", auth="8", unauth="5"),  # r13 ATT01, and ATT02: repeats r8 (previous chunk)
    row("P0002"),                                      # r14 ATT02: repeats r5 (previous chunk)
    row(""),                                           # r15 FIELD_REQUIRED pupil_id: a blank key
    row("P0006"),                                      # r16 kept
    row(""),                                           # r17 FIELD_REQUIRED, and ATT02: blank equals blank (r15)
    row("P0007", term="XYZ"),                          # r18 FIELD_CODE term
    row("P0007", term="XYZ"),                          # r19 FIELD_CODE, and ATT02: repeats r18
    row("P0005", term="SPR"),                          # r20 kept: another term than r10
    "",                                                # r21 empty line, skipped
    row("P0008", ncy="15"),                            # r22 FIELD_MAX ncy
    row("P0009", possible="c"),                        # r23 FIELD_TYPE: a DfE symbol
    row("P0010", comment="moved school"),              # r24 kept, with a value in the extra column
    row("P0009"),                                      # r25 kept: r23 did not parse
    row("P0001", urn=""),                              # r26 FIELD_REQUIRED school_urn (a new key)
    row("P0001", urn=""),                              # r27 FIELD_REQUIRED, and ATT02: repeats r26
    row("P0006"),                                      # r28 ATT02: repeats r16 (two chunks back)
    row("P0011", sex="Q"),                             # r29 FIELD_CODE sex
    row("P0011"),                                      # r30 ATT02: repeats r29, which parsed
    *[row(f"P{100 + k}") for k in range(20)],          # r31-r50 kept
    *[row(f"P{100 + k}") for k in range(5)],           # r51-r55 ATT02: repeat r31-r35
]
ATT02_ROWS = [9, 13, 14, 17, 19, 27, 28, 30, 51, 52, 53, 54, 55]  # from the comments above
REJECTED = [6, 8, 9, 11, 13, 14, 15, 17, 18, 19, 22, 23, 26, 27, 28, 29, 30, 51, 52, 53, 54, 55]
ROWS_READ = len(BODY) - 2  # 52 lines, two of them empty: 50 rows; 22 rejected, 28 kept


def write_attendance(folder: Path, body=BODY, header=HEADER, encoding="utf-8") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    text = "\n".join([*TITLES, header, *body]) + "\n"
    (folder / "attendance.csv").write_bytes(text.encode(encoding))
    return folder


def whole_file(data: Path, out: Path) -> tuple[dict, pd.DataFrame, pd.DataFrame]:
    """The proven path: load_extract, then the cache's writer; (meta entry, kept rows, issues) read back."""
    out.mkdir()
    result = load_extract(data, "attendance", today=TODAY)
    meta = _save_result(result, out)
    return meta, pd.read_parquet(out / "attendance.parquet"), pd.read_parquet(out / "attendance.issues.parquet")


def in_chunks(data: Path, out: Path, chunk_rows: int = 7):
    """The chunked path; None when it declines (and then it must leave no Parquet file behind)."""
    out.mkdir()
    summary = validate_extract_to_parquet(data, "attendance", out / "attendance.parquet", today=TODAY,
                                          chunk_rows=chunk_rows, min_bytes=0)
    if summary is None:
        assert not (out / "attendance.parquet").exists()
        return None
    meta = _save_result(summary, out, kept_written=True)
    return (meta, pd.read_parquet(out / "attendance.parquet"), pd.read_parquet(out / "attendance.issues.parquet"),
            summary)


@pytest.mark.parametrize("chunk_rows", [1, 7, 1000])
def test_chunks_give_the_whole_file_result(tmp_path, chunk_rows):
    data = write_attendance(tmp_path / "data")
    meta, kept, issues = whole_file(data, tmp_path / "whole")
    chunked_meta, chunked_kept, chunked_issues, summary = in_chunks(data, tmp_path / "chunks", chunk_rows)

    assert chunked_meta == meta
    assert_frame_equal(chunked_kept, kept, check_exact=True)
    assert_frame_equal(chunked_issues, issues, check_exact=True)
    assert_frame_equal(summary.issues, load_extract(data, "attendance", today=TODAY).issues)
    # the hand-worked answers
    assert meta["rows_read"] == ROWS_READ == 50
    assert sorted(issues["row"].unique()) == REJECTED
    assert meta["rows_kept"] == ROWS_READ - len(REJECTED) == 28
    assert issues.loc[issues["rule"] == "ATT02", "row"].tolist() == ATT02_ROWS
    assert 12 in kept["_source_row"].tolist() and 25 in kept["_source_row"].tolist()
    assert meta["notes"][0].endswith("skipped 2 title line(s) above the header (line 3): "
                                     "'Attendance per pupil per term'; 'Exported from the MIS on 2026-10-01'")
    assert meta["notes"][1].endswith("skipped 2 empty row(s)")
    assert "comment are not in the contract" in meta["notes"][2]


def test_no_false_repeat_when_every_key_has_the_same_hash(tmp_path, monkeypatch):
    """Every hash equal: matches are confirmed on the key values, so the answer stays exact."""
    monkeypatch.setattr(seen_keys, "_hash_rows", lambda keys: pd.Series(0, index=keys.index).to_numpy("uint64"))
    data = write_attendance(tmp_path / "data")
    meta, kept, issues = whole_file(data, tmp_path / "whole")
    chunked_meta, chunked_kept, chunked_issues, _ = in_chunks(data, tmp_path / "chunks")
    assert chunked_meta == meta
    assert_frame_equal(chunked_kept, kept)
    assert_frame_equal(chunked_issues, issues)
    assert issues.loc[issues["rule"] == "ATT02", "row"].tolist() == ATT02_ROWS


def _with_line(position: int, line: str) -> list[str]:
    return BODY[:position] + [line] + BODY[position + 1:]


def _upns() -> list[str]:
    # every pupil_id as "A" and twelve digits: the shape of a UPN (identifiers.CONTENT_PATTERNS)
    return [f"A{int(line.split(',')[0][1:]):012d}{line[line.index(','):]}" if line.startswith("P") else line
            for line in BODY]


def _sparse_emails() -> list[str]:
    # a "contact" column, blank until row 34, then an email address on every row
    return [line + "," + (f"parent{i}@example.org" if i >= 30 and line.startswith("P") else "")
            for i, line in enumerate(BODY)]


FALLBACKS = {  # case: (body, header, encoding, what the whole-file path says, by hand)
    "cp1252 byte near the end": (_with_line(45, row("P0145", comment="café")), HEADER, "cp1252", "kept"),
    # body position 45 is the file's line 4 + 45 = 49 (no value spans lines)
    "extra field in a late chunk": (_with_line(45, row("P0145") + ",x"), HEADER, "utf-8", "line 49 has 14 values"),
    "a column with values but no header": (_with_line(40, row("P0140") + ",x"), HEADER + ",", "utf-8",
                                           "column N has values but no header"),
    "UPNs in pupil_id": (_upns(), HEADER, "utf-8", "FILE_IDENTIFIER"),
    "emails in a sparse extra column": (_sparse_emails(), HEADER + ",contact", "utf-8", "FILE_IDENTIFIER"),
    "a repeated column name": (BODY, HEADER.replace("comment", "term"), "utf-8", "appears more than once"),
}


@pytest.mark.parametrize("small_sample", [False, True], ids=["sample-500", "sample-3"])
@pytest.mark.parametrize("case", list(FALLBACKS))
def test_what_chunks_decline_is_validated_whole_with_the_same_result(tmp_path, monkeypatch, case, small_sample):
    if small_sample:  # the dense columns' sample completes in the second chunk, the sparse one later
        monkeypatch.setattr(identifiers, "SAMPLE_SIZE", 3)
        monkeypatch.setattr(identifiers, "SAMPLE_SCAN", 12)
    body, header, encoding, told = FALLBACKS[case]
    data = write_attendance(tmp_path / "data", body, header, encoding)
    assert in_chunks(data, tmp_path / "chunks") is None
    meta, kept, issues = whole_file(data, tmp_path / "whole")
    cache = tmp_path / "cache"
    validate_to_cache(data, cache, today=TODAY, chunk_rows=7, chunk_min_bytes=0)
    assert json.loads((cache / "meta.json").read_text())["extracts"]["attendance"] == meta
    assert_frame_equal(pd.read_parquet(cache / "attendance.parquet"), kept)
    assert_frame_equal(pd.read_parquet(cache / "attendance.issues.parquet"), issues)
    said = " ".join([*meta["file_errors"], *meta["notes"], *issues["rule"].astype(str)])
    assert told in said or (told == "kept" and meta["rows_kept"] == 28 and not meta["file_errors"])


def test_a_small_file_or_an_extract_with_a_unique_field_is_validated_whole(tmp_path):
    data = write_attendance(tmp_path / "data")
    small = validate_extract_to_parquet(data, "attendance", tmp_path / "a.parquet", today=TODAY, chunk_rows=7,
                                        min_bytes=(data / "attendance.csv").stat().st_size + 1)
    assert small is None and not (tmp_path / "a.parquet").exists()
    with pytest.raises(chunked.NotChunkable, match="unique field"):  # cases: case_id is unique
        chunked.validate_extract_in_chunks(data, "cases", lambda kept: None, today=TODAY, min_bytes=0)


def test_validating_a_data_folder_into_the_cache_in_chunks_equals_load(small_data, tmp_path, monkeypatch):
    chunked_extracts = []
    real = chunked.validate_extract_to_parquet

    def spy(data_dir, name, target, **options):
        summary = real(data_dir, name, target, **options)
        if summary is not None:
            chunked_extracts.append(name)
        return summary

    monkeypatch.setattr(chunked, "validate_extract_to_parquet", spy)
    streamed = validate_to_cache(small_data, tmp_path / "cache", today=TODAY, chunk_rows=4000, chunk_min_bytes=0)
    # cases, exclusions and schools have a unique field; pme_returns is a folder of monthly files
    assert sorted(chunked_extracts) == ["attendance", "census", "consent", "missing_occasions", "panels",
                                        "return_log", "reviews", "sao_notices"]
    direct = load(small_data, today=TODAY)
    assert streamed.quality() == direct.quality()
    for name in direct.results:  # text read back from the cache is Arrow-backed (contract.dataset.read_cached_rows)
        assert_frame_equal(getattr(streamed, name), with_arrow_text(getattr(direct, name)), check_dtype=True)
    assert_frame_equal(streamed.issues(), direct.issues(), check_dtype=False)  # row: object once cached


def test_a_byte_that_is_not_utf8_after_chunks_were_written_sends_the_file_whole(tmp_path):
    """Two chunks of 10,000 rows are written before pandas decodes the byte (it reads the file in
    buffers, so the byte must be far down a file of 1.5 MB); the partial Parquet file is dropped."""
    body = [row(f"Q{k:05d}") for k in range(30000)] + [row("Q99999", comment="café")]
    data = write_attendance(tmp_path / "data", body, encoding="cp1252")
    written = []
    with pytest.raises(chunked.NotChunkable, match="UnicodeDecodeError"):
        chunked.validate_extract_in_chunks(data, "attendance", written.append, today=TODAY, chunk_rows=10_000,
                                           min_bytes=0)
    assert [len(kept) for kept in written] == [9_999, 10_000]  # the first chunk's 10,000 include the header
    meta, kept, issues = whole_file(data, tmp_path / "whole")
    assert meta["rows_kept"] == 30_001 and not meta["file_errors"]  # read as Windows-1252, every row kept
    validate_to_cache(data, tmp_path / "cache", today=TODAY, chunk_rows=10_000, chunk_min_bytes=0)
    assert json.loads((tmp_path / "cache" / "meta.json").read_text())["extracts"]["attendance"] == meta
    assert_frame_equal(pd.read_parquet(tmp_path / "cache" / "attendance.parquet"), kept)
