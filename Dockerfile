# syntax=docker/dockerfile:1
# The two eventwire images that docker-compose.yml builds from this checkout:
#   worker     Beam's Python SDK image (run with --worker_pool beside the Flink task manager)
#              plus eventwire, so the pipeline's DoFns, spaCy and the model are importable
#              when Flink hands it bundles;
#   submitter  runs `eventwire stream` to submit the pipeline to Flink.
# Both install the same pins (constraints.txt) on the same Python minor, so DoFns pickled by
# the submitter unpickle on the worker. The install is editable (-e) so code that finds
# files relative to the checkout (schemas/) sees the same layout as in development.

ARG BEAM_SDK_IMAGE=apache/beam_python3.11_sdk:2.77.0
ARG PYTHON_IMAGE=python:3.11-slim

FROM ${BEAM_SDK_IMAGE} AS worker
WORKDIR /opt/eventwire
COPY pyproject.toml constraints.txt ./
COPY schemas ./schemas
COPY pipelines ./pipelines
RUN pip install --no-cache-dir -c constraints.txt -e .
# The entrypoint stays the SDK image's /opt/apache/beam/boot; compose passes --worker_pool.

FROM ${PYTHON_IMAGE} AS submitter
ARG FLINK_VERSION=1.20
WORKDIR /opt/eventwire
COPY pyproject.toml constraints.txt ./
COPY schemas ./schemas
COPY pipelines ./pipelines
RUN pip install --no-cache-dir -c constraints.txt -e .
# Beam packs the pipeline into its Flink job-server jar and posts that to Flink's REST API
# (--flink_submit_uber_jar), which needs no JVM here. Fetch the jar into Beam's jar cache
# now, with Beam's own resolver, so a submit never waits on (or fails at) a download.
RUN python -c "from apache_beam.utils.subprocess_server import JavaJarServer as jars; \
print(jars.local_jar(jars.path_to_beam_jar(':runners:flink:${FLINK_VERSION}:job-server:shadowJar')))"
CMD ["eventwire", "--help"]
