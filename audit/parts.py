"""Shared parts audited once: axe-core's answers for the header, menu and footer a page shares with a page
already audited in the run are reused instead of being computed again, only where they provably cannot differ.

A *part* is a top-level block of <body> (down to three levels through the wrappers that hold <main>) with at
least MIN_PART_ELEMENTS elements that is not and does not hold the page's main content. In the page,
``PARTS_JS`` gives each part a *key*: a hash of everything the local axe rules can read about it, or the reason
why it gets none (then it is audited with the page):

- its markup (outerHTML: elements, attributes, inline styles, text) and the state of its form fields;
- the chain of its ancestors up to <html> (names and attributes) and the page's compatibility mode;
- every style rule of the page (the text of every style sheet, adopted and imported ones included), so that a
  style rule whose selector reads only names, classes, ids, attributes and ancestry matches the same elements;
  for every other rule (sibling combinators, ``:has()``, ``:nth-child()``, ``:hover``, ``:checked``, …) the elements of
  the part and of its ancestors it matches, asked of the browser;
- its layout: each element's box relative to the part, which side of the viewport and of the document it is
  on, the part's horizontal place and, when it is in the viewport, its vertical place; for each ancestor,
  whether the part's boxes lie inside its box; the viewport's size.

A part gets no key when something outside it could still change an answer: a style sheet that cannot be read
(another origin), a counter or quote in generated content, a container query, nested CSS, a ``dir="auto"``
ancestor, a running animation; a frame, media, an image map, a custom element or a shadow root inside it; an id
it defines that is also defined outside, an id reference (``for``, ``aria-labelledby``, ``headers``, …) from it
to outside, or from outside into it or one of its ancestors; an element outside it (not an ancestor; open shadow
roots included) whose box or overflowing content overlaps the part's boxes or its text, a positioned or
transformed ::before/::after outside it or on an ancestor; an open dialog on the page; a part inside or around an
excluded selector. The page is watched from its keys to axe's run: a change, a scroll or a resize in between,
and it is audited whole.

axe's rules are split in two (``LOCAL_RULES``): the rules whose answer for an element reads only that element,
its subtree, its ancestors, the style rules, the boxes painted at its place and the ids it references (checked
against axe-core 4.14.1, the pinned version); every other rule, and any rule with a check that pools its
answers over the whole page (an ``after`` step), runs on the whole page each time (page title, language,
landmarks, headings order, duplicate ids, skip links, target size, links in text blocks, …).

On a page with parts already known, axe runs once over the whole page, its local rules leaving out the known
parts' elements (their gather step wrapped for that run, as a context exclusion would); the known parts'
answers (each node's checks, messages and data) are put back with the selector and HTML snippet axe computes on
this page, in axe's own order. A part seen for the first time is learnt from the page where it was audited
whole. ``--verify-reuse`` runs the whole page with axe as well, and compares
both, node by node (PartLedger.differences).

The focus probe (probes/focus.js: what focusing each element changes) reuses a known part's answers too, on a page
where no script can run while it moves the focus: no listener of FOCUS_EVENTS anywhere on the page, asked of
Chromium's DevTools (so not on the WebDriver backend). The probe then refuses the reuse itself when the page changed
since the keys, when a rule with a focus pseudo-class reads beyond ancestry (siblings, ``:has()``, ``:nth-…``), when
a ``:focus-within`` compound can match an ancestor outside the part, or when the part's focusable elements differ
from the record; a part is learnt only where focusing its elements never moves or resizes it. The proof mode runs
the probe again without reuse and compares the two, element by element (``compare_focus``).

The Tab walk (keyboard.py) skips a known part's stops on a page where no script listens to the keys or the focus
(WALK_EVENTS), none of the focus rules above stands in the way and no element has a positive tabindex: when the
focus lands on the part's first stop, its stops (as a walk found them on another page, one after the other) are
written into the walk's log and the focus is moved through them by script to the last, from where Tab goes on. The
page is watched while the walk goes: a change of its DOM or of its style rules, a stop the script cannot focus, a
walk that does not end by leaving the page, and the walk is done again key by key. The proof mode walks the page
again key by key and compares the two (``compare_walk``: the sequence, the first elements, backward jumps, trap,
skip link, the elements met, ids read as selectors).
"""

from __future__ import annotations

import json
import logging
import time
import weakref
from collections import Counter
from contextlib import suppress
from typing import Any

from audit.keyboard import cdp_session, tab_walk
from audit.layout import as_json, from_json, json_arg, to_json_arg

log = logging.getLogger(__name__)

MIN_PART_ELEMENTS = 15

# axe-core rules (among those the audit runs) whose answer for an element depends only on the element, its
# subtree, its ancestors, the style rules, what is painted at its place and the ids it references.
# Left out on purpose: page-level and pooled rules (bypass, document-title, html-*, meta-*, region,
# aria-hidden-focus: its checks ask whether a dialog is open anywhere on the page,
# landmark-*, heading-order, duplicate-id-*, skip-link, aria-hidden-body, css-orientation-lock, frame-*),
# rules that look beside the element (target-size: the neighbouring targets; link-in-text-block: the text
# around the link; p-as-heading: the other paragraphs) and media rules (no media inside a reused part).
LOCAL_RULES = frozenset({
    "area-alt", "aria-allowed-attr", "aria-braille-equivalent", "aria-command-name", "aria-conditional-attr",
    "aria-deprecated-role", "aria-input-field-name", "aria-meter-name",
    "aria-progressbar-name", "aria-prohibited-attr", "aria-required-attr", "aria-required-children",
    "aria-required-parent", "aria-roledescription", "aria-roles", "aria-tab-name", "aria-toggle-field-name",
    "aria-tooltip-name", "aria-valid-attr-value", "aria-valid-attr", "autocomplete-valid",
    "avoid-inline-spacing", "blink", "button-name", "color-contrast", "definition-list", "dlitem",
    "empty-heading", "form-field-multiple-labels", "image-alt", "input-button-name", "input-image-alt", "label",
    "label-content-name-mismatch", "link-name", "list", "listitem", "marquee", "nested-interactive",
    "presentation-role-conflict", "role-img-alt", "scrollable-region-focusable", "select-name",
    "server-side-image-map", "summary-name", "svg-img-alt", "table-duplicate-name", "table-fake-caption",
    "td-has-header", "td-headers-attr", "th-has-data-cells",
})

