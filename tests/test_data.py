"""The committed atlas: valid, reproducible from its tables, sourced, and faithful to the reports."""

from collections import Counter

import pandas as pd
import pytest

from dashboard.core.atlas import default_data_dir, load_atlas
from dashboard.core.build import build_all, dumps
from dashboard.core.query import point_query, state_on
from dashboard.core.registry import geojson_keys


@pytest.fixture(scope="module")
def atlas():
    return load_atlas(default_data_dir())


def place(atlas, place_id):
    row = atlas.places.set_index("place_id").loc[place_id]
    return float(row["lat"]), float(row["lon"])


def test_committed_data_is_valid(atlas):
    assert atlas.report.ok, "\n".join(str(p) for p in atlas.report.problems[:20])
    assert len(atlas.events) >= 300
    assert len(atlas.places) >= 150
    assert len(atlas.layers["border_incidents"]) >= 25


def test_committed_layers_equal_a_fresh_build():
    root = default_data_dir()
    layers, problems = build_all(root)
    assert problems == []
    for name, collection in layers.items():
        committed = (root / "geodata" / f"{name}.geojson").read_text(encoding="utf-8")
        assert committed == dumps(collection), f"geodata/{name}.geojson differs: run python -m dashboard build"


def test_every_feature_and_event_resolves_to_a_source(atlas):
    for layer in geojson_keys():
        for ids in atlas.layers[layer]["source_ids"]:
            assert atlas.resolve_sources(ids), layer
    for ids in atlas.events["source_ids"]:
        assert len(atlas.resolve_sources(ids)) == len(ids)
    for ids in atlas.places["source_ids"]:
        assert len(atlas.resolve_sources(ids)) == len(ids)
    assert all(s["url"].startswith(("http://", "https://")) for s in atlas.sources.values())


def test_every_source_says_what_kind_it_is_and_which_date_it_gives():
    from dashboard.core.csvfile import read_csv
    from dashboard.core.vocab import SOURCE_KINDS

    table = read_csv(default_data_dir() / "geodata" / "sources.csv", "sources.csv")
    rows = [raw for _, raw in table.rows]
    assert [r["source_id"] for r in rows if r.get("source_kind") not in SOURCE_KINDS] == []
    # an encyclopedia article or a gazetteer record has no publication date of its own: only the day it was read
    undated = [r["source_id"] for r in rows if r["source_kind"] in ("encyclopedia", "gazetteer") and r["published"]]
    assert undated == []
    assert all(r["accessed"] for r in rows if not r["published"])


def test_gazetteer_names_both_sides(atlas):
    places = atlas.places
    both = places["name_az"].notna() & places["name_hy"].notna()
    # 0.79, not 0.8 (209 of 262): issue 15 emptied artsvanist's Azerbaijani name, which no source gave in
    # Azerbaijani Latin script; an unsourced name is worse than an empty one
    assert both.mean() >= 0.79, f"{both.sum()} of {len(places)} places have both names"
    # the towns and district centres, which the map labels, all do
    labelled = places[places["kind"].isin(["city", "town"]) & places["area"].isin(["nkao", "districts"])]
    assert (labelled["name_az"].notna() & labelled["name_hy"].notna()).all()


@pytest.mark.parametrize(("place_id", "name_az"), [
    ("berd", "Tovuzqala"),  # GeoNames 616802's Azerbaijani Latin alternate name; not the romanised "Tovuzghala"
    ("tovuz", "Tovuz"),
    ("yaniqli", "Yanıqlı"),
])
def test_azerbaijani_names_are_in_azerbaijani_latin_script(atlas, place_id, name_az):
    assert atlas.places.set_index("place_id").loc[place_id, "name_az"] == name_az
    # Azerbaijani Latin writes ğ or q, never the English romanisation's "gh"
    assert not atlas.places["name_az"].dropna().str.contains("gh", case=False).any()


def test_every_copy_says_its_original_was_searched_for_and_titles_are_marked():
    from dashboard.core.csvfile import read_csv

    table = read_csv(default_data_dir() / "geodata" / "sources.csv", "sources.csv")
    rows = [raw for _, raw in table.rows]
    assert [r["source_id"] for r in rows if "not looked for" in r["note"]] == []
    # a copy names itself as one in `outlet`, and its note says so (docs/DATA.md, `url`)
    copies = [r for r in rows if "(repost" in r["outlet"] or "(syndicated" in r["outlet"]]
    assert copies
    assert [r["source_id"] for r in copies if "copy" not in r["note"]] == []
    supplied = [r for r in rows if r["title"].startswith("[")]
    assert supplied and all(r["note"].startswith("title supplied") for r in supplied)


MIRRORS = ("wikipedia-on-ipfs", "osmarks", "wikijaa", "perceptio", "qaz.wiki", "kiwix", "enwikipedia.net",
           "friendlywiki", "clateway", "theinfolist", "frwiki.wiki", "wiki7", "hmong", "dbpedia")


