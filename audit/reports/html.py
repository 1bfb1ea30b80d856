"""HTML report in French (English available): accessible, no JavaScript, self-contained folder."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from audit.i18n import labels

log = logging.getLogger(__name__)

MAX_CROPS_PER_PAGE = 60


def environment() -> Environment:
    env = Environment(loader=PackageLoader("audit", "templates"), autoescape=select_autoescape(["html", "j2"]),
                      trim_blocks=True, lstrip_blocks=True)
    return env


def _crop_screenshots(report: dict[str, Any], run_folder: Path, out: Path) -> None:
    """Cut each failing element out of its page's full screenshot (once per page and selector)."""
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - Pillow is a dependency
        return
    img_dir = out / "img"
    for page in report["pages"]:
        shot = page["files"].get("screenshot")
        findings = [f for f in page["findings"] if f.get("box")]
        if not shot or not findings:
            continue
        src = run_folder / "pages" / page["id"] / shot
        if not src.is_file():
            continue
        try:
            image = Image.open(src)
            image.load()
        except OSError as exc:
            log.warning("cannot read %s: %s", src, exc)
            continue
        done: dict[str, str] = {}
        for finding in findings[:MAX_CROPS_PER_PAGE]:
            box = finding["box"]
            if finding["selector"] in done:
                finding["crop"] = done[finding["selector"]]
                continue
            if box["width"] < 1 or box["height"] < 1 or box["y"] > image.height:
                continue
            pad = 8
            left, top = max(0, int(box["x"]) - pad), max(0, int(box["y"]) - pad)
            right = min(image.width, int(box["x"] + box["width"]) + pad)
            bottom = min(image.height, int(box["y"] + min(box["height"], 600)) + pad)
            if right <= left or bottom <= top:
                continue
            img_dir.mkdir(parents=True, exist_ok=True)
            name = f"{page['id']}-{finding['fingerprint']}.jpg"
            image.crop((left, top, right, bottom)).convert("RGB").save(img_dir / name, quality=80)
            finding["crop"] = f"img/{name}"
            done[finding["selector"]] = finding["crop"]


def render(report: dict[str, Any], lang: str = "fr") -> str:
    template = environment().get_template("report.html.j2")
    return template.render(r=report, t=labels(lang), lang=lang)


def write(report: dict[str, Any], run_folder: Path, out: Path, lang: str = "fr") -> Path:
    _crop_screenshots(report, run_folder, out)
    path = out / ("rapport.html" if lang == "fr" else "report.html")
    path.write_text(render(report, lang), encoding="utf-8")
    return path