# The parts of the page and their keys. ``arg``: {min}. The parts stay in the page (window.__a11yAuditParts)
# for AXE_PARTS_JS. Returns {parts: [{key, reason, elements, name}], ms}.
PARTS_JS = r"""(arg) => {
  const started = performance.now();
  const found = [];
  window.__a11yAuditParts = found;
  // the page must not change between its key and axe's run (a carousel, a late banner, a script): watched
  if (window.__a11yAuditPartsWatch) window.__a11yAuditPartsWatch.observer.disconnect();
  const observer = new MutationObserver(() => {});
  observer.observe(document.documentElement, {subtree: true, childList: true, attributes: true, characterData: true});
  window.__a11yAuditPartsWatch = {observer, view: [scrollX, scrollY, innerWidth, innerHeight].join(',')};
  // and between the keys and the focus probe, which may reuse the parts' focus answers (probes/focus.js)
  if (window.__a11yAuditFocusWatch) window.__a11yAuditFocusWatch.observer.disconnect();
  const focusObserver = new MutationObserver(() => {});
  focusObserver.observe(document.documentElement, {subtree: true, childList: true, attributes: true, characterData: true});
  window.__a11yAuditFocusWatch = {observer: focusObserver, view: [scrollX, scrollY, innerWidth, innerHeight].join(',')};
  // and between the keys and the Tab walk, which may skip the parts' stops (keyboard.py)
  if (window.__a11yAuditWalkWatch) window.__a11yAuditWalkWatch.observer.disconnect();
  const walkObserver = new MutationObserver(() => {});
  walkObserver.observe(document.documentElement, {subtree: true, childList: true, attributes: true, characterData: true});
  window.__a11yAuditWalkWatch = {observer: walkObserver, view: [scrollX, scrollY, innerWidth, innerHeight].join(',')};
  const out = {parts: [], ms: 0};
  const body = document.body;
  if (!body) return out;
  // --- a 2 × 53-bit hash of a string (cyrb53, two seeds) ---
  const hash = (str) => {
    const one = (seed) => {
      let h1 = 0xdeadbeef ^ seed, h2 = 0x41c6ce57 ^ seed;
      for (let i = 0; i < str.length; i++) {
        const ch = str.charCodeAt(i);
        h1 = Math.imul(h1 ^ ch, 2654435761);
        h2 = Math.imul(h2 ^ ch, 1597334677);
      }
      h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
      h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
      return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16).padStart(14, '0');
    };
    return one(1) + one(7919) + ':' + str.length.toString(16);
  };
  // --- what the page's style rules make of a part ---
  let pageDoubt = null;
  try { if (document.querySelector(':modal')) pageDoubt = 'modal_dialog'; } catch (e) { /* no :modal */ }
  if (document.querySelector('dialog[open]')) pageDoubt = pageDoubt || 'open_dialog';
  // a running animation or transition changes styles between the key and axe's reading
  if (document.getAnimations && document.getAnimations().some((a) => a.playState === 'running' || a.pending)) pageDoubt = pageDoubt || 'animation';
  const sheets = [...document.styleSheets, ...(document.adoptedStyleSheets || [])];
  const sheetText = [];
  const contextual = [];   // [selector as the browser can match it] for rules that read more than ancestry
  const pseudoRules = [];  // selectors of rules that move a ::before / ::after box
  const ALLOWED = new Set(['not', 'is', 'where', 'lang', 'disabled', 'enabled', 'link', 'any-link',
                           'root', 'scope', 'defined']);
  const stripPseudoElements = (sel) => sel.replace(/::?(before|after|first-line|first-letter)\b/gi, '')
    .replace(/::[\w-]+(\([^)]*\))?/g, '');
  const visit = (rules) => {
    for (const rule of rules) {
      if (rule instanceof CSSStyleRule) {
        if (rule.cssRules && rule.cssRules.length) { pageDoubt = pageDoubt || 'nested_css'; continue; }
        const sel = rule.selectorText;
        const bare = stripPseudoElements(sel);
        const flat = bare.replace(/\[[^\]]*\]/g, '[]');
        const classes = [...flat.matchAll(/(?<![:\\]):([\w-]+)/g)].map((m) => m[1].toLowerCase());
        if (/[+~]/.test(flat) || classes.some((c) => !ALLOWED.has(c))) contextual.push(bare.trim() || '*');
        if (/::?(before|after)\b/i.test(sel)) {
          const st = rule.style;
          if (['position', 'transform', 'translate', 'rotate', 'scale', 'float', 'inset', 'top', 'left', 'right',
               'bottom', 'margin', 'margin-top', 'margin-left', 'margin-right', 'margin-bottom']
            .some((p) => st.getPropertyValue(p))) pseudoRules.push(bare.trim() || '*');
        }
      } else if (typeof CSSImportRule !== 'undefined' && rule instanceof CSSImportRule) {
        if (rule.styleSheet) sheets.push(rule.styleSheet);
        else pageDoubt = pageDoubt || 'unreadable_stylesheet';
      } else if (rule.cssRules) {
        if (typeof CSSContainerRule !== 'undefined' && rule instanceof CSSContainerRule) pageDoubt = pageDoubt || 'container_query';
        visit(rule.cssRules);
      }
    }
  };
  for (let i = 0; i < sheets.length; i++) {  // grows with the imported sheets
    const sheet = sheets[i];
    let rules = null;
    try { rules = sheet.cssRules; } catch (e) { pageDoubt = pageDoubt || 'unreadable_stylesheet'; continue; }
    const text = Array.from(rules, (r) => r.cssText).join('\n');
    sheetText.push((sheet.disabled ? 'disabled ' : '') + (sheet.media ? sheet.media.mediaText : '') + '{' + text + '}');
    if (/\bcounters?\(|\b(open|close)-quote\b/.test(text)) pageDoubt = pageDoubt || 'generated_counter';
    visit(rules);
  }
  const pageKey = [document.compatMode, innerWidth, innerHeight, devicePixelRatio, scrollX, scrollY,
                   document.documentElement.scrollWidth, sheetText.join('\n')].join('|');
  // --- candidates: blocks of <body> that do not hold the main content ---
  const MAINS = 'main, [role="main" i]';
  const SKIP = new Set(['script', 'style', 'template', 'noscript', 'link', 'meta']);
  const candidates = [];
  const take = (el, depth) => {
    if (SKIP.has(el.localName) || el.matches(MAINS)) return;
    if (el.querySelector(MAINS)) {
      if (depth < 3) for (const child of el.children) take(child, depth + 1);
      return;
    }
    if (el.getElementsByTagName('*').length + 1 >= arg.min) candidates.push(el);
  };
  for (const child of body.children) take(child, 0);
  if (!candidates.length) { out.ms = performance.now() - started; return out; }
  // --- id references ---
  const REFS = ['for', 'aria-activedescendant', 'aria-controls', 'aria-describedby', 'aria-details',
                'aria-errormessage', 'aria-flowto', 'aria-labelledby', 'aria-owns', 'headers', 'list', 'form'];
  // (same-page links, href="#…", are not among them: no local rule follows them; the skip link and region rules
  // run on the whole page)
  const REF_SELECTOR = REFS.map((a) => `[${a}]`).join(',');
  const refsOf = (el) => {
    const ids = [];
    for (const a of REFS) { const v = el.getAttribute(a); if (v) ids.push(...v.split(/\s+/).filter(Boolean)); }
    return ids;
  };
  const referrers = [...document.querySelectorAll(REF_SELECTOR)];
  const idCount = new Map();
  for (const el of document.querySelectorAll('[id]')) idCount.set(el.id, (idCount.get(el.id) || 0) + 1);
  // --- boxes ---
  const everything = [];
  const gatherAll = (root) => {
    for (const el of root.querySelectorAll('*')) {
      if (el.closest && el.closest('head')) continue;
      everything.push(el);
      if (el.shadowRoot) gatherAll(el.shadowRoot);
    }
  };
  gatherAll(document.documentElement);
  const boxes = new Map();
  const boxOf = (el) => {
    if (boxes.has(el)) return boxes.get(el);
    const r = el.getBoundingClientRect();
    let right = r.right, bottom = r.bottom;
    const cs = getComputedStyle(el);
    if (cs.overflowX === 'visible' && el.scrollWidth > r.width) right = Math.max(right, r.left + el.scrollWidth);
    if (cs.overflowY === 'visible' && el.scrollHeight > r.height) bottom = Math.max(bottom, r.top + el.scrollHeight);
    const box = {left: r.left, top: r.top, right, bottom, empty: r.width <= 0 && r.height <= 0 && right <= r.left && bottom <= r.top};
    boxes.set(el, box);
    return box;
  };
  const movedPseudo = new Set();
  for (const sel of pseudoRules) {
    let hits = [];
    try { hits = document.querySelectorAll(sel); } catch (e) { pageDoubt = pageDoubt || 'unmatchable_selector'; continue; }
    for (const el of hits) {
      for (const which of ['::before', '::after']) {
        const ps = getComputedStyle(el, which);
        if (ps.content === 'none' || ps.content === 'normal') continue;
        if (ps.position !== 'static' || ps.transform !== 'none' || ps.translate !== 'none' || ps.float !== 'none' ||
            ps.rotate !== 'none' || ps.scale !== 'none' || parseFloat(ps.marginTop) < 0 || parseFloat(ps.marginLeft) < 0) movedPseudo.add(el);
      }
    }
  }
  const docW = document.documentElement.scrollWidth, docH = document.documentElement.scrollHeight;
  const EX = window.__a11yAuditExclude || null;  // the audit's excluded selectors (capture.SCOPE_JS)
  const describe = (el) => el.localName + (el.id ? '#' + el.id : '') +
    (el.classList.length ? '.' + [...el.classList].slice(0, 2).join('.') : '');
  for (const part of candidates) {
    const index = found.length;
    found.push(part);
    const members = [part, ...part.getElementsByTagName('*')];
    const entry = {index, key: null, reason: null, elements: members.length, name: describe(part)};
    out.parts.push(entry);
    const inside = new Set(members);
    const no = (why) => { entry.reason = why; };
    if (pageDoubt) { no(pageDoubt); continue; }
    if (EX && (part.closest(EX) || part.querySelector(EX))) { no('excluded_part'); continue; }
    if (part.querySelector('iframe, frame, object, embed, video, audio, map, area, slot, portal, fencedframe')) { no('embedded_content'); continue; }
    if (members.some((el) => el.shadowRoot || el.localName.includes('-'))) { no('custom_element'); continue; }
    let chain = '';
    let autoDir = false;
    const ancestors = [];
    for (let a = part.parentElement; a; a = a.parentElement) {
      ancestors.push(a);
      if ((a.getAttribute('dir') || '').toLowerCase() === 'auto') autoDir = true;
      chain += '<' + a.localName + Array.from(a.attributes, (at) => ` ${at.name}="${at.value}"`).join('') + '>';
    }
    if (autoDir || members.some((el) => (el.getAttribute('dir') || '').toLowerCase() === 'auto')) { no('automatic_direction'); continue; }
    // ids: defined once in the page; every reference from the part lands in it, none from outside lands in it
    const ownIds = new Set();
    let why = null;
    for (const el of members) {
      if (!el.id) continue;
      if (idCount.get(el.id) !== 1) { why = 'duplicate_id'; break; }
      ownIds.add(el.id);
    }
    const ancestorIds = new Set(ancestors.map((a) => a.id).filter(Boolean));
    if (!why) {
      for (const el of referrers) {
        const mine = inside.has(el);
        for (const id of refsOf(el)) {
          if (mine ? !ownIds.has(id) : ownIds.has(id) || ancestorIds.has(id)) {
            why = mine ? 'reference_outside' : 'referenced_from_outside';
            break;
          }
        }
        if (why) break;
      }
    }
    if (why) { no(why); continue; }
    // layout: the part's boxes, relative to it; nothing else drawn over or under them (each box of the part and
    // each line of its text, so that a far-away positioned element of the part does not make one huge box)
    const root = part.getBoundingClientRect();
    const painted = [];
    let layout = '';
    for (const el of members) {
      const r = el.getBoundingClientRect();
      if (r.width > 0 || r.height > 0) painted.push(r);
      const x = r.left + scrollX, y = r.top + scrollY;
      layout += [r.left - root.left, r.top - root.top, r.width, r.height, x < 0, y < 0, x + r.width <= 0,
                 y + r.height <= 0, x + r.width > docW, y + r.height > docH,
                 r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth].join(',') + ';';
      if (el.scrollTop || el.scrollLeft) layout += `s${el.scrollTop},${el.scrollLeft};`;
      if ('value' in el && ['input', 'textarea', 'select', 'button', 'output'].includes(el.localName)) {
        layout += `v${el.value}|${el.checked}|${el.indeterminate}|${el.selectedIndex};`;
      }
    }
    const range = document.createRange();
    range.selectNodeContents(part);
    for (const r of range.getClientRects()) if (r.width > 0 || r.height > 0) painted.push(r);
    const inView = root.bottom > 0 && root.top < innerHeight;
    layout += `root${root.left},${root.width},${inView ? root.top : 'out'}`;
    for (const a of ancestors) {
      const r = a.getBoundingClientRect();
      const within = painted.every((p) => p.left >= r.left && p.right <= r.right && p.top >= r.top && p.bottom <= r.bottom);
      layout += within ? ';in' : `;out${r.left - root.left},${r.top - root.top},${r.width},${r.height}`;
    }
    const hull = painted.reduce((u, r) => ({left: Math.min(u.left, r.left), top: Math.min(u.top, r.top),
      right: Math.max(u.right, r.right), bottom: Math.max(u.bottom, r.bottom)}),
      {left: Infinity, top: Infinity, right: -Infinity, bottom: -Infinity});
    const meets = (b, r) => b.left < r.right && b.right > r.left && b.top < r.bottom && b.bottom > r.top;
    for (const el of everything) {
      if (inside.has(el)) continue;
      if (movedPseudo.has(el)) { why = 'positioned_pseudo_element'; break; }
      if (el.contains(part)) continue;
      const b = boxOf(el);
      if (b.empty || !meets(b, hull)) continue;
      if (painted.some((r) => meets(b, r))) { why = 'overlap'; break; }
    }
    if (why) { no(why); continue; }
    // the contextual style rules: which of the part's elements and ancestors they match
    const position = new Map(members.map((el, i) => [el, i]));
    let matches = '';
    for (let i = 0; i < contextual.length; i++) {
      let hits;
      try { hits = part.querySelectorAll(contextual[i]); } catch (e) { why = 'unmatchable_selector'; break; }
      const own = [];
      if (part.matches(contextual[i])) own.push(0);
      for (const el of hits) own.push(position.get(el));
      const up = ancestors.map((a, k) => (a.matches(contextual[i]) ? k : -1)).filter((k) => k >= 0);
      if (own.length || up.length) matches += `${i}:${own.join(',')}/${up.join(',')};`;
    }
    if (why) { no(why); continue; }
    entry.key = hash([pageKey, chain, part.outerHTML, matches, layout].join('\u0001'));
  }
  out.ms = performance.now() - started;
  return out;
}"""

