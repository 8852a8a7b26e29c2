"""A pseudo-terminal pair in raw mode: the app opens `path` like a serial port; a simulator owns `master`."""

from __future__ import annotations

import errno
import logging
import os
import select
import tty
from typing import Self

log = logging.getLogger(__name__)


class PtyPair:
    """Closing it is an unplug: the app's next read on `path` fails. The slave end stays open here so
    that the raw mode holds before and between the app's opens (a cooked tty turns CR into LF)."""

    def __init__(self) -> None:
        self.master, self._slave = os.openpty()
        tty.setraw(self._slave)
        self.path = os.ttyname(self._slave)
        # A UART has no flow control: when nobody reads, bytes are lost instead of the device hanging.
        os.set_blocking(self.master, False)
        self.closed = False

    def write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            try:
                view = view[os.write(self.master, view):]
            except BlockingIOError:
                log.warning("simulator on %s: nobody reads the port, %d bytes dropped", self.path, len(view))
                return

    def read(self, timeout: float) -> bytes:
        """What the app wrote, or b"" after `timeout` seconds."""
        if not select.select([self.master], [], [], timeout)[0]:
            return b""
        try:
            return os.read(self.master, 4096)
        except BlockingIOError:
            return b""
        except OSError as exc:
            if exc.errno == errno.EIO:  # no slave open at this instant
                return b""
            raise

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            os.close(self.master)
            os.close(self._slave)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
