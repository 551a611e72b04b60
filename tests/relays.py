"""A TCP relay to PostgreSQL that a test can freeze: connections stay open and new ones
are accepted, but nothing passes either way, as when a server is stopped (SIGSTOP), a
network partitions or a relay hangs. Thawing lets everything through again."""

import contextlib
import socket
import threading

from . import servers


class FreezableRelay(servers.TcpProxy):
    def __init__(self, port, target):
        super().__init__(port, target)
        self.flowing = threading.Event()
        self.flowing.set()

    def freeze(self):
        self.flowing.clear()

    def thaw(self):
        self.flowing.set()

    def _pump(self, source, sink):  # an instance method: it waits on this relay's state
        try:
            while data := source.recv(65536):
                self.flowing.wait()  # frozen: hold the bytes, answer nothing
                sink.sendall(data)
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                sink.shutdown(socket.SHUT_WR)
