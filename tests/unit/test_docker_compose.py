"""docker-compose.yml cannot run here (no Docker engine), so its wiring is checked by reading it:
the services exist, images are pinned, versions that must agree do agree, the submitter runs
`eventwire stream` on the FlinkRunner against the services it depends on, and the deployment
does not lose work: output and checkpoints on shared volumes, checkpointing with a restart
strategy, Python workers in every task manager, healthchecks, and Kafka settings the code reads."""

from __future__ import annotations

import json
import re
from dataclasses import fields
from pathlib import Path

import apache_beam
import pytest
import yaml
from apache_beam.options.pipeline_options import FlinkRunnerOptions, PipelineOptions, PortableOptions
from apache_beam.runners.portability.flink_runner import FlinkRunner
from apache_beam.transforms.environments import ProcessEnvironment

from pipelines.devtools.local_kafka import DEFAULT_TOPICS
from pipelines.io.kafka_config import ENV_PREFIX, KafkaConfig
from pipelines.options import EventwireOptions

REPO_ROOT = Path(__file__).resolve().parents[2]
EXPECTED_SERVICES = {
    "kafka",
    "kafka-init",
    "flink-jobmanager",
    "flink-taskmanager",
    "eventwire-submitter",
}
BEAM_BOOT = "/opt/apache/beam/boot"


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


@pytest.fixture(scope="module")
def dockerfile() -> str:
    return (REPO_ROOT / "Dockerfile").read_text()


@pytest.fixture(scope="module")
def dockerfile_arg_defaults(dockerfile) -> dict[str, str]:
    return dict(re.findall(r"^ARG (\w+)=(\S+)$", dockerfile, flags=re.MULTILINE))


def option_value(command: list[str], option: str) -> str:
    """The value of `--option value` or `--option=value`."""
    for index, arg in enumerate(command):
        if arg == option:
            return command[index + 1]
        if arg.startswith(option + "="):
            return arg.partition("=")[2]
    raise AssertionError(f"{option} is not in {command}")


def stream_args(services: dict) -> list[str]:
    command = services["eventwire-submitter"]["command"]
    assert command[:2] == ["eventwire", "stream"]
    return command[2:]


def flink_properties(service: dict) -> dict[str, str]:
    """FLINK_PROPERTIES as Flink's docker-entrypoint.sh reads it: blanks dropped, split at the first colon."""
    properties = {}
    for line in service["environment"]["FLINK_PROPERTIES"].splitlines():
        line = re.sub(r"\s", "", line)
        if line:
            key, _, value = line.partition(":")
            properties[key] = value
    return properties


def named_volume_mounts(service: dict) -> dict[str, str]:
    """target path -> named volume, for `volume:/path[:mode]` entries."""
    mounts = {}
    for entry in service.get("volumes", []):
        source, target = entry.split(":")[:2]
        if not source.startswith((".", "/", "~")):
            mounts[target] = source
    return mounts


def mount_holding(service: dict, path: str) -> tuple[str, str] | None:
    """(volume, target) of the named volume under which `path` lies in `service`, if any."""
    for target, volume in named_volume_mounts(service).items():
        if path == target or path.startswith(target.rstrip("/") + "/"):
            return volume, target
    return None


def dockerfile_stage(dockerfile: str, name: str) -> str:
    match = re.search(rf"^FROM \S+ AS {name}$(.*?)(?=^FROM |\Z)", dockerfile, flags=re.MULTILINE | re.DOTALL)
    assert match, f"Dockerfile has no stage {name}"
    return match.group(0)


def seconds(duration: str) -> float:
    match = re.fullmatch(r"(\d+)(ms|s|min|h)", duration)
    assert match, f"unexpected duration {duration!r}"
    return int(match.group(1)) * {"ms": 0.001, "s": 1, "min": 60, "h": 3600}[match.group(2)]


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
    """The task managers run the pipeline's Python code on Beam's SDK image of the pinned release."""
    compose_image = services["flink-taskmanager"]["build"]["args"]["BEAM_SDK_IMAGE"]
    assert compose_image == dockerfile_arg_defaults["BEAM_SDK_IMAGE"]
    repository, tag = compose_image.split(":")
    assert re.fullmatch(r"apache/beam_python3\.\d+_sdk", repository)
    assert tag == apache_beam.__version__


