"""CAMEO event coding on spaCy's dependency parse: who did what to whom, where and when.

A trigger is a verb of the lexicon (data/cameo_triggers.yaml), an event noun carried by a light
verb ("launched an attack", "held talks") or an event noun with its own actors ("Russia's invasion
of Ukraine"). The subject is actor1, the object or prepositional object actor2; in the passive the
"by" agent is actor1. Actors are named entities or role nouns ("Russian troops"), and a sentence
whose participants include no political actor codes no event. Negated, possible ("could"),
conditional and intended-only ("vowed to attack") triggers are not events of their own kind; an
event the text announces ("will visit", "is ready to contribute", "said they would boycott") is
coded as CAMEO does, as an intent to cooperate (03x) or a threat (13x), and an announced refusal
("will not accept") as a rejection (12x). Background clauses ("where 28 people were killed"),
purpose and participle clauses of a coded event, and less specific repeats of an event are not
coded separately.

The coder is split by stage, each module deciding one thing:

- lexicon: the coder's knowledge as data: the trigger lexicon (load_lexicon), the CAMEO code algebra
  (data/cameo_ontology.yaml, read as _CAMEO) and the English words of its rules (data/lang/en.yaml, read
  as _EN), each validated on load (pipelines/nlp/knowledge.py);
- context: what one article's sentences share (_ArticleContext) and the Actor type;
- phrases: how a noun phrase of the parse is read (its words, the countries it names);
- triggers: which words name an event and with which code;
- modality: whether a trigger reports a realised event, an announced one, or none;
- participants: who did it to whom (subjects, objects, deeper targets, actors from entities, pronouns);
- conventions: the named actor-country conventions (conventions.RULES);
- where_when: where an event happened and its date;
- selection: which of a sentence's coded events are kept, and how confident each is;
- records: the event record and its stable id;
- coding: code_events, which runs the stages over an article.

Adding a verb, a rule or a second language is a data change (the files above) plus tests.
"""

from pipelines.nlp.coder.lexicon import Lexicon, load_lexicon, trigger_lexicon
from pipelines.nlp.coder.context import Actor
from pipelines.nlp.coder.selection import PARTIAL_CONFIDENCE
from pipelines.nlp.coder.records import event_id
from pipelines.nlp.coder.coding import code_events, set_allow_partial

__all__ = ["Actor", "Lexicon", "PARTIAL_CONFIDENCE", "code_events", "event_id", "load_lexicon", "set_allow_partial",
           "trigger_lexicon"]
