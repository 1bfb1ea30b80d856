"""Keyboard evidence that needs real key presses: the Tab walk (RGAA 12.7, 12.8, 12.9).

``tab_walk(page)`` presses Tab with Playwright from the start of the document and records which element
holds the focus after each press, then looks for a keyboard trap (the focus cycles through a few elements
and never reaches the others nor leaves the page), checks the skip link among the first elements (does
activating it bring the next Tab into the main content?) and notes where the order jumps backwards in the
document. It runs during gather, after the JS probes; its dict is stored in probes.json under "tab_walk"
and read offline by ``audit/checks/navigation.py``.

Speed: a first pass presses Tab without waiting and reads an in-page log once; on a Playwright page the presses
of a batch are sent down one Chrome DevTools session without waiting for each other (Chromium still handles
them one after the other, as typed keys), which makes a 40-press walk about four times faster. Only when that
pass shows scripts moving the focus by themselves, a second, slower pass (``SETTLE_MS`` after each press, so
focus handlers using timers have run) decides. The keys pressed while the focus is inside a frame (iframe,
object, embed) go to the frame's document, where the in-page log does not hear them: the fast pass's budget
counts the presses it hears, the frame's own stops come on top (up to ``MAX_STEPS`` in all). The end of the round
is the focus leaving the page, or coming back to the first element once every element the log can see was
reached (``_wrapped``): from the last stop of a page, Chromium does one or the other from one run to the next. A
trap is confirmed by starting again, slowly, from its first element. The skip link is only activated when it
points into the same document. The page is left as found: focus, scroll and URL restored, in-page helpers
removed.
"""

from __future__ import annotations

import asyncio
import json
import time
import weakref
from typing import Any

from audit.layout import as_json, from_json, json_arg, tidy, to_json_arg, with_helpers

MAX_STEPS = 200
SETTLE_MS = 25  # after each press in the slow pass: lets focus handlers with short timers run
CONFIRM_MS = 60  # after each press when confirming a trap
BUDGET_S = 6.0  # the whole walk, both passes and the skip-link test
CHUNK = 10  # presses between two reads of the in-page log in the fast pass
SELF_REPEATS = 12  # a single element keeping the focus this many presses in a row is a candidate trap
MEDIA_TAGS = {"iframe", "frame", "object", "embed", "video", "audio"}
FRAME_TAGS = {"iframe", "frame", "object", "embed"}  # a document of their own: Tab goes on inside it
# Where a skip link's target may be: the main content itself, around it, at its start, or just before it.
MAIN_RELATIONS = {"main", "contains_main", "inside_main", "just_before_main"}
# The walk on a page without any tabbable element: nothing is pressed, the result says why (as the probes'
# ``inapplicable``: a code and the reason, in French, as a check can show it).
NO_TABBABLE = {"code": "no_tabbable", "reason": "aucun élément de la page n'est atteignable avec la touche Tab"}

