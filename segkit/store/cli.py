"""Workspace subcommands of ``segkit``: init, import, segments, export, history, restore.

Every command but ``init`` works on the workspace given by ``-w/--workspace`` (default: the
current folder). ``register(subparsers)`` adds them to the ``segkit`` parser.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import polars as pl


def _ws(args: argparse.Namespace):  # noqa: ANN202
    from segkit.store.workspace import Workspace

    return Workspace.open(args.workspace)


def _print_frame(df: pl.DataFrame) -> None:
    with pl.Config(tbl_rows=100, tbl_cols=20, fmt_str_lengths=60, tbl_width_chars=160,
                   tbl_hide_dataframe_shape=True):  # fmt: skip
        print(df)


def _cmd_init(args: argparse.Namespace) -> int:
    from segkit.store.workspace import Workspace

    ws = Workspace.create(args.path)
    print(f"created workspace {ws.path} (format {ws.FORMAT_VERSION}, version {ws.version})")
    return 0


def _parse_map(items: list[str] | None) -> dict[str, str | None] | None:
    if not items:
        return None
    out: dict[str, str | None] = {}
    for item in items:
        if "=" not in item:
            raise SystemExit(f"segkit: error: --map expects HEADER=FIELD, found {item!r}")
        header, field = item.split("=", 1)
        out[header] = field or None
    return out


def _cmd_import(args: argparse.Namespace) -> int:
    ws = _ws(args)
    mapping = _parse_map(args.map)
    if args.events:
        report = ws.import_events(args.file, key=args.key, mapping=mapping, message=args.message)
    else:
        report = ws.import_contacts(args.file, preset=args.preset, key=args.key or "email",
                                    mapping=mapping, message=args.message)  # fmt: skip
    print(repr(report))
    return 0


def _cmd_segments(args: argparse.Namespace) -> int:
    ws = _ws(args)
    action = args.action
    if action == "list":
        segs = ws.segments
        static = set(ws.static_segments())
        if not segs:
            print("no saved segments")
            return 0
        for name, seg in segs.items():
            kind = "static " if name in static else "dynamic"
            print(f"{name:<30} {kind}  {seg.describe()}")
        return 0
    if action == "save":
        from segkit.segment import Segment

        if not args.file:
            raise SystemExit("segkit: error: segments save needs a segment JSON file")
        seg = Segment.from_json(Path(args.file).read_text())
        ws.save_segment(seg, static=args.static, name=args.name)
        print(f"saved {'static' if args.static else 'dynamic'} segment "
              f"{args.name or seg.name!r} (workspace version {ws.version})")  # fmt: skip
        return 0
    if action == "refresh":
        out = ws.refresh(as_of=args.as_of)
        _print_frame(out)
        print(f"workspace version {ws.version}")
        return 0
    if action == "changes":
        if not args.name:
            raise SystemExit("segkit: error: segments changes needs a segment name")
        since = int(args.since) if args.since and args.since.isdigit() else args.since
        ch = ws.changes(args.name, since=since)
        print(repr(ch))
        if ch.entered.height or ch.left.height:
            _print_frame(ch.to_frame())
        return 0
    if action == "delete":
        ws.delete_segment(args.name)
        print(f"deleted segment {args.name!r}")
        return 0
    raise SystemExit(f"segkit: error: unknown action {action!r}")


def _cmd_export(args: argparse.Namespace) -> int:
    ws = _ws(args)
    target = args.segment
    if target.endswith(".json") and Path(target).is_file():
        from segkit.segment import Segment

        target = Segment.from_json(Path(target).read_text())
    fmt = args.format or ("parquet" if str(args.out).endswith(".parquet") else "csv")
    print(repr(ws.export(target, args.out, format=fmt, as_of=args.as_of)))
    return 0


def _cmd_history(args: argparse.Namespace) -> int:
    ws = _ws(args)
    h = ws.history(limit=args.limit)
    if args.json:
        print(json.dumps(h.drop("details").to_dicts(), default=str, indent=2))
    else:
        _print_frame(h.drop("details", "user"))
    return 0


def _cmd_restore(args: argparse.Namespace) -> int:
    ws = _ws(args)
    target = int(args.version) if str(args.version).isdigit() else args.version
    v = ws.restore(target, message=args.message)
    print(f"restored version {args.version} as new version {v}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the workspace subcommands to the ``segkit`` command's subparsers."""

    def ws_arg(p: argparse.ArgumentParser) -> None:
        p.add_argument("-w", "--workspace", type=Path, default=Path("."),
                       help="the workspace folder (default: the current folder)")  # fmt: skip

    p = subparsers.add_parser("init", help="create a workspace (a folder of Delta tables)",
                              description="Create an empty segkit workspace in PATH.")
    p.add_argument("path", type=Path, help="a new or empty folder")
    p.set_defaults(func=_cmd_init)

    p = subparsers.add_parser(
        "import", help="import contacts (or events) from CSV/Parquet/NDJSON",
        description="Upsert contacts from a file (HubSpot, Mailchimp, Salesforce presets); rows "
                    "that cannot be imported go to the workspace's rejects folder.",
    )  # fmt: skip
    ws_arg(p)
    p.add_argument("file", type=Path, help="a .csv, .parquet or .ndjson file")
    p.add_argument("--preset", choices=["hubspot", "mailchimp", "salesforce"],
                   help="map that platform's export headers")  # fmt: skip
    p.add_argument("--key", help="the column that identifies a contact (default: email)")
    p.add_argument("--map", action="append", metavar="HEADER=FIELD",
                   help="map a column (repeatable; HEADER= skips it)")  # fmt: skip
    p.add_argument("--events", action="store_true", help="the file holds events, not contacts")
    p.add_argument("-m", "--message", help="commit message")
    p.set_defaults(func=_cmd_import)

    p = subparsers.add_parser(
        "segments", help="list, save, refresh saved segments; who entered or left",
        description="list | save FILE.json [--static] | refresh [--as-of] | changes NAME "
                    "[--since N] | delete NAME",
    )  # fmt: skip
    ws_arg(p)
    p.add_argument("action", choices=["list", "save", "refresh", "changes", "delete"])
    p.add_argument("target", nargs="?", help="save: a segment JSON file; changes/delete: a name")
    p.add_argument("--static", action="store_true", help="save: freeze the members now")
    p.add_argument("--name", help="save: name to save under (default: the document's)")
    p.add_argument("--as-of", help="refresh: evaluate at this ISO datetime (default: now)")
    p.add_argument("--since", help="changes: a snapshot number or ISO datetime")
    p.set_defaults(func=_segments_dispatch)

    p = subparsers.add_parser("export", help="write a segment's members for another tool",
                              description="Export a saved segment (or a segment JSON file).")
    ws_arg(p)
    p.add_argument("segment", help="a saved segment's name or a segment .json file")
    p.add_argument("out", type=Path, help="the file to write")
    p.add_argument("--format", choices=["csv", "parquet", "mailchimp", "hubspot", "salesforce"],
                   help="default: from the file suffix (csv)")  # fmt: skip
    p.add_argument("--as-of", help="evaluate at this ISO datetime (default: now)")
    p.set_defaults(func=_cmd_export)

    p = subparsers.add_parser("history", help="the workspace's commits, newest first",
                              description="List commits: version, time, operation, rows, message.")
    ws_arg(p)
    p.add_argument("--limit", type=int, default=None, help="show at most this many")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=_cmd_history)

    p = subparsers.add_parser("restore", help="make the workspace as it was at a version",
                              description="Restore VERSION as a new commit (history is kept).")
    ws_arg(p)
    p.add_argument("version", help="a version number or an ISO datetime")
    p.add_argument("-m", "--message", help="commit message")
    p.set_defaults(func=_cmd_restore)


def _segments_dispatch(args: argparse.Namespace) -> int:
    args.file = args.target if args.action == "save" else None
    if args.action in ("changes", "delete"):
        args.name = args.target
    return _cmd_segments(args)
