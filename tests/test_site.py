"""The built book, opened in a real headless browser (Debian's chromium).

Builds the site once (``jupyter-book build`` with warnings as errors, from the committed notebooks
and cache) into ``_build/site-test/`` (ignored by git; ``$GLASSLIB_SITE_TEST_DIR`` moves it),
then opens every page over HTTP from 127.0.0.1 in one headless chromium driven through the
DevTools protocol (on a pipe: no extra package), at a 1280x800 viewport, each page in a fresh
browser context with the cache off. For every page: every request succeeds and every image the
page references is fetched, the math is typeset by the bundled MathJax (no CDN), no element of
the content column is wider than the column, and a full-page screenshot is saved to
``_build/site-test/screenshots/<page>.png`` for a person to look at. Every figure's caption
prints the registry's name (the paper's number, or its own title) and the N and realization
counts of the ensembles behind it; the report's verdict tally is visible above the fold. All
internal links and anchors of every page resolve, and the landing page links the paper and the
repository.
"""

import base64
import functools
import http.server
import json
import os
import re
import select
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, unquote, urldefrag, urljoin, urlparse

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# a stable folder (not a pytest tmp dir), so the screenshots can be found after the run;
# _build/ is in .gitignore
BUILD = Path(os.environ.get("GLASSLIB_SITE_TEST_DIR") or ROOT / "_build" / "site-test")
SCREENSHOTS = BUILD / "screenshots"
VIEWPORT = (1280, 800)  # the page as tested and photographed
PHONE = (390, 844)  # the width check is repeated at a phone's width
# Sphinx < 8.2 writes an inline script added in builder-inited twice (sphinx-doc/sphinx#13402);
# sphinx-thebe's one declares consts, so the second copy throws. Harmless: the first defines them.
KNOWN_SCRIPT_ERRORS = {"SyntaxError: Identifier 'THEBE_JS_URL' has already been declared"}
PAPER_TITLE = ("Effect of interactions and disorder on the relaxation of two-level systems in "
               "amorphous solids")

pytestmark = pytest.mark.slow


def _say(request, message: str) -> None:
    """Print past pytest's output capture (the build folder is for a person to open)."""
    capman = request.config.pluginmanager.getplugin("capturemanager")
    with capman.global_and_fixture_disabled():
        print(f"\n{message}", flush=True)


@pytest.fixture(scope="module")
def site(request):
    # a clean build each time: an incremental Sphinx build re-reads only changed pages and so
    # would not repeat their warnings, which -W turns into failures
    shutil.rmtree(BUILD, ignore_errors=True)
    BUILD.mkdir(parents=True)
    _say(request, f"site test: building the book into {BUILD}")
    jb = Path(sys.executable).with_name("jupyter-book")
    proc = subprocess.run(
        [str(jb), "build", str(ROOT), "--path-output", str(BUILD), "-W", "-n", "--keep-going"],
        capture_output=True, text=True, timeout=900,
    )
    plain = re.sub(r"\x1b\[[0-9;]*m", "", proc.stdout + proc.stderr)  # no terminal colours
    warnings = [line for line in plain.splitlines() if "WARNING" in line or "ERROR" in line]
    assert proc.returncode == 0, "\n".join(warnings) or proc.stdout[-4000:] + proc.stderr[-4000:]
    html = BUILD / "_build" / "html"
    assert (html / "index.html").exists()
    return html


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs, self.imgs, self.ids = [], [], set()
        self.refresh = None  # the target of a <meta http-equiv="refresh"> redirect

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and a.get("href"):
            self.hrefs.append(a["href"])
        if tag == "img" and a.get("src"):
            self.imgs.append(a["src"])
        if tag == "meta" and (a.get("http-equiv") or "").lower() == "refresh":
            m = re.search(r"url=(\S+)", a.get("content") or "", flags=re.I)
            self.refresh = m.group(1) if m else None


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
        p = _parse(page)
        for href in p.hrefs + ([p.refresh] if p.refresh else []):
            if urlparse(href).scheme or href.startswith(("mailto:", "//")):
                continue
            target, frag = urldefrag(href)
            dest = page if not target else (page.parent / unquote(target)).resolve()
            if not dest.exists():
                broken.append(f"{page.relative_to(site)} -> {href}")
            elif frag and dest.suffix == ".html" and frag not in _parse(dest).ids:
                broken.append(f"{page.relative_to(site)} -> {href} (no anchor)")
    assert not broken, broken[:20]


