"""gunicorn's threaded worker, with a stop that answers every connection it was given.

gunicorn 23's `gthread` worker, told to stop (SIGTERM from `systemctl stop` or a deploy,
or its own recycling after `max_requests`), leaves its loop at once and drops two kinds
of connection unanswered (gunicorn issues #3038 and #3380):

- one it had accepted but whose request it had not read yet (it reads on a later turn
  of the loop, which never comes);
- one the kernel had queued on the listening socket that nobody accepted: closing the
  socket resets it.

Behind nginx both are a 502, and nginx does not send a POST on to the other app server
(it cannot know whether this one handled it): a customer's add to cart or checkout fails
while one app server stops. This worker, once its loop ends, takes every connection
still queued and hands each waiting one to a thread before it closes the socket. What is
left is the instant between its last accept and that close.

Used by gunicorn.conf.py (`worker_class`).
"""
import errno
import selectors
from concurrent import futures
from functools import partial

from gunicorn.workers.gthread import TConn, ThreadWorker


class AnsweringThreadWorker(ThreadWorker):
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
        self.answer_accepted_connections()
        self.answer_queued_connections()  # and close the listening sockets
        self.tpool.shutdown(False)  # threads finish what they were given, then end
        self.poller.close()
        futures.wait(self.futures, timeout=self.cfg.graceful_timeout)

    def answer_accepted_connections(self) -> None:
        """Give a thread each connection accepted whose request was not read yet."""
        accepted = [key.data.args[0] for key in list(self.poller.get_map().values())
                    if key.fileobj not in self.sockets
                    and not key.data.args[0].initialized]  # new ones, not kept-alive ones
        for conn in accepted:
            self.poller.unregister(conn.sock)
            self.enqueue_req(conn)

    def answer_queued_connections(self) -> None:
        """Accept every connection queued on the listening sockets, then close them.

        A connection arriving between the last accept and the close is still reset:
        that is the one window left, a fraction of a millisecond.
        """
        for listener in self.sockets:
            self.poller.unregister(listener)
            server = listener.getsockname()
            while True:
                try:
                    sock, client = listener.accept()
                except OSError as error:
                    if error.errno == errno.ECONNABORTED:  # that client gave up: next one
                        continue
                    break  # EAGAIN: nothing queued any more
                self.nr_conns += 1
                self.enqueue_req(TConn(self.cfg, sock, client, server))
            listener.close()
