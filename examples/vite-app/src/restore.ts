import { auth } from './auth';
import { config } from './config';

/**
 * The start-up session restore (`VITE_AUTH_RESTORE`, on by default in browser mode): without a
 * session in this tab, `restoreSession()` looks for one at the server with one `prompt=none`
 * redirect, at most once per tab session, and comes back to this page signed in or not. It
 * resolves at once when there is nothing to do, else the page leaves; so the app renders after it,
 * and no guard starts a login of its own meanwhile.
 *
 * @returns the failure to show (e.g. the server is unreachable), or `null`.
 */
export async function restoreAtStartup(): Promise<unknown> {
  if (!config.restore || config.authMode !== 'browser') return null;
  // `loading`: this is the callback page; `authenticated`: nothing to restore.
  if (auth.getState().status !== 'unauthenticated') return null;
  try {
    await auth.restoreSession();
    return null;
  } catch (error) {
    return error;
  }
}
