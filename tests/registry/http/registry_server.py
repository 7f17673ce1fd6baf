"""Starts and stops a real `sluice registry serve` for the black-box HTTP tests."""
import os
import re
import signal
import subprocess
import tempfile
import time

import requests

BINARY = os.environ.get("SLUICE_BINARY", "sluice")
V1 = "application/vnd.schemaregistry.v1+json"


class RegistryServer:
    """A server on a free loopback port with its own temporary SQLite store."""

    def __init__(self, *extra, store=None, tmpdir=None):
        self.tmp = tmpdir or tempfile.mkdtemp(prefix="sluice-registry-")
        self.store = store or os.path.join(self.tmp, "registry.db")
        self.extra = list(extra)
        self.proc = None
        self.url = None

    def start(self):
        args = [BINARY, "registry", "serve", "--listen", "127.0.0.1:0",
                "--store", "sqlite:" + self.store] + self.extra
        self.stderr_path = os.path.join(self.tmp, "server.stderr")
        self._stderr = open(self.stderr_path, "a")
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=self._stderr, text=True)
        m = None
        for _ in range(50):
            line = self.proc.stdout.readline()
            m = re.search(r"listening on (https?://[0-9.]+:\d+)", line)
            if m or not line:
                break
        if not m:
            self.proc.wait(timeout=10)
            err = open(self.stderr_path).read()
            raise RuntimeError(f"server did not start: {line!r} {err!r}")
        self.url = m.group(1)
        return self

    def stop(self, sig=signal.SIGTERM, timeout=15):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc.stdout.close()
        self._stderr.close()
        return self.proc.returncode

    def kill9(self):
        self.proc.kill()
        self.proc.wait()
        self.proc.stdout.close()
        self._stderr.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def wait_gone(proc, timeout=10):
    deadline = time.time() + timeout
    while proc.poll() is None and time.time() < deadline:
        time.sleep(0.02)
    return proc.poll()


class Client:
    def __init__(self, url, auth=None, verify=True):
        self.url = url
        self.s = requests.Session()
        self.s.auth = auth
        self.verify = verify

    def req(self, method, path, body=None, headers=None, raw=None, **params):
        h = {"Content-Type": V1} if (body is not None or raw is not None) else {}
        h.update(headers or {})
        data = raw if raw is not None else (None if body is None else __import__("json").dumps(body))
        return self.s.request(method, self.url + path, data=data, headers=h,
                              params=params or None, timeout=30, verify=self.verify)

    def get(self, path, **kw):
        return self.req("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.req("POST", path, body, **kw)

    def put(self, path, body=None, **kw):
        return self.req("PUT", path, body, **kw)

    def delete(self, path, **kw):
        return self.req("DELETE", path, **kw)

    def register(self, subject, schema, **kw):
        import json
        text = schema if isinstance(schema, str) else json.dumps(schema)
        return self.post(f"/subjects/{requests.utils.quote(subject, safe='')}/versions",
                         {"schema": text, **kw.pop("extra", {})}, **kw)
