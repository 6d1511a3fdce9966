"""Voilà dashboards: where a dashboard's data comes from, and the ``segkit dashboard`` command.

Dashboards in ``dashboards/`` only wire widgets to library calls. Which workspace they show comes
from the Voilà URL parameter ``?workspace=PATH``, else the ``SEGKIT_WORKSPACE`` environment
variable, else the bundled sample (imported once into a workspace under ``SEGKIT_HOME``,
default ``~/.cache/segkit``). They are read-only unless the server was started with
``--allow-edit`` (which sets ``SEGKIT_DASHBOARD_EDIT=1`` for the kernels).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs

ROOT = Path(__file__).resolve().parent.parent
DASHBOARDS = ROOT / "dashboards"
# segkit's Voila template (the lab template with no CDN requests) lives in the package
TEMPLATES = Path(__file__).resolve().parent / "share"
SAMPLE_DATA = ROOT / "sample_data"
SAMPLE_AS_OF = dt.datetime(2026, 11, 1)
# bump when the sample workspace's recipe changes, so stale caches are rebuilt
SAMPLE_WORKSPACE_VERSION = 2


def editing_allowed() -> bool:
    """True when the dashboard server was started with ``--allow-edit``."""
    return os.environ.get("SEGKIT_DASHBOARD_EDIT") == "1"


def query_string() -> str:
    """The Voilà request's query string. With a preheated kernel the notebook runs before any
    request; Voilà's helper waits here until a viewer's request arrives."""
    try:
        from voila.utils import get_query_string

        return get_query_string() or ""
    except ImportError:  # pragma: no cover - voila is a core dependency
        return os.environ.get("QUERY_STRING", "")


def requested_workspace(query: str | None = None) -> str | None:
    """The workspace asked for by the Voilà URL (``?workspace=``) or ``SEGKIT_WORKSPACE``."""
    query = parse_qs(os.environ.get("QUERY_STRING", "") if query is None else query)
    if query.get("workspace"):
        return query["workspace"][0]
    return os.environ.get("SEGKIT_WORKSPACE") or None


def home() -> Path:
    return Path(os.environ.get("SEGKIT_HOME", Path.home() / ".cache" / "segkit"))


def sample_workspace(path: str | os.PathLike[str] | None = None, *, progress: bool = False):
    """The bundled sample as a workspace: contacts, events and campaigns imported, the ready
    segments saved, and monthly membership snapshots over the last year (for sizes over time).
    Built once; later calls open it."""
    from segkit import library
    from segkit.store import Workspace

    target = Path(path) if path else home() / f"sample-workspace-v{SAMPLE_WORKSPACE_VERSION}"
    if (target / "segkit-workspace.json").exists():
        return Workspace.open(target)
    from segkit._progress import Stages

    tmp = target.with_name(target.name + ".building")
    shutil.rmtree(tmp, ignore_errors=True)
    ws = Workspace.create(tmp)
    segments = _sample_segments(library)
    months = [SAMPLE_AS_OF - dt.timedelta(days=30 * k) for k in range(12, -1, -1)]
    steps = ["import", *(f"save {s.name}" for s in segments),
             *(f"refresh {m:%Y-%m-%d}" for m in months)]  # fmt: skip
    with Stages(steps, "sample workspace", progress) as bar:
        ws.import_dataset(SAMPLE_DATA, message="import the bundled sample data")
        bar.done("import")
        for seg in segments:
            ws.save_segment(seg, message=f"save {seg.name}")
            bar.done(f"save {seg.name}")
        for as_of in months:
            ws.refresh(as_of=as_of, message=f"monthly snapshot as of {as_of:%Y-%m-%d}")
            bar.done(f"refresh {as_of:%Y-%m-%d}")
    tmp.rename(target)  # the workspace appears whole or not at all
    return Workspace.open(target)


def _sample_segments(library):
    return [
        library.engaged_hot_leads(), library.hot_leads(), library.repeat_customers(),
        library.high_value_customers(), library.inactive_subscribers(),
        library.new_subscribers(), library.email_subscribers(), library.content_downloaders(),
    ]  # fmt: skip


def open_workspace():
    """The workspace a dashboard shows (see the module docstring)."""
    from segkit.store import Workspace

    path = requested_workspace()
    return Workspace.open(path) if path else sample_workspace()


# -- the command ----------------------------------------------------------------------------------


def available() -> list[str]:
    return sorted(p.stem for p in DASHBOARDS.glob("*.ipynb"))


def free_port(start: int) -> int:
    for port in range(start, start + 100):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise OSError(f"no free port in {start}..{start + 99}")


def voila_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment Voila needs to find segkit's template."""
    env = dict(os.environ if env is None else env)
    paths = [str(TEMPLATES), *filter(None, env.get("JUPYTER_PATH", "").split(os.pathsep))]
    env["JUPYTER_PATH"] = os.pathsep.join(dict.fromkeys(paths))
    return env


