"""Browser tests: Voilà on a free loopback port, Debian's chromium driven by Playwright.

Every server started here is stopped by its process id. Screenshots land in ``artifacts/``.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.slow)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class VoilaServer:
    def __init__(self, notebook: str, env: dict[str, str], log: Path) -> None:
        from segkit.dashboards import voila_command, voila_env

        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log = log.open("w")
        cmd = voila_command(notebook, self.port, preheat=False)
        self.proc = subprocess.Popen(cmd, env=voila_env(env), stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)  # fmt: skip
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"voila exited with {self.proc.returncode}; see {log}")
            try:  # the port accepts connections once Voila's server is up
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"voila did not start within 90 s; see {log}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()


@pytest.fixture(scope="session")
def sample_home(tmp_path_factory):
    """A SEGKIT_HOME with the sample workspace built once for every browser test."""
    from segkit import dashboards

    home = tmp_path_factory.mktemp("segkit-home")
    os.environ["SEGKIT_HOME"] = str(home)
    dashboards.sample_workspace()
    return home


@pytest.fixture(scope="session")
def voila(sample_home):
    """``voila(name, **env) -> VoilaServer``; servers stop at the end of the session."""
    servers: list[VoilaServer] = []
    ARTIFACTS.mkdir(exist_ok=True)

    def start(name: str, **extra: str) -> VoilaServer:
        env = {**os.environ, "SEGKIT_HOME": str(sample_home), **extra}
        server = VoilaServer(name, env, ARTIFACTS / f"voila-{name}-{len(servers)}.log")
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium as root")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


class Page:
    """A page that records console errors and every request that leaves 127.0.0.1."""

    def __init__(self, browser, tmp_path: Path) -> None:
        self.context = browser.new_context(accept_downloads=True,
                                           viewport={"width": 1400, "height": 1000})  # fmt: skip
        self.page = self.context.new_page()
        self.console_errors: list[str] = []
        self.outside: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.console_errors.append(f"pageerror: {exc}"))
        self.page.on("request", self._request)

    def _console(self, msg) -> None:
        if msg.type == "error":
            self.console_errors.append(msg.text)

    def _request(self, request) -> None:
        url = request.url
        if url.startswith(("data:", "blob:", "about:")):
            return
        from urllib.parse import urlparse

        if urlparse(url).hostname not in ("127.0.0.1", "localhost"):
            self.outside.append(url)

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def page(browser, tmp_path):
    p = Page(browser, tmp_path)
    yield p
    p.close()
