"""Who did it to whom: the doer and target phrases of a trigger, and the actors they name.

Subjects, objects and passive agents of the trigger's clause, deeper targets ("cut ties with Iran"),
instruments ("massed troops" are the doer's means), and the actor of each phrase: a named entity, a role
noun with its nationality, a pronoun or definite noun recalling an earlier actor. Countries the text
leaves open are filled in by the named rules of conventions.py.
"""

from __future__ import annotations

from dataclasses import replace

from spacy.tokens import Token

from pipelines.nlp.entities import ArticleEntity, role_type
from pipelines.nlp.coder.lexicon import Lexicon, _CAMEO, _EN
from pipelines.nlp.coder.context import Actor, _ArticleContext
from pipelines.nlp.coder.phrases import (
    _countries_in, _country_in, _is_active, _is_dateline, _is_headline, _located_in, _noun_phrase, _of_object, _phrase_text,
    _with_conjuncts,
)
from pipelines.nlp.coder.triggers import _Trigger, _noun_code
from pipelines.nlp.coder.conventions import country_of_residence


# spaCy's parse and entity labels (not language words, not CAMEO): they stay with the code that reads them.
_DEEP_TARGET_DEPS = frozenset({"dobj", "dative", "pobj", "nsubjpass", "attr", "oprd", "appos"})
_DEEP_PATH_DEPS = frozenset({"dobj", "dative", "prep", "pobj", "xcomp", "ccomp", "pcomp", "acl", "conj", "appos"})
_DEEP_TARGET_LEVELS = 5
_PURPOSE_PATH_DEPS = _DEEP_PATH_DEPS | {"advcl"}
_RELATIVE_TAGS = frozenset({"WP", "WDT"})


def _event_named(nouns: list[Token], context: _ArticleContext) -> dict | None:
    """The coded event a definite event noun re-mentions ("the attack", "this shelling"): the article's latest
    event of the noun's root whose doer is placed; a general anaphor ("the action", "this act") names the
    article's latest such event of any root."""
    for noun in nouns:
        lemma = noun.lemma_.lower()
        if not any(child.dep_ == "det" and child.lower_ in ("the", "this", "that", "these", "those")
                   for child in noun.children):
            continue
        if lemma in _EN.event_anaphors:
            return context.latest_events.get(context.latest_root)  # None before the article's first deed
        if lemma in context.lexicon.nouns:
            code = _noun_code(noun, context.lexicon)
            if code and code[:2] in context.latest_events:
                return context.latest_events[code[:2]]
    return None


def _doer_of(event: dict) -> Actor:
    doer = event["actor1"]
    return Actor(doer["name"], doer["code"], doer["country_code"], doer["type_code"])


def _doers_of_events_named(objects: list[Token], actors1: list[Actor], context: _ArticleContext) -> list[Actor]:
    """"Ukraine condemned the attack": criticism of an event the article has coded is against that event's
    doer (_event_named); so is the doer of a passive "killed in the shelling". A doer criticising its own
    act is no target."""
    event = _event_named(objects, context)
    if event is None or any(_doer_of(event).code == actor.code for actor in actors1):
        return []
    return [_doer_of(event)]


def _circumstance_nouns(clause: Token) -> list[Token]:
    """Nouns of the clause's "in"/"during" phrases: "two people were killed in the initial shelling"."""
    return [g for c in clause.children if c.dep_ == "prep" and c.lower_ in ("in", "during") for g in c.children
            if g.dep_ == "pobj"]


def _names_unknown_doer(subjects: list[Token], lexicon: Lexicon) -> bool:
    """Whether the text says the doer is unknown: an unidentified attacker ("gunmen", "unknown assailants",
    "an unknown group") or a device with no one named ("a roadside bomb", "a rocket")."""
    for head in subjects:
        lemma = head.lemma_.lower()
        if lemma in _EN.unknown_doers or lemma in _EN.weapons:
            return True
        if any(t.lower_ in _EN.unknown_marks for t in head.lefts):
            return True
    return False


