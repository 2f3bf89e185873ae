"""How records become Kafka messages: key, Avro single-object value, and a header naming the schema."""

from __future__ import annotations

from pipelines import schemas


def avro_message(schema_name: str, key_field: str | None, tracked: bool = True):
    """A function turning a record, or a (receipt, record) pair, into (key, value, headers) for `PublishToKafka`."""
    header = [(schemas.SCHEMA_HEADER, schemas.full_name(schema_name).encode())]

    def to_message(element):
        record = element[1] if tracked else element
        key = record[key_field].encode() if key_field else None
        return key, schemas.encode_single_object(record, schema_name), header

    return to_message
