"""Nothing lost: concurrent writers, a writer killed mid-import, readers during writes.

These run real processes (subprocess), not threads.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import polars as pl
import pytest
from deltalake import DeltaTable

from segkit.store import Workspace, WorkspaceConflict
from segkit.store.testing import hubspot_frame

ROOT = Path(__file__).resolve().parents[2]


def _spawn(code: str, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(code), *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for(path: Path, timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    while not path.exists():
        if time.monotonic() > end:
            raise TimeoutError(path)
        time.sleep(0.01)


WRITER = """
import sys, time, pathlib
import polars as pl
from segkit.store import Workspace, WorkspaceConflict
root, col, ready, go = sys.argv[1:5]
ws = Workspace.open(root)
ids = ws.contacts()["contact_id"]
pathlib.Path(ready).touch()
while not pathlib.Path(go).exists():
    time.sleep(0.002)
conflicts = 0
while True:
    df = pl.DataFrame({"contact_id": ids, col: [f"{col}-{i}" for i in ids]})
    try:
        ws.upsert(df, key="contact_id", message=f"set {col}")
        break
    except WorkspaceConflict as exc:
        conflicts += 1
        print("CONFLICT:", exc, flush=True)
        ws.reload()
print("DONE", conflicts, flush=True)
"""


def test_two_processes_write_at_once(ws: Workspace, tmp_path: Path) -> None:
    ws.import_contacts(hubspot_frame(2_000, seed=5), preset="hubspot")
    go = tmp_path / "go"
    procs = [_spawn(WRITER, str(ws.path), col, str(tmp_path / f"ready-{col}"), str(go))
             for col in ("job_title", "city")]  # fmt: skip
    for col in ("job_title", "city"):
        _wait_for(tmp_path / f"ready-{col}")
    go.touch()
    outs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    conflicts = sorted(int(out.strip().splitlines()[-1].split()[1]) for out, _ in outs)
    assert conflicts == [0, 1]  # one committed, the other got a conflict and retried
    message = next(line for out, _ in outs for line in out.splitlines() if "CONFLICT" in line)
    assert "ws.reload() and retry" in message
    # no update lost: every row carries both writers' values
    c = Workspace.open(ws.path).contacts()
    assert c.height == 2_000
    for col in ("job_title", "city"):
        assert c.select((pl.col(col) == pl.format(f"{col}-{{}}", "contact_id")).all()).item()
    ops = Workspace.open(ws.path).history()["message"].to_list()[:2]
    assert sorted(ops) == ["set city", "set job_title"]


def test_stale_workspace_object_conflicts(filled: Workspace) -> None:
    other = Workspace.open(filled.path)
    other.update(1, city="Rome")
    with pytest.raises(WorkspaceConflict, match=r"call ws.reload\(\) and retry") as exc:
        filled.update(1, first_name="Janet")
    assert (exc.value.base, exc.value.head) == (filled.version, other.version)
    assert filled.reload().version == other.version
    filled.update(1, first_name="Janet")
    row = filled.contacts().row(0, named=True)
    assert (row["city"], row["first_name"]) == ("Rome", "Janet")


KILLED_IN_COMMIT = """
import os, signal, sys
from segkit.store import _journal
from segkit.store import Workspace
def die(self, dt, commit):
    os.kill(os.getpid(), signal.SIGKILL)
_journal.Journal.append = die
ws = Workspace.open(sys.argv[1])
ws.import_contacts(sys.argv[2], preset="hubspot")
"""


def test_killed_after_table_commits_before_journal(filled: Workspace, tmp_path: Path) -> None:
    src = tmp_path / "more.csv"
    hubspot_frame(500, seed=8).write_csv(src)
    before = filled.contacts()
    v = filled.version
    p = _spawn(KILLED_IN_COMMIT, str(filled.path), str(src))
    p.communicate(timeout=120)
    assert p.returncode == -signal.SIGKILL
    # the contacts table has a version nobody committed; the workspace does not see it
    recorded = filled.head().tables["contacts"]
    assert DeltaTable(str(filled.path / "contacts")).version() > recorded
    again = Workspace.open(filled.path)  # (which opens the newest table versions early)
    assert again.dataset().n_contacts == before.height
    assert again.version == v and again.contacts().equals(before)
    # the next writer puts the table back before writing
    again.add_contact(email="next@x.com")
    assert again.contacts().height == before.height + 1
    assert again.dataset().n_contacts == before.height + 1


IMPORTER = """
import sys
from segkit.store import Workspace
ws = Workspace.open(sys.argv[1])
print("start", flush=True)
ws.import_contacts(sys.argv[2], preset="hubspot")
print("finished", flush=True)
"""


@pytest.mark.slow
def test_sigkill_during_large_import(ws: Workspace, tmp_path: Path) -> None:
    ws.import_contacts(hubspot_frame(1_000, seed=1), preset="hubspot")
    before, v = ws.contacts(), ws.version
    big = tmp_path / "big.csv"
    hubspot_frame(400_000, seed=2, start_id=10_000).write_csv(big)
    # how long the import takes on this machine, on a copy: the kills land at fractions of it
    shutil.copytree(ws.path, tmp_path / "copy")
    p = _spawn(IMPORTER, str(tmp_path / "copy"), str(big))
    assert p.stdout is not None and p.stdout.readline().strip() == "start"
    t0 = time.perf_counter()
    assert p.stdout.readline().strip() == "finished"
    full = time.perf_counter() - t0
    p.communicate(timeout=60)
    for share in (0.1, 0.4, 0.7):
        p = _spawn(IMPORTER, str(ws.path), str(big))
        assert p.stdout is not None
        assert p.stdout.readline().strip() == "start"
        time.sleep(share * full)
        p.send_signal(signal.SIGKILL)
        out, _ = p.communicate(timeout=60)
        assert "finished" not in out, f"killed too late ({share:.0%} of {full:.1f} s)"
        again = Workspace.open(ws.path)
        assert again.version == v, share
        assert again.contacts().equals(before)
        assert again.dataset().n_contacts == 1_000
    # and the workspace still takes writes afterwards
    again = Workspace.open(ws.path)
    rep = again.import_contacts(hubspot_frame(100, seed=3, start_id=900_000), preset="hubspot")
    assert again.dataset().n_contacts == 1_000 + rep.inserted


READER = """
import sys, time, pathlib
from segkit.store import Workspace
root, ready, go = sys.argv[1:4]
ws = Workspace.open(root)
data = ws.dataset()
print(data.n_contacts, sorted(data.contacts["city"].to_list()), flush=True)
pathlib.Path(ready).touch()
while not pathlib.Path(go).exists():
    time.sleep(0.01)
print(data.n_contacts, sorted(data.contacts["city"].to_list()), flush=True)
print(ws.dataset().n_contacts, flush=True)
"""


def test_reader_in_another_process_keeps_its_snapshot(filled: Workspace, tmp_path: Path) -> None:
    p = _spawn(READER, str(filled.path), str(tmp_path / "ready"), str(tmp_path / "go"))
    _wait_for(tmp_path / "ready")
    filled.update(1, city="Zurich")
    filled.delete([2])
    filled.import_contacts(hubspot_frame(50, seed=4), preset="hubspot")
    (tmp_path / "go").touch()
    out, err = p.communicate(timeout=60)
    assert p.returncode == 0, err
    first, second, fresh = out.strip().splitlines()
    assert first == second  # same snapshot while three commits landed
    assert first.startswith("4 ") and "Zurich" not in second
    assert fresh == "53"