def test_no_mirror_sites_are_cited(atlas):
    for source in atlas.sources.values():
        assert not any(m in source["url"] for m in MIRRORS), source


@pytest.mark.parametrize(
    ("place_id", "change_day", "before", "after"),
    [
        ("jabrayil", "2020-10-04", "ARM", "AZ"),
        ("hadrut", "2020-10-09", "ARM", "AZ"),
        ("fuzuli", "2020-10-17", "ARM", "AZ"),
        ("zangilan", "2020-10-20", "ARM", "AZ"),
        ("qubadli", "2020-10-26", "ARM", "AZ"),
        ("shusha", "2020-11-08", "ARM", "AZ"),
        ("aghdam", "2020-11-20", "ARM", "AZ"),
        ("kalbajar", "2020-11-25", "ARM", "AZ"),
        ("lachin", "2022-08-26", "ARM", "AZ"),
        ("khankendi", "2023-09-20", "ARM", "AZ"),
        ("khojavend", "2023-09-20", "ARM", "AZ"),
        ("aghdara", "2023-09-20", "ARM", "AZ"),
    ],
)
def test_district_centres_change_hands_on_the_reported_day(atlas, place_id, change_day, before, after):
    from dashboard.core.timemodel import shift

    lat, lon = place(atlas, place_id)
    assert point_query(atlas, shift(change_day, -1), lat, lon)["controller"] == before
    answer = point_query(atlas, change_day, lat, lon)
    assert answer["controller"] == after
    assert answer["sources"], "the answer must say who reports it"


@pytest.mark.parametrize("day", ["2023-09-20", "2024-05-15", "2024-06-12"])
def test_no_control_is_disputed_once_the_whole_area_came_under_azerbaijani_control(atlas, day):
    zones = state_on(atlas, day).layers["control_zones"]
    assert set(zones["claim_status"]) == {"confirmed"}, list(zones["id"])
    # the March 2022 Farrukh/Parukh dispute was still disputed the day before the ceasefire
    lat, lon = place(atlas, "farrukh")
    claims = atlas.layers["control_zones"].set_index("id")["claim_status"]
    assert claims[point_query(atlas, "2023-09-19", lat, lon)["zone_id"]] == "disputed"
    assert claims[point_query(atlas, day, lat, lon)["zone_id"]] == "confirmed"


def test_claimed_and_confirmed_dates_are_kept_apart(atlas):
    lat, lon = place(atlas, "hadrut")
    claimed = state_on(atlas, "2020-10-09").layers["control_zones"]
    zone = point_query(atlas, "2020-10-09", lat, lon)["zone_id"]
    assert claimed.set_index("id").loc[zone, "claim_status"] == "claimed"
    assert point_query(atlas, "2020-10-15", lat, lon)["zone_id"].endswith("-AZ")


def _counts(atlas, day):
    posts = state_on(atlas, day).layers["peacekeeper_posts"]
    return Counter(posts["kind"]), Counter(posts[posts["kind"] == "observation_post"]["zone"])


def test_peacekeeper_post_counts_match_the_reports(atlas):
    kinds, _ = _counts(atlas, "2020-11-12")
    assert kinds["observation_post"] == 10  # 10 of 16 planned (Russian MoD via TASS)
    kinds, _ = _counts(atlas, "2020-11-14")
    assert kinds["observation_post"] == 12  # 12 deployed as of 14 Nov (Russian MoD, Konashenkov)
    kinds, zones = _counts(atlas, "2020-11-15")
    assert (zones["north"], zones["south"], kinds["temporary_post"]) == (9, 9, 7)  # TASS, 15 Nov 2020
    kinds, zones = _counts(atlas, "2020-11-20")
    assert kinds["observation_post"] == 23 and (zones["north"], zones["south"]) == (11, 12)
    kinds, _ = _counts(atlas, "2024-06-12")
    assert sum(kinds.values()) == 0


def test_autumn_2023_post_closures_are_shown_step_by_step_as_reported(atlas):
    posts = atlas.layers["peacekeeper_posts"]
    start, end = "2023-09-19", "2023-11-23"  # ISO dates compare as strings
    steps = posts[(posts["kind"] == "observation_post") & posts["valid_from"].between(start, end)]
    days = sorted(set(steps["valid_from"]))
    assert len([d for d in days if start < d < end]) >= 2, "intermediate closure steps before 23 Nov 2023"
    assert end in days  # the MoD's cumulative count of 23 Nov 2023 (12 observation, 16 temporary posts)
    for _, row in steps.iterrows():
        assert row["source_ids"], row["id"]
    # the 2020 counts end at the first dated step instead of running on to 23 Nov 2023
    _, zones = _counts(atlas, "2023-10-06")
    assert zones["north"] + zones["south"] <= 1  # only the Dadivank post, which is tied to a place


