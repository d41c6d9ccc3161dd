"""The building blocks of the data contract: a field, a cross-field rule, an extract.

The contract is declared once (``extracts.py``) and everything else is generated from it: the
pandera schemas that validate data (``schemas.py``), the data dictionary (``dictionary.py``) and
the synthetic generator's column order.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Mapping, Sequence

import pandas as pd

# Logical types. "date" accepts ISO (2024-09-30) or UK (30/09/2024) text, or an Excel date cell;
# "month" is a calendar month (2024-09 or any date in it) stored as the first of the month.
FIELD_TYPES = ("str", "int", "float", "date", "month", "code")


@dataclass(frozen=True)
class Field:
    """One column of an extract."""

    name: str
    type: str
    description: str
    required: bool = True  # the column must be present in the file
    nullable: bool = False  # a blank cell is allowed
    codes: Mapping[str, str] | None = None  # allowed values -> labels, for type "code"
    minimum: float | None = None
    maximum: float | None = None
    unique: bool = False
    pattern: str | None = None  # a regular expression the whole text value must match (type "str")

    def __post_init__(self) -> None:
        if self.type not in FIELD_TYPES:
            raise ValueError(f"field {self.name}: unknown type {self.type!r}")
        if (self.type == "code") != (self.codes is not None):
            raise ValueError(f"field {self.name}: codes go with type 'code' and only with it")


@dataclass(frozen=True)
class Rule:
    """A cross-field rule: ``check(df)`` returns a boolean Series, True where a row passes.

    Rows where a column the rule needs is blank should pass (a blank is the field's own business).
    A rule without ``key`` must depend on its own row only (it may look at several columns, never
    at other rows): a large file is validated chunk by chunk (contract/chunked.py), which is exact
    only for such rules. A rule about other rows must be a one-row-per-key rule, declared with
    ``Rule.one_row_per(...)``: ``key`` names its columns and the check is derived from it.
    """

    code: str
    message: str
    columns: Sequence[str]
    check: Callable[[pd.DataFrame], pd.Series]
    source: str = "pmereport data contract v1"
    key: tuple[str, ...] | None = None  # one row per value of these columns: a later repeat fails

    @classmethod
    def one_row_per(cls, code: str, message: str, key: Sequence[str],
                    source: str = "pmereport data contract v1") -> "Rule":
        """A rule that a key appears once: every row repeating an earlier row's key fails (the
        first one passes; blanks are equal to each other, as in ``DataFrame.duplicated``)."""
        key = tuple(key)
        return cls(code, message, list(key), lambda d: ~d.duplicated(list(key), keep="first"), source, key)


@dataclass(frozen=True)
class Extract:
    """One extract of the data contract: a file (or a folder of monthly files) in a data folder."""

    name: str
    title: str
    description: str
    fields: Sequence[Field]
    rules: Sequence[Rule] = field(default_factory=tuple)
    folder: bool = False  # may be a folder of files (e.g. one PME return file per month)
    optional: bool = False  # a data folder may leave this extract out

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    @property
    def columns(self) -> list[str]:
        return [f.name for f in self.fields]
