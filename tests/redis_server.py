"""A throwaway Redis server for the tests, from Debian's redis-server package
(installed by scripts/test): a free loopback port, nothing saved to disk."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from dataclasses import dataclass

from tests.e2e.harness import free_port


@dataclass
class Redis:
    port: int
    proc: subprocess.Popen

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


def start_redis() -> Redis:
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("redis-server not found: install Debian's redis-server package")
    port = free_port()
    args = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
                conn.sendall(b"PING\r\n")
                if conn.recv(16).startswith(b"+PONG"):
                    return Redis(port, proc)
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("redis-server did not start")
