"""Run one call at a time against the server and say how it ended.

A call may end in success, in an ERROR with any SQLSTATE outside class XX
(internal error; data corrupted, which valid input must never produce), or
cancelled by statement_timeout within GRACE seconds of it (long but
bounded work that stops when asked: what the issue asks of every slow
path).  It fails when it ignores statement_timeout for longer, ignores the
cancel that follows, when the server loses the connection (a crashed
backend restarts every session) or with class XX.  The worker thread runs the
statement so the main thread can give up on a backend that will not stop.
"""
import threading
import time
from dataclasses import dataclass

import psycopg

GRACE = 1.5        # seconds past statement_timeout before cancelling ourselves


@dataclass
class Outcome:
    kind: str          # ok, error, cancelled, internal, hang, crash, unreadable
    sqlstate: str = ""
    message: str = ""
    elapsed: float = 0.0
    row: tuple = None

    @property
    def failed(self):
        return self.kind in ("internal", "hang", "crash", "unreadable")


class Server:
    """connections to the server under test, and its log when known"""

    def __init__(self, conninfo, timeout_ms, logpath=None):
        self.conninfo = conninfo
        self.timeout_ms = timeout_ms
        self.logpath = logpath
        self.logpos = self._logsize()

    def connect(self, wait=60.0):
        """a session with the fuzz settings; retries while the server recovers"""
        deadline = time.monotonic() + wait
        while True:
            try:
                conn = psycopg.connect(self.conninfo, connect_timeout=10)
                conn.autocommit = True
                conn.execute(f"SET statement_timeout = {int(self.timeout_ms)}")
                conn.execute("SET client_min_messages = error")
                try:    # keep 100 kB arguments out of the server log (superuser only)
                    conn.execute("SET log_min_error_statement = panic")
                except psycopg.Error:
                    pass
                conn.autocommit = False
                return conn
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)

    def alive(self):
        try:
            with psycopg.connect(self.conninfo, connect_timeout=10) as c:
                return c.execute("SELECT 1").fetchone()[0] == 1
        except psycopg.Error:
            return False

    def terminate(self, pid):
        try:
            with psycopg.connect(self.conninfo, connect_timeout=10, autocommit=True) as c:
                c.execute("SELECT pg_terminate_backend(%s)", (pid,))
        except psycopg.Error:
            pass

    def backend_exists(self, pid):
        try:
            with psycopg.connect(self.conninfo, connect_timeout=10) as c:
                return c.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s",
                                 (pid,)).fetchone()[0] > 0
        except psycopg.Error:
            return True

    def _logsize(self):
        try:
            with open(self.logpath, "rb") as fh:
                return fh.seek(0, 2)
        except (OSError, TypeError):
            return None

    def new_signal_lines(self):
        """server log lines since the last look that report a backend killed by a signal"""
        if self.logpos is None:
            return []
        with open(self.logpath, "rb") as fh:
            fh.seek(self.logpos)
            chunk = fh.read()
            self.logpos = fh.tell()
        return [ln for ln in chunk.decode("utf-8", "replace").splitlines() if "terminated by signal" in ln]


class Runner:
    def __init__(self, server):
        self.server = server
        self.conn = server.connect()
        self.stuck = []         # backends that ignored cancel and terminate

    def run(self, sql, params=None, procedure=False):
        conn, box = self.conn, {}
        limit = self.server.timeout_ms / 1000.0

        def work():
            try:
                if procedure:
                    conn.autocommit = True     # CALL may commit
                cur = conn.execute(sql, params)
                box["row"] = cur.fetchone() if cur.description else None
            except psycopg.Error as e:
                box["error"] = e
            finally:
                # A statement_timeout that fires while the server is still
                # writing a large result to us is PostgreSQL's to report at
                # its next interrupt check: that can be this ROLLBACK, which
                # then fails with 57014 and leaves the transaction aborted.
                # The second ROLLBACK ends it.
                for _ in range(2):
                    try:
                        if not conn.broken:
                            conn.rollback()
                            conn.autocommit = False
                        break
                    except psycopg.Error:
                        pass

        pid = conn.info.backend_pid
        t0 = time.monotonic()
        th = threading.Thread(target=work, daemon=True)
        th.start()
        th.join(limit + GRACE)
        ignored = None
        if th.is_alive():
            conn.cancel()
            th.join(3.0)
            ignored = "statement_timeout"
        if th.is_alive():
            self.server.terminate(pid)
            th.join(5.0)
            ignored = "statement_timeout and cancel"
        elapsed = time.monotonic() - t0
        if th.is_alive():
            # even pg_terminate_backend is ignored: leave that backend behind
            self.stuck.append(pid)
            self.conn = self.server.connect()
            return Outcome("hang", "", f"ignored statement_timeout, cancel and terminate (pid {pid}, "
                                       f"still running after {elapsed:.1f} s)", elapsed)
        err = box.get("error")
        if conn.broken:
            self.conn = self.server.connect()
            if ignored:
                return Outcome("hang", "", f"ignored {ignored}; ended only by pg_terminate_backend "
                                           f"after {elapsed:.1f} s", elapsed)
            return Outcome("crash", "", f"server closed the connection: {str(err).strip()[:200]}", elapsed)
        if ignored:
            return Outcome("hang", getattr(err, "sqlstate", "") or "",
                           f"ignored {ignored}, ended by a cancel after {elapsed:.1f} s", elapsed)
        if err is None:
            return Outcome("ok", elapsed=elapsed, row=box.get("row"))
        state = err.sqlstate or ""
        msg = (err.diag.message_primary or str(err)).strip()
        if state == "57014":       # the cancel landed within GRACE of the timeout
            return Outcome("cancelled", state, f"{msg} ({elapsed:.1f} s)", elapsed)
        if state.startswith("XX"):     # internal_error, data_corrupted, index_corrupted
            return Outcome("internal", state, msg, elapsed)
        return Outcome("error", state, msg, elapsed)

    def run_stored(self, sql, typ):
        """run a call returning one value of typ as text, then read that
        text back: a value a function returns must survive a dump"""
        out = self.run(sql)
        if out.kind != "ok" or out.row is None or out.row[0] is None:
            return out, sql
        back = self.run(f"SELECT %s::{typ}::text", (out.row[0],))
        repro = f"SELECT s.v::{typ} FROM ({sql}) AS s(v)"
        if back.kind == "ok" and back.row[0] == out.row[0]:
            return out, sql
        if back.kind == "cancelled":    # reading a huge value back hit the timeout: bounded, not wrong
            return out, sql
        if back.kind == "ok":
            return Outcome("unreadable", "", "its text reads back as another value", out.elapsed), repro
        if back.failed:
            return back, repro
        return Outcome("unreadable", back.sqlstate, f"its text does not read back: {back.message}",
                       out.elapsed), repro
