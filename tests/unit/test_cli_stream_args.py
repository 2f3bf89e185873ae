"""`eventwire stream` defaults: Prism when installed, and no deadline on the job service's streams."""

from pipelines.cli import STREAM_JOB_SERVICE_TIMEOUT_S, _stream_args


def test_stream_lifts_the_job_service_deadline_unless_given():
    assert f"--job_server_timeout={STREAM_JOB_SERVICE_TIMEOUT_S}" in _stream_args(["--runner=PrismRunner"])
    given = ["--runner=PrismRunner", "--job_server_timeout=60", "--prism_log_level=warn"]
    assert _stream_args(given) == given


def test_stream_keeps_prism_at_error_unless_debug():
    import logging

    assert "--prism_log_level=error" in _stream_args(["--runner=PrismRunner"])
    logger = logging.getLogger("pipelines.cli")
    level = logger.level
    logger.setLevel(logging.DEBUG)
    try:
        assert not any(arg.startswith("--prism_log_level") for arg in _stream_args(["--runner=PrismRunner"]))
    finally:
        logger.setLevel(level)


def test_stream_picks_prism_when_no_runner_is_named(monkeypatch, tmp_path):
    prism = tmp_path / "prism"
    prism.write_text("")
    monkeypatch.setenv("EVENTWIRE_PRISM", str(prism))
    args = _stream_args(["--until-idle", "5"])
    assert args[:3] == ["--runner=PrismRunner", f"--prism_location={prism}", "--environment_type=LOOPBACK"]
    assert _stream_args(["--runner=DirectRunner"])[0] == "--runner=DirectRunner"
