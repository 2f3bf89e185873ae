"""Logging for the command line: eventwire's own messages at `--log-level`, everyone else's only from ERROR up
(apitools, coder hints, Prism start/stop, kafka-python connection chatter) unless the level is DEBUG.

`from_argv` finds `--log-level`, `--log-format` and `--debug` anywhere on the line, so
`eventwire stream ... --log-level DEBUG` works as well as `eventwire --log-level DEBUG stream ...`.
"""

from __future__ import annotations

import json
import logging
import sys
import time
import warnings

OWN_LOGGERS = ("pipelines", "eventwire", "benchmarks")
CHATTY_LOGGERS = ("kafka",)
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def from_argv(args: list[str], strip: bool = False):
    """(level, format, debug, remaining args) from anywhere on the command line."""
    level, log_format, debug, rest, index = "INFO", "text", False, [], 0
    while index < len(args):
        arg = args[index]
        name, has_value, value = arg.partition("=")
        if name in ("--log-level", "--log_level", "--log-format", "--log_format"):
            if not has_value and index + 1 < len(args):
                index += 1
                value = args[index]
            if name.startswith("--log-level") or name.startswith("--log_level"):
                level = value.upper()
            else:
                log_format = value.lower()
        elif arg == "--debug":
            debug = True
        else:
            rest.append(arg)
        index += 1
    if level not in LEVELS:
        level = "INFO"
    if log_format not in ("text", "json"):
        log_format = "text"
    return (level, log_format, debug, rest) if strip else (level, log_format, debug)


class _ThirdPartyFilter(logging.Filter):
    def __init__(self, verbose: bool):
        super().__init__()
        self._verbose = verbose

    def filter(self, record: logging.LogRecord) -> bool:
        if self._verbose or record.name.startswith(OWN_LOGGERS):
            return True
        # kafka-python logs every refused connection at ERROR; what matters reaches eventwire as an exception
        return record.levelno >= (logging.CRITICAL if record.name.startswith(CHATTY_LOGGERS) else logging.ERROR)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {"time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
                 "level": record.levelname, "logger": record.name, "message": record.getMessage()}
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure(level: str = "INFO", log_format: str = "text", debug: bool = False) -> None:
    verbose = level == "DEBUG"
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if log_format == "json" else
                         logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s", "%H:%M:%S"))
    handler.addFilter(_ThirdPartyFilter(verbose))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    for name in OWN_LOGGERS:
        logging.getLogger(name).setLevel(level)
    logging.captureWarnings(True)
    if not verbose:
        warnings.filterwarnings("ignore")
