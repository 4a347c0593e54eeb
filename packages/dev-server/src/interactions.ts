/** Interactions: login and consent pages served in front of provider.callback(). */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Provider } from 'oidc-provider';
import { accountByCredentials } from './accounts.js';
import type { DevAccount } from './accounts.js';
import { backToAppUrl } from './backToApp.js';
import { FAVICON_PATHS, sendFavicon } from './favicon.js';
import { pathOf, readBody, redirect, sendHtml } from './http.js';
import type { RequestHandler } from './httpServer.js';
import { consentPage, expiredPage, failurePage, loginPage, messagePage } from './pages.js';
import type { InteractionDetails } from './pages.js';

type InteractionResult = Parameters<Provider['interactionResult']>[2];

/** One interaction request, once the provider knows its uid. */
interface Interaction {
  provider: Provider;
  req: IncomingMessage;
  res: ServerResponse;
  uid: string;
  details: InteractionDetails;
  clientName: string;
  /** The query of the interaction's URL (`?client_id=…&redirect_uri=…`), kept on its form actions. */
  query: string;
}

/**
 * The interaction URL of oidc-provider's `interactions.url`: its uid, and the client and redirect
 * URI so that an expired sign-in's page can still offer "Back to the app" (to a registered URI only).
 */
export function interactionUrl(uid: string, params: Record<string, unknown>): string {
  const query = new URLSearchParams();
  for (const name of ['client_id', 'redirect_uri']) {
    const value = params[name];
    if (typeof value === 'string') query.set(name, value);
  }
  return `/interaction/${uid}${query.size ? `?${query}` : ''}`;
}

/** The dev server's own pages (interactions, favicon): serves the request and says `true`, or says `false` for anything else. */
export function devPages(provider: Provider, accounts: DevAccount[]): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    if (FAVICON_PATHS.has(pathOf(req))) {
      sendFavicon(res, req.method);
      return true;
    }
    if (!pathOf(req).startsWith('/interaction/')) return false;
    handleInteraction(provider, accounts, req, res).catch((err: unknown) => {
      sendHtml(res, 500, failurePage(err));
    });
    return true;
  };
}

/** The server's handler: the dev server's pages here, everything else to oidc-provider. */
export function routeRequests(provider: Provider, accounts: DevAccount[]): RequestHandler {
  const pages = devPages(provider, accounts);
  const callback = provider.callback();
  return (req, res) => {
    if (!pages(req, res)) callback(req, res);
  };
}

async function handleInteraction(
  provider: Provider,
  accounts: DevAccount[],
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const match = /^\/interaction\/([^/]+)(?:\/(login|confirm|abort))?\/?$/.exec(pathOf(req));
  if (!match) return sendHtml(res, 404, messagePage('Not found', 'Not found'));
  const uid = match[1] as string;
  const action = match[2];

  let details: InteractionDetails;
  try {
    details = await provider.interactionDetails(req, res);
  } catch {
    return sendHtml(res, 400, expiredPage(await backFromQuery(provider, req)));
  }
  if (details.uid !== uid) return sendHtml(res, 400, messagePage('Error', 'Interaction mismatch'));

  const clientId = String(details.params['client_id'] ?? '');
  const client = await provider.Client.find(clientId);
  const query = interactionUrl(uid, details.params).slice(`/interaction/${uid}`.length);
  const interaction: Interaction = { provider, req, res, uid, details, clientName: client?.clientName ?? clientId, query };

  if (req.method === 'GET' && !action) return showPrompt(interaction);
  if (req.method !== 'POST' || !action) return sendHtml(res, 405, messagePage('Error', 'Method not allowed'));

  const form = new URLSearchParams(await readBody(req));
  if (action === 'abort') {
    return finish(interaction, { error: 'access_denied', error_description: 'The person denied the request.' }, false);
  }
  if (action === 'login') return submitLogin(interaction, accounts, form);
  return submitConsent(interaction, clientId);
}

/** GET: the page of the current prompt. */
function showPrompt({ res, uid, details, clientName, query }: Interaction): void {
  const prompt = details.prompt.name;
  if (prompt === 'login') return sendHtml(res, 200, loginPage(uid, clientName, query));
  if (prompt === 'consent') return sendHtml(res, 200, consentPage(uid, clientName, details, query));
  return sendHtml(res, 400, messagePage('Error', `Unsupported prompt ${prompt}`));
}

/** POST login: checks the credentials, or shows the form again with an error. */
async function submitLogin(interaction: Interaction, accounts: DevAccount[], form: URLSearchParams): Promise<void> {
  const { res, uid, details, clientName, query } = interaction;
  if (details.prompt.name !== 'login') return redirect(res, `/interaction/${uid}`);
  const username = form.get('username') ?? '';
  const password = form.get('password') ?? '';
  const account = accountByCredentials(accounts, username, password);
  if (!account) {
    return sendHtml(res, 401, loginPage(uid, clientName, query, 'Invalid username or password.', username));
  }
  return finish(interaction, { login: { accountId: account.claims.sub } }, false);
}

/** POST confirm: grants what the consent prompt says is missing. */
async function submitConsent(interaction: Interaction, clientId: string): Promise<void> {
  const { provider, res, uid, details } = interaction;
  if (details.prompt.name !== 'consent') return redirect(res, `/interaction/${uid}`);
  const accountId = details.session?.accountId;
  if (!accountId) return redirect(res, `/interaction/${uid}`);
  const d = details.prompt.details as {
    missingOIDCScope?: string[];
    missingOIDCClaims?: string[];
    missingResourceScopes?: Record<string, string[]>;
  };
  const grant = details.grantId
    ? ((await provider.Grant.find(details.grantId)) ?? new provider.Grant({ accountId, clientId }))
    : new provider.Grant({ accountId, clientId });
  if (d.missingOIDCScope) grant.addOIDCScope(d.missingOIDCScope.join(' '));
  if (d.missingOIDCClaims) grant.addOIDCClaims(d.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(d.missingResourceScopes ?? {})) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  const grantId = await grant.save();
  return finish(interaction, { consent: details.grantId ? {} : { grantId } }, true);
}

/**
 * "Back to the app" of an expired sign-in, which only its URL's query still describes: the
 * client it names, to one of that client's registered URIs (see {@link backToAppUrl}).
 */
async function backFromQuery(provider: Provider, req: IncomingMessage): Promise<string | undefined> {
  const query = new URL(req.url ?? '/', 'http://dev-server.invalid').searchParams;
  const clientId = query.get('client_id');
  const client = clientId ? await provider.Client.find(clientId).catch(() => undefined) : undefined;
  return backToAppUrl(client, query.get('redirect_uri'));
}

/** Hands the result to oidc-provider and follows it back to the authorization endpoint. */
async function finish({ provider, req, res }: Interaction, result: InteractionResult, merge: boolean): Promise<void> {
  const to = await provider.interactionResult(req, res, result, { mergeWithLastSubmission: merge });
  redirect(res, to);
}
