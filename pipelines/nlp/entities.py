"""Entities of one article, merged over their mentions, with countries and actor roles.

Mentions share an entity when they share a canonical name: a place's gazetteer name ("Kiev" and
"Kyiv" -> "Kyiv"), a known organisation's name ("UN" -> "United Nations"), the full name a person
was introduced with ("Trump" -> "Donald Trump"), or the long name an acronym abbreviates.
A person's or organisation's country and role come from how the article introduces them
("Russian President Vladimir Putin", "the Iranian Foreign Ministry") or, for well-known political
figures, from the team's leaders dictionary (data/leaders.tsv: "President Bush", "the Bush
administration"); without such evidence they stay None rather than guessed.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from pipelines.nlp import builders, data_files, places
from pipelines.nlp.data_tables import tsv_rows

NAMED_LABELS = frozenset(
    {"PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW", "LANGUAGE"}
)
"""Labels kept as entities; dates, times and quantities are values, not things an article is about."""

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})

_LABEL_FAMILY = {"GPE": "PLACE", "LOC": "PLACE"}
"""Labels whose mentions merge with each other: the NER often flips a place between GPE and LOC."""

_TITLE_POS = frozenset({"PROPN", "NOUN", "ADJ", "PART"})
_MAX_TITLE_TOKENS = 6
_ACRONYM_SKIP_WORDS = frozenset({"of", "the", "and", "for", "on", "in", "de"})
_CACHE_KEY = "eventwire.entities"


_PLACE_PREPOSITIONS = frozenset(
    {"in", "at", "near", "around", "from", "to", "into", "outside", "across", "toward", "towards", "through",
     "via", "inside", "of", "between", "on"}
)
"""Words before a name that cue a place; "of", "to", "from", "on", "between" are weaker (see place_cue)."""

_LEADER_BODIES = frozenset({"administration", "government", "cabinet", "regime", "camp"})
"""Words after a leader's name that make the name a government: "the Bush administration"."""

_COORDINATORS = frozenset({"and", "or", ",", "&"})

_MOTION_HEADS = frozenset(
    {"flee", "travel", "go", "move", "return", "fly", "come", "head", "drive", "march", "advance", "retreat",
     "withdraw", "evacuate", "relocate", "deport", "arrive", "trip", "visit", "road", "route", "journey",
     "way", "flight", "train", "escape", "push", "send", "deploy", "pull", "expel", "bus", "convoy", "corridor",
     "land", "reinforcement", "troop", "migrant", "refugee"}
)
"""Heads that make "to", "from" or "on" before a name a place cue even where the NER called it a person."""

_PLACE_OBJECT_VERBS = frozenset(
    {"enter", "visit", "capture", "seize", "shell", "bomb", "besiege", "liberate", "occupy", "storm", "leave",
     "reach", "evacuate", "recapture", "encircle", "surround", "bombard", "raid", "annex", "overrun", "tour"}
)
"""Verbs whose direct object, when it is a city name, is the city ("troops entered Kherson")."""


def place_cue(span: Span, current_label: str | None, is_place) -> bool:
    """Whether the words around a name say it is a place: a locative preposition ("near Medyka"; "to",
    "from" and "on" only after motion words, "fled to"; "of" not for a person), the object of a verb
    of taking or visiting places ("troops entered Kherson"), or coordination with a place ("Algiers
    and Oran"). is_place(i) tells whether token i belongs to a place entity."""
    doc = span.doc
    before = doc[span.start - 1] if span.start > 0 else None
    if before is not None and before.lower_ in _PLACE_PREPOSITIONS:
        word = before.lower_
        if word in ("to", "from", "on"):
            return before.head.lemma_.lower() in _MOTION_HEADS or (word != "on" and current_label != "PERSON")
        return word not in ("of", "between") or current_label != "PERSON"
    root = span.root
    if root.dep_ == "dobj" and root.head.lemma_.lower() in _PLACE_OBJECT_VERBS:
        return True
    if before is not None and before.lower_ in _COORDINATORS and is_place(span.start - 2):
        return True
    return span.end < len(doc) and doc[span.end].lower_ in _COORDINATORS and is_place(span.end + 1)


