"""eventwire: a streaming news-event coder (Kafka -> Beam -> spaCy -> Avro)."""

__version__ = "0.1.0"