# In-page recorder: element ids, focus transitions, and the focused element at each key press. ``arg``: null, or
# the shared parts' plan (audit/parts.py): {skips: [{index, stops}], learn: [index]}, parts of
# window.__a11yAuditParts. A skipped part's stops (its members' indices, as a walk found them on another page) are
# written into the log as the presses would have found them when the focus lands on its first stop, and the focus
# is moved through them by script to its last stop, from where the next press goes on (see ``_walk``).
_INSTALL_JS = with_helpers("""(arg) => {
/*HELPERS*/
  if (window.__a11yAuditWalk) window.__a11yAuditWalk.uninstall();
  const ids = new WeakMap();
  const els = [];
  const deep = () => {
    let a = document.activeElement;
    while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
    return a;
  };
  const idOf = (el) => {
    if (!el || el === document.body || el === document.documentElement || el === document) return -1;
    if (!ids.has(el)) { ids.set(el, els.length); els.push(el); }
    return ids.get(el);
  };
  const tabbables = [];
  for (const el of document.querySelectorAll(FOCUSABLE)) if (isTabbable(el)) tabbables.push(el);
  tabbables.forEach(idOf);
  let keys = 0;
  let log = [];
  const onKey = (e) => {
    if (e.key !== 'Tab' && e.key !== 'Escape' && e.key !== 'Enter') return;
    keys++;
    log.push(['k', keys, idOf(deep()), e.key === 'Tab' ? (e.shiftKey ? 'S' : 'T') : e.key[0]]);
  };
  // --- shared parts walked once ---
  const jumps = new Map();  // a skipped part's first stop -> {index, stops}
  let jumping = false, quiet = false, broken = false, saved = 0, virtual = 0;
  const used = [];
  const plan = {doubt: null, refused: {}, saved: 0, pending: 0};
  const ruleCount = () => {  // the style rules, counted: a script adding or removing one shows
    let n = 0;
    const count = (rules) => { for (const r of rules) { n++; if (r.cssRules) count(r.cssRules); } };
    for (const sheet of [...document.styleSheets, ...(document.adoptedStyleSheets || [])]) {
      try { n += sheet.disabled ? 100000 : 0; count(sheet.cssRules); } catch (e) { n += 1000000; }
    }
    return n;
  };
  const parts = window.__a11yAuditParts || [];
  const before = window.__a11yAuditWalkWatch;  // started with the parts' keys (PARTS_JS)
  if (before) { before.observer.disconnect(); delete window.__a11yAuditWalkWatch; }
  if (arg && ((arg.skips || []).length || (arg.learn || []).length)) {
    const rules = focusRules();
    if (!before || before.observer.takeRecords().length ||
        before.view !== [scrollX, scrollY, innerWidth, innerHeight].join(',')) plan.doubt = 'page_changed';
    else if (rules.doubt) plan.doubt = rules.doubt;
    else if (Array.from(document.querySelectorAll('[tabindex]')).some((el) => el.tabIndex > 0)) plan.doubt = 'positive_tabindex';
    const indices = [...(arg.skips || []).map((k) => k.index), ...(arg.learn || [])];
    for (const index of plan.doubt ? [] : indices) {
      const root = parts[index];
      if (!root || !root.isConnected) plan.refused[index] = 'part_gone';
      else if (withinOutside(root, rules.within)) plan.refused[index] = 'focus_within_outside';
    }
    for (const skip of plan.doubt ? [] : arg.skips || []) {
      if (plan.refused[skip.index]) continue;
      const root = parts[skip.index];
      const members = [root, ...root.getElementsByTagName('*')];
      const stops = skip.stops.map((m) => members[m]);
      if (stops.length < 2 || stops.some((el) => !el) || !tabbables.includes(stops[0])) {
        plan.refused[skip.index] = 'stops_differ';
        continue;
      }
      jumps.set(stops[0], {index: skip.index, stops});
      saved += stops.filter((el) => tabbables.includes(el)).length - 1;
    }
    jumping = jumps.size > 0;
    plan.saved = saved;
    for (const {stops} of jumps.values()) plan.pending += stops.length - 1;
  }
  let watch = null;  // from the first press to the end of the fast pass: nothing may change
  const jump = (target) => {
    const {index, stops} = jumps.get(target);
    jumps.delete(target);
    used.push(index);
    for (let j = 1; j < stops.length; j++) {
      keys++;
      virtual++;
      log.push(['k', keys, idOf(stops[j - 1]), 'T']);
      log.push(['f', keys, idOf(stops[j])]);
    }
    // through the stops in order, as Tab went (a menu opening as the focus enters it, :focus-within)
    quiet = true;
    try {
      for (let j = 1; j < stops.length && !broken; j++) {
        stops[j].focus({focusVisible: true});
        if (deep() !== stops[j]) broken = true;
      }
    } finally {
      quiet = false;
    }
  };
  const onFocus = (e) => {
    if (quiet) return;
    const target = e.composedPath()[0];
    log.push(['f', keys, idOf(target)]);
    if (jumping && jumps.has(target)) jump(target);
  };
  const onBlur = (e) => {  // the focus left the document for the browser (not for one of its frames)
    if (e.target === window && idOf(deep()) === -1) log.push(['x', keys]);
  };
  window.addEventListener('keydown', onKey, true);
  window.addEventListener('blur', onBlur, true);
  document.addEventListener('focusin', onFocus, true);
  const state = {
    scrollX: window.scrollX, scrollY: window.scrollY, href: location.href,
    active: deep(),
    take() {
      // ``virtual``: the presses written for skipped stops, counted as presses against the walk's limit;
      // ``pending``: those the parts not reached yet would write
      let pending = 0;
      if (jumping) for (const {stops} of jumps.values()) pending += stops.length - 1;
      const out = {log, active: idOf(deep()), keys, virtual, pending};
      log = [];
      return out;
    },
    reset() {
      // Sequential navigation starts where the last focused node was: park it after the last element, so that
      // the next Tab starts from the top of the document as after a fresh load.
      const a = deep();
      if (a && a !== document.body && a.blur) a.blur();
      const t = document.createElement('span');
      t.tabIndex = -1;
      document.body.appendChild(t);
      t.focus({preventScroll: true});
      t.remove();
      window.scrollTo(0, 0);
      log = [];
      keys = 0;  // a pass counts its own presses
      virtual = 0;
    },
    describe(list) {
      return list.map((i) => {
        const el = els[i];
        if (!el) return null;
        const tabbable = tabbables.indexOf(el);
        return {s: cssPath(el), tag: el.localName, name: nameOf(el), dom: tabbable,
                tabindex: el.tabIndex, frame: el.localName === 'iframe' || el.localName === 'frame'};
      });
    },
    tabbableIds() { return tabbables.map(idOf); },
    box(i) {
      const el = els[i];
      if (!el) return null;
      const r = el.getBoundingClientRect();
      const cs = getComputedStyle(el);
      const clipped = (cs.clip && cs.clip.startsWith('rect(0')) || (cs.clipPath && cs.clipPath.includes('inset(50%'));
      const inView = r.right > 0 && r.bottom > 0 && r.left < innerWidth && r.top < innerHeight;
      return {x: Math.round(r.left), y: Math.round(r.top), w: Math.round(r.width), h: Math.round(r.height),
              visible: inView && r.width * r.height >= 4 && !clipped && cs.opacity !== '0' && cs.visibility === 'visible'};
    },
    element(i) { return els[i]; },
    path: cssPath,
    FOCUSABLE,
    watch() {  // the page is watched from here (the fast pass, with or without jumps): started by the install
      if (!arg || watch) return;
      const observer = new MutationObserver(() => {});
      observer.observe(document.documentElement, {subtree: true, childList: true, attributes: true, characterData: true});
      watch = {observer, rules: ruleCount()};
    },
    endJumps() {  // the fast pass is over: no more jumps; did the page stay as it was?
      jumping = false;
      let changed = false;
      if (watch) {
        changed = watch.observer.takeRecords().length > 0 || watch.rules !== ruleCount();
        watch.observer.disconnect();
        watch = null;
      }
      return {used, broken, changed};
    },
    stops(seq, indices) {  // for each part: [position in seq, member index] of its elements in the sequence
      const out = {};
      for (const index of indices) {
        const root = parts[index];
        if (!root) continue;
        const members = [root, ...root.getElementsByTagName('*')];
        const place = new Map(members.map((el, k) => [el, k]));
        out[index] = [];
        seq.forEach((id, k) => { const el = els[id]; if (el && place.has(el)) out[index].push([k, place.get(el)]); });
      }
      return out;
    },
    uninstall() {
      window.removeEventListener('keydown', onKey, true);
      window.removeEventListener('blur', onBlur, true);
      document.removeEventListener('focusin', onFocus, true);
      if (watch) watch.observer.disconnect();
      delete window.__a11yAuditWalk;
    },
  };
  window.__a11yAuditWalk = state;
  if (tabbables.length) state.reset();  // ready for the first pass
  state.watch();  // with a plan: from here to the end of the fast pass, nothing may change
  // [how many (their ids are 0 to n - 1), the ids of those that hold a document of their own (frames, objects,
  // embeds): the keys pressed inside one go to that document, where this recorder does not hear them, the shared
  // parts' plan as this page allows it]
  return [tabbables.length, tabbables.map(idOf).filter((i) => FRAME_TAGS.includes(els[i].localName)), plan];
}""".replace("FRAME_TAGS", json.dumps(sorted(FRAME_TAGS))))
_INSTALL_JSON_ARG = json_arg(_INSTALL_JS)  # the known parts' stops: one JSON string

