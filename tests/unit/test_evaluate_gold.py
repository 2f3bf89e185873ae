"""Quality may not regress: scores on the team's gold sets stay at or above tests/gold/baseline.json."""

import json
from pathlib import Path

import pytest

from pipelines.evaluate import evaluate_file
from pipelines.nlp.model import load_nlp
from tests.shared_data import PLOVER_GOLD

pytestmark = pytest.mark.spacy_model

GOLD = Path(__file__).parents[1] / "gold"
BASELINE = json.loads((GOLD / "baseline.json").read_text())


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


@pytest.mark.parametrize("metric", ["event_f1", "no_event_specificity"])
def test_event_coding_does_not_regress(nlp, metric):
    result = evaluate_file(nlp, GOLD / "events.tsv")
    assert result[metric] >= BASELINE["events.tsv"][metric] - 1e-9


@pytest.mark.parametrize("metric", ["entity_f1", "place_accuracy"])
def test_entities_do_not_regress(nlp, metric):
    result = evaluate_file(nlp, GOLD / "entities.tsv")
    assert result[metric] >= BASELINE["entities.tsv"][metric] - 1e-9




def test_plover_coding_does_not_regress(nlp):
    result = evaluate_file(nlp, PLOVER_GOLD)
    assert result["event_f1"] >= BASELINE["plover_gsr_cameo.jsonl"]["event_f1"] - 1e-9


@pytest.mark.parametrize("name", sorted(name for name in BASELINE if name.startswith("realnews/")))
def test_real_news_coding_does_not_regress(nlp, name):
    result = evaluate_file(nlp, GOLD / name)
    for metric, floor in BASELINE[name].items():
        assert result[metric] >= floor - 1e-9, f"{name} {metric} {result[metric]:.3f} < {floor}"
