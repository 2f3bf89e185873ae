"""docker-compose.yml cannot run here (no Docker engine), so its wiring is checked by reading it:
the services exist, images are pinned, versions that must agree do agree, and the submitter
runs `eventwire stream` on the FlinkRunner against the services it depends on."""

from __future__ import annotations

import re
from pathlib import Path

import apache_beam
import pytest
import yaml
from apache_beam.options.pipeline_options import FlinkRunnerOptions

from pipelines.devtools.local_kafka import DEFAULT_TOPICS

REPO_ROOT = Path(__file__).resolve().parents[2]
EXPECTED_SERVICES = {
    "kafka",
    "kafka-init",
    "flink-jobmanager",
    "flink-taskmanager",
    "beam-python-worker-pool",
    "eventwire-submitter",
}


@pytest.fixture(scope="module")
def services() -> dict:
    return yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text())["services"]


@pytest.fixture(scope="module")
def dockerfile_arg_defaults() -> dict[str, str]:
    text = (REPO_ROOT / "Dockerfile").read_text()
    return dict(re.findall(r"^ARG (\w+)=(\S+)$", text, flags=re.MULTILINE))


def option_value(command: list[str], option: str) -> str:
    return command[command.index(option) + 1]


def flink_minor(image: str) -> str:
    match = re.fullmatch(r"flink:(\d+\.\d+)\.\d+-scala_2\.12-java\d+", image)
    assert match, f"Flink image {image!r} is not pinned to a patch release"
    return match.group(1)


def test_all_services_are_defined(services):
    assert set(services) == EXPECTED_SERVICES


def test_images_are_pinned(services, dockerfile_arg_defaults):
    images = [service["image"] for service in services.values()]
    images += [arg for name, arg in dockerfile_arg_defaults.items() if name.endswith("_IMAGE")]
    images += [
        value
        for service in services.values()
        for name, value in service.get("build", {}).get("args", {}).items()
        if name.endswith("_IMAGE")
    ]
    for image in images:
        _, _, tag = image.partition(":")
        assert tag and tag != "latest", f"{image} is not pinned"
        assert re.search(r"\d", tag), f"{image} has no version in its tag"


def test_beam_sdk_image_matches_installed_apache_beam(services, dockerfile_arg_defaults):
    compose_image = services["beam-python-worker-pool"]["build"]["args"]["BEAM_SDK_IMAGE"]
    assert compose_image == dockerfile_arg_defaults["BEAM_SDK_IMAGE"]
    repository, tag = compose_image.split(":")
    assert re.fullmatch(r"apache/beam_python3\.\d+_sdk", repository)
    assert tag == apache_beam.__version__


def test_worker_and_submitter_share_a_python_minor(services, dockerfile_arg_defaults):
    """DoFns pickled by the submitter must unpickle on the worker."""
    sdk_image = services["beam-python-worker-pool"]["build"]["args"]["BEAM_SDK_IMAGE"]
    submitter_image = services["eventwire-submitter"]["build"]["args"]["PYTHON_IMAGE"]
    assert submitter_image == dockerfile_arg_defaults["PYTHON_IMAGE"]
    sdk_python = re.search(r"beam_python(\d+\.\d+)_sdk", sdk_image).group(1)
    assert submitter_image.startswith(f"python:{sdk_python}-")


def test_kafka_serves_the_compose_network_and_the_host(services):
    kafka = services["kafka"]
    environment = kafka["environment"]
    assert kafka["image"].startswith("apache/kafka:")
    assert kafka["ports"] == ["127.0.0.1:9092:9092"]
    assert environment["KAFKA_PROCESS_ROLES"] == "broker,controller"
    assert "INTERNAL://kafka:19092" in environment["KAFKA_ADVERTISED_LISTENERS"]
    assert "HOST://127.0.0.1:9092" in environment["KAFKA_ADVERTISED_LISTENERS"]
    assert environment["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"
    assert "healthcheck" in kafka


def test_kafka_init_creates_the_default_topics(services):
    init = services["kafka-init"]
    script = "\n".join(init["command"])
    created = {topic: int(partitions) for topic, partitions in re.findall(r"^create_topic (\S+) (\d+)$", script, re.M)}
    assert created == DEFAULT_TOPICS
    assert init["image"] == services["kafka"]["image"]
    assert init["depends_on"]["kafka"]["condition"] == "service_healthy"


def test_flink_cluster_wiring(services):
    jobmanager, taskmanager = services["flink-jobmanager"], services["flink-taskmanager"]
    assert jobmanager["image"] == taskmanager["image"]
    assert jobmanager["command"] == "jobmanager"
    assert taskmanager["command"] == "taskmanager"
    assert jobmanager["ports"] == ["127.0.0.1:8081:8081"]
    assert taskmanager["environment"]["JOB_MANAGER_RPC_ADDRESS"] == "flink-jobmanager"
    assert taskmanager["depends_on"]["flink-jobmanager"]["condition"] == "service_healthy"


def test_worker_pool_runs_beside_the_taskmanager(services):
    pool = services["beam-python-worker-pool"]
    assert pool["command"] == ["--worker_pool"]
    assert pool["network_mode"] == "service:flink-taskmanager"
    assert pool["build"]["target"] == "worker"


def test_submitter_runs_eventwire_stream_on_flink(services):
    submitter = services["eventwire-submitter"]
    command = submitter["command"]
    assert command[:2] == ["eventwire", "stream"]
    assert option_value(command, "--runner") == "FlinkRunner"
    assert option_value(command, "--flink_master") == "flink-jobmanager:8081"
    assert option_value(command, "--environment_type") == "EXTERNAL"
    # The worker pool shares the task manager's network namespace, so it is on localhost there.
    assert option_value(command, "--environment_config") == "localhost:50000"
    assert option_value(command, "--bootstrap-servers") == "kafka:19092"
    assert submitter["environment"]["EVENTWIRE_BOOTSTRAP_SERVERS"] == "kafka:19092"
    assert submitter["build"]["target"] == "submitter"
    assert submitter["depends_on"] == {
        "kafka-init": {"condition": "service_completed_successfully"},
        "flink-jobmanager": {"condition": "service_healthy"},
        "beam-python-worker-pool": {"condition": "service_started"},
    }


def test_flink_versions_agree(services, dockerfile_arg_defaults):
    """Beam's job-server jar must be built for the cluster's Flink minor."""
    cluster_minor = flink_minor(services["flink-jobmanager"]["image"])
    submitter = services["eventwire-submitter"]
    assert option_value(submitter["command"], "--flink_version") == cluster_minor
    assert submitter["build"]["args"]["FLINK_VERSION"] == cluster_minor
    assert dockerfile_arg_defaults["FLINK_VERSION"] == cluster_minor
    assert cluster_minor in FlinkRunnerOptions.PUBLISHED_FLINK_VERSIONS