def test_landing_page_links_the_paper_and_the_repository(site):
    page = site / "book" / "intro.html"
    hrefs = _parse(page).hrefs

    def query(href, key):
        return " ".join(parse_qs(urlparse(href).query).get(key, [])).strip('"').lower()

    # the identifiers are not in our copy of the paper: title searches that certainly find it
    arxiv = [h for h in hrefs if urlparse(h).netloc == "arxiv.org"]
    assert any(query(h, "query") == PAPER_TITLE.lower() and query(h, "searchtype") == "title"
               for h in arxiv), arxiv
    crossref = [h for h in hrefs if urlparse(h).netloc in ("search.crossref.org", "doi.org")]
    assert any(query(h, "q") == PAPER_TITLE.lower() or urlparse(h).netloc == "doi.org"
               for h in crossref), crossref
    # the repository: its README, shipped with the site (a download), is the README itself
    readme = [h for h in hrefs if not urlparse(h).scheme and h.endswith("README.md")]
    assert readme, "the landing page links the repository's README"
    for h in readme:
        shipped = (page.parent / unquote(h)).resolve()
        assert shipped.read_bytes() == (ROOT / "README.md").read_bytes(), h


# ---------------------------------------------------------------------------------------------
# the browser: chromium driven through the DevTools protocol on a pipe (fds 3 and 4)


class Chromium:
    """One headless chromium and a minimal DevTools-protocol client (``--remote-debugging-pipe``:
    JSON messages separated by NUL bytes, commands on the child's fd 3, answers on its fd 4)."""

    def __init__(self, binary: str):
        self.profile = tempfile.mkdtemp(prefix="glasslib-chromium-")
        child_in, self._w = os.pipe()
        self._r, child_out = os.pipe()

        def wire():  # in the child, before exec: the pipe ends on fds 3 and 4
            os.dup2(child_in, 100)
            os.dup2(child_out, 101)
            os.dup2(100, 3)
            os.dup2(101, 4)

        self.proc = subprocess.Popen(
            [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--no-first-run", "--disable-quic", "--hide-scrollbars",
             f"--user-data-dir={self.profile}", "--remote-debugging-pipe", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            close_fds=False, preexec_fn=wire)
        os.close(child_in)
        os.close(child_out)
        self._buf = b""
        self._id = 0
        self.events = []

    def _read(self, timeout: float) -> dict:
        deadline = time.monotonic() + timeout
        while b"\0" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._r], [], [], left)[0]:
                raise TimeoutError("chromium did not answer in time")
            chunk = os.read(self._r, 1 << 20)
            if not chunk:
                raise RuntimeError("chromium closed its DevTools pipe")
            self._buf += chunk
        message, self._buf = self._buf.split(b"\0", 1)
        return json.loads(message)

    def send(self, method: str, session: str | None = None, timeout: float = 60, **params):
        self._id += 1
        message = {"id": self._id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._w, json.dumps(message).encode() + b"\0")
        while True:
            m = self._read(timeout)
            if m.get("id") == self._id:
                if "error" in m:
                    raise RuntimeError(f"{method}: {m['error']}")
                return m.get("result", {})
            self.events.append(m)

    def wait_event(self, method: str, session: str, timeout: float = 60) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            for i, m in enumerate(self.events):
                if m.get("method") == method and m.get("sessionId") == session:
                    return self.events.pop(i)
            self.events.append(self._read(max(0.01, deadline - time.monotonic())))

    def evaluate(self, session: str, expression: str, timeout: float = 60):
        r = self.send("Runtime.evaluate", session, timeout=timeout, expression=expression,
                      awaitPromise=True, returnByValue=True)
        if "exceptionDetails" in r:
            raise RuntimeError(f"page script failed: {r['exceptionDetails']}")
        return r["result"].get("value")

    def close(self):
        try:
            self.send("Browser.close", timeout=10)
        except (RuntimeError, TimeoutError, OSError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._w)
        os.close(self._r)
        shutil.rmtree(self.profile, ignore_errors=True)


