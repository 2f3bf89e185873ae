"""A process-wide stop flag: SIGINT / SIGTERM ask the stream to stop reading and finish what it has.

The Kafka reader consults `requested()` before each poll; under Prism's LOOPBACK environment (the
default for `stream`) the reader runs in the CLI's own process, so the flag reaches it. Windows then
close, Avro files are written, offsets committed and the summary printed as after `--max-seconds`.
A second signal exits at once (code 130) without that clean-up; it first sends SIGTERM to this process's children
(Prism), which were started with SIGINT ignored and would otherwise outlive it, holding their ports.
"""

from __future__ import annotations

import atexit
import os
import signal
import sys
import threading
import time

_STOP = threading.Event()
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def requested() -> bool:
    return _STOP.is_set()


def request() -> None:
    _STOP.set()


def child_pids(running_only: bool = False) -> list[int]:
    """The processes whose parent is this one (Linux /proc; elsewhere none are found); `running_only` leaves out
    zombies (exited, not yet reaped)."""
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
        if int(fields[1]) == me and not (running_only and fields[0] == b"Z"):  # state, ppid, ...
            children.append(int(entry))
    return children


def stop_children(wait_seconds: float = 3.0) -> None:
    """SIGTERM to this process's children, then wait (up to `wait_seconds`) until they have exited."""
    for pid in child_pids(running_only=True):
        try:
            os.kill(pid, signal.SIGTERM)
        except OSError:
            pass
    deadline = time.monotonic() + wait_seconds
    while child_pids(running_only=True) and time.monotonic() < deadline:
        time.sleep(0.05)


def _quit_now() -> None:
    stop_children(wait_seconds=1.0)
    os._exit(130)


def _on_signal(signum, frame):
    if _STOP.is_set():
        _quit_now()
    _STOP.set()
    sys.stderr.write(f"\n{signal.Signals(signum).name}: stopping; finishing the records in flight, committing offsets "
                     "and writing the summary (again to quit at once)\n")


def install() -> None:
    """Route SIGINT and SIGTERM to the stop flag (main thread only), and stop child processes at exit.

    Call it after `pipeline.run()`: Beam's job server wrapper installs a SIGINT handler of its own there (it would
    stop Prism under the running job), which this replaces. The exit hook, registered after Beam's, runs before
    them: Prism, started with SIGINT ignored (`ignore_in_children`), ignores the SIGINTs Beam sends it to stop it,
    one a second five times before SIGKILL, which added 5 s to every stream's exit.
    """
    for signum in STOP_SIGNALS:
        signal.signal(signum, _on_signal)
    atexit.register(stop_children)


def ignore_in_children() -> None:
    """Ignore SIGINT while child processes start: they inherit it, so a Ctrl-C at the terminal (sent to the whole
    process group) does not kill Prism under the running job; `install()` then takes SIGINT over for this process."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