def test_corridor_switches_route_on_30_august_2022(atlas):
    def routes(day):
        corridor = state_on(atlas, day).layers["lachin_corridor"]
        return sorted(set(corridor[corridor["kind"] == "route"]["route"]))

    assert routes("2022-08-29") == ["2020"]
    assert routes("2022-08-30") == ["2022"]
    lat, lon = place(atlas, "lachin")
    assert point_query(atlas, "2022-08-29", lat, lon)["lachin_corridor"] is True
    assert point_query(atlas, "2022-08-30", lat, lon)["lachin_corridor"] is False


@pytest.mark.parametrize(
    ("day", "status"),
    [("2020-11-20", "open"), ("2022-12-12", "blockaded"), ("2023-04-23", "checkpoint"), ("2023-09-26", "checkpoint")],
)
def test_corridor_status_periods(atlas, day, status):
    corridor = state_on(atlas, day).layers["lachin_corridor"]
    assert set(corridor["status"]) == {status}


@pytest.mark.parametrize(
    ("day", "stage"),
    [("2020-11-09", None), ("2020-11-10", "deployed"), ("2023-09-19", "deployed"), ("2023-09-20", "drawdown"),
     ("2024-04-16", "drawdown"), ("2024-04-17", "withdrawal"), ("2024-05-14", "withdrawal"), ("2024-05-15", None)],
)
def test_peacekeeping_zone_from_ceasefire_through_drawdown_to_the_end_of_the_mission(atlas, day, stage):
    lat, lon = place(atlas, "khankendi")
    found = point_query(atlas, day, lat, lon)
    assert found["peacekeeping_zone"] is (stage is not None)
    zones = state_on(atlas, day).layers["control_zones"]
    [row] = zones[zones["id"] == found["zone_id"]].to_dict("records")
    assert (row["peacekeeping_stage"] if isinstance(row.get("peacekeeping_stage"), str) else None) == stage
    if stage is not None:  # the stage's own sources ride on the zone
        stages = pd.read_csv(default_data_dir() / "geodata" / "peacekeeping_stages.csv")
        [ids] = stages.loc[stages["stage"] == stage, "source_ids"]
        assert set(ids.split(";")) <= set(row["source_ids"])


def test_the_peacekeepers_zone_keeps_its_shape_through_the_drawdown(atlas):
    """No source published a reduced zone: the stages change what is said about it, not its outline."""
    import shapely

    def outline(day):
        zones = state_on(atlas, day).layers["control_zones"]
        return shapely.union_all(zones[zones["peacekeeping_zone"].fillna(False).astype(bool)].geometry.values)

    assert outline("2023-09-20").equals(outline("2024-05-14"))


def test_zones_never_overlap_and_cover_the_area_on_key_days(atlas):
    import shapely

    outline = shapely.from_geojson((default_data_dir() / "geodata" / "mapped_area.geojson").read_text())
    outline = shapely.get_geometry(outline, 0) if outline.geom_type == "GeometryCollection" else outline
    for day in ("1994-05-12", "2020-10-20", "2020-11-10", "2022-08-26", "2023-09-20", "2024-06-12"):
        zones = state_on(atlas, day).layers["control_zones"].geometry.values
        union = shapely.union_all(zones)
        assert shapely.area(zones).sum() - union.area < 1e-9, day
        # the outline is rounded to the 1e-5 degree grid on its own: allow that much difference
        assert union.symmetric_difference(outline).area < 1e-5 * outline.area, day


# --- coverage: the atlas's promise of what it covers, counted in reported events (a group_id counts once) ---

WAR = ("2020-09-27", "2020-11-10")
MONTHS = ("2020-11", "2024-06")


def _reported_per(atlas, key_len):
    from dashboard.core.reported import report_keys

    events = atlas.events
    return pd.DataFrame({"period": events["date"].str[:key_len], "key": report_keys(events)}).groupby(
        "period")["key"].nunique()


def test_every_day_of_the_2020_war_has_at_least_two_reported_events(atlas):
    per_day = _reported_per(atlas, 10)
    days = pd.date_range(*WAR).strftime("%Y-%m-%d")
    short = {d: int(per_day.get(d, 0)) for d in days if per_day.get(d, 0) < 2}
    assert short == {}, f"days with fewer than 2 reported events: {short}"


def test_every_month_from_november_2020_to_june_2024_has_at_least_four_reported_events(atlas):
    per_month = _reported_per(atlas, 7)
    months = pd.period_range(*MONTHS, freq="M").strftime("%Y-%m")
    short = {m: int(per_month.get(m, 0)) for m in months if per_month.get(m, 0) < 4}
    assert short == {}, f"months with fewer than 4 reported events: {short}"


def test_the_atlas_holds_at_least_700_reported_events(atlas):
    from dashboard.core.reported import reported_count

    assert reported_count(atlas.events) >= 700
