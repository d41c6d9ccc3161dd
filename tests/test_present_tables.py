"""Report tables: suppression, rounding, symbols, units in headers, and clean HTML."""
import pandas as pd
import pytest

from pmereport.present.tables import prepare_table, to_html, with_total_row


def reasons():
    frame = pd.DataFrame({"label": ["Medical", "Behavioural", "GRT", "Other"], "count": [2000, 2, 1, 0]})
    frame["share"] = frame["count"] / frame["count"].sum()
    return with_total_row(frame, "label", ["count", "share"])


def test_prepare_table_suppresses_rounds_and_labels():
    table = prepare_table(reasons(), "reasons", "Open PME cases by reason", units={"count": "count", "share": "share"},
                          period="Position at 31 October 2026", source="Case extract")
    # counts: 2 and 1 are below 5 -> c (two hidden in the column, no complement needed); 0 stays.
    # shares: 2000/2003 = 99.850...% -> 99.9 (1 dp); 0/2003 = 0 -> 0.0; total 100.0.
    assert table.rows == [["Medical", 2000, 99.9], ["Behavioural", "c", "c"], ["GRT", "c", "c"],
                          ["Other", 0, 0.0], ["Total", 2003, 100.0]]
    assert table.columns == ["label", "count", "share_percent"]  # a share is published as a percentage
    assert table.headers == ["Label", "Count (number)", "Share (%)"]
    assert table.total_rows == [4]
    assert any("shown as c" in n for n in table.notes)


def test_low_and_not_available_symbols():
    frame = pd.DataFrame({"area": ["A", "B", "C"], "rate": [0.0004, 0.0, None]})
    table = prepare_table(frame, "t", "T", units={"rate": "share"}, period="p", source="s", suppress=False)
    # 0.0004 -> 0.04 % rounds to 0.0 at 1 dp but is not zero: "low". A true 0 stays 0.0; missing: "x".
    assert [row[1] for row in table.rows] == ["low", 0.0, "x"]


def test_decimals_can_be_set_per_column():
    frame = pd.DataFrame({"area": ["A"], "pct": [12.25]})
    table = prepare_table(frame, "t", "T", units={"pct": "percent:0"}, period="p", source="s")
    assert table.rows == [["A", 12]]  # 12.25 -> 12 at 0 dp


def test_several_counts_need_derived_for_shares():
    frame = pd.DataFrame({"a": [1], "b": [2], "share": [0.5]})
    with pytest.raises(ValueError, match="derived"):
        prepare_table(frame, "t", "T", units={"a": "count", "b": "count", "share": "share"}, period="p", source="s")


def test_unknown_unit_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown unit"):
        prepare_table(pd.DataFrame({"n": [1]}), "t", "T", units={"n": "people"}, period="p", source="s")


def test_html_has_caption_units_source_and_separators():
    table = prepare_table(reasons(), "reasons", "Open PME cases by reason", units={"count": "count", "share": "share"},
                          period="Position at 31 October 2026", source="Case extract")
    html = to_html(table)
    assert "<caption>" in html and "Open PME cases by reason" in html and "Position at 31 October 2026" in html
    assert "2,003" in html and "99.9" in html and "Count (number)" in html
    assert "Source: Case extract" in html
    assert '<tr class="total">' in html
    assert "<script" not in html and "style=" not in html
    assert to_html(table) == html  # deterministic: no random ids


def test_linked_total_hidden_hides_it_and_all_its_shares():
    frame = with_total_row(pd.DataFrame({"label": ["Medical", "Behavioural", "GRT", "Other"],
                                         "count": [5, 2, 1, 0], "share": [5 / 8, 2 / 8, 1 / 8, 0.0],
                                         "comparator": [0.45, 0.26, 0.09, 0.18]}),
                           "label", ["count", "share", "comparator"])
    table = prepare_table(frame, "r", "R", units={"count": "count", "share": "share", "comparator": "share:0"},
                          derived={"share": "count"}, period="p", source="s", hide={"count": ["Total"]})
    # Total (8) hidden because another table hides it; 2 and 1 are primary. Three hidden in the
    # column: no complement needed. Medical's 5 stays, but 62.5 % beside it would give 5 / 0.625 = 8,
    # so every share is hidden. The published comparator is untouched.
    assert table.rows == [["Medical", 5, "c", 45], ["Behavioural", "c", "c", 26], ["GRT", "c", "c", 9],
                          ["Other", 0, "c", 18], ["Total", "c", "c", 98]]  # 45+26+9+18
    assert table.is_suppressed("Total", "count") and not table.is_suppressed("Medical", "count")
    assert table.value("Medical", "share") == "c"


def test_hide_names_an_unknown_row():
    with pytest.raises(KeyError, match="hide names row"):
        prepare_table(reasons(), "r", "R", units={"count": "count", "share": "share"}, period="p", source="s",
                      hide={"count": ["Totals"]})


def test_missing_counts_in_nullable_columns_are_x_and_do_not_break_suppression():
    frame = pd.DataFrame({"area": ["A", "B", "C"], "n": pd.array([3, None, 10], dtype="Int64")})
    table = prepare_table(frame, "t", "T", units={"n": "count"}, period="p", source="s")
    # 3 -> c; the missing value cannot hide it, so 10 (the next smallest number) is hidden too.
    assert [row[1] for row in table.rows] == ["c", "x", "c"]


def test_labels_dates_and_blanks_are_written_plainly():
    frame = pd.DataFrame({"month_end": pd.to_datetime(["2026-09-30", None]),
                          "district": pd.array(["North", None], dtype="string"), "n": [10, 12]})
    table = prepare_table(frame, "t", "T", units={"n": "count"}, period="p", source="s")
    assert table.rows == [["2026-09-30", "North", 10], ["", "", 12]]


def test_long_tables_may_break_across_pages():
    from pmereport.present.tables import LONG_TABLE_ROWS, prepare_table, to_html
    import pandas as pd

    def html_of(rows):
        frame = pd.DataFrame({"label": [f"r{i}" for i in range(rows)], "days": [1.0] * rows})
        return to_html(prepare_table(frame, "t", "T", units={"days": "days"}, period="p", source="s", suppress=False))

    assert '<div class="pme-table long"' in html_of(LONG_TABLE_ROWS + 1)
    assert '<div class="pme-table" ' in html_of(LONG_TABLE_ROWS)