@dataclass(kw_only=True)
class _EntityFacts:
    """What is known of an entity: its name and what it says about country, place and role."""

    label: str
    text: str
    canonical: str
    start_char: int
    country_code: str | None = None
    lat: float | None = None
    lon: float | None = None
    actor_type: str | None = None
    actor_code: str | None = None
    place_kind: str | None = None


FACT_FIELDS = ("country_code", "lat", "lon", "actor_type", "actor_code", "place_kind")


@dataclass(eq=False, kw_only=True)
class ArticleEntity(_EntityFacts):
    """One distinct entity with what the coder needs beyond the Entity record (role, known code)."""

    count: int = 0

    def as_record(self) -> dict:
        """The Entity record of schemas/annotated_article.avsc."""
        return builders.entity(text=self.text, label=self.label, canonical=self.canonical,
                               country_code=self.country_code, lat=self.lat, lon=self.lon, count=self.count,
                               start_char=self.start_char)


@dataclass
class ArticleEntities:
    """The entities of a doc and, per token, the entity its mention belongs to."""

    entities: list[ArticleEntity]
    by_token: list[ArticleEntity | None]
    by_surname: dict[str, ArticleEntity] = field(default_factory=dict)

    def entity_at(self, token: Token) -> ArticleEntity | None:
        """The entity a token is part of, also for a bare surname the NER missed ("Trump and ...")."""
        entity = self.by_token[token.i]
        if entity is None and token.pos_ == "PROPN":
            entity = self.by_surname.get(token.text)
        return entity


def extract_entities(doc: Doc) -> list[dict]:
    """One Entity record per distinct entity, in order of first mention."""
    return [entity.as_record() for entity in article_entities(doc).entities]


def article_entities(doc: Doc) -> ArticleEntities:
    """The merged entities of a doc, computed once and kept with the doc for the event coder."""
    cached = doc.user_data.get(_CACHE_KEY)
    if cached is None:
        cached = doc.user_data[_CACHE_KEY] = _build(doc)
    return cached


def role_type(tokens: list[Token]) -> str | None:
    """CAMEO actor type named by role words among the tokens ("foreign minister" -> GOV).

    The longest role phrase wins over its parts ("security forces" is COP, "forces" alone MIL), and
    between different roles the more specific type wins ("opposition leader" is OPP, not GOV).
    """
    roles = _roles()
    lemmas = [_role_lemma(token, roles) for token in tokens]
    found = set()
    i = 0
    while i < len(lemmas):
        for size in (3, 2, 1):
            phrase = " ".join(lemmas[i : i + size])
            if len(lemmas) - i >= size and phrase in roles:
                found.add(roles[phrase])
                i += size
                break
        else:
            i += 1
    return min(found, key=_type_priority().index) if found else None


def _role_lemma(token: Token, roles: dict[str, str]) -> str:
    """The token's lemma; for a plural the tagger took for a proper name ("Authorities on Monday arrested",
    "Rebels Seize Town"), whose lemma stays the plural, the singular that names a role."""
    lemma = token.lemma_.lower()
    if lemma in roles or token.tag_ not in ("NNP", "NNPS"):
        return lemma
    word = token.lower_
    singulars = ([word[:-3] + "y"] if word.endswith("ies") else []) + ([word[:-1]] if word.endswith("s") else [])
    return next((singular for singular in singulars if singular in roles), lemma)


_ACTOR_ROLES_KEYS = frozenset({"about", "type_priority", "roles"})


def load_actor_roles(path=None) -> dict:
    """data/actor_roles.json (or PATH), validated: an unknown key, or a role type missing from type_priority,
    is a DataFileError naming the file and the key."""
    path = data_files.data_path("actor_roles.json") if path is None else path
    filename = data_files.file_name(path)
    data = data_files.read_json(path)
    data_files.check_keys(filename, data, _ACTOR_ROLES_KEYS, required=("type_priority", "roles"))
    data_files.check_words(filename, data["type_priority"], "type_priority")
    data_files.check_keys(filename, data["roles"], data["type_priority"], "roles")
    for type_code, roles in data["roles"].items():
        data_files.check_words(filename, roles, f"roles: {type_code}")
    return data


@functools.cache
def _role_data() -> dict:
    return load_actor_roles()


