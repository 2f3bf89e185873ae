# syntax=docker/dockerfile:1
# The two eventwire images that docker-compose.yml builds from this checkout:
#   flink      the Flink job manager and task managers: Beam's Python SDK image (Python, the
#              SDK harness launcher /opt/apache/beam/boot) plus eventwire, with Java and the
#              Flink distribution copied from the official Flink image. A task manager starts
#              the pipeline's Python workers itself (Beam's PROCESS environment), so every
#              task manager has its own and `docker compose up --scale flink-taskmanager=N`
#              works; see the header of docker-compose.yml for why not a worker-pool sidecar.
#   submitter  runs `eventwire stream` to submit the pipeline to Flink.
# Both install the same pins (constraints.txt) on the same Python minor, so DoFns pickled by
# the submitter unpickle on the workers. The install is editable (-e) so code that finds
# files relative to the checkout (schemas/) sees the same layout as in development.
# /data/output (the Avro output, shared by workers and submitter) and /data/flink-checkpoints
# exist in both images owned by uid 9999 (Flink's `flink` user, which runs the Flink
# processes and so the Python workers), so the named volumes mounted there start writable.

ARG BEAM_SDK_IMAGE=apache/beam_python3.11_sdk:2.77.0
ARG PYTHON_IMAGE=python:3.11-slim
ARG FLINK_IMAGE=flink:1.20.4-scala_2.12-java17

FROM ${FLINK_IMAGE} AS flink-dist

FROM ${BEAM_SDK_IMAGE} AS flink
ENV JAVA_HOME=/opt/java/openjdk \
    FLINK_HOME=/opt/flink
ENV PATH=${JAVA_HOME}/bin:${FLINK_HOME}/bin:${PATH}
# gettext-base: Flink's entrypoint passes every FLINK_PROPERTIES value through envsubst.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext-base \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 9999 flink \
    && useradd --system --home-dir /opt/flink --uid 9999 --gid flink flink \
    && mkdir -p /data/output /data/flink-checkpoints \
    && chown flink:flink /data/output /data/flink-checkpoints
COPY --from=flink-dist /opt/java/openjdk /opt/java/openjdk
COPY --from=flink-dist --chown=flink:flink /opt/flink /opt/flink
COPY --from=flink-dist /usr/local/bin/gosu /usr/local/bin/gosu
COPY --from=flink-dist /docker-entrypoint.sh /docker-entrypoint.sh
WORKDIR /opt/eventwire
COPY pyproject.toml constraints.txt ./
COPY schemas ./schemas
COPY pipelines ./pipelines
RUN pip install --no-cache-dir -c constraints.txt -e .
# The SDK harness runs as the flink user, which cannot create boot's default virtual
# environment under /opt/apache; eventwire and its pins are in the image's own Python anyway.
# jemalloc (which Flink's entrypoint preloads when present) is not installed: the pipeline
# keeps its state on the heap (Flink's default hashmap backend), not in RocksDB.
ENV RUN_PYTHON_SDK_IN_DEFAULT_ENVIRONMENT=1 \
    DISABLE_JEMALLOC=true
WORKDIR /opt/flink
ENTRYPOINT ["/docker-entrypoint.sh"]
CMD ["help"]

FROM ${PYTHON_IMAGE} AS submitter
ARG FLINK_VERSION=1.20
RUN mkdir -p /data/output && chown 9999:9999 /data/output
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