# The main content and the tabbable elements before it; the skip-link candidates among the first elements; the
# description of the elements the walk met (``seen``), of the first ones and of the candidates.
_MAIN_JS = """([first, seen]) => {
  const w = window.__a11yAuditWalk;
  const main = document.querySelector('main:not([hidden]), [role="main"]:not([hidden])');
  const ids = w.tabbableIds();
  let before = null;
  if (main) {
    before = 0;
    for (const i of ids) {
      const el = w.element(i);
      if (main.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_PRECEDING && !main.contains(el)) before++;
    }
  }
  const SKIP = /(contenu|content|principal|main|aller au|acc[eè]s direct|[ée]vitement|skip|passer)/i;
  const candidates = [];
  for (const i of first) {
    const el = w.element(i);
    if (!el) continue;
    const alts = Array.from(el.querySelectorAll('img[alt]')).map((img) => img.alt).join(' ');
    const name = (el.getAttribute('aria-label') || el.innerText || el.textContent || alts || '').replace(/\\s+/g, ' ').trim();
    let fragment = null;
    if ((el.localName === 'a' || el.localName === 'area') && el.hasAttribute('href')) {
      const url = new URL(el.href, location.href);
      const here = new URL(location.href);
      if (url.hash && url.origin === here.origin && url.pathname === here.pathname && url.search === here.search) {
        fragment = url.hash.slice(1);
        try { fragment = decodeURIComponent(fragment); } catch (e) { /* keep it raw */ }
      }
    }
    const named = SKIP.test(name);
    if (fragment === null && !named) continue;
    let target = null;
    if (fragment !== null) {
      target = document.getElementById(fragment) || document.getElementsByName(fragment)[0] || null;
    }
    let relation = null;
    if (target && main) {
      if (target === main) relation = 'main';
      else if (target.contains(main)) relation = 'contains_main';
      else if (main.contains(target)) relation = 'inside_main';
      else if (target.compareDocumentPosition(main) & Node.DOCUMENT_POSITION_FOLLOWING) {
        // Valid when nothing readable or focusable lies between the target and the main content.
        const range = document.createRange();
        range.setStartBefore(target);
        range.setEndBefore(main);
        const between = range.toString().trim();
        const frag = range.cloneContents();
        const focusables = frag.querySelectorAll(w.FOCUSABLE).length;
        relation = !between && !focusables ? 'just_before_main' : 'before_main';
      } else {
        relation = 'after_main';
      }
    }
    candidates.push({id: i, name: name.slice(0, 80), fragment, named,
                     target: target ? w.path(target) : null, target_exists: !!target, relation});
  }
  // Links to the main content elsewhere in the page (not among the first elements).
  let elsewhere = null;
  if (main) {
    for (const a of Array.from(document.querySelectorAll('a[href*="#"]')).slice(0, 300)) {
      if (first.some((i) => w.element(i) === a)) continue;
      const url = new URL(a.href, location.href);
      if (!url.hash || url.pathname !== location.pathname) continue;
      let id = url.hash.slice(1);
      try { id = decodeURIComponent(id); } catch (e) { /* keep it raw */ }
      const t = document.getElementById(id);
      if (t && (t === main || t.contains(main) || main.contains(t))) { elsewhere = w.path(a); break; }
    }
  }
  const met = Array.from(new Set([...seen, ...first, ...candidates.map((c) => c.id)])).sort((a, b) => a - b);
  const described = w.describe(met);
  const elements = {};
  met.forEach((i, k) => { if (described[k]) elements[i] = described[k]; });
  return {main: main ? w.path(main) : null, before_main: before, candidates, elsewhere, elements};
}"""

