// focus: for every element in the sequential focus order (at most 300), what focusing it changes.
// Each element is focused with el.focus({focusVisible: true}) (Chrome >= 122 then matches :focus-visible as
// for a keyboard focus); the computed styles of the element, its ::before/::after, three ancestors, its two
// siblings and a few descendants are compared before and after (CSS transitions jumped to their end). DOM
// mutations made by focus handlers are counted (a script may draw the indicator elsewhere). Focus and scroll
// are restored before returning.
// Some indicators are drawn where computed styles cannot be read: the inner parts of a control (the thumb of
// <input type="range">, the button of <input type="file">), a shadow tree, or a pseudo-element a ':focus' rule
// styles (input:focus::-webkit-slider-thumb, .x:focus .y::after). There `unseen` says why (parts | shadow |
// pseudo): the check then asks instead of failing.
// Shared parts (audit/parts.py): ``arg.parts`` = {reuse: {part index: record}, learn: [part index]} names parts of
// window.__a11yAuditParts (keyed before axe's run) whose answers are reused or learnt here. Python gives it only on
// a page where no script can run while the probe focuses and blurs (no focus, blur, focusin, focusout listener
// anywhere, window included): each answer is then a function of the markup, the style rules and the layout, which
// the part's key holds. Here the probe refuses the reuse (audits the part's elements) when the page changed since
// the keys, when a rule with a focus pseudo-class reads beyond ancestry (siblings, :has(), :nth-…, …), when a
// ':focus-within' compound can match an ancestor outside the part, or when the part's focusable elements or their
// place on the page differ from the record. A part is learnt only when focusing its elements never moves or
// resizes the part itself. The part's root element is always probed.
// Result: {count, visited, truncated, ms, elements: [{s, tag, name, focus, fv, change, props, snippet?, box?,
// unseen?}], parts?: {doubt?, reused: [index], refused: {index: reason}, learnt: {index: record | {reason}}}}
// change: strong | weak | script | none | hidden ; focus: ok | removed | redirected | refused
async (arg) => {
  /*HELPERS*/  // cssPath, snippet, nameOf, isTabbable, FOCUSABLE: audit/layout.py SELECTOR_JS

  const started = performance.now();
  const MAX = 300;
  const BUDGET_MS = 600;
  const PROPS = ['outline-style', 'outline-width', 'outline-color', 'outline-offset', 'box-shadow',
    'border-top-style', 'border-right-style', 'border-bottom-style', 'border-left-style',
    'border-top-width', 'border-right-width', 'border-bottom-width', 'border-left-width',
    'border-top-color', 'border-right-color', 'border-bottom-color', 'border-left-color',
    'background-color', 'background-image', 'color', 'text-decoration-line', 'text-decoration-color',
    'text-decoration-style', 'text-decoration-thickness', 'opacity', 'transform', 'filter', 'font-weight',
    'visibility', 'text-shadow'];
  const PSEUDO_PROPS = ['content', 'display'].concat(PROPS);

  const parseColor = (value) => {
    const m = /^rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)$/.exec(value || '');
    return m ? [+m[1], +m[2], +m[3], m[4] === undefined ? 1 : +m[4]] : null;
  };
  const luminance = (c) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
  };
  const contrast = (a, b) => {
    const la = luminance(a), lb = luminance(b);
    return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
  };
  const over = (top, bottom) => {
    const a = top[3];
    return [0, 1, 2].map((i) => top[i] * a + bottom[i] * (1 - a)).concat([1]);
  };
  const backdrop = (el) => {  // the opaque colour behind el, or null when an image or gradient is involved
    const layers = [];
    for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
      const cs = getComputedStyle(node);
      if (cs.backgroundImage && cs.backgroundImage !== 'none') return null;
      const c = parseColor(cs.backgroundColor);
      if (c && c[3] > 0) {
        layers.push(c);
        if (c[3] >= 1) break;
      }
    }
    let colour = [255, 255, 255, 1];
    for (let i = layers.length - 1; i >= 0; i--) colour = over(layers[i], colour);
    return colour;
  };

  // Focus styles that transition would still read as their starting value: jump transitions to their end.
  const settle = (nodes) => {
    for (const [node, pseudo] of nodes) {
      if (pseudo || !node.getAnimations) continue;
      for (const a of node.getAnimations({subtree: node === nodes[0][0]})) {
        if (typeof CSSTransition !== 'undefined' && a instanceof CSSTransition) {
          try { a.finish(); } catch (e) { /* an infinite or detached one: leave it */ }
        }
      }
    }
  };
  const snapshot = (node, pseudo) => {
    const cs = getComputedStyle(node, pseudo || null);
    const props = pseudo ? PSEUDO_PROPS : PROPS;
    const out = new Array(props.length);
    for (let i = 0; i < props.length; i++) out[i] = cs.getPropertyValue(props[i]);
    return out;
  };
  const watched = (el) => {
    const nodes = [[el, null], [el, '::before'], [el, '::after']];
    let up = el.parentElement;
    for (let i = 0; i < 3 && up && up !== document.body && up !== document.documentElement; i++) {
      nodes.push([up, null]);
      up = up.parentElement;
    }
    if (el.previousElementSibling) nodes.push([el.previousElementSibling, null]);
    if (el.nextElementSibling) nodes.push([el.nextElementSibling, null]);
    const inner = el.getElementsByTagName('*');
    for (let i = 0; i < inner.length && i < 4; i++) nodes.push([inner[i], null]);
    return nodes;
  };
  const visibleBox = (el) => {
    const r = el.getBoundingClientRect();
    const x = r.left + window.scrollX, y = r.top + window.scrollY;
    const cs = getComputedStyle(el);
    const clipped = (cs.clip && cs.clip.startsWith('rect(0')) || (cs.clipPath && cs.clipPath.includes('inset(50%'));
    const size = r.width * r.height;
    const onPage = x + r.width > 0 && y + r.height > 0;
    return {x: Math.round(x), y: Math.round(y), w: Math.round(r.width), h: Math.round(r.height),
      visible: size >= 4 && onPage && !clipped && cs.opacity !== '0', onPage, rx: x, ry: y, rw: r.width, rh: r.height};
  };
  const publicBox = (b) => ({x: b.x, y: b.y, w: b.w, h: b.h, visible: b.visible});

  // Classify the differences between two snapshots of one watched node.
  const differences = (props, before, after, node) => {
    const kinds = [];
    for (let i = 0; i < props.length; i++) {
      if (before[i] === after[i]) continue;
      const p = props[i];
      if (p === 'content' || p === 'display') { kinds.push('pseudo'); continue; }
      if (p.startsWith('outline')) {
        const get = (name, arr) => arr[props.indexOf(name)];
        const style = get('outline-style', after), width = parseFloat(get('outline-width', after)) || 0;
        const colour = parseColor(get('outline-color', after));
        if (style !== 'none' && width > 0 && (!colour || colour[3] > 0)) {
          const bg = backdrop(node.parentElement || node);
          if (style === 'auto' || !colour || !bg || contrast(colour, bg) >= 3) kinds.push('outline');
          else kinds.push('weak:outline');
        } else if (before[props.indexOf('outline-style')] !== 'none') {
          kinds.push('weak:outline');  // an outline removed on focus
        }
        continue;
      }
      if (p === 'box-shadow' || p === 'text-shadow') {
        kinds.push(after[i] === 'none' && before[i] === 'none' ? 'none' : p);
        continue;
      }
      if (p.startsWith('border') && p.endsWith('-style')) { kinds.push('border-style'); continue; }
      if (p.startsWith('border') && p.endsWith('-width')) { kinds.push('border-width'); continue; }
      if (p.endsWith('color')) {
        const a = parseColor(before[i]), b = parseColor(after[i]);
        if (a && b) {
          const bg = backdrop(node.parentElement || node) || [255, 255, 255, 1];
          const ca = over(a, bg), cb = over(b, bg);
          if (ca.slice(0, 3).join() === cb.slice(0, 3).join()) continue;
          const isBorder = p.startsWith('border');
          if (isBorder && (parseFloat(after[props.indexOf(p.replace('color', 'width'))]) || 0) === 0) continue;
          if (p === 'text-decoration-color') {
            if (after[props.indexOf('text-decoration-line')] === 'none') continue;
          }
          kinds.push(contrast(ca, cb) >= 3 ? p : 'weak:' + p);
        } else {
          kinds.push('weak:' + p);
        }
        continue;
      }
      if (p === 'background-image') { kinds.push('background-image'); continue; }
      if (p === 'text-decoration-line') { kinds.push('text-decoration-line'); continue; }
      kinds.push('weak:' + p);
    }
    return kinds.filter((k) => k !== 'none');
  };

  // Selectors (the focused compound, focus pseudo-classes and pseudo-elements removed) of the ':focus' rules
  // that style a pseudo-element the probe does not watch.
  const FOCUS = /:focus(?:-visible|-within)?/;
  const HIDDEN_PSEUDO = /::?-(?:webkit|moz|ms)-|::part\(|::slotted\(|::marker|::file-selector-button|::backdrop/;
  const pseudoFocus = [];
  const collect = (rules) => {
    for (const rule of rules) {
      if (pseudoFocus.length > 200) return;
      if (rule.cssRules && !rule.selectorText) { collect(rule.cssRules); continue; }
      const text = rule.selectorText;
      if (!text || !FOCUS.test(text)) continue;
      for (const part of text.split(',')) {
        const m = FOCUS.exec(part);
        if (!m) continue;
        const tail = part.slice(m.index);
        const rest = tail.slice(m[0].length);
        const descendant = /^[^\s>+~]*[\s>+~]/.test(rest.replace(/\([^)]*\)/g, ''));
        if (!(HIDDEN_PSEUDO.test(tail) || (descendant && /::?(?:before|after)\b/.test(rest)))) continue;
        const end = rest.search(/[\s>+~]/);
        const compound = part.slice(0, m.index) + (end < 0 ? rest : rest.slice(0, end));
        const base = compound.replace(/:focus(?:-visible|-within)?/g, '').replace(/::?-(?:webkit|moz|ms)-[\w-]+(?:\([^)]*\))?/g, '')
          .replace(/::[\w-]+(?:\([^)]*\))?/g, '').replace(/:(?:before|after|first-line|first-letter)\b/g, '').trim();
        pseudoFocus.push(base && !/[>+~]$/.test(base) ? base : '*');
      }
    }
  };
  for (const sheet of Array.from(document.styleSheets)) {
    try { collect(sheet.cssRules); } catch (e) { /* a cross-origin stylesheet: its rules cannot be read */ }
  }
  const PART_INPUTS = ['range', 'color', 'date', 'datetime-local', 'month', 'week', 'time', 'file'];
  const unseen = (el) => {
    if (pseudoFocus.some((sel) => { try { return el.matches(sel); } catch (e) { return false; } })) return 'pseudo';
    if (el.localName === 'input' && PART_INPUTS.includes((el.getAttribute('type') || '').toLowerCase())) return 'parts';
    if (el.shadowRoot || el.localName.includes('-')) return 'shadow';
    return null;
  };

  const deepActive = () => {
    let a = document.activeElement;
    while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
    return a;
  };

  const all = [];
  for (const el of document.querySelectorAll(FOCUSABLE)) {
    // Frames and plugins pass the focus to their own document: the indicator is drawn in there.
    if (isTabbable(el) && !isExcluded(el) && !['iframe', 'frame', 'object', 'embed'].includes(el.localName)) all.push(el);
  }
  const initialActive = deepActive();
  const scrollX = window.scrollX, scrollY = window.scrollY;
  if (initialActive && initialActive !== document.body && initialActive.blur) initialActive.blur();

  // --- shared parts: answers reused or learnt (see the head of this file) ---
  const plan = arg && arg.parts ? arg.parts : null;
  const watch = window.__a11yAuditFocusWatch;  // started with the parts' keys (audit/parts.py PARTS_JS)
  const changed = watch ? watch.observer.takeRecords().length > 0 ||
    watch.view !== [scrollX, scrollY, innerWidth, innerHeight].join(',') : true;
  if (watch) { watch.observer.disconnect(); delete window.__a11yAuditFocusWatch; }
  const partsOut = plan ? {reused: [], refused: {}, learnt: {}} : null;
  const partOf = new Map();   // element -> {index, member}
  const reusing = new Map();  // part index -> {root, record, box}
  const learning = new Map(); // part index -> {root, box, members: {}, reason}
  const rootBox = (root) => { const r = root.getBoundingClientRect(); return [r.left + window.scrollX, r.top + window.scrollY, r.width, r.height]; };
  if (plan) {
    const found = window.__a11yAuditParts || [];
    const rules = changed ? {doubt: 'page_changed', within: []} : focusRules();
    if (rules.doubt) partsOut.doubt = rules.doubt;
    const indices = [...Object.keys(plan.reuse || {}).map(Number), ...(plan.learn || [])];
    for (const index of rules.doubt ? [] : indices) {
      const root = found[index];
      if (!root || !root.isConnected) { partsOut.refused[index] = 'part_gone'; continue; }
      if (withinOutside(root, rules.within)) { partsOut.refused[index] = 'focus_within_outside'; continue; }
      const members = root.getElementsByTagName('*');
      for (let i = 0; i < members.length; i++) partOf.set(members[i], {index, member: i + 1});
      const record = (plan.reuse || {})[index];
      if (record) reusing.set(index, {root, record, box: rootBox(root)});
      else learning.set(index, {root, box: rootBox(root), members: {}, reason: null});
    }
    // a reused part: the same focusable elements, on the same side of the page's edges
    for (const [index, use] of reusing) {
      const mine = all.filter((el) => partOf.has(el) && partOf.get(el).index === index);
      const expected = Object.keys(use.record);
      let fits = mine.length === expected.length;
      for (const el of mine) {
        const kept = use.record[partOf.get(el).member];
        if (!fits || !kept) { fits = false; break; }
        if (visibleBox(el).onPage !== kept.on[0]) { fits = false; break; }
        if (kept.after) {
          const [dx, dy, w, h, onPage] = kept.after;
          if ((use.box[0] + dx + w > 0 && use.box[1] + dy + h > 0) !== onPage) { fits = false; break; }
        }
      }
      if (!fits) { partsOut.refused[index] = 'elements_differ'; reusing.delete(index); }
    }
    for (const index of reusing.keys()) partsOut.reused.push(index);
  }

  // 'focus' in the capture phase: heard before the element's own handlers can take the focus away again.
  const events = [];
  const onFocus = (e) => events.push(['in', e.composedPath()[0]]);
  document.addEventListener('focus', onFocus, true);
  const observer = new MutationObserver(() => {});
  observer.observe(document.documentElement, {attributes: true, childList: true, subtree: true});

  const results = [];
  let visited = 0;
  let lastAfter = null;
  let truncated = all.length > MAX;
  try {
    for (const el of all.slice(0, MAX)) {
      if (performance.now() - started > BUDGET_MS) { truncated = true; break; }
      visited++;
      const place = partOf.get(el);
      const use = place && reusing.get(place.index);
      if (use) {
        const kept = use.record[place.member];
        if (kept.focus === 'refused') continue;
        const out = {s: cssPath(el), tag: el.localName, name: nameOf(el), focus: kept.focus, fv: kept.fv,
                     change: kept.change, props: kept.props.slice()};
        if (kept.snippet) out.snippet = snippet(el);
        if (kept.box) {
          const [dx, dy, w, h, visible] = kept.box;
          out.box = {x: Math.round(use.box[0] + dx), y: Math.round(use.box[1] + dy), w, h, visible};
        }
        if (kept.unseen) out.unseen = kept.unseen;
        results.push(out);
        continue;
      }
      const learn = place && learning.get(place.index);
      const beforeOnPage = learn ? visibleBox(el).onPage : null;
      if (deepActive() === el || el.matches(':focus-within')) {
        // The page's own handlers put the focus back here: there is no unfocused look to compare with.
        results.push({s: cssPath(el), tag: el.localName, name: nameOf(el), focus: 'ok', fv: null,
                      change: 'script', props: [], snippet: snippet(el)});
        if (learn) learn.reason = 'focus_kept';
        continue;
      }
      const nodes = watched(el);
      lastAfter = null;
      const before = nodes.map(([n, p]) => snapshot(n, p));
      const boxBefore = visibleBox(el);
      observer.takeRecords();
      events.length = 0;
      el.focus({focusVisible: true, preventScroll: true});
      settle(nodes);
      const mutations = observer.takeRecords().length;
      const active = deepActive();
      let focus = 'ok';
      const gotFocus = events.some(([kind, target]) => kind === 'in' && target === el);
      if (active !== el) {
        if (!gotFocus) focus = 'refused';
        else focus = !active || active === document.body ? 'removed' : 'redirected';
      }
      const record = {s: cssPath(el), tag: el.localName, name: nameOf(el), focus,
        fv: active === el ? el.matches(':focus-visible') : null};
      if (focus === 'ok') {
        const after = nodes.map(([n, p]) => snapshot(n, p));
        const boxAfter = visibleBox(el);
        lastAfter = boxAfter;
        const kinds = [];
        nodes.forEach(([n, p], i) => {
          for (const k of differences(p ? PSEUDO_PROPS : PROPS, before[i], after[i], n)) kinds.push(k);
        });
        if (boxAfter.visible && (boxBefore.x !== boxAfter.x || boxBefore.y !== boxAfter.y ||
            boxBefore.w !== boxAfter.w || boxBefore.h !== boxAfter.h || !boxBefore.visible)) kinds.push('position');
        const uniq = Array.from(new Set(kinds));
        let change;
        if (uniq.some((k) => !k.startsWith('weak:'))) change = 'strong';
        else if (uniq.length) change = 'weak';
        else if (mutations) change = 'script';
        else change = boxAfter.visible ? 'none' : 'hidden';
        record.change = change;
        record.props = uniq.slice(0, 8);
        if (change !== 'strong') {
          record.snippet = snippet(el);
          record.box = publicBox(boxAfter);
          const why = unseen(el);
          if (why) record.unseen = why;
        }
      } else {
        record.change = 'script';
        record.props = [];
        record.snippet = snippet(el);
      }
      if (learn && !learn.reason) {
        const now = rootBox(learn.root);
        if (now.some((v, i) => v !== learn.box[i])) learn.reason = 'part_moves_on_focus';
        const kept = {focus: record.focus, fv: record.fv, change: record.change, props: record.props,
                      snippet: 'snippet' in record, on: [beforeOnPage], after: null, box: null};
        if (record.unseen) kept.unseen = record.unseen;
        if (focus === 'ok' && lastAfter) {
          kept.after = [lastAfter.rx - learn.box[0], lastAfter.ry - learn.box[1], lastAfter.rw, lastAfter.rh, lastAfter.onPage];
          if (record.box) kept.box = [lastAfter.rx - learn.box[0], lastAfter.ry - learn.box[1], record.box.w, record.box.h, record.box.visible];
        }
        learn.members[place.member] = kept;
      }
      for (let i = 0; i < 3; i++) {  // blur handlers may move the focus on: let it go
        const now = deepActive();
        if (!now || now === document.body || !now.blur) break;
        now.blur();
      }
      settle(nodes);  // back to the unfocused look before the next element
      observer.takeRecords();
      if (focus !== 'refused') results.push(record);
      else if (learn && !learn.reason) learn.members[place.member] = {focus: 'refused', on: [beforeOnPage]};
    }
  } finally {
    observer.disconnect();
    document.removeEventListener('focus', onFocus, true);
    const now = deepActive();
    if (now && now !== document.body && now.blur) now.blur();
    if (initialActive && initialActive !== document.body && initialActive.focus) {
      initialActive.focus({preventScroll: true});
    }
    window.scrollTo(scrollX, scrollY);
  }
  if (partsOut) {
    for (const [index, learn] of learning) {
      const expected = all.filter((el) => partOf.has(el) && partOf.get(el).index === index).length;
      const reason = learn.reason || (Object.keys(learn.members).length !== expected ? 'truncated' : null);
      partsOut.learnt[index] = reason ? {reason} : learn.members;
    }
  }
  const answer = {count: all.length, visited, truncated, ms: Math.round(performance.now() - started), elements: results};
  if (partsOut) answer.parts = partsOut;
  return answer;
}