# The layout of the page as it is now: the content column (the article's content box) and every
# element wider than it. An element fits if its box, and for overflow:visible its content, ends
# inside the column; a scroll container (overflow-x not visible) fits if its own box does: its
# children are not checked. Reported: an element whose own box is too wide (not its children),
# else the innermost elements whose content runs out (a long word: its paragraph).
LAYOUT = r"""
(() => {
  const describe = (el, end, right) => ({
    tag: el.tagName.toLowerCase(), id: el.id, cls: el.className && String(el.className),
    text: (el.innerText || el.textContent || "").replace(/\s+/g, " ").trim().slice(0, 100),
    excess: Math.round(end - right)});
  const out = {width: innerWidth, pageWidth: document.documentElement.scrollWidth,
               column: null, wide: []};
  const col = document.querySelector("article.bd-article");
  if (!col) return out;
  const cs = getComputedStyle(col), cr = col.getBoundingClientRect();
  const right = cr.right - parseFloat(cs.paddingRight) - parseFloat(cs.borderRightWidth);
  out.column = {left: cr.left + parseFloat(cs.paddingLeft), right};
  const walk = el => {
    let found = false;
    for (const c of el.children) {
      const s = getComputedStyle(c);
      if (s.display === "none") continue;
      const r = c.getBoundingClientRect();
      const shown = r.width > 0 && r.height > 0 && s.visibility !== "hidden";
      if (shown && r.right > right + 1) {
        out.wide.push(describe(c, r.right, right));
        found = true;
        continue;
      }
      if (s.overflowX !== "visible") continue;
      const end = c.clientWidth > 0 ? r.left + c.clientLeft + c.scrollWidth : r.right;
      if (walk(c)) found = true;
      else if (shown && end > right + 1) {
        out.wide.push(describe(c, end, right));
        found = true;
      }
    }
    return found;
  };
  walk(col);
  return out;
})()
"""

# Run in the page once it has loaded and MathJax has typeset it, at the 1280x800 viewport and
# scrolled to the top. Returns what the tests check.
PROBE = r"""
(async () => {
  const hasMath = document.querySelector(".math") !== null;
  const t0 = Date.now();
  while (hasMath && !(window.MathJax && MathJax.startup && MathJax.startup.promise)
         && Date.now() - t0 < 20000) await new Promise(r => setTimeout(r, 50));
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) await MathJax.startup.promise;
  await document.fonts.ready;
  window.scrollTo(0, 0);

  // TeX source of every typeset formula, by its container
  const tex = new Map();
  if (window.MathJax && MathJax.startup && MathJax.startup.document)
    for (const item of MathJax.startup.document.math)
      if (item.typesetRoot) tex.set(item.typesetRoot, item.math);
  const text = node => {  // text with each formula as $TeX$
    if (node.nodeType === Node.TEXT_NODE) return node.textContent;
    if (node.nodeType !== Node.ELEMENT_NODE || node.classList.contains("headerlink")) return "";
    if (tex.has(node)) return "$" + tex.get(node) + "$";
    return [...node.childNodes].map(text).join("");
  };

  const figures = [...document.querySelectorAll("figure[id]")].map(f => {
    const cap = f.querySelector("figcaption");
    const strong = cap && cap.querySelector("strong");
    return {id: f.id, visible: cap ? cap.innerText.replace(/\s+/g, " ").trim() : null,
            strong: strong ? strong.innerText.trim() : null,
            caption: cap ? text(cap).replace(/\s+/g, " ").trim() : null};
  });

  // the verdict tally: the innermost element of #verdict-tally whose text holds it
  let tally = null;
  // a MyST label "(verdict-tally)=" on a heading is written as an empty <span id> at the top
  // of the section it labels: the tally is looked for in that section
  let sec = document.getElementById("verdict-tally");
  if (sec && !sec.textContent.trim() && sec.parentElement
      && sec.parentElement.tagName === "SECTION") sec = sec.parentElement;
  if (sec) {
    const pattern = new RegExp("(\\d+) reproduced, (\\d+) partly, (\\d+) not reproduced, "
                               + "(\\d+) undecided \\(of (\\d+) claims\\)");
    let holder = null;
    for (const el of [sec, ...sec.querySelectorAll("*")])
      if (pattern.test(el.innerText || "")) holder = el;  // document order: the last is innermost
    tally = {text: (sec.innerText || "").slice(0, 300)};
    if (holder) {
      const m = holder.innerText.match(pattern), r = holder.getBoundingClientRect();
      const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      Object.assign(tally, {
        counts: m.slice(1).map(Number), top: r.top, bottom: r.bottom, height: innerHeight,
        unobstructed: hit !== null && (holder === hit || holder.contains(hit)
                                       || hit.contains(holder))});
    }
  }
  return {
    url: location.href, height: innerHeight,
    fullHeight: Math.ceil(document.documentElement.scrollHeight),
    layout: LAYOUT, figures, tally,
    dom: document.documentElement.outerHTML,
  };
})()
""".replace("LAYOUT", LAYOUT.strip())


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


