"""`eventwire evaluate`: precision, recall and F1 of event coding and entities against gold sets.

Four gold formats, told apart by their content:
- team event gold (tests/gold/events.tsv): tag, events ("19 RUS>UKR; ..." or "-"), sentence;
  an event matches on CAMEO root code plus both actor countries;
- team entity gold (tests/gold/entities.tsv): sentence, entities ("Kyiv/PLACE/UKR | ...");
- PLOVER gold records (JSONL, one annotated event per sentence): matched on PLOVER event type plus
  source and target countries, the coder's CAMEO code mapped to PLOVER. A record lists its sources and
  targets, where CAMEO coding gives one dyad per pair ("aid for Romania and Poland" is two events):
  once one coded dyad matches the record, the coder's other dyads that also fit the record's actor
  lists are the same event and count neither as hits nor as false positives.
- real-news gold (tests/gold/realnews/*.jsonl): whole articles of ../shared/data/news cut into the
  pipeline's sentences and coded by hand; the file holds offsets and a hash of each sentence, not its
  text. The coder runs over each whole article and is scored per sentence (see score_realnews).
An actor's "country" for matching is its ISO alpha-3 code, "IGO" for an intergovernmental
organisation, else None (no country known); None matches only None.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import click

DEFAULT_GOLD = ("tests/gold/events.tsv", "tests/gold/entities.tsv")

REPO_ROOT = Path(__file__).resolve().parents[1]
NEWS_DIR = REPO_ROOT.parent / "shared" / "data" / "news"
"""The shared news corpora (as tests/shared_data.py): real-news gold is re-read from here, never copied."""

PLOVER_RENAMED = {"DEMAND": "REQUEST", "FIGHT": "ASSAULT", "DISAPPROVE": "ACCUSE", "INVESTIGATE": "ACCUSE"}
"""Older PLOVER type names used by the gold records -> the 2021 names of the CAMEO-to-PLOVER table."""

CAMEO_COUNTRY_FIXES = {"JAP": "JPN", "ITL": "ITA", "VTN": "VNM"}
"""CAMEO-style country codes of the PLOVER records that differ from ISO 3166-1 alpha-3."""

NON_STATE_CODES = frozenset({"NGO", "IMG", "ISM", "MNC"})
"""CAMEO actor codes without a country: non-governmental, militant and religious groups, companies."""

PLACE_CLASSES = {"GPE": "PLACE", "LOC": "PLACE", "FAC": "PLACE", "PERSON": "PERSON", "ORG": "ORG", "NORP": "NORP"}


@dataclass(frozen=True)
class GoldEvent:
    kind: str
    """CAMEO root code (team gold) or PLOVER type (PLOVER records)."""
    actor1: str | None
    actor2: str | None
    symmetric: bool = False

    def matches(self, kind: str, actor1: str | None, actor2: str | None) -> bool:
        if kind != self.kind:
            return False
        return (actor1, actor2) == (self.actor1, self.actor2) or (
            self.symmetric and (actor2, actor1) == (self.actor1, self.actor2)
        )


@dataclass(frozen=True)
class GoldSentence:
    text: str
    tag: str
    events: tuple[GoldEvent, ...]


@dataclass
class Scores:
    """Counts of matched, spurious and missed events, overall and per code."""

    tp: Counter = field(default_factory=Counter)
    fp: Counter = field(default_factory=Counter)
    fn: Counter = field(default_factory=Counter)

    def prf(self, key: str | None = None) -> tuple[float, float, float]:
        tp, fp, fn = (sum(c.values()) if key is None else c[key] for c in (self.tp, self.fp, self.fn))
        return precision_recall_f1(tp, fp, fn)


def precision_recall_f1(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


# ---------------------------------------------------------------- gold files


def gold_kind(path: Path) -> str:
    """"realnews", "plover", "events" or "entities", from the file's first data line."""
    for line in path.read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            if line.lstrip().startswith("{"):
                return "realnews" if "article_id" in json.loads(line) else "plover"
            return "events" if line.count("\t") == 2 else "entities"
    raise click.BadParameter(f"{path} has no gold records")


