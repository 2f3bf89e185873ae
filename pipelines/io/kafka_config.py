"""Kafka connection settings shared by every client eventwire opens.

Security settings (TLS, SASL PLAIN/SCRAM) come from options or from EVENTWIRE_KAFKA_* environment
variables, so a password never has to be on a command line; `__repr__` hides it, so it cannot
reach a log or a dead letter.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields

ENV_PREFIX = "EVENTWIRE_KAFKA_"


@dataclass(frozen=True)
class KafkaConfig:
    bootstrap_servers: str = "127.0.0.1:9092"
    security_protocol: str = "PLAINTEXT"
    sasl_mechanism: str | None = None
    sasl_username: str | None = None
    sasl_password: str | None = field(default=None, repr=False)
    ssl_cafile: str | None = None
    ssl_certfile: str | None = None
    ssl_keyfile: str | None = None

    @classmethod
    def from_settings(cls, **settings) -> "KafkaConfig":
        """Explicit settings win; unset ones fall back to EVENTWIRE_KAFKA_<NAME> and then the default."""
        values = {}
        for spec in fields(cls):
            value = settings.get(spec.name)
            if value is None:
                value = os.environ.get(ENV_PREFIX + spec.name.upper())
            if value is not None:
                values[spec.name] = value
        return cls(**values)

    def client_kwargs(self) -> dict:
        """Keyword arguments accepted by every kafka-python client."""
        kwargs = {"bootstrap_servers": self.bootstrap_servers.split(","), "security_protocol": self.security_protocol}
        optional = {
            "sasl_mechanism": self.sasl_mechanism,
            "sasl_plain_username": self.sasl_username,
            "sasl_plain_password": self.sasl_password,
            "ssl_cafile": self.ssl_cafile,
            "ssl_certfile": self.ssl_certfile,
            "ssl_keyfile": self.ssl_keyfile,
        }
        kwargs.update({name: value for name, value in optional.items() if value is not None})
        return kwargs