def test_workers_and_submitter_share_a_python_minor(services, dockerfile_arg_defaults):
    """DoFns pickled by the submitter must unpickle on the workers."""
    sdk_image = services["flink-taskmanager"]["build"]["args"]["BEAM_SDK_IMAGE"]
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
    assert jobmanager["build"] == taskmanager["build"]
    assert jobmanager["build"]["target"] == "flink"
    assert jobmanager["command"] == "jobmanager"
    assert taskmanager["command"] == "taskmanager"
    assert jobmanager["ports"] == ["127.0.0.1:8081:8081"]
    assert taskmanager["environment"]["JOB_MANAGER_RPC_ADDRESS"] == "flink-jobmanager"
    assert taskmanager["depends_on"]["flink-jobmanager"]["condition"] == "service_healthy"


def test_every_taskmanager_runs_its_own_python_workers(services, dockerfile):
    """`--scale flink-taskmanager=N` must give N complete task managers. An EXTERNAL worker pool has
    to share its task manager's network namespace, which compose gives to one replica only; with
    Beam's PROCESS environment each task manager starts the SDK harness in its own container."""
    args = stream_args(services)
    assert option_value(args, "--environment_type") == "PROCESS"
    environment = ProcessEnvironment.from_options(PipelineOptions(args).view_as(PortableOptions))
    assert environment.command == BEAM_BOOT
    # The task-manager image is Beam's SDK image (Python, eventwire and the boot launcher) plus Flink.
    flink_stage = dockerfile_stage(dockerfile, "flink")
    assert flink_stage.startswith("FROM ${BEAM_SDK_IMAGE} AS flink")
    assert "COPY --from=flink-dist /opt/flink /opt/flink" in flink_stage.replace("--chown=flink:flink ", "")
    assert "pip install" in flink_stage
    assert re.search(r"^FROM \$\{FLINK_IMAGE\} AS flink-dist$", dockerfile, flags=re.MULTILINE)
    taskmanager = services["flink-taskmanager"]
    for pinned in ("container_name", "hostname", "ports", "network_mode"):
        assert pinned not in taskmanager, f"flink-taskmanager sets {pinned}, so it cannot be scaled"
    for name, service in services.items():
        assert not str(service.get("network_mode", "")).startswith("service:"), f"{name} is a one-replica sidecar"


def test_output_is_one_shared_volume(compose, services, dockerfile):
    """Avro files must outlive containers, and Deduplicate on every worker must see every file."""
    args = stream_args(services)
    output = EventwireOptions(args).view_as(EventwireOptions).output
    assert output == option_value(args, "--output")
    assert output.startswith("/")
    writers = {"flink-taskmanager", "eventwire-submitter"}
    mounts = {name: mount_holding(services[name], output) for name in writers}
    assert all(mounts.values()), f"--output {output} is not on a named volume in {mounts}"
    assert len(set(mounts.values())) == 1, f"not one volume at one path: {mounts}"
    volume, target = next(iter(mounts.values()))
    assert volume in compose["volumes"]
    # Both images create the mount point owned by the flink user, so a new volume starts writable.
    for stage in ("flink", "submitter"):
        assert target in dockerfile_stage(dockerfile, stage)


def test_checkpointing_with_a_restart_strategy(services):
    """Without checkpointing Flink does not restart a failed job: the first failed bundle ended it."""
    args = stream_args(services)
    interval_ms = int(option_value(args, "--checkpointing_interval"))
    assert interval_ms > 0
    # Beam's Python SDK does not know the option; with --flink_submit_uber_jar it reaches the runner.
    handle = FlinkRunner().create_job_service(PipelineOptions(args))
    assert handle.get_pipeline_options()["beam:option:checkpointing_interval:v1"] == str(interval_ms)

    jobmanager, taskmanager = services["flink-jobmanager"], services["flink-taskmanager"]
    properties = flink_properties(jobmanager)
    assert flink_properties(taskmanager) == properties
    assert seconds(properties["execution.checkpointing.interval"]) * 1000 == interval_ms
    assert properties["restart-strategy.type"] in {"exponential-delay", "fixed-delay", "failure-rate"}
    assert properties["execution.checkpointing.externalized-checkpoint-retention"] == "RETAIN_ON_CANCELLATION"
    checkpoints = properties["execution.checkpointing.dir"]
    assert checkpoints.startswith("file:///")
    path = checkpoints.removeprefix("file://")
    shared = {name: mount_holding(services[name], path) for name in ("flink-jobmanager", "flink-taskmanager")}
    assert all(shared.values()), f"checkpoint dir {path} is not on a named volume in {shared}"
    assert len(set(shared.values())) == 1, f"job manager and task managers see different checkpoints: {shared}"
    assert properties["execution.checkpointing.savepoint-dir"].startswith(checkpoints)


