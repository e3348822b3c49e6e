"""The guard in front of both pages (#25 items 1, 5, 7): cross-site requests, Host, framing, the login cookie, login
guesses. A tiny ASGI app stands in for Gradio; the guard is the real one."""
from __future__ import annotations

import threading

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from advisor import access
from advisor.access import ConsultantLogin, LoginThrottle, hash_password
from advisor.web.guard import Guard

HOST = "advisor.example"


def _fake_app(calls: list, login=None):
    """Echoes what reached it; ``/login`` answers like Gradio's (200 + a SameSite=None cookie, or 400)."""
    async def change(request: Request):
        calls.append(("change", request.headers.get("cookie", "")))
        response = JSONResponse({"ok": True})
        response.headers["access-control-allow-origin"] = request.headers.get("origin", "*")
        response.headers["access-control-allow-credentials"] = "true"
        return response

    async def login_route(request: Request):
        form = await request.form()
        calls.append(("login", threading.current_thread().name))
        if login is not None and login(form["username"].strip(), form["password"]):
            response = JSONResponse({"success": True})
            response.set_cookie("access-token-abc", "tok123", httponly=True, samesite="none", secure=True)
            response.set_cookie("access-token-unsecure-abc", "tok123", httponly=True)
            return response
        return JSONResponse({"detail": "Incorrect credentials."}, status_code=400)

    async def anything(request: Request):
        calls.append(("anything", request.url.path))
        if request.url.path.endswith("/broken"):
            return PlainTextResponse("Traceback (most recent call last):\n  File secret.py ...", status_code=500)
        if request.url.path.endswith("/page"):
            return HTMLResponse('<!doctype html><html\n\tlang="en"\n\tstyle="margin: 0"><body>数转顾问</body></html>')
        return JSONResponse({"path": request.url.path})

    return Starlette(routes=[Route("/change", change, methods=["GET", "POST"]),
                             Route("/consultant/login", login_route, methods=["POST"]),
                             Route("/{rest:path}", anything, methods=["GET", "POST"])])


def _client(calls, login=None, clock=None, hosts=(HOST,), **options):
    guard = Guard(_fake_app(calls, login), list(hosts), session_s=3600, login=login,
                  **({"clock": clock} if clock else {}), **options)
    return TestClient(guard, base_url=f"https://{HOST}"), guard


def test_a_cross_site_change_is_refused_before_the_page_sees_it():
    calls: list = []
    client, _ = _client(calls)
    refused = client.post("/change", headers={"Origin": "https://evil.example"})
    by_referer = client.post("/change", headers={"Referer": "https://evil.example/attack.html"})
    null_origin = client.post("/change", headers={"Origin": "null"})
    preflight = client.options("/change", headers={"Origin": "https://evil.example",
                                                    "Access-Control-Request-Method": "POST"})
    assert [r.status_code for r in (refused, by_referer, null_origin, preflight)] == [403, 403, 403, 403]
    assert calls == []
    assert client.post("/change", headers={"Origin": f"https://{HOST}"}).status_code == 200
    assert client.post("/change").status_code == 200  # no Origin, no Referer: a script, not a victim's browser
    assert len(calls) == 2


def test_no_credentialed_cors_for_a_foreign_origin():
    calls: list = []
    client, _ = _client(calls)
    foreign = client.get("/change", headers={"Origin": "https://evil.example"})
    assert foreign.status_code == 200
    assert not [h for h in foreign.headers if h.lower().startswith("access-control-")]


def test_every_response_forbids_framing_and_foreign_hosts_are_refused():
    calls: list = []
    client, _ = _client(calls, hosts=("127.0.0.1", "localhost"))
    ok = client.get("/change", headers={"Host": "127.0.0.1:7860"})
    rebinding = client.get("/change", headers={"Host": "attacker.example"})
    assert ok.status_code == 200 and rebinding.status_code == 400
    for response in (ok, rebinding):
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        assert response.headers["x-frame-options"] == "DENY"


@pytest.fixture
def login():
    return ConsultantLogin("gu", hash_password("a-long-secret", iterations=1000))


