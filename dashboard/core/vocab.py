"""Controlled vocabularies of the data contract (docs/DATA.md)."""

EVENT_TYPES = (
    "clash", "shelling", "strike", "capture", "handover", "ceasefire", "deployment", "withdrawal",
    "incident", "blockade", "checkpoint", "displacement", "diplomatic", "protest", "other",
)
DATE_PRECISIONS = ("day", "week", "month")
GEO_PRECISIONS = ("exact", "settlement", "district", "region")
CLAIM_STATUSES = ("confirmed", "claimed", "disputed")
PLACE_KINDS = ("city", "town", "village", "monastery", "landmark", "lake", "peak", "crossing")
PLACE_AREAS = ("nkao", "districts", "outside")
CONTROLLERS = ("AZ", "ARM")
CONTROLLER_LABELS = {"AZ": "Azerbaijani forces", "ARM": "Armenian and Nagorno-Karabakh forces"}
CORRIDOR_STATUSES = ("open", "blockaded", "checkpoint", "closed")
PEACEKEEPING_STAGES = ("deployed", "drawdown", "withdrawal")
"""Stages of the Russian peacekeeping mission (geodata/peacekeeping_stages.csv), a property of its zones."""
CORRIDOR_KINDS = ("route", "zone")
POST_KINDS = ("observation_post", "temporary_post", "command_post", "base", "monitoring_centre")
POST_ZONES = ("north", "south", "corridor", "unspecified", "outside")
SOURCE_KINDS = (
    "party_official", "party_media", "official", "state_media", "wire_agency", "independent_media", "aggregator",
    "international_organisation", "ngo", "research", "encyclopedia", "gazetteer", "dataset",
)
"""Who a source's text comes from (geodata/sources.csv ``source_kind``; meanings in docs/DATA.md).

The parties are Azerbaijan, Armenia and the Nagorno-Karabakh authorities; for a copy or a syndication the
kind is that of the originating outlet named in ``outlet``."""
PARTY_SOURCE_KINDS = ("party_official", "party_media")
INCIDENT_TYPES = ("clash", "shelling", "strike", "capture", "incursion", "shooting", "detention")
FIELD_FILTERS = {
    "sub_event_types": ("sub_event_type",),
    "countries": ("country",),
    "admin_areas": ("admin1", "admin2", "admin3"),
}
"""Filters on what imported datasets (ACLED, UCDP GED) say in their own terms: ``MapOptions`` field -> the event
columns it matches (an admin area matches at any of the three levels). Most of the atlas's own events have none
of these columns: when values are chosen, an event without a matching value is left out, so the app offers these
filters only when loaded events carry the field and says how many have no value."""
FIELD_TITLES = {"sub_event_types": "sub-event types (source data)", "countries": "countries (source data)",
                "admin_areas": "admin areas (source data: admin1-admin3)"}
