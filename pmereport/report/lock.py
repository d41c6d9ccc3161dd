"""A lock on a run folder, so that two runs into the same folder cannot corrupt each other.

The lock is a file ``<out>.lock`` next to the run folder, created atomically (``O_CREAT | O_EXCL``,
which works on local disks on Linux, macOS and Windows) and holding the owner's pid, host and
start time as JSON. A second run into the same folder finds it and stops with ``RunLocked``,
naming the owner. A lock left behind by a run that died (``kill -9``, a power cut) is *stale*:
when its pid is not a live process on this host, the next run takes it over. A lock written on
another host (a shared drive) cannot be checked and is never taken over; the message says how to
remove it by hand.

Known limit: two runs that find the same stale lock at the same instant can both take it over
(the window is one rename; DESIGN.md section 2 asks only that concurrent runs not corrupt each
other, and the second would then fail on the shared temporary folder, never write a complete one).
"""
from __future__ import annotations

import datetime as dt
import json
import os
import socket
import sys
from contextlib import contextmanager
from pathlib import Path


class RunLocked(RuntimeError):
    """Another live run holds the lock on this run folder."""


def lock_path(out: Path) -> Path:
    return out.with_name(out.name + ".lock")


def pid_alive(pid: int) -> bool:
    """True when ``pid`` is a running process on this machine."""
    if pid <= 0:
        return False
    if sys.platform == "win32":  # os.kill would terminate the process on Windows
        import ctypes

        handle = ctypes.windll.kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        code = ctypes.c_ulong()
        ctypes.windll.kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        ctypes.windll.kernel32.CloseHandle(handle)
        return code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by another user
        return True
    return True


def _read_owner(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return {}  # half-written or unreadable: treated as held by an unknown owner


def _is_stale(owner: dict) -> bool:
    return (owner.get("host") == socket.gethostname() and isinstance(owner.get("pid"), int)
            and not pid_alive(owner["pid"]))


def _try_create(path: Path, owner: dict) -> bool:
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(owner, handle)
    return True


def acquire(out: Path) -> tuple[Path, dict]:
    """Take the lock on run folder ``out`` or raise ``RunLocked``; returns (lock file, stale owner
    taken over or {})."""
    path = lock_path(out)
    owner = {"pid": os.getpid(), "host": socket.gethostname(),
             "started": dt.datetime.now(dt.timezone.utc).isoformat()}
    if _try_create(path, owner):
        return path, {}
    held = _read_owner(path)
    if held is None and _try_create(path, owner):  # released between our two looks
        return path, {}
    if held and _is_stale(held):
        stale = path.with_name(f"{path.name}.stale-{os.getpid()}")
        try:
            os.replace(path, stale)
        except FileNotFoundError:
            pass
        else:
            stale.unlink(missing_ok=True)
        if _try_create(path, owner):
            return path, held
        held = _read_owner(path) or held
    who = (f"process {held.get('pid')} on {held.get('host')} since {held.get('started')}"
           if held else "an unknown process")
    raise RunLocked(f"another run is writing to {out} ({who}); wait for it to finish. If no run is "
                    f"going on (e.g. it ran on another computer and was stopped), delete {path}")


def release(path: Path) -> None:
    """Remove our lock (only if it is still ours)."""
    owner = _read_owner(path)
    if owner is not None and owner.get("pid") == os.getpid() and owner.get("host") == socket.gethostname():
        path.unlink(missing_ok=True)


@contextmanager
def run_lock(out: Path):
    """Hold the lock on run folder ``out`` for the ``with`` block; yields the stale owner taken over."""
    path, stale = acquire(out)
    try:
        yield stale
    finally:
        release(path)