_MAIN_JS_AS_JSON = as_json(_MAIN_JS)  # a large answer: one JSON string

_RESTORE_JS = """() => {
  const w = window.__a11yAuditWalk;
  if (!w) return;
  let a = document.activeElement;
  for (let i = 0; i < 3 && a && a !== document.body && a.blur; i++) { a.blur(); a = document.activeElement; }
  if (w.active && w.active !== document.body && w.active.focus) w.active.focus({preventScroll: true});
  if (location.href !== w.href) history.replaceState(history.state, '', w.href);
  window.scrollTo(w.scrollX, w.scrollY);
  w.uninstall();
}"""

async def tab_walk(page, max_steps: int = MAX_STEPS, parts: dict[str, Any] | None = None) -> dict[str, Any]:
    """Walk the page with the Tab key; never raises (a failure is returned as {"error": ...}). ``parts``: the
    shared parts' plan (audit/parts.py PartLedger.walk: {skips, learn}); the result then carries ``parts``, what
    the walk did with it (see ``_walk``)."""
    started = time.perf_counter()
    try:
        return await asyncio.wait_for(_walk(page, max_steps, started, parts), timeout=BUDGET_S + 4)
    except Exception as exc:  # noqa: BLE001 - a probe failure is evidence, not a crash
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        try:
            await page.evaluate(_RESTORE_JS)
        except Exception:  # noqa: BLE001 - the page may have navigated away
            pass
        return {"error": f"{type(exc).__name__}: {message}"[:300]}