def _visit(browser: Chromium, url: str, shot: Path, log: list) -> dict:
    """Open ``url`` in a fresh browser context, probe it, save a full-page screenshot."""
    ctx = browser.send("Target.createBrowserContext")["browserContextId"]
    target = browser.send("Target.createTarget", url="about:blank",
                          browserContextId=ctx)["targetId"]
    s = browser.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
    try:
        for method in ("Page.enable", "Network.enable", "Runtime.enable"):
            browser.send(method, s)
        browser.send("Network.setCacheDisabled", s, cacheDisabled=True)
        width, height = VIEWPORT
        browser.send("Emulation.setDeviceMetricsOverride", s, width=width, height=height,
                     deviceScaleFactor=1, mobile=False)
        log.clear()
        browser.send("Page.navigate", s, url=url)
        browser.wait_event("Page.loadEventFired", s)
        out = browser.evaluate(s, PROBE)
        shot.parent.mkdir(parents=True, exist_ok=True)
        png = browser.send("Page.captureScreenshot", s, format="png", captureBeyondViewport=True,
                           clip={"x": 0, "y": 0, "width": width,
                                 "height": max(height, out["fullHeight"]), "scale": 1})
        shot.write_bytes(base64.b64decode(png["data"]))
        out["layouts"] = [out.pop("layout")]
        # mobile=False: with mobile emulation the viewport would widen to fit wide content
        browser.send("Emulation.setDeviceMetricsOverride", s, width=PHONE[0], height=PHONE[1],
                     deviceScaleFactor=1, mobile=False)
        out["layouts"].append(browser.evaluate(
            s, "new Promise(r => requestAnimationFrame(() => r(" + LAYOUT.strip() + ")))"))
        events = [m for m in browser.events if m.get("sessionId") == s]
        browser.events = [m for m in browser.events if m.get("sessionId") != s]
        out["failed"] = [
            (m["params"].get("errorText"), m["params"].get("requestId")) for m in events
            if m.get("method") == "Network.loadingFailed"]
        out["requests"] = [m["params"]["request"]["url"] for m in events
                           if m.get("method") == "Network.requestWillBeSent"]
        out["exceptions"] = [m["params"]["exceptionDetails"].get("exception", {}).get(
            "description") or m["params"]["exceptionDetails"].get("text") for m in events
            if m.get("method") == "Runtime.exceptionThrown"]
        out["log"] = list(log)
        return out
    finally:
        browser.send("Target.closeTarget", targetId=target)
        browser.send("Target.disposeBrowserContext", browserContextId=ctx)


@pytest.fixture(scope="module")
def visits(request, site, server):
    """``{page: what the browser saw}`` for every page, each opened once."""
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed: .ci/run must install Debian's chromium")
        pytest.skip("chromium not installed (CI installs it)")
    base, log = server
    browser = Chromium(CHROMIUM)
    try:
        out = {}
        for page in _pages(site):
            rel = page.relative_to(site).as_posix()
            if _parse(page).refresh:  # a redirect stub (index.html): its target is opened itself
                continue
            out[rel] = _visit(browser, urljoin(base, rel), SCREENSHOTS / f"{rel[:-5]}.png", log)
    finally:
        browser.close()
    _say(request, f"site test: a screenshot of each of the {len(out)} pages is in {SCREENSHOTS}")
    return out


