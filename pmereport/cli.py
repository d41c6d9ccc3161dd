"""The `pmereport` command: a thin layer over the library (DESIGN.md section 2).

    pmereport demo [--out DIR]                       synthetic county data + the full board pack
    pmereport synth --out DIR [--seed N] [--size small|county|large] [--terms FILE] [--marks [--marks-format csv|parquet]]
    pmereport validate DATA_DIR [--issues FILE.csv] [--drop-identifiers]   exit 1 if any extract fails its contract
    pmereport pseudonymise RAW_DIR --out DIR --key-file KEYFILE   UPNs hashed, births to month, postcodes to district
    pmereport return-template --out FILE.xlsx [--month YYYY-MM] [--school URN]   the monthly PME return workbook
    pmereport returns-feedback RETURNS_DIR --schools SCHOOLS.csv --out DIR [--month YYYY-MM]
    pmereport run PARAMS.yaml [--data DIR] [--out DIR]
    pmereport verify RUN_DIR                          re-run from the manifest; exit 0 only if identical
    pmereport doctor                                  check the kernel, PDF engine and fonts
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

DEMO_PARAMS = "cme-board.yaml"  # the CME monitoring board paper: the flagship board pack
DEMO_SEED = 1


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _parameters_dir() -> Path:
    """The project's parameters/ folder (the repo checkout the package is installed from)."""
    here = Path(__file__).resolve().parent.parent / "parameters"
    if here.is_dir():
        return here
    return Path.cwd() / "parameters"


def cmd_synth(args) -> int:
    from .synth import generate

    start = time.perf_counter()
    summary = generate(args.out, seed=args.seed, size=args.size, progress=_say, terms=args.terms)
    rows = ", ".join(f"{k} {v:,}" for k, v in summary.get("rows", {}).items())
    _say(f"synthetic {args.size} data (seed {args.seed}) written to {args.out} in "
         f"{time.perf_counter() - start:.1f} s: {rows}")
    if args.marks:
        from .synth.marks import latest_complete_year, roll_from_attendance, write_marks

        year = latest_complete_year(summary["end"])
        start = time.perf_counter()
        marks = write_marks(args.out, seed=args.seed, size=args.size, academic_year=year, fmt=args.marks_format,
                            roll=roll_from_attendance(summary["paths"]["attendance"], year),
                            calendar=summary["terms"])
        _say(f"session marks for {year}: {marks.rows:,} marks of {marks.pupils:,} pupils written to "
             f"{marks.marks_dir} (roll: {marks.roll_path}) in {time.perf_counter() - start:.1f} s")
    return 0


def cmd_validate(args) -> int:
    """Validate a data folder and report. Without --drop-identifiers the extracts go through a
    temporary Parquet folder as in a report run (contract.dataset.validate_to_cache), so a large
    CSV is checked in chunks and memory does not grow with the file (docs/bad-inputs.md)."""
    import tempfile

    from .contract.dataset import load, validate_to_cache

    data_dir = Path(args.data_dir)
    if not data_dir.is_dir():
        _say(f"error: data folder not found: {data_dir}")
        return 2
    if args.drop_identifiers:
        return _report_validation(load(data_dir, drop_identifiers=True), args.issues)
    with tempfile.TemporaryDirectory(prefix="pmereport-validate-") as folder:
        _say(f"validating {data_dir}")
        return _report_validation(validate_to_cache(data_dir, Path(folder), progress=_say), args.issues)


def _report_validation(ds, issues_csv: str | None) -> int:
    from .contract.report import format_validation

    print(format_validation(ds.results))
    if issues_csv:
        ds.issues().to_csv(issues_csv, index=False)
        _say(f"all problems written to {issues_csv}")
    return 0 if ds.ok else 1


def cmd_pseudonymise(args) -> int:
    from .contract.pseudonymise import PseudonymiseError, load_key, pseudonymise_folder

    try:
        summaries = pseudonymise_folder(args.raw_dir, args.out, load_key(args.key_file))
    except PseudonymiseError as exc:
        _say(f"error: {exc}")
        return 1
    for s in summaries:
        done = s.hashed + s.to_birth_month + s.to_postcode_district + [f"dropped {d}" for d in s.dropped]
        _say(f"{s.source} -> {s.output} ({s.rows:,} rows): {'; '.join(done) or 'no identifiers found'}")
    _say(f"pseudonymised extracts written to {args.out} (the key is not in them); check them with "
         f"pmereport validate {args.out}")
    return 0


