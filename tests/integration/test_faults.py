"""Fault tests (issue #5): the real stream pipeline (Prism, spaCy) against a real Kafka broker that goes
away, a stream process killed at random points, and thousands of generated bad inputs.

Run them alone with `pytest -m fault tests/integration/test_faults.py`; `EVENTWIRE_FAULT_BAD_COUNT`
sets how many bad inputs the third test generates (2,000 by default, `make chaos` uses 10,000) and
`EVENTWIRE_FAULT_OUTAGE_SECONDS` how long the first stops the broker (20 s by default, 180 s in `make chaos`).
"""

from __future__ import annotations

import json
import os
import random
import time
from collections import Counter

import pytest

from pipelines import schemas
from pipelines.articles import Limits
from pipelines.devtools.local_kafka import DEFAULT_TOPICS, LocalKafka
from tests.integration.faults import (avro_files, bad_batch, decoded_topic, end_offsets, expected_reason, finish,
                                      kill_group, produce_keyed, start_stream, tail, wait_until)
from tests.integration.streaming import (article_id, avro_records, committed_offsets, read_topic, real_articles,
                                         stream_command)

pytestmark = [pytest.mark.integration, pytest.mark.fault]

OUTAGE_SECONDS = int(os.environ.get("EVENTWIRE_FAULT_OUTAGE_SECONDS", "20"))
# Shorter than the outage on purpose (`make chaos` stops the broker for 180 s): time the broker is
# away must not count as idle, and sends must keep retrying past kafka-python's 2-minute default.
OUTAGE_UNTIL_IDLE_SECONDS = 15


def _assert_exactly_once(output, bootstrap, topics, group, expected_ids):
    records = avro_records(output)
    for record in records:
        schemas.check(record, schemas.ANNOTATED_ARTICLE)
    counts = Counter(record["article_id"] for record in records)
    lost = set(expected_ids) - set(counts)
    duplicated = {article: n for article, n in counts.items() if n > 1}
    unexpected = set(counts) - set(expected_ids)
    offsets = committed_offsets(bootstrap, topics["articles.raw"], group)
    assert not lost and not duplicated and not unexpected, (
        f"{len(lost)} missing {sorted(lost)[:5]}, duplicated {dict(list(duplicated.items())[:5])}, "
        f"unexpected {sorted(unexpected)[:5]}; raw-topic offsets {offsets} (committed below the end means "
        "the run stopped reading early, e.g. its --until-idle clock ran out, and a restart would read them)")
    annotated = decoded_topic(read_topic(bootstrap, topics["articles.annotated"]), schemas.ANNOTATED_ARTICLE)
    assert {record["article_id"] for record in annotated} == set(expected_ids)
    assert offsets["committed"] == offsets["end"], "offsets are committed up to the end once everything is durable"


def test_stream_waits_out_a_broker_outage_and_resumes(tmp_path, free_port_pair):
    """Stop the broker for OUTAGE_SECONDS once the first window file exists, start it again with the same data
    and ports; the stream's --until-idle is shorter than the outage."""
    port, controller_port = free_port_pair
    broker = LocalKafka(home=tmp_path / "kafka", port=port, controller_port=controller_port)
    broker.up()
    try:
        topics = {topic: topic for topic in DEFAULT_TOPICS}
        articles = real_articles(60)
        before, during, after = articles[:30], articles[30:40], articles[40:]
        produce_keyed(broker.bootstrap, topics["articles.raw"], before)
        output, log = tmp_path / "out", tmp_path / "stream.log"
        command = stream_command(broker.bootstrap, topics, output, "fault-outage",
                                 "--until-idle", str(OUTAGE_UNTIL_IDLE_SECONDS))
        stream = start_stream(command, log)
        try:
            wait_until(lambda: avro_files(output), 400, "the first Avro file", stream, log)
            # Records in flight when the broker goes: read, being annotated, published or committed.
            produce_keyed(broker.bootstrap, topics["articles.raw"], during)
            time.sleep(1)
            broker.down()
            outage_ends = time.monotonic() + OUTAGE_SECONDS
            while time.monotonic() < outage_ends:
                assert stream.poll() is None, f"the stream exited while the broker was down\n{tail(log, 80)}"
                time.sleep(0.5)
            broker.up()
            assert stream.poll() is None, f"the stream exited while the broker was down\n{tail(log, 80)}"
            produce_keyed(broker.bootstrap, topics["articles.raw"], after)
            finish(stream, 400, log)
        finally:
            if stream.poll() is None:
                kill_group(stream)

        _assert_exactly_once(output, broker.bootstrap, topics, "fault-outage", {article_id(a) for a in articles})
        summary = json.loads((output / "_summary.json").read_text())
        assert summary["balanced"] and summary["annotated"] == len(articles), summary
        assert summary["articles_in"] == summary["annotated"] + summary["duplicates"] + summary["replays"], summary
    finally:
        broker.down()


