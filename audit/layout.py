"""Layout evidence that needs the viewport or injected styles: reflow (10.11), 200 % zoom (10.4), text spacing (10.12).

Run during gather after the JS probes (``layout_probes(page)``); the dicts are stored in probes.json under
"reflow", "zoom" and "text_spacing" and read offline by ``audit/checks/presentation.py``.

- reflow: the viewport is set to 320 × 256 CSS px (WCAG 1.4.10); does the page scroll horizontally, and which
  elements stick out on the right?
- zoom: browser zoom at 200 % lays a 1280 × 900 window out as a 640 × 450 one (CSS px): text clipped by an
  ``overflow: hidden`` box at 640 × 450 and not at 1280 × 900 is text lost to the zoom (as ACT rule 59br37).
- text_spacing: the WCAG 1.4.12 styles (line-height 1.5, letter-spacing .12em, word-spacing .16em, paragraph
  spacing 2em) are injected; text they push out of an ``overflow: hidden`` box is lost. Also lists the
  ``style`` attributes whose ``!important`` spacing below those values stops a user from changing it (ACT
  rules 24afc2, 9e45ec, 78fd32).

Each function restores what it changed (viewport, injected style, scroll) and never raises: a failure is
returned as {"error": ...}.
"""

from __future__ import annotations

import asyncio
import json
import time
import weakref
from contextlib import suppress
from typing import Any

REFLOW_VIEWPORT = {"width": 320, "height": 256}
ZOOM_VIEWPORT = {"width": 640, "height": 450}  # 1280 × 900 at 200 %
MAX_ITEMS = 20