def _participants(trigger: _Trigger) -> tuple[list[Token], list[Token]]:
    """Heads of the doer and target phrases, conjuncts included ("X and Y met")."""
    clause = trigger.clause
    if clause.pos_ == "NOUN":
        subjects, objects = _noun_participants(clause, trigger.code)
    elif trigger.entry.get("patient_subject"):  # "Manafort receives second sentence (from a federal court)"
        objects, _ = _verb_participants(clause, trigger.word)
        subjects = [g for c in trigger.word.children if c.dep_ == "prep" and c.lower_ in ("from", "by")
                    for g in c.children if g.dep_ == "pobj"]
    else:
        subjects, objects = _verb_participants(clause, trigger.word)
        if trigger.word.i != clause.i:
            objects += _noun_participants(trigger.word, trigger.code)[1]
        if trigger.complement is not None:
            objects += _verb_participants(trigger.complement, trigger.word)[1]
        if trigger.entry.get("object_is_instrument"):
            subjects, objects = _instrument_participants(clause, subjects, objects)
        if trigger.code[:2] in _CAMEO.topic_roots:
            objects = [o for o in objects if not (o.dep_ == "pobj" and o.head.lower_ == "on" and o.head.head.i == clause.i)]
        if trigger.code[:2] == _CAMEO.complaint_root:
            objects = _grievance_targets(clause, objects)
    return _with_conjuncts(subjects), _with_conjuncts(objects)


def _grievance_targets(verb: Token, objects: list[Token]) -> list[Token]:
    """"Lebanon complained to the United Nations over Israeli air raids": whom a complaint is about, not
    whom it is made to, is the target."""
    grievances = [g for c in verb.children if c.dep_ == "prep" and c.lower_ in ("over", "about") for g in c.children
                  if g.dep_ == "pobj"]
    if not grievances:
        return objects
    addressed = [o for o in objects if o.dep_ == "pobj" and o.head.lower_ == "to" and o.head.head.i == verb.i]
    return [o for o in objects if o not in addressed] + grievances


def _instruments_of(trigger: _Trigger) -> list[Token]:
    """The means a doer acts with ("placed its forces on alert"), never the target."""
    if not trigger.entry.get("object_is_instrument"):
        return []
    return [child for child in trigger.clause.children if child.dep_ == "dobj"]


def _instrument_participants(verb: Token, subjects: list[Token], objects: list[Token]) -> tuple[list, list]:
    """"Russia massed troops": the troops are Russia's means, not the target; passive, they are the doer."""
    moved = [token for token in objects if token.head.i == verb.i and token.dep_ in ("dobj", "nsubjpass")]
    if not subjects:
        subjects = [token for token in moved if token.dep_ == "nsubjpass"]
    return subjects, [token for token in objects if token not in moved]


def _verb_participants(verb: Token, event_noun: Token) -> tuple[list[Token], list[Token]]:
    subjects, objects = [], []
    if verb.dep_ == "acl" and verb.tag_ == "VBN":
        objects.append(verb.head)
    for child in verb.children:
        if child.dep_ == "nsubj" and _is_dateline(child):
            continue
        if child.dep_ == "nsubj" and _is_headline_passive(verb):
            objects.append(child)  # "Former PM Yulia Tymoshenko arrested on contempt charges"
        elif child.dep_ == "nsubj":
            subjects.append(verb.head if child.tag_ in _RELATIVE_TAGS and verb.dep_ == "relcl" else child)
        elif child.dep_ == "agent":
            subjects.extend(grandchild for grandchild in child.children if grandchild.dep_ == "pobj")
        elif child.dep_ == "nsubjpass" and verb.lemma_.lower() in _EN.stative_participles:
            subjects.append(child)
        elif child.dep_ in ("dobj", "dative", "nsubjpass") and child.i != event_noun.i:
            objects.append(child)
        elif child.dep_ == "prep" and child.lower_ in _EN.target_preps:
            objects.extend(g for g in child.children if g.dep_ == "pobj" and g.i != event_noun.i)
    if not subjects and not _is_active(verb):
        subjects = _distant_agent(verb)
    if not subjects:
        subjects = _inherited_subjects(verb)
    return subjects, objects


