// interactive: elements that scripts make clickable without being native controls (RGAA 7.1, 7.3).
// Found by their onclick/onmousedown/onmouseup handlers (attribute or property; listeners added with
// addEventListener cannot be seen from the page), by an interactive ARIA role on a non-native element, or by a
// cursor: pointer of their own. Containers that delegate clicks (large boxes, or boxes holding a native control)
// are left out.
// Result: {count, items: [{s, tag, name, snippet, role, handler, pointer, focusable, key_handler, inner_control}]}
() => {
  /*HELPERS*/  // cssPath, snippet, nameOf, isTabbable, FOCUSABLE: audit/layout.py SELECTOR_JS

  const started = performance.now();
  const MAX = 100;
  const NATIVE = 'a[href], area[href], button, input, select, textarea, summary, label, option, details, ' +
    'audio[controls], video[controls], iframe, embed, object';
  const ROLES = new Set(['button', 'link', 'checkbox', 'radio', 'switch', 'tab', 'menuitem', 'menuitemcheckbox',
    'menuitemradio', 'option', 'treeitem', 'slider', 'spinbutton', 'combobox', 'textbox', 'searchbox', 'gridcell']);
  const CLICK = ['onclick', 'onmousedown', 'onmouseup', 'ondblclick', 'onpointerdown', 'onpointerup'];
  const KEYS = ['onkeydown', 'onkeyup', 'onkeypress'];
  const area = window.innerWidth * window.innerHeight;
  const items = [];
  const all = document.body ? document.body.getElementsByTagName('*') : [];
  for (let i = 0; i < all.length && i < 8000 && items.length < MAX; i++) {
    if (performance.now() - started > 300) break;
    const el = all[i];
    if (el.matches(NATIVE) || el.closest('svg') && el.localName !== 'svg' || isExcluded(el)) continue;
    const role = (el.getAttribute('role') || '').trim().split(/\s+/)[0].toLowerCase();
    const handler = CLICK.some((h) => typeof el[h] === 'function' || el.hasAttribute(h));
    const roleInteractive = ROLES.has(role);
    let pointer = false;
    if (!handler && !roleInteractive) {
      const cs = getComputedStyle(el);
      if (cs.cursor !== 'pointer') continue;
      const parent = el.parentElement;
      if (parent && getComputedStyle(parent).cursor === 'pointer') continue;  // inherited
      pointer = true;
    }
    if (!el.getClientRects().length) continue;
    const cs = getComputedStyle(el);
    if (cs.visibility !== 'visible' || cs.display === 'none') continue;
    if (el.closest(NATIVE)) continue;  // inside a native control: the control handles the keyboard
    const r = el.getBoundingClientRect();
    if (r.width * r.height > area / 4 && !roleInteractive) continue;  // a container delegating clicks
    const inner = el.querySelector(NATIVE + ', [tabindex]:not([tabindex="-1"])');
    if (inner && !roleInteractive) continue;  // the native control inside takes the click
    const focusable = el.tabIndex >= 0 && (el.hasAttribute('tabindex') || el.isContentEditable);
    items.push({s: cssPath(el), tag: el.localName, name: nameOf(el), snippet: snippet(el), role: role || null,
      handler, pointer, focusable, key_handler: KEYS.some((h) => typeof el[h] === 'function' || el.hasAttribute(h)),
      inner_control: !!inner});
  }
  return {count: items.length, ms: Math.round(performance.now() - started), items};
}