# Helpers shared by every probe (the JS files in audit/probes/ carry the same text; a test keeps them equal).
SELECTOR_JS = """  // --- shared helpers (written once here, put in at the HELPERS mark of every probe) ---
  const cssPath = (el) => {
    const parts = [];
    let node = el;
    while (node && node.nodeType === 1) {
      const tag = node.localName;
      const id = node.getAttribute('id');
      if (id && /^[A-Za-z][\\w-]*$/.test(id) && document.querySelectorAll('#' + CSS.escape(id)).length === 1) {
        parts.push('#' + id);
        break;
      }
      const parent = node.parentElement;
      if (!parent || tag === 'html') { parts.push(tag); break; }
      const same = Array.prototype.filter.call(parent.children, (c) => c.localName === tag);
      parts.push(same.length === 1 || tag === 'body' || tag === 'head' ? tag : `${tag}:nth-of-type(${same.indexOf(node) + 1})`);
      node = parent;
    }
    return parts.reverse().join(' > ');
  };
  const snippet = (el) => {
    const text = (el.outerHTML || '').replace(/\\s+/g, ' ').trim();
    return text.length <= 300 ? text : text.slice(0, 299) + '…';
  };
  const nameOf = (el) => {
    const label = el.getAttribute('aria-label') || (el.labels && el.labels[0] && el.labels[0].innerText) ||
      el.innerText || el.getAttribute('alt') || el.getAttribute('title') || el.getAttribute('placeholder') ||
      el.getAttribute('value') || '';
    return label.replace(/\\s+/g, ' ').trim().slice(0, 80);
  };
  const isTabbable = (el) => {
    if (el.tabIndex < 0 || el.disabled || el.closest('[inert]')) return false;
    if (el.localName === 'input' && el.type === 'hidden') return false;
    if (!el.getClientRects().length) return false;
    const cs = getComputedStyle(el);
    return cs.visibility !== 'hidden' && cs.visibility !== 'collapse';
  };
  const FOCUSABLE = 'a[href], area[href], button, input, select, textarea, iframe, summary, [tabindex], ' +
    '[contenteditable]:not([contenteditable="false"]), audio[controls], video[controls], details, embed, object';
  // Parts outside the audit's scope (GatherOptions.exclude: a CMS toolbar, a third-party chat): the probes skip
  // the elements inside them. The selector list is put in the page by the capture (FACTS_JS) before the probes.
  const EXCLUDED = window.__a11yAuditExclude || null;
  const isExcluded = (el) => !!(EXCLUDED && el && el.closest && el.closest(EXCLUDED));
  const selectorList = (text) => {  // a selector list split on its top-level commas
    const out = [];
    let depth = 0, from = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (c === '(' || c === '[') depth++;
      else if (c === ')' || c === ']') depth--;
      else if (c === ',' && depth === 0) { out.push(text.slice(from, i)); from = i + 1; }
    }
    out.push(text.slice(from));
    return out.map((t) => t.trim()).filter(Boolean);
  };
  const FOCUS_ANY = /:focus(?:-visible|-within)?(?![\\w-])/;
  const FOCUS_SIMPLE = new Set(['not', 'is', 'where', 'lang', 'disabled', 'enabled', 'link', 'any-link', 'root', 'scope',
                          'defined', 'focus', 'focus-visible', 'focus-within']);
  // Shared parts (audit/parts.py), for the focus probe and the Tab walk: the focus rules, and the page's doubt
  // (a rule reading beyond ancestry) and the ':focus-within' prefixes, which can match an element outside a part
  // (an ancestor of it) and restyle what lies around the part.
  const focusRules = () => {
    const within = [];
    let doubt = null;
    const visitRules = (rules) => {
      for (const rule of rules) {
        if (doubt) return;
        if (rule.cssRules && !rule.selectorText) { visitRules(rule.cssRules); continue; }
        if (typeof CSSImportRule !== 'undefined' && rule instanceof CSSImportRule) {
          if (rule.styleSheet) { try { visitRules(rule.styleSheet.cssRules); } catch (e) { doubt = 'unreadable_stylesheet'; } }
          continue;
        }
        const text = rule.selectorText;
        if (!text || !FOCUS_ANY.test(text)) continue;
        const harmless = rule.style && rule.style.length > 0 &&
          Array.from(rule.style).every((p) => p === 'scroll-behavior');
        for (const sel of selectorList(text)) {
          if (!FOCUS_ANY.test(sel)) continue;
          const bare = sel.replace(/::?(before|after|first-line|first-letter)\\b/gi, '').replace(/::[\\w-]+(\\([^)]*\\))?/g, '');
          const flat = bare.replace(/\\[[^\\]]*\\]/g, '[]');
          const classes = [...flat.matchAll(/(?<![:\\\\]):([\\w-]+)/g)].map((m) => m[1].toLowerCase());
          if (/[+~]/.test(flat) || classes.some((c) => !FOCUS_SIMPLE.has(c))) { doubt = 'contextual_focus_rule'; return; }
          if (!/:focus-within/.test(flat) || harmless) continue;
          // the last top-level ':focus-within' compound, up to the next combinator: the selector it ends
          let depth = 0, quoted = false, at = -1, end = bare.length;
          for (let i = 0; i < bare.length; i++) {
            const c = bare[i];
            if (quoted) { if (c === ']') quoted = false; continue; }
            if (c === '[') quoted = true;
            else if (c === '(') depth++;
            else if (c === ')') depth--;
            else if (bare.startsWith(':focus-within', i)) {
              if (depth > 0) { doubt = 'contextual_focus_rule'; return; }
              at = i;
              end = bare.length;
            } else if (at >= 0 && depth === 0 && end === bare.length && /[\\s>]/.test(c)) end = i;
          }
          if (at < 0) continue;
          let prefix = bare.slice(0, end).replace(/:focus(?:-visible|-within)?(?![\\w-])/g, '').trim();
          if (!prefix || /[\\s>]$/.test(prefix)) prefix += '*';
          within.push(prefix);
        }
      }
    };
    for (const sheet of [...document.styleSheets, ...(document.adoptedStyleSheets || [])]) {
      try { visitRules(sheet.cssRules); } catch (e) { doubt = doubt || 'unreadable_stylesheet'; }
      if (doubt) break;
    }
    return {doubt, within};
  };
  // whether one of those ':focus-within' selectors matches an ancestor of ``root`` (outside it)
  const withinOutside = (root, within) => {
    for (let a = root.parentElement; a; a = a.parentElement) {
      if (within.some((sel) => { try { return a.matches(sel); } catch (e) { return true; } })) return true;
    }
    return false;
  };
  // --- end of shared helpers ---
"""