def _distant_agent(verb: Token) -> list[Token]:
    """The "by" agent of a passive that the parser hung lower down: "was put under investigation for
    bribery by federal police" (by -> bribery)."""
    frontier = [c for c in verb.children if c.dep_ == "prep"]
    for _ in range(3):
        below = []
        for prep in frontier:
            for pobj in (g for g in prep.children if g.dep_ == "pobj"):
                for child in pobj.children:
                    if child.dep_ in ("prep", "agent") and child.lower_ == "by":
                        return [g for g in child.children if g.dep_ == "pobj"]
                    if child.dep_ == "prep":
                        below.append(child)
        frontier = below
    return []


def _inherited_subjects(verb: Token) -> list[Token]:
    """The doer of a verb without a subject: its coordinated or governing verb's, or the noun it modifies."""
    if verb.dep_ == "acl" and verb.head.lemma_.lower() in _EN.statement_nouns and verb.head.dep_ == "dobj":
        return [child for child in verb.head.head.children if child.dep_ == "nsubj"]
    if verb.dep_ in ("relcl", "acl") and verb.head.pos_ in ("NOUN", "PROPN") and _is_active(verb):
        return [verb.head]
    if verb.dep_ in ("conj", "xcomp", "advcl") and verb.head.pos_ in ("VERB", "AUX"):
        controllers = ("nsubj", "nsubjpass") if verb.dep_ == "xcomp" else ("nsubj",)  # "is scheduled to hold talks"
        subjects = [child for child in verb.head.children if child.dep_ in controllers]
        if subjects or verb.head.dep_ not in ("xcomp", "conj"):
            return subjects
        return _inherited_subjects(verb.head)
    if verb.dep_ == "xcomp" and verb.head.dep_ == "acomp":
        return [child for child in verb.head.head.children if child.dep_ == "nsubj"]
    return []


def _is_headline_passive(verb: Token) -> bool:
    """A past participle heading a headline with no auxiliary and no object ("Lawyer thrown out of court",
    "Ex-PM arrested"): headlines drop "was", so the parser's subject is the patient. A headline has no final
    full stop; the small model also tags plain past tenses VBN ("Hungarians protested in Bucharest.")."""
    resultative = any(child.lower_ == "dead" for child in verb.children)  # "journalist shot dead in Aden"
    charged = verb.lower_ in _EN.status_participles and any(  # "Russia accused of supporting rebels"
        child.dep_ == "prep" and child.lower_ in _EN.charge_preps for child in verb.children)
    if verb.dep_ != "ROOT" or not (verb.tag_ == "VBN" or (verb.tag_ == "VBD" and (resultative or charged))) or any(
            child.dep_ in ("aux", "auxpass", "dobj") for child in verb.children):
        return False
    return _is_headline(verb.sent)


def _noun_participants(noun: Token, code: str) -> tuple[list[Token], list[Token]]:
    """Doer and target of an event noun: "Russia's invasion of Ukraine", "talks between X and Y", and
    without a possessor its nationality modifier: "Palestinian riots", "Israeli air raids"."""
    subjects, objects = [], []
    for child in noun.children:
        if child.dep_ == "poss" and noun.lemma_.lower() in _EN.patient_possessor_nouns:
            objects.append(child)  # "her arrest", "the detainees' sentencing": whom it was done to
        elif child.dep_ == "poss":
            subjects.append(child)
        elif child.dep_ == "prep":
            pobjs = [grandchild for grandchild in child.children if grandchild.dep_ == "pobj"]
            if child.lower_ == "by":
                subjects.extend(pobjs)
            elif child.lower_ == "between":
                for pobj in pobjs:
                    subjects.append(pobj)
                    objects.extend(pobj.conjuncts)
            elif child.lower_ == "of":
                (objects if code[:2] in _CAMEO.target_of_roots else subjects).extend(pobjs)
            elif child.lower_ == "from" and code[:2] == "08":
                objects.extend(pobjs)
            elif child.lower_ in _EN.target_preps and not (child.lower_ == "on" and code[:2] in _CAMEO.topic_roots):
                objects.extend(pobjs)
    if not subjects:
        subjects = [child for child in noun.children if child.dep_ in ("amod", "compound") and child.ent_type_ in ("NORP", "GPE")
                    and child.i < noun.i]
    return subjects, objects