def _data_lines(path: Path) -> list[str]:
    return [line for line in path.read_text("utf-8").splitlines() if line.strip() and not line.startswith("#")]


def load_event_gold(path: Path) -> list[GoldSentence]:
    sentences = []
    for line in _data_lines(path):
        tag, events, text = line.split("\t")
        parsed = () if events.strip() == "-" else tuple(_parse_gold_event(e) for e in events.split(";"))
        sentences.append(GoldSentence(text=text, tag=tag, events=parsed))
    return sentences


def _parse_gold_event(text: str) -> GoldEvent:
    """ "19 RUS>UKR" or "04 USA<>CHN"; "_" is an actor without a known country."""
    root, actors = text.split()
    symmetric = "<>" in actors
    actor1, actor2 = actors.split("<>" if symmetric else ">")
    return GoldEvent(root, None if actor1 == "_" else actor1, None if actor2 == "_" else actor2, symmetric)


def load_plover_gold(path: Path) -> list[GoldSentence]:
    """One gold event per record; several source (or target) actors are alternatives for actor1 (actor2)."""
    sentences = []
    for line in _data_lines(path):
        record = json.loads(line)
        kind = PLOVER_RENAMED.get(record["event"], record["event"])
        sources = _plover_countries(record.get("source")) or [None]
        targets = _plover_countries(record.get("target"))
        events = [GoldEvent(kind, s, t) for s in sources for t in targets]
        if not targets:
            events += [GoldEvent(kind, s, None) for s in sources]
            events += [GoldEvent(kind, s, o) for s in sources for o in sources if o != s]
        sentences.append(GoldSentence(text=record["text"], tag=kind, events=(_AnyOf(tuple(events)),)))
    return sentences


@dataclass(frozen=True)
class _AnyOf:
    """A single gold event that several actor readings satisfy (PLOVER lists actors, not pairs)."""

    readings: tuple[GoldEvent, ...]

    @property
    def kind(self) -> str:
        return self.readings[0].kind

    def matches(self, kind: str, actor1: str | None, actor2: str | None) -> bool:
        return any(reading.matches(kind, actor1, actor2) for reading in self.readings)


def _plover_countries(actors) -> list[str | None]:
    if not isinstance(actors, list):
        return []
    codes = []
    for actor in actors:
        code = actor["code"][:3]
        country = None if code in NON_STATE_CODES else CAMEO_COUNTRY_FIXES.get(code, code)
        if country not in codes:
            codes.append(country)
    return codes


def load_entity_gold(path: Path) -> list[tuple[str, list[tuple[str, str, str | None]]]]:
    """(sentence, [(text, class, country)]) per line."""
    gold = []
    for line in _data_lines(path):
        text, entities = line.split("\t")
        parsed = []
        for item in entities.split(" | "):
            parts = item.strip().split("/")
            parsed.append((parts[0], parts[1], parts[2] if len(parts) > 2 else None))
        gold.append((text, parsed))
    return gold


# ---------------------------------------------------------------- coding


def actor_country(actor: dict | None) -> str | None:
    """The country an actor is matched on: ISO code, "IGO" for international organisations, else None."""
    if not actor:
        return None
    if actor.get("country_code"):
        return actor["country_code"]
    return "IGO" if actor.get("type_code") == "IGO" else None


def coded_keys(events: list[dict], kind_of) -> list[tuple[str, str | None, str | None]]:
    """Distinct (kind, actor1 country, actor2 country) of the coded events; events without a kind are left out."""
    keys = []
    for event in events:
        kind = kind_of(event)
        key = (kind, actor_country(event["actor1"]), actor_country(event["actor2"]))
        if kind and key not in keys:
            keys.append(key)
    return keys


def root_of(event: dict) -> str:
    return event["event_root_code"]


def plover_of(event: dict) -> str | None:
    from pipelines.nlp.plover import plover_type

    return plover_type(event["event_code"])