# axe on a page with known parts. ``arg``: {options, context, reuse: [{index, record}], learn: [index], local,
# verify}. Returns one JSON string: {result (axe's result, as a whole-page run gives it), learnt: {index:
# record or {reason}}, whole (with verify: the whole-page run, for the comparison)}.
AXE_PARTS_JS = r"""async (arg) => {
  const parts = window.__a11yAuditParts || [];
  const base = arg.options;
  const GROUPS = ['violations', 'incomplete', 'passes', 'inapplicable'];
  const IMPACTS = ['minor', 'moderate', 'serious', 'critical'];
  const rules = axe._audit.rules;
  // axe lists its rules in its own order, the rules that need preloaded assets (style sheets) last
  const order = new Map(rules.map((r, i) => [r.id, (r.preload ? rules.length : 0) + i]));
  const pooled = (rule) => [...rule.any, ...rule.all, ...rule.none].some((c) => {
    const check = axe._audit.checks[typeof c === 'string' ? c : c.id];
    return !check || typeof check.after === 'function';
  });
  const local = new Set(rules.filter((r) => arg.local.includes(r.id) && !pooled(r)).map((r) => r.id));
  const watch = window.__a11yAuditPartsWatch;
  if (watch) {
    const changed = watch.observer.takeRecords().length > 0 ||
      watch.view !== [scrollX, scrollY, innerWidth, innerHeight].join(',');
    watch.observer.disconnect();
    delete window.__a11yAuditPartsWatch;
    // the keys no longer describe the page: nothing reused or learnt here
    if (changed && (arg.reuse.length || arg.learn.length)) return JSON.stringify({broken: true, changed: true});
  }
  const reuse = arg.reuse.map((r) => ({root: parts[r.index], record: r.record})).filter((r) => r.root && r.root.isConnected);
  if (reuse.length !== arg.reuse.length) return JSON.stringify({broken: true});
  const learn = arg.learn.map((i) => ({index: i, root: parts[i]})).filter((p) => p.root);
  const types = learn.length ? ['violations', 'incomplete', 'passes'] : base.resultTypes;
  const context = arg.context || document;
  const strip = (node) => {
    delete node.element;
    for (const t of ['any', 'all', 'none']) for (const c of node[t] || []) for (const r of c.relatedNodes || []) delete r.element;
    return node;
  };
  const resolve = (root, path) => {
    let el = root;
    for (const i of path || []) { el = el && el.children[i]; }
    return el || null;
  };
  // One axe run over the whole page. The local rules leave out the elements of the known parts (their gather
  // step, wrapped for this run only, as a context exclusion would); the other rules see everything. The known
  // parts' nodes get their selector and snippet while axe's own tree of this page is set up (the first gather).
  const roots = reuse.map((r) => r.root);
  let prepared = null;
  const prepare = () => {
    if (prepared) return;
    prepared = {rank: new Map(), nodes: new Map(), broken: false};
    try {
      prepareNodes();
    } catch (e) {
      prepared.broken = true;
    }
  };
  const prepareNodes = () => {
    const walk = (v) => { prepared.rank.set(v.actualNode, prepared.rank.size); for (const c of v.children || []) walk(c); };
    if (axe._tree && axe._tree[0]) walk(axe._tree[0]);
    const spec = (el) => ({html: axe.utils.getElementSource(el), target: [axe.utils.getSelector(el)]});
    for (const {root, record} of reuse) {
      for (const [id, kept] of Object.entries(record)) {
        const entry = prepared.nodes.get(id) || {violations: [], incomplete: [], passes: []};
        prepared.nodes.set(id, entry);
        for (const group of ['violations', 'incomplete', 'passes']) {
          for (const item of kept[group]) {
            const el = resolve(root, item.path);
            if (!el) { prepared.broken = true; continue; }
            const node = Object.assign(JSON.parse(JSON.stringify(item.node)), spec(el));
            let k = 0;
            for (const t of ['any', 'all', 'none']) {
              for (const c of node[t] || []) {
                c.relatedNodes = (c.relatedNodes || []).map(() => {
                  const where = item.related[k++];
                  let target = null;
                  if (where && where.path) target = resolve(root, where.path);
                  else if (where && where.up) { target = root; for (let u = 0; u < where.up && target; u++) target = target.parentElement; }
                  if (!target) { prepared.broken = true; return {html: '', target: []}; }
                  return spec(target);
                });
              }
            }
            // axe's node objects list their keys in this order
            const {any, all, none, impact, html, target, failureSummary} = node;
            const ordered = {any, all, none, impact, html, target};
            if (failureSummary !== undefined) ordered.failureSummary = failureSummary;
            ordered.element = el;
            entry[group].push(ordered);
          }
        }
      }
    }
  };
  const wrapped = [];
  if (roots.length) {
    for (const rule of rules) {
      if (!local.has(rule.id)) continue;
      rule.gather = function gather(ctx, opts) {
        prepare();
        return Object.getPrototypeOf(this).gather.call(this, ctx, opts)
          .filter((v) => !roots.some((root) => root.contains(v.actualNode)));
      };
      wrapped.push(rule);
    }
  }
  let localRun;
  try {
    localRun = await axe.run(context, Object.assign({}, base, {resultTypes: types, elementRef: true}));
  } finally {
    for (const rule of wrapped) delete rule.gather;
  }
  // --- the parts seen for the first time: their answers, relative to them ---
  const pathOf = (root, el) => {
    const path = [];
    for (let node = el; node !== root; node = node.parentElement) {
      if (!node || !node.parentElement) return null;
      path.unshift(Array.prototype.indexOf.call(node.parentElement.children, node));
    }
    return path;
  };
  const learnt = {};
  for (const {index, root} of learn) {
    const record = {};
    let reason = null;
    const place = (el) => {
      if (!el) return null;
      if (root.contains(el)) return {path: pathOf(root, el)};
      let up = 0;
      for (let a = root.parentElement; a; a = a.parentElement) { up++; if (a === el) return {up}; }
      return null;
    };
    for (const group of ['violations', 'incomplete', 'passes']) {
      for (const rule of localRun[group]) {
        if (!local.has(rule.id)) continue;
        for (const node of rule.nodes) {
          if (!node.element || !root.contains(node.element)) continue;
          const entry = record[rule.id] || (record[rule.id] = {violations: [], incomplete: [], passes: []});
          if (group === 'passes' && entry.passes.length) continue;  // the first passing node is all axe keeps
          const copy = JSON.parse(JSON.stringify(node, (k, v) => (k === 'element' ? undefined : v)));
          const related = [];
          for (const t of ['any', 'all', 'none']) {
            for (const c of node[t] || []) {
              for (const r of c.relatedNodes || []) {
                const where = place(r.element);
                if (!where) reason = 'related_outside';
                related.push(where);
              }
            }
          }
          delete copy.target; delete copy.html;
          entry[group].push({path: pathOf(root, node.element), node: copy, related});
        }
      }
    }
    learnt[index] = reason ? {reason} : record;
  }
  // --- the result the whole page would give ---
  const finish = (result) => {
    for (const group of GROUPS) {
      for (const rule of result[group]) {
        if (!(base.resultTypes || GROUPS).includes(group)) rule.nodes = rule.nodes.slice(0, 1);
        rule.nodes.forEach(strip);
      }
    }
    result.toolOptions = Object.assign({}, base, {reporter: (result.toolOptions || {}).reporter});
    return result;
  };
  let result;
  if (!reuse.length) {
    result = finish(localRun);
  } else {
    if (!prepared || prepared.broken) return JSON.stringify({broken: true});
    if (GROUPS.some((g) => localRun[g].some((rule) => local.has(rule.id) && rule.error))) return JSON.stringify({broken: true});
    const rankOf = (node) => {
      let el = node.element;
      if (!el && node.target && node.target.length > 1) { try { el = document.querySelector(node.target[0]); } catch (e) { el = null; } }
      return el && prepared.rank.has(el) ? prepared.rank.get(el) : Number.MAX_SAFE_INTEGER;
    };
    const byRule = new Map();  // local rule id → {header, violations, incomplete, passes}
    const merged = {};
    for (const group of GROUPS) {
      merged[group] = [];
      for (const rule of localRun[group]) {
        if (!local.has(rule.id)) { merged[group].push(rule); continue; }
        const {nodes, ...header} = rule;
        const entry = byRule.get(rule.id) || {header, violations: [], incomplete: [], passes: []};
        byRule.set(rule.id, entry);
        if (group !== 'inapplicable') entry[group].push(...(group === 'passes' ? nodes.slice(0, 1) : nodes));
      }
    }
    for (const [id, kept] of prepared.nodes) {
      const entry = byRule.get(id);
      if (!entry) return JSON.stringify({broken: true});
      for (const group of ['violations', 'incomplete', 'passes']) entry[group].push(...kept[group]);
    }
    const impactOf = (nodes) => nodes.reduce((best, n) => (IMPACTS.indexOf(n.impact) > IMPACTS.indexOf(best) ? n.impact : best), null);
    for (const entry of byRule.values()) {
      for (const group of ['violations', 'incomplete', 'passes']) entry[group].sort((a, b) => rankOf(a) - rankOf(b));
      entry.passes = entry.passes.slice(0, 1);
      const impact = entry.violations.length ? impactOf(entry.violations) : entry.incomplete.length ? impactOf(entry.incomplete) : null;
      const header = Object.assign({}, entry.header, {impact});
      let any = false;
      for (const group of ['violations', 'incomplete', 'passes']) {
        if (entry[group].length) { merged[group].push(Object.assign({}, header, {nodes: entry[group]})); any = true; }
      }
      if (!any) merged.inapplicable.push(Object.assign({}, header, {nodes: []}));
    }
    for (const group of GROUPS) merged[group].sort((a, b) => order.get(a.id) - order.get(b.id));
    result = finish(Object.assign({}, localRun, merged));
  }
  const answer = {result, learnt};
  if (arg.verify) answer.whole = await axe.run(context, base);
  return JSON.stringify(answer);
}"""
_AXE_PARTS_JSON_ARG = json_arg(AXE_PARTS_JS)  # its argument carries the known parts' records: one JSON string