def _deeper_targets(clause: Token, excluded: set[int], path_deps: frozenset[str] = _DEEP_PATH_DEPS) -> list[Token]:
    """Candidate targets below the verb, nearest first: "cut ties with Iran", "demanded that Britain leave";
    the source of a report ("according to Pentagon sources"), a circumstance ("after 12 days of battles
    with the Amal militia") or the object of a coordinated verb is not one."""
    candidates, frontier = [], [clause]
    for _ in range(_DEEP_TARGET_LEVELS):
        below = []
        for node in frontier:
            for child in node.children:
                if child.i in excluded or child.lower_ in _EN.not_target_preps:
                    continue
                if child.dep_ == "conj" and child.pos_ in ("VERB", "AUX") and node.i == clause.i \
                        and not _has_dangling_preposition(clause, child):
                    continue  # "condemned the shelling and requested that the UN act": another event's target
                if child.dep_ in _DEEP_TARGET_DEPS or (child.dep_ == "nsubj" and node.dep_ in ("ccomp", "acl")):
                    candidates.append(child)
                if child.dep_ in path_deps:
                    below.append(child)
        frontier = below
    return candidates


def _has_dangling_preposition(clause: Token, conjunct: Token) -> bool:
    """"established ties with and opened an embassy in Tehran": a preposition left without its object
    shares the coordinated verb's."""
    return any(token.dep_ == "prep" and not any(g.dep_ in ("pobj", "pcomp") for g in token.children)
               for token in clause.subtree if token.i < conjunct.i)


def _first_actors(heads: list[Token], context: "_ArticleContext") -> list[Actor]:
    """The actors of the first head that names one, with its conjuncts ("ties with Iran and Syria").

    A place after "in", "near", "around" is where, not whom: "held talks in Baghdad". The first head whose
    actors have a country wins over nearer ones without ("military aid to Mozambique").
    """
    first: list[Actor] = []
    for head in heads:
        entity = context.entities.entity_at(head)
        if head.dep_ == "pobj" and head.head.lower_ in _EN.locative_preps and entity and entity.label in _EN.place_labels:
            continue
        actors = _actors(_with_conjuncts([head]), context)
        if any(actor.country_code or actor.type_code == "IGO" for actor in actors):
            return actors
        first = first or actors
    return first


def _conditioned_party(trigger: _Trigger, context: "_ArticleContext") -> list[Actor]:
    """Whom a threat is made to: the subject of its "if"/"unless" clause ("threatened to launch an
    offensive unless Baghdad accepted its conditions")."""
    words = [trigger.clause, trigger.word, *(c for c in trigger.clause.children if c.dep_ in ("xcomp", "ccomp"))]
    for word in words:
        for child in word.children:
            if child.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in ("if", "unless") for c in child.children):
                subjects = [c for c in child.children if c.dep_ in ("nsubj", "nsubjpass")]
                actors = [a for a in _actors(_with_conjuncts(subjects), context) if a.country_code]
                if actors:
                    return actors
    return []


def _unnamed_protesters(subjects: list[Token], lexicon: Lexicon) -> list[Actor]:
    """"Prisoners rioted", "Islamic fundamentalists continued their hunger strike": whoever protests is a
    participant, even a group no role table names (an event noun as subject, "a rally", is not)."""
    return [Actor.of(_phrase_text(_noun_phrase(head)), None, None) for head in subjects
            if head.pos_ == "NOUN" and head.lemma_.lower() not in lexicon.nouns]


def _caused_by_non_agent(trigger: _Trigger, lexicon: Lexicon) -> bool:
    """"Killed in a storm", "died in the crash": a disaster, not an actor, did it."""
    for child in trigger.clause.children:
        if child.dep_ == "prep" and child.lower_ in _EN.instrument_preps:
            if any(g.lemma_.lower() in lexicon.non_agent_causes for g in child.children if g.dep_ == "pobj"):
                return True
    return False


def _actors(heads: list[Token], context: _ArticleContext) -> list[Actor]:
    actors = []
    for head in heads:
        for actor in _coordinated_actors(head, context):
            if actor not in actors:
                actors.append(actor)
    return actors


