"""Kafka security settings reach every client from options or environment, and never print a secret."""

import io
import logging

from pipelines.io.kafka_config import KafkaConfig
from pipelines.options import EventwireOptions

SECRET = "s3cr3t-pa55"


def test_sasl_and_tls_settings_pass_through_from_options_and_environment(monkeypatch):
    monkeypatch.setenv("EVENTWIRE_KAFKA_SASL_PASSWORD", SECRET)
    monkeypatch.setenv("EVENTWIRE_KAFKA_SSL_CAFILE", "/etc/ca.pem")
    options = EventwireOptions(["--bootstrap-servers", "b1:9093,b2:9093", "--security-protocol", "SASL_SSL",
                                "--sasl-mechanism", "SCRAM-SHA-512", "--sasl-username", "eventwire"])
    kwargs = options.kafka_config().client_kwargs()
    assert kwargs == {"bootstrap_servers": ["b1:9093", "b2:9093"], "security_protocol": "SASL_SSL",
                      "sasl_mechanism": "SCRAM-SHA-512", "sasl_plain_username": "eventwire",
                      "sasl_plain_password": SECRET, "ssl_cafile": "/etc/ca.pem"}


def test_explicit_settings_win_over_the_environment(monkeypatch):
    monkeypatch.setenv("EVENTWIRE_KAFKA_BOOTSTRAP_SERVERS", "env:9092")
    assert KafkaConfig.from_settings(bootstrap_servers="flag:9092").bootstrap_servers == "flag:9092"
    assert KafkaConfig.from_settings().bootstrap_servers == "env:9092"


def test_the_password_never_appears_in_repr_or_logs():
    config = KafkaConfig(sasl_username="eventwire", sasl_password=SECRET)
    written = io.StringIO()
    logger = logging.getLogger("eventwire.test")
    logger.addHandler(logging.StreamHandler(written))
    logger.warning("connecting with %s", config)
    assert "eventwire" in written.getvalue()
    assert SECRET not in repr(config) and SECRET not in str(config) and SECRET not in written.getvalue()
