"""The Jupyter kernel report notebooks run in: quiet, local, started early, and shut down after.

On POSIX the kernel talks over IPC sockets in a private temporary folder (not TCP on localhost,
so other users of a shared machine cannot connect, and ipykernel has no unencrypted-TCP warning to
print); its stderr goes to a log file beside the executed notebook instead of the user's terminal.
Windows has no IPC transport, so there it stays on TCP.

``NotebookKernel`` starts the kernel before the notebook is due and has it import what the notebook
imports (``warm_up_code``), so that the kernel's start-up (about 2 to 3 s of imports at county
scale) overlaps the data validation instead of following it. The warm-up runs with
``store_history=False``: the notebook's execution counts are the same as without it.
papermill is given the running kernel's manager; as papermill then does not own the kernel, it
would leave it running: ``NotebookKernel.shutdown`` stops it as soon as the notebook is done
(measured: without that, every notebook's kernel, with its data, stayed alive to the end of the run).
"""
from __future__ import annotations

import ast
import json
import os
import shutil
import tempfile
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync

WARM_UP_TIMEOUT = 120  # seconds for the kernel to start and answer


class LoggedKernelManager(AsyncKernelManager):
    """A kernel manager whose kernel writes stderr to ``log_path``."""

    log_path: Path | None = None
    extra_env: dict[str, str] = {}

    def client(self, **kwargs):
        """A client of this kernel, remembered so that ``NotebookKernel.shutdown`` can close its
        channels (papermill leaves open those of a kernel it did not start)."""
        created = super().client(**kwargs)
        self.__dict__.setdefault("_pmereport_clients", []).append(created)
        return created

    def close_clients(self) -> None:
        for created in self.__dict__.pop("_pmereport_clients", []):
            if created.channels_running:
                created.stop_channels()

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        kw["env"] = {**(kw.get("env") or os.environ), **self.extra_env}
        if self.log_path is not None:
            kw["stderr"] = open(self.log_path, "ab")  # noqa: SIM115 - the kernel process owns it
        return await super()._async_launch_kernel(kernel_cmd, **kw)


def warm_up_code(notebook: Path) -> str:
    """The notebook's top-level ``import`` statements, one per line (cells that are not plain
    Python, e.g. with IPython magics, are skipped)."""
    lines = []
    for cell in json.loads(Path(notebook).read_text(encoding="utf-8"))["cells"]:  # nbformat 4 JSON
        if cell["cell_type"] != "code":
            continue
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        lines += [ast.unparse(node) for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))]
    return "\n".join(dict.fromkeys(lines))


class NotebookKernel:
    """One kernel for one notebook run: ``launch`` it, ``warm_up`` it, hand ``manager`` to papermill,
    then ``shutdown``. ``launch`` may be called from another thread than the rest (it only starts
    the process, which jupyter_client then watches by polling, in whichever event loop asks)."""

    def __init__(self, log_path: Path, cwd: Path, env: dict[str, str] | None = None,
                 kernel_name: str = "python3"):
        self.log_path, self.cwd = log_path, cwd
        self._sockets = Path(tempfile.mkdtemp(prefix="pmereport-kernel-"))
        if os.name == "posix":
            self.manager = LoggedKernelManager(kernel_name=kernel_name, transport="ipc",
                                               ip=str(self._sockets / "kernel"))
        else:
            self.manager = LoggedKernelManager(kernel_name=kernel_name)
        self.manager.log_path = log_path
        self.manager.extra_env = dict(env or {})

    def launch(self) -> None:
        """Start the kernel process in ``cwd`` (about 0.1 s; the kernel then boots on its own)."""
        if not self.manager.has_kernel:
            run_sync(self.manager.start_kernel)(cwd=str(self.cwd))

    def warm_up(self, code: str = "") -> None:
        """Launch the kernel if not yet launched; wait until it answers, then send it ``code``
        without waiting for it to finish (the kernel runs requests in order, so the notebook's
        first cell simply waits)."""
        self.launch()
        if code:
            client = self.manager.client()
            client.start_channels()
            try:
                run_sync(client.wait_for_ready)(timeout=WARM_UP_TIMEOUT)
                client.execute(code, silent=True, store_history=False)
            finally:
                client.stop_channels()

    def kill(self) -> None:
        """Kill the kernel process at once (safe from any thread): for a run being interrupted,
        whose notebooks must not go on to the end. The thread running the notebook then fails."""
        process = getattr(getattr(self.manager, "provisioner", None), "process", None)
        if process is not None and process.poll() is None:
            process.kill()

    def shutdown(self) -> None:
        """Stop the kernel (if running) and remove its sockets folder and an empty log."""
        try:
            self.manager.close_clients()
            if self.manager.has_kernel:
                run_sync(self.manager.shutdown_kernel)(now=True)
        finally:
            shutil.rmtree(self._sockets, ignore_errors=True)
            if self.log_path.is_file() and self.log_path.stat().st_size == 0:
                self.log_path.unlink()
