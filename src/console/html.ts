import escapeHtml from 'escape-html';

/** Held by this module only: no other code can construct Html. */
const TRUSTED = Symbol('trusted html');

/**
 * HTML built by the `html` tagged template: every interpolated value is escaped (escape-html) unless it is itself
 * Html, made by this tag. Nothing else makes Html, so a value from an IdP, a log or a URL can only ever be text.
 * Templates quote every attribute value with double quotes, where the escaped text is safe too.
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

/** What a template may interpolate: text (escaped), numbers, Html, nothing (null, undefined, false), or lists of them. */
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
