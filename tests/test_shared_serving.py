"""Served beyond loopback (#16): consultant credentials required, owners see no knowledge-base endpoint, the
consultant page is behind a login, a Host check and a Content-Security-Policy on every response; every knowledge-base
change is audited. Traffic stays on this machine: the app listens on 0.0.0.0 and is reached through 127.0.0.1."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import urllib.error
import urllib.request

import pytest
from conftest import AppServer

from advisor.access import hash_password
from advisor.config import PROJECT_ROOT

pytestmark = pytest.mark.integration


def test_serving_beyond_loopback_without_a_consultant_account_refuses_to_start(tmp_path):
    env = {**os.environ, "ADVISOR_DATA_DIR": str(tmp_path), "ADVISOR_LLM": "none",
           "ADVISOR_CONSULTANT_USER": "", "ADVISOR_CONSULTANT_PASSWORD_HASH": ""}
    done = subprocess.run([sys.executable, "app.py", "--host", "0.0.0.0", "--port", "7999"], cwd=PROJECT_ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and "顾问账号" in done.stderr and "hash-password" in done.stderr


def _request(url: str, data: bytes | None = None, headers: dict | None = None):
    """(status, headers, body) of one request; an HTTP error is an answer too."""
    request = urllib.request.Request(url, data=data, headers=headers or {}, method="GET" if data is None else "POST")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.headers, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read().decode("utf-8", "replace")


def _get(url: str, host: str | None = None):
    return _request(url, headers={"Host": host} if host else {})


def test_owners_get_no_knowledge_base_endpoint_and_consultants_log_in(real_data_dir, real_retriever, tmp_path):
    data_dir = tmp_path / "data"
    shutil.copytree(real_data_dir, data_dir)
    env = {"ADVISOR_CONSULTANT_USER": "gu", "ADVISOR_CONSULTANT_PASSWORD_HASH": hash_password("a-long-secret")}
    server = AppServer(data_dir, extra_env=env)
    server.args = ["--host", "0.0.0.0"]
    with server:
        status, headers, body = _get(server.url + "gradio_api/info")
        endpoints = set(json.loads(body)["named_endpoints"])
        assert status == 200 and "/chat" in endpoints and "/ask" in endpoints
        # not exposed to owners at all: knowledge-base changes, and naming an enterprise (which compares its sessions)
        assert not {"/add_document", "/remove_document", "/preview", "/enterprise"} & endpoints
        assert "img-src 'self' data: blob:" in headers["Content-Security-Policy"]
        status, _, _ = _get(server.url + "consultant/gradio_api/info")
        assert status in (401, 403)  # the consultant page answers nothing before the login
        status, _, _ = _get(server.url, host="evil.example")
        assert status == 400  # a Host header the app does not serve


def test_knowledge_base_changes_are_audited(app_server, tmp_path):
    from gradio_client import Client, handle_file
    doc = tmp_path / "审计样例.md"
    doc.write_text("1 范围\n本制度用于审计测试。\n", "utf-8")
    client = Client(app_server.url, verbose=False)
    client.predict(handle_file(str(doc)), "AUDIT-01", api_name="/add_document")
    client.predict("AUDIT-01", api_name="/remove_document")
    entries = [json.loads(line) for line in (app_server.data_dir / "audit.log").read_text("utf-8").splitlines()]
    mine = [e for e in entries if e["doc_id"] == "AUDIT-01"]
    assert [e["action"] for e in mine] == ["add", "remove"]
    assert all(len(e["sha256"]) == 64 and e["who"] == "local" and e["when"] for e in mine)


def _post(url: str, data: bytes, headers: dict):
    return _request(url, data, headers)


def test_the_consultant_login_is_same_site_and_a_foreign_site_gets_nothing(real_data_dir, real_retriever, tmp_path):
    """#25 item 1: a login from another site is refused; the login cookie is SameSite=Strict with a lifetime; a
    change sent with the consultant's cookie from another site is refused; no credentialed CORS for another site."""
    data_dir = tmp_path / "data"
    shutil.copytree(real_data_dir, data_dir)
    env = {"ADVISOR_CONSULTANT_USER": "gu", "ADVISOR_CONSULTANT_PASSWORD_HASH": hash_password("a-long-secret")}
    server = AppServer(data_dir, extra_env=env)
    server.args = ["--host", "0.0.0.0"]
    form = b"username=gu&password=a-long-secret"
    plain = {"Content-Type": "application/x-www-form-urlencoded"}
    with server:
        own = server.url.rstrip("/")
        status, _, _ = _post(server.url + "consultant/login", form, {**plain, "Origin": "https://evil.example"})
        assert status == 403
        status, headers, _ = _post(server.url + "consultant/login", form, {**plain, "Origin": own})
        cookies = headers.get_all("set-cookie")
        assert status == 200 and cookies
        assert all("samesite=strict" in c.lower() and "max-age=" in c.lower() for c in cookies)
        cookie = "; ".join(c.split(";", 1)[0] for c in cookies)
        status, _, _ = _get(server.url + "consultant/gradio_api/info")
        upload = (b"--b\r\nContent-Disposition: form-data; name=\"files\"; filename=\"poison.md\"\r\n"
                  b"Content-Type: text/markdown\r\n\r\n1 \xe8\x8c\x83\xe5\x9b\xb4\r\n--b--\r\n")
        multipart = {"Content-Type": "multipart/form-data; boundary=b", "Cookie": cookie}
        status, _, _ = _post(server.url + "consultant/gradio_api/upload", upload,
                             {**multipart, "Origin": "https://evil.example"})
        assert status == 403
        status, _, _ = _post(server.url + "consultant/gradio_api/upload", upload, {**multipart, "Origin": own})
        assert status == 200  # the same request from the consultant's own page goes through
        request = urllib.request.Request(server.url + "consultant/gradio_api/info",
                                         headers={"Cookie": cookie, "Origin": "https://evil.example"})
        with urllib.request.urlopen(request, timeout=30) as response:
            assert not [h for h in response.headers if h.lower().startswith("access-control-")]
        status, _, _ = _get(server.url + "consultant")
        assert status == 200  # the link printed at start (no trailing slash) leads to the login


