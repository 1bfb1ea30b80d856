"""The benchmark's generated city site: deterministic, realistic sizes, served with a sitemap on 127.0.0.1."""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path

import httpx
import pytest
from lxml import html as lxml_html
from pypdf import PdfReader

from bench.site import DEFECTS, SiteServer, generate


def _digest(root: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file():
            h.update(str(path.relative_to(root)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return generate(tmp_path_factory.mktemp("a") / "site", pages=40, seed=7)


def test_same_seed_same_bytes_other_seed_other_site(site, tmp_path):
    again = generate(tmp_path / "again", pages=40, seed=7)
    other = generate(tmp_path / "other", pages=40, seed=8)
    assert [p.path for p in again.pages] == [p.path for p in site.pages]
    assert _digest(again.root) == _digest(site.root)
    assert _digest(other.root) != _digest(site.root)


def test_pages_look_like_a_city_site(site):
    assert len(site.pages) == 40 and site.pages[0].path == "/"
    sizes = []
    for page in site.pages:
        path = site.root / (page.path.lstrip("/") + ("index.html" if page.path.endswith("/") else ""))
        data = path.read_bytes()
        sizes.append(len(data))
        tree = lxml_html.fromstring(data)
        assert tree.get("lang") == "fr"
        assert tree.findtext(".//title") == page.title
        # the shared parts: header with a search form, the main menu, breadcrumb, footer
        assert tree.xpath("//header//form[@role='search']") and tree.xpath("//nav[@id='menu']//a")
        assert tree.xpath("//footer[@id='pied']") and tree.xpath("//main[@id='contenu']")
        assert tree.xpath("//img/@src")
    assert all(30 * 1024 <= n <= 82 * 1024 for n in sizes), (min(sizes), max(sizes))
    service = next(p for p in site.pages if p.section == "services" and not p.path.endswith("/"))
    text = (site.root / service.path.lstrip("/")).read_text(encoding="utf-8")
    assert "<table" in text and "<form" in text and "<figure>" in text


def test_seeded_defects_are_in_the_pages(site):
    seeded = [p for p in site.pages if p.defects]
    assert 0.15 * len(site.pages) <= len(seeded) <= 0.6 * len(site.pages)
    assert set(site.defects) <= set(DEFECTS)
    for page in seeded:
        text = (site.root / page.path.lstrip("/")).read_text(encoding="utf-8")
        if "img-no-alt" in page.defects:
            assert re.search(r'<img src="/static/img/photo-\d+\.png" width', text)
        if "duplicate-id" in page.defects:
            assert text.count('id="info"') == 2
        if "table-no-th" in page.defects:
            assert "<td>Jour</td>" in text


def test_served_with_sitemap_robots_documents_and_a_french_404(site):
    with SiteServer(site) as server:
        assert server.url.startswith("http://127.0.0.1:")
        sitemap = httpx.get(server.url + "/sitemap.xml").text
        locs = re.findall(r"<loc>(.*?)</loc>", sitemap)
        assert locs == [server.url + p.path for p in site.pages]
        assert f"Sitemap: {server.url}/sitemap.xml" in httpx.get(server.url + "/robots.txt").text
        page = httpx.get(locs[5])
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert httpx.get(server.url + "/static/style.css").status_code == 200
        assert httpx.get(server.url + "/static/img/photo-1.png").content[:8] == b"\x89PNG\r\n\x1a\n"
        missing = httpx.get(server.url + "/nulle-part.html")
        assert missing.status_code == 404 and "Page introuvable" in missing.text
        assert site.documents, "some pages link to PDF documents"
        pdf = httpx.get(server.url + site.documents[0])
        assert pdf.headers["content-type"] == "application/pdf"
        reader = PdfReader(io.BytesIO(pdf.content))
        assert len(reader.pages) == 1 and reader.metadata.title


def test_refuses_a_folder_in_use(tmp_path):
    (tmp_path / "x.txt").write_text("x")
    with pytest.raises(ValueError, match="not empty"):
        generate(tmp_path, pages=2)


@pytest.mark.browser
def test_floor_tool_runs_axe_on_every_page_and_finds_the_seeded_defects(site, tmp_path, chromium, monkeypatch):
    """bench.floor (navigation + axe only, the ceiling of a full audit's throughput) audits every URL it is
    given with our browser code: an axe.json a page, and the seeded image without alternative is found."""
    import json

    from bench.floor import main as floor

    monkeypatch.setenv("A11Y_AUDIT_CHROMIUM", chromium)
    with SiteServer(site) as server:
        pages = [p for p in site.pages if p.path.endswith(".html")][:4]
        with_image_defect = next(p for p in site.pages if "img-no-alt" in p.defects)
        chosen = pages + ([] if with_image_defect in pages else [with_image_defect])
        (tmp_path / "urls.txt").write_text("\n".join(server.url + p.path for p in chosen), encoding="utf-8")
        assert floor([str(tmp_path / "urls.txt"), str(tmp_path / "out"), "--concurrency", "2"]) == 0
    rules = []
    for index in range(len(chosen)):
        data = json.loads((tmp_path / "out" / str(index) / "axe.json").read_text(encoding="utf-8"))
        rules.append({r["id"] for r in data["violations"]})
    assert len(rules) == len(chosen)
    assert "image-alt" in rules[chosen.index(with_image_defect)]


def test_profile_counts_protocol_messages_by_method(tmp_path):
    """bench.profile reads Playwright's protocol log: messages and bytes by CDP method, replies counted with
    the command that asked for them."""
    from bench.profile import count_protocol

    log = tmp_path / "child.err"
    log.write_text(
        'pw:protocol SEND ► {"id":1,"method":"Runtime.evaluate","params":{"expression":"1+1"}}\n'
        'pw:protocol ◀ RECV {"id":1,"result":{"result":{"type":"number","value":2}}}\n'
        'pw:protocol ◀ RECV {"method":"Network.dataReceived","params":{"dataLength":10}}\n'
        'pw:protocol SEND ► {"id":2,"method":"Input.dispatchKeyEvent","params":{}}\n'
        'other line\n', encoding="utf-8")
    counted = count_protocol(log)
    assert counted["messages"] == 3
    assert counted["by_method"]["Runtime.evaluate"]["messages"] == 1
    assert set(counted["by_method"]) == {"Runtime.evaluate", "Network.dataReceived", "Input.dispatchKeyEvent"}