def _coordinated_actors(head: Token, context: _ArticleContext) -> list[Actor]:
    """One actor per country of a coordinated role phrase: "Jordanian and Iraqi officials", "envoys of X and Y"."""
    actor = _actor(head, context)
    if actor is None or context.entities.entity_at(head) is not None or head.pos_ == "PRON":
        return [actor] if actor else []
    phrase = _noun_phrase(head)
    modifiers = [token for token in phrase if token.i < head.i]
    if any(token.dep_ == "cc" for token in modifiers):
        phrase = modifiers  # "the Turkish and Greek sides of Cyprus": the sides are Turkish and Greek
    if not any(token.dep_ == "cc" for token in phrase):
        return [actor]
    countries = _countries_in(phrase, context)
    if len(countries) < 2:
        return [actor]
    type_code = actor.type_code
    return [Actor.of(actor.name, country, type_code) for country in countries]


def _actor(head: Token, context: _ArticleContext) -> Actor | None:
    """An actor from an entity, a role noun or a nationality in the phrase; None if it is neither."""
    if head.pos_ == "PRON":
        reporter = _reporting_subject(head)
        if reporter is not None:
            actor = _actor(reporter, context)
            if actor is not None:
                return replace(actor, via_pronoun=True)
        if head.lower_ in _EN.speaker_pronouns and context.quote_speaker is not None:
            return replace(context.quote_speaker, via_pronoun=True)  # "I thank John" continuing Trump's quote
        if head.lower_ not in _EN.personal_pronouns:
            recalled = _recalled_for_pronoun(head, context)
            return replace(recalled, via_pronoun=True) if recalled else None
        person = context.person_before(head)
        actor = _entity_actor(person, [], context) if person else None
        return replace(actor, via_pronoun=True) if actor else None
    if head.pos_ == "NUM" and head.dep_ in ("dobj", "nsubjpass") and not list(head.children):
        return Actor.of(head.text, None, "CVL")  # "police arrest twelve", "nine were killed": a count of people
    if head.lemma_.lower() in _EN.quantity_nouns and context.entities.entity_at(head) is None:
        counted = _of_object(head)
        counted_actor = _actor(counted, context) if counted is not None else None
        if counted_actor is not None and (counted_actor.country_code or counted_actor.type_code
                                          or counted_actor.ethnic_group):
            return counted_actor
    phrase = _noun_phrase(head)
    if any(token.lower_ == "ethnic" and token.i < head.i for token in phrase):
        return _ethnic_group(head, phrase, context)
    entity = context.entities.entity_at(head)
    if entity is not None and entity.label == "NORP":
        residence = country_of_residence(head, context)
        if residence and residence != entity.country_code:
            return _ethnic_group(head, phrase, context)
    if entity is not None:
        others = [token for token in phrase if context.entities.by_token[token.i] is not entity]
        return _entity_actor(entity, others, context)
    type_code = role_type(phrase)
    postings = [child for child in head.children if child.dep_ == "prep" and child.lower_ in _EN.posting_preps
                and type_code]  # "the ambassador to Germany": where they serve, not whose they are
    placed = {t.i for token in phrase if token.dep_ == "prep" and token.lower_ in _EN.locative_preps
              for t in token.subtree}  # "ministers in Luxembourg": where they met, not whose they are
    placed |= {t.i for token in postings for t in token.subtree}
    own = [token for token in phrase if token.i not in placed]
    country = _country_in(own, context) or (type_code and _country_in(_located_in(head), context))
    if head.lemma_.lower() in _EN.weapons:
        return Actor.of(_phrase_text(phrase), country, type_code, is_weapon=True)
    if country is None:
        organisation = _coded_organisation_in(own, context)
        if organisation is not None:  # "a conference of European Union foreign ministers in Luxembourg": the EU
            return _entity_actor(organisation, [], context)
        country = _country_in(phrase, context)
    if country is None and _is_anaphoric(head, phrase):
        recalled = _recalled_for_noun(head, type_code, context)
        if recalled is not None:
            return recalled
    if type_code is None and country is None:
        return _possessor_actor(head, context)
    return Actor.of(_phrase_text(phrase), country, type_code, posted=bool(postings) and country is None)


def _is_anaphoric(head: Token, phrase: list[Token]) -> bool:
    """"The group", "the ministry", "the militants": a definite phrase of a role noun alone, naming no one."""
    others = [t for t in phrase if t.i != head.i and not t.is_punct]
    return head.pos_ == "NOUN" and len(others) == 1 and others[0].lower_ in ("the", "this", "that", "these", "those")


