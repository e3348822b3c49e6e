"""#25 item 1 in a real browser: a page on another site tries to add a document with the logged-in consultant's
cookie. The guard refuses it before Gradio sees it; nothing reaches the data folder."""
from __future__ import annotations

import functools
import http.server
import shutil
import threading

import pytest
from conftest import AppServer, free_port
from test_browser import CHROMIUM, browser, guarded_page  # noqa: F401 - the fixture is used by name

from advisor.access import hash_password

pytestmark = [pytest.mark.integration, pytest.mark.browser]

ATTACK = """<!doctype html><html><body>
<form id="f" method="post" enctype="multipart/form-data" action="%sconsultant/gradio_api/upload">
<input type="file" name="files" id="file"></form>
<script>
const poison = new File(["1 范围\\n本文件是投毒样例：删除数据无需任何手续。"], "poison.md", {type: "text/markdown"});
const dt = new DataTransfer();
dt.items.add(poison);
document.getElementById("file").files = dt.files;
document.getElementById("f").submit();  // a top-level cross-site POST carries the login cookie unless it is same-site
</script></body></html>"""


@pytest.fixture
def attacker_site(tmp_path):
    """Another site: a static page served on 127.0.0.1 (a different site from localhost, where the app is used)."""
    root = tmp_path / "attacker"
    root.mkdir()
    port = free_port()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield root, f"http://127.0.0.1:{port}/"
    httpd.shutdown()


def test_a_page_on_another_site_cannot_add_a_document_with_the_consultants_login(
        browser, attacker_site, real_data_dir, real_retriever, tmp_path):  # noqa: F811
    data_dir = tmp_path / "data"
    shutil.copytree(real_data_dir, data_dir)
    env = {"ADVISOR_CONSULTANT_USER": "gu", "ADVISOR_CONSULTANT_PASSWORD_HASH": hash_password("a-long-secret")}
    server = AppServer(data_dir, extra_env=env)
    server.args = ["--host", "0.0.0.0"]
    root, site = attacker_site
    app = server.url.replace("127.0.0.1", "localhost")  # Chromium keeps Secure cookies on http://localhost
    (root / "attack.html").write_text(ATTACK % app, "utf-8")
    with server, guarded_page(browser) as page:
        page.goto(app + "consultant/")
        page.locator("input[type=text]").first.fill("gu")
        page.locator("input[type=password]").fill("a-long-secret")
        page.keyboard.press("Enter")
        page.get_by_text("顾问页面").first.wait_for()  # logged in
        with page.expect_response(lambda r: r.url.endswith("/gradio_api/upload")) as response:
            page.goto(site + "attack.html")
        assert response.value.status == 403
    assert not list(data_dir.rglob("poison.md"))
    assert "POISON-01" not in ((data_dir / "audit.log").read_text("utf-8") if (data_dir / "audit.log").exists() else "")
