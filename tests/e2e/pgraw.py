"""tests/e2e/pgraw.py: a bare PostgreSQL wire-protocol client for the end-to-end tests that must do
what no driver does: stop mid-startup, hang up mid-query, send hand-made extended-protocol
messages. SCRAM-SHA-256 (RFC 5802/7677) with hashlib and hmac; no TLS."""
import base64
import hashlib
import hmac
import os
import socket
import struct


def msg(kind, body=b""):
    return kind + struct.pack("!I", len(body) + 4) + body


def cstr(s):
    return s.encode() + b"\0"


def startup_packet(user, db):
    body = struct.pack("!I", 196608) + cstr("user") + cstr(user) + cstr("database") + cstr(db) + b"\0"
    return struct.pack("!I", len(body) + 4) + body


class Conn:
    def __init__(self, port, timeout=10):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.buf = b""

    def recv_msg(self):
        while len(self.buf) < 5 or len(self.buf) < 1 + struct.unpack("!I", self.buf[1:5])[0]:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("server closed the connection")
            self.buf += chunk
        n = struct.unpack("!I", self.buf[1:5])[0]
        kind, body, self.buf = self.buf[:1], self.buf[5:1 + n], self.buf[1 + n:]
        return kind, body

    def send(self, data):
        self.sock.sendall(data)

    def login(self, user, password, db):
        self.send(startup_packet(user, db))
        kind, body = self.recv_msg()
        if kind == b"E":
            raise PgError(body)
        assert kind == b"R" and struct.unpack("!I", body[:4])[0] == 10, (kind, body)
        nonce = base64.b64encode(os.urandom(18)).decode()
        first_bare = f"n=,r={nonce}"
        first = "n,," + first_bare
        self.send(msg(b"p", cstr("SCRAM-SHA-256") + struct.pack("!I", len(first)) + first.encode()))
        kind, body = self.recv_msg()
        if kind == b"E":
            raise PgError(body)
        server_first = body[4:].decode()
        attrs = dict(a.split("=", 1) for a in server_first.split(","))
        salted = hashlib.pbkdf2_hmac("sha256", password.encode(), base64.b64decode(attrs["s"]), int(attrs["i"]))
        client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
        final_wo = f"c=biws,r={attrs['r']}"
        auth = f"{first_bare},{server_first},{final_wo}".encode()
        sig = hmac.new(hashlib.sha256(client_key).digest(), auth, hashlib.sha256).digest()
        proof = base64.b64encode(bytes(a ^ b for a, b in zip(client_key, sig))).decode()
        self.send(msg(b"p", f"{final_wo},p={proof}".encode()))
        while True:
            kind, body = self.recv_msg()
            if kind == b"E":
                raise PgError(body)
            if kind == b"Z":
                return self

    def query(self, sql):
        """Simple query; returns (rows, error fields or None)."""
        self.send(msg(b"Q", cstr(sql)))
        return self.results()

    def results(self):
        rows, error = [], None
        while True:
            kind, body = self.recv_msg()
            if kind == b"D":
                rows.append(body)
            elif kind == b"E":
                error = fields(body)
            elif kind == b"Z":
                return rows, error

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def fields(body):
    out = {}
    for part in body.split(b"\0"):
        if part:
            out[chr(part[0])] = part[1:].decode(errors="replace")
    return out


class PgError(Exception):
    def __init__(self, body):
        self.fields = fields(body)
        super().__init__(f"{self.fields.get('C')} {self.fields.get('M')}")