@functools.cache
def _roles() -> dict[str, str]:
    return {role: type_code for type_code, roles in _role_data()["roles"].items() for role in roles}


@functools.cache
def _type_priority() -> list[str]:
    return _role_data()["type_priority"]


@functools.cache
def _organisations() -> dict[str, dict]:
    """Known organisation name or alias (normalised, without dots: "U.N. Security Council") -> its entry:
    international ones from the gazetteer, national ones (parties, armed groups, legislatures, security
    services, state media) from data/groups.tsv, coded country + role ("PKK" -> TURREB)."""
    table = {}
    for organisation in [*places.gazetteer_data()["organizations"], *_national_groups()]:
        for name in (organisation["name"], *organisation["aliases"]):
            table[_organisation_key(name)] = organisation
    return table


def _national_groups() -> list[dict]:
    return [
        {"name": row["name"], "aliases": [alias for alias in row["aliases"].split("|") if alias.strip()],
         "code": row["country"] + row["type"], "type": row["type"], "country": row["country"]}
        for row in tsv_rows("groups.tsv")
    ]


def _organisation_key(name: str) -> str:
    return places.normalize_name(name).replace(".", "")


@functools.cache
def _leaders() -> dict[str, tuple[str, str]]:
    """Normalised full name, spelling or unambiguous surname of a political figure -> (country, role)."""
    rows = tsv_rows("leaders.tsv")
    table = {_leader_key(row["surname"]): (row["country"], row["type"]) for row in rows if row["surname"].strip()}
    for row in rows:  # full names and spellings after surnames: they win where the two coincide
        for name in (row["name"], *row["alt"].split("|")):
            if name.strip():
                table[_leader_key(name)] = (row["country"], row["type"])
    return table


def _leader_key(name: str) -> str:
    """"al-Thani" and "al Thani" are one name."""
    return " ".join(places.normalize_name(name).replace("-", " ").split())


def _known_leader(name: str) -> tuple[str, str] | None:
    """The country and role of the leader a name names. A surname alone names the leader; a full name must be
    the leader's ("Maria Gonzalez", or "Gonzalez" in an article that introduced her, is not Felipe Gonzalez)."""
    return _leaders().get(_leader_key(name)) if name.strip() else None


@functools.cache
def _metonyms() -> dict[str, tuple[str, dict]]:
    return {places.normalize_name(name): (name, entry) for name, entry in places.gazetteer_data()["metonyms"].items()}


@dataclass(kw_only=True)
class _Mention(_EntityFacts):
    span: Span

    @property
    def key(self) -> tuple[str, str]:
        return (_LABEL_FAMILY.get(self.label, self.label), self.canonical.casefold())


def _build(doc: Doc) -> ArticleEntities:
    spans = [span for span in doc.ents if span.label_ in NAMED_LABELS and _clean(span.text)]
    mentions = [_describe(span) for span in spans]
    owner_of_token: list[_Mention | None] = [None] * len(doc)
    for mention in mentions:
        for i in range(mention.span.start, mention.span.end):
            owner_of_token[i] = mention
    _choose_place_senses(mentions, owner_of_token)
    _people_are_not_places(mentions)
    for mention in mentions:
        if mention.label == "PERSON":
            _add_person_context(mention, owner_of_token)
    _merge_surnames(mentions)
    for mention in mentions:
        if mention.label == "PERSON":
            _add_leader_facts(mention)
    _merge_acronyms(doc, mentions)
    return _aggregate(doc, mentions)


def _clean(text: str) -> str:
    text = " ".join(text.split())
    if text.lower().startswith("the "):
        text = text[4:]
    for suffix in ("'s", "\u2019s", "'", "\u2019"):
        if text.endswith(suffix):
            text = text[: -len(suffix)]
            break
    return text.strip(" .,;:")