def test_pages_render_in_a_real_browser(site, visits):
    assert len(visits) >= 8
    math_pages = 0
    for rel, v in visits.items():
        page = site / rel
        assert "</html>" in v["dom"], rel
        # the browser asks for /favicon.ico on its own; the site has none
        failed = [(p, c) for p, c in v["log"] if c >= 400 and p != "/favicon.ico"]
        assert not failed, (rel, failed)
        outside = [u for u in v["requests"] if urlparse(u).scheme in ("http", "https")
                   and urlparse(u).hostname != "127.0.0.1"]
        assert not outside, (rel, "requests leave the site", outside)
        errors = [e for e in v["exceptions"] if e not in KNOWN_SCRIPT_ERRORS]
        assert not errors, (rel, "uncaught script errors", errors)
        requested = {p for p, c in v["log"] if c == 200}
        for src in _parse(page).imgs:
            if urlparse(src).scheme:
                continue
            want = urlparse(urljoin("/" + rel, src)).path
            assert unquote(want) in requested, (rel, src)
        source = page.read_text()
        if "\\(" in source or "\\[" in source or 'class="math' in source:
            math_pages += 1
            assert "mjx-container" in v["dom"], f"math not typeset on {rel}"
            assert "math input error" not in v["dom"].lower(), rel
            # MathJax came from the site itself, not a CDN
            assert any(p.startswith("/_static/mathjax/") for p in requested), rel
    assert math_pages >= 3


def test_screenshot_of_every_page(visits):
    width, _ = VIEWPORT
    for rel, v in visits.items():
        shot = SCREENSHOTS / f"{rel[:-5]}.png"
        data = shot.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n", shot
        w, h = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
        assert (w, h) == (width, max(VIEWPORT[1], v["fullHeight"])), (shot, w, h)


def test_nothing_is_wider_than_the_content_column(visits):
    problems = []
    for rel, v in visits.items():
        assert [lay["width"] for lay in v["layouts"]] == [VIEWPORT[0], PHONE[0]], rel
        for lay in v["layouts"]:
            where = f"{rel} at {lay['width']} px"
            assert lay["column"] is not None, f"{where}: no content column (article.bd-article)"
            if lay["pageWidth"] > lay["width"]:
                problems.append(f"{where}: the page scrolls sideways ({lay['pageWidth']} px)")
            for e in lay["wide"]:
                problems.append(f"{where}: <{e['tag']} class={e['cls']!r}> {e['excess']} px too "
                                f"wide: {e['text']!r}")
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------------------------------------
# figure captions against the registry and the cached ensembles


def _expected_ensembles(experiment: str):
    """(N values, realization counts) of the experiment's cached paper-scale ensembles, each list
    of distinct values in curve order, from their ``meta.json`` (what the notebooks load; read
    directly, so that a code change that leaves a cache to be certified does not matter here)."""
    from glasslib.experiments import ensembles, get_experiment
    from glasslib.runner import default_cache, ensemble_dir

    metas = []
    for name in experiment.split("+"):  # a figure may draw on several, in curve order
        exp = get_experiment(name.strip())
        for label, params, count in ensembles(exp, "paper"):
            path = ensemble_dir(default_cache(), f"{exp.name}/paper", label, exp.model, params,
                                exp.seed, count)
            metas.append(json.loads((path / "meta.json").read_text()))
            assert metas[-1]["realizations"] == count, path
    ns = list(dict.fromkeys(int(m["params"]["N"]) for m in metas))
    rs = list(dict.fromkeys(int(m["realizations"]) for m in metas))
    return ns, rs


def _tex_int(s: str) -> int:
    s = s.strip().replace("{", "").replace("}", "").replace(r"\,", "").replace(",", "")
    m = re.fullmatch(r"(\d+)\^(\d+)", s)
    return int(m.group(1)) ** int(m.group(2)) if m else int(s)


def _caption_counts(caption: str):
    """(N values, realization counts) a caption prints, None where it prints none."""
    ns = None
    for formula in re.findall(r"\$([^$]+)\$", caption):
        m = re.fullmatch(r"\s*N\s*=\s*(.+?)\s*", formula)
        if m:
            ns = [_tex_int(x) for x in re.split(r",|\\\s*\\text\{and\}\\\s*", m.group(1))]
            break
    plain = re.sub(r"\$[^$]+\$", " ", caption)
    m = re.search(r"((?:\d+, )*\d+(?: and \d+)?) realizations", plain)
    rs = [int(x) for x in re.split(r", | and ", m.group(1))] if m else None
    return ns, rs


@pytest.fixture(scope="module")
def figures(visits):
    """``{label: (page, what the browser saw of the figure)}`` for every figure of the book."""
    out = {}
    for rel, v in visits.items():
        for f in v["figures"]:
            assert f["id"] not in out, f"figure {f['id']} on {out.get(f['id'], ('',))[0]} and {rel}"
            out[f["id"]] = (rel, f)
    return out


