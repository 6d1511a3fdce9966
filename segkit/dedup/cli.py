"""``segkit dedup PATH``: find duplicate contacts, print a summary, write the scored pairs.

``PATH`` is a data folder (read with :func:`segkit.read_dataset`), one contacts file
(Parquet, CSV or NDJSON, read with :func:`segkit.data.io.read_table`) or a segkit workspace;
for a workspace, ``--apply`` merges the confident clusters in one commit (``ws.dedupe``) and
prints the merge id (undo with ``ws.unmerge(id)``). Heavy imports happen only when the command
runs, so registering it costs nothing.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``dedup`` subcommand to the ``segkit`` command."""
    p = subparsers.add_parser(
        "dedup",
        help="find duplicate contacts (record linkage) and write the scored pairs",
        description=(
            "Find contacts that are the same person: normalise, block, compare, fit a "
            "Fellegi-Sunter model without labels (EM), score and cluster. Prints a summary and "
            "writes every pair from the review threshold up, with per-field evidence."
        ),
    )
    p.add_argument("path", type=Path,
                   help="a data folder with contacts.*, a contacts file, or a workspace")  # fmt: skip
    p.add_argument("--out", type=Path, default=Path("pairs.csv"),
                   help="where to write the pairs (.csv or .parquet; default pairs.csv)")  # fmt: skip
    p.add_argument("--clusters", type=Path, default=None,
                   help="also write contact_id, cluster_id (.csv or .parquet)")  # fmt: skip
    p.add_argument("--threshold", type=float, default=None,
                   help="match probability from which pairs merge automatically (0.99)")  # fmt: skip
    p.add_argument("--review-threshold", type=float, default=None,
                   help="match probability from which pairs go to review (0.5)")  # fmt: skip
    p.add_argument("--field", action="append", default=None, metavar="COLUMN=ROLE",
                   help="compare COLUMN as ROLE (repeatable); default: infer from column names")  # fmt: skip
    p.add_argument("--apply", action="store_true",
                   help="PATH being a workspace: merge the confident clusters (one commit; "
                        "clusters with a pair decided 'not a duplicate' are held back)")  # fmt: skip
    p.add_argument("--show-settings", action="store_true",
                   help="print the comparison roles, blocking passes and fitted weights")  # fmt: skip
    p.set_defaults(func=run)


def _read_contacts(path: Path):
    from segkit.data.io import read_dataset, read_table
    from segkit.errors import DataError

    if path.is_dir():
        return read_dataset(path).contacts
    if path.exists():
        return read_table(path, table="contacts")
    raise DataError(f"{path}: no such file or folder", path=str(path))


def _write(frame, path: Path) -> None:
    from segkit.errors import DataError

    path.parent.mkdir(parents=True, exist_ok=True)
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        frame.write_parquet(path)
    elif suffix == ".csv":
        frame.write_csv(path)
    else:
        raise DataError(f"{path}: write .csv or .parquet, not {suffix or 'no suffix'!r}",
                        path=str(path))  # fmt: skip


def run(args: argparse.Namespace) -> int:
    from segkit.dedup.find import find_duplicates
    from segkit.errors import DataError

    fields = None
    if args.field:
        fields = {}
        for item in args.field:
            column, sep, role = item.partition("=")
            if not sep or not column or not role:
                raise DataError(f"--field {item!r}: expected COLUMN=ROLE, e.g. mail=email")
            fields[column] = role
    result = None
    if _is_workspace(args.path):
        from segkit.store import Workspace

        ws = Workspace.open(args.path)
        result = ws.dedupe(args.threshold, review_threshold=args.review_threshold,
                           fields=fields, apply=args.apply)  # fmt: skip
        report = result.report
    elif args.apply:
        raise DataError(f"{args.path}: --apply merges contacts in a segkit workspace; this is "
                        "not one (create one with `segkit init` and import the contacts)",
                        path=str(args.path))  # fmt: skip
    else:
        contacts = _read_contacts(args.path)
        report = find_duplicates(contacts, fields=fields, threshold=args.threshold,
                                 review_threshold=args.review_threshold)  # fmt: skip
    if args.show_settings:
        print(report.settings)
        print(report.model)
        print()
    print(report.summary())
    _write(report.pairs, args.out)
    print(f"wrote {report.pairs.height:,} pairs to {args.out}")
    if args.clusters is not None:
        _write(report.clusters, args.clusters)
        print(f"wrote {report.clusters.height:,} clustered contacts to {args.clusters}")
    if result is not None:
        if not args.apply:
            print("nothing merged (add --apply to merge the confident clusters)")
        elif result.merge is None:
            print("nothing to merge")
        else:
            print(result.merge)  # what was merged, held back, and how to undo it
        print(f"{result.review.height:,} pair(s) wait for review (sk.DuplicateReviewer)")
    return 0


def _is_workspace(path: Path) -> bool:
    from segkit.store._journal import MARKER

    return path.is_dir() and (path / MARKER).exists()


def main(argv: list[str] | None = None) -> int:
    """Run ``dedup`` on its own: ``python -m segkit.dedup.cli PATH [--out pairs.csv]``."""
    from segkit.cli import main as segkit_main

    return segkit_main(["dedup", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
