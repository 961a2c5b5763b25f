// HTML built from a tagged template that escapes every interpolated value unless it is
// already markup made by this template. The console renders every page on the server with
// it, so a user name, a policy line or an audit detail can never become markup or script.

/** Markup this module produced (safe to embed as is). */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

type Value = Html | string | number | bigint | boolean | null | undefined | readonly Value[];

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for an element's content or a quoted attribute value. */
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

function render(value: Value): string {
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

/** `html\`<p>${name}</p>\`` — interpolations are escaped; nested `html` results and arrays of them are kept. */
export function html(strings: TemplateStringsArray, ...values: Value[]): Html {
  let out = strings[0]!;
  values.forEach((v, i) => {
    out += render(v) + strings[i + 1]!;
  });
  return new Html(out);
}

/**
 * Data for the page's script, in a JSON block the browser never executes (the CSP allows no
 * inline script). `<` is escaped so the text cannot close the element. With `chart`, web/charts.ts
 * draws it into the element of that id.
 */
export function jsonData(id: string, data: unknown, chart?: string): Html {
  const text = JSON.stringify(data).replace(/</g, '\\u003c');
  const target = chart ? ` data-chart="${escapeHtml(chart)}"` : '';
  return new Html(`<script type="application/json" id="${escapeHtml(id)}"${target}>${text}</script>`);
}