def voila_command(name: str, port: int, *, preheat: bool = True) -> list[str]:
    notebook = DASHBOARDS / f"{name}.ipynb"
    cmd = [
        sys.executable, "-m", "voila", str(notebook),
        f"--port={port}", "--no-browser", "--Voila.ip=127.0.0.1",
        "--show_tracebacks=False", "--theme=light", "--template=segkit",
        "--VoilaConfiguration.file_allowlist=[]",
    ]  # fmt: skip
    if preheat:
        cmd += ["--preheat_kernel=True", "--pool_size=1"]
    return cmd


def _cmd_dashboard(args: argparse.Namespace) -> int:
    names = available()
    if args.name not in names:
        print(f"segkit: no dashboard {args.name!r}; choose one of {', '.join(names)}",
              file=sys.stderr)  # fmt: skip
        return 2
    env = dict(os.environ)
    if args.workspace:
        env["SEGKIT_WORKSPACE"] = str(Path(args.workspace).resolve())
    else:
        sample_workspace(progress=True)
    if args.allow_edit:
        env["SEGKIT_DASHBOARD_EDIT"] = "1"
    port = free_port(args.port)
    print(f"segkit dashboard {args.name}: http://127.0.0.1:{port}/", flush=True)
    cmd = voila_command(args.name, port, preheat=not args.no_preheat)
    return subprocess.call(cmd, env=voila_env(env))


def register(sub) -> None:
    p = sub.add_parser("dashboard", help="serve a Voilà dashboard on 127.0.0.1",
                       description="Start Voilà (bound to 127.0.0.1) on a dashboard of "
                       "dashboards/ and print its URL.")  # fmt: skip
    p.add_argument("name", nargs="?", default="segment_explorer",
                   help="segment_explorer (default) or data_quality")  # fmt: skip
    p.add_argument("--workspace", help="workspace folder (default: the bundled sample)")
    p.add_argument("--port", type=int, default=8866, help="first port to try (8866)")
    p.add_argument("--allow-edit", action="store_true",
                   help="show editing widgets (save, merge) to viewers")  # fmt: skip
    p.add_argument("--no-preheat", action="store_true", help="do not preheat a kernel")
    p.set_defaults(func=_cmd_dashboard)


# -- the apps -------------------------------------------------------------------------------------


def default_as_of(ws) -> dt.datetime | None:
    """The sample data ends on 1 November 2026: evaluate it there; real workspaces: now."""
    root = Path(getattr(ws, "path", "")).resolve()
    return SAMPLE_AS_OF if root.name.startswith("sample-workspace") else None


def explorer_app():
    """The segment explorer of ``dashboards/segment_explorer.ipynb``.

    Everything that does not depend on the viewer's request (imports, opening the default
    workspace, building the widgets) happens before Voilà hands the preheated kernel a request;
    a ``?workspace=`` parameter then swaps the workspace.
    """
    from segkit.store import Workspace
    from segkit.widgets.explorer import SegmentExplorer

    def build(ws):
        return SegmentExplorer(ws, as_of=default_as_of(ws), allow_edit=editing_allowed())

    ws = open_workspace()
    app = build(ws)
    wanted = requested_workspace(query_string())
    if wanted and Path(wanted).resolve() != Path(ws.path).resolve():
        app = build(Workspace.open(wanted))
    return app


def quality_app():
    """The data-quality panel of ``dashboards/data_quality.ipynb`` (same workspace rules as the
    explorer; the duplicate reviewer only with ``--allow-edit``)."""
    from segkit.store import Workspace
    from segkit.widgets.quality import DataQualityPanel

    ws = open_workspace()
    wanted = requested_workspace(query_string())
    if wanted and Path(wanted).resolve() != Path(ws.path).resolve():
        ws = Workspace.open(wanted)
    return DataQualityPanel(ws, as_of=default_as_of(ws), allow_edit=editing_allowed())