def _describe(span: Span) -> _Mention:
    """A mention's canonical name and what its text alone says about country and role."""
    text = _clean(span.text)
    offset = span.text.find(text)
    start_char = span.start_char + offset if offset >= 0 else span.start_char
    mention = _Mention(span=span, label=span.label_, text=text, canonical=text, start_char=start_char)
    key = places.normalize_name(text)
    if key in _metonyms():
        name, entry = _metonyms()[key]
        mention.canonical, mention.country_code, mention.actor_type = name, entry["country"], entry["type"]
    elif span.label_ in PLACE_LABELS:
        _describe_place(mention)
    elif span.label_ == "NORP":
        _describe_nationality(mention)
    elif span.label_ == "ORG" and _is_country_name(text):
        mention.label = "GPE"
        _describe_place(mention)
    elif span.label_ == "ORG" and _organisation_key(text) not in _organisations() and _known_leader(text):
        mention.label = "PERSON"
    elif span.label_ == "ORG":
        _describe_organisation(mention, key)
    return mention


def _is_country_name(text: str) -> bool:
    """A country's full name the NER took for an organisation ("the Democratic People's Republic of Korea")."""
    place = places.resolve_place(text)
    return place is not None and place.kind == "country" and " " in text.strip()


def _describe_place(mention: _Mention) -> None:
    """A place's country and coordinates; a nationality the NER took for a place ("Kyrgyz") becomes NORP."""
    place = places.resolve_place(mention.text)
    if place is None and places.resolve_demonym(mention.text) is not None:
        mention.label = "NORP"
        _describe_nationality(mention)
    elif place is not None:
        mention.canonical = place.name
        mention.country_code, mention.lat, mention.lon = place.country_code, place.lat, place.lon
        mention.place_kind = place.kind


def _choose_place_senses(mentions: list[_Mention], owner_of_token: list) -> None:
    """Settle names with senses in several countries by the article's other places.

    A name the main gazetteer knows keeps its most likely sense ("Georgia", the country) unless the
    article names towns or regions of another sense's country and nothing of its own ("Georgia and South
    Carolina"; "Moscow" in a story from New York that names Russia stays Russian); a town only the
    fallback table knows takes the sense in a country the article names,
    else the biggest. A place no table knows takes the country of the place it is said to be in
    ("Qamishli in northeastern Syria"), else the only country the article names, if it names one.
    Continents and regions of several countries ("the Middle East") stay without a country.
    """
    named = {m.country_code for m in mentions if m.country_code}
    _relabel_misfiled(mentions, owner_of_token, named)
    place_mentions = [m for m in mentions if m.label in PLACE_LABELS and m.place_kind != "continent"]
    if not place_mentions:
        return
    for mention in place_mentions:
        if mention.country_code is None:
            senses = places.resolve_minor_place(mention.text)
            if senses:
                chosen = next((p for p in senses if p.country_code in named), senses[0])
                _set_place(mention, chosen)
                named.add(chosen.country_code)
    for mention in place_mentions:
        if mention.country_code is None and mention.label in ("GPE", "LOC"):
            country = _containing_country(mention, owner_of_token)
            if country is None and len(named) == 1:
                country = next(iter(named))
            mention.country_code = country
    def named_elsewhere(mention: _Mention) -> set[str]:
        """Countries the article names by other mentions: "Moscow" stays Russia's capital in a story from
        New York that also names Russia."""
        key = places.normalize_name(mention.text)
        return {m.country_code for m in mentions if m.country_code and places.normalize_name(m.text) != key}

    for mention in place_mentions:
        senses = places.resolve_place_senses(mention.text)
        if len(senses) < 2 or mention.country_code != senses[0].country_code:
            continue
        key = places.normalize_name(mention.text)
        local = {
            m.country_code for m in place_mentions
            if m.place_kind in ("region", "city") and m.country_code and places.normalize_name(m.text) != key
        }
        if senses[0].country_code in local or senses[0].country_code in named_elsewhere(mention):
            continue
        other = next((p for p in senses[1:] if p.country_code in local and p.kind in ("region", "city")), None)
        if other is not None:
            _set_place(mention, other)


_MINOR_TOWN_POPULATION = 15_000
"""A town only the fallback table knows, in no country the article names, is taken from this size up."""


def _containing_country(mention: _Mention, owner_of_token: list) -> str | None:
    """The country of the place an unknown place is said to be in: "Qamishli in northeastern Syria"."""
    doc = mention.span.doc
    i = mention.span.end
    if i < len(doc) and doc[i].lower_ in ("in", ","):
        i += 1
        while i < len(doc) and owner_of_token[i] is None and doc[i].pos_ in ("DET", "ADJ", "PROPN", "NOUN") and i - mention.span.end < 4:
            i += 1
        owner = owner_of_token[i] if i < len(doc) else None
        if owner is not None and owner.label in ("GPE", "LOC") and owner.country_code:
            return owner.country_code
    return None


