import { consolePage, type PageContext } from './console-page.js';
import { html, type Html } from './html.js';

export function errorPage(status: number, title: string, detail: string, context: PageContext): Html {
  return consolePage(
    title,
    context,
    html`<h1>${title}</h1>
<div class="notice bad"><p>${detail}</p><p class="muted">HTTP ${status}</p></div>
<p><a href="/console">Back to the workspaces</a></p>`,
  );
}