# Text clipped by overflow:hidden/clip boxes. clipScan(tag) remembers the boxes found under ``tag`` so that a
# later scan can tell what is new. A text node counts when part of it is drawn inside the box and part outside
# (text wholly outside, like the other slides of a carousel, is hidden on purpose and not counted).
_CLIP_JS = r"""() => {
/*HELPERS*/
  if (window.__a11yAuditClip) return;
  const found = {};
  const scan = (tag, limit) => {
    const started = performance.now();
    const out = [];
    const boxes = new Set();
    const all = document.body ? document.body.getElementsByTagName('*') : [];
    const n = Math.min(all.length, 6000);
    for (let i = 0; i < n && out.length < limit; i++) {
      if (performance.now() - started > 400) break;
      const el = all[i];
      if (isExcluded(el)) continue;
      const cs = getComputedStyle(el);
      const hx = cs.overflowX === 'hidden' || cs.overflowX === 'clip';
      const hy = cs.overflowY === 'hidden' || cs.overflowY === 'clip';
      if (!hx && !hy) continue;
      if (el.clientWidth < 3 || el.clientHeight < 3 || cs.visibility !== 'visible' || cs.display === 'none') continue;
      if (cs.clip && cs.clip.startsWith('rect(')) continue;
      const overX = hx && el.scrollWidth > el.clientWidth + 1;
      const overY = hy && el.scrollHeight > el.clientHeight + 1;
      if (!overX && !overY) continue;
      const r = el.getBoundingClientRect();
      const L = r.left + el.clientLeft, T = r.top + el.clientTop;
      const R = L + el.clientWidth, B = T + el.clientHeight;
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      const range = document.createRange();
      let inside = 0, outside = 0, partial = 0, sample = null;
      for (let t = walker.nextNode(), k = 0; t && k < 300 && !partial; t = walker.nextNode(), k++) {
        if (!t.data.trim()) continue;
        const parent = t.parentElement;
        if (!parent || parent.closest('script, style, noscript, template')) continue;
        // Text inside a nested scrolling or clipping box is that box's business.
        let nested = false;
        for (let up = parent; up && up !== el; up = up.parentElement) {
          const ucs = getComputedStyle(up);
          if (['auto', 'scroll', 'hidden', 'clip'].includes(ucs.overflowX) ||
              ['auto', 'scroll', 'hidden', 'clip'].includes(ucs.overflowY) || ucs.position === 'fixed') { nested = true; break; }
        }
        if (nested) continue;
        const pcs = getComputedStyle(parent);
        if (pcs.visibility !== 'visible' || parseFloat(pcs.opacity) === 0) continue;
        range.selectNodeContents(t);
        for (const q of range.getClientRects()) {
          if (q.width < 1 || q.height < 1) continue;
          const inX = q.left >= L - 1 && q.right <= R + 1, inY = q.top >= T - 1 && q.bottom <= B + 1;
          const outX = q.right <= L + 1 || q.left >= R - 1, outY = q.bottom <= T + 1 || q.top >= B - 1;
          if (inX && inY) inside++;
          else if (outX || outY) { outside++; sample = sample || t; }
          else { partial++; sample = t; }
        }
      }
      // Cut: a line drawn across the edge, or some text shown and some hidden (text wholly hidden, like a
      // collapsed panel, is hidden on purpose).
      const cut = partial || (inside && outside) ? sample.data.trim().replace(/\s+/g, ' ').slice(0, 80) : null;
      if (!cut) continue;
      boxes.add(el);
      const next = el.nextElementSibling || (el.parentElement && el.parentElement.nextElementSibling);
      const control = 'a[href], button, [role="button"], [role="link"], summary';
      const more = !!(el.querySelector(control) || (next && (next.matches(control) || next.querySelector(control))));
      out.push({el, text: cut, ellipsis: cs.textOverflow === 'ellipsis',
                clamp: cs.webkitLineClamp && cs.webkitLineClamp !== 'none', more});
    }
    const before = tag === 'baseline' ? null : found.baseline;
    found[tag] = boxes;
    return out.map((o) => ({s: cssPath(o.el), snippet: snippet(o.el), text: o.text, ellipsis: o.ellipsis,
                            clamp: !!o.clamp, more: o.more, before: before ? before.has(o.el) : null}));
  };
  window.__a11yAuditClip = {scan, count(tag) { return found[tag] ? found[tag].size : 0; },
                            done() { delete window.__a11yAuditClip; }};
}"""

