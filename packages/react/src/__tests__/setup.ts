// Setup of both test projects (vitest.config.ts and vitest.react18.config.ts).
import { afterEach } from 'vitest';

// The react18 project must swap React before anything loads react-dom or @testing-library/react.
if (process.env.PKCE_AUTH_REACT_MAJOR === '18') await import('./setup.react18.js');

const { cleanup, configure } = await import('@testing-library/react');
// Every render (and rerender) inside <StrictMode> at the root, so effects really run twice:
// React 19 does not replay effects for a <StrictMode> placed inside a wrapper component.
configure({ reactStrictMode: true });
// Vitest runs without globals, so @testing-library/react cannot register its own cleanup.
afterEach(() => {
  cleanup();
});
