"""Event page → rows: ``__NEXT_DATA__`` extraction, tolerant validation, flattening.

The script tag is cut out with ``str.find`` (no DOM parse) so a page costs well under a
millisecond. Fields that fail validation are nulled and reported as ``field`` issues;
a page without usable ``__NEXT_DATA__`` or event id raises :class:`PageRejected`.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

from pydantic import ValidationError

from ingestion.html_text import plain_description, plain_text, safe_url, sanitized_html

from .models import Edition, Event, PageProps, Race
from .settings import CANONICAL_BASE_URL, CLOUDINARY_IMAGE_URL, EVENT_PATH_PREFIX, VOLATILE_KEYS

_SCRIPT_MARKER = 'id="__NEXT_DATA__"'
_SCRIPT_END = "</script>"
_MAX_REPAIRS = 100


class PageRejected(Exception):
    """The page is not a usable event page; ``reason`` is the rejects-table reason."""

    def __init__(self, reason: str, detail: str = "", excerpt: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail
        self.excerpt = excerpt


@dataclass(frozen=True)
class FieldIssue:
    """One field nulled because its value was unusable."""

    field: str
    detail: str
    value: str

    @property
    def reason(self) -> str:
        return f"validation: {self.field}"


@dataclass
class ParsedPage:
    event_id: str
    content_hash: str
    event: dict[str, Any]
    races: list[dict[str, Any]]
    issues: list[FieldIssue] = field(default_factory=list)


def decode_body(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PageRejected("not_utf8", str(exc), body[:200].decode("utf-8", "replace")) from None


def extract_next_data(html: str) -> dict[str, Any]:
    """The parsed JSON of ``<script id="__NEXT_DATA__">``, found without a DOM parse."""
    marker = html.find(_SCRIPT_MARKER)
    if marker < 0:
        raise PageRejected("no_next_data", "no __NEXT_DATA__ script tag", html[:500])
    start = html.find(">", marker)
    end = html.find(_SCRIPT_END, start)
    if start < 0 or end < 0:
        raise PageRejected("no_next_data", "unterminated __NEXT_DATA__ script tag", html[:500])
    payload = html[start + 1 : end]
    try:
        data = json.loads(payload)
    except ValueError as exc:
        raise PageRejected("invalid_json", str(exc), payload[:500]) from None
    if not isinstance(data, dict):
        raise PageRejected("invalid_json", "__NEXT_DATA__ is not an object", payload[:500])
    return data


def page_props(next_data: dict[str, Any]) -> dict[str, Any]:
    props = next_data.get("props")
    pp = props.get("pageProps") if isinstance(props, dict) else None
    if not isinstance(pp, dict):
        raise PageRejected("missing_event_id", "no props.pageProps", json.dumps(next_data)[:500])
    return pp


def _strip_volatile(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_volatile(v) for k, v in value.items() if k not in VOLATILE_KEYS}
    if isinstance(value, list):
        return [_strip_volatile(v) for v in value]
    return value


def content_hash(props: dict[str, Any]) -> str:
    """sha256 of pageProps with sorted keys and volatile keys (buildId...) removed."""
    canonical = json.dumps(
        _strip_volatile(props), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def unwrap_link(link: Any, base_url: str = CANONICAL_BASE_URL) -> str | None:
    """``/external?url=<encoded>&event=<slug>`` → the decoded target; absolute links kept.

    The one place a link is unwrapped: the parser needs the target to keep only an http(s)
    URL (:func:`_url`), so raw holds the target and dbt reads it as is."""
    if not isinstance(link, str) or not link.strip():
        return None
    link = link.strip()
    parts = urlsplit(link)
    if parts.path.rstrip("/").endswith("/external") and (
        not parts.netloc or parts.netloc == urlsplit(base_url).netloc
    ):
        target = parse_qs(parts.query).get("url")
        return target[0] if target else None
    if not parts.scheme:
        return urljoin(base_url + "/", link)
    return link


def event_url(slug: str) -> str:
    return f"{CANONICAL_BASE_URL}{EVENT_PATH_PREFIX}{slug}"


# ---------------------------------------------------------------- tolerant validation


def _repair_target(loc: tuple[Any, ...]) -> tuple[Any, ...] | None:
    """Which value to null for a validation error at ``loc``; None = page-level failure."""
    if not loc:
        return None
    head = loc[0]
    if head == "event":
        if len(loc) < 2 or loc[1] in ("id", "name"):
            return None
        return loc[:2]
    if head == "races":
        if len(loc) <= 2:
            return loc[:2] if len(loc) == 2 else loc[:1]
        if loc[2] == "id":
            return loc[:2]  # a race without an id cannot be keyed: dropped
        return loc[:3]
    return loc[:1]


def _set_null(data: dict[str, Any], path: tuple[Any, ...]) -> Any:
    node: Any = data
    for key in path[:-1]:
        node = node[key]
    old = node[path[-1]]
    node[path[-1]] = None
    return old


_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


def _field_name(path: tuple[Any, ...]) -> str:
    """``('races', 2, 'elevationGain')`` → ``race.elevation_gain`` (the column's name)."""
    parts = [_CAMEL.sub("_", str(p)).lower() for p in path if not isinstance(p, int)]
    if parts and parts[0] == "races":
        parts[0] = "race"
    if parts and parts[0] == "event" and len(parts) > 1:
        parts = parts[1:]
    return ".".join(parts) if parts else "race"


def validate_page_props(props: dict[str, Any]) -> tuple[PageProps, list[FieldIssue]]:
    """Validate, nulling each unusable optional field (and dropping id-less races)."""
    event = props.get("event")
    if not isinstance(event, dict) or event.get("id") in (None, ""):
        raise PageRejected("missing_event_id", "pageProps.event.id is missing", str(event)[:500])
    try:
        return PageProps.model_validate(props), []
    except ValidationError:
        pass
    data = json.loads(json.dumps(props))  # private deep copy we may null fields in
    issues: list[FieldIssue] = []
    for _ in range(_MAX_REPAIRS):
        try:
            model = PageProps.model_validate(data)
        except ValidationError as exc:
            repaired = set()
            for err in exc.errors():
                loc = tuple(err["loc"])
                target = _repair_target(loc)
                if target is None:
                    name = "event" if len(loc) < 2 else f"event.{loc[1]}"
                    raise PageRejected(
                        f"validation: {name}", err["msg"], repr(err.get("input"))[:500]
                    ) from None
                if target in repaired:
                    continue
                repaired.add(target)
                try:
                    old = _set_null(data, target)
                except (KeyError, IndexError, TypeError):
                    continue
                named = loc[:3] if loc[0] == "races" and len(loc) >= 3 else target
                issues.append(FieldIssue(_field_name(named), err["msg"], repr(old)[:500]))
            if isinstance(data.get("races"), list):
                data["races"] = [r for r in data["races"] if r is not None]
            continue
        return model, issues
    raise PageRejected("validation: event", "too many invalid fields")


# ---------------------------------------------------------------- rows


def _breadcrumb(event: Event, kind: str) -> tuple[str | None, str | None]:
    for item in event.breadcrumb or []:
        if item.type == kind:
            return plain_text(item.label), item.code
    return None, None


def _edition(props: PageProps) -> Edition | None:
    return props.next_edition or props.last_edition


def _url(value: Any, name: str, issues: list[FieldIssue]) -> str | None:
    """An unwrapped link kept only when it is an http(s) URL (percent-encoded)."""
    link = unwrap_link(value)
    url = safe_url(link)
    if link and url is None:
        issues.append(FieldIssue(name, "not an http(s) URL", repr(link)[:500]))
    return url


def event_row(props: PageProps, digest: str, slug: str, issues: list[FieldIssue]) -> dict[str, Any]:
    ev = props.event
    country_label, country_code = _breadcrumb(ev, "country")
    if ev.country_name and ev.country_name.code:
        country_code = ev.country_name.code
    point, precision = None, None
    if ev.coordinates is not None:
        point, precision = ev.coordinates, "point"
    elif ev.city_coordinates is not None:
        point, precision = ev.city_coordinates, "city"
    links = ev.links
    edition = _edition(props)
    date_range = edition.date_range if edition else None
    ev_slug = ev.slug or slug
    return {
        "id": ev.id,
        "short_id": ev.short_id,
        "slug": ev_slug,
        "url": event_url(ev_slug),
        "name": plain_text(ev.name),
        "subtitle": plain_text(ev.subtitle),
        "long_description": ev.long_description,
        "description_text": plain_description(ev.long_description),
        "description_html": sanitized_html(ev.long_description, event_url(ev_slug)),
        "first_edition_year": ev.first_edition_year,
        "country_code": country_code,
        "country_name": country_label,
        "region_name": _breadcrumb(ev, "level1AdminArea")[0],
        "department_name": _breadcrumb(ev, "level2AdminArea")[0],
        "city": _breadcrumb(ev, "city")[0],
        "latitude": point.lat if point else None,
        "longitude": point.lng if point else None,
        "coordinates_precision": precision,
        "website_url": _url(links.website, "links.website", issues) if links else None,
        "registration_url": (
            _url(links.registration, "links.registration", issues) if links else None
        ),
        "facebook_url": _url(links.facebook, "links.facebook", issues) if links else None,
        "tags": ",".join(t for t in (plain_text(t) for t in ev.tags or []) if t) or None,
        "banner_image": ev.banner_image,
        "image_url": (
            _url(CLOUDINARY_IMAGE_URL + ev.banner_image, "banner_image", issues)
            if ev.banner_image
            else None
        ),
        "edition_year": edition.year if edition else None,
        "edition_status": edition.status if edition else None,
        "edition_start_date": date_range.start if date_range else None,
        "edition_end_date": date_range.end if date_range else None,
        "page_slug": slug,
        "content_hash": digest,
    }


def race_row(race: Race, event_id: str, digest: str, issues: list[FieldIssue]) -> dict[str, Any]:
    activities = None
    if race.activities:
        activities = json.dumps(
            [
                {
                    "activity": plain_text(a.activity),
                    "distance": a.distance,
                    "distance_unit": a.distance_unit,
                }
                for a in race.activities
            ],
            ensure_ascii=False,
        )
    return {
        "event_id": event_id,
        "id": race.id,
        "race_id": race.race_id,
        "race_edition_id": race.race_edition_id,
        "name": plain_text(race.name),
        "formatted_title": plain_text(race.formatted_title),
        "discipline": race.discipline,
        "status": race.status,
        "date": race.date,
        "end_date": race.end_date,
        "time": race.time,
        "end_time": race.end_time,
        "distance": race.distance,
        "distance_unit": race.distance_unit,
        "elevation_gain": race.elevation_gain,
        "elevation_loss": race.elevation_loss,
        "itra_points": race.itra_points,
        "min_price": race.min_price,
        "registration_url": _url(race.registration_url, "race.registration_url", issues),
        "last_edition_finisher_count": race.last_edition_finisher_count,
        "is_most_popular": race.is_most_popular,
        "description": race.description,
        "activities": activities,
        "content_hash": digest,
    }


def parse_event_page(body: bytes | str, slug: str) -> ParsedPage:
    """Parse one event page into an event row, race rows and field issues."""
    html = decode_body(body) if isinstance(body, bytes) else body
    props = page_props(extract_next_data(html))
    digest = content_hash(props)
    model, issues = validate_page_props(props)
    seen: set[str] = set()
    races = []
    for race in model.races or []:
        if race.id in seen:
            issues.append(FieldIssue("race.id", "duplicate race id dropped", race.id))
            continue
        seen.add(race.id)
        races.append(race_row(race, model.event.id, digest, issues))
    return ParsedPage(
        event_id=model.event.id,
        content_hash=digest,
        event=event_row(model, digest, slug, issues),
        races=races,
        issues=issues,
    )