# Horizontal scrolling at the current (narrow) viewport, and what sticks out on the right.
_REFLOW_JS = """(limit) => {
/*HELPERS*/
  const doc = document.documentElement;
  const body = document.body;
  const width = doc.clientWidth;
  const scrollWidth = Math.max(doc.scrollWidth, body ? body.scrollWidth : 0);
  const hidden = (v) => v === 'hidden' || v === 'clip';
  const rootCs = getComputedStyle(doc), bodyCs = body ? getComputedStyle(body) : null;
  const rootHidden = hidden(rootCs.overflowX) || (rootCs.overflowX === 'visible' && bodyCs && hidden(bodyCs.overflowX));
  const EXEMPT = new Set(['table', 'pre', 'code', 'video', 'canvas', 'svg', 'iframe', 'object', 'embed', 'map', 'math']);
  const offenders = [];
  const all = body ? body.getElementsByTagName('*') : [];
  const started = performance.now();
  const contained = (el) => {  // inside a box that scrolls or clips on its own, within the page
    for (let up = el.parentElement; up && up !== body && up !== doc; up = up.parentElement) {
      const cs = getComputedStyle(up);
      if (cs.overflowX !== 'visible') return true;
    }
    return false;
  };
  const sticksOut = (el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && r.right > width + 1;
  };
  for (let i = 0; i < all.length && i < 6000 && offenders.length < limit; i++) {
    if (performance.now() - started > 400) break;
    const el = all[i];
    if (!sticksOut(el) || isExcluded(el)) continue;
    const parent = el.parentElement;
    if (parent && parent !== body && sticksOut(parent)) continue;  // report the outermost one only
    const cs = getComputedStyle(el);
    if (cs.visibility !== 'visible' || (cs.clip && cs.clip.startsWith('rect('))) continue;
    if (cs.position === 'fixed' && el.getBoundingClientRect().left >= width) continue;  // parked off screen
    if (contained(el)) continue;
    const r = el.getBoundingClientRect();
    const exempt = EXEMPT.has(el.localName) || !!el.closest('table, pre, [role="img"], [role="application"], [role="grid"]');
    offenders.push({s: cssPath(el), tag: el.localName, snippet: snippet(el), right: Math.round(r.right),
                    width: Math.round(r.width), exempt});
  }
  return {width, scroll_width: scrollWidth, overflow: scrollWidth > width + 1, root_hidden: !!rootHidden, offenders};
}"""

# WCAG 1.4.12 text spacing: inject, scan for clipped text, remove. Plus the !important style attributes.
_SPACING_JS = """(arg) => {
/*HELPERS*/
  const [limit, scanClipped] = Array.isArray(arg) ? arg : [arg, true];
  const started = performance.now();
  // scanClipped false: the page has no box that could clip text (see FACTS_JS): the spacing is not injected
  let clipped = [];
  if (scanClipped) {
    const scan = window.__a11yAuditClip.scan;
    const scrollX = window.scrollX, scrollY = window.scrollY;
    scan('baseline', 200);
    const style = document.createElement('style');
    style.textContent = '* { line-height: 1.5 !important; letter-spacing: 0.12em !important; ' +
      'word-spacing: 0.16em !important; } p { margin-bottom: 2em !important; }';
    (document.head || document.documentElement).appendChild(style);
    try {
      clipped = scan('spacing', limit * 3).filter((c) => !c.before).slice(0, limit);
    } finally {
      style.remove();
      window.scrollTo(scrollX, scrollY);
    }
  }
  // style attributes with !important spacing below the WCAG values, on visible text
  const NEED = {'letter-spacing': 0.12, 'word-spacing': 0.16, 'line-height': 1.5};
  const INHERITED = new Set(['inherit', 'unset', 'revert', 'revert-layer']);
  const important = [];
  let checked = 0;  // !important declarations that set the spacing of some visible text
  for (const el of document.querySelectorAll('[style]')) {
    if (important.length >= limit) break;
    if (isExcluded(el)) continue;
    for (const prop of Object.keys(NEED)) {
      if (el.style.getPropertyPriority(prop) !== 'important') continue;
      const value = el.style.getPropertyValue(prop).trim();
      if (INHERITED.has(value)) continue;
      const declared = getComputedStyle(el).getPropertyValue(prop);
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      let failing = null, applies = false;
      for (let t = walker.nextNode(), k = 0; t && k < 200 && !failing; t = walker.nextNode(), k++) {
        if (!t.data.trim()) continue;
        const p = t.parentElement;
        if (!p || p.closest('script, style, noscript, template')) continue;
        let governed = true;  // no closer style attribute sets the property
        for (let up = p; up && up !== el; up = up.parentElement) {
          const v = up.style && up.style.getPropertyValue(prop).trim();
          if (v && !INHERITED.has(v)) { governed = false; break; }
        }
        if (!governed) continue;
        const cs = getComputedStyle(p);
        if (cs.getPropertyValue(prop) !== declared || cs.visibility !== 'visible') continue;
        const range = document.createRange();
        range.selectNodeContents(t);
        const rects = Array.from(range.getClientRects()).filter((q) => q.width >= 1 && q.height >= 1);
        if (!rects.length) continue;
        if (rects.every((q) => q.right + window.scrollX <= 0 || q.bottom + window.scrollY <= 0)) continue;
        const size = parseFloat(cs.fontSize) || 16;
        const raw = cs.getPropertyValue(prop);
        let px;
        if (raw === 'normal') px = prop === 'line-height' ? null : 0;
        else px = parseFloat(raw);
        if (prop === 'line-height') {
          const tops = new Set(rects.map((q) => Math.round(q.top)));
          if (tops.size < 2) continue;  // line height matters for text on several lines
        }
        const ratio = px === null ? null : px / size;
        applies = true;
        if (ratio === null || ratio < NEED[prop] - 0.005) failing = {ratio};
      }
      if (applies) checked++;
      if (failing) {
        important.push({s: cssPath(el), snippet: snippet(el), prop, value,
                        ratio: failing.ratio === null ? null : Math.round(failing.ratio * 1000) / 1000, need: NEED[prop]});
      }
    }
  }
  return {clipped, important, important_checked: checked, ms: Math.round(performance.now() - started)};
}"""

