"""The deployment files in deploy/, checked as far as this machine allows: the systemd unit by
`systemd-analyze verify` and by running its command with its environment file; the nginx
site by `nginx -t` and by nginx serving a real `govcal serve` over TLS on local ports; the
Caddyfile by `caddy validate`; the cron job by running its command, then restoring what it wrote.

A tool that is missing skips its test, saying so; `.ci/run` installs them, so CI runs them all.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import free_port, serving
from scheduler.store import schema

ROOT = Path(__file__).parent.parent
DEPLOY = ROOT / "deploy"
UNIT = DEPLOY / "govcal.service"
ENV = DEPLOY / "govcal.env.example"
NGINX = DEPLOY / "nginx-govcal.conf"
CADDY = DEPLOY / "Caddyfile"
CRON = DEPLOY / "govcal-backup.cron"
GOVCAL = str(Path(sys.executable).parent / "govcal")
INSTALLED = "/opt/govcal/.venv/bin/govcal"  # where docs/deploy.md installs it
HOST = "govcal.example.org"


def tool(name: str) -> str:
    """The program's path (sbin included: nginx is there), or skip saying it is missing."""
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")
    if found is None:
        pytest.skip(f"{name} is not installed (.ci/run installs it)")
    return found


def unit() -> dict[str, str]:
    """The unit's keys (the last of each), as systemd reads them."""
    keys = {}
    for line in UNIT.read_text().splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, _, value = line.partition("=")
            keys[key.strip()] = value.strip()
    return keys


def environment(path: Path) -> dict[str, str]:
    """An EnvironmentFile's variables, quotes removed as systemd removes them."""
    found = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, value = line.partition("=")
            found[key.strip()] = shlex.split(value)[0] if value.strip() else ""
    return found


def test_the_unit_verifies_and_names_what_docs_say():
    analyze = tool("systemd-analyze")
    keys = unit()
    assert keys["ExecStart"].startswith(f"{INSTALLED} serve ") and keys["EnvironmentFile"] == "/etc/govcal/govcal.env"
    assert keys["Restart"] == "on-failure" and keys["RestartPreventExitStatus"] == "2"
    with_govcal = UNIT.read_text().replace(INSTALLED, GOVCAL)  # verify checks the program exists
    folder = Path(os.environ.get("TMPDIR", "/tmp")) / f"govcal-unit-{os.getpid()}"
    folder.mkdir(exist_ok=True)
    try:
        (folder / "govcal.service").write_text(with_govcal)
        done = subprocess.run([analyze, "verify", str(folder / "govcal.service")], capture_output=True, text=True)
    finally:
        shutil.rmtree(folder)
    # systemd-analyze exits 0 on an unknown key, only warning: no output at all is the pass
    assert (done.returncode, done.stdout.strip(), done.stderr.strip()) == (0, "", "")


def test_the_unit_the_proxies_and_the_environment_agree_on_the_address():
    argv = shlex.split(unit()["ExecStart"])
    address = f"{argv[argv.index('--host') + 1]}:{argv[argv.index('--port') + 1]}"
    assert f"server {address};" in NGINX.read_text()
    assert f"reverse_proxy {address}" in CADDY.read_text()
    env = environment(ENV)
    assert env["GOVCAL_PUBLIC_URL"] == f"https://{HOST}"
    assert f"server_name {HOST};" in NGINX.read_text() and f"\n{HOST} {{" in CADDY.read_text()
    assert set(env) >= {"GOVCAL_DATABASE_URL", "GOVCAL_SMTP_URL", "GOVCAL_MAIL_FROM", "GOVCAL_ALLOWED_HOSTS"}


# -- nginx in front of govcal ----------------------------------------------------------------


def certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for the public host and 127.0.0.1, made with openssl."""
    openssl = tool("openssl")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", f"/CN={HOST}",
         "-addext", f"subjectAltName=DNS:{HOST},IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


def site(folder: Path, upstream: int, http: int, https: int) -> Path:
    """The shipped site with this test's ports and certificate in place of the real ones, in a
    whole nginx configuration of its own (every path in `folder`)."""
    cert, key = certificate(folder)
    text = NGINX.read_text()
    for real, here in [
        ("server 127.0.0.1:8000;", f"server 127.0.0.1:{upstream};"),
        ("listen 80;", f"listen 127.0.0.1:{http};"),
        ("listen 443 ssl;", f"listen 127.0.0.1:{https} ssl;"),
        (f"/etc/letsencrypt/live/{HOST}/fullchain.pem", str(cert)),
        (f"/etc/letsencrypt/live/{HOST}/privkey.pem", str(key)),
    ]:
        assert real in text, f"{NGINX.name} no longer says {real!r}: update this test with it"
        text = text.replace(real, here)
    text = "\n".join(line for line in text.splitlines() if "listen [::]" not in line)  # no IPv6 needed here
    (folder / "site.conf").write_text(text)
    temp = " ".join(
        f"{kind}_temp_path {folder / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers as the test's user: they read nothing else
    conf = folder / "nginx.conf"
    conf.write_text(
        f"{user}worker_processes 1;\npid {folder / 'nginx.pid'};\nerror_log {folder / 'error.log'} warn;\n"
        f"events {{}}\nhttp {{\n{temp}\ninclude {folder / 'site.conf'};\n}}\n"
    )
    return conf


def test_nginx_accepts_the_site(tmp_path):
    nginx = tool("nginx")
    conf = site(tmp_path, free_port(), free_port(), free_port())
    done = subprocess.run(
        [nginx, "-t", "-c", str(conf), "-p", str(tmp_path), "-e", str(tmp_path / "error.log")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0 and "test is successful" in done.stderr, done.stderr


@contextmanager
def nginx_running(conf: Path, folder: Path, http: int) -> Iterator[None]:
    nginx = tool("nginx")
    error_log = str(folder / "error.log")
    process = subprocess.Popen(
        [nginx, "-c", str(conf), "-p", str(folder), "-e", error_log, "-g", "daemon off;"],
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", http), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(Path(error_log).read_text() if Path(error_log).exists() else "nginx") from None
                time.sleep(0.1)
        yield
    finally:
        process.terminate()
        process.wait(timeout=20)


@contextmanager
def govcal_as_the_unit_runs_it(folder: Path, port: int) -> Iterator[Path]:
    """`govcal serve` as govcal.service starts it: its ExecStart (on `port`), the example
    environment file (its database in `folder`), its working directory; yields the log."""
    argv = shlex.split(unit()["ExecStart"])
    argv[0] = GOVCAL
    argv[argv.index("--port") + 1] = str(port)
    env = {**os.environ, **environment(ENV)}
    env["GOVCAL_DATABASE_URL"] = f"sqlite:///{folder / 'govcal.db'}"
    env.pop("GOVCAL_SMTP_URL")  # the reminder clock is the README's; no mail server here
    log = folder / "govcal.log"
    with log.open("w") as out:
        process = subprocess.Popen(argv, cwd=folder, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(log.read_text()) from None
                time.sleep(0.2)
        yield log
    finally:
        process.terminate()
        process.wait(timeout=20)


def fetch(url: str, host: str, cert: Path | None = None) -> tuple[int, dict[str, str], bytes]:
    """A GET with this Host header, trusting `cert`, redirects not followed: status, headers, body."""

    class Stay(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003 - urllib's signature
            return None

    handlers: list[urllib.request.BaseHandler] = [Stay()]
    if cert is not None:
        handlers.append(urllib.request.HTTPSHandler(context=ssl.create_default_context(cafile=str(cert))))
    opener = urllib.request.build_opener(*handlers)
    try:
        with opener.open(urllib.request.Request(url, headers={"Host": host}), timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_nginx_serves_govcal_over_tls_as_the_unit_runs_it(tmp_path):
    tool("nginx")
    upstream, http, https = free_port(), free_port(), free_port()
    conf = site(tmp_path, upstream, http, https)
    with govcal_as_the_unit_runs_it(tmp_path, upstream) as log, nginx_running(conf, tmp_path, http):
        status, headers, body = fetch(f"https://127.0.0.1:{https}/planner", HOST, tmp_path / "cert.pem")
        assert status == 200 and b"<html" in body.lower()
        assert "max-age=31536000" in headers["Strict-Transport-Security"]
        # the feed's links are the public address's, not the loopback one govcal listens on
        status, _, feed = fetch(f"https://127.0.0.1:{https}/feeds/all.ics", HOST, tmp_path / "cert.pem")
        assert status == 200 and feed.startswith(b"BEGIN:VCALENDAR") and f"https://{HOST}/".encode() in feed
        # plain HTTP is sent to HTTPS, the path kept
        status, headers, _ = fetch(f"http://127.0.0.1:{http}/planner?year=2026", HOST)
        assert (status, headers["Location"]) == (301, f"https://{HOST}/planner?year=2026")
        # a host neither the public address's nor allowed is refused by govcal behind the proxy
        assert fetch(f"https://127.0.0.1:{https}/planner", "elsewhere.example", tmp_path / "cert.pem")[0] == 400
        assert fetch(f"https://127.0.0.1:{https}/planner", "govcal.internal", tmp_path / "cert.pem")[0] == 200
    said = log.read_text()
    assert f"planner: https://{HOST}/planner" in said  # --public-url from the environment file
    assert '"GET /planner HTTP/1.1" 200' in said  # govcal's own access log, the one kept (nginx's is off)


def test_caddy_accepts_the_caddyfile(tmp_path):
    caddy = tool("caddy")
    env = {**os.environ, "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)}
    done = subprocess.run(
        [caddy, "validate", "--config", str(CADDY), "--adapter", "caddyfile"], capture_output=True, text=True, env=env
    )
    assert done.returncode == 0 and "Valid configuration" in done.stdout + done.stderr, done.stderr


# -- backups from cron, and restoring one -------------------------------------------------------


def test_the_cron_job_writes_a_backup_that_restores(tmp_path):
    (line,) = [each for each in CRON.read_text().splitlines() if each and not each.startswith(("#", "SHELL="))]
    fields = line.split(None, 6)
    assert fields[5] == "govcal", "an /etc/cron.d line names the user it runs as"
    command = fields[6].replace("\\%", "%")  # cron turns an unescaped % into a newline
    backups, state = tmp_path / "backups", tmp_path / "state"
    backups.mkdir()
    state.mkdir()
    database = f"sqlite:///{state / 'govcal.db'}"
    env_file = tmp_path / "govcal.env"
    env_file.write_text(ENV.read_text().replace("sqlite:////var/lib/govcal/govcal.db", database))
    for real, here in [
        ("/etc/govcal/govcal.env", str(env_file)),
        ("/var/lib/govcal", str(state)),
        (INSTALLED, GOVCAL),
        ("/var/backups/govcal", str(backups)),
    ]:
        assert real in command, f"{CRON.name} no longer says {real}: update this test with it"
        command = command.replace(real, here)
    planned = subprocess.run([GOVCAL, "plan", "2026", "--save", "--database", database], capture_output=True, text=True)
    assert planned.returncode == 0, planned.stderr
    done = subprocess.run(["/bin/sh", "-c", command], capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    (written,) = backups.glob("govcal-*.jsonl.gz")
    assert re.fullmatch(r"govcal-\d{4}-\d\d-\d\d\.jsonl\.gz", written.name)
    restored = f"sqlite:///{tmp_path / 'restored.db'}"
    done = subprocess.run(
        [GOVCAL, "db", "restore", str(written), "--database", restored], capture_output=True, text=True
    )
    assert done.returncode == 0 and f"written at schema revision {schema.head()}" in done.stdout, done.stderr


def test_serve_upgrade_migrates_an_older_database_then_serves(tmp_path):
    """What docs/deploy.md offers for one instance: `serve --upgrade` in place of `db upgrade` first."""
    url = f"sqlite:///{tmp_path / 'govcal.db'}"
    schema.upgrade(url, to="0006")
    with serving(tmp_path, "--upgrade", database=url) as (address, _):
        assert urllib.request.urlopen(f"{address}/planner", timeout=30).status == 200
    assert f"from schema revision 0006 to {schema.head()}" in (tmp_path / "serve.log").read_text()