def one_shot_services(services: dict) -> set[str]:
    return {
        dependency
        for service in services.values()
        for dependency, spec in service.get("depends_on", {}).items()
        if spec.get("condition") == "service_completed_successfully"
    }


def test_long_running_services_have_healthchecks(services):
    one_shot = one_shot_services(services)
    assert one_shot == {"kafka-init"}
    for name, service in services.items():
        if name not in one_shot:
            healthcheck = service.get("healthcheck", {})
            assert not healthcheck.get("disable"), name
            assert healthcheck.get("test", [None])[0] in {"CMD", "CMD-SHELL"}, f"{name} has no healthcheck"
    # Services wait for what they need to be healthy, not merely started.
    for name, service in services.items():
        for dependency, spec in service.get("depends_on", {}).items():
            expected = "service_completed_successfully" if dependency in one_shot else "service_healthy"
            assert spec["condition"] == expected, f"{name} -> {dependency}"


def test_long_running_services_restart_except_the_submitter(services):
    """A second submit would start a second job; Flink's restart strategy covers job failures."""
    for name in set(services) - one_shot_services(services) - {"eventwire-submitter"}:
        assert services[name].get("restart") == "unless-stopped", name
    assert "restart" not in services["eventwire-submitter"]


def test_environment_variables_are_ones_the_code_reads(services, monkeypatch):
    sources = "\n".join(path.read_text() for path in (REPO_ROOT / "pipelines").rglob("*.py"))
    kafka_settings = {ENV_PREFIX + spec.name.upper() for spec in fields(KafkaConfig)}
    for name, service in services.items():
        for variable in service.get("environment", {}):
            if variable.startswith("EVENTWIRE_"):
                assert variable in kafka_settings or variable in sources, f"{name}: {variable} is never read"
    environment = services["eventwire-submitter"]["environment"]
    assert environment["EVENTWIRE_KAFKA_BOOTSTRAP_SERVERS"] == "kafka:19092"
    for variable in kafka_settings:
        monkeypatch.delenv(variable, raising=False)
    for variable, value in environment.items():
        monkeypatch.setenv(variable, str(value))
    options = EventwireOptions(stream_args(services)).view_as(EventwireOptions)
    assert options.kafka_config().bootstrap_servers == "kafka:19092"


def test_submitter_runs_eventwire_stream_on_flink(services):
    submitter = services["eventwire-submitter"]
    args = stream_args(services)
    assert option_value(args, "--runner") == "FlinkRunner"
    assert option_value(args, "--flink_master") == "flink-jobmanager:8081"
    assert "--flink_submit_uber_jar" in args
    assert submitter["build"]["target"] == "submitter"
    assert submitter["depends_on"] == {
        "kafka-init": {"condition": "service_completed_successfully"},
        "flink-jobmanager": {"condition": "service_healthy"},
        "flink-taskmanager": {"condition": "service_healthy"},
    }


def test_flink_versions_agree(services, dockerfile_arg_defaults):
    """Beam's job-server jar must be built for the cluster's Flink minor."""
    flink_image = services["flink-jobmanager"]["build"]["args"]["FLINK_IMAGE"]
    assert flink_image == dockerfile_arg_defaults["FLINK_IMAGE"]
    cluster_minor = flink_minor(flink_image)
    submitter = services["eventwire-submitter"]
    assert option_value(submitter["command"], "--flink_version") == cluster_minor
    assert submitter["build"]["args"]["FLINK_VERSION"] == cluster_minor
    assert dockerfile_arg_defaults["FLINK_VERSION"] == cluster_minor
    assert cluster_minor in FlinkRunnerOptions.PUBLISHED_FLINK_VERSIONS


def test_the_submitters_command_passes_the_clis_option_check(services):
    """The CLI rejects unknown options; the Flink runner's own (--checkpointing_interval=...) must still pass."""
    import click

    from pipelines.cli import beam_args, stream

    args = [arg for arg in stream_args(services) if arg not in ("--output", "/data/output")]
    context = click.Context(stream, allow_extra_args=True, ignore_unknown_options=True)
    context.args = args
    assert beam_args(context) == args
    context.args = ["--runner", "PrismRunner", "--checkpointing_interval=60000"]
    with pytest.raises(click.UsageError, match="no such option --checkpointing_interval"):
        beam_args(context)