_ATTACK_VERBS = frozenset({"attack", "strike", "hit", "target", "assault", "shell", "bomb"})


def _attacked(span: Span) -> bool:
    """The object of an attack verb: a place only where it is a town of a country the article names."""
    return span.root.dep_ == "dobj" and span.root.head.lemma_.lower() in _ATTACK_VERBS


def _relabel_misfiled(mentions: list[_Mention], owner_of_token: list, named: set) -> None:
    """Fix names the NER filed as people or organisations: nationality words become NORP, and names
    that place_cue says are places and the gazetteer (or its fallback) knows become GPE; the object of
    an attack verb only when it is a place in a country the article names ("Sudanese paramilitaries
    attacked El Fasher")."""

    def is_place(i: int) -> bool:
        owner = owner_of_token[i] if 0 <= i < len(owner_of_token) else None
        return owner is not None and owner.label in ("GPE", "LOC")

    for mention in mentions:
        if mention.label not in ("PERSON", "ORG") or mention.actor_code or mention.actor_type:
            continue
        if len(mention.span) <= 2:
            country = places.resolve_demonym(mention.text) if len(mention.span) == 1 else _people_of_a_country(
                mention.text)
            if country is not None and mention.text[:1].isupper():
                mention.label, mention.country_code = "NORP", country.country_code
                named.add(country.country_code)
                continue
        if len(mention.span) > 3:
            continue
        cued = place_cue(mention.span, mention.label, is_place)
        if not cued and not _attacked(mention.span):
            continue
        senses = places.resolve_place_senses(mention.text)
        minor = [p for p in places.resolve_minor_place(mention.text) if p.population >= _MINOR_TOWN_POPULATION
                 or p.kind == "region" or p.country_code in named]
        in_named = next((p for p in senses + minor if p.country_code in named), None)
        chosen = in_named if in_named or not cued else (senses + minor or [None])[0]
        if chosen is not None:
            mention.label = "GPE"
            _set_place(mention, chosen)
            named.add(chosen.country_code)


_PERSON_PLACE_KINDS = frozenset({"country", "capital", "region"})
"""Kinds of places whose name the NER's PERSON tag does not override unless the article uses it for a person."""


def _people_are_not_places(mentions: list[_Mention]) -> None:
    """A person's name is never a place, and a place is not a person where the article says otherwise.

    A place mention (not a country or capital) is a person when its text is a word of a person's full name
    in the article ("Bushra Khalil" ... "Khalil told the judge", though a town is so called) or when the
    gazetteer does not know it and the article tags the same name PERSON elsewhere; it is an organisation
    when it is only a town and the article tags the same name ORG elsewhere ("according to Time"). A PERSON
    mention the gazetteer knows as a place ("Karol Bagh", "Goa") is that place when the article names it
    as a place elsewhere, or it is a country, capital or region, and no person of the article has it in
    their name."""
    name_words: dict[str, _Mention] = {}
    for person in (m for m in mentions if m.label == "PERSON" and len(m.span) > 1):
        for word in person.text.split():
            if word[:1].isupper() and len(word) > 2:
                name_words.setdefault(places.normalize_name(word), person)
    labels: dict[str, set[str]] = {}
    for mention in mentions:
        labels.setdefault(places.normalize_name(mention.text), set()).add(mention.label)
    place_names = {places.normalize_name(m.text): m for m in mentions if m.label in PLACE_LABELS and m.country_code}
    for mention in mentions:
        key = places.normalize_name(mention.text)
        known = places.resolve_place(mention.text)
        if mention.label in ("GPE", "LOC") and mention.place_kind not in ("country", "capital", "region"):
            if len(mention.span) == 1 and key in name_words:
                _unplace(mention, "PERSON", name_words[key].canonical)
            elif known is None and "PERSON" in labels[key]:
                _unplace(mention, "PERSON", mention.canonical)
            elif mention.place_kind in ("city", None) and "ORG" in labels[key]:
                _unplace(mention, "ORG", mention.canonical)
        elif mention.label == "PERSON" and len(mention.span) <= 3 and key not in name_words and known is not None \
                and known.country_code:
            named = place_names.get(key)
            if named is not None:
                mention.label = named.label
                mention.canonical, mention.country_code = named.canonical, named.country_code
                mention.lat, mention.lon, mention.place_kind = named.lat, named.lon, named.place_kind
            elif known.kind in _PERSON_PLACE_KINDS:
                mention.label = "GPE"
                _set_place(mention, known)