async def _walk(page, max_steps: int, started: float, parts: dict[str, Any] | None = None) -> dict[str, Any]:
    """The walk. With ``parts``, the known parts' stops are skipped (written into the log, the focus moved through
    them by script) on a page that allows it (``_INSTALL_JS``), watched from the first press to the end of the fast
    pass: if anything changed then (the DOM, the style rules), a part's stops could not be followed by script, or
    the pass did not end by leaving the page, the pass is done again without skips. The parts to learn get their
    stops from a pass where nothing changed, the focus left the page, and their stops came one after the other.
    ``result["parts"]``: {doubt, refused: {index: reason}, skipped: [index], again: reason | None, learnt: {index:
    [member indices] | {reason}}}."""
    total, frames, plan = await page.evaluate(_INSTALL_JSON_ARG, to_json_arg(parts) if parts is not None else None)
    if total == 0:
        await page.evaluate(_RESTORE_JS)
        return {"tabbables": 0, "mode": "none", "steps": 0, "sequence": [], "reached": 0, "exited": True,
                "complete": True, "first": [], "trap": None, "backward": [], "main": None, "before_main": None,
                "main_link_elsewhere": None, "skip_link": None, "skip_candidates": 0, "elements": {},
                "ms": round((time.perf_counter() - started) * 1000), "inapplicable": NO_TABBABLE}
    try:
        steps = min(max_steps, total + 2 * CHUNK)
        info: dict[str, Any] | None = None
        fast = await _fast_pass(page, steps, started, first_batch=max(1, total + 1 - plan["saved"]), total=total,
                                frames=set(frames), limit=max_steps, pending=plan["pending"])
        if parts is not None:
            ends = await page.evaluate("() => window.__a11yAuditWalk.endJumps()")
            info = {"doubt": plan["doubt"], "refused": plan["refused"], "skipped": ends["used"], "again": None,
                    "learnt": {}}
            steady = not ends["changed"] and not ends["broken"] and not fast["script_moves"] and fast["exited"]
            if ends["used"] and not steady:
                info["again"] = ("broken" if ends["broken"] else "changed" if ends["changed"]
                                 else "script_moves" if fast["script_moves"] else "not_exited")
                info["skipped"] = []
                await page.evaluate("() => window.__a11yAuditWalk.reset()")
                fast = await _fast_pass(page, steps, started, first_batch=total + 1, total=total,
                                        frames=set(frames), limit=max_steps)
            learn = [i for i in parts.get("learn") or [] if str(i) not in plan["refused"]]
            if learn and not plan["doubt"]:
                if not steady or info["again"]:
                    info["learnt"] = {str(i): {"reason": info["again"] or "unsteady"} for i in learn}
                else:
                    found = await page.evaluate("([seq, idx]) => window.__a11yAuditWalk.stops(seq, idx)",
                                                [fast["sequence"], learn])
                    info["learnt"] = {str(i): _part_stops(found.get(str(i)), len(fast["sequence"])) for i in learn}
        result: dict[str, Any] = {"tabbables": total, "mode": "fast"}
        walk = fast
        if fast["script_moves"]:
            slow_steps = min(max_steps, len(set(fast["sequence"])) + 3 * CHUNK)
            walk = await _slow_pass(page, slow_steps, started, needed=set(range(total)))
            result["mode"] = "slow"
        seq = walk["sequence"]
        trap = _find_trap(seq, walk["focused"], total)
        if trap is not None:
            trap["confirmed"] = await _confirm(page, trap["cycle"])
            trap["escape"] = await _escape_tests(page, trap["cycle"])
        first = _first_distinct(fast["sequence"], 3)
        seen = sorted({i for i in seq if i >= 0} | set(trap["cycle"] if trap else []))
        main = from_json(await page.evaluate(_MAIN_JS_AS_JSON, [first, seen]))
        elements = {str(i): d for i, d in main["elements"].items()}
        skip = await _skip_link_test(page, main, started) if main["candidates"] else None
        result.update({
            "steps": walk["steps"],
            "sequence": seq[:MAX_STEPS],
            "reached": len({i for i in walk["focused"] if i >= 0}),
            "exited": walk["exited"],
            "complete": walk["exited"] and trap is None,
            "first": first,
            "trap": trap,
            "backward": _backward_jumps(seq, elements),
            "main": main["main"],
            "before_main": main["before_main"],
            "main_link_elsewhere": main["elsewhere"],
            "skip_link": skip,
            "skip_candidates": len(main["candidates"]),
            "elements": elements,
            "ms": round((time.perf_counter() - started) * 1000),
        })
        if trap is not None:
            trap.update(await page.evaluate(_TRAP_TEXT_JS, trap["cycle"]))
            if info is not None:
                info["learnt"] = {i: {"reason": "trap"} for i in info["learnt"]}
        if info is not None:
            result["parts"] = info
        return result
    finally:
        # being cancelled (the page's time is up, the run stopping), the page gets a moment, not more: a page stuck
        # in a script would never answer, and the cancellation would wait for it
        await tidy(page.evaluate(_RESTORE_JS))


