"""The real `eventwire` command in a subprocess: help, unknown options, and Error/Hint lines with exit codes."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def eventwire(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipelines.cli", *args], cwd=REPO, capture_output=True, text=True,
                          timeout=timeout)


@pytest.mark.parametrize("command, own, foreign", [
    ("extract", "--input", "--input-topic"), ("backfill", "--warc", "--until-idle"), ("stream", "--until-idle", "--warc")])
def test_each_help_lists_its_own_options_with_defaults_and_an_example(command, own, foreign):
    finished = eventwire(command, "--help")
    assert finished.returncode == 0, finished.stderr
    assert own in finished.stdout and foreign not in finished.stdout
    assert "[default: 32]" in finished.stdout and f"Example:" in finished.stdout and f"eventwire {command}" in finished.stdout
    assert "Exit codes:" in finished.stdout and "apitools" not in finished.stderr + finished.stdout


def test_version():
    assert eventwire("--version").stdout.strip() == "eventwire, version 0.1.0"


def test_a_mistyped_option_is_an_error_with_a_suggestion():
    finished = eventwire("stream", "--until-idel", "5")
    assert finished.returncode == 2
    assert "Error: no such option --until-idel; did you mean --until-idle?" in finished.stderr
    assert "Hint:" in finished.stderr and "Traceback" not in finished.stderr


def test_beam_options_pass_by_their_names_and_others_are_rejected():
    finished = eventwire("extract", "--input", "/nope.jsonl", "--output", "x.jsonl", "--direct_num_workers=1",
                         "--log-level", "WARNING", "--bogus_option", "1")
    assert finished.returncode == 2 and "no such option --bogus_option" in finished.stderr


@pytest.mark.parametrize("make_args, message, hint", [
    (lambda tmp: ["--input", str(tmp / "missing.jsonl"), "--output", str(tmp / "o.jsonl")], "input not found", "path"),
    (lambda tmp: ["--input", str(_csv(tmp)), "--output", str(tmp / "o.jsonl")], "is not JSON lines", "JSON article per line"),
    (lambda tmp: ["--input", str(REPO / "examples/articles.jsonl"), "--output", str(tmp)], "output is a folder", ".jsonl"),
    (lambda tmp: ["--input", str(REPO / "examples/articles.jsonl"), "--output", str(tmp / "o.jsonl"),
                  "--languages", "en,fr,ru"], "no model for language(s) fr, ru", "--language-models"),
])
def test_expected_failures_print_error_and_hint_without_traceback(tmp_path, make_args, message, hint):
    finished = eventwire("extract", *make_args(tmp_path))
    assert finished.returncode == 1, finished.stderr
    lines = finished.stderr.strip().splitlines()
    assert lines[-2].startswith("Error: ") and message in lines[-2], finished.stderr
    assert lines[-1].startswith("Hint: ") and hint in lines[-1]
    assert "Traceback" not in finished.stderr


def _csv(tmp: Path) -> Path:
    path = tmp / "table.csv"
    path.write_text("a,b\n1,2\n")
    return path


def test_an_unreachable_broker_is_reported_within_ten_seconds(tmp_path):
    finished = eventwire("stream", "--bootstrap-servers", "127.0.0.1:9", "--output", str(tmp_path / "out"), timeout=60)
    assert finished.returncode == 1
    assert finished.stderr.strip().splitlines()[-2:] == [
        "Error: no Kafka broker answered at 127.0.0.1:9 within 8 s",
        "Hint: start the local broker with `make kafka-up`, or point --bootstrap-servers "
        "(or $EVENTWIRE_KAFKA_BOOTSTRAP_SERVERS) at yours"]


@pytest.mark.spacy_model
def test_reading_records_but_annotating_none_exits_3(tmp_path):
    foreign = tmp_path / "fr.jsonl"
    foreign.write_text(json.dumps({"id": "fr-1", "title": "Budget", "body": "Les ministres des finances se sont réunis "
                                   "à Paris lundi pour discuter du budget de l'année prochaine."}) + "\n")
    finished = eventwire("extract", "--input", str(foreign), "--output", str(tmp_path / "o.jsonl"))
    assert finished.returncode == 3, finished.stderr
    assert "Error: read 1 records but annotated none (dead-lettered: unsupported_language 1)" in finished.stderr
    assert "WARNING" not in finished.stderr and "apitools" not in finished.stderr