def code_texts(nlp, texts: list[str], published_at: str = "2020-01-01T00:00:00Z") -> list[list[dict]]:
    """Event records of each text, coded as a one-sentence article. These gold sets have no publication dates
    (`published_at` is a stand-in) and code historical events ("massacred ... in 1995"), so background is kept."""
    return [emitted_mentions(doc, f"gold-{i}", published_at, include_background=True)
            for i, doc in enumerate(nlp.pipe(texts, batch_size=64))]


def emitted_mentions(doc, article_id: str, published_at: str | None, include_background: bool = False) -> list[dict]:
    """The events the pipeline emits for a doc (merged, calibrated, background left out), once per mention sentence."""
    from pipelines.nlp.records import article_events, mention_events, selected_events

    events = selected_events(article_events(doc, article_id=article_id, published_at=published_at),
                             include_background=include_background)
    return [mention for event in events for mention in mention_events(event)]


@dataclass
class EventReport:
    scores: Scores
    sentences: int
    no_event_sentences: int
    no_event_quiet: int
    errors: list[tuple[str, str, str]]
    """(error kind, sentence, detail) per unmatched gold or coded event."""
    by_tag: dict[str, Scores]

    @property
    def specificity(self) -> float:
        return self.no_event_quiet / self.no_event_sentences if self.no_event_sentences else 1.0


def score_events(gold: list[GoldSentence], coded: list[list[dict]], kind_of) -> EventReport:
    """Match coded events to gold events sentence by sentence; each gold event matches at most once."""
    scores, by_tag, errors = Scores(), {}, []
    no_event = quiet = 0
    for sentence, events in zip(gold, coded):
        keys = coded_keys(events, kind_of)
        tag_scores = by_tag.setdefault(sentence.tag, Scores())
        if not sentence.events:
            no_event += 1
            quiet += not keys
        unmatched = list(keys)
        for gold_event in sentence.events:
            hit = next((key for key in unmatched if gold_event.matches(*key)), None)
            for target in (scores, tag_scores):
                (target.tp if hit else target.fn)[gold_event.kind] += 1
            if hit:
                unmatched.remove(hit)
                if isinstance(gold_event, _AnyOf):
                    unmatched = [key for key in unmatched if not gold_event.matches(*key)]
            else:
                errors.append(_missed(sentence, gold_event, unmatched))
        for key in unmatched:
            scores.fp[key[0]] += 1
            tag_scores.fp[key[0]] += 1
            errors.append(("spurious " + _format_key(key), sentence.text, _gold_summary(sentence)))
    return EventReport(scores, len(gold), no_event, quiet, errors, by_tag)


def _missed(sentence: GoldSentence, gold_event, coded: list[tuple]) -> tuple[str, str, str]:
    same_kind = [key for key in coded if key[0] == gold_event.kind]
    if same_kind:
        return (f"wrong actors for {gold_event.kind}", sentence.text, "coded " + _format_key(same_kind[0]))
    if coded:
        return (f"{gold_event.kind} coded as {coded[0][0]}", sentence.text, "coded " + _format_key(coded[0]))
    return (f"missed {gold_event.kind}", sentence.text, _gold_summary(sentence))


def _format_key(key: tuple) -> str:
    return f"{key[0]} {key[1] or '_'}>{key[2] or '_'}"


def _gold_summary(sentence: GoldSentence) -> str:
    if not sentence.events:
        return "gold: no event"
    first = sentence.events[0]
    readings = getattr(first, "readings", (first,))
    return "gold: " + ", ".join(_format_key((r.kind, r.actor1, r.actor2)) for r in readings[:3])


# ---------------------------------------------------------------- real-news gold


class GoldMismatch(click.ClickException):
    """The real-news gold does not align with ../shared/data/news: a sentence's hash or its article is wrong."""