def test_stream_killed_at_random_points_restarts_without_loss_or_duplicates(kafka_broker, fresh_topics, tmp_path):
    """SIGKILL the whole process group (runner and workers) three times at seeded random moments while it works.

    Articles arrive in waves: one before each run starts, a bigger one once the run has published its
    first article. The kill then comes either 0.5-4 s later (records being read, annotated, published
    or written: the wave takes some 3 s to annotate, and a window's offsets are committed some 2-7 s
    after its records are read: 5 s windows, 2 s watermark lag), or 0-0.3 s
    after the next window file appears (written, offsets maybe not yet committed, so the restart reads
    them again and must recognise them in the output folder). Each restart uses the same consumer group
    and output folder; before the last run, which ends by itself, a few articles are sent again.
    """
    seed = int(os.environ.get("EVENTWIRE_FAULT_SEED", "5"))
    rng = random.Random(seed)
    bootstrap, raw_topic = kafka_broker.bootstrap, fresh_topics["articles.raw"]
    annotated_total = lambda: sum(end_offsets(bootstrap, fresh_topics["articles.annotated"]).values())  # noqa: E731
    articles = real_articles(200)
    sizes = [30, 40, 30, 40, 20, 40]
    waves = [articles[sum(sizes[:i]):sum(sizes[:i + 1])] for i in range(len(sizes))]
    output, group = tmp_path / "out", "fault-kill"
    triggers = ["while_working", "after_file", rng.choice(["while_working", "after_file"])]
    rng.shuffle(triggers)
    kills = []
    for run, trigger in enumerate(triggers):
        log = tmp_path / f"stream-{run}.log"
        produce_keyed(bootstrap, raw_topic, waves[2 * run])
        published_before = annotated_total()
        stream = start_stream(stream_command(bootstrap, fresh_topics, output, group, "--until-idle", "60"), log)
        try:
            waited = wait_until(lambda: annotated_total() > published_before, 400,
                                f"run {run} to publish its first article", stream, log, interval=1.0)
            files_before = set(avro_files(output))
            produce_keyed(bootstrap, raw_topic, waves[2 * run + 1])
            if trigger == "after_file":
                wait_until(lambda: set(avro_files(output)) - files_before, 300, f"run {run} to write a window file",
                           stream, log, interval=0.05)
                delay = rng.uniform(0.0, 0.3)
            else:
                delay = rng.uniform(0.5, 4.0)
            time.sleep(delay)
            assert stream.poll() is None, f"run {run} ended before it could be killed\n{tail(log)}"
        finally:
            kill_group(stream)
        committed = committed_offsets(bootstrap, raw_topic, group)
        records = avro_records(output)
        kills.append({
            "run": run, "trigger": trigger, "seconds_to_first_publish": round(waited, 1), "delay": round(delay, 2),
            "avro_records": len(records),
            "uncommitted": sum(committed["end"].values()) - sum(committed["committed"].values()),
            "written_uncommitted": sum(record["origin"]["offset"] >= committed["committed"][record["origin"]["partition"]]
                                       for record in records),
        })
    print(f"seed {seed}, kills: {kills}")
    assert any(kill["uncommitted"] > 0 for kill in kills), f"no kill landed with work in flight: {kills}"

    resent = rng.sample(articles[:50], 5)  # genuine duplicates on top of any replay after a kill
    produce_keyed(bootstrap, raw_topic, resent)
    log = tmp_path / "stream-final.log"
    final = start_stream(stream_command(bootstrap, fresh_topics, output, group, "--until-idle", "10"), log)
    finish(final, 400, log)

    try:
        _assert_exactly_once(output, bootstrap, fresh_topics, group, {article_id(a) for a in articles})
    except AssertionError as error:
        raise AssertionError(f"seed {seed}, kills {kills}: {error}") from None
    assert read_topic(bootstrap, fresh_topics["articles.dlq"]) == []
    summary = json.loads((output / "_summary.json").read_text())
    # The resent articles were written by earlier runs, so this run counts them as replays.
    assert summary["balanced"] and summary["dead_lettered"] == 0, summary
    assert summary["duplicates"] + summary["replays"] >= len(resent), summary


