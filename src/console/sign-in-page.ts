import { consolePage, csrfField } from './console-page.js';
import { html, type Html } from './html.js';

export function signInPage(options: { csrfToken: string; next: string; message: string | null }): Html {
  const context = { admin: null, csrfToken: options.csrfToken };
  return consolePage(
    'Sign in',
    context,
    html`<div class="signin">
<h1>Sign in</h1>
${options.message === null ? null : html`<div class="notice bad" role="alert">${options.message}</div>`}
<section>
<p>Paste an admin key. Create one on the gateway's host with <code>rosterd admin-key create --name &lt;your name&gt;</code>; the key is printed once.
SCIM keys and app keys do not open the console.</p>
<form method="post" action="/console/sign-in" class="inline">
${csrfField(context)}
<input type="hidden" name="next" value="${options.next}">
<label>Admin key <input type="password" name="key" autocomplete="off" required class="wide" placeholder="rosterd_admin_…"></label>
<button type="submit">Sign in</button>
</form>
</section>
</div>`,
  );
}