def sentence_hash(text: str) -> str:
    """Short hash of a sentence's exact text (the slice [start, end) of article_text), to check alignment."""
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def gold_country(code: str | None) -> str | None:
    """Country part of a hand-coded CAMEO actor code: the first three letters, "IGO" for IGO..., None stays None."""
    if not code:
        return None
    return "IGO" if code.startswith("IGO") else code[:3]


def split_of(path: Path) -> str:
    """"test" (only run to report scores), "calibration" (only run to fit confidences) or "dev", by file name."""
    if "calibration" in path.name:
        return "calibration"
    return "test" if "test" in path.name else "dev"


def is_test_split(path: Path) -> bool:
    """A test or calibration split shows no errors, so nobody tunes the coder's rules on them."""
    return split_of(path) != "dev"


@dataclass(frozen=True)
class RealSentence:
    """One gold sentence of a real-news article; `text` is re-read from ../shared, never stored in the gold file."""

    article_id: str
    number: int
    start: int
    end: int
    events: tuple[GoldEvent, ...]
    """Distinct (root, source country, target country) of the hand-coded events."""
    text: str = ""


def load_articles(news_dir: Path, wanted: set[tuple[str, str]]) -> dict[tuple[str, str], dict]:
    """The news records named by (source file, article id), read from the shared corpora."""
    articles = {}
    for source_file in sorted({source for source, _ in wanted}):
        path = news_dir / source_file
        if not path.exists():
            raise GoldMismatch(f"real-news gold needs {path} (../shared/data/news beside the repository)")
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as lines:
            for line in lines:
                if line.strip():
                    record = json.loads(line)
                    if (source_file, record.get("id")) in wanted:
                        articles[source_file, record["id"]] = record
    missing = wanted - set(articles)
    if missing:
        raise GoldMismatch(f"{len(missing)} gold articles are not in {news_dir}: {sorted(missing)[:3]}")
    return articles


def load_realnews_gold(path: Path, news_dir: Path = NEWS_DIR) -> list[tuple[dict, list[RealSentence]]]:
    """(news record, its gold sentences) per article, in file order; fails if any sentence hash differs."""
    from pipelines.nlp.records import article_text

    rows = [json.loads(line) for line in _data_lines(path)]
    articles = load_articles(news_dir, {(row["source_file"], row["article_id"]) for row in rows})
    by_article: dict[tuple[str, str], list[RealSentence]] = {}
    mismatches = []
    for row in rows:
        key = (row["source_file"], row["article_id"])
        text = article_text(articles[key])[row["start"]:row["end"]]
        if sentence_hash(text) != row["text_hash"]:
            mismatches.append(f"{row['article_id']} sentence {row['sentence']} [{row['start']}, {row['end']})")
        if row["events"] is None:
            raise GoldMismatch(f"{path}: {row['article_id']} sentence {row['sentence']} is not coded")
        events = []
        for event in row["events"]:
            gold = GoldEvent(event["root"], gold_country(event["source"]), gold_country(event["target"]),
                             bool(event.get("symmetric")))
            if gold not in events:
                events.append(gold)
        by_article.setdefault(key, []).append(
            RealSentence(row["article_id"], row["sentence"], row["start"], row["end"], tuple(events), text))
    if mismatches:
        raise GoldMismatch(f"{path}: {len(mismatches)} sentences do not match ../shared/data/news "
                           f"(text hash differs): {'; '.join(mismatches[:5])}")
    return [(articles[key], sentences) for key, sentences in by_article.items()]


def assign_to_sentences(sentences: list[RealSentence], events: list[dict]) -> tuple[list[list[dict]], list[dict]]:
    """Coded events per gold sentence, by the event's sentence_start falling in [start, end); plus those in none."""
    assigned: list[list[dict]] = [[] for _ in sentences]
    outside = []
    for event in events:
        offset = event["sentence_start"]
        index = next((i for i, s in enumerate(sentences) if s.start <= offset < s.end), None)
        (outside if index is None else assigned[index]).append(event)
    return assigned, outside


