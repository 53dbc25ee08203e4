"""The pure rules of evidence: which wording a share may take, a figure's age, each cited once."""

from __future__ import annotations

from assessments.core import evidence as ev
from assessments.core.texts import Text


def item(percent=40.0, kind="brands", proxy=False, observed=None, statement="s") -> ev.Evidence:
    return ev.Evidence(
        percent=percent,
        statement=Text(statement),
        population=Text("Beauty brands"),
        population_kind=kind,
        is_proxy=proxy,
        publisher=Text("L2 Inc."),
        title=Text(""),
        year=2017,
        url=None,
        category=None,
        note=Text(""),
        observed_brands=observed,
    )


def test_only_a_share_of_brands_is_worded_as_one():
    assert ev.wording("category", [item()]) is ev.Wording.BRANDS
    assert ev.wording("all_categories", [item(kind="consumers", proxy=True)]) is ev.Wording.PROXY
    # A brand figure an admin marked a proxy is still worded as a proxy, never as brands.
    assert ev.wording("category", [item(proxy=True)]) is ev.Wording.PROXY
    assert ev.wording("category", [item(observed=12)]) is ev.Wording.OBSERVED
    assert ev.wording("pillar_average", [item(), item()]) is ev.Wording.ESTIMATE
    assert ev.wording("none", []) is ev.Wording.NONE


def test_an_estimate_counts_brands_only_when_every_figure_it_averaged_does():
    assert ev.estimate_counts_brands([item(), item(statement="t")])
    assert not ev.estimate_counts_brands([item(), item(kind="sales", proxy=True)])


def test_a_figures_age_and_staleness():
    assert ev.age_in_years(2014, 2026) == 12
    assert ev.age_in_years(2027, 2026) == 0
    assert ev.stale(2020, 2026, after_years=5) and not ev.stale(2021, 2026, after_years=5)


def test_each_citation_is_listed_once():
    assert len(ev.once_each([item(), item(), item(statement="t")])) == 2


def test_a_stored_citation_reads_through_its_editions_citation():
    known = {"s": item(kind="consumers", proxy=True)}
    old = {"percent": 40, "statement": "s", "source": "summary article, seed 003", "year": 2017}
    read = ev.from_stored(old, known)
    assert read.is_proxy and read.population_kind == "consumers" and read.percent == 40.0
    unknown = ev.from_stored(old | {"statement": "gone"}, known)
    assert unknown.publisher == "" and "seed" not in repr(unknown)
