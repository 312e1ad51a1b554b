import { html, type Html } from './html.js';

/** Who is signed in, and the CSRF token every form of the page carries. */
export interface PageContext {
  /** The admin key's name; null on the sign-in page. */
  admin: string | null;
  csrfToken: string;
}

/** The hidden field a console form sends its CSRF token in. */
export const csrfField = (context: Pick<PageContext, 'csrfToken'>): Html => html`<input type="hidden" name="_csrf" value="${context.csrfToken}">`;

/** A whole console document: the header (with sign-out when signed in) around the page's own content. */
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
