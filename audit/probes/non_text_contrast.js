// non_text_contrast: contrast of what makes a component or a graphic visible (RGAA 3.3, WCAG 1.4.11).
// - fields (text inputs, select, textarea, custom checkboxes): best contrast of a visible border, or of the
//   field's own background, against the colour behind the field;
// - icon-only links and buttons, and informative single-colour SVG: contrast of the SVG's fill or stroke
//   against the colour behind it.
// Colours behind an element are found by walking up its ancestors; a background image or gradient on the way,
// or a colour that is not rgb()/rgba(), gives up (ratio null). Native checkboxes, radios and the like drawn by
// the browser are the browser's business and skipped.
// Result: {count, items: [{s, tag, kind, name, snippet, ratio, fg, bg, reason}]}  kind: field | icon | graphic
() => {
  /*HELPERS*/  // cssPath, snippet, nameOf, isTabbable, FOCUSABLE: audit/layout.py SELECTOR_JS

  const started = performance.now();
  const MAX = 200;
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
  const over = (top, bottom) => [0, 1, 2].map((i) => top[i] * top[3] + bottom[i] * (1 - top[3])).concat([1]);
  const hex = (c) => c ? '#' + c.slice(0, 3).map((v) => Math.round(v).toString(16).padStart(2, '0')).join('') : null;
  // The opaque colour behind ``el`` (its own background excluded unless ``self``), or null when unknown.
  const behind = (el, self) => {
    const layers = [];
    for (let node = self ? el : el.parentElement; node && node.nodeType === 1; node = node.parentElement) {
      const cs = getComputedStyle(node);
      if (cs.backgroundImage && cs.backgroundImage !== 'none') return null;
      const raw = cs.backgroundColor;
      const c = parseColor(raw);
      if (!c) return null;
      if (c[3] > 0) {
        layers.push(c);
        if (c[3] >= 1) break;
      }
    }
    let colour = [255, 255, 255, 1];
    for (let i = layers.length - 1; i >= 0; i--) colour = over(layers[i], colour);
    return colour;
  };
  const visible = (el) => {
    if (!el.getClientRects().length) return false;
    const cs = getComputedStyle(el);
    if (cs.visibility !== 'visible' || parseFloat(cs.opacity) === 0) return false;
    const r = el.getBoundingClientRect();
    return r.width >= 4 && r.height >= 4 && r.right + window.scrollX > 0 && r.bottom + window.scrollY > 0;
  };
  const items = [];
  const round = (x) => x === null ? null : Math.round(x * 100) / 100;

  // --- fields ---
  const TEXTLIKE = new Set(['text', 'email', 'search', 'tel', 'url', 'password', 'number', 'date', 'datetime-local',
    'month', 'week', 'time', '']);
  const fields = document.querySelectorAll('input, select, textarea');
  for (const el of fields) {
    if (items.length >= MAX || performance.now() - started > 300) break;
    if (el.disabled || el.closest('[inert], fieldset[disabled]') || isExcluded(el) || !visible(el)) continue;
    const type = el.localName === 'input' ? (el.getAttribute('type') || '').toLowerCase() : el.localName;
    const cs = getComputedStyle(el);
    const custom = cs.appearance === 'none' || cs.webkitAppearance === 'none';
    if (el.localName === 'input' && !TEXTLIKE.has(type) && !(custom && (type === 'checkbox' || type === 'radio'))) continue;
    const outer = behind(el, false);
    const own = parseColor(cs.backgroundColor);
    if (!outer || !own || (cs.backgroundImage && cs.backgroundImage !== 'none')) {
      items.push({el, kind: 'field', ratio: null, reason: 'unknown_background'});
      continue;
    }
    const inner = over(own, outer);
    let best = contrast(inner, outer), fg = inner;
    let borders = 0;
    for (const side of ['top', 'right', 'bottom', 'left']) {
      const width = parseFloat(cs.getPropertyValue(`border-${side}-width`)) || 0;
      const style = cs.getPropertyValue(`border-${side}-style`);
      const colour = parseColor(cs.getPropertyValue(`border-${side}-color`));
      if (!width || style === 'none' || style === 'hidden' || !colour || colour[3] === 0) continue;
      borders++;
      const c = over(colour, outer);
      const ratio = contrast(c, outer);
      if (ratio > best) { best = ratio; fg = c; }
    }
    // A shadow can draw the boundary too: too varied to measure, leave it to a person.
    const shadow = cs.boxShadow && cs.boxShadow !== 'none';
    const reason = best >= 3 ? 'ok' : (shadow ? 'shadow' : (borders ? 'low' : 'no_boundary'));
    items.push({el, kind: 'field', ratio: best, fg, bg: outer, reason});
  }

  // --- icons in links and buttons without text, and informative SVG ---
  const svgColours = (svg) => {
    const colours = new Map();
    const shapes = svg.querySelectorAll('path, circle, rect, ellipse, polygon, polyline, line, text, use');
    for (let i = 0; i < shapes.length && i < 40; i++) {
      const cs = getComputedStyle(shapes[i]);
      if (cs.display === 'none' || cs.visibility !== 'visible') continue;
      const fill = cs.fill, stroke = cs.stroke;
      if (fill && fill !== 'none') {
        const c = parseColor(fill);
        if (!c) return null;  // gradients, patterns
        if (c[3] > 0) colours.set(c.join(), c);
      }
      if (stroke && stroke !== 'none' && (parseFloat(cs.strokeWidth) || 0) > 0) {
        const c = parseColor(stroke);
        if (!c) return null;
        if (c[3] > 0) colours.set(c.join(), c);
      }
    }
    return Array.from(colours.values());
  };
  const CONTROLS = 'a[href], button, [role="button"], [role="link"]';
  const seen = new Set();
  for (const svg of document.querySelectorAll('svg')) {
    if (items.length >= MAX || performance.now() - started > 400) break;
    if (isExcluded(svg) || !visible(svg) || svg.closest('[aria-hidden="true"]') && !svg.closest(CONTROLS)) continue;
    const control = svg.closest(CONTROLS);
    let kind = null, host = null;
    if (control) {
      if ((control.innerText || '').trim()) continue;  // the text identifies the control
      if (seen.has(control)) continue;
      seen.add(control);
      kind = 'icon';
      host = control;
    } else if (svg.getAttribute('role') === 'img' && (svg.getAttribute('aria-label') || svg.querySelector('title'))) {
      kind = 'graphic';
      host = svg;
    } else {
      continue;
    }
    const colours = svgColours(svg);
    const bg = behind(svg, true);
    if (!colours || !bg) { items.push({el: host, kind, ratio: null, reason: 'unknown_colour'}); continue; }
    if (!colours.length) continue;
    if (kind === 'graphic' && colours.length > 1) continue;  // several colours: which ones matter is for a person
    let best = 0, fg = null;
    for (const c of colours) {
      const mixed = over(c, bg);
      const ratio = contrast(mixed, bg);
      if (ratio > best) { best = ratio; fg = mixed; }
    }
    items.push({el: host, kind, ratio: best, fg, bg, reason: best >= 3 ? 'ok' : 'low'});
  }
  return {
    count: items.length,
    ms: Math.round(performance.now() - started),
    items: items.map((it) => ({s: cssPath(it.el), tag: it.el.localName, kind: it.kind, name: nameOf(it.el),
      snippet: it.reason === 'ok' ? null : snippet(it.el), ratio: round(it.ratio), fg: hex(it.fg), bg: hex(it.bg),
      reason: it.reason})),
  };
}
