"""GroupLease: one eventwire stream per consumer group, or a clear refusal to start.

The stream reads its partitions with `assign()` (a splittable DoFn per partition, offsets committed by
the pipeline), so Kafka's group membership never sees it, and a second `eventwire stream` on the same
group used to read every partition again: every article annotated and published twice, commits racing.
Sharing partitions between instances would need the reader to follow rebalances inside a running Beam
job; refusing is the decision (README "One stream per consumer group"): to use more machines, run one stream on a runner with
several workers (Flink), not several streams.

The lease is ordinary Kafka group membership: a consumer in the group `<consumer group>.lease`, subscribed
to the input topic with every partition paused (it never fetches or commits), kept alive by a thread
that polls. Another instance finds a live member there and refuses (after waiting out the session timeout, in case the
member is a stream that was killed and has not yet expired); two instances started in the same instant
both see two members, and both refuse rather than risk doubling.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time

from kafka import ConsumerRebalanceListener, KafkaConsumer
from kafka.admin import KafkaAdminClient
from kafka.errors import KafkaError

from pipelines.io.kafka_config import KafkaConfig

LOG = logging.getLogger(__name__)
LEASE_SUFFIX = ".lease"
_JOIN_TIMEOUT_SECONDS = 30.0
SESSION_TIMEOUT_MS = 6000
"""The broker's smallest session timeout by default (group.min.session.timeout.ms): a killed stream's lease expires
this soon, so a restart right after a crash waits at most this long instead of being refused."""


class ConsumerGroupInUse(RuntimeError):
    """Another eventwire stream holds the consumer group."""


def lease_group(consumer_group: str) -> str:
    return consumer_group + LEASE_SUFFIX


class _PauseEverything(ConsumerRebalanceListener):
    def __init__(self, consumer_ref: list):
        self._consumer_ref = consumer_ref

    def on_partitions_revoked(self, revoked):
        pass

    def on_partitions_assigned(self, assigned):
        self._consumer_ref[0].pause(*assigned)


class GroupLease:
    """Held for the life of a stream (a context manager); raises ConsumerGroupInUse when another holds it."""

    def __init__(self, config: KafkaConfig, consumer_group: str, topic: str):
        self._config, self._group, self._topic = config, lease_group(consumer_group), topic
        self._consumer_group = consumer_group
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._consumer: KafkaConsumer | None = None

    def _members(self) -> list[dict]:
        """The lease group's live members; retried while the broker has no group coordinator yet (a new broker
        creates its offsets topic on first use)."""
        admin = KafkaAdminClient(**self._config.client_kwargs())
        deadline = time.monotonic() + _JOIN_TIMEOUT_SECONDS
        try:
            while True:
                try:
                    return admin.describe_groups([self._group])[self._group]["members"]
                except KafkaError as error:
                    if not error.retriable or time.monotonic() > deadline:
                        raise
                    time.sleep(0.5)
        finally:
            admin.close()

    def _refuse(self, members: list[dict]) -> ConsumerGroupInUse:
        holders = ", ".join(sorted(member["client_id"] for member in members)) or "another instance"
        return ConsumerGroupInUse(
            f"consumer group '{self._consumer_group}' is already read by another eventwire stream ({holders}); "
            "stop it first, or pass a different --consumer-group")

    def _wait_for_departed(self) -> list[dict]:
        """The members still there after a stream killed without leaving (SIGKILL, power loss) has expired: a
        member that stops heartbeating is removed after the session timeout; a live one stays."""
        deadline = time.monotonic() + SESSION_TIMEOUT_MS / 1000 + 4
        members = self._members()
        if members:
            LOG.info("consumer group %s has a lease holder; waiting up to %.0f s in case it is a stream that died",
                     self._consumer_group, deadline - time.monotonic())
        while members and time.monotonic() < deadline:
            time.sleep(1)
            members = self._members()
        return members

    def __enter__(self) -> "GroupLease":
        others = self._wait_for_departed()
        if others:
            raise self._refuse(others)
        holder = [None]
        self._consumer = holder[0] = KafkaConsumer(
            group_id=self._group, enable_auto_commit=False, session_timeout_ms=SESSION_TIMEOUT_MS,
            heartbeat_interval_ms=SESSION_TIMEOUT_MS // 3, client_id=f"eventwire-stream@{socket.gethostname()}:{os.getpid()}",
            reconnect_backoff_max_ms=1000, **self._config.client_kwargs())
        self._consumer.subscribe([self._topic], listener=_PauseEverything(holder))
        deadline = time.monotonic() + _JOIN_TIMEOUT_SECONDS
        while not self._consumer.assignment() and time.monotonic() < deadline:
            self._consumer.poll(timeout_ms=200)
        members = self._members()
        if len(members) > 1:
            self._consumer.close()
            raise self._refuse([m for m in members if m["client_id"] != self._consumer.config["client_id"]] or members)
        self._thread = threading.Thread(target=self._keep_alive, name="eventwire-group-lease", daemon=True)
        self._thread.start()
        return self

    def _keep_alive(self) -> None:
        while not self._stop.is_set():
            try:
                self._consumer.poll(timeout_ms=500)
            except Exception as error:  # noqa: BLE001 - a broker outage must not end the stream; the lease rejoins
                LOG.debug("group lease poll: %s", error)
                time.sleep(1)

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._consumer is not None:
            self._consumer.close()
