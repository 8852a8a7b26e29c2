"""A TCP forwarder between a client under test and a real server (the Mosquitto broker), that a test can
cut: every connection through it drops, and new ones are refused until it is restored — a network outage
without stopping the shared broker."""

from __future__ import annotations

import selectors
import socket
import threading
from typing import Self


class TcpProxy:
    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._lock = threading.Lock()
        self._pairs: list[tuple[socket.socket, socket.socket]] = []
        self._blocked = False
        self._closed = False
        self._threads: list[threading.Thread] = []

    def start(self) -> Self:
        self._spawn(self._accept)
        return self

    def cut(self) -> None:
        """Drop every connection and refuse new ones."""
        with self._lock:
            self._blocked = True
            pairs, self._pairs = self._pairs, []
        for pair in pairs:
            for sock in pair:
                _close(sock)

    def restore(self) -> None:
        with self._lock:
            self._blocked = False

    def stop(self) -> None:
        self._closed = True
        self.cut()
        _close(self._listener)
        for thread in self._threads:
            thread.join(5.0)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _spawn(self, target, *args) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        self._threads.append(thread)
        thread.start()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            with self._lock:
                blocked = self._blocked
            if blocked:
                _close(client)
                continue
            try:
                server = socket.create_connection(self.upstream, timeout=5)
            except OSError:
                _close(client)
                continue
            with self._lock:
                self._pairs.append((client, server))
            self._spawn(self._pump, client, server)

    @staticmethod
    def _pump(a: socket.socket, b: socket.socket) -> None:
        with selectors.DefaultSelector() as selector:
            selector.register(a, selectors.EVENT_READ, b)
            selector.register(b, selectors.EVENT_READ, a)
            while True:
                try:
                    ready = selector.select(timeout=0.2)
                    if a.fileno() < 0 or b.fileno() < 0:
                        break
                    for key, _ in ready:
                        data = key.fileobj.recv(65536)  # type: ignore[union-attr]
                        if not data:
                            raise OSError("closed")
                        key.data.sendall(data)
                except (OSError, ValueError):
                    break
        _close(a)
        _close(b)


def _close(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()