def _unplace(mention: _Mention, label: str, canonical: str) -> None:
    mention.label, mention.canonical = label, canonical
    mention.country_code = mention.lat = mention.lon = mention.place_kind = None


def _set_place(mention: _Mention, place: places.Place) -> None:
    mention.canonical = place.name
    mention.country_code, mention.lat, mention.lon = place.country_code, place.lat, place.lon
    mention.place_kind = place.kind


def _describe_nationality(mention: _Mention) -> None:
    """Nationality words keep their own name, singular: "Russians" and "Russian" are one entity."""
    country = places.resolve_demonym(mention.text) or _people_of_a_country(mention.text)
    if country is None:
        return
    mention.country_code = country.country_code
    singular = mention.text[:-1] if mention.text.endswith("s") else mention.text
    if singular != mention.text and places.resolve_demonym(singular) == country:
        mention.canonical = singular


def _people_of_a_country(text: str) -> places.Place | None:
    """"Bosnian Serbs", "Kosovo Albanians": a people named by the country it lives in (the second word a
    nationality, so "American Airlines" stays an organisation)."""
    words = text.split()
    if len(words) != 2 or not words[1].endswith("s") or places.resolve_demonym(words[1]) is None:
        return None
    place = places.resolve_demonym(words[0]) or places.resolve_place(words[0])
    return place if place is not None and place.country_code else None


def _describe_organisation(mention: _Mention, key: str) -> None:
    known = _organisations().get(_organisation_key(key))
    if known is not None:
        mention.canonical, mention.actor_code = known["name"], known["code"]
        mention.actor_type, mention.country_code = known["type"], known.get("country")
        return
    tokens = list(mention.span)
    mention.actor_type = role_type(tokens)
    mention.country_code = _country_named_in(tokens)
    if mention.country_code is None and tokens[-1].lower_ in _LEADER_BODIES:
        leader = _known_leader(" ".join(token.text for token in tokens[:-1]))
        if leader:
            mention.country_code, mention.actor_type = leader[0], mention.actor_type or "GOV"


def _country_named_in(tokens: list[Token]) -> str | None:
    """Country a name is clearly national to: a demonym, country or capital inside it ("Air France")."""
    words = [token.text for token in tokens]
    for size in (3, 2, 1):
        for i in range(len(words) - size + 1):
            phrase = " ".join(words[i : i + size])
            if not phrase[:1].isupper():
                continue
            demonym = places.resolve_demonym(phrase)
            if demonym is not None:
                return demonym.country_code
            place = places.resolve_place(phrase)
            if place is not None and place.kind in ("country", "capital"):
                return place.country_code
    return None


def _add_person_context(mention: _Mention, owner_of_token: list[_Mention | None]) -> None:
    """Country and role from the title before a name, an apposition after it or an "of" complement ("King
    Hassan of Morocco"); a person titled by an intergovernmental organisation ("U.N. Secretary-General Kofi
    Annan") acts for it (type IGO)."""
    tokens = _title_tokens(mention.span, owner_of_token) + _apposition_tokens(mention.span) + _of_place(mention.span)
    mention.actor_type = role_type(tokens)
    for token in tokens:
        owner = owner_of_token[token.i]
        if owner is not None and owner.label in ("NORP", "GPE") and owner.country_code:
            mention.country_code = owner.country_code
            break
        if owner is not None and owner.label == "ORG" and owner.actor_type == "IGO" and mention.country_code is None:
            mention.actor_type = "IGO"
            break


def _add_leader_facts(mention: _Mention) -> None:
    """Country and role of a well-known leader the text does not place ("President Bush", "Putin")."""
    leader = _known_leader(mention.canonical) if mention.country_code is None and mention.actor_type != "IGO" else None
    if leader:
        mention.country_code = leader[0]
        mention.actor_type = mention.actor_type or leader[1]