_FRAME_JS = "() => new Promise((r) => requestAnimationFrame(() => r()))"  # resize handlers have run
# After a viewport change: one frame (resize handlers have run), then the scan, in one evaluation.
_ZOOM_SCAN_JS = """async (n) => {
  await new Promise((r) => requestAnimationFrame(() => r()));
  return {zoomed: window.__a11yAuditClip.scan('zoom', n), baseline: window.__a11yAuditClip.count('baseline')};
}"""


def as_json(script: str) -> str:
    """A probe function whose result comes back as one JSON string (read with ``from_json``) instead of a tree of
    values Playwright serialises, sends and validates node by node (a probe's result has thousands of nodes).
    The same values arrive: an undefined property as null, NaN and ±Infinity as those numbers."""
    return ("async (...args) => {\n  const result = await (" + script.strip().rstrip(";") + ")(...args);\n"
            "  const text = JSON.stringify(result, (k, v) => v === undefined ? null : (typeof v === 'number' && "
            "!Number.isFinite(v)) ? '\\u0000' + String(v) : v);\n"
            "  return text === undefined ? 'null' : text.replace(/\"\\\\u0000(NaN|Infinity|-Infinity)\"/g, '$1');\n}")


def from_json(text: Any) -> Any:
    """The value of an ``as_json`` probe (a backend that already decoded it passes it through)."""
    return json.loads(text) if isinstance(text, str) else text


def json_arg(script: str) -> str:
    """A probe function that takes its one argument (an object or an array) as one JSON string (``to_json_arg``),
    or as the value itself."""
    return ("(arg) => (" + script.strip().rstrip(";") + ")(typeof arg === 'string' ? JSON.parse(arg) : arg)")


def to_json_arg(value: dict | list) -> str | dict | list:
    """``value`` for a ``json_arg`` probe: one JSON string, which Playwright sends as it is, instead of a tree of
    values it serialises and validates node by node in Python and relays in Node (the known parts' records sent
    with each page have tens of thousands of nodes: ≈ 7 % of Python's and 9 % of Node's CPU on the benchmark site).
    A value JSON cannot carry (NaN, ±Infinity) goes as the value itself."""
    text = json.dumps(value, ensure_ascii=False)
    return value if "NaN" in text or "Infinity" in text else text


def with_helpers(text: str) -> str:
    """A probe's script with the shared helpers put at its ``/*HELPERS*/``."""
    return text.replace("/*HELPERS*/", SELECTOR_JS)


