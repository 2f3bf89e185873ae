"""code_events: the stages run over one article, sentence by sentence.

For each trigger: modality (is it an event), participants (who, whom), the named conventions (which
countries), where and when, then the record; selection then keeps what each sentence reports once.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span

from pipelines.nlp import dates
from pipelines.nlp.entities import article_entities
from pipelines.nlp.coder.lexicon import Lexicon, _CAMEO, _EN, trigger_lexicon
from pipelines.nlp.coder.context import Actor, _ArticleContext, _is_placed
from pipelines.nlp.coder.phrases import _countries_in, _direct_object, _is_active, _noun_phrase
from pipelines.nlp.coder.triggers import (
    _SPORTS_ARTICLE_SHARE, _Trigger, _crowd_control, _is_sports, _refined_code, _triggers,
)
from pipelines.nlp.coder.modality import _intent_code, _is_background, _is_question, _is_realized
from pipelines.nlp.coder.conventions import (
    accused_under_jurisdiction, action_on_place_targets_place, armed_group_where_it_fights,
    domestic_role_in_story_country, held_person_unnamed, is_custody, is_state_action, measure_on_own_people,
    people_live_where_event_happens, protest_against_own_country,
    state_action_by_place_authorities, target_role_in_story_country, unplaced_event_in_actor_country,
)
from pipelines.nlp.coder.participants import (
    _PURPOSE_PATH_DEPS, _actors, _caused_by_non_agent, _circumstance_nouns, _conditioned_party, _deeper_targets,
    _doers_of_events_named, _event_named, _first_actors, _instruments_of, _names_unknown_doer, _pairs, _participants,
    _unnamed_protesters, speaker_of,
)
from pipelines.nlp.coder.where_when import (
    _event_date, _is_place_measure, _location, _place_after, _places_named, _trigger_place,
)
from pipelines.nlp.coder.selection import (
    PARTIAL_CONFIDENCE, _is_newsworthy_statement, _main_clause_events, _without_adjunct_events,
    _without_less_specific, _without_reporting_statements,
)
from pipelines.nlp.coder.records import _event_record


_allow_partial_default = False


def set_allow_partial(allow: bool) -> None:
    """The process-wide default of code_events' allow_partial (`--allow-partial` sets it in each worker)."""
    global _allow_partial_default
    _allow_partial_default = bool(allow)


def code_events(doc: Doc, *, article_id: str, published_at: str | None, allow_partial: bool | None = None,
                lexicon: Lexicon | None = None) -> list[dict]:
    """Event records for every coded event of the doc, one per distinct event id, in text order.

    LEXICON is the trigger lexicon to code with (load_lexicon(); a worker loads it once and passes it in);
    without one the packaged lexicon is used.

    An event whose doer or target the article does not give is partial and left out (a doer the text itself
    calls unknown, "gunmen", "a roadside bomb", is not missing); with allow_partial such events are kept,
    flagged by a confidence of at most PARTIAL_CONFIDENCE."""
    entities = article_entities(doc)
    partial = _allow_partial_default if allow_partial is None else allow_partial
    lexicon = trigger_lexicon() if lexicon is None else lexicon
    context = _ArticleContext(doc, entities, dates.published_date(published_at), lexicon)
    events: dict[str, dict] = {}
    sentences = list(doc.sents)
    sports = [_is_sports(sentence, lexicon) for sentence in sentences]
    if sentences and sum(sports) >= _SPORTS_ARTICLE_SHARE * len(sentences):
        return []  # a match report: even its sentences without sports words ("the Italians attacked") are sport
    speaker, quote_open = None, False
    for sentence, is_sports in zip(sentences, sports):
        open_after = _quote_open_after(sentence, quote_open)
        own_speaker = speaker_of(sentence, context) if quote_open or open_after else None  # only around quotes
        context.quote_speaker = speaker if quote_open and own_speaker is None else None
        speaker = (own_speaker or context.quote_speaker) if open_after else None
        quote_open = open_after
        if is_sports or _is_question(sentence):
            continue
        by_trigger = [(trigger, _events_of(trigger, sentence, article_id, context)) for trigger in _triggers(sentence, lexicon)]
        coded = _main_clause_events(by_trigger, _without_adjunct_events(by_trigger))
        for event in _without_less_specific(_without_reporting_statements(coded)):
            events.setdefault(event["event_id"], event)
            context.remember(event)  # partial events too: "the shelling" may name one whose doer is unknown
    return [event for event_id, event in events.items() if partial or event_id not in context.partial_ids]