async def _fast_pass(page, steps: int, started: float, first_batch: int, total: int, frames: set[int],
                     limit: int, pending: int = 0) -> dict[str, Any]:
    """Tab pressed in batches, the in-page log read after each batch (the install left the focus at the top).
    ``frames``: the ids of the tabbable elements (0 to ``total`` - 1) that are frames; once keys went unheard
    (into a frame's document), the round can end without the log having seen them."""
    seq: list[int] = []  # the focused element when each key was pressed: where the previous press left it
    focused: list[int] = []
    script_moves = 0
    exited = False
    pressed = heard = virtual = 0
    everyone = set(range(total))
    # ``steps`` counts the presses the log hears (those that go into a frame, its own stops, come on top), and
    # grows with the elements reached; ``limit`` presses in all
    # A skipped part's stops (``_walk``) count as presses against ``limit``, those of the parts not reached yet
    # (``pending``) too: a walk that skips never goes past the limit where pressing every key would stop; when
    # it cannot end within it, it is done again key by key.
    while heard < steps and pressed + virtual < limit and not exited and time.perf_counter() - started < BUDGET_S:
        # First as many presses as there are tabbable elements (plus the one that leaves the page): most pages
        # are walked with a single read of the log. Then small batches.
        batch = min(first_batch if pressed == 0 else CHUNK, steps - heard, limit - pressed - virtual - pending)
        if batch <= 0:
            break
        await _press_tabs(page, batch)
        pressed += batch
        taken = await page.evaluate("() => window.__a11yAuditWalk.take()")
        heard = taken["keys"]
        virtual, pending = taken.get("virtual") or 0, taken.get("pending") or 0
        needed = everyone - frames if pressed > heard else everyone
        per_key: dict[int, int] = {}
        for entry in taken["log"]:
            if entry[0] == "f":
                if exited:  # the presses after the focus left the page (it may come back twice: window, element)
                    continue
                focused.append(entry[2])
                per_key[entry[1]] = per_key.get(entry[1], 0) + 1
            elif not exited:
                seq.append(entry[2] if entry[0] == "k" else -1)
                exited = _left_page(seq) or _wrapped(seq, needed)
        script_moves += sum(n - 1 for n in per_key.values() if n > 1)
        if not exited and _left_page(seq + [taken["active"]]):
            seq.append(taken["active"])
            exited = True
        if not exited and _cycle(_trim(seq)) is not None:
            break
        # Elements found on the way (a menu that opens when the focus enters it, :focus-within) make the round
        # longer than the tabbable elements counted at the start: the budget follows what the walk reaches.
        steps = max(steps, len({i for i in seq if i >= 0}) + 2 * CHUNK)
    return {"sequence": _trim(seq), "focused": focused, "exited": exited, "steps": pressed + virtual,
            "script_moves": script_moves}


async def _slow_pass(page, steps: int, started: float, needed: set[int]) -> dict[str, Any]:
    """Tab pressed key by key, the page's focused element read ``SETTLE_MS`` after each; ``needed``: the elements
    to reach before a return to the first one ends the round (``_wrapped``)."""
    await page.evaluate("() => window.__a11yAuditWalk.reset()")
    seq: list[int] = []
    focused: list[int] = []
    exited = False
    pressed = 0
    while pressed < steps and time.perf_counter() - started < BUDGET_S:
        await page.keyboard.press("Tab")
        pressed += 1
        taken = await _take_after(page, SETTLE_MS)
        focused.extend(e[2] for e in taken["log"] if e[0] == "f")
        if any(e[0] == "x" for e in taken["log"]):
            seq.append(-1)
        if not _left_page(seq):  # once the focus has left, where it went next (back to the top or not) is noise
            seq.append(taken["active"])
        if _left_page(seq) or _wrapped(seq, needed):
            exited = True
            break
        if _cycle(seq) is not None:
            break
    return {"sequence": seq, "focused": focused, "exited": exited, "steps": pressed}


_TAB_DOWN = {"type": "rawKeyDown", "key": "Tab", "code": "Tab", "windowsVirtualKeyCode": 9, "text": "",
             "unmodifiedText": "", "modifiers": 0, "location": 0, "autoRepeat": False, "isKeypad": False}
_TAB_UP = {**_TAB_DOWN, "type": "keyUp"}
_SESSIONS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # Playwright page -> its CDP session


async def _press_tabs(page, count: int) -> None:
    """Press Tab ``count`` times: through one CDP session without waiting between presses on a Playwright page
    (each press is still a trusted key-down and key-up that Chromium handles in order), key by key otherwise
    (the Selenium page adapter batches them itself)."""
    session = await cdp_session(page)
    if session is None:
        for _ in range(count):
            await page.keyboard.press("Tab")
        return
    await asyncio.gather(*(session.send("Input.dispatchKeyEvent", event)
                           for _ in range(count) for event in (_TAB_DOWN, _TAB_UP)))


async def cdp_session(page):
    """The page's own Chrome DevTools session (one a Playwright page, kept while the page lives); None where there
    is none (the WebDriver backend, another browser, a closing page)."""
    context = getattr(page, "context", None)
    if context is None or not hasattr(context, "new_cdp_session"):
        return None
    try:
        session = _SESSIONS.get(page)
    except TypeError:  # not weak-referenceable: no cache, no CDP
        return None
    if session is None:
        try:
            session = await context.new_cdp_session(page)
        except Exception:  # noqa: BLE001 - not Chromium, or the page is closing: key by key
            return None
        _SESSIONS[page] = session
    return session


