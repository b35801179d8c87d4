import type { Page } from 'playwright-core';

/**
 * An automated accessibility check of a patient page, from Chromium's own accessibility
 * tree (what a screen reader is given, via the DevTools protocol) and computed styles. No
 * axe-core is installed; these are the WCAG rules that matter most for the check pages:
 *  - the page has a language (html lang) and it is the one asked for;
 *  - one level-1 heading (the question) and a main landmark;
 *  - every control (text box, radio, check box, button, link) and every group of
 *    controls (fieldset) has an accessible name;
 *  - text of buttons, call links and language links has a contrast of at least 4.5:1;
 *  - every button, call link and text box is at least 44 CSS px high (touch target).
 * Returns the problems found, empty when the page passes.
 */
export async function accessibilityProblems(page: Page, lang: 'ja' | 'en'): Promise<string[]> {
  const problems: string[] = [];
  const htmlLang = await page.getAttribute('html', 'lang');
  if (htmlLang !== lang) problems.push(`html lang is ${htmlLang}, expected ${lang}`);

  const cdp = await page.context().newCDPSession(page);
  const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as { nodes: AxNode[] };
  await cdp.detach();
  const visible = nodes.filter((n) => !n.ignored);
  const role = (n: AxNode) => n.role?.value ?? '';
  const name = (n: AxNode) => String(n.name?.value ?? '').trim();
  const h1 = visible.filter((n) => role(n) === 'heading' && n.properties?.some((p) => p.name === 'level' && p.value.value === 1));
  if (h1.length !== 1) problems.push(`${h1.length} level-1 headings`);
  if (!visible.some((n) => role(n) === 'main')) problems.push('no main landmark');
  for (const n of visible) {
    if (CONTROLS.has(role(n)) && !name(n)) problems.push(`a ${role(n)} without an accessible name`);
    if (role(n) === 'group' && !name(n)) problems.push('a group (fieldset) without a name (legend)');
  }

  problems.push(...(await page.evaluate(styleProblems)));
  return problems;
}

interface AxNode {
  ignored: boolean;
  role?: { value: string };
  name?: { value: unknown };
  properties?: { name: string; value: { value: unknown } }[];
}

const CONTROLS = new Set(['textbox', 'spinbutton', 'checkbox', 'radio', 'button', 'link', 'combobox', 'searchbox']);

/** Runs in the page: contrast and target size of the main controls. */
function styleProblems(): string[] {
  const out: string[] = [];
  const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number);
  const luminance = ([r, g, b]: number[]) => {
    const lin = (v: number) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * lin(r!) + 0.7152 * lin(g!) + 0.0722 * lin(b!);
  };
  const background = (el: Element | null): number[] => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length >= 3 && (c[3] ?? 1) > 0) return c;
    }
    return [255, 255, 255];
  };
  const label = (el: Element) => `${el.tagName.toLowerCase()}${el.className ? `.${String(el.className).split(' ').join('.')}` : ''} "${(el.textContent ?? '').trim().slice(0, 20)}"`;
  for (const el of document.querySelectorAll('button, a.call, .langs a, .urgent, .reask')) {
    const fg = luminance(rgb(getComputedStyle(el).color));
    const bg = luminance(background(el));
    const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
    if (ratio < 4.5) out.push(`contrast ${ratio.toFixed(2)}:1 of ${label(el)}`);
  }
  for (const el of document.querySelectorAll('button, a.call, input[type=text], textarea, .langs a')) {
    const h = el.getBoundingClientRect().height;
    if (h < 44) out.push(`${label(el)} is ${h.toFixed(0)} px high`);
  }
  return out;
}

/** What kind of page this is, from what it shows (for reports and coverage). */
export async function pageType(page: Page): Promise<string> {
  return page.evaluate(() => {
    const has = (s: string) => document.querySelector(s) !== null;
    const h1 = document.querySelector('h1')?.textContent ?? '';
    if (has('fieldset.one')) return 'one-page form';
    if (!has('form.check')) return has('a.call') && /回答|answered|こたえ/.test(h1) ? 'done' : 'status';
    if (has('.urgent[role=alert]')) return 'urgent advice';
    if (has('input[type=checkbox]')) return 'checklist';
    if (has('textarea')) return 'comment';
    if (has('#answer')) return 'number';
    if (/正しい|correct/.test(h1)) return 'read-back';
    return 'choice';
  });
}

/** Sideways scrolling the page would need (0 or less: it reflows). */
export async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}