def _quote_open_after(sentence: Span, open_before: bool) -> bool:
    """Whether a quotation is still open at the end of SENTENCE (language quote marks): a quote that runs on
    into the next sentences is still its speaker's."""
    is_open = open_before
    for token in sentence:
        if token.text in _EN.quote_toggles:
            is_open = not is_open
        elif token.text in _EN.quote_openers:
            is_open = True
        elif token.text in _EN.quote_closers:
            is_open = False
    return is_open


def _is_place_threatened(trigger: _Trigger, context: _ArticleContext) -> bool:
    """Whether "threaten" has a town, port or region as its object (language place_nouns, or a city or region
    the gazetteer knows), not an actor: military pressure on a place."""
    obj = _direct_object(trigger.clause) if trigger.word.i == trigger.clause.i else None
    if obj is None:
        return False
    entity = context.entities.entity_at(obj)
    return obj.lemma_.lower() in _EN.place_nouns or (entity is not None and entity.place_kind in ("city", "region"))


def _code_for_pair(code: str, actor1: Actor | None, actor2: Actor | None) -> str:
    """The code for one pair of actors: an attack with no doer named is unconventional violence (ontology
    unknown_doer_code_map), a ban on another country's actor a sanction (foreign_target_code_map); a measure on
    a foreign place ("imposed a curfew in northern Syria") is no sanction and keeps its code."""
    if actor1 is None or (actor1.is_weapon and not actor1.country_code):  # "killed by a roadside bomb"
        return _CAMEO.unknown_doer_code_map.get(code, code)
    if actor2 is not None and not actor2.is_place and actor1.country_code and actor2.country_code \
            and actor2.country_code != actor1.country_code:
        return _CAMEO.foreign_target_code_map.get(code, code)
    return code