def _part_stops(found: list[list[int]] | None, length: int) -> list[int] | dict[str, str]:
    """A part's stops as the walk met them ([position in the sequence, member index], in order): its member
    indices when they came one after the other, each once, and something (an element, or the focus leaving the
    page) came after the last; else why not."""
    if not found:
        return []
    positions = [k for k, _ in found]
    members = [m for _, m in found]
    if positions != list(range(positions[0], positions[0] + len(positions))) or len(set(members)) != len(members):
        return {"reason": "stops_apart"}
    if positions[-1] >= length - 1:
        return {"reason": "walk_ended_inside"}
    return members


def _trim(seq: list[int]) -> list[int]:
    # In the fast pass the first key press finds nothing focused yet: drop that leading "body".
    return seq[1:] if seq and seq[0] == -1 else seq


def _left_page(seq: list[int]) -> bool:
    """The focus left the document (to the browser) after having been on some element."""
    seen = False
    for i in seq:
        if i >= 0:
            seen = True
        elif seen:
            return True
    return False


def _wrapped(seq: list[int], needed: set[int]) -> bool:
    """The focus came back to the walk's first element right after having reached every element of ``needed``
    (the page's tabbable elements as counted before the walk, but the frames whose stops the log cannot hear):
    the round is over, as when the focus leaves the page, and the return is written as the focus leaving (-1).
    Chromium without a browser window around the page gives the focus away at the end of the page or wraps
    straight to the first element, one or the other from one run to the next when the last element is inside a
    frame. A loop that misses one of them is left to the trap search."""
    if len(seq) < 2 or seq[-1] < 0:
        return False
    first = next(i for i in seq if i >= 0)
    if seq[-1] != first or seq[-2] == first or not needed <= {i for i in seq[:-1] if i >= 0}:
        return False
    seq[-1] = -1
    return True


