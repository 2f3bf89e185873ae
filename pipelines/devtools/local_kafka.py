"""A real single-node KRaft Apache Kafka broker on 127.0.0.1 for development, demos and tests.

The broker runs from the jars that `make setup` copies from Maven Central
(org.apache.kafka:kafka_2.13), so every local run and integration test talks to real
Kafka rather than a mock. Use it as a library (`LocalKafka`) or from the shell:

    python -m pipelines.devtools.local_kafka {up,down,status} [--port 9092] [--controller-port 9093] [--home .kafka]
"""

from __future__ import annotations

import base64
import contextlib
import functools
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path

import click
from kafka import KafkaAdminClient
from kafka.errors import KafkaError

# Topic name -> partition count: the topics the pipelines read and write.
DEFAULT_TOPICS: dict[str, int] = {
    "articles.raw": 3,
    "articles.annotated": 1,
    "events": 1,
    "articles.dlq": 1,
}

REPO_ROOT = Path(__file__).resolve().parents[2]
LIBS_ENV_VAR = "EVENTWIRE_KAFKA_LIBS"
DEFAULT_LIBS = REPO_ROOT / ".cache" / "kafka-libs"

# A small heap: the machine also runs spaCy workers, and a dev broker holds little data.
JVM_OPTIONS = ["-Xms128m", "-Xmx512m", "-XX:+UseG1GC", "-Djava.awt.headless=true"]
BROKER_MAIN_CLASS = "kafka.Kafka"
NODE_ID = 1

LOG4J2_TEMPLATE = """\
status = warn
shutdownHook = disable
appender.server.type = RollingFile
appender.server.name = server
appender.server.fileName = {log_dir}/server.log
appender.server.filePattern = {log_dir}/server.log.%i
appender.server.layout.type = PatternLayout
appender.server.layout.pattern = [%d] %p %m (%c)%n
appender.server.policies.type = Policies
appender.server.policies.size.type = SizeBasedTriggeringPolicy
appender.server.policies.size.size = 20MB
appender.server.strategy.type = DefaultRolloverStrategy
appender.server.strategy.max = 3
rootLogger.level = info
rootLogger.appenderRef.server.ref = server
logger.kafka_request.name = kafka.request.logger
logger.kafka_request.level = warn
"""


class LocalKafkaError(RuntimeError):
    """The local broker could not be started, reached or stopped; the message says where to look."""


