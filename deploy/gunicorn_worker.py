"""gunicorn's threaded worker, with a stop that answers the requests already on their way.

gunicorn 23's `gthread` worker, told to stop (SIGTERM from `systemctl stop`, or its own
recycling after `max_requests`), leaves its loop at once and drops two kinds of
connection unanswered (gunicorn issues #3038 and #3380):

- one it had accepted but whose request it had not read yet (it reads on a later turn
  of the loop, which never comes);
- at a full stop, one the kernel had queued on the listening socket that nobody
  accepted: closing the socket resets it. (On a recycle or a reload the master still
  holds the socket, and another worker takes what is queued.)

Behind nginx both are a 502, and nginx does not send a POST on to the other app server
(it cannot know whether this one handled it): a customer's add to cart or checkout fails
while one app server stops. This worker, once its loop ends, takes the queued
connections too, closes the listening sockets, and hands each connection to a thread as
soon as its request arrives. A connection that sends nothing within
REQUEST_WAIT_SECONDS is closed, and one that stops sending for that long is dropped, so
an idle or slow client cannot hold a stopping worker. What is left: the instant between
the last accept and the close, kept-alive connections (left open until the process
exits, as before: nginx opens a new one per request) and requests still running when
`graceful_timeout` ends.

This copies gunicorn 23.0's `ThreadWorker.run` and uses its connection objects:
tests/test_gunicorn_worker.py fails on another gunicorn version until this file is
checked against that version's worker. The master imports this class once: a change
here takes a restart, not a reload. Used by gunicorn.conf.py (`worker_class`).
"""
import errno
import selectors
import time
from concurrent import futures
from functools import partial

from gunicorn.workers.gthread import TConn, ThreadWorker

GUNICORN_VERSION = (23, 0)  # the version whose ThreadWorker.run this copies
# How long a stopping worker waits on a client: for its request to begin, and for each read
# or write after that. nginx sends its request with the connection: this is plenty.
REQUEST_WAIT_SECONDS = 3


class AnsweringThreadWorker(ThreadWorker):
    """gunicorn's gthread worker; a stop answers requests accepted or queued but not read."""

    def run(self):
        for listener in self.sockets:
            listener.setblocking(False)
            # the listener's name, read once: it may be gone when a request is handled
            server = listener.getsockname()
            self.poller.register(listener, selectors.EVENT_READ, partial(self.accept, server))

        while self.alive:  # gunicorn's own loop, unchanged
            self.notify()
            if self.nr_conns < self.worker_connections:
                for key, _ in self.poller.select(1.0):
                    key.data(key.fileobj)
                result = futures.wait(self.futures, timeout=0,
                                      return_when=futures.FIRST_COMPLETED)
            else:
                result = futures.wait(self.futures, timeout=1.0,
                                      return_when=futures.FIRST_COMPLETED)
            for done in result.done:
                self.futures.remove(done)
            if not self.is_parent_alive():
                break
            self.murder_keepalived()

        # what gunicorn 23 drops when it stops:
        waiting = self.take_unread_connections() + self.take_queued_connections()
        self.answer_when_readable(waiting)
        self.tpool.shutdown(False)  # threads finish what they were given, then end
        self.poller.close()
        futures.wait(self.futures, timeout=self.cfg.graceful_timeout)

    def take_unread_connections(self) -> list[TConn]:
        """The connections accepted whose request was not read yet (not kept-alive ones)."""
        with self._lock:  # a thread finishing a request may register a kept-alive one
            unread = [key.data.args[0] for key in list(self.poller.get_map().values())
                      if key.fileobj not in self.sockets and not key.data.args[0].initialized]
            for conn in unread:
                self.poller.unregister(conn.sock)
        return unread

    def take_queued_connections(self) -> list[TConn]:
        """Accept every connection queued on the listening sockets, then close them."""
        queued = []
        for listener in self.sockets:
            self.poller.unregister(listener)
            server = listener.getsockname()
            while True:
                try:
                    sock, client = listener.accept()
                except OSError as error:
                    if error.errno == errno.ECONNABORTED:  # that client gave up: next one
                        continue
                    # EAGAIN: none left. Another error (out of file descriptors) leaves
                    # the rest to be reset, as gunicorn's own worker would.
                    break
                self.nr_conns += 1
                queued.append(TConn(self.cfg, sock, client, server))
            listener.close()
        return queued

    def answer_when_readable(self, connections: list[TConn]) -> None:
        """Give each connection to a thread when its request arrives; close the ones that
        send nothing within REQUEST_WAIT_SECONDS (a thread would wait on them forever)."""
        deadline = time.monotonic() + REQUEST_WAIT_SECONDS
        with selectors.DefaultSelector() as waiting:
            for conn in connections:
                waiting.register(conn.sock, selectors.EVENT_READ, conn)
            while waiting.get_map() and (left := deadline - time.monotonic()) > 0:
                self.notify()  # still alive, for the master
                for key, _ in waiting.select(min(left, 1.0)):
                    waiting.unregister(key.fileobj)
                    self.answer(key.data)
            for key in list(waiting.get_map().values()):
                waiting.unregister(key.fileobj)
                self.nr_conns -= 1
                key.data.close()

    def answer(self, conn: TConn) -> None:
        """gunicorn's enqueue_req, with a time limit on each read and write: a client that
        sends half a request cannot hold the stopping worker either."""
        conn.init()  # makes the socket blocking, with no time limit
        conn.sock.settimeout(REQUEST_WAIT_SECONDS)
        self._wrap_future(self.tpool.submit(self.handle, conn), conn)