def _node_key(node: dict[str, Any]) -> str:
    return json.dumps(node.get("target"), ensure_ascii=False) + " " + str(node.get("html"))


def compare(reused: dict[str, Any], whole: dict[str, Any]) -> list[dict[str, Any]]:
    """The differences between axe's result with reuse and the whole-page run: for every result group and rule,
    the nodes one has and the other has not, the nodes both have with different answers (impact, checks,
    messages, data, related nodes) and a different order. An empty list: the same findings, element by element."""
    out: list[dict[str, Any]] = []
    for group in ("violations", "incomplete", "passes", "inapplicable"):
        mine = {r["id"]: r for r in reused.get(group) or []}
        theirs = {r["id"]: r for r in whole.get(group) or []}
        if [r["id"] for r in reused.get(group) or []] != [r["id"] for r in whole.get(group) or []] \
                and set(mine) == set(theirs):
            out.append({"group": group, "order": "differs"})
        for rule_id in sorted(set(mine) | set(theirs)):
            a, b = mine.get(rule_id), theirs.get(rule_id)
            if a is None or b is None:
                out.append({"group": group, "rule": rule_id, "only_in": "reuse" if b is None else "whole"})
                continue
            where = {"group": group, "rule": rule_id}
            if a.get("impact") != b.get("impact"):
                out.append({**where, "impact": [a.get("impact"), b.get("impact")]})
            keys_a = [_node_key(n) for n in a.get("nodes") or []]
            keys_b = [_node_key(n) for n in b.get("nodes") or []]
            nodes_a = dict(zip(keys_a, a.get("nodes") or [], strict=True))
            nodes_b = dict(zip(keys_b, b.get("nodes") or [], strict=True))
            for key in sorted(set(nodes_a) | set(nodes_b)):
                na, nb = nodes_a.get(key), nodes_b.get(key)
                if na is None or nb is None:
                    out.append({**where, "node": key, "only_in": "reuse" if nb is None else "whole"})
                elif na != nb:
                    out.append({**where, "node": key, "answers": "differ"})
            if keys_a != keys_b and set(keys_a) == set(keys_b):
                out.append({**where, "order": "differs"})
    return out


