/** What a tab reacts to: another tab's change, coming back online, becoming visible. */
export interface TabEvents {
  /** Another tab changed the shared session. */
  remoteChange(): void;
  online(): void;
  visible(): void;
}

/** Keeps tabs in step and reacts to the page's own events; `destroy` removes every listener. */
export interface TabSync {
  /** Tells the other tabs that the shared session changed. */
  broadcast(): void;
  destroy(): void;
}

const MESSAGE = 'session-changed';

function listen(target: EventTarget, type: string, listener: (event: Event) => void, cleanups: (() => void)[]): void {
  target.addEventListener(type, listener);
  cleanups.push(() => target.removeEventListener(type, listener));
}

function openChannel(name: string, tabId: string, events: TabEvents, cleanups: (() => void)[]): BroadcastChannel {
  const channel = new BroadcastChannel(name);
  channel.onmessage = ({ data }: MessageEvent<{ type?: unknown; from?: unknown } | null>) => {
    if (data?.type === MESSAGE && data.from !== tabId) events.remoteChange();
  };
  cleanups.push(() => channel.close());
  return channel;
}

/**
 * With a shared session, a BroadcastChannel (or, where there is none, the `storage` event on
 * `sessionKey`) tells the other tabs of every change; in every mode, `online` and
 * `visibilitychange` give a due refresh its chance.
 */
export function createTabSync(opts: { name: string; sessionKey: string; shared: boolean }, events: TabEvents): TabSync {
  const cleanups: (() => void)[] = [];
  const tabId = Math.random().toString(36).slice(2);
  const channel = opts.shared && typeof BroadcastChannel === 'function' ? openChannel(opts.name, tabId, events, cleanups) : undefined;
  if (typeof window !== 'undefined') {
    // The storage event is the fallback: with a channel every change would be synced twice.
    if (opts.shared && !channel) {
      listen(window, 'storage', (event) => {
        const { key } = event as StorageEvent;
        if (key === opts.sessionKey || key === null) events.remoteChange();
      }, cleanups);
    }
    listen(window, 'online', () => events.online(), cleanups);
  }
  if (typeof document !== 'undefined') {
    listen(document, 'visibilitychange', () => {
      if (document.visibilityState === 'visible') events.visible();
    }, cleanups);
  }
  return {
    broadcast: () => channel?.postMessage({ type: MESSAGE, from: tabId }),
    destroy() {
      for (const cleanup of cleanups.splice(0)) cleanup();
    },
  };
}
