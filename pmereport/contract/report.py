"""A readable data-quality report for people: what was read, kept, rejected, and why."""
from __future__ import annotations

from .validate import ExtractResult

MAX_LINES_PER_EXTRACT = 20


def format_validation(results: dict[str, ExtractResult], max_lines: int = MAX_LINES_PER_EXTRACT) -> str:
    """Plain-text report: a summary table of row accounting, then the first problems per extract,
    each naming file, row, column and rule."""
    width = max([len("extract"), *map(len, results)]) + 2
    lines = ["Data contract v1 validation", "",
             f"{'extract':<{width}}{'rows read':>11}{'kept':>10}{'rejected':>10}  status"]
    for name, r in results.items():
        status = "FILE ERROR" if r.file_errors else ("ok" if r.ok else "rows rejected")
        lines.append(f"{name:<{width}}{r.rows_read:>11,}{r.rows_kept:>10,}{r.rows_rejected:>10,}  {status}")
    for name, r in results.items():
        if r.notes:
            lines += ["", f"{name}: note(s)"] + [f"  {note}" for note in r.notes]
        if r.ok:
            continue
        lines += ["", f"{name}: {len(r.issues):,} problem(s)"]
        for message in r.file_errors:
            lines.append(f"  {message}")
        row_issues = r.issues.dropna(subset=["row"])
        for issue in row_issues.head(max_lines).itertuples(index=False):
            value = "" if issue.value is None else f" (value: {issue.value!r})"
            lines.append(f"  {issue.file}, row {int(issue.row)}, column {issue.column}: "
                         f"{issue.rule}: {issue.message}{value}")
        if len(row_issues) > max_lines:
            lines.append(f"  ... and {len(row_issues) - max_lines:,} more (use --issues FILE.csv for all)")
    ok = all(r.ok for r in results.values())
    lines += ["", "PASSED: every extract meets the contract." if ok else
              "FAILED: some rows or files do not meet the contract (see docs/data-dictionary.md)."]
    return "\n".join(lines)
