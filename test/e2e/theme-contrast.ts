import type { Page } from 'playwright-core';

/**
 * Runs in the page (plain JavaScript: the test's side has no DOM types). Colors
 * are read as the browser computed them; a ratio is WCAG's contrast ratio.
 */
const SCRIPT = `(() => {
  const parse = (color) => {
    const parts = (color.match(/rgba?\\(([^)]+)\\)/)?.[1] ?? '0 0 0 0').split(/[\\s,/]+/).filter(Boolean);
    const [r = 0, g = 0, b = 0, a = 1] = parts.map(Number);
    return [r, g, b, a];
  };
  const channel = (value) => {
    const c = value / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const luminance = ([r, g, b]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  const ratio = (x, y) => {
    const [high, low] = [luminance(x), luminance(y)].sort((p, q) => q - p);
    return (high + 0.05) / (low + 0.05);
  };
  const around = (element) => {
    for (let e = element.parentElement; e; e = e.parentElement) {
      const color = parse(getComputedStyle(e).backgroundColor);
      if (color[3] > 0.5) return color;
    }
    return parse(getComputedStyle(document.documentElement).backgroundColor);
  };
  const visible = (element) => {
    const box = element.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && getComputedStyle(element).visibility !== 'hidden';
  };
  const name = (element) =>
    element.tagName.toLowerCase() + (element.id ? '#' + element.id : '') + '.' + [...element.classList].join('.');
  const problems = [];
  const check = (what, color, against) => {
    const found = ratio(color, against);
    if (found < 3) problems.push(what + ': ' + found.toFixed(2) + ' < 3');
  };
  const probe = document.createElement('span');
  probe.style.color = 'var(--focus)';
  document.body.append(probe);
  const focus = parse(getComputedStyle(probe).color);
  probe.remove();
  const controls = [
    ...document.querySelectorAll(
      'input:not([type=checkbox]):not([type=radio]):not([type=hidden]), select, textarea, .button, ' +
        // Bordered controls that are not buttons by class: the choice boxes, the language switch,
        // the staff menu, the admin page's sections.
        'label.choice, .langs a, .lang-switch > summary, .menu-toggle, .admin-nav a',
    ),
  ].filter(visible);
  for (const control of controls) {
    const style = getComputedStyle(control);
    const behind = around(control);
    const face = parse(style.backgroundColor);
    const filled = face[3] > 0.5 && ratio(face, behind) >= 3;
    if (!filled && Number.parseFloat(style.borderTopWidth) > 0)
      check(name(control) + ' edge', parse(style.borderTopColor), behind);
    else if (!filled) problems.push(name(control) + ': neither an edge nor a face');
    check(name(control) + ' focus ring', focus, behind);
  }
  if (controls.length === 0) problems.push('no controls found');
  return problems;
})()`;

/**
 * What axe does not check (WCAG 1.4.11, non-text contrast), read from the
 * page's computed styles in the theme it shows: the edge of every visible
 * input, select, textarea and button (or a filled button's face), and the
 * focus ring, each against the background around it — at least 3:1 (also
 * for the bordered controls that are links or labels: the choice boxes, the
 * language switch, the staff menu, the admin sections). Returns
 * what falls short, as "select#id: 1.59 < 3".
 */
export function nonTextContrastProblems(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(SCRIPT);
}