def _events_of(trigger: _Trigger, sentence: Span, article_id: str, context: _ArticleContext) -> list[dict]:
    lexicon = context.lexicon
    if _is_background(trigger):
        return []
    if not _is_realized(trigger.clause, lexicon):
        intent = _intent_code(trigger)
        if intent is None:
            return []
        trigger = _Trigger(trigger.word, trigger.clause, intent, trigger.entry, trigger.complement)
    subjects, objects = _participants(trigger)
    if trigger.code[:2] == _CAMEO.threat_root and _is_place_threatened(trigger, context):
        return []  # "rebels were threatening the port of Mariupol": an advance on a place, not a threat
    if any(token.lemma_.lower() in lexicon.non_agent_causes for token in subjects):
        return []
    actors1 = [domestic_role_in_story_country(a, sentence, context) for a in _actors(subjects, context)]
    actors2 = _actors(objects, context)
    excluded = {token.i for head in subjects + _instruments_of(trigger) for token in head.subtree}
    if trigger.code[:2] in _CAMEO.topic_roots:  # "renewed negotiations on an Israeli troop pullback": a topic
        excluded |= {t.i for word in (trigger.clause, trigger.word) for child in word.children
                     if child.dep_ == "prep" and child.lower_ == "on" for t in child.subtree}
    if not any(actor.country_code for actor in actors2):
        deeper = _first_actors(_deeper_targets(trigger.clause, excluded), context)
        if not actors2 or any(actor.country_code for actor in deeper):
            actors2 = deeper or actors2
    if not actors1 and trigger.code[:2] in _CAMEO.violent_roots and not _is_active(trigger.clause):
        actors1 = _doers_of_events_named(_circumstance_nouns(trigger.clause), [], context)  # "killed in the shelling"
    if not actors1 and _caused_by_non_agent(trigger, lexicon):
        return []
    code = _refined_code(trigger, subjects, actors1, lexicon)
    if code[:2] == _CAMEO.protest_root:
        actors1 = actors1 or _unnamed_protesters(subjects, lexicon)
        actors1 = [domestic_role_in_story_country(actor, sentence, context, any_role=True) for actor in actors1]
    if code[:2] in _CAMEO.purpose_target_roots and not any(actor.country_code for actor in actors2):
        actors2 = _first_actors(_deeper_targets(trigger.clause, excluded, _PURPOSE_PATH_DEPS), context) or actors2
    if code[:2] == _CAMEO.complaint_root and not any(_is_placed(actor) for actor in actors2):
        actors2 = _doers_of_events_named(objects, actors1, context) or actors2
    if code[:2] == "13" and not any(actor.country_code for actor in actors2):
        actors2 = _conditioned_party(trigger, context) or actors2
    used_tokens = {token.i for head in subjects + objects for token in _noun_phrase(head)}
    trigger_place = _trigger_place(trigger, context)
    location, location_in_sentence = _location(trigger_place, sentence, used_tokens, context, trigger.clause, trigger.word)
    if not actors2 and location_in_sentence and location["country_code"] and (
            code[:2] in _CAMEO.place_target_roots or code[:3] in _CAMEO.place_target_codes or _is_place_measure(trigger, lexicon)
            or (code[:2] == _CAMEO.force_posture_root and all(a.country_code != location["country_code"] for a in actors1)
                and location["country_code"] in _countries_in(list(trigger.clause.subtree), context))):
        actors2 = [action_on_place_targets_place(location)]
    if not actors2 and (code[:2] in _CAMEO.place_target_roots or code[:3] in _CAMEO.place_target_codes):
        actors2 = [action_on_place_targets_place(place) for place in _places_named(objects, context)][:1]
    if not actors2 and (code[:2] == _CAMEO.protest_root or code[:3] == _CAMEO.protest_eased_code):
        actors2 = protest_against_own_country(actors1)
    if not actors2 and not location_in_sentence and _is_place_measure(trigger, lexicon):
        actors2 = measure_on_own_people(actors1)
    actors2 = actors2 or held_person_unnamed(objects, code)
    actors2 = [target_role_in_story_country(actor, actors1, sentence, context, code) for actor in actors2
               if not (actor.is_weapon and not actor.country_code)]
    fighting_place = location if location_in_sentence else None
    unknown_doer = _names_unknown_doer(subjects, lexicon)
    actors1 = [armed_group_where_it_fights(actor, fighting_place, context, unnamed_unknown=unknown_doer)
               for actor in actors1]
    actors2 = [armed_group_where_it_fights(actor, fighting_place, context) for actor in actors2]
    actors1 = [people_live_where_event_happens(actor, location, location_in_sentence) for actor in actors1]
    setting = location or context.dateline  # where it happened, else where the article is set
    if not actors1 and setting and setting["country_code"] and is_state_action(code) \
            and (not _is_active(trigger.clause) or trigger.entry.get("patient_subject")):
        actors1 = [state_action_by_place_authorities(setting)]
    if is_state_action(code) or is_custody(code):
        actors2 = [accused_under_jurisdiction(actor, actors1) for actor in actors2]
    civilians_place = trigger_place or _place_after(trigger, sentence, context)
    if civilians_place is None and location is None and code[:2] in _CAMEO.violent_roots:
        remembered = _event_named(_circumstance_nouns(trigger.clause), context)  # victims of "the shelling": there
        civilians_place = remembered["location"] if remembered and remembered["location"] else None
    actors2 = [people_live_where_event_happens(actor, civilians_place, True, civilians=True) if civilians_place else
               people_live_where_event_happens(actor, location, location_in_sentence) for actor in actors2]
    code = _crowd_control(code, actors1, actors2)
    if code[:2] == _CAMEO.fight_root and any(head.lemma_.lower() in _EN.assailants for head in subjects):
        code = _CAMEO.assault_code  # "a gunman shot dead a journalist": an assault, not a battle
    when = _event_date(trigger, sentence, context)
    events = []
    one_sided = trigger.clause.lemma_.lower() in _EN.one_sided_lemmas
    for actor1, actor2 in _pairs(actors1, actors2, code, one_sided):
        where = location or unplaced_event_in_actor_country(actor1, actor2, code)
        if code == _CAMEO.statement_code and not _is_newsworthy_statement(trigger, actor1, actor2, lexicon):
            continue
        partial = (not _is_placed(actor1) and not unknown_doer) or not _is_placed(actor2)
        record = _event_record(
            article_id, sentence, trigger, _code_for_pair(code, actor1, actor2), actor1, actor2, where,
            location_in_sentence, when, lexicon
        )
        if partial:
            record["confidence"] = min(record["confidence"], PARTIAL_CONFIDENCE)
            context.partial_ids.add(record["event_id"])
        events.append(record)
    return events