# The events that focusing and blurring an element dispatch while the script that does it runs. With no listener
# for any of them on a page (its window, its document, every element, shadow trees included), no page script runs
# while the focus probe moves the focus, and the probe's answers for a part's elements follow from what the part's
# key holds (markup, ancestors, style rules, layout); probes/focus.js checks the rest (the focus rules, the page
# unchanged since the keys, the part not moved by a focus).
FOCUS_EVENTS = frozenset({"focus", "blur", "focusin", "focusout", "DOMFocusIn", "DOMFocusOut"})
# The Tab walk presses keys too: with no listener for these either, no page script answers a press or a focus
# move, and a known part's stops (the elements Tab reaches in it, in order) follow from its key; the walk checks
# the rest (keyboard.py: nothing changes while it goes, the stops can be followed by script).
WALK_EVENTS = FOCUS_EVENTS | {"keydown", "keyup", "keypress"}
# Why a part's focus answers could not be learnt, for good (a page that ran out of the probe's time may still
# teach them later)
_FOCUS_FOR_GOOD = frozenset({"part_moves_on_focus", "focus_kept"})
_WALK_FOR_GOOD = frozenset({"stops_apart"})  # a part whose stops are not one run: the same on every page


async def page_listeners(page) -> set[str] | None:
    """The event types something listens to on the page, asked of Chromium's DevTools
    (``DOMDebugger.getEventListeners`` on the window, and on the document with its whole tree and shadow trees);
    None when it cannot be asked (no DevTools session: the WebDriver backend, a closing page)."""
    session = await cdp_session(page)
    if session is None:
        return None
    group = "a11y-audit-listeners"
    types: set[str] = set()
    try:
        for expression in ("window", "document"):
            found = await session.send("Runtime.evaluate", {"expression": expression, "objectGroup": group})
            object_id = (found.get("result") or {}).get("objectId")
            if not object_id:
                return None
            listed = await session.send("DOMDebugger.getEventListeners",
                                        {"objectId": object_id, "depth": -1, "pierce": True})
            types.update(str(item.get("type")) for item in listed.get("listeners") or [])
    except Exception as exc:  # noqa: BLE001 - not asked: the focus probe runs without reuse
        log.debug("event listeners not read: %s", exc)
        return None
    finally:
        with suppress(Exception):
            await session.send("Runtime.releaseObjectGroup", {"objectGroup": group})
    return types


