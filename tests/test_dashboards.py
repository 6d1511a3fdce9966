"""Where dashboards get their workspace, the edit switch, and the Voila command."""

import json

from segkit import dashboards


def test_workspace_comes_from_url_then_env(monkeypatch):
    monkeypatch.delenv("SEGKIT_WORKSPACE", raising=False)
    assert dashboards.requested_workspace("") is None
    monkeypatch.setenv("SEGKIT_WORKSPACE", "/data/crm")
    assert dashboards.requested_workspace("") == "/data/crm"
    assert dashboards.requested_workspace("workspace=/other/ws&x=1") == "/other/ws"


def test_read_only_unless_the_server_allows_editing(monkeypatch):
    monkeypatch.delenv("SEGKIT_DASHBOARD_EDIT", raising=False)
    assert not dashboards.editing_allowed()
    monkeypatch.setenv("SEGKIT_DASHBOARD_EDIT", "1")
    assert dashboards.editing_allowed()


def test_voila_runs_on_loopback_with_segkits_template():
    cmd = dashboards.voila_command("segment_explorer", 8899)
    assert "--Voila.ip=127.0.0.1" in cmd and "--port=8899" in cmd
    assert "--template=segkit" in cmd and "--preheat_kernel=True" in cmd
    env = dashboards.voila_env({"JUPYTER_PATH": "/x"})
    assert env["JUPYTER_PATH"].split(":")[0] == str(dashboards.TEMPLATES)
    template = dashboards.TEMPLATES / "voila" / "templates" / "segkit"
    assert json.loads((template / "conf.json").read_text())["base_template"] == "lab"
    assert (template / "static" / "fontawesome" / "css" / "all.min.css").exists()
    assert "cdn" not in (template / "index.html.j2").read_text().split("-#}")[1].replace(
        "https://cdn.jsdelivr.net/npm/@fortawesome", "")  # only the links it replaces


def test_dashboards_listed_and_cli_refuses_unknown(capsys):
    from segkit.cli import main

    assert dashboards.available() == ["data_quality", "segment_explorer"]
    assert main(["dashboard", "nope"]) == 2
    assert "choose one of data_quality, segment_explorer" in capsys.readouterr().err
