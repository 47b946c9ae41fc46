"""The built graph as a local SPARQL endpoint with a web query page: Oxigraph's own server.

:func:`start_server` runs ``oxigraph serve-read-only`` (from the ``oxigraph`` package on PyPI)
on the embedded store that ``casegraph build`` writes, with the union of the named graphs as
default graph, so the stored questions run there unchanged. It binds to 127.0.0.1 unless told
otherwise and is read-only unless told otherwise; a writable server works on a copy of the
store, so that nothing written there can change or corrupt the project's build.
"""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from .errors import UsageError

__all__ = ["Server", "find_oxigraph", "start_server", "free_port"]


@dataclass
class Server:
    """A running Oxigraph server; stop it with :meth:`stop`."""

    process: subprocess.Popen
    url: str
    writable: bool
    scratch: Path | None = field(default=None, repr=False)
    log: IO[bytes] | None = field(default=None, repr=False)

    @property
    def query_url(self) -> str:
        return self.url + "query"

    @property
    def update_url(self) -> str:
        return self.url + "update"

    def wait(self) -> int:
        """Wait until the server exits; its exit status."""
        return self.process.wait()

    def stop(self, grace: float = 10.0) -> None:
        """Stop the server (SIGTERM, then SIGKILL after ``grace`` seconds) and remove any scratch copy."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(grace)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.log is not None:
            self.log.close()
            self.log = None
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)
            self.scratch = None


def find_oxigraph() -> str:
    """The ``oxigraph`` command: on PATH, or next to the running Python (a virtual environment).

    Raises:
        UsageError: it is not installed.
    """
    beside = Path(sys.executable).with_name("oxigraph")
    found = shutil.which("oxigraph") or (str(beside) if beside.is_file() else None)
    if not found:
        raise UsageError("the Oxigraph server is not installed: pip install 'oxigraph>=0.5,<0.6' "
                         "(the command-line server, next to the pyoxigraph library casegraph uses)")
    return found


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port free on ``host`` right now."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def start_server(store_path: Path, *, host: str = "127.0.0.1", port: int = 7878, writable: bool = False,
                 timeout_s: int | None = None, ready_within: float = 30.0) -> Server:
    """Start Oxigraph's server on the embedded store at ``store_path`` and wait until it answers.

    Args:
        store_path: the embedded store (``.casegraph/store``).
        host, port: where to listen; port 0 picks a free one.
        writable: serve a scratch copy that accepts updates (dropped when the server stops).
        timeout_s: Oxigraph's per-query time limit, in seconds.
        ready_within: how long to wait for the server to answer.

    Raises:
        UsageError: Oxigraph is missing, the store does not exist, or the server did not start
            (its own message, such as an address already in use, is included).
    """
    if not store_path.is_dir():
        raise UsageError(f"no embedded store at {store_path}: run 'casegraph build' first")
    executable = find_oxigraph()
    port = port or free_port(host)
    scratch = None
    if writable:
        scratch = Path(tempfile.mkdtemp(prefix="casegraph-serve-"))
        location = scratch / "store"
        shutil.copytree(store_path, location)
        command = [executable, "serve"]
    else:
        location = store_path
        command = [executable, "serve-read-only"]
    command += ["--location", str(location), "--bind", f"{host}:{port}", "--union-default-graph"]
    if timeout_s:
        command += ["--timeout-s", str(timeout_s)]
    # The server's messages go to a temporary file, not a pipe: an unread pipe that fills up
    # would block the server. They are shown only if it fails to start.
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
    shown_host = f"[{host}]" if ":" in host else host
    server = Server(process, f"http://{shown_host}:{port}/", writable, scratch, log)
    started = time.monotonic()
    while time.monotonic() - started < ready_within:
        if process.poll() is not None:
            log.seek(0)
            message = " ".join(log.read().decode("utf-8", "replace").split())[-500:]
            server.stop()
            raise UsageError(f"the Oxigraph server did not start on {host}:{port}: "
                             f"{message or f'exit status {process.returncode}'}")
        try:
            urllib.request.urlopen(server.url, timeout=2).close()
            return server
        except urllib.error.HTTPError:
            return server  # any HTTP answer means it is up
        except OSError:
            time.sleep(0.05)
    server.stop()
    raise UsageError(f"the Oxigraph server did not answer on {host}:{port} within {ready_within:g} s")
