import escapeHtml from 'escape-html';

/** Module-private, so no other code can construct Html. */
const TRUSTED = Symbol('trusted html');

/**
 * Built only by the `html` tag, which escapes every interpolated value that is not itself Html: IdP, log and URL
 * values can only ever be text. Templates double-quote every attribute, where escaped text is safe too.
 */
export class Html {
  constructor(
    readonly text: string,
    token: symbol,
  ) {
    if (token !== TRUSTED) throw new TypeError('Html is made by the html tagged template only');
  }

  toString(): string {
    return this.text;
  }
}

export type HtmlValue = Html | string | number | boolean | null | undefined | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): Html {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]!) + strings[i + 1]!;
  return new Html(out, TRUSTED);
}
