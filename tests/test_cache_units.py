"""The pieces of the run cache and of the early-started kernels (report/cache.py, kernel.py)."""
import datetime as dt
import os

import nbformat
import pandas as pd
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from tiny_data import with_arrow_text, write_tiny_data

from pmereport.contract.dataset import CachedExtractResult, load, save_cache
from pmereport.report import cache
from pmereport.report.kernel import warm_up_code

DAY = dt.date(2026, 11, 23)


def test_warm_up_code_is_the_notebooks_imports_once_each(tmp_path):
    path = tmp_path / "n.ipynb"
    nbformat.write(new_notebook(cells=[
        new_code_cell("data_dir = None", metadata={"tags": ["parameters"]}),
        new_code_cell("import pandas as pd\nfrom pmereport.metrics import cohort\nx = 1\nif x:\n    import json"),
        new_markdown_cell("import os  (markdown, not code)"),
        new_code_cell("%matplotlib inline\nimport math"),  # a magic: not Python, skipped
        new_code_cell("import pandas as pd\nfrom pmereport.metrics import (cohort)"),
    ]), path)
    # Top-level imports only (the one inside `if` is not run ahead), duplicates once, in order.
    assert warm_up_code(path) == "import pandas as pd\nfrom pmereport.metrics import cohort"


def test_data_key_changes_with_one_byte_the_day_or_the_folder(tmp_path):
    data = write_tiny_data(tmp_path / "data")
    hashes = cache.file_hashes(data)
    key = cache.data_key(data, hashes, DAY)
    assert key == cache.data_key(data, cache.file_hashes(data), DAY)
    text = (data / "schools.csv").read_text()
    (data / "schools.csv").write_text(text.replace("Shire Academy", "Shire Academz"))
    assert cache.data_key(data, cache.file_hashes(data), DAY) != key
    (data / "schools.csv").write_text(text)
    assert cache.data_key(data, cache.file_hashes(data), DAY) == key
    assert cache.data_key(data, hashes, DAY + dt.timedelta(days=1)) != key  # future-date rule moves
    assert cache.data_key(tmp_path, hashes, DAY) != key


def test_notebook_key_follows_files_named_by_parameters(tmp_path):
    notebook = tmp_path / "n.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell("x = 1")]), notebook)
    (tmp_path / "terms.yaml").write_text("a: 1\n")
    params = {"la": {"terms": "terms.yaml"}, "months": 12}
    key = cache.notebook_key(notebook, params, "data", tmp_path / "out")
    assert cache.notebook_key(notebook, params, "data", tmp_path / "out") == key
    (tmp_path / "terms.yaml").write_text("a: 2\n")  # the same parameter, a changed file
    assert cache.notebook_key(notebook, params, "data", tmp_path / "out") != key
    assert cache.notebook_key(notebook, {**params, "months": 24}, "data", tmp_path / "out") != key


def test_prune_keeps_the_most_recently_used_entries(tmp_path):
    store = cache.RunCache(tmp_path)
    for i in range(5):  # k0 oldest ... k4 newest
        (tmp_path / "data" / f"k{i}").mkdir(parents=True)
        os.utime(tmp_path / "data" / f"k{i}", (1_000_000 + i, 1_000_000 + i))
    assert store.data("k0") is not None  # used now: the most recent
    store.prune("data")
    assert sorted(p.name for p in (tmp_path / "data").iterdir()) == ["k0", "k3", "k4"]  # KEEP["data"] == 3


def test_a_disabled_cache_never_hits(tmp_path):
    off = cache.RunCache(None)
    assert not off.enabled and off.data("k") is None and off.notebook("k") is None and off.pdf("k") is None


def test_cached_dataset_reads_only_the_extracts_used(tmp_path):
    data = write_tiny_data(tmp_path / "data")
    save_cache(load(data), tmp_path / "cache")
    ds = load(data, cache_dir=tmp_path / "cache")
    assert all(isinstance(r, CachedExtractResult) for r in ds.results.values())
    assert all(r._data is None and r._kept is None for r in ds.results.values())
    assert len(ds.cases) == 17 and "_source_row" not in ds.cases  # C01-C05, P01-P12
    assert [n for n, r in ds.results.items() if r._kept is not None] == ["cases"]
    assert ds.results["schools"].rows_kept == 3 and ds.results["schools"]._data is None


def test_the_environment_names_agree_with_the_modules_that_read_them():
    """report/notebooks.py names two environment variables without importing their (slow) modules."""
    from pmereport.contract.dataset import CACHE_ENV
    from pmereport.report import notebooks, publish

    assert notebooks.DATASET_CACHE_ENV == CACHE_ENV
    assert notebooks.PUBLISH_REGISTRY_ENV == publish.REGISTRY_ENV
    assert notebooks.PUBLISH_FOLDER == str(publish.REGISTRY.parent)


def test_validating_into_the_cache_keeps_every_row_and_issue_that_load_does(tmp_path):
    from pandas.testing import assert_frame_equal

    from pmereport.contract.dataset import validate_to_cache

    data = write_tiny_data(tmp_path / "data", bad_case_rows=2)
    direct = load(data)
    streamed = validate_to_cache(data, tmp_path / "cache")
    assert streamed.quality() == direct.quality()
    assert streamed.quality()["extracts"]["cases"]["rows_rejected"] == 2  # the two bad rows
    for name in direct.results:  # read back from the cache, text is Arrow-backed (the memory saving)
        assert_frame_equal(getattr(streamed, name), with_arrow_text(getattr(direct, name)), check_dtype=True)
    assert (streamed.cases.dtypes == pd.StringDtype("pyarrow")).sum() >= 5  # case_id, pupil_id, codes...
    assert_frame_equal(streamed.issues(), direct.issues(), check_dtype=False)  # row: object once cached
    assert load(data, cache_dir=tmp_path / "cache").quality() == direct.quality()  # a usable cache
