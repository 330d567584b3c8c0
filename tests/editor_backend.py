"""Decap CMS's local backend for the browser tests: decap-server (from
package-lock.json) on a loopback port, writing to a folder, and a server of the
built site that passes /api/v1 on to it, so that the editor talks to its own
origin only (its page's Content-Security-Policy allows no other for it).

decap-server is started with a time limit on every wait, writes its log to a
file (no pipe to fill), and is ended when the block ends.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from typing import Any

from browser import serve_folder

REPO = Path(__file__).resolve().parent.parent
DECAP_SERVER = REPO / "node_modules" / "decap-server" / "dist" / "index.js"
START_SECONDS = 30.0
REQUEST_SECONDS = 30.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _ask(url: str, body: dict[str, Any], timeout: float = REQUEST_SECONDS) -> bytes:
    headers = {"Content-Type": "application/json"}
    request = urllib.request.Request(url, json.dumps(body).encode(), headers)  # noqa: S310
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (loopback)
        return bytes(response.read())


@contextmanager
def decap_server(folder: Path, log: Path, mode: str = "git") -> Iterator[str]:
    """decap-server over `folder` on a free loopback port; yields its /api/v1 URL.

    In "git" mode (the editorial workflow) each saved entry is a commit on a
    branch cms/<collection>/<slug> of the repository in `folder`, as a pull
    request's branch is on GitHub; "fs" writes the files in place."""
    if not DECAP_SERVER.is_file():
        raise FileNotFoundError(
            f"{DECAP_SERVER} is missing: run `make node_modules/.installed` (npm ci)"
        )
    port = _free_port()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(folder),
        "PORT": str(port),
        "BIND_HOST": "127.0.0.1",
        "MODE": mode,
        "GIT_REPO_DIRECTORY": str(folder),
        "LOG_LEVEL": "info",
    }
    url = f"http://127.0.0.1:{port}/api/v1"
    with log.open("wb") as out:
        node = subprocess.Popen(
            ["node", str(DECAP_SERVER)],
            cwd=folder,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_up(node, url, log)
        yield url
    finally:
        node.terminate()
        try:
            node.wait(timeout=10)
        except subprocess.TimeoutExpired:
            node.kill()
            node.wait(timeout=10)


def _wait_until_up(node: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if node.poll() is not None:
            raise RuntimeError(f"decap-server stopped ({node.returncode}): {log.read_text()}")
        try:
            _ask(url, {"action": "info"}, timeout=2)
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise TimeoutError(f"decap-server did not answer in {START_SECONDS} s: {log.read_text()}")


class _SiteAndProxy(SimpleHTTPRequestHandler):
    """The built site; POST /api/v1 goes on to decap-server."""

    api_url = ""
    extensions_map = {  # noqa: RUF012 (http.server's own attribute)
        **SimpleHTTPRequestHandler.extensions_map,
        ".yml": "text/yaml",
    }

    def do_POST(self) -> None:
        if self.path != "/api/v1":
            self.send_error(404)
            return
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        headers = {"Content-Type": "application/json"}
        request = urllib.request.Request(self.api_url, body, headers)  # noqa: S310 (loopback)
        try:
            with urllib.request.urlopen(request, timeout=REQUEST_SECONDS) as response:  # noqa: S310
                status, answer = response.status, response.read()
        except urllib.error.HTTPError as err:
            status, answer = err.code, err.read()
        except (urllib.error.URLError, OSError):  # no backend: the editor uses GitHub
            status, answer = 502, b'{"error": "no local backend"}'
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the page went on before the answer came: nothing to say to it

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve_site_with_backend(site: Path, api_url: str) -> Iterator[str]:
    """Serve the built `site` on a free loopback port, /api/v1 passed on to
    `api_url`; yields the base URL."""
    handler = type("Handler", (_SiteAndProxy,), {"api_url": api_url})
    with serve_folder(site, handler) as url:
        yield url
