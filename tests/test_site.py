"""The built book, opened in a real headless browser (Debian's chromium).

Builds the site once (``jupyter-book build`` with warnings as errors, from the committed notebooks
and cache), then for every page: a real browser loads it over HTTP from 127.0.0.1, every image the
page references is fetched successfully, the math is typeset by the bundled MathJax (no CDN), and
no request fails. All internal links and anchors of every page resolve.
"""

import functools
import http.server
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin, urlparse

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("book")
    jb = Path(sys.executable).with_name("jupyter-book")
    proc = subprocess.run(
        [str(jb), "build", str(ROOT), "--path-output", str(out), "-W", "-n", "--keep-going"],
        capture_output=True, text=True, timeout=900,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    html = out / "_build" / "html"
    assert (html / "index.html").exists()
    return html


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs, self.imgs, self.ids = [], [], set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and a.get("href"):
            self.hrefs.append(a["href"])
        if tag == "img" and a.get("src"):
            self.imgs.append(a["src"])


@functools.lru_cache(maxsize=None)
def _parse(path: Path) -> _Links:
    p = _Links()
    p.feed(path.read_text(errors="replace"))
    return p


def _pages(html: Path):
    skip = {"genindex.html", "search.html"}
    return sorted(p for p in html.rglob("*.html")
                  if "_static" not in p.parts and "_sources" not in p.parts and p.name not in skip)


def test_every_toc_entry_became_a_page(site):
    toc = (ROOT / "_toc.yml").read_text()
    for entry in re.findall(r"file:\s*(\S+)", toc) + re.findall(r"root:\s*(\S+)", toc):
        assert (site / f"{entry}.html").exists(), entry


def test_internal_links_and_anchors_resolve(site):
    broken = []
    for page in _pages(site):
        for href in _parse(page).hrefs:
            if urlparse(href).scheme or href.startswith(("mailto:", "//")):
                continue
            target, frag = urldefrag(href)
            dest = page if not target else (page.parent / unquote(target)).resolve()
            if not dest.exists():
                broken.append(f"{page.relative_to(site)} -> {href}")
            elif frag and dest.suffix == ".html" and frag not in _parse(dest).ids:
                broken.append(f"{page.relative_to(site)} -> {href} (no anchor)")
    assert not broken, broken[:20]


@pytest.fixture(scope="module")
def server(site):
    log = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, fmt, *args):  # record, do not print
            pass

        def log_request(self, code="-", size="-"):
            log.append((unquote(urlparse(self.path).path), int(code) if str(code).isdigit() else 0))

    handler = functools.partial(Handler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/", log
    httpd.shutdown()
    httpd.server_close()


def _browse(url: str) -> str:
    # a fresh profile per page: nothing comes from the browser's cache, every resource is fetched
    with tempfile.TemporaryDirectory() as profile:
        cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--no-first-run", "--disable-quic", f"--user-data-dir={profile}",
               "--virtual-time-budget=20000", "--dump-dom", url]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


def test_pages_render_in_a_real_browser(site, server):
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed: .ci/run must install Debian's chromium")
        pytest.skip("chromium not installed (CI installs it)")
    base, log = server
    pages = _pages(site)
    assert len(pages) >= 8
    math_pages = 0
    for page in pages:
        rel = page.relative_to(site).as_posix()
        log.clear()
        dom = _browse(urljoin(base, rel))
        assert "</html>" in dom, rel
        # the browser asks for /favicon.ico on its own; the site has none
        failed = [(p, c) for p, c in log if c >= 400 and p != "/favicon.ico"]
        assert not failed, (rel, failed)
        requested = {p for p, c in log if c == 200}
        for src in _parse(page).imgs:
            if urlparse(src).scheme:
                continue
            want = urlparse(urljoin("/" + rel, src)).path
            assert unquote(want) in requested, (rel, src)
        source = page.read_text()
        if "\\(" in source or "\\[" in source or 'class="math' in source:
            math_pages += 1
            assert "mjx-container" in dom, f"math not typeset on {rel}"
            assert "math input error" not in dom.lower(), rel
            # MathJax came from the site itself, not a CDN
            assert any(p.startswith("/_static/mathjax/") for p in requested), rel
    assert math_pages >= 3