@dataclass
class SentenceMatch:
    """Matching of one sentence: counts at root and dyad level, and (error kind, detail) per mismatch."""

    root_tp: int = 0
    root_fp: int = 0
    root_fn: int = 0
    dyad_tp: int = 0
    dyad_fp: int = 0
    dyad_fn: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)


def pair_dyads(gold: tuple[GoldEvent, ...], coded: list[tuple]) -> tuple[list[tuple], list[GoldEvent], list[tuple]]:
    """Each gold event paired with one distinct coded (root, actor1, actor2) it matches, in gold order:
    (coded keys matched, gold events missed, coded keys left over)."""
    left = list(dict.fromkeys(coded))
    matched, missed = [], []
    for event in gold:
        hit = next((key for key in left if event.matches(*key)), None)
        if hit:
            left.remove(hit)
            matched.append(hit)
        else:
            missed.append(event)
    return matched, missed, left


def match_sentence(gold: tuple[GoldEvent, ...], coded: list[tuple[str, str | None, str | None]]) -> SentenceMatch:
    """Score one sentence. Root level: the sentence's distinct gold roots against its distinct coded roots.
    Dyad level: each distinct gold (root, source country, target country) matches one distinct coded one
    (either order if symmetric). Every unmatched gold dyad and coded dyad is explained by one error."""
    match = SentenceMatch()
    gold_roots = list(dict.fromkeys(g.kind for g in gold))
    coded_roots = list(dict.fromkeys(k[0] for k in coded))
    match.root_tp = sum(r in coded_roots for r in gold_roots)
    match.root_fn = len(gold_roots) - match.root_tp
    match.root_fp = sum(r not in gold_roots for r in coded_roots)
    matched, missed, left = pair_dyads(gold, coded)
    match.dyad_tp = len(matched)
    match.dyad_fn = len(missed)
    match.dyad_fp = len(left)
    if not gold:
        match.errors = [("spurious event in a no-event sentence", "coded " + _format_key(k)) for k in left]
        return match
    for event in missed:
        same_root = [key for key in left if key[0] == event.kind]
        other_root = [key for key in left if key[0] not in gold_roots]
        gold_text = _format_key((event.kind, event.actor1, event.actor2))
        if same_root:
            key = max(same_root, key=lambda k: _agreement(event, k))
            left.remove(key)
            match.errors.append((_actor_error(event, key), f"gold {gold_text}, coded {_format_key(key)}"))
        elif other_root:
            left.remove(other_root[0])
            match.errors.append(("wrong root", f"gold {gold_text}, coded {_format_key(other_root[0])}"))
        else:
            match.errors.append(("missed event", f"gold {gold_text}"))
    match.errors += [("spurious extra event in an event sentence", "coded " + _format_key(k)) for k in left]
    return match


def _oriented(event: GoldEvent, key: tuple) -> tuple:
    """The coded key in the gold event's order (a symmetric gold event may be coded either way round)."""
    swapped = (key[0], key[2], key[1])
    if event.symmetric and _pair_agreement(event, swapped) > _pair_agreement(event, key):
        return swapped
    return key


def _pair_agreement(event: GoldEvent, key: tuple) -> int:
    return (key[1] == event.actor1) + (key[2] == event.actor2)


def _agreement(event: GoldEvent, key: tuple) -> int:
    return _pair_agreement(event, _oriented(event, key))


def _actor_error(event: GoldEvent, key: tuple) -> str:
    _, source, target = _oriented(event, key)
    for role, gold, coded in (("source", event.actor1, source), ("target", event.actor2, target)):
        if gold != coded:
            if coded is None:
                return f"missing {role}"
            if gold is None:
                return f"{role} given a country the gold has not"
            return f"wrong {role} country"
    return "duplicate event"  # not reached: an agreeing key would have matched