def _recalled_for_noun(head: Token, type_code: str | None, context: _ArticleContext) -> Actor | None:
    """The article's one earlier actor of the role the noun names ("the ministry" -> the Afghan foreign
    ministry coded before); "the group" recalls an armed group, opposition or NGO. None if several qualify."""
    lemma = head.lemma_.lower()
    if head.tag_ != "NNS" and lemma not in _EN.body_nouns:
        return None  # "the president" is one person, not the body recalled
    types = _EN.group_noun_types.get(lemma) or (frozenset({type_code}) if type_code else None)
    return context.recalled(types) if types else None


def _recalled_for_pronoun(pronoun: Token, context: _ArticleContext) -> Actor | None:
    """"It"/"its" recall the article's one earlier body (government, organisation, group), "they"/"their"
    its one earlier armed group or force; nothing when several are known (precision first)."""
    word = pronoun.lower_
    if word in ("it", "its"):
        return context.recalled(_CAMEO.singular_body_types)
    if word in ("they", "their", "them"):
        return context.recalled(_CAMEO.plural_group_types)
    return None


def speaker_of(sentence, context: _ArticleContext) -> Actor | None:
    """The actor a sentence says is speaking: the subject of its reporting verb ("wrote Trump on Twitter")."""
    for token in sentence:
        if token.pos_ == "VERB" and token.lemma_.lower() in _EN.plain_reporting_lemmas:
            subject = next((child for child in token.children if child.dep_ == "nsubj"), None)
            if subject is not None and subject.pos_ != "PRON":
                return _actor(subject, context)
    return None


def _ethnic_group(head: Token, phrase: list[Token], context: _ArticleContext) -> Actor:
    """An ethnic group, or a people said to live elsewhere ("Albanians of southern Serbia"), of the country
    it lives in, when the phrase says ("ethnic Albanians in Macedonia"); else of the event's place (see
    _events_of)."""
    type_code = role_type(phrase)
    country = country_of_residence(head, context)
    return Actor.of(_phrase_text(phrase), country, type_code, ethnic_group=not country)


def _reporting_subject(pronoun: Token) -> Token | None:
    """The speaker a pronoun subject of reported speech refers to: "Iraq said it would allow" -> Iraq."""
    if pronoun.lower_ not in _EN.reported_pronouns or pronoun.dep_ not in ("nsubj", "nsubjpass"):
        return None
    clause = pronoun.head
    while clause.dep_ in ("xcomp", "conj") and clause.head.i != clause.i:
        clause = clause.head
    if clause.dep_ != "ccomp" and not (clause.dep_ == "acomp" and clause.head.dep_ == "ccomp"):
        return None
    governor = clause.head if clause.dep_ == "ccomp" else clause.head.head
    subject = next((c for c in governor.children if c.dep_ == "nsubj"), None)
    if subject is None or subject.pos_ == "PRON":
        return None
    plural = pronoun.lower_ in ("they", "we")
    if pronoun.lower_ == "it" and subject.tag_ in ("NNS", "NNPS"):
        return None
    if plural and subject.tag_ not in ("NNS", "NNPS") and not any(c.dep_ == "conj" for c in subject.children) \
            and subject.ent_type_ not in ("NORP", "ORG"):
        # "U.N. spokesman Chris Gunness says they condemn": a spokesman's "we"/"they" is the organisation
        return next((t for t in subject.lefts if t.ent_type_ == "ORG" or any(
            g.ent_type_ == "ORG" and g.dep_ == "compound" for g in t.lefts)), None)
    return subject


def _coded_organisation_in(tokens: list[Token], context: _ArticleContext) -> ArticleEntity | None:
    """A known organisation modifying a role noun: "U.N. weapons inspectors", "NATO peacekeeping troops"."""
    for token in tokens:
        entity = context.entities.by_token[token.i]
        if entity is not None and entity.actor_code and token.dep_ in ("compound", "amod", "poss", "nmod"):
            return entity
    return None


def _possessor_actor(head: Token, context: _ArticleContext) -> Actor | None:
    """"the EU's sanctions package", "Malaysia's proposal": the owner is the participant."""
    for child in head.children:
        if child.dep_ == "poss" and child.pos_ != "PRON":
            return _actor(child, context)
    return None


