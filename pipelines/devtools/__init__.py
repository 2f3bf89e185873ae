"""Development tools, not used by a production deployment: the local Kafka broker for demos and tests, and
the per-stage timing log that the latency benchmark reads (inert unless EVENTWIRE_STAGE_LOG is set)."""
