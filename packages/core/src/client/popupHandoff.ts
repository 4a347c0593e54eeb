/**
 * The redirect page of a popup login: hands the callback URL to the opener on a same-origin
 * BroadcastChannel (which, unlike `window.opener`, survives a COOP browsing-context-group switch)
 * and closes this window. It does not exchange the code: the opener holds the pending login.
 * Loaded lazily, and imports nothing, so that it shares no module with the entry.
 */
export function handOff(channelName: string, href: string): { returnTo: string; popup: true } {
  const channel = new BroadcastChannel(channelName);
  channel.postMessage({ url: href });
  channel.close();
  window.close();
  return { returnTo: '/', popup: true };
}
