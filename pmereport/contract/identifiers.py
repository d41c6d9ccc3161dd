"""Identifier guard: find columns that hold direct identifiers, by name and by content.

Extracts must be pseudonymised before pmereport sees them (data contract v1: "no names, UPNs,
addresses or dates of birth"; ICO anonymisation guidance: names, addresses, full postcodes,
unique reference numbers, full dates of birth, phone numbers and emails are direct identifiers).
A column is flagged when

- its *name* says what it is (``surname``, ``upn``, ``date_of_birth``, ``postcode``...) and it is
  not a column of the contract (``school_name`` is a school's name, not a person's); or
- its *values* look like identifiers: at least ``CONTENT_SHARE`` of the first ``SAMPLE_SIZE``
  non-blank values match a pattern. UPNs, emails, phone numbers and full postcodes are looked
  for in every text column, including the contract's own (a ``pupil_id`` holding UPNs is caught);
  people's names, street addresses and children's dates of birth only in columns outside the
  contract, whose own date and name columns are legitimate.

Limits (docs/pseudonymisation.md): a column where fewer than half the values are identifiers (a
few UPNs typed into a free-text column) is not caught; a single-word name column is caught by its
name only.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pandas as pd

from .spec import Extract

SAMPLE_SIZE = 500
SAMPLE_SCAN = SAMPLE_SIZE * 4  # the first non-null values looked at to find SAMPLE_SIZE non-blank ones
CONTENT_SHARE = 0.5
NAME_CONTENT_SHARE = 0.8  # people's names by content: stricter, and values must be mostly distinct
NAME_MIN_VALUES = 5
SCHOOL_AGE_YEARS = (2, 20)  # a date of birth of a child in or near school age is 2 to 20 years ago
HOW_TO = "docs/pseudonymisation.md"

# What each kind of identifier is called in a column name (after lower-casing and turning every
# run of other characters into "_").
NAME_PATTERNS = {
    "names": r"(^|_)(first_?names?|fore_?names?|sur_?names?|last_?names?|family_?names?|given_?names?|"
             r"middle_?names?|full_?names?|legal_?names?|preferred_?names?|known_as|names?)(_|$)",
    "an address": r"(^|_)(address(_?line)?|addr|street|house_?(name|number)?)(_?\d+)?(_|$)",
    "a full postcode": r"(^|_)(post_?codes?|postal_?codes?|zip_?codes?)(_|$)",
    "a UPN or another national identifier": r"(^|_)(upns?|former_upn|unique_pupil_numbers?|ulns?|"
                                             r"unique_learner_numbers?|nhs_?(no|number)|ni_?(no|number)|"
                                             r"national_insurance(_number)?)(_|$)",
    "a date of birth": r"(^|_)(dob|d_o_b|date_of_birth|birth_?date|birthday|born)(_|$)",
    "a phone number": r"(^|_)(phone|telephone|tel|mobile|landline|contact_?(no|number)|phone_?number)(_|$)",
    "an email address": r"(^|_)(e_?mails?|email_?address)(_|$)",
}
# Words that make a "name" column an organisation's, a place's or a label's name, not a person's.
NOT_A_PERSON = re.compile(r"(^|_)(school|establishment|provider|setting|trust|academy|district|ward|area|la|"
                          r"authority|team|file|sheet|region|town|city|county|reason|group|provision|category|"
                          r"type|code|label|service|course|programme|column|field)(_|$)")
# Words that make a postcode column a partial (district or sector) postcode, which is allowed.
PARTIAL_POSTCODE = re.compile(r"(^|_)(district|sector|area|outward|prefix|partial)(_|$)")

_NAME_WORD = r"(?:[A-Z]'|Mc|Mac)?[A-Z][a-z]+(?:-[A-Z][a-z]+)*"  # Jones, O'Connor, McKay, Smith-Jones
CONTENT_PATTERNS = {  # checked in every text column
    "a UPN or another national identifier": re.compile(r"[A-Za-z]\d{11}[0-9A-Za-z]"),
    "an email address": re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}"),
    "a full postcode": re.compile(r"(?i)(GIR ?0AA|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2})"),
    "a phone number": re.compile(r"(\+44|0044|0)\d{9,10}"),
}
PLURALS = {"a UPN or another national identifier": "UPNs", "an email address": "email addresses",
           "a full postcode": "full UK postcodes", "a phone number": "UK phone numbers",
           "an address": "street addresses"}
OUTSIDE_CONTRACT_PATTERNS = {  # checked only in columns that are not in the contract
    "names": re.compile(fr"{_NAME_WORD}(?:,? {_NAME_WORD}){{1,3}}"),
    "an address": re.compile(r"(?i)\d+[A-Z]?,? [A-Za-z' ]+ (road|rd|street|st|lane|ln|avenue|ave|close|drive|dr|way|"
                             r"crescent|court|place|gardens|grove|terrace|hill|walk|row|square|mews)\b.*"),
}


@dataclass(frozen=True)
class IdentifierColumn:
    """A column that looks like a direct identifier: which kind, and how it was recognised."""

    column: str
    kind: str
    evidence: str
    in_contract: bool

    def message(self, file: str) -> str:
        return (f"{file}: column '{self.column}' looks like a direct identifier ({self.kind}; recognised by "
                f"{self.evidence}). pmereport only takes pseudonymised extracts: "
                + ("put the LA's pseudonymous pupil number in this column instead, never the UPN or a name"
                   if self.in_contract else
                   "remove this column before export (keep pupil_id, district and ncy: they are enough)")
                + f"; see {HOW_TO} for how to pseudonymise")


def _normalised(column: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", column.lower()).strip("_")


def kind_by_name(column: str) -> str | None:
    """The kind of identifier a column's name announces, or None."""
    name = _normalised(column)
    for kind, pattern in NAME_PATTERNS.items():
        if re.search(pattern, name):
            if kind == "names" and NOT_A_PERSON.search(name):
                continue
            if kind == "a full postcode" and PARTIAL_POSTCODE.search(name):
                continue
            return kind
    return None