# The reflow scan one frame after the viewport change (resize handlers have run), in one evaluation.
_REFLOW_AFTER_FRAME_JS = ("async (limit) => {\n  await new Promise((r) => requestAnimationFrame(() => r()));\n"
                          f"  return ({with_helpers(_REFLOW_JS)})(limit);\n}}")


# Why the text-spacing scan of clipped text cannot find anything on a page, from its applicability facts
# (audit.capture FACTS_JS): the WCAG spacing styles change no overflow, display, visibility or clip value (only
# a size container query could, through the sizes the spacing changes, and the scan runs synchronously, before
# any script), so text can only be cut by a box already set to overflow hidden / clip with some text inside.
NO_CLIPPING_BOX = {"code": "no_clipping_box",
                   "reason": ("aucun bloc en overflow: hidden ou clip ne contient de texte (et aucun conteneur de "
                              "requêtes de taille) : l'espacement augmenté ne peut couper aucun texte")}


def spacing_can_clip(facts: dict[str, Any] | None) -> bool:
    """Whether the text-spacing scan of clipped text can find something (True when the facts are unknown)."""
    if not isinstance(facts, dict) or "clip_text_boxes" not in facts:
        return True
    return bool(facts["clip_text_boxes"] or facts.get("size_containers", 1))


async def layout_probes(page, facts: dict[str, Any] | None = None, restore: bool = True) -> dict[str, Any]:
    """text_spacing, zoom and reflow for one page; the viewport is restored at the end (``restore``; a page that
    is left right after, for a blank one, is not laid out once more at its first size). Never raises.

    The helpers are installed once for the three. ``facts`` (audit.capture FACTS_JS): when they show that no box
    can clip text, the spacing is not injected and ``text_spacing`` says so in ``clipped_inapplicable`` (its
    ``clipped`` list is empty, as the scan would have found it); the ``!important`` part always runs."""
    results: dict[str, Any] = {}
    viewport = viewport_asked(page)
    scan_clipped = spacing_can_clip(facts)
    try:
        await page.evaluate(with_helpers(_CLIP_JS))
        results["text_spacing"] = await _guard(page.evaluate(with_helpers(_SPACING_JS), [MAX_ITEMS, scan_clipped]))
        if not scan_clipped and "error" not in results["text_spacing"]:
            results["text_spacing"]["clipped_inapplicable"] = NO_CLIPPING_BOX
        results["zoom"] = await _guard(zoom(page, restore=False, installed=True))
        results["reflow"] = await _guard(reflow(page, restore=False))
    except Exception as exc:  # noqa: BLE001 - the helpers could not even be installed
        error = {"error": _describe(exc)}
        for name in ("text_spacing", "zoom", "reflow"):
            results.setdefault(name, error)
    finally:
        if restore:
            await _restore(page, viewport)
        try:
            await tidy(page.evaluate("() => window.__a11yAuditClip && window.__a11yAuditClip.done()"))
        except Exception:  # noqa: BLE001
            pass
    return results


async def text_spacing(page) -> dict[str, Any]:
    """WCAG 1.4.12 spacing injected then removed: newly clipped text, and blocking !important declarations."""
    await page.evaluate(with_helpers(_CLIP_JS))
    return await page.evaluate(with_helpers(_SPACING_JS), MAX_ITEMS)


async def zoom(page, restore: bool = True, installed: bool = False) -> dict[str, Any]:
    """Text clipped at 640 × 450 (200 % of 1280 × 900) and not at the current viewport.

    The baseline is scanned right before the zoom (moving text, a marquee or a carousel, must be compared at
    nearly the same moment); ``installed``: the helpers are already in the page."""
    started = time.perf_counter()
    viewport = viewport_asked(page)
    if not installed:
        await page.evaluate(with_helpers(_CLIP_JS))
    await page.evaluate("(n) => window.__a11yAuditClip.scan('baseline', n).length", 200)
    try:
        await set_viewport(page, ZOOM_VIEWPORT)
        scan = await page.evaluate(_ZOOM_SCAN_JS, MAX_ITEMS * 3)
    finally:
        if restore:
            await _restore(page, viewport)
    zoomed = scan["zoomed"]
    new = [c for c in zoomed if not c["before"]][:MAX_ITEMS]
    already = [c for c in zoomed if c["before"]][:MAX_ITEMS]
    return {"viewport": ZOOM_VIEWPORT, "clipped": new, "clipped_before": already, "baseline": scan["baseline"],
            "ms": round((time.perf_counter() - started) * 1000)}


