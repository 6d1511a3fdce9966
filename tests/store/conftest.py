from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from segkit.store import Workspace
from segkit.store.testing import hubspot_frame


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    return Workspace.create(tmp_path / "ws")


@pytest.fixture
def people() -> pl.DataFrame:
    return pl.DataFrame({
        "email": ["jane@acme.com", "john@globex.com", "maria@initech.com", "wei@hooli.com"],
        "first_name": ["Jane", "John", "Maria", "Wei"],
        "last_name": ["Doe", "Smith", "Garcia", "Chen"],
        "company": ["Acme", "Globex", "Initech", "Hooli"],
        "city": ["London", "Paris", "Madrid", "London"],
        "country": ["GB", "FR", "ES", "GB"],
        "seats": [5, 10, 1, 50],
    })


@pytest.fixture
def filled(ws: Workspace, people: pl.DataFrame) -> Workspace:
    ws.upsert(people)
    return ws


@pytest.fixture(scope="session")
def hubspot_10k(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("hs") / "hubspot.csv"
    hubspot_frame(10_000, seed=1).write_csv(path)
    return path