def test_every_registered_figure_is_in_the_book_once_on_its_page(figures):
    from glasslib.figures import FIGURES

    for f in FIGURES.values():
        assert f.label in figures, f"{f.name} ({f.label}) is not in the built book"
        assert figures[f.label][0] == f"notebooks/{f.page}.html", (f.label, figures[f.label][0])
    unknown = set(figures) - {f.label for f in FIGURES.values()}
    assert not unknown, f"figures not in the registry: {sorted(unknown)}"


def test_every_caption_prints_its_paper_number_or_title(figures):
    from glasslib.figures import FIGURES

    problems = []
    for f in FIGURES.values():
        if f.label not in figures:
            continue  # reported by the test above
        page, seen = figures[f.label]
        head = f"Fig. {f.paper}." if f.paper else f"{f.title} (not a figure of the paper)."
        # what a reader sees: the caption's visible text starts with the figure's name, and no
        # other number (Sphinx's own count) precedes or replaces it
        if seen["strong"] != (f"Fig. {f.paper}." if f.paper else f.title):
            problems.append(f"{page} #{f.label}: bold heading {seen['strong']!r}, "
                            f"registry {f.name!r}")
        if not (seen["visible"] or "").startswith(head):
            problems.append(f"{page} #{f.label}: caption reads {seen['visible'][:60]!r}, "
                            f"should start {head!r}")
    assert not problems, "\n".join(problems)


def test_every_caption_states_the_ensembles_behind_it(figures):
    from glasslib.figures import FIGURES

    by_number = {f.paper: f for f in FIGURES.values() if f.paper}
    problems = []
    for f in FIGURES.values():
        if f.label not in figures or f.summary:  # a summary's counts are in its page's table
            continue
        page, seen = figures[f.label]
        want_n, want_r = _expected_ensembles(f.experiment)
        got_n, got_r = _caption_counts(seen["caption"])
        where = f"{page} #{f.label} ({f.name})"
        if got_n is not None and got_n != want_n:
            problems.append(f"{where}: caption says N = {got_n}, ensembles have {want_n}")
        if got_r is not None and got_r != want_r:
            problems.append(f"{where}: caption says {got_r} realizations, ensembles have {want_r}")
        if got_n is None or got_r is None:
            # a caption may leave them to another figure of the same ensembles ("as in Fig. 10")
            ref = re.search(r"\b(?:[Aa]s|[Aa]s in|from the) Figs?\. (\d+)\b", seen["caption"])
            other = by_number.get(int(ref.group(1))) if ref else None
            if other is None or other.experiment != f.experiment:
                missing = " and ".join(k for k, v in (("N", got_n), ("realizations", got_r))
                                       if v is None)
                problems.append(f"{where}: caption states no {missing} and refers to no figure "
                                f"of the same ensembles")
    assert not problems, "\n".join(problems)


def test_caption_parser():
    caption = (r"EG rates for $N = 10, 100\ \text{and}\ 1000$ and $T = 0.1$, "
               r"3000, 1000 and 300 realizations; realization 0 in (a).")
    assert _caption_counts(caption) == ([10, 100, 1000], [3000, 1000, 300])
    assert _caption_counts(r"$N = 10^{4}$, $W = 1$, 1000 realizations.") == ([10**4], [1000])
    assert _caption_counts(r"parameters as in Fig. 10, $\xi = 0.1\,r_{nn}$.") == (None, None)


# ---------------------------------------------------------------------------------------------
# the report


def test_report_tally_is_visible_above_the_fold(visits):
    v = visits["notebooks/report.html"]
    t = v["tally"]
    assert t is not None, "the report has no element with id 'verdict-tally'"
    assert "counts" in t, f"#verdict-tally holds no tally like '36 reproduced, 8 partly, " \
                          f"0 not reproduced, 0 undecided (of 44 claims)': {t['text']!r}"
    *parts, total = t["counts"]
    assert sum(parts) == total, t["counts"]
    # entirely inside the first 1280x800 screen, shown, and not hidden under the header
    shot = SCREENSHOTS / "notebooks" / "report.png"
    assert 0 <= t["top"] < t["bottom"] <= t["height"], (
        f"the tally spans y = {t['top']:.0f}..{t['bottom']:.0f} px; the first screen ends at "
        f"{t['height']} px (see {shot})")
    assert t["unobstructed"], f"something covers the tally (see {shot})"