@dataclass
class RealnewsReport:
    totals: SentenceMatch
    per_root: Scores
    """Root-level counts per CAMEO root."""
    articles: int
    sentences: int
    event_sentences: int
    no_event_sentences: int
    no_event_quiet: int
    outside: int
    """Coded events whose sentence offset lies in no gold sentence (e.g. a whitespace-only sentence)."""
    errors: list[tuple[str, str, str]]

    @property
    def specificity(self) -> float:
        return self.no_event_quiet / self.no_event_sentences if self.no_event_sentences else 1.0


def score_realnews(articles: list[list[RealSentence]], coded: list[list[dict]]) -> RealnewsReport:
    """Score the coder's events of each whole article against its gold sentences."""
    totals, per_root, errors = SentenceMatch(), Scores(), []
    sentences = event_sentences = no_event = quiet = outside = 0
    for gold_sentences, events in zip(articles, coded):
        assigned, elsewhere = assign_to_sentences(gold_sentences, events)
        outside += len(elsewhere)
        errors += [("event outside the gold sentences", "", "coded " + _format_key(k))
                   for k in coded_keys(elsewhere, root_of)]
        for sentence, sentence_events in zip(gold_sentences, assigned):
            keys = coded_keys(sentence_events, root_of)
            match = match_sentence(sentence.events, keys)
            sentences += 1
            if sentence.events:
                event_sentences += 1
            else:
                no_event += 1
                quiet += not keys
            for name in ("root_tp", "root_fp", "root_fn", "dyad_tp", "dyad_fp", "dyad_fn"):
                setattr(totals, name, getattr(totals, name) + getattr(match, name))
            gold_roots = {g.kind for g in sentence.events}
            coded_roots = {k[0] for k in keys}
            for root in gold_roots | coded_roots:
                target = per_root.tp if root in gold_roots & coded_roots else per_root.fn if root in gold_roots else per_root.fp
                target[root] += 1
            errors += [(kind, sentence.text.strip(), detail) for kind, detail in match.errors]
    return RealnewsReport(totals, per_root, len(articles), sentences, event_sentences, no_event, quiet, outside, errors)


def evaluate_realnews(nlp, path: Path, news_dir: Path = NEWS_DIR) -> dict:
    """Code each whole article of a real-news gold file and score it; a test split's errors are withheld."""
    from pipelines.nlp.records import article_text

    gold = load_realnews_gold(path, news_dir)
    docs = nlp.pipe([article_text(article) for article, _ in gold], batch_size=8)
    coded = [emitted_mentions(doc, article["id"], article.get("published_at")) for doc, (article, _) in zip(docs, gold)]
    report = score_realnews([sentences for _, sentences in gold], coded)
    t = report.totals
    root_p, root_r, root_f1 = precision_recall_f1(t.root_tp, t.root_fp, t.root_fn)
    dyad_p, dyad_r, dyad_f1 = precision_recall_f1(t.dyad_tp, t.dyad_fp, t.dyad_fn)
    test = is_test_split(path)
    codes = sorted(set(report.per_root.tp) | set(report.per_root.fn) | set(report.per_root.fp))
    return {
        "gold": str(path), "kind": "realnews", "split": split_of(path),
        "articles": report.articles, "sentences": report.sentences, "event_sentences": report.event_sentences,
        "gold_events": t.dyad_tp + t.dyad_fn, "coded_events": t.dyad_tp + t.dyad_fp,
        "root_precision": root_p, "root_recall": root_r, "root_f1": root_f1,
        "dyad_precision": dyad_p, "dyad_recall": dyad_r, "dyad_f1": dyad_f1,
        "no_event_sentences": report.no_event_sentences, "no_event_specificity": report.specificity,
        "events_outside_gold_sentences": report.outside,
        "per_code": {code: dict(zip(("precision", "recall", "f1"), report.per_root.prf(code)),
                                support=report.per_root.tp[code] + report.per_root.fn[code]) for code in codes},
        "error_counts": None if test else dict(Counter(kind for kind, _, _ in report.errors).most_common()),
        "errors": [] if test else report.errors,
    }


# ---------------------------------------------------------------- entities


