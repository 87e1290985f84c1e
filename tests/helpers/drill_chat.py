"""A chat member for the fault drills that behaves like the browser's chat client
(static/js/chat/): it reconnects by itself and joins again with `after_seq` of the highest seq it
has; it keeps each message once, by seq (a repeat is counted, not shown twice); a live message
past a gap, or a heartbeat whose `last_seq` is ahead, makes it catch up; and a send without an
answer goes again with the same client_id until it is acknowledged or refused."""
from __future__ import annotations

import queue
import threading
import time
from dataclasses import dataclass, field


@dataclass
class Outcome:
    client_id: str
    acked: dict | None = None  # the stored message, once the server said so
    refused: dict | None = None  # the error ack, when it said no
    attempts: int = 0
    began: float = 0.0  # when it was first sent (time.monotonic)


@dataclass
class Counts:
    live: int = 0  # messages heard as events
    caught_up: int = 0  # messages fetched by a join after_seq
    repeats: int = 0  # copies of a message it already had (dropped, by seq)
    catch_ups: int = 0
    reconnects: int = 0
    errors: list = field(default_factory=list)


class DrillMember:
    HEARTBEAT = 3.0  # the browser says presence every 20 s; a drill has less time

    def __init__(self, base: str, session, channel_id: int, after_seq: int, name: str):
        import socketio
        self.base, self.name, self.channel_id = base, name, channel_id
        self.view: dict[int, dict] = {}  # seq -> message: what the person sees, in seq order
        self.high = self._start = after_seq
        self.counts = Counts()
        self.lock = threading.Lock()
        self.todo: queue.Queue = queue.Queue()
        self.closing = threading.Event()
        self.joined = threading.Event()
        self.sio = socketio.Client(reconnection=True, reconnection_delay=0.3, reconnection_delay_max=2,
                                   randomization_factor=0.2)
        self.sio.on("connect", self._on_connect, namespace="/chat")
        self.sio.on("message", self._on_message, namespace="/chat")
        cookie = "; ".join(f"{k}={v}" for k, v in session.cookies.items())
        self._connections = 0
        self.sio.connect(base, headers={"Cookie": cookie}, transports=["websocket"], namespaces=["/chat"],
                         wait_timeout=10)
        self.threads = [threading.Thread(target=self._work, daemon=True),
                        threading.Thread(target=self._heartbeat, daemon=True)]
        for thread in self.threads:
            thread.start()

    # ------------------------------------------------------------ receiving
    def _on_connect(self):
        self._connections += 1
        if self._connections > 1:
            self.counts.reconnects += 1
        self.todo.put("join")

    def _on_message(self, m):
        if m.get("channel_id") != self.channel_id:
            return
        self.counts.live += 1
        gap = self._keep(m)
        if gap:
            self.todo.put("join")

    def _keep(self, m: dict) -> bool:
        """Keep one copy per seq; True when it came past a gap (something was missed)."""
        with self.lock:
            if m["seq"] in self.view:
                self.counts.repeats += 1
                return False
            gap = m["seq"] > self.high + 1
            self.view[m["seq"]] = m
            self.high = max(self.high, m["seq"], m.get("updated_seq") or 0)
            return gap

    def _join(self) -> None:
        while not self.closing.is_set():
            ack = self.sio.call("join", {"channel_id": self.channel_id, "after_seq": self.contiguous()},
                                namespace="/chat", timeout=10)
            if not ack.get("ok"):
                self.counts.errors.append(ack)
                return
            self.joined.set()
            self.counts.catch_ups += 1
            for m in ack["missed"]:
                self.counts.caught_up += 1
                self._keep(m)
            if not ack.get("more"):
                return

    def contiguous(self) -> int:
        """The seq up to which it has everything (a join asks from there)."""
        with self.lock:
            seqs = sorted(s for s in self.view)
        have = self._start
        for s in seqs:
            if s == have + 1:
                have = s
            elif s > have + 1:
                break
        return have

    def _work(self) -> None:
        while not self.closing.is_set():
            try:
                self.todo.get(timeout=0.5)
            except queue.Empty:
                continue
            try:
                if self.sio.connected:
                    self._join()
            except Exception as err:  # noqa: BLE001 (no answer: asked again at the next heartbeat)
                self.counts.errors.append(repr(err))

    def _heartbeat(self) -> None:
        while not self.closing.wait(self.HEARTBEAT):
            try:
                if not self.sio.connected:
                    continue
                ack = self.sio.call("presence", {"status": "online", "channel_id": self.channel_id},
                                    namespace="/chat", timeout=5)
                if ack.get("last_seq", 0) > self.contiguous():
                    self.todo.put("join")
            except Exception as err:  # noqa: BLE001
                self.counts.errors.append(repr(err))

    # ------------------------------------------------------------ sending
    def send(self, body: str, client_id: str, give_up_at: float) -> Outcome:
        """Send until the server answers: acknowledged (kept in the view, as the browser shows the
        ack's message) or refused; a rate limit waits as long as it says and goes again."""
        import socketio
        outcome = Outcome(client_id, began=time.monotonic())
        while time.monotonic() < give_up_at:
            if not self.sio.connected:
                time.sleep(0.1)
                continue
            outcome.attempts += 1
            try:
                ack = self.sio.call("send", {"channel_id": self.channel_id, "body": body, "client_id": client_id},
                                    namespace="/chat", timeout=5)
            except (socketio.exceptions.TimeoutError, socketio.exceptions.BadNamespaceError,
                    socketio.exceptions.SocketIOError):
                time.sleep(0.1)
                continue
            if ack.get("ok"):
                outcome.acked = ack["message"]
                self._keep(ack["message"])
                return outcome
            if ack.get("error", {}).get("code") == "rate_limited":
                time.sleep(ack["error"].get("retry_after", 1))
                continue
            outcome.refused = ack
            return outcome
        return outcome

    def close(self) -> None:
        self.closing.set()
        try:
            self.sio.disconnect()
        except Exception:  # noqa: BLE001
            pass
