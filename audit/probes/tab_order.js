// tab_order: the elements a positive tabindex moves ahead of the document order (RGAA 12.8).
// Result: {count, positive: [{s, tag, name, snippet, tabindex, dom, ahead}], first: [selectors]}
// dom: position among the tabbable elements in document order; ahead: tabbable elements that come before it in
// the document but after it in the sequential focus order. first: the first five in sequential order.
() => {
  /*HELPERS*/  // cssPath, snippet, nameOf, isTabbable, FOCUSABLE: audit/layout.py SELECTOR_JS

  const tabbables = [];
  for (const el of document.querySelectorAll(FOCUSABLE)) {
    if (isTabbable(el)) tabbables.push(el);
  }
  const positive = [];
  tabbables.forEach((el, dom) => {
    if (el.tabIndex > 0 && !isExcluded(el)) positive.push({el, dom, tabindex: el.tabIndex});
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