def test_thousands_of_generated_bad_inputs_are_dead_lettered_with_their_reason(kafka_broker, fresh_topics, tmp_path):
    """Bad payloads of many kinds (see tests/integration/faults.py) mixed with real articles, through the real stream.

    The expected reason of each payload is what `parse_article` says for it under the limits the
    stream runs with; every payload is traced by its partition and offset to its dead letter.
    """
    bad_count = int(os.environ.get("EVENTWIRE_FAULT_BAD_COUNT", "2000"))
    seed = int(os.environ.get("EVENTWIRE_FAULT_SEED", "5"))
    rng = random.Random(seed)
    # Smaller limits than the defaults, so that "huge" inputs stay cheap for the broker and the test.
    limits = Limits(max_message_bytes=50_000, max_body_chars=20_000, languages=("en",))
    bad = bad_batch(rng, bad_count, limits)
    good = real_articles(40)
    assert all(expected_reason(article, limits) is None for article in good)
    batch = [(payload, reason) for _, payload, reason in bad] + [(article, None) for article in good]
    rng.shuffle(batch)

    bootstrap = kafka_broker.bootstrap
    positions = produce_keyed(bootstrap, fresh_topics["articles.raw"], [payload for payload, _ in batch])
    sent = dict(zip(positions, batch))
    output, log = tmp_path / "out", tmp_path / "stream.log"
    stream = start_stream(stream_command(bootstrap, fresh_topics, output, "fault-bad-input", "--until-idle", "15",
                                         "--max-message-bytes", str(limits.max_message_bytes),
                                         "--max-body-chars", str(limits.max_body_chars), "--languages", "en"), log)
    finish(stream, 600, log)

    expected_reasons = Counter(reason for _, _, reason in bad)
    dead = decoded_topic(read_topic(bootstrap, fresh_topics["articles.dlq"]), schemas.DEAD_LETTER)
    by_position = Counter((letter["partition"], letter["offset"]) for letter in dead)
    assert all(n == 1 for n in by_position.values()), "a payload was dead-lettered twice"
    wrong = []
    for letter in dead:
        payload, reason = sent[(letter["partition"], letter["offset"])]
        kept = letter["payload"]  # cut to fit the DLQ's message limit, and flagged
        if (letter["reason"], letter["stage"], kept, letter["topic"], letter["payload_truncated"], letter["payload_bytes"]) != (
                reason, "parse", payload[:len(kept)], fresh_topics["articles.raw"], len(kept) < len(payload), len(payload)):
            wrong.append((letter["partition"], letter["offset"], letter["reason"], reason, payload[:80]))
    assert not wrong, f"{len(wrong)} dead letters differ from parse_article, e.g. {wrong[:5]}"
    assert Counter(letter["reason"] for letter in dead) == expected_reasons
    assert all(letter["error"] for letter in dead), "every dead letter says what was wrong"

    _assert_exactly_once(output, bootstrap, fresh_topics, "fault-bad-input", {article_id(a) for a in good})
    summary = json.loads((output / "_summary.json").read_text())
    assert summary["articles_in"] == len(batch) == summary["annotated"] + summary["dead_lettered"] + summary["duplicates"]
    assert (summary["annotated"], summary["dead_lettered"], summary["duplicates"]) == (len(good), bad_count, 0)
    assert summary["dead_letters_by_reason"] == dict(expected_reasons) and summary["balanced"], summary
