#!/usr/bin/env python3
"""Smoke test of tests/mail/servers.sh (python3 stdlib only; run as root).

Each run uses a fresh DIR: start -> relay delivery seen over IMAP (IDLE) -> byte-exact
LMTP injection -> relay refuses foreign domains -> stop-smtp (connection refused) ->
start-smtp (mail flows again) -> relay->IMAP latency -> stop (twice: idempotent).

    python3 tests/mail/smoke.py [--runs N] [--latency N] [--keep]
"""

import argparse
import imaplib
import os
import shutil
import smtplib
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
SERVERS = os.path.join(HERE, "servers.sh")
USERS = [
    "helpdesk@ppdesk.test",
    "mario.rossi@acme.test",
    "anna.bianchi@acme.test",
    "tech@ppdesk.test",
    "eve@example.test",
]
HELPDESK = "helpdesk@ppdesk.test"
CHECKS = 0


def check(cond, what):
    global CHECKS
    if not cond:
        raise AssertionError(what)
    CHECKS += 1


def servers(*args):
    # Output captured through pipes on purpose: the daemons must not keep them open
    # (a caller such as a Rust test reading the output would hang otherwise).
    r = subprocess.run([SERVERS, *args], capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        sys.stderr.write(r.stdout + r.stderr)
        raise AssertionError(f"servers.sh {' '.join(args)} exited {r.returncode}")


def read_env(d):
    env = {}
    with open(os.path.join(d, "env")) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                k, _, v = line.partition("=")
                env[k] = v
    return env


def pid_alive(pidfile):
    try:
        with open(pidfile) as f:
            pid = int(f.read().strip())
    except (FileNotFoundError, ValueError):
        return False
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False


def message(subject, frm="mario.rossi@acme.test", to=HELPDESK):
    return (
        f"From: {frm}\r\nTo: {to}\r\nSubject: {subject}\r\n"
        f"Content-Type: text/plain; charset=utf-8\r\n\r\nbody of {subject}\r\n"
    ).encode()


def relay_send(env, subject, to=HELPDESK):
    with smtplib.SMTP("127.0.0.1", int(env["SMTP_PORT"]), timeout=10) as s:
        refused = s.sendmail("mario.rossi@acme.test", [to], message(subject, to=to))
        check(refused == {}, f"relay refused {refused}")


class Idler:
    """One IMAP connection on INBOX that waits for new mail with IDLE (or NOOP polling)."""

    def __init__(self, env, user=HELPDESK):
        self.m = imaplib.IMAP4("127.0.0.1", int(env["IMAP_PORT"]), timeout=10)
        self.m.login(user, env["PASSWORD"])
        typ, data = self.m.select("INBOX")
        check(typ == "OK", f"SELECT INBOX: {typ} {data}")
        self.exists = int(data[0])

    def wait_idle(self, timeout=10.0):
        """IDLE until the INBOX grows; returns the new message count."""
        m = self.m
        tag = m._new_tag()
        m.send(tag + b" IDLE\r\n")
        line = m.readline()
        check(line.startswith(b"+"), f"IDLE not accepted: {line!r}")
        deadline = time.monotonic() + timeout
        grown = None
        try:
            while grown is None:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no new mail within {timeout}s (IDLE)")
                m.sock.settimeout(left)
                try:
                    line = m.readline()
                except (socket.timeout, TimeoutError):
                    continue
                parts = line.split()
                if len(parts) >= 3 and parts[2].upper() == b"EXISTS":
                    n = int(parts[1])
                    if n > self.exists:
                        grown = n
        finally:
            m.sock.settimeout(10)
            m.send(b"DONE\r\n")
            while True:
                line = m.readline()
                if not line:
                    raise AssertionError("connection closed during IDLE")
                if line.startswith(tag):
                    check(b" OK" in line, f"IDLE end: {line!r}")
                    break
        self.exists = grown
        return grown

    def wait_poll(self, timeout=10.0, interval=0.01):
        """NOOP-polls until the INBOX grows; returns the new message count."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.m.noop()
            for n in self.m.untagged_responses.pop("EXISTS", []):
                if int(n) > self.exists:
                    self.exists = int(n)
                    return self.exists
            time.sleep(interval)
        raise AssertionError(f"no new mail within {timeout}s (poll)")

    def fetch(self, n, part="BODY.PEEK[]"):
        typ, data = self.m.fetch(str(n), f"({part})")
        check(typ == "OK" and data and isinstance(data[0], tuple), f"FETCH {n}: {data}")
        return data[0][1]

    def close(self):
        try:
            self.m.logout()
        except Exception:
            pass


def one_run(latency_n, keep):
    timings = {}
    d = tempfile.mkdtemp(prefix="ppm.", dir="/tmp")
    try:
        t0 = time.monotonic()
        servers("start", d)
        timings["start_s"] = time.monotonic() - t0
        env = read_env(d)
        for k in ("IMAP_PORT", "LMTP_PORT", "SMTP_PORT", "MAIL_DIR", "PASSWORD",
                  "DOVECOT_PID_FILE", "SMTPD_PID_FILE"):
            check(env.get(k), f"env lacks {k}")
        check(pid_alive(env["DOVECOT_PID_FILE"]), "dovecot not running")
        check(pid_alive(env["SMTPD_PID_FILE"]), "smtpd not running")

        # Every user logs in; the auto-created folders exist and are subscribed.
        for u in USERS:
            m = imaplib.IMAP4("127.0.0.1", int(env["IMAP_PORT"]), timeout=10)
            m.login(u, env["PASSWORD"])
            typ, lsub = m.lsub()
            names = b" ".join(lsub)
            for folder in (b"Processed", b"Quarantine", b"Sent"):
                check(folder in names, f"{u}: {folder} not subscribed: {lsub}")
            m.logout()

        # Relay -> LMTP -> maildir, seen over IMAP IDLE.
        idler = Idler(env)
        subject = f"relay-{uuid.uuid4().hex[:8]}"
        relay_send(env, subject)
        n = idler.wait_idle()
        raw = idler.fetch(n)
        check(f"Subject: {subject}".encode() in raw, "relayed message not fetched")
        check(b"Message-ID:" in raw, "relay should add a Message-ID")

        # Byte-exact LMTP injection (no Message-ID, no Date, dot-stuffing, 8-bit body).
        exact = (
            b"From: Eve <eve@example.test>\r\n"
            b"To: helpdesk@ppdesk.test\r\n"
            b"Subject: =?utf-8?q?caf=C3=A8?= byte-exact\r\n"
            b"Content-Type: text/plain; charset=utf-8\r\n"
            b"Content-Transfer-Encoding: 8bit\r\n"
            b"\r\n"
            b"Caff\xc3\xa8 ristretto, per favore.  \r\n"
            b".a line that starts with a dot\r\n"
            b"\tand a tab\r\n"
        )
        with smtplib.LMTP("127.0.0.1", int(env["LMTP_PORT"])) as lm:
            refused = lm.sendmail("eve@example.test", [HELPDESK], exact)
            check(refused == {}, f"LMTP refused {refused}")
        n = idler.wait_idle()
        raw = idler.fetch(n)
        check(raw.endswith(exact), f"LMTP message altered:\n{raw!r}")
        prefix = raw[: len(raw) - len(exact)]
        check(prefix.startswith(b"Return-Path: <eve@example.test>\r\n"), f"prefix {prefix!r}")
        check(b"Message-ID" not in raw, "Message-ID was added to LMTP mail")
        text = idler.fetch(n, "BODY.PEEK[TEXT]")
        check(text == exact.split(b"\r\n\r\n", 1)[1], f"body altered: {text!r}")

        # Not an open relay; unknown users of the test domains are refused at RCPT.
        for rcpt in ("someone@elsewhere.invalid", "nobody@acme.test"):
            with smtplib.SMTP("127.0.0.1", int(env["SMTP_PORT"]), timeout=10) as s:
                try:
                    s.sendmail("mario.rossi@acme.test", [rcpt], message("x"))
                    raise AssertionError(f"relay accepted {rcpt}")
                except smtplib.SMTPRecipientsRefused as e:
                    check(e.recipients[rcpt][0] == 550, f"{rcpt}: {e.recipients}")

        # stop-smtp: connection refused; start-smtp: same port, mail flows again.
        servers("stop-smtp", d)
        check(not pid_alive(env["SMTPD_PID_FILE"]), "smtpd still running after stop-smtp")
        try:
            smtplib.SMTP("127.0.0.1", int(env["SMTP_PORT"]), timeout=5)
            raise AssertionError("relay still accepts connections after stop-smtp")
        except ConnectionRefusedError:
            check(True, "refused")
        servers("stop-smtp", d)  # idempotent
        t0 = time.monotonic()
        servers("start-smtp", d)
        timings["start_smtp_s"] = time.monotonic() - t0
        check(read_env(d)["SMTP_PORT"] == env["SMTP_PORT"], "SMTP port changed")
        subject = f"after-restart-{uuid.uuid4().hex[:8]}"
        relay_send(env, subject)
        n = idler.wait_idle()
        check(f"Subject: {subject}".encode() in idler.fetch(n), "no mail after start-smtp")

        # Relay -> IMAP visible latency: IDLE push and NOOP polling.
        idle_lat, poll_lat = [], []
        for i in range(latency_n):
            t0 = time.monotonic()
            relay_send(env, f"lat-idle-{i}")
            idler.wait_idle()
            idle_lat.append(time.monotonic() - t0)
        for i in range(latency_n):
            t0 = time.monotonic()
            relay_send(env, f"lat-poll-{i}")
            idler.wait_poll()
            poll_lat.append(time.monotonic() - t0)
        if latency_n:
            timings["relay_to_idle_median_ms"] = 1000 * statistics.median(idle_lat)
            timings["relay_to_poll_median_ms"] = 1000 * statistics.median(poll_lat)
        idler.close()

        servers("stop", d)
        check(not pid_alive(env["DOVECOT_PID_FILE"]), "dovecot still running after stop")
        check(not pid_alive(env["SMTPD_PID_FILE"]), "smtpd still running after stop")
        servers("stop", d)  # idempotent
        try:
            socket.create_connection(("127.0.0.1", int(env["IMAP_PORT"])), timeout=2).close()
            raise AssertionError("IMAP port still open after stop")
        except ConnectionRefusedError:
            check(True, "refused")
    except BaseException:
        subprocess.run([SERVERS, "stop", d], stdin=subprocess.DEVNULL)
        print(f"smoke: failed run left in {d}", file=sys.stderr)
        raise
    if not keep:
        shutil.rmtree(d, ignore_errors=True)
    return timings


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--latency", type=int, default=10, help="sends per latency sample")
    ap.add_argument("--keep", action="store_true", help="keep the DIRs")
    a = ap.parse_args()
    servers("install")
    for r in range(a.runs):
        t = one_run(a.latency, a.keep)
        print("run %d: %s" % (r + 1, ", ".join(f"{k}={v:.3f}" for k, v in t.items())))
    print(f"smoke: {CHECKS} passed, 0 failed")


if __name__ == "__main__":
    main()
