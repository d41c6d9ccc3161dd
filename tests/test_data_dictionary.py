from pathlib import Path

from pmereport.contract.dictionary import data_dictionary
from pmereport.contract.extracts import EXTRACTS

ROOT = Path(__file__).resolve().parent.parent


def test_committed_data_dictionary_is_generated_from_the_contract():
    committed = (ROOT / "docs" / "data-dictionary.md").read_text()
    assert committed == data_dictionary(), (
        "docs/data-dictionary.md is out of date: python -m pmereport.contract.dictionary > docs/data-dictionary.md")


def test_dictionary_lists_every_column_and_rule():
    text = data_dictionary()
    for extract in EXTRACTS.values():
        assert f"(`{extract.name}`)" in text
        for f in extract.fields:
            assert f"| `{f.name}` |" in text
        for rule in extract.rules:
            assert f"| `{rule.code}` |" in text