def test_the_login_cookie_is_same_site_with_a_lifetime_and_expires_on_the_server(login):
    calls: list = []
    now = [0.0]
    client, _ = _client(calls, login=login, clock=lambda: now[0])
    done = client.post("/consultant/login", data={"username": "gu", "password": "a-long-secret"})
    assert done.status_code == 200
    cookies = done.headers.get_list("set-cookie")
    assert len(cookies) == 2
    for cookie in cookies:
        assert "samesite=strict" in cookie.lower() and "max-age=3600" in cookie.lower()
        assert "samesite=none" not in cookie.lower()
    client.get("/change", headers={"Cookie": "access-token-abc=tok123; other=1"})
    now[0] = 3601.0  # the login is older than its lifetime: the page no longer sees it
    client.get("/change", headers={"Cookie": "access-token-abc=tok123; other=1"})
    client.get("/change", headers={"Cookie": "access-token-abc=forged"})  # never issued here
    seen = [cookie for kind, cookie in calls if kind == "change"]
    assert "access-token-abc=tok123" in seen[0] and "access-token" not in seen[1] and "other=1" in seen[1]
    assert "access-token" not in seen[2]


def test_a_login_from_another_site_is_refused(login):
    calls: list = []
    client, _ = _client(calls, login=login)
    refused = client.post("/consultant/login", data={"username": "gu", "password": "a-long-secret"},
                          headers={"Origin": "https://evil.example"})
    assert refused.status_code == 403 and calls == []


def test_login_guesses_wait_longer_and_longer_and_the_hash_runs_off_the_event_loop(login):
    calls: list = []
    now = [0.0]
    client, guard = _client(calls, login=login, clock=lambda: now[0])
    guard.throttle = LoginThrottle(free=3, base_s=10, clock=lambda: now[0])
    checked_in: list[str] = []
    original = login.check
    login.check = lambda u, p: checked_in.append(threading.current_thread().name) or original(u, p)
    codes = [client.post("/consultant/login", data={"username": "gu", "password": f"guess{i}"}).status_code
             for i in range(5)]
    assert codes == [400, 400, 400, 429, 429]
    assert client.post("/consultant/login", data={"username": "gu", "password": "a-long-secret"}).status_code == 429
    now[0] = 10.0  # the wait is over: one more attempt, then a longer wait
    assert client.post("/consultant/login", data={"username": "gu", "password": "wrong"}).status_code == 400
    assert client.post("/consultant/login", data={"username": "gu", "password": "a-long-secret"}).status_code == 429
    now[0] = 30.0
    assert client.post("/consultant/login", data={"username": "gu", "password": "a-long-secret"}).status_code == 200
    login_threads = [name for kind, name in calls if kind == "login"]
    # the hash ran in worker threads, and the login route did not hash again on the event loop
    assert len(checked_in) == len(login_threads) == 5
    assert all(name not in login_threads for name in checked_in)


def test_a_wrong_user_name_costs_the_same_hash_as_a_wrong_password(monkeypatch):
    hashed: list[str] = []
    real = access.verify_password
    monkeypatch.setattr(access, "verify_password", lambda p, s: hashed.append(p) or real(p, s))
    login = ConsultantLogin("gu", hash_password("a-long-secret", iterations=1000))
    assert not login("nobody", "x") and not login("gu", "x") and login("gu", "a-long-secret")
    assert hashed == ["x", "x", "a-long-secret"]


def test_the_owner_page_takes_no_upload_and_the_consultant_page_shows_nothing_before_login(login):
    """#25 items 6 and 9: anonymous uploads on the owner page (which has no upload control); the consultant page's
    API description, heartbeat, reset and cancel answered before login."""
    calls: list = []
    client, _ = _client(calls, login=login, private_prefix="/consultant", uploads=("/consultant/gradio_api/upload",))
    assert client.post("/gradio_api/upload").status_code == 403
    for path in ("/consultant/openapi.json", "/consultant/gradio_api/heartbeat/abc", "/consultant/gradio_api/reset",
                 "/consultant/gradio_api/cancel"):
        assert client.post(path).status_code == 401 and client.get(path).status_code == 401
    assert calls == []
    client.post("/consultant/login", data={"username": "gu", "password": "a-long-secret"})
    cookie = {"Cookie": "access-token-abc=tok123"}
    assert client.get("/consultant/openapi.json", headers=cookie).status_code == 200
    assert client.post("/consultant/gradio_api/upload", headers=cookie).status_code == 200
    assert client.get("/gradio_api/info").status_code == 200  # the owner page itself answers as before


def test_a_server_error_shows_no_traceback_and_the_page_says_it_is_chinese():
    calls: list = []
    client, _ = _client(calls)
    broken = client.get("/x/broken")
    assert broken.status_code == 500 and "Traceback" not in broken.text and "secret.py" not in broken.text
    page = client.get("/page")
    assert '<html\n\tlang="zh-CN"' in page.text and int(page.headers["content-length"]) == len(page.content)
