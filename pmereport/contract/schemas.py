"""Build a pandera schema from a contract declaration (phase two of validation).

pandera does the checks (allowed codes, ranges, patterns, uniqueness, nullability and the
cross-field rules) and reports every failing row with its check's name, which row accounting
turns into rejection reasons.
"""
from __future__ import annotations

import pandera.pandas as pa

from .spec import Extract, Field

PANDERA_DTYPES = {"str": "string", "code": "string", "int": "Int64", "float": "Float64",
                  "date": "datetime64[ns]", "month": "datetime64[ns]"}


def _field_checks(f: Field) -> list[pa.Check]:
    checks = []
    if f.codes is not None:
        checks.append(pa.Check.isin(list(f.codes), name="FIELD_CODE"))
    if f.minimum is not None:
        checks.append(pa.Check.ge(f.minimum, name="FIELD_MIN"))
    if f.maximum is not None:
        checks.append(pa.Check.le(f.maximum, name="FIELD_MAX"))
    if f.pattern is not None:
        checks.append(pa.Check.str_matches(f"(?:{f.pattern})$", name="FIELD_PATTERN"))
    return checks


def pandera_schema(extract: Extract) -> pa.DataFrameSchema:
    """The pandera schema for an extract whose columns have already been parsed to their types."""
    columns = {
        f.name: pa.Column(PANDERA_DTYPES[f.type], checks=_field_checks(f), nullable=f.nullable,
                          unique=f.unique, required=f.required, report_duplicates="exclude_first")
        for f in extract.fields
    }
    checks = [pa.Check(rule.check, name=rule.code) for rule in extract.rules]
    return pa.DataFrameSchema(columns, checks=checks, strict=False, coerce=False)