async def reflow(page, restore: bool = True) -> dict[str, Any]:
    """Horizontal scrolling at 320 × 256 CSS px and the elements that cause it."""
    started = time.perf_counter()
    viewport = viewport_asked(page)
    try:
        await set_viewport(page, REFLOW_VIEWPORT)
        result = await page.evaluate(_REFLOW_AFTER_FRAME_JS, MAX_ITEMS)
    finally:
        if restore:
            await _restore(page, viewport)
    result["viewport"] = REFLOW_VIEWPORT
    result["ms"] = round((time.perf_counter() - started) * 1000)
    return result


CLEANUP_S = 1.0  # what a cleanup may wait on the page once the page's time is up


async def tidy(awaitable) -> Any:
    """A cleanup step that asks the page something (focus, viewport, helpers put back): awaited as it is, or, while
    the task is being cancelled (the page's time is up, the run stops), for at most ``CLEANUP_S`` and without
    raising. A page whose main thread is stuck in a script never answers, and the cancellation (so the page's
    timeout, so the run) would wait with it; a page that was only slow is still put back."""
    task = asyncio.current_task()
    if task is None or not task.cancelling():
        return await awaitable
    try:
        return await asyncio.wait_for(awaitable, CLEANUP_S)
    except Exception:  # noqa: BLE001 - no answer in time, or a closed page: the cancellation goes on
        return None


# A tab's viewport changes, one after the other. Playwright answers a change only once the page has drawn it (a
# page busy in a script answers late), and it skips a change to the size it last had *answered*: a restore sent
# while the change before it is still unanswered is dropped, and the page stays at the probe's size (a journey's
# next step was audited at 640 x 450) while ``page.viewport_size`` says the restore's. So each change waits for the
# one before it, and runs on even when its caller's time is up (the page gets it once it answers): the tab is used
# again only once its last change is made (``viewport_settled``).
_VIEWPORTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # page -> (size asked last, its change)


async def set_viewport(page, size: dict[str, int]) -> None:
    """Set the tab's viewport to ``size`` once every earlier change of it is made. Cancelling the caller does not
    cancel the change (see ``_VIEWPORTS``)."""
    earlier = _VIEWPORTS.get(page)

    async def change() -> None:
        if earlier is not None and not earlier[1].done():
            with suppress(Exception):
                await earlier[1]
        await page.set_viewport_size(size)

    task = asyncio.ensure_future(change())
    try:
        _VIEWPORTS[page] = (dict(size), task)
    except TypeError:  # a page that cannot be weakly referenced: nothing to wait for later
        pass
    await asyncio.shield(task)


def viewport_asked(page) -> dict[str, int] | None:
    """The size the tab was last asked to have (made or still waiting for the page)."""
    pending = _VIEWPORTS.get(page)
    return pending[0] if pending is not None else page.viewport_size


async def viewport_settled(page, timeout: float) -> bool:
    """Whether the tab's last viewport change is made, waiting for it ``timeout`` seconds at most (False: the
    page has not answered, its viewport is not known: the tab should not be used again). A change that failed
    raises its error (a page closed or crashed meanwhile: that is what went wrong, not a busy page)."""
    pending = _VIEWPORTS.get(page)
    if pending is None:
        return True
    task = pending[1]
    if not task.done():
        try:
            await asyncio.wait_for(asyncio.shield(task), timeout)
        except TimeoutError:
            return False
        except Exception:  # noqa: BLE001 - the change failed: raised below
            pass
    if task.cancelled():
        return False
    if task.exception() is not None:
        raise task.exception()
    return True


async def _restore(page, viewport) -> None:
    if viewport and viewport_asked(page) != viewport:
        try:
            await tidy(set_viewport(page, viewport))
            await tidy(page.evaluate(_FRAME_JS))
        except Exception:  # noqa: BLE001 - a closed page
            pass


async def _guard(awaitable) -> dict[str, Any]:
    try:
        return await awaitable
    except Exception as exc:  # noqa: BLE001 - a probe failure is evidence, not a crash
        return {"error": _describe(exc)}


def _describe(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return f"{type(exc).__name__}: {text}"[:300]