def _title_tokens(span: Span, owner_of_token: list[_Mention | None]) -> list[Token]:
    """Words right before a name that can form its title: "Iran's Foreign Minister", "U.S. President"."""
    doc = span.doc
    tokens = []
    i = span.start - 1
    while i >= 0 and len(tokens) < _MAX_TITLE_TOKENS:
        token = doc[i]
        owner = owner_of_token[i]
        if owner is not None and owner.label == "PERSON":
            break
        if token.pos_ not in _TITLE_POS and token.lower_ != "of" and token.text not in ("-", "\u2013") and owner is None:
            break
        tokens.append(token)
        i -= 1
    return tokens[::-1]


def _of_place(span: Span) -> list[Token]:
    return [token for child in span.root.rights if child.dep_ == "prep" and child.lower_ == "of"
            for token in child.subtree]


def _apposition_tokens(span: Span) -> list[Token]:
    """Words of an apposition: "Javad Zarif, Iran's foreign minister," or "the minister, Javad Zarif"."""
    root = span.root
    tokens = []
    for child in root.children:
        if child.dep_ == "appos":
            tokens.extend(child.subtree)
    if root.dep_ == "appos":
        tokens.extend(token for token in root.head.subtree if token.i < root.i and not token.is_punct)
    return tokens[: 2 * _MAX_TITLE_TOKENS]


def _merge_surnames(mentions: list[_Mention]) -> None:
    """Give a one-word PERSON (or ORG) mention the full name it shortens, nearest before, else after."""
    full_names = [m for m in mentions if m.label == "PERSON" and len(m.canonical.split()) > 1]
    for mention in mentions:
        if mention.label not in ("PERSON", "ORG") or " " in mention.canonical or mention.actor_code:
            continue
        candidates = [m for m in full_names if m.canonical.split()[-1] == mention.canonical]
        if not candidates:
            continue
        before = [m for m in candidates if m.span.start < mention.span.start]
        full = before[-1] if before else candidates[0]
        mention.label, mention.canonical = "PERSON", full.canonical


def _merge_acronyms(doc: Doc, mentions: list[_Mention]) -> None:
    """Give an acronym the long name it abbreviates: "Federal Security Service (FSB)", later "FSB"."""
    long_names = {}
    for mention in mentions:
        if mention.label != "ORG" or " " not in mention.canonical:
            continue
        long_names[_initials(mention.canonical)] = mention.canonical
        end = mention.span.end
        if end + 2 < len(doc) and doc[end].text == "(" and doc[end + 2].text == ")":
            long_names[doc[end + 1].text] = mention.canonical
    for mention in mentions:
        if mention.label == "ORG" and mention.canonical.isupper() and mention.canonical in long_names:
            mention.canonical = long_names[mention.canonical]


def _initials(name: str) -> str:
    return "".join(word[0] for word in name.split() if word.lower() not in _ACRONYM_SKIP_WORDS).upper()


def _aggregate(doc: Doc, mentions: list[_Mention]) -> ArticleEntities:
    """Fold mentions into entities; the first mention names it, any mention may supply country or role."""
    entities: dict[tuple[str, str], ArticleEntity] = {}
    by_token: list[ArticleEntity | None] = [None] * len(doc)
    for mention in mentions:
        entity = entities.get(mention.key)
        if entity is None:
            entity = entities[mention.key] = ArticleEntity(
                label=mention.label, text=mention.text, canonical=mention.canonical, start_char=mention.start_char
            )
        entity.count += 1
        _fill_missing(entity, mention)
        for i in range(mention.span.start, mention.span.end):
            by_token[i] = entity
    by_surname = {}
    for entity in entities.values():
        if entity.label == "PERSON" and " " in entity.canonical:
            by_surname.setdefault(entity.canonical.split()[-1], entity)
    return ArticleEntities(list(entities.values()), by_token, by_surname)


def _fill_missing(entity: ArticleEntity, mention: _Mention) -> None:
    for name in FACT_FIELDS:
        if getattr(entity, name) is None:
            setattr(entity, name, getattr(mention, name))
