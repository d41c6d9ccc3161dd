"""The Jupyter kernel report notebooks run in: quiet, local, and tidy.

On POSIX the kernel talks over IPC sockets in a private temporary folder (not TCP on localhost,
so other users of a shared machine cannot connect, and ipykernel has no unencrypted-TCP warning to
print); its stderr goes to a log file beside the executed notebook instead of the user's terminal.
Windows has no IPC transport, so there it stays on TCP.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager


class LoggedKernelManager(AsyncKernelManager):
    """A kernel manager whose kernel writes stderr to ``log_path``."""

    log_path: Path | None = None
    extra_env: dict[str, str] = {}

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        kw["env"] = {**(kw.get("env") or os.environ), **self.extra_env}
        if self.log_path is not None:
            kw["stderr"] = open(self.log_path, "ab")  # noqa: SIM115 - the kernel process owns it
        return await super()._async_launch_kernel(kernel_cmd, **kw)


@contextlib.contextmanager
def kernel_manager(log_path: Path, kernel_name: str = "python3", env: dict[str, str] | None = None):
    """A kernel manager for one notebook run (``env``: extra environment variables for the kernel);
    removes its socket folder, and an empty log, after."""
    sockets = Path(tempfile.mkdtemp(prefix="pmereport-kernel-"))
    if os.name == "posix":
        km = LoggedKernelManager(kernel_name=kernel_name, transport="ipc", ip=str(sockets / "kernel"))
    else:
        km = LoggedKernelManager(kernel_name=kernel_name)
    km.log_path = log_path
    km.extra_env = dict(env or {})
    try:
        yield km
    finally:
        shutil.rmtree(sockets, ignore_errors=True)
        if log_path.is_file() and log_path.stat().st_size == 0:
            log_path.unlink()