def cmd_return_template(args) -> int:
    from .report.return_template import write_return_template

    path = write_return_template(args.out, month=args.month, school=args.school)
    _say(f"return workbook written to {path}")
    return 0


def cmd_returns_feedback(args) -> int:
    import datetime as dt

    from .report.return_feedback import write_feedback

    as_of = dt.date.fromisoformat(args.as_of) if args.as_of else None
    summary = write_feedback(args.returns_dir, args.schools, args.out, month=args.month,
                             deadline_day=args.deadline_day, as_of=as_of)
    rate = summary["return_rate"]
    _say(f"returns for {summary['return_month']}: {summary['received']} of {summary['due']} due received "
         f"({'n/a' if rate is None else f'{rate:.1f}%'}), {summary['late']} late, {summary['missing']} missing; "
         f"feedback per school in {Path(args.out) / 'feedback'}, summary in {Path(args.out) / 'compliance.csv'}")
    if summary["unmatched_files"]:
        _say(f"warning: file(s) not matched to a school: {', '.join(summary['unmatched_files'])} "
             f"(see feedback/unmatched.csv)")
    return 0


def cmd_run(args) -> int:
    from .report import run_report

    start = time.perf_counter()
    run_dir = run_report(args.params, data_dir=args.data, out_dir=args.out, progress=_say,
                         use_cache=not args.no_cache, cache_dir=args.cache, workers=args.jobs)
    _say(f"run finished in {time.perf_counter() - start:.1f} s: {run_dir}")
    _say(f"report: {Path(run_dir) / 'report.pdf'}")  # a board paper, or an INTERNAL report (audience)
    return 0


def cmd_demo(args) -> int:
    from .report import run_report
    from .report.run import read_params
    from .synth import generate

    out = Path(args.out)
    data_dir = out / "demo-data"
    start = time.perf_counter()
    _say(f"[1/2] generating synthetic '{args.size}' county data (seed {DEMO_SEED}) in {data_dir}")
    generate(data_dir, seed=DEMO_SEED, size=args.size, progress=_say)
    _say(f"[2/2] running the board pack ({_parameters_dir() / DEMO_PARAMS})")
    params = read_params(_parameters_dir() / DEMO_PARAMS)
    run_out = args.run_out or out / f"{params.report}-{params.period_end.isoformat()}"
    run_dir = run_report(params.path, data_dir=data_dir, out_dir=run_out, progress=_say,
                         use_cache=not args.no_cache)
    _say(f"demo finished in {time.perf_counter() - start:.1f} s")
    _say(f"board paper: {Path(run_dir) / 'report.pdf'}")
    return 0


def cmd_verify(args) -> int:
    from .report.verify import verify_run

    result = verify_run(args.run_dir, progress=_say)
    print(result.summary())
    return 0 if result.ok else 1


