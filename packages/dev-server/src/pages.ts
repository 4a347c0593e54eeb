/** The dev server's HTML pages: login, consent, sign-out and errors. */
import type { ErrorOut, Provider } from 'oidc-provider';
import { FAVICON_PATH } from './favicon.js';
import { HOW_TO_ADD_AN_APP } from './registrations.js';

export type InteractionDetails = Awaited<ReturnType<Provider['interactionDetails']>>;

/**
 * The login form. `query` (e.g. `?client_id=…`) is kept on the form actions, so that a page
 * shown after the sign-in expired still knows the client for "Back to the app".
 */
export function loginPage(uid: string, clientName: string, query: string, error?: string, username = ''): string {
  return page(
    'Sign in',
    `<h1>Sign in</h1>
<p>to continue to <strong>${esc(clientName)}</strong></p>
${error ? `<p id="error" role="alert">${esc(error)}</p>` : ''}
<form method="post" action="/interaction/${esc(uid)}/login${esc(query)}" id="login-form">
  <label for="username">Username</label>
  <input id="username" name="username" autocomplete="username" autofocus required value="${esc(username)}">
  <label for="password">Password</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required>
  <button type="submit" id="sign-in">Sign in</button>
</form>
<form method="post" action="/interaction/${esc(uid)}/abort${esc(query)}"><button type="submit" id="cancel" class="secondary">Cancel</button></form>
<p class="hint" id="demo-credentials">Demo account: username <code>demo</code>, password <code>demo</code>.</p>`,
  );
}

/** The consent form: each missing scope once, an API's scope with its resource indicator. */
export function consentPage(uid: string, clientName: string, details: InteractionDetails, query: string): string {
  const d = details.prompt.details as { missingOIDCScope?: string[]; missingResourceScopes?: Record<string, string[]> };
  const resourceScopes = Object.entries(d.missingResourceScopes ?? {});
  // oidc-provider lists a requested API scope among the OIDC ones too (both are in `scopes`).
  const ofAnApi = new Set(resourceScopes.flatMap(([, scopes]) => scopes));
  const items = [
    ...new Set((d.missingOIDCScope ?? []).filter((s) => !ofAnApi.has(s))),
  ].map((s) => `<li>${esc(s)}</li>`);
  for (const [r, scopes] of resourceScopes) items.push(...[...new Set(scopes)].map((s) => `<li>${esc(s)} <small>(${esc(r)})</small></li>`));
  return page(
    'Allow access',
    `<h1>Allow access?</h1>
<p><strong>${esc(clientName)}</strong> asks for:</p>
<ul id="scopes">${items.join('') || '<li>your sign-in</li>'}</ul>
<form method="post" action="/interaction/${esc(uid)}/confirm${esc(query)}"><button type="submit" id="allow" autofocus>Allow</button></form>
<form method="post" action="/interaction/${esc(uid)}/abort${esc(query)}"><button type="submit" id="deny" class="secondary">Deny</button></form>`,
  );
}

/** The interaction is unknown to the provider: expired, or its cookie did not come back. */
export function expiredPage(backUrl: string | undefined): string {
  return page(
    'Sign-in expired',
    `<h1>This sign-in has expired</h1><p id="error">The sign-in request is unknown or has expired (or cookies are blocked). Go back to the app and sign in again.</p>
${backLink(backUrl)}`,
  );
}

/** A page that only says what went wrong: `<h1>{heading}</h1>`. */
export function messagePage(title: string, heading: string): string {
  return page(title, `<h1>${esc(heading)}</h1>`);
}

/** An unexpected failure of an interaction page. */
export function failurePage(err: unknown): string {
  return page('Error', `<h1>Something went wrong</h1><p id="error">${esc(String(err))}</p>`);
}

/** What oidc-provider's error page knows of the client: where to go back, and its redirect URIs. */
export interface ErrorPageClient {
  clientId: string;
  backUrl: string | undefined;
  redirectUris: readonly string[];
}

/**
 * oidc-provider's error page (`renderError`); for `invalid_redirect_uri` it lists the client's
 * registered redirect URIs and how to add one.
 */
export function oauthErrorPage(out: ErrorOut, client: ErrorPageClient | undefined): string {
  return page(
    'Error',
    `<h1>Something went wrong</h1>
<p id="error"><strong>${esc(out.error)}</strong></p>
${out.error_description ? `<p id="error-description">${esc(out.error_description)}</p>` : ''}
${out.error === 'invalid_redirect_uri' && client ? registeredRedirectUris(client) : ''}
${backLink(client?.backUrl)}`,
  );
}

function registeredRedirectUris({ clientId, redirectUris }: ErrorPageClient): string {
  const items = redirectUris.map((uri) => `<li><code>${esc(uri)}</code></li>`).join('') || '<li>none</li>';
  return `<p>The redirect URIs registered for <strong>${esc(clientId)}</strong>:</p>
<ul id="registered-redirect-uris">${items}</ul>
<p id="how-to-add">${esc(HOW_TO_ADD_AN_APP.join(' '))}</p>`;
}

/** "Back to the app", to a URL that {@link backToAppUrl} chose; nothing without one. */
function backLink(url: string | undefined): string {
  return url ? `<p><a id="back-to-app" href="${esc(url)}">Back to the app</a></p>` : '';
}

/**
 * The logout confirmation around oidc-provider's `form`. It confirms by itself (a script submits
 * "Sign out") so browsers and headless tests come straight back to the post_logout_redirect_uri;
 * without script, a button.
 */
export function logoutPage(form: string): string {
  return page(
    'Sign out',
    `<h1>Signing out…</h1>
${form}
<button type="submit" form="op.logoutForm" name="logout" value="yes" id="logout">Sign out</button>
<button type="submit" form="op.logoutForm" id="stay">Stay signed in</button>
<script>
(function () {
  var f = document.getElementById('op.logoutForm');
  var i = document.createElement('input');
  i.type = 'hidden'; i.name = 'logout'; i.value = 'yes';
  f.appendChild(i); f.submit();
})();
</script>`,
  );
}

export function signedOutPage(): string {
  return page('Signed out', '<h1 id="signed-out">You are signed out</h1>');
}

function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} · pkce-auth dev server</title>
<link rel="icon" href="${FAVICON_PATH}" type="image/svg+xml">
<style>
body{font-family:system-ui,sans-serif;max-width:22rem;margin:3rem auto;padding:0 1rem;color:#1b1b1f}
label{display:block;margin-top:.75rem;font-size:.9rem}
input{display:block;width:100%;box-sizing:border-box;padding:.5rem;margin-top:.25rem;font-size:1rem}
button{display:block;width:100%;margin-top:1rem;padding:.6rem;font-size:1rem;border:0;border-radius:4px;background:#3451b2;color:#fff;cursor:pointer}
button.secondary{background:#e4e4e9;color:#1b1b1f;margin-top:.5rem}
#error{color:#b42318}
.hint{color:#555;font-size:.85rem;margin-top:1.5rem}
</style>
</head>
<body>
${body}
<p class="hint">pkce-auth development server: not for production.</p>
</body>
</html>`;
}

/** HTML-escapes `value` for text and attribute values. */
function esc(value: unknown): string {
  return String(value)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}
