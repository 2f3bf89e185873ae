"""Probes: one-off measurements of what another component would buy, kept so their figures can be re-run."""
