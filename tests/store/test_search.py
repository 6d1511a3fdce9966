"""ws.search: ranked, typo-tolerant for names, over name, email, company, phone and city."""

from __future__ import annotations

import polars as pl
import pytest

from segkit.store import Workspace


@pytest.fixture
def crowd(ws: Workspace) -> Workspace:
    ws.upsert(pl.DataFrame({
        "email": ["jane.doe@acme.com", "jane.roe@globex.com", "john.acme@hooli.com",
                  "katherine@initech.com", "k.mueller@acme.de", "zoe@acme.com"],
        "first_name": ["Jane", "Jane", "John", "Katherine", "Klaus", "Zoe"],
        "last_name": ["Doe", "Roe", "Smith", "Johnson", "Müller", "Jane"],
        "company": ["Acme", "Globex", "Hooli", "Initech", "Acme GmbH", "Acme"],
        "phone": ["+14155550132", "+442079460958", None, "+33612345678", "+49301234567", None],
        "city": ["London", "Paris", "Berlin", "New York", "Munich", "Paris"],
    }))  # fmt: skip
    return ws


def ids(df: pl.DataFrame) -> list[int]:
    return df["contact_id"].to_list()


def test_all_words_rank_first(crowd: Workspace) -> None:
    res = crowd.search("jane acme")
    assert ids(res)[:2] == [1, 6]  # both words match, first name beats last name
    assert 2 in ids(res)  # one word still listed, lower
    assert res["score"].is_sorted(descending=True) or ids(res).index(2) > 1
    assert res.columns[:2] == ["score", "contact_id"]


def test_typos_in_names(crowd: Workspace) -> None:
    assert ids(crowd.search("katherin"))[0] == 4  # prefix
    assert ids(crowd.search("kathrine"))[0] == 4  # typo
    assert ids(crowd.search("muller"))[0] == 5
    assert ids(crowd.search("jonh"))[0] == 3


def test_email_phone_city_company(crowd: Workspace) -> None:
    assert ids(crowd.search("jane.roe@globex.com")) == [2]
    assert ids(crowd.search("7946 0958"))[0] == 2
    assert ids(crowd.search("0132"))[0] == 1
    assert set(ids(crowd.search("munich"))) == {5}
    assert ids(crowd.search("initech"))[0] == 4
    assert crowd.search("", limit=5).height == 0
    assert crowd.search("qqqqqq").height == 0
    assert crowd.search("acme", limit=2).height == 2


def test_index_follows_new_versions(crowd: Workspace) -> None:
    assert crowd.search("Ottoline").height == 0
    crowd.add_contact(email="o@x.com", first_name="Ottoline")
    assert crowd.search("Ottoline")["first_name"].to_list() == ["Ottoline"]


def test_spellings_of_one_name_score_alike(ws: Workspace) -> None:
    """Names are scored per distinct raw value; case and surrounding spaces do not matter."""
    ws.upsert(pl.DataFrame({
        "email": ["a@x.com", "b@x.com", "c@x.com", "d@x.com"],
        "first_name": ["Ada", "ADA", " ada ", None],
        "city": ["ROME", "rome", "Rome ", None],
    }))  # fmt: skip
    res = ws.search("ada rome")
    assert sorted(ids(res)) == [1, 2, 3]
    assert res["score"].n_unique() == 1
