"""Constants of the geocoding source: pinned data, provider endpoints, politeness limits.

Everything a run may want to change is also readable from the environment (``GEOCODER``,
``GEOCODING_*``) through :func:`ingestion.geocoding.config.GeocodingConfig.from_env`;
these are the defaults.
"""

from __future__ import annotations

from pathlib import Path

from ingestion.warehouse import REPO_ROOT

# --- raw tables --------------------------------------------------------------------------
PIPELINE_NAME = "geocoding"
DATASET_NAME = "raw_geocoding"
EVENTS_DATASET = "raw_finishers"
EVENTS_TABLE = "events"
EVENTS_SOURCE = "finishers"

# --- offline gazetteer ------------------------------------------------------------------
# Built by gazetteer_build (which holds the data pins, so that CI caches the file on a hash
# of ingestion/geocoding/gazetteer*.py); git-ignored.
GAZETTEER_PATH = REPO_ROOT / "data" / "gazetteer" / "communes.wkb.gz"
# A point outside every commune boundary but within this distance of one (a start on a
# beach, a pier, a causeway, a bay at low tide, a sliver between two simplified neighbours)
# is given to the nearest commune, with `match = nearest` and its distance. Le
# Mont-Saint-Michel's start is 1.3 km outside its commune's polygon (the boundary follows
# the shore, the start is on the sands); 2 km keeps a point well out at sea unmatched.
# GEOCODING_NEAREST_COMMUNE_MAX_M overrides it.
NEAREST_COMMUNE_MAX_M = 2000.0

# Municipal arrondissements (ARM) of Paris, Lyon and Marseille -> their commune.
PLM_COMMUNES = {"751": "75056", "6938": "69123", "132": "13055"}

# --- online providers --------------------------------------------------------------------
GEOPLATEFORME_DOMAIN = "data.geopf.fr/geocodage"  # api-adresse.data.gouv.fr closed Jan 2026
NOMINATIM_DOMAIN = "nominatim.openstreetmap.org"
# Nominatim requires an identifying User-Agent; production sets GEOCODING_USER_AGENT with a
# contact address.
USER_AGENT = "BougeBot/0.1 geocoding (+https://github.com/bouge/data-platform)"
GEOPLATEFORME_MIN_DELAY_S = 1 / 40  # Géoplateforme allows 50 req/s per IP
NOMINATIM_MIN_DELAY_S = 1.0  # OSM Foundation usage policy: at most 1 request per second
REQUEST_TIMEOUT_S = 10.0
MAX_RETRIES = 3
RETRY_BACKOFF_S = 2.0
MAX_RETRY_AFTER_S = 120.0  # a longer Retry-After stops the provider for this run
MAX_FAILURES_IN_A_ROW = 5  # look-ups failed after retries, then the provider is left alone

PROVIDERS = ("offline", "geoplateforme", "nominatim", "auto", "none")
DEFAULT_PROVIDER = "offline"
# In `auto` mode street-level reverse look-ups are only worth it for exact start points:
# reversing a town centre (`city` precision) returns an arbitrary street.
AUTO_ONLINE_PRECISIONS = ("point",)
# The nearest address is only the event's address when it is near the start point.
MAX_ADDRESS_DISTANCE_M = 300.0


def default_gazetteer_path() -> Path:
    return GAZETTEER_PATH
