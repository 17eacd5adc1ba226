"""LocalStack 4.12 on the host, on a free port, for one pytest session.

The venv comes from scripts/localstack/env.sh (ls_install); this starts it the
way ls_start does, but on a port the OS picks, so two runs on one machine do
not collide: bound to 127.0.0.1 only (GATEWAY_SERVER=hypercorn: the default
server ignores the host and binds 0.0.0.0), no DNS server, temp files and
state in a run folder of its own, in its own session and process group, so
stop() ends it and nothing else.
"""

import json
import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

# CloudFormation needs the placeholder Lambda functions that its
# AWS::Lambda::Permission resources name, hence lambda (and iam, sts).
SERVICES = "apigateway,cloudformation,lambda,iam,sts,s3"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LocalStack:
    def __init__(self, python, port=None, start_timeout=60):
        self.python = python
        self.port = port or free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.start_timeout = start_timeout
        self.run_dir = Path(tempfile.mkdtemp(prefix="corsform-localstack-"))
        self.process = None

    def health(self):
        try:
            with urllib.request.urlopen(f"{self.endpoint}/_localstack/health", timeout=2) as r:
                return json.load(r)
        except (OSError, ValueError):
            return None

    def log(self):
        path = self.run_dir / "localstack.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def start(self):
        """Starts LocalStack and waits for apigateway; RuntimeError with its log otherwise."""
        if self.health() is not None:
            raise RuntimeError(f"something already answers on {self.endpoint}")
        (self.run_dir / "volume").mkdir()
        (self.run_dir / "tmp").mkdir()
        env = dict(
            os.environ, GATEWAY_LISTEN=f"127.0.0.1:{self.port}", GATEWAY_SERVER="hypercorn", SERVICES=SERVICES,
            DISABLE_EVENTS="1", SKIP_SSL_CERT_DOWNLOAD="1", DNS_ADDRESS="0",
            LOCALSTACK_VOLUME_DIR=str(self.run_dir / "volume"), TMPDIR=str(self.run_dir / "tmp"))
        with open(self.run_dir / "localstack.log", "wb") as log:
            self.process = subprocess.Popen(
                [self.python, "-m", "localstack.runtime.main"], cwd=self.run_dir, env=env,
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + self.start_timeout
        while True:
            services = (self.health() or {}).get("services", {})
            if services.get("apigateway") in ("available", "running"):
                return
            if self.process.poll() is not None or time.monotonic() > deadline:
                log = self.log()
                self.stop()
                raise RuntimeError(f"LocalStack did not get ready on {self.endpoint}; its log:\n{log}")
            time.sleep(0.2)

    def stop(self):
        """Ends LocalStack's process group (SIGKILL after 10 s) and removes its run folder."""
        if self.process is not None and self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
            except ProcessLookupError:
                pass
        self.process = None
        subprocess.run(["rm", "-rf", str(self.run_dir)], check=False)

    def base_url(self, api_id, stage):
        """Where LocalStack serves a stage (its path form of execute-api)."""
        return f"{self.endpoint}/_aws/execute-api/{api_id}/{stage}"
