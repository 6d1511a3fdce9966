"""Property tests: the engine against the reference evaluator on random rule trees and data,
plus JSON round trips, logical identities, evaluate_many, and a fuzz of Segment.from_dict."""

from __future__ import annotations

import json
import os
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, os.path.dirname(__file__))
from reference import reference_mask  # noqa: E402
from strategies import (  # noqa: E402
    documents,
    engine_mask,
    json_values,
    mutated_documents,
    rules,
    scenarios,
)

SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@st.composite
def scenario_and_doc(draw, depth=3):
    sc = draw(scenarios())
    doc = {"version": 1, "rule": draw(rules(sc.as_of, depth, tuple(sc.catalog)))}
    return sc, doc


# -- the key test ----------------------------------------------------------------------------


def _compare(sc, doc):
    want = reference_mask(doc, sc.contacts, sc.events, sc.as_of, sc.catalog)
    got = engine_mask(doc, sc.contacts, sc.events, sc.as_of_given, sc.catalog)
    if got != want:
        rows = sc.contacts.to_dicts()
        diff = [(rows[i], f"engine={g} reference={w}")
                for i, (g, w) in enumerate(zip(got, want, strict=True)) if g != w]
        pytest.fail(f"{json.dumps(doc)}\nas_of={sc.as_of}\nfirst differing contacts: {diff[:3]}")


@pytest.mark.slow
@settings(max_examples=150, **SETTINGS)
@given(scenario_and_doc())
def test_engine_random_trees(sd):
    sc, doc = sd
    _compare(sc, doc)


@settings(max_examples=60, **SETTINGS)
@given(scenario_and_doc(depth=0))
def test_engine_random_single_conditions(sd):
    """One field or event condition at a time: the failures shrink to one operator."""
    sc, doc = sd
    _compare(sc, doc)


# -- round trips -----------------------------------------------------------------------------


@settings(max_examples=100, **SETTINGS)
@given(documents(segments=("base", "derived")))
def test_engine_json_round_trip(doc):
    from segkit import Segment

    seg = Segment.from_dict(doc)
    assert seg.to_dict() == doc
    assert json.loads(seg.to_json()) == doc
    again = Segment.from_json(seg.to_json())
    assert again == seg
    assert again.to_dict() == doc
    assert Segment.from_json(json.dumps(doc)).to_dict() == doc


# -- logical identities ----------------------------------------------------------------------


@settings(max_examples=40, **SETTINGS)
@given(scenario_and_doc(depth=2))
def test_engine_not_is_exact_complement(sd):
    sc, doc = sd
    m = engine_mask(doc, sc.contacts, sc.events, sc.as_of, sc.catalog)
    n = engine_mask({"version": 1, "rule": {"not": doc["rule"]}}, sc.contacts, sc.events, sc.as_of,
                    sc.catalog)  # fmt: skip
    assert n == [not x for x in m]


@st.composite
def scenario_and_rules(draw):
    sc = draw(scenarios(with_catalog=False))
    rs = draw(st.lists(rules(sc.as_of, 1), min_size=1, max_size=3))
    return sc, rs


@settings(max_examples=30, **SETTINGS)
@given(scenario_and_rules())
def test_engine_de_morgan(sr):
    sc, rs = sr
    ev = lambda rule: engine_mask({"version": 1, "rule": rule}, sc.contacts, sc.events, sc.as_of)  # noqa: E731
    assert ev({"not": {"all": rs}}) == ev({"any": [{"not": r} for r in rs]})
    assert ev({"not": {"any": rs}}) == ev({"all": [{"not": r} for r in rs]})


@settings(max_examples=15, **SETTINGS)
@given(scenarios(with_catalog=False))
def test_engine_empty_all_and_any(sc):
    n = sc.contacts.height
    assert engine_mask({"version": 1, "rule": {"all": []}}, sc.contacts, sc.events, sc.as_of) == [True] * n
    assert engine_mask({"version": 1, "rule": {"any": []}}, sc.contacts, sc.events, sc.as_of) == [False] * n


@settings(max_examples=60, **SETTINGS)
@given(scenario_and_rules())
def test_engine_evaluate_many(sr):
    import segkit as sk
    from segkit import Dataset, Segment

    sc, rs = sr
    segs = [Segment.from_dict({"version": 1, "name": f"s{i}", "rule": r}) for i, r in enumerate(rs)]
    data = Dataset(sc.contacts, sc.events)
    out = sk.evaluate_many(segs, data, as_of=sc.as_of)
    assert out.columns == ["contact_id"] + [s.name for s in segs]
    assert out["contact_id"].to_list() == sc.contacts["contact_id"].to_list()
    for s, r in zip(segs, rs, strict=True):
        assert out[s.name].to_list() == engine_mask(
            {"version": 1, "rule": r}, sc.contacts, sc.events, sc.as_of
        )
    # count_many counts contacts without events from their fields alone: the same sizes
    assert sk.count_many(segs, data, as_of=sc.as_of) == {s.name: out[s.name].sum() for s in segs}


# -- fuzz ------------------------------------------------------------------------------------


def _from_dict_or_error(doc):
    from segkit import Segment, SegmentError

    try:
        return Segment.from_dict(doc)
    except SegmentError as e:
        assert isinstance(e.path, str)
        return None


@settings(max_examples=300, **SETTINGS)
@given(st.one_of(json_values, st.fixed_dictionaries({"version": st.just(1), "rule": json_values})))
def test_engine_fuzz_from_dict_random_json(doc):
    _from_dict_or_error(doc)


@pytest.mark.slow
@settings(max_examples=150, **SETTINGS)
@given(mutated_documents(), scenarios(with_catalog=False))
def test_engine_fuzz_mutated_documents(doc, sc):
    """A mutated document is accepted or rejected with SegmentError; if accepted, evaluating it
    returns a mask or raises SegmentError (type checks happen before any query runs)."""
    from segkit import Dataset, SegmentError

    seg = _from_dict_or_error(doc)
    if seg is None:
        return
    assert seg.to_dict() == doc
    try:
        out = seg.mask(Dataset(sc.contacts, sc.events), as_of=sc.as_of, catalog={})
    except SegmentError:
        return
    assert out["member"].null_count() == 0


# -- the reference's own laws (run without the engine) -----------------------------------------


@settings(max_examples=40, **SETTINGS)
@given(scenario_and_rules())
def test_reference_laws(sr):
    sc, rs = sr
    ref = lambda rule: reference_mask({"version": 1, "rule": rule}, sc.contacts, sc.events, sc.as_of)  # noqa: E731
    n = sc.contacts.height
    assert ref({"all": []}) == [True] * n and ref({"any": []}) == [False] * n
    for r in rs:
        assert ref({"not": r}) == [not x for x in ref(r)]
    assert ref({"not": {"all": rs}}) == ref({"any": [{"not": r} for r in rs]})
    assert ref({"all": rs}) == [all(xs) for xs in zip(*map(ref, rs), strict=True)]