def _cycle(seq: list[int]) -> list[int] | None:
    """The repeating tail of the sequence, if the last presses go round the same elements."""
    n = len(seq)
    if n >= SELF_REPEATS and seq[-1] >= 0 and all(i == seq[-1] for i in seq[-SELF_REPEATS:]):
        return [seq[-1]]
    for period in range(2, min(40, n // 2) + 1):
        tail = seq[-period:]
        if -1 in tail or len(set(tail)) != period:
            continue
        if seq[-2 * period:-period] == tail:
            return tail
    return None


def _find_trap(seq: list[int], focused: list[int], total: int) -> dict[str, Any] | None:
    cycle = _cycle(seq)
    if cycle is None:
        return None
    inside = set(cycle)
    retained = {i for i in seq if i >= 0}
    # Elements outside the loop that got the focus once the loop had begun: the focus does leave the loop, and
    # a script (often on a timer) pulls it back.
    start = next((k for k, i in enumerate(focused) if i in inside), len(focused))
    momentary = sorted({i for i in focused[start:] if i >= 0 and i not in inside})
    return {"cycle": cycle, "reached": len(retained), "outside": max(total - len(inside), 0), "momentary": momentary}


async def _confirm(page, cycle: list[int]) -> bool:
    """Start again from the first element of the cycle, slowly: does Tab still never leave it?"""
    inside = set(cycle)
    await page.evaluate("""([i, ms]) => { const el = window.__a11yAuditWalk.element(i); if (el) el.focus();
      return new Promise((r) => setTimeout(r, ms)); }""", [cycle[0], CONFIRM_MS])
    for _ in range(len(cycle) + 2):
        await page.keyboard.press("Tab")
        if (await _take_after(page, CONFIRM_MS))["active"] not in inside:
            return False
    return True


async def _escape_tests(page, cycle: list[int]) -> dict[str, bool]:
    """Can Shift+Tab, or Escape then Tab, take the focus out of the cycle?"""
    inside = set(cycle)
    out: dict[str, bool] = {}
    for name, first_key in (("shift_tab", None), ("escape", "Escape")):
        if first_key:
            await page.keyboard.press(first_key)
            await page.wait_for_timeout(SETTLE_MS)
        key = "Shift+Tab" if name == "shift_tab" else "Tab"
        left = False
        for _ in range(len(cycle) + 2):
            await page.keyboard.press(key)
            active = (await _take_after(page, SETTLE_MS))["active"]
            if active not in inside:
                left = True
                break
        out[name] = left
        if left:
            break
    return out


async def _take_after(page, ms: int) -> dict[str, Any]:
    """The in-page log, read ``ms`` after the last key press (the page's own timers have run meanwhile): the wait
    happens in the page, one round trip instead of two."""
    return await page.evaluate(
        "(ms) => new Promise((r) => setTimeout(() => r(window.__a11yAuditWalk.take()), ms))", ms)


_TRAP_TEXT_JS = """(cycle) => {
  const w = window.__a11yAuditWalk;
  const els = cycle.map((i) => w.element(i)).filter(Boolean);
  if (!els.length) return {text: '', dialog: false};
  let common = els[0].parentElement;
  while (common && !els.every((el) => common.contains(el))) common = common.parentElement;
  const parts = [];
  if (common) {
    parts.push(common.innerText || '');
    if (common.previousElementSibling) parts.push(common.previousElementSibling.innerText || '');
  }
  for (const el of els) {
    parts.push(el.getAttribute('aria-label') || '', el.innerText || '', el.getAttribute('title') || '');
    for (const ref of (el.getAttribute('aria-describedby') || '').split(/\\s+/)) {
      const d = ref && document.getElementById(ref);
      if (d) parts.push(d.textContent || '');
    }
  }
  const dialog = els.some((el) => !!el.closest('dialog, [role="dialog"], [role="alertdialog"], [aria-modal="true"]'));
  return {text: parts.join(' ').replace(/\\s+/g, ' ').trim().slice(0, 2000), dialog};
}"""


async def _skip_link_test(page, main: dict[str, Any], started: float) -> dict[str, Any]:
    """Focus the skip-link candidate (as the keyboard would), note whether it shows, press Enter, then Tab once."""
    def rank(c: dict[str, Any]) -> tuple[bool, bool]:
        return (c["relation"] in MAIN_RELATIONS, c["named"])

    candidate = max(main["candidates"], key=rank)  # max keeps the first of equals: the earliest in tab order
    result = dict(candidate)
    # It was among the first elements reached with Tab; focusing it directly, as the keyboard does
    # (:focus-visible), saves walking there again.
    reached = await page.evaluate("""(i) => {
      const el = window.__a11yAuditWalk.element(i);
      if (!el) return false;
      el.focus({focusVisible: true, preventScroll: false});
      for (const a of document.getAnimations()) {  // a link that slides in: measure where it ends
        if (typeof CSSTransition !== 'undefined' && a instanceof CSSTransition) {
          try { a.finish(); } catch (e) { /* leave it */ }
        }
      }
      return document.activeElement === el ? window.__a11yAuditWalk.box(i) : false;
    }""", candidate["id"])
    result["reached"] = bool(reached)
    if not reached or time.perf_counter() - started > BUDGET_S + 2:
        return result
    result["box"] = reached
    if candidate["fragment"] is None:
        return result  # activating it could leave the page: its function is left to a person
    url_before = page.url
    await page.keyboard.press("Enter")
    await page.wait_for_timeout(SETTLE_MS)
    if _document_url(page.url) != _document_url(url_before):
        result["navigated"] = True
        return result
    await page.keyboard.press("Tab")
    result["after"] = await page.evaluate(_AFTER_SKIP_JS, candidate["fragment"])
    return result


_AFTER_SKIP_JS = """(fragment) => {
  const w = window.__a11yAuditWalk;
  const a = document.activeElement;
  const main = document.querySelector('main:not([hidden]), [role="main"]:not([hidden])');
  const target = fragment !== null ? (document.getElementById(fragment) || document.getElementsByName(fragment)[0]) : null;
  const anchor = target || main;
  // Is there anything focusable at or after the target? If not, Tab can only leave the page or wrap around.
  const following = !!anchor && w.tabbableIds().some((i) => {
    const el = w.element(i);
    return anchor === el || anchor.contains(el) || !!(anchor.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING);
  });
  let where = 'unknown';
  if (anchor && (anchor === a || anchor.contains(a))) where = 'inside_target';
  else if (a && main && main.contains(a)) where = 'inside_main';
  else if (anchor && !following) where = 'nothing_after';
  else if (!a || a === document.body) where = 'body';
  else if (anchor && (anchor.compareDocumentPosition(a) & Node.DOCUMENT_POSITION_FOLLOWING)) where = 'after_target';
  else if (anchor) where = 'before_target';
  return {where, hash: location.hash, focused: a && a !== document.body ? w.path(a) : null};
}"""


def _document_url(url: str) -> str:
    return url.split("#", 1)[0]


def _first_distinct(seq: list[int], n: int) -> list[int]:
    out: list[int] = []
    for i in seq:
        if i < 0:
            if out:
                break
            continue
        if i not in out:
            out.append(i)
        if len(out) == n:
            break
    return out


def _backward_jumps(seq: list[int], elements: dict[str, dict[str, Any]]) -> list[list[int]]:
    """Consecutive focus moves that go backwards in the document (not the wrap at the end of the page)."""
    jumps = []
    for a, b in zip(seq, seq[1:], strict=False):
        ea, eb = elements.get(str(a)), elements.get(str(b))
        if not ea or not eb or ea["dom"] < 0 or eb["dom"] < 0:
            continue
        if eb["dom"] < ea["dom"]:
            jumps.append([a, b])
    return jumps[:20]