def test_the_loopback_page_answers_only_its_own_host_and_cannot_be_framed(app_server):
    """#25 item 7: a DNS-rebinding page names its own host; the single-user page refuses it and forbids framing."""
    status, headers, _ = _get(app_server.url)
    assert status == 200 and "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    status, _, _ = _get(app_server.url, host="rebind.evil.example")
    assert status == 400


def test_a_malformed_password_hash_refuses_to_start_and_the_host_list_is_explained(tmp_path):
    """#25 item 9: a malformed hash was accepted at start (every login then failed); other machines' Host names were
    refused with no hint at start."""
    from advisor.access import consultant_login
    from advisor.config import Settings
    assert consultant_login(Settings(consultant_user="gu", consultant_password_hash="a-long-secret")) is None
    env = {**os.environ, "ADVISOR_DATA_DIR": str(tmp_path), "ADVISOR_LLM": "none", "ADVISOR_CONSULTANT_USER": "gu",
           "ADVISOR_CONSULTANT_PASSWORD_HASH": "pbkdf2_sha256$abc$zz$not-hex"}
    done = subprocess.run([sys.executable, "app.py", "--host", "0.0.0.0", "--port", "7999"], cwd=PROJECT_ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and "格式不对" in done.stderr
    env["ADVISOR_CONSULTANT_PASSWORD_HASH"] = hash_password("a-long-secret")
    app = subprocess.Popen([sys.executable, "app.py", "--host", "0.0.0.0", "--port", "7999"], cwd=PROJECT_ROOT,
                           env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        first = app.stdout.readline()
    finally:
        app.kill()
        app.wait(timeout=30)
    assert "ADVISOR_ALLOWED_HOSTS" in first