def cmd_doctor(args) -> int:
    from .report.pdf import doctor

    failed = 0
    for check, ok, advice in doctor():
        print(f"[{'ok' if ok else 'FAIL'}] {check}" + ("" if ok else f"\n       {advice}"))
        failed += not ok
    return 1 if failed else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pmereport", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("demo", help="synthetic county data in, board pack out")
    p.add_argument("--out", default="outputs", help="folder for the demo data and run (default: outputs)")
    p.add_argument("--size", default="county", choices=["small", "county", "large"])
    p.add_argument("--run-out", default=None, help=argparse.SUPPRESS)
    p.add_argument("--no-cache", action="store_true", help="validate and run everything afresh")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("synth", help="write a seeded synthetic data folder")
    p.add_argument("--out", required=True)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--size", default="county", choices=["small", "county", "large"])
    p.add_argument("--terms", default=None, metavar="FILE",
                   help="term-dates file the school days come from (default: the one parameters/la.yaml names)")
    p.add_argument("--marks", action="store_true",
                   help="also write a year of session-level attendance marks (the latest complete academic year)")
    p.add_argument("--marks-format", default="parquet", choices=["parquet", "csv"])
    p.set_defaults(func=cmd_synth)

    p = sub.add_parser("validate", help="check a data folder against the data contract")
    p.add_argument("data_dir")
    p.add_argument("--issues", metavar="FILE.csv", help="write every problem found to this CSV")
    p.add_argument("--drop-identifiers", action="store_true",
                   help="drop columns outside the contract that hold names, UPNs, addresses... (listed in "
                        "the notes) instead of refusing the file")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("pseudonymise", help="turn a raw extract folder into a pseudonymised, contract-conforming one")
    p.add_argument("raw_dir")
    p.add_argument("--out", required=True, help="folder for the pseudonymised extracts")
    p.add_argument("--key-file", required=True,
                   help="file holding the secret key for hashing UPNs (kept by the data team, never shared)")
    p.set_defaults(func=cmd_pseudonymise)

    p = sub.add_parser("return-template", help="write the monthly PME return as an Excel workbook for schools")
    p.add_argument("--out", required=True, metavar="FILE.xlsx")
    p.add_argument("--month", default=None, metavar="YYYY-MM", help="the month the return is for")
    p.add_argument("--school", type=int, default=None, metavar="URN", help="the school it is for")
    p.set_defaults(func=cmd_return_template)

    p = sub.add_parser("returns-feedback", help="validate a folder of returned workbooks: feedback per school "
                                                "and a compliance summary")
    p.add_argument("returns_dir")
    p.add_argument("--schools", required=True, metavar="SCHOOLS.csv", help="the schools extract (contract SCHOOLS)")
    p.add_argument("--out", required=True)
    p.add_argument("--month", default=None, metavar="YYYY-MM", help="default: the month the files name")
    p.add_argument("--deadline-day", type=int, default=10, help="returns are due by this day of the next month")
    p.add_argument("--as-of", default=None, metavar="YYYY-MM-DD", help="assess as on this day (default today)")
    p.set_defaults(func=cmd_returns_feedback)

    p = sub.add_parser("run", help="run one report from a parameters file")
    p.add_argument("params")
    p.add_argument("--data", default=None, help="data folder (overrides the parameters file)")
    p.add_argument("--out", default=None, help="run folder (default outputs/<report>-<period>)")
    p.add_argument("--no-cache", action="store_true",
                   help="validate and run everything afresh (default: reuse what earlier runs with the "
                        "same inputs computed: validated data, notebooks, the PDF)")
    p.add_argument("--cache", default=None, metavar="DIR",
                   help="cache folder (default $PMEREPORT_CACHE_DIR, else .pmereport-cache beside the run folder)")
    p.add_argument("--jobs", type=int, default=None, metavar="N",
                   help="notebooks run at the same time (default: the number of cores)")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("verify", help="re-run a report from its manifest; exit 0 only if outputs are identical")
    p.add_argument("run_dir")
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser("doctor", help="check the Jupyter kernel, PDF engine and fonts")
    p.set_defaults(func=cmd_doctor)
    return parser


def _skip_slow_optional_imports() -> None:
    """jsonschema (imported by nbformat) imports rfc3987_syntax, when installed, for its "iri"
    format checker; rfc3987_syntax builds a Lark grammar as it is imported: 1.5 to 2.9 s of every
    ``pmereport run`` (measured with ``python -X importtime``). Notebook validation never checks that
    format, so this command tells Python the module is absent (jsonschema then leaves the checker
    out). Only the command does this; importing pmereport as a library changes nothing."""
    sys.modules.setdefault("rfc3987_syntax", None)


def main(argv: list[str] | None = None) -> int:
    _skip_slow_optional_imports()
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        _say("interrupted")
        return 130
    except Exception as exc:  # a clear one-line error for users; tracebacks with PMEREPORT_DEBUG=1
        import os
        if os.environ.get("PMEREPORT_DEBUG"):
            raise
        _say(f"error: {exc}")
        return 1