def _sample(values: pd.Series) -> pd.Series:
    text = values.dropna().head(SAMPLE_SCAN).astype(str).str.strip()
    return text[text.ne("")].head(SAMPLE_SIZE)


def _share(sample: pd.Series, pattern: re.Pattern) -> float:
    """Share of values matching ``pattern`` (phone numbers are compared without spaces, dashes
    and brackets)."""
    if pattern is CONTENT_PATTERNS["a phone number"]:
        sample = sample.str.replace(r"[\s()-]", "", regex=True)
    return float(sample.map(lambda v: bool(pattern.fullmatch(v))).mean()) if len(sample) else 0.0


def _birth_dates(sample: pd.Series, today: dt.date) -> float:
    """Share of values that are full dates of birth of a child of school age at ``today``."""
    dates = pd.to_datetime(sample.str.slice(0, 10), format="%Y-%m-%d", errors="coerce")  # Excel cells: 00:00:00
    uk = pd.to_datetime(sample, format="%d/%m/%Y", errors="coerce")
    dates = dates.fillna(uk)
    if dates.isna().mean() > 1 - CONTENT_SHARE:
        return 0.0
    today = pd.Timestamp(today)
    youngest, oldest = (today - pd.DateOffset(years=y) for y in SCHOOL_AGE_YEARS)
    return float(((dates <= youngest) & (dates >= oldest)).mean())


def kind_by_content(values: pd.Series, in_contract: bool, today: dt.date) -> tuple[str, str] | None:
    """(kind, evidence) when enough of a column's first non-blank values look like identifiers."""
    sample = _sample(values)
    if sample.empty:
        return None
    patterns = dict(CONTENT_PATTERNS)
    if not in_contract:
        patterns.update(OUTSIDE_CONTRACT_PATTERNS)
    for kind, pattern in patterns.items():
        share = _share(sample, pattern)
        if kind == "names":
            if (share >= NAME_CONTENT_SHARE and len(sample) >= NAME_MIN_VALUES
                    and sample.nunique() >= NAME_CONTENT_SHARE * len(sample)):
                return kind, f"its values ({share:.0%} of {len(sample)} look like people's names)"
        elif share >= CONTENT_SHARE:
            return kind, f"its values ({share:.0%} of {len(sample)} look like {PLURALS[kind]})"
    if not in_contract:
        share = _birth_dates(sample, today)
        if share >= CONTENT_SHARE:
            return "a date of birth", f"its values ({share:.0%} of {len(sample)} are dates 2 to 20 years ago)"
    return None


def find_identifier_columns(raw: pd.DataFrame, extract: Extract, today: dt.date | None = None
                            ) -> list[IdentifierColumn]:
    """Every column of ``raw`` that looks like a direct identifier, by name or by content.

    Contract columns are checked by content only, and only those of type "str" (codes, numbers
    and dates cannot hold names or UPNs and still pass the contract).
    """
    today = today or dt.date.today()
    contract = {f.name: f for f in extract.fields}
    found = []
    for column in raw.columns:
        if str(column).startswith("_source_"):
            continue
        field = contract.get(column)
        if field is None:
            kind = kind_by_name(str(column))
            if kind:
                found.append(IdentifierColumn(column, kind, "its name", False))
                continue
        elif field.type != "str":
            continue
        by_content = kind_by_content(raw[column], field is not None, today)
        if by_content:
            found.append(IdentifierColumn(column, *by_content, field is not None))
    return found