def _entity_actor(entity: ArticleEntity, phrase: list[Token], context: _ArticleContext) -> Actor | None:
    """Capital metonymy makes a government ("Moscow said" -> RUSGOV); other cities are not actors."""
    if entity.actor_code:
        return Actor(entity.canonical, entity.actor_code, entity.country_code, entity.actor_type)
    if entity.label == "PERSON":
        return _person_actor(entity, phrase, context)
    if entity.label in ("ORG", "NORP"):
        country = entity.country_code or _country_in(phrase, context)
        type_code = entity.actor_type or role_type(phrase)
        return Actor.of(entity.canonical, country, type_code)
    if entity.place_kind == "capital":
        return Actor.of(entity.canonical, entity.country_code, "GOV")
    if entity.place_kind == "country" or entity.actor_type:
        type_code = entity.actor_type or role_type(phrase)
        return Actor.of(entity.canonical, entity.country_code, type_code)
    return None


def _person_actor(entity: ArticleEntity, phrase: list[Token], context: _ArticleContext) -> Actor:
    """A person keeps the country and role the article first gave them: "Former Ukrainian PM Yulia
    Tymoshenko" in the headline makes "Yulia V. Tymoshenko" and "Tymoshenko" later Ukrainian. People are
    matched by surname; a surname the article gives two countries is not recalled. A person of a known
    organisation ("U.N. spokesman Chris Gunness") acts for it."""
    country = entity.country_code or _country_in(phrase, context)
    type_code = entity.actor_type or role_type(phrase)
    organisation = None if country else _coded_organisation_in(phrase, context)
    if organisation is not None:  # "U.N. spokesman Chris Gunness" speaks for the UN
        return Actor(entity.canonical, organisation.actor_code, organisation.country_code, organisation.actor_type)
    surname = entity.canonical.split()[-1].lower() if entity.canonical.split() else ""
    known = context.people.get(surname)
    if country and known is None:
        context.people[surname] = (country, type_code)
    elif country and known[0] != country:
        context.people[surname] = (None, None)
    elif not country and known and known[0]:
        country, type_code = known[0], type_code or known[1]
    private = type_code is None and not entity.actor_code
    return Actor.of(entity.canonical, country, type_code, private_person=private)


def _pairs(actors1: list[Actor], actors2: list[Actor], code: str, one_sided: bool = False
           ) -> list[tuple[Actor | None, Actor | None]]:
    """Actor pairs of one trigger; a joint action ("X and Y met", ontology joint_action_*) pairs the subjects
    with each other, also when the only target named has no country ("Israel and Lebanon renewed negotiations
    on a troop pullback"); coordinated doers of any other act, or of a ONE_SIDED verb ("pledged funds",
    language one_sided_lemmas), did it together, each with no target. Nobody acts on themselves: "Sirhan shot
    him" is not Sirhan shooting Sirhan, whatever "him" was resolved to."""
    countries1 = {actor.country_code for actor in actors1 if actor.country_code}
    if len(countries1) > 1 and not any(actor.country_code or actor.type_code == "IGO" for actor in actors2):
        actors2 = []
    if actors2:
        pairs = [(a1, a2) for a1 in actors1 or [None] for a2 in actors2]
    elif len(actors1) > 1 and not one_sided and (
            code[:2] in _CAMEO.joint_action_roots or code[:3] in _CAMEO.joint_action_codes):
        pairs = [(a, b) for i, a in enumerate(actors1) for b in actors1[i + 1 :]]
    else:
        pairs = [(actor, None) for actor in actors1]
    if code[:2] in _CAMEO.official_doer_roots:  # "Sabrina from USA is visiting Bhutan": a tourist, no diplomacy
        pairs = [(a1, a2) for a1, a2 in pairs if not (a1 and a1.private_person)]
    return [(a1, a2) for a1, a2 in pairs if not _same_participant(a1, a2) and ((a1 and a1.code) or (a2 and a2.code))]


def _same_participant(actor1: Actor | None, actor2: Actor | None) -> bool:
    """One participant on both sides: the same actor, or the same name and code however each was found."""
    if actor1 is None or actor2 is None:
        return False
    return actor1 == actor2 or (actor1.name == actor2.name and actor1.code == actor2.code)