def _canonical_walk(walk: dict[str, Any]) -> dict[str, Any]:
    """A Tab walk's result with each element id (the page's own numbering, which depends on the order the walk met
    them) replaced by the element's selector; without its duration and its count of real presses."""
    elements = walk.get("elements") or {}

    def name(i: Any) -> Any:
        return (elements.get(str(i)) or {}).get("s", f"#{i}") if isinstance(i, int) and i >= 0 else i

    out = {k: v for k, v in walk.items() if k not in ("ms", "steps", "elements", "sequence", "first", "backward",
                                                        "trap", "skip_link", "parts")}
    out["sequence"] = [name(i) for i in walk.get("sequence") or []]
    out["first"] = [name(i) for i in walk.get("first") or []]
    out["backward"] = [[name(a), name(b)] for a, b in walk.get("backward") or []]
    out["elements"] = sorted(json.dumps([d.get("s"), d.get("tag"), d.get("name"), d.get("dom"), d.get("tabindex"),
                                         d.get("frame")], ensure_ascii=False) for d in elements.values())
    trap = walk.get("trap")
    out["trap"] = dict(trap, cycle=[name(i) for i in trap.get("cycle") or []],
                       momentary=[name(i) for i in trap.get("momentary") or []]) if trap else trap
    skip = walk.get("skip_link")
    out["skip_link"] = dict(skip, id=name(skip.get("id"))) if skip else skip
    return out


def compare_walk(reused: dict[str, Any], whole: dict[str, Any]) -> list[dict[str, Any]]:
    """The differences between the Tab walk with known parts skipped and the walk pressing every key: the fields
    of the result that differ, element ids read as selectors (the duration and the count of real presses are not
    compared: fewer presses is the point)."""
    a, b = _canonical_walk(reused), _canonical_walk(whole)
    return [{"probe": "tab_walk", "field": key} for key in sorted(set(a) | set(b)) if a.get(key) != b.get(key)]


