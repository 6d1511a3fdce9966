"""The ``segkit`` command: ``segkit --help`` lists the subcommands, each has its own ``--help``."""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from segkit.errors import SegkitError

# Modules that add subcommands through register(subparsers); each is imported only if present,
# so the command works on a partial checkout, but a module that fails to import is an error.
PLUGINS = ("segkit.store.cli", "segkit.dedup.cli", "segkit.dashboards")


def _cmd_info(args: argparse.Namespace) -> int:
    from segkit.data.io import read_dataset

    data = read_dataset(args.path)
    info = data.summary()
    print(f"{args.path}")
    print(f"  contacts: {info['contacts']:,} rows, {len(info['contact_columns'])} columns")
    schema = data.contacts_schema
    for name, dtype in schema.items():
        print(f"    {name:<24} {dtype}")
    if "events" in info:
        print(f"  events:   {info['events']:,} rows, {info['first_event']} .. {info['last_event']}")
        ev = data.events
        assert ev is not None
        counts = ev.group_by("event").len().sort("len", descending=True)
        for event, n in counts.iter_rows():
            print(f"    {event!s:<24} {n:,}")
    if "campaigns" in info:
        print(f"  campaigns: {info['campaigns']:,} rows")
    report = data.validate()
    if len(report):
        print("  problems:")
        for line in str(report).splitlines():
            print(f"    {line}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="segkit",
        description="Contact management and segmentation: import, segment, refresh, export.",
    )
    parser.add_argument("--version", action="version", version=_version())
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    from segkit.sample.cli import add_arguments as sample_arguments
    from segkit.sample.cli import run as sample_run

    p = sub.add_parser("sample", help="generate realistic sample CRM data as Parquet",
                       description="Generate correlated sample contacts, events, campaigns, "
                       "planted duplicates and HubSpot/Mailchimp exports.")  # fmt: skip
    sample_arguments(p)
    p.set_defaults(func=sample_run)

    p = sub.add_parser("info", help="what a data folder holds: tables, rows, columns, dates",
                       description="Describe a data folder of contacts/events/campaigns files.")  # fmt: skip
    p.add_argument("path", type=Path, help="a folder with contacts.* (and events.*, campaigns.*)")
    p.set_defaults(func=_cmd_info)

    for name in PLUGINS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name or (exc.name and name.startswith(exc.name + ".")):
                continue
            raise
        module.register(sub)
    return parser


def _version() -> str:
    from segkit import __version__

    return f"segkit {__version__}"


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        return int(args.func(args) or 0)
    except SegkitError as exc:
        print(f"segkit: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
