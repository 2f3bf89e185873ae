"""How records become Kafka messages: key, Avro single-object value, and a header naming the schema."""

from __future__ import annotations

from pipelines import schemas


def avro_message(schema_name: str, key_field: str | None):
    """A function turning (receipt, record) into (key, value, headers) for `PublishToKafka`."""
    header = [(schemas.SCHEMA_HEADER, schemas.full_name(schema_name).encode())]

    def to_message(tracked):
        _, record = tracked
        key = record[key_field].encode() if key_field else None
        return key, schemas.encode_single_object(record, schema_name), header

    return to_message
