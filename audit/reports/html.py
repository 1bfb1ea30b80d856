"""HTML report, in French or in English (audit.words): accessible, no JavaScript, self-contained folder.

``rapport.html`` reads the report object (``audit.reports.build``): the summary with the compliance
state and the rates, the prioritised issues first, then the RGAA grid, then each page's details, with
tester findings beside the automated ones and dismissed findings shown with their reason.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, pass_context, select_autoescape

from audit import words
from audit.model import CROP_PAD, MAX_CROP_HEIGHT
from audit.reports import visible_controls

log = logging.getLogger(__name__)

OUTLINE = (200, 0, 40)  # the outline drawn around the element (dark red, 4 px, with a white inner line)


@cache
def environment(lang: str | None = None) -> Environment:
    """The HTML templates' environment in ``lang``: ``_()``, ``ngettext()``, ``pgettext()`` (audit.words) and
    ``impact()`` said in that language, values escaped. Without ``lang``, the words follow the ``lang``
    variable of each render (French when it has none)."""
    env = Environment(loader=PackageLoader("audit", "templates"), autoescape=select_autoescape(["html", "j2"]),
                      trim_blocks=True, lstrip_blocks=True, finalize=visible_controls,
                      extensions=["jinja2.ext.i18n"])
    return speaking(env, lang, environment)


def speaking(env: Environment, lang: str | None, same: Callable[[str], Environment]) -> Environment:
    """``env`` with the words of ``lang``; for no ``lang``, those of ``same(render's lang)`` at each call."""
    if lang is not None:
        lang = lang if lang in words.LANGS else words.SOURCE
        words.install(env, lang)
        env.globals["impact"] = lambda value: words.impact(value, lang)
        return env

    def by_render(name: str):
        @pass_context
        def call(context, *args: Any, **values: Any):
            lang_ = context.get("lang")
            said = same(lang_ if lang_ in words.LANGS else words.SOURCE).globals[name]
            return said(context.eval_ctx, *args, **values) if name != "impact" else said(*args, **values)
        return call

    env.install_gettext_callables(by_render("gettext"), by_render("ngettext"), newstyle=False,
                                  pgettext=by_render("pgettext"))
    env.globals["impact"] = by_render("impact")
    return env


def _open_image(path: Path):
    from PIL import Image

    try:
        image = Image.open(path)
        image.load()
        return image
    except OSError as exc:
        log.warning("cannot read %s: %s", path, exc)
        return None


def outlined_crop(image, box: dict[str, float], pad: int = CROP_PAD, outline: bool = True):
    """The element's area cut out of a page screenshot, with the element outlined; None when off-image."""
    from PIL import ImageDraw

    if box["width"] < 1 or box["height"] < 1 or box["y"] > image.height or box["x"] > image.width:
        return None
    x0, y0 = int(box["x"]), int(box["y"])
    x1, y1 = int(box["x"] + box["width"]), int(box["y"] + min(box["height"], MAX_CROP_HEIGHT))
    left, top = max(0, x0 - pad), max(0, y0 - pad)
    right, bottom = min(image.width, x1 + pad), min(image.height, y1 + pad)
    if right <= left or bottom <= top:
        return None
    crop = image.crop((left, top, right, bottom)).convert("RGB")
    if outline:  # white, dark red, white: visible on light and on dark backgrounds
        draw = ImageDraw.Draw(crop)
        w, h = crop.size
        rect = [max(0, x0 - left - 5), max(0, y0 - top - 5), min(w - 1, x1 - left + 4), min(h - 1, y1 - top + 4)]
        for inset, colour, width in ((0, (255, 255, 255), 2), (2, OUTLINE, 4), (6, (255, 255, 255), 2)):
            box_ = [rect[0] + inset, rect[1] + inset, rect[2] - inset, rect[3] - inset]
            if box_[2] > box_[0] and box_[3] > box_[1]:
                draw.rectangle(box_, outline=colour, width=width)
    return crop


def crop_issues(report: dict[str, Any], run_folder: Path, out: Path) -> None:
    """One outlined capture per issue (``issue["crop"]``), from the first page that has the element's box.

    The issues are cropped screenshot by screenshot: one decoded screenshot (tens of MB for a full page) in
    memory at a time, each decoded once."""
    try:
        import PIL  # noqa: F401
    except ImportError:  # pragma: no cover
        return
    by_shot: dict[Path, list[dict[str, Any]]] = {}
    for issue in report.get("issues", []):
        shot = issue.get("shot")
        if shot and not issue.get("crop"):
            by_shot.setdefault(run_folder / "pages" / shot["page_id"] / shot["file"], []).append(issue)
    for src, issues in by_shot.items():
        image = _open_image(src) if src.is_file() else None
        if image is None:
            continue
        for issue in issues:
            shot = issue["shot"]
            crop = outlined_crop(image, shot["box"])
            if crop is None:
                continue
            (out / "img").mkdir(parents=True, exist_ok=True)
            name = f"issue-{issue['id']}.jpg"
            crop.save(out / "img" / name, quality=85)
            issue["crop"] = f"img/{name}"
            issue["crop_page"] = next((p["name"] for p in issue["pages"] if p["key"] == shot["page"]), shot["page"])
        image.close()


def render(report: dict[str, Any], lang: str = "fr") -> str:
    return environment(lang).get_template("report.html.j2").render(r=report, lang=lang)


def write_template(template, path: Path, **context: Any) -> None:
    """Render a template into a file as it goes, never the whole text at once (same bytes as ``render``);
    no half-written file is left when rendering fails."""
    try:
        with path.open("w", encoding="utf-8") as out:
            for chunk in template.generate(**context):
                out.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def write(report: dict[str, Any], run_folder: Path, out: Path, lang: str = "fr") -> Path:
    crop_issues(report, run_folder, out)
    path = out / ("rapport.html" if lang == "fr" else "report.html")
    write_template(environment(lang).get_template("report.html.j2"), path, r=report, lang=lang)
    return path