@dataclass
class EntityReport:
    tp: int
    fp: int
    fn: int
    places: int
    places_right: int
    errors: list[tuple[str, str, str]]

    @property
    def place_accuracy(self) -> float:
        return self.places_right / self.places if self.places else 1.0


def _entity_key(text: str) -> str:
    from pipelines.nlp.places import normalize_name

    return normalize_name(text)


def score_entities(gold, docs) -> EntityReport:
    """Entity F1 on (text, class); place accuracy: gold places whose found entity has the right country."""
    from pipelines.nlp.entities import extract_entities

    tp = fp = fn = places = right = 0
    errors = []
    for (text, gold_entities), doc in zip(gold, docs):
        found = {}
        for entity in extract_entities(doc):
            if entity["label"] in PLACE_CLASSES:
                found.setdefault(_entity_key(entity["text"]), (PLACE_CLASSES[entity["label"]], entity["country_code"]))
        expected = {_entity_key(name): (label, country) for name, label, country in gold_entities}
        for key, (label, country) in expected.items():
            got = found.get(key)
            if got and got[0] == label:
                tp += 1
            else:
                fn += 1
                errors.append((f"missed {label}", text, f"{key!r} found as {got[0] if got else 'nothing'}"))
            if label == "PLACE" and country:
                places += 1
                if got and got[1] == country:
                    right += 1
                else:
                    errors.append(("wrong place country", text, f"{key!r}: gold {country}, found {got and got[1]}"))
        for key, (label, _) in found.items():
            if key not in expected or expected[key][0] != label:
                fp += 1
                if key not in expected:
                    errors.append((f"spurious {label}", text, repr(key)))
    return EntityReport(tp, fp, fn, places, right, errors)


# ---------------------------------------------------------------- evaluation and report


def evaluate_file(nlp, path: Path) -> dict:
    """Scores of one gold file as a plain dict (also what --json prints and the baseline test reads)."""
    kind = gold_kind(path)
    if kind == "realnews":
        return evaluate_realnews(nlp, path)
    if kind == "entities":
        gold = load_entity_gold(path)
        report = score_entities(gold, nlp.pipe([text for text, _ in gold], batch_size=64))
        precision, recall, f1 = precision_recall_f1(report.tp, report.fp, report.fn)
        return {"gold": str(path), "kind": kind, "sentences": len(gold), "entity_precision": precision,
                "entity_recall": recall, "entity_f1": f1, "place_mentions": report.places,
                "place_accuracy": report.place_accuracy, "errors": report.errors}
    gold = load_plover_gold(path) if kind == "plover" else load_event_gold(path)
    report = score_events(gold, code_texts(nlp, [s.text for s in gold]), plover_of if kind == "plover" else root_of)
    precision, recall, f1 = report.scores.prf()
    codes = sorted(set(report.scores.tp) | set(report.scores.fn) | set(report.scores.fp))
    return {
        "gold": str(path), "kind": kind, "sentences": report.sentences,
        "event_precision": precision, "event_recall": recall, "event_f1": f1,
        "per_code": {code: dict(zip(("precision", "recall", "f1"), report.scores.prf(code)),
                                support=report.scores.tp[code] + report.scores.fn[code]) for code in codes},
        "per_tag": {tag: report.by_tag[tag].prf()[2] for tag in sorted(report.by_tag)},
        "no_event_sentences": report.no_event_sentences, "no_event_specificity": report.specificity,
        "errors": report.errors,
    }


