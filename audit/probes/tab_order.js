// tab_order: the elements a positive tabindex moves ahead of the document order (RGAA 12.8).
// Result: {count, positive: [{s, tag, name, snippet, tabindex, dom, ahead}], first: [selectors]}
// dom: position among the tabbable elements in document order; ahead: tabbable elements that come before it in
// the document but after it in the sequential focus order. first: the first five in sequential order.
() => {
  // --- shared helpers (identical in every probe; keep in sync with audit/layout.py SELECTOR_JS) ---
  const cssPath = (el) => {
    const parts = [];
    let node = el;
    while (node && node.nodeType === 1) {
      const tag = node.localName;
      const id = node.getAttribute('id');
      if (id && /^[A-Za-z][\w-]*$/.test(id) && document.querySelectorAll('#' + CSS.escape(id)).length === 1) {
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
    const text = (el.outerHTML || '').replace(/\s+/g, ' ').trim();
    return text.length <= 300 ? text : text.slice(0, 299) + '…';
  };
  const nameOf = (el) => {
    const label = el.getAttribute('aria-label') || (el.labels && el.labels[0] && el.labels[0].innerText) ||
      el.innerText || el.getAttribute('alt') || el.getAttribute('title') || el.getAttribute('placeholder') ||
      el.getAttribute('value') || '';
    return label.replace(/\s+/g, ' ').trim().slice(0, 80);
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
  // --- end of shared helpers ---

  const tabbables = [];
  for (const el of document.querySelectorAll(FOCUSABLE)) {
    if (isTabbable(el)) tabbables.push(el);
  }
  const positive = [];
  tabbables.forEach((el, dom) => {
    if (el.tabIndex > 0) positive.push({el, dom, tabindex: el.tabIndex});
  });
  // The sequential order: positive tabindex ascending (document order among equals), then the rest.
  const ordered = positive.slice().sort((a, b) => a.tabindex - b.tabindex || a.dom - b.dom).map((p) => p.el)
    .concat(tabbables.filter((el) => el.tabIndex === 0));
  const rank = new Map(ordered.map((el, i) => [el, i]));
  const out = positive.slice(0, 50).map(({el, dom, tabindex}) => {
    let ahead = 0;
    for (let i = 0; i < dom; i++) if (rank.get(tabbables[i]) > rank.get(el)) ahead++;
    return {s: cssPath(el), tag: el.localName, name: nameOf(el), snippet: snippet(el), tabindex, dom, ahead};
  });
  return {count: tabbables.length, positive: out, first: ordered.slice(0, 5).map(cssPath)};
}
