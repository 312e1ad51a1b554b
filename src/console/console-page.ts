import { html, type Html } from './html.js';

export interface PageContext {
  /** Null on the sign-in page. */
  admin: string | null;
  csrfToken: string;
}

export const csrfField = (context: Pick<PageContext, 'csrfToken'>): Html => html`<input type="hidden" name="_csrf" value="${context.csrfToken}">`;

export function consolePage(title: string, context: PageContext, content: Html): Html {
  const signedIn = context.admin === null
    ? null
    : html`<span class="who">signed in as <strong>${context.admin}</strong></span>
      <form method="post" action="/console/sign-out">${csrfField(context)}<button class="secondary" type="submit">Sign out</button></form>`;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · rosterd console</title>
<link rel="stylesheet" href="/console/console.css">
<link rel="icon" href="/console/icon.svg" type="image/svg+xml">
</head>
<body>
<header><a class="brand" href="/console">rosterd console</a>${signedIn}</header>
<main>
${content}
</main>
</body>
</html>
`;
}