def format_result(result: dict, worst: int) -> str:
    if result["kind"] == "realnews":
        return format_realnews(result, worst)
    lines = [f"== {result['gold']} ({result['kind']}, {result['sentences']} sentences)"]
    if result["kind"] == "entities":
        lines.append(f"entities  P {result['entity_precision']:.3f}  R {result['entity_recall']:.3f}  "
                     f"F1 {result['entity_f1']:.3f}")
        lines.append(f"places    country right for {result['place_accuracy']:.3f} of {result['place_mentions']} mentions")
    else:
        lines.append(f"events    P {result['event_precision']:.3f}  R {result['event_recall']:.3f}  "
                     f"F1 {result['event_f1']:.3f}")
        if result["no_event_sentences"]:
            lines.append(f"no-event sentences left uncoded: {result['no_event_specificity']:.3f} "
                         f"of {result['no_event_sentences']}")
        lines.append("per code     P      R      F1   gold")
        for code, s in result["per_code"].items():
            lines.append(f"  {code:<9} {s['precision']:.2f}   {s['recall']:.2f}   {s['f1']:.2f}  {s['support']:>4}")
        if result["kind"] == "events":
            lines.append("per tag F1: " + ", ".join(f"{tag} {f1:.2f}" for tag, f1 in result["per_tag"].items()))
    lines.append(f"worst errors (most frequent kinds, {worst} shown):")
    lines.extend(_worst_errors(result["errors"], worst))
    return "\n".join(lines)


def format_realnews(result: dict, worst: int) -> str:
    lines = [
        f"== {result['gold']} (real news, {result['split']} split: {result['articles']} articles, "
        f"{result['sentences']} sentences, {result['gold_events']} gold events in {result['event_sentences']})",
        f"root      P {result['root_precision']:.3f}  R {result['root_recall']:.3f}  F1 {result['root_f1']:.3f}",
        f"dyad      P {result['dyad_precision']:.3f}  R {result['dyad_recall']:.3f}  F1 {result['dyad_f1']:.3f}"
        "   (root + source country + target country)",
        f"no-event sentences left uncoded: {result['no_event_specificity']:.3f} of {result['no_event_sentences']}",
    ]
    if result["events_outside_gold_sentences"]:
        lines.append(f"coded events outside the gold sentences: {result['events_outside_gold_sentences']}")
    lines.append("per root (sentence level)  P      R      F1   gold")
    for code, s in result["per_code"].items():
        lines.append(f"  {code:<9}                {s['precision']:.2f}   {s['recall']:.2f}   {s['f1']:.2f}  {s['support']:>4}")
    if result["split"] != "dev":
        lines.append(f"{result['split']} split: scores only; its errors are never shown (tests/gold/CONVENTIONS.md)")
        return "\n".join(lines)
    lines.append(f"errors by kind ({worst} kinds at most, one example each):")
    lines.extend(_worst_errors(result["errors"], worst))
    return "\n".join(lines)


def _worst_errors(errors: list[tuple[str, str, str]], limit: int) -> list[str]:
    """Error kinds by frequency, each with one example, so systematic failures come first."""
    counts = Counter(kind for kind, _, _ in errors)
    example = {}
    for kind, sentence, detail in errors:
        example.setdefault(kind, (sentence, detail))
    return [f"  {n:>3} x {kind}: {example[kind][0]!r} ({example[kind][1]})" for kind, n in counts.most_common(limit)]


@click.command()
@click.option("--gold", "gold_files", multiple=True, type=click.Path(exists=True, path_type=Path),
              help="gold file: team events TSV, team entities TSV, PLOVER JSONL or real-news JSONL "
                   "(tests/gold/realnews/; repeatable; "
                   f"default: {', '.join(DEFAULT_GOLD)})")
@click.option("--model", default=None, help="spaCy model (default: the pipeline's)")
@click.option("--worst", default=15, show_default=True, help="how many error kinds to list")
@click.option("--json", "as_json", is_flag=True, help="print the scores as JSON (without the error list)")
def evaluate(gold_files, model, worst, as_json):
    """Precision, recall and F1 of event coding and entities against gold sets, with the worst errors."""
    from pipelines.nlp.model import DEFAULT_MODEL, load_nlp

    nlp = load_nlp(model or DEFAULT_MODEL)
    results = [evaluate_file(nlp, Path(path)) for path in (gold_files or DEFAULT_GOLD)]
    if as_json:
        click.echo(json.dumps([{k: v for k, v in r.items() if k != "errors"} for r in results], indent=2))
        return
    click.echo("\n\n".join(format_result(result, worst) for result in results))
