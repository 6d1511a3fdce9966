"""The workspace subcommands, through the segkit command's parser."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import polars as pl
import pytest

from segkit.store import Workspace
from segkit.store.cli import register
from segkit.store.testing import hubspot_frame


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="segkit")
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args([str(a) for a in argv])
    return args.func(args)


def test_cli_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ws = tmp_path / "crm"
    assert run("init", ws) == 0
    assert "created workspace" in capsys.readouterr().out
    src = tmp_path / "hubspot.csv"
    hubspot_frame(300, seed=2).write_csv(src)
    assert run("import", "-w", ws, src, "--preset", "hubspot") == 0
    assert "300 inserted" in capsys.readouterr().out
    seg = tmp_path / "london.json"
    seg.write_text(json.dumps({"version": 1, "name": "London",
                               "rule": {"field": "city", "op": "eq", "value": "London"}}))
    assert run("segments", "-w", ws, "save", seg) == 0
    assert run("segments", "-w", ws, "list") == 0
    assert "London" in capsys.readouterr().out
    assert run("segments", "-w", ws, "refresh") == 0
    assert run("segments", "-w", ws, "refresh") == 0
    assert run("segments", "-w", ws, "changes", "London") == 0
    assert "0 entered, 0 left" in capsys.readouterr().out
    out = tmp_path / "london.csv"
    assert run("export", "-w", ws, "London", out, "--format", "mailchimp") == 0
    assert "exported" in capsys.readouterr().out
    n = Workspace.open(ws).count("London")
    assert pl.read_csv(out).height == n
    assert run("history", "-w", ws, "--json") == 0
    hist = json.loads(capsys.readouterr().out)
    assert [h["operation"] for h in hist][:3] == ["refresh", "refresh", "save_segment"]
    assert run("restore", "-w", ws, "1") == 0
    assert Workspace.open(ws).segments == {}
    events = tmp_path / "events.csv"
    email = Workspace.open(ws).contacts()["email"][0]
    pl.DataFrame({"email": [email], "event": ["purchase"],
                  "timestamp": ["2026-01-01 10:00"]}).write_csv(events)  # fmt: skip
    assert run("import", "-w", ws, events, "--events") == 0
    assert Workspace.open(ws).dataset().n_events == 1


def test_cli_is_wired_into_segkit_command(tmp_path: Path) -> None:
    from segkit.cli import main

    assert main(["init", str(tmp_path / "w")]) == 0
    assert main(["history", "-w", str(tmp_path / "w")]) == 0
    assert main(["history", "-w", str(tmp_path / "nope")]) == 2  # a clear error, exit 2
