"""Pydantic models of a finishers.com event page (``__NEXT_DATA__`` → ``props.pageProps``).

Tolerant by design: unknown keys are ignored and every optional key may be missing.
Only the event ``id`` and ``name`` are required; :mod:`parser` nulls any other field
that fails validation and records why. Values are validated, not normalised: a status
keeps its published spelling (``canceled``) and a country code its case, since the rules
Bouge applies to every source live once, in dbt (``dbt_project/macros/``).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    model_validator,
)
from pydantic.alias_generators import to_camel

from ingestion.html_text import plain_text


def _not_blank(name: str) -> str:
    if not plain_text(name):
        raise ValueError("event name is blank (or only markup)")
    return name


class SourceModel(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="ignore", frozen=True
    )


class LatLng(SourceModel):
    """A WGS84 point: ``{lat, lng}`` or GeoJSON ``{type: Point, coordinates: [lng, lat]}``."""

    lat: float
    lng: float

    @model_validator(mode="before")
    @classmethod
    def _from_geojson(cls, data: Any) -> Any:
        if isinstance(data, dict) and "coordinates" in data and "lat" not in data:
            coords = data["coordinates"]
            if isinstance(coords, list | tuple) and len(coords) >= 2:
                return {"lat": coords[1], "lng": coords[0]}
        return data

    @model_validator(mode="after")
    def _in_range(self) -> LatLng:
        if not (math.isfinite(self.lat) and math.isfinite(self.lng)):
            raise ValueError("coordinate is not a finite number")
        if not (-90 <= self.lat <= 90 and -180 <= self.lng <= 180):
            raise ValueError(f"coordinate out of range ({self.lat}, {self.lng})")
        if self.lat == 0 and self.lng == 0:
            raise ValueError("null island (0, 0)")
        return self


class BreadcrumbItem(SourceModel):
    type: str
    label: str | None = None
    code: str | None = None


class CountryName(SourceModel):
    code: str | None = None


class Links(SourceModel):
    website: str | None = None
    registration: str | None = None
    facebook: str | None = None


class DateRange(SourceModel):
    start: dt.date | None = None
    end: dt.date | None = None


class Edition(SourceModel):
    year: int | None = None
    status: str | None = None
    date_range: DateRange | None = None


class Activity(SourceModel):
    activity: str | None = None
    distance: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    distance_unit: str | None = None


class Race(SourceModel):
    id: str = Field(min_length=1)
    race_id: str | None = None
    race_edition_id: str | None = None
    name: str | None = None
    formatted_title: str | None = None
    discipline: str | None = None
    status: str | None = None
    date: dt.date | None = None
    end_date: dt.date | None = None
    time: str | None = Field(default=None, pattern=r"^\d{2}:\d{2}(:\d{2})?$")
    end_time: str | None = Field(default=None, pattern=r"^\d{2}:\d{2}(:\d{2})?$")
    distance: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    distance_unit: str | None = None
    elevation_gain: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    elevation_loss: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    itra_points: int | None = Field(default=None, ge=0)
    min_price: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    registration_url: str | None = None
    last_edition_finisher_count: int | None = Field(default=None, ge=0)
    is_most_popular: bool | None = None
    description: str | None = None
    activities: list[Activity] | None = None


class Event(SourceModel):
    id: str = Field(min_length=1)
    name: Annotated[str, Field(min_length=1), AfterValidator(_not_blank)]
    short_id: str | None = None
    slug: str | None = None
    subtitle: str | None = None
    long_description: str | None = None
    first_edition_year: int | None = Field(default=None, ge=1800, le=2200)
    breadcrumb: list[BreadcrumbItem] | None = None
    country_name: CountryName | None = None
    coordinates: LatLng | None = None
    city_coordinates: LatLng | None = None
    links: Links | None = None
    tags: list[str] | None = None
    banner_image: str | None = None


class PageProps(SourceModel):
    event: Event
    last_edition: Edition | None = None
    next_edition: Edition | None = None
    races: list[Race] | None = None