def compare_focus(reused: dict[str, Any], whole: dict[str, Any]) -> list[dict[str, Any]]:
    """The differences between the focus probe's result with reuse and without, element by element (its selector):
    elements one has and the other has not, the same element with different answers, a different order. Elements
    the run without reuse did not reach because its time ran out (``truncated``) are not differences."""
    mine = {e.get("s"): e for e in reused.get("elements") or []}
    theirs = {e.get("s"): e for e in whole.get("elements") or []}
    out: list[dict[str, Any]] = []
    for selector in sorted(set(mine) | set(theirs), key=str):
        a, b = mine.get(selector), theirs.get(selector)
        if b is None and whole.get("truncated"):
            continue
        if a is None or b is None:
            out.append({"probe": "focus", "node": selector, "only_in": "reuse" if b is None else "whole"})
        elif a != b:
            out.append({"probe": "focus", "node": selector, "answers": "differ"})
    order_a = [s for s in mine if s in theirs]
    if order_a != [s for s in theirs if s in mine]:
        out.append({"probe": "focus", "order": "differs"})
    return out


class PartLedger:
    """The parts a run has audited (key → axe's answers, relative to the part; key → the focus probe's answers for
    its elements) and what reuse did: pages, parts seen, reused, learnt, the reasons parts got no key, and with
    ``verify`` the differences found."""

    def __init__(self, verify: bool = False, min_elements: int = MIN_PART_ELEMENTS):
        self.verify = verify
        self.min_elements = min_elements
        self.known: dict[str, dict[str, Any]] = {}
        self.unlearnable: set[str] = set()
        self.counts: Counter[str] = Counter()
        self.reasons: Counter[str] = Counter()
        self.unkeyed: Counter[str] = Counter()  # "part: reason" → pages
        self.differences: list[dict[str, Any]] = []
        self.seconds = {"keys": 0.0, "focus_proof": 0.0, "walk_proof": 0.0}
        self.focus_known: dict[str, dict[str, Any]] = {}
        self.focus_unlearnable: set[str] = set()
        self.focus_counts: Counter[str] = Counter()
        self.focus_reasons: Counter[str] = Counter()
        self.walk_known: dict[str, list[int]] = {}  # key → the members Tab stops at, in order
        self.walk_unlearnable: set[str] = set()
        self.walk_counts: Counter[str] = Counter()
        self.walk_reasons: Counter[str] = Counter()
        # page → {part index: key} of its current document, from its keys to its probes
        self._keys: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    async def axe(self, page, options: dict[str, Any], context: dict[str, Any] | None,
                  timings: dict[str, float] | None = None, url: str = "") -> str:
        """axe-core's result for the page (the JSON text a whole-page run gives), reusing the known parts.
        ``timings`` gets ``parts.keys`` (seconds spent keying the parts) and ``parts.reused`` (how many)."""
        started = time.perf_counter()
        if _weak(page):
            self._keys.pop(page, None)  # the keys of the tab's previous document
        try:
            found = await page.evaluate(PARTS_JS, {"min": self.min_elements})
        except Exception as exc:  # noqa: BLE001 - no parts on this page: axe runs on the whole page
            log.debug("shared parts not keyed on %s: %s", url, exc)
            self.counts["fallbacks"] += 1
            found = {"parts": []}
        spent = time.perf_counter() - started
        self.seconds["keys"] += spent
        if timings is not None:
            timings["parts.keys"] = round(spent, 3)
        self.counts["pages"] += 1
        reuse, learn = [], []
        for part in found["parts"]:
            self.counts["parts"] += 1
            key = part.get("key")
            if not key:
                self.reasons[part.get("reason") or "unknown"] += 1
                self.unkeyed[f'{part.get("name")}: {part.get("reason")}'] += 1
                continue
            if key in self.known:
                reuse.append({"index": part["index"], "record": self.known[key]})
            elif key not in self.unlearnable:
                learn.append(part["index"])
        arg = {"options": options, "context": context, "reuse": reuse, "learn": learn,
               "local": sorted(LOCAL_RULES), "verify": self.verify}
        used = len(reuse)
        try:
            answer = json.loads(await page.evaluate(_AXE_PARTS_JSON_ARG, to_json_arg(arg)))
        except Exception as exc:  # noqa: BLE001 - the page as without reuse, below
            log.debug("shared parts not used on %s: %s", url, exc)
            answer = {"broken": True}
        if answer.get("broken"):  # a known part that no longer fits its record: the whole page, as without reuse
            used = 0
            self.counts["fallbacks"] += 1
            if answer.get("changed"):  # the page changed between its keys and axe's run
                self.reasons["page_changed"] += 1
            arg.update(reuse=[], learn=[])
            answer = json.loads(await page.evaluate(_AXE_PARTS_JSON_ARG, to_json_arg(arg)))
        keys = {part["index"]: part.get("key") for part in found["parts"]}
        with suppress(TypeError):  # a page that cannot be weakly referenced: no focus reuse
            self._keys[page] = {index: key for index, key in keys.items() if key}
        for index, record in (answer.get("learnt") or {}).items():
            key = keys.get(int(index))
            if not key:
                continue
            if "reason" in record and set(record) == {"reason"}:
                self.unlearnable.add(key)
                self.reasons[record["reason"]] += 1
            else:
                self.known[key] = record
                self.counts["learnt"] += 1
        self.counts["reused"] += used
        reused_at = {r["index"] for r in reuse} if used else set()
        self.counts["reused_elements"] += sum(p["elements"] for p in found["parts"] if p["index"] in reused_at)
        self.counts["elements"] += sum(p["elements"] for p in found["parts"])
        if timings is not None:
            timings["parts.reused"] = used
        result = answer["result"]
        if self.verify:
            for diff in compare(result, answer["whole"]):
                self.differences.append({"url": url, **diff})
            result = answer["whole"]  # what is stored is the whole-page answer; the differences are reported
        return json.dumps(result, ensure_ascii=False)

    async def focus(self, page, script: str, timings: dict[str, float] | None = None, url: str = "") -> dict[str, Any]:
        """The focus probe's result for the page (``script``: probes/focus.js), the known parts' answers reused
        where the page proves them the same (FOCUS_EVENTS, and the probe's own checks), the parts seen for the first
        time learnt. ``timings`` gets ``parts.focus_reused`` (how many parts). With ``verify`` the probe runs
        again without reuse; that result is returned and the differences are kept."""
        keys = self._keys.get(page) if _weak(page) else None
        plan = self._focus_plan(keys) if keys else None
        if plan is not None and not await self._quiet(page, FOCUS_EVENTS, "focus_proof", self.focus_reasons,
                                                      "focus_listeners"):
            plan = None
        if plan is None:
            return from_json(await page.evaluate(as_json(script)))
        self.focus_counts["pages"] += 1
        result = from_json(await page.evaluate(as_json(json_arg(script)), to_json_arg({"parts": plan})))
        info = result.pop("parts", None) or {}
        _note(info, keys, self.focus_known, self.focus_unlearnable, self.focus_counts, self.focus_reasons,
              _FOCUS_FOR_GOOD)
        reused = info.get("reused") or []
        self.focus_counts["reused"] += len(reused)
        self.focus_counts["reused_elements"] += sum(len(plan["reuse"].get(str(i)) or {}) for i in reused)
        if timings is not None:
            timings["parts.focus_reused"] = len(reused)
        if self.verify:
            whole = from_json(await page.evaluate(as_json(script)))
            for diff in compare_focus(result, whole):
                self.differences.append({"url": url, **diff})
            result = whole
        return result

    async def walk(self, page, timings: dict[str, float] | None = None, url: str = "") -> dict[str, Any]:
        """The Tab walk's result for the page (keyboard.tab_walk), the known parts' stops skipped where the page
        proves them the same (WALK_EVENTS, and the walk's own checks), the parts seen for the first time learnt.
        ``timings`` gets ``parts.walk_skipped`` (how many parts). With ``verify`` the walk runs again pressing
        every key; that result is returned and the differences are kept."""
        keys = self._keys.pop(page, None) if _weak(page) else None
        plan = self._walk_plan(keys) if keys else None
        # asked again, not taken from the focus probe's answer: a script loaded in between may listen now
        if plan is not None and not await self._quiet(page, WALK_EVENTS, "walk_proof", self.walk_reasons,
                                                      "key_or_focus_listeners"):
            plan = None
        result = await tab_walk(page, parts=plan)
        info = result.pop("parts", None)
        if plan is None or info is None:
            return result
        self.walk_counts["pages"] += 1
        if info.get("again"):
            self.walk_reasons[f'walked_again_{info["again"]}'] += 1
        _note(info, keys, self.walk_known, self.walk_unlearnable, self.walk_counts, self.walk_reasons,
              _WALK_FOR_GOOD)
        skipped = info.get("skipped") or []
        self.walk_counts["skipped"] += len(skipped)
        self.walk_counts["skipped_stops"] += sum(len(self.walk_known.get(keys.get(i, ""), ())) for i in skipped)
        if timings is not None:
            timings["parts.walk_skipped"] = len(skipped)
        if self.verify:
            whole = await tab_walk(page)
            for diff in compare_walk(result, whole):
                self.differences.append({"url": url, **diff})
            result = whole
        return result

    def _focus_plan(self, keys: dict[int, str]) -> dict[str, Any] | None:
        reuse = {str(index): self.focus_known[key] for index, key in keys.items() if key in self.focus_known}
        learn = [index for index, key in keys.items()
                 if key not in self.focus_known and key not in self.focus_unlearnable]
        return {"reuse": reuse, "learn": learn} if reuse or learn else None

    def _walk_plan(self, keys: dict[int, str]) -> dict[str, Any] | None:
        skips = [{"index": index, "stops": self.walk_known[key]} for index, key in keys.items()
                 if len(self.walk_known.get(key) or ()) >= 2]
        learn = [index for index, key in keys.items()
                 if key not in self.walk_known and key not in self.walk_unlearnable]
        return {"skips": skips, "learn": learn} if skips or learn else None

    async def _quiet(self, page, events: frozenset[str], clock: str, reasons: Counter[str], why: str) -> bool:
        """Whether nothing on the page listens to ``events`` (asked of DevTools, timed under ``clock``); if not,
        ``why`` is counted in ``reasons`` (``no_devtools`` when it cannot be asked)."""
        started = time.perf_counter()
        listened = await page_listeners(page)
        self.seconds[clock] += time.perf_counter() - started
        if listened is None or listened & events:
            reasons[why if listened else "no_devtools"] += 1
            return False
        return True

    def report(self) -> dict[str, Any]:
        """What reuse did in this run, for the run's log and the benchmark."""
        parts = self.counts["parts"]
        return {"pages": self.counts["pages"], "parts": parts, "reused": self.counts["reused"],
                "learnt": self.counts["learnt"], "fallbacks": self.counts["fallbacks"],
                "reuse_rate": round(self.counts["reused"] / parts, 3) if parts else 0.0,
                "elements": self.counts["elements"], "reused_elements": self.counts["reused_elements"],
                "no_key": dict(self.reasons.most_common()),
                "no_key_by_part": dict(self.unkeyed.most_common(20)), "keys_s": round(self.seconds["keys"], 3),
                "verified": self.verify, "differences": len(self.differences),
                "focus": {"pages": self.focus_counts["pages"], "reused": self.focus_counts["reused"],
                          "reused_elements": self.focus_counts["reused_elements"],
                          "learnt": self.focus_counts["learnt"],
                          "not_reused": dict(self.focus_reasons.most_common()),
                          "proof_s": round(self.seconds["focus_proof"], 3)},
                "tab_walk": {"pages": self.walk_counts["pages"], "skipped": self.walk_counts["skipped"],
                             "skipped_stops": self.walk_counts["skipped_stops"],
                             "learnt": self.walk_counts["learnt"],
                             "not_skipped": dict(self.walk_reasons.most_common()),
                             "proof_s": round(self.seconds["walk_proof"], 3)}}


def _note(info: dict[str, Any], keys: dict[int, str], known: dict[str, Any], unlearnable: set[str],
          counts: Counter[str], reasons: Counter[str], for_good: frozenset[str]) -> None:
    """What a probe said of the shared parts' plan (``info``: doubt, refused, learnt): the reasons counted, the
    records learnt kept under their part's key; a part refused for a reason in ``for_good`` is never tried again."""
    if info.get("doubt"):
        reasons[info["doubt"]] += 1
    for why in (info.get("refused") or {}).values():
        reasons[why] += 1
    for index, record in (info.get("learnt") or {}).items():
        key = keys.get(int(index))
        if not key:
            continue
        if isinstance(record, dict) and set(record) == {"reason"}:
            reasons[record["reason"]] += 1
            if record["reason"] in for_good:
                unlearnable.add(key)
        else:
            known[key] = record
            counts["learnt"] += 1


def _weak(page) -> bool:
    try:
        weakref.ref(page)
    except TypeError:
        return False
    return True

