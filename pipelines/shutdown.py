"""A process-wide stop flag: SIGINT / SIGTERM ask the stream to stop reading and finish what it has.

The Kafka reader consults `requested()` before each poll; under Prism's LOOPBACK environment (the
default for `stream`) the reader runs in the CLI's own process, so the flag reaches it. Windows then
close, Avro files are written, offsets committed and the summary printed as after `--max-seconds`.
A second signal exits at once (code 130) without that clean-up; it first sends SIGTERM to this process's children
(Prism), which were started with SIGINT ignored and would otherwise outlive it, holding their ports.
"""

from __future__ import annotations

import os
import signal
import sys
import threading

_STOP = threading.Event()
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def requested() -> bool:
    return _STOP.is_set()


def request() -> None:
    _STOP.set()


def child_pids() -> list[int]:
    """The processes whose parent is this one (Linux /proc; elsewhere none are found)."""
    children, me = [], os.getpid()
    try:
        entries = os.listdir("/proc")
    except OSError:
        return children
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()  # after "(command name)", which may hold spaces
        except OSError:
            continue
        if int(fields[1]) == me:  # state, ppid, ...
            children.append(int(entry))
    return children


def _quit_now() -> None:
    for pid in child_pids():
        try:
            os.kill(pid, signal.SIGTERM)
        except OSError:
            pass
    os._exit(130)


def _on_signal(signum, frame):
    if _STOP.is_set():
        _quit_now()
    _STOP.set()
    sys.stderr.write(f"\n{signal.Signals(signum).name}: stopping; finishing the records in flight, committing offsets "
                     "and writing the summary (again to quit at once)\n")


def install() -> None:
    """Route SIGINT and SIGTERM to the stop flag (main thread only)."""
    for signum in STOP_SIGNALS:
        signal.signal(signum, _on_signal)


def ignore_in_children() -> None:
    """Ignore SIGINT while child processes start: they inherit it, so a Ctrl-C at the terminal (sent to the whole
    process group) does not kill Prism under the running job; `install()` then takes SIGINT over for this process."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