class LocalKafka:
    """One broker whose config, data, logs and pid file live under `home`.

    Several can run side by side (tests do) as long as each has its own home and ports.
    """

    def __init__(
        self,
        home: Path = Path(".kafka"),
        port: int = 9092,
        controller_port: int = 9093,
        libs: Path | None = None,
    ) -> None:
        self.home = Path(home).resolve()
        self.port = port
        self.controller_port = controller_port
        self.libs = Path(libs or os.environ.get(LIBS_ENV_VAR) or DEFAULT_LIBS).resolve()
        self.properties_file = self.home / "server.properties"
        self.log4j_file = self.home / "log4j2.properties"
        self.data_dir = self.home / "data"
        self.log_dir = self.home / "logs"
        self.server_log = self.log_dir / "server.log"
        self.console_log = self.log_dir / "console.log"
        self.pid_file = self.home / "kafka.pid"
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    def pid(self) -> int | None:
        """The broker's pid if it runs; a stale pid file (crash, reboot, reused pid) counts as none."""
        try:
            pid = int(self.pid_file.read_text())
        except (FileNotFoundError, ValueError):
            return None
        return pid if self._is_our_broker(pid) else None

    def is_up(self) -> bool:
        return self.pid() is not None and self._answers()

    def up(self, topics: Mapping[str, int] = DEFAULT_TOPICS, timeout: float = 60.0) -> bool:
        """Start the broker unless it runs, wait until it answers, create missing topics.

        Returns whether this call started the broker.
        """
        started = self.pid() is None
        if started:
            self._check_runtime()
            self._check_ports_free()
            self._write_config()
            self._format_storage_once()
            self._start()
        self._wait_until_answering(timeout)
        self.create_topics(topics)
        return started

    def down(self, timeout: float = 30.0) -> bool:
        """Stop the broker (SIGTERM, then SIGKILL after `timeout`); returns whether one was running."""
        pid = self.pid()
        if pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
            if not self._wait_for_exit(pid, timeout):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
                self._wait_for_exit(pid, 10.0)
        if self._process is not None:
            self._process.wait()
            self._process = None
        self.pid_file.unlink(missing_ok=True)
        return pid is not None

    def create_topics(self, topics: Mapping[str, int]) -> None:
        """Create the topics (name -> partitions) that do not exist yet, and wait until they have leaders."""
        with self._admin() as admin:
            existing = set(admin.list_topics())
            missing = {name: partitions for name, partitions in topics.items() if name not in existing}
            if missing:
                admin.create_topics(
                    {
                        name: {"num_partitions": partitions, "replication_factor": 1}
                        for name, partitions in missing.items()
                    },
                    wait_for_metadata=True,
                )

    def topic_partitions(self) -> dict[str, int]:
        """Partition count of every non-internal topic, by name."""
        with self._admin() as admin:
            return {
                topic["name"]: len(topic["partitions"])
                for topic in admin.describe_topics()
                if not topic["is_internal"]
            }

    @contextlib.contextmanager
    def _admin(self, bootstrap_timeout_ms: int = 10_000):
        admin = KafkaAdminClient(
            bootstrap_servers=self.bootstrap,
            client_id="eventwire-local-kafka",
            bootstrap_timeout_ms=bootstrap_timeout_ms,
        )
        try:
            yield admin
        finally:
            admin.close()

    def _answers(self) -> bool:
        try:
            with self._admin(bootstrap_timeout_ms=1_000) as admin:
                admin.describe_cluster()
        except KafkaError:
            return False
        return True

    def _is_our_broker(self, pid: int) -> bool:
        """Whether `pid` is a live broker started with this home's config (ps shows a zombie as `[java] <defunct>`)."""
        command_line = subprocess.run(
            ["ps", "-ww", "-o", "args=", "-p", str(pid)], capture_output=True, text=True, check=False
        ).stdout
        return BROKER_MAIN_CLASS in command_line and str(self.properties_file) in command_line

    def _wait_for_exit(self, pid: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while self._is_our_broker(pid):
            if time.monotonic() > deadline:
                return False
            time.sleep(0.2)
        return True

    def _check_runtime(self) -> None:
        if not any(self.libs.glob("kafka_2.13-*.jar")):
            raise LocalKafkaError(
                f"Kafka jars not found in {self.libs}: run `make setup` "
                f"(or point {LIBS_ENV_VAR} at a folder with the kafka_2.13 jars)"
            )
        slf4j_apis = sorted(jar.name for jar in self.libs.glob("slf4j-api-*.jar"))
        if len(slf4j_apis) > 1:
            # Which one the JVM loads is left to chance; with 1.7 the broker logs nothing.
            raise LocalKafkaError(
                f"{self.libs} holds several slf4j-api jars ({', '.join(slf4j_apis)}): "
                "empty it and run `make setup` again"
            )
        if shutil.which(self._java()) is None:
            raise LocalKafkaError("java not found: install a JDK 17+ or set JAVA_HOME")

    def _check_ports_free(self) -> None:
        for port in (self.port, self.controller_port):
            with socket.socket() as probe:
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                try:
                    probe.bind(("127.0.0.1", port))
                except OSError as error:
                    raise LocalKafkaError(
                        f"127.0.0.1:{port} is taken by another process ({error.strerror}); "
                        "choose free ports with --port/--controller-port"
                    ) from error

    def _write_config(self) -> None:
        """Rewritten on every start so changed ports apply; the data under data/ is kept."""
        self.log_dir.mkdir(parents=True, exist_ok=True)
        settings = {
            "process.roles": "broker,controller",
            "node.id": NODE_ID,
            "controller.quorum.voters": f"{NODE_ID}@127.0.0.1:{self.controller_port}",
            "listeners": f"PLAINTEXT://127.0.0.1:{self.port},CONTROLLER://127.0.0.1:{self.controller_port}",
            "advertised.listeners": f"PLAINTEXT://127.0.0.1:{self.port}",
            "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
            "controller.listener.names": "CONTROLLER",
            "inter.broker.listener.name": "PLAINTEXT",
            "log.dirs": self.data_dir,
            "offsets.topic.replication.factor": 1,
            "offsets.topic.num.partitions": 1,
            "transaction.state.log.replication.factor": 1,
            "transaction.state.log.min.isr": 1,
            "share.coordinator.state.topic.replication.factor": 1,
            "share.coordinator.state.topic.min.isr": 1,
            "group.initial.rebalance.delay.ms": 0,
            "auto.create.topics.enable": "false",
        }
        self.properties_file.write_text("".join(f"{key}={value}\n" for key, value in settings.items()))
        self.log4j_file.write_text(LOG4J2_TEMPLATE.format(log_dir=self.log_dir))

    def _format_storage_once(self) -> None:
        """Format data/ on first start only: formatting again would refuse or wipe the cluster id."""
        if (self.data_dir / "meta.properties").exists():
            return
        # A static controller.quorum.voters needs no --standalone/--initial-controllers flag
        # (Kafka 4.1 refuses those together with it) and survives a change of controller port.
        result = subprocess.run(
            self._java_command(
                "kafka.tools.StorageTool", "format", "-t", _new_cluster_id(), "-c", str(self.properties_file)
            ),
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise LocalKafkaError(f"formatting {self.data_dir} failed:\n{result.stdout}{result.stderr}")

    def _start(self) -> None:
        with open(self.console_log, "ab") as console:
            self._process = subprocess.Popen(
                self._java_command(BROKER_MAIN_CLASS, str(self.properties_file)),
                cwd=self.home,
                stdin=subprocess.DEVNULL,
                stdout=console,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # survives the shell or CLI that started it
            )
        self.pid_file.write_text(f"{self._process.pid}\n")

    def _wait_until_answering(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not self._answers():
            if self.pid() is None:
                raise LocalKafkaError(
                    f"the Kafka broker exited while starting; see {self.server_log} and {self.console_log}"
                    f"\n--- last lines of {self.server_log.name} ---\n{_tail(self.server_log)}"
                )
            if time.monotonic() > deadline:
                raise LocalKafkaError(
                    f"the Kafka broker (pid {self.pid()}) did not answer on {self.bootstrap} "
                    f"within {timeout:.0f}s; see {self.server_log}"
                )
            time.sleep(0.5)

    def _java(self) -> str:
        java_home = os.environ.get("JAVA_HOME")
        return str(Path(java_home) / "bin" / "java") if java_home else "java"

    def _java_command(self, main_class: str, *args: str) -> list[str]:
        return [
            self._java(),
            *JVM_OPTIONS,
            f"-Dlog4j2.configurationFile={self.log4j_file}",
            "-cp",
            f"{self.libs}/*",
            main_class,
            *args,
        ]


def _new_cluster_id() -> str:
    """Kafka's Uuid text form (URL-safe base64 of 16 random bytes); never starting with '-',
    which StorageTool would read as a flag."""
    while True:
        cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not cluster_id.startswith("-"):
            return cluster_id


def _tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except FileNotFoundError:
        return "(no log written)"


def _with_broker(command: Callable[[LocalKafka], None]) -> Callable[..., None]:
    """Adds the shared --port/--controller-port/--home options and turns them into a LocalKafka."""

    @click.option("--port", type=int, default=9092, show_default=True,
                  help="Client (PLAINTEXT) listener on 127.0.0.1.")
    @click.option("--controller-port", type=int, default=9093, show_default=True,
                  help="KRaft controller listener on 127.0.0.1.")
    @click.option("--home", type=click.Path(file_okay=False, path_type=Path), default=Path(".kafka"),
                  show_default=True, help="Folder for config, data, logs and pid file.")
    @functools.wraps(command)
    def run(port: int, controller_port: int, home: Path) -> None:
        try:
            command(LocalKafka(home=home, port=port, controller_port=controller_port))
        except LocalKafkaError as error:
            raise click.ClickException(str(error)) from error

    return run


@click.group()
def cli() -> None:
    """Run a local single-node Kafka broker (KRaft) for development, demos and tests."""


@cli.command()
@_with_broker
def up(broker: LocalKafka) -> None:
    """Start the broker (no-op if it runs) and create the pipeline topics."""
    started = broker.up()
    state = "started" if started else "already running"
    click.echo(f"kafka {state} at {broker.bootstrap} (pid {broker.pid()}, home {broker.home})")


@cli.command()
@_with_broker
def down(broker: LocalKafka) -> None:
    """Stop the broker (no-op if it does not run); data stays under HOME/data."""
    stopped = broker.down()
    click.echo(f"kafka {'stopped' if stopped else 'was not running'} (home {broker.home})")


@cli.command()
@_with_broker
def status(broker: LocalKafka) -> None:
    """Print whether the broker runs and its topics; exit code 0 if up, 1 if not."""
    pid = broker.pid()
    if pid is None:
        click.echo(f"kafka down (home {broker.home})")
        sys.exit(1)
    if not broker.is_up():
        click.echo(f"kafka not answering on {broker.bootstrap} (pid {pid}); see {broker.server_log}")
        sys.exit(1)
    click.echo(f"kafka up at {broker.bootstrap} (pid {pid}, home {broker.home})")
    for topic, partitions in sorted(broker.topic_partitions().items()):
        click.echo(f"  {topic}\t{partitions} partition{'s' if partitions != 1 else ''}")


if __name__ == "__main__":
    cli()
