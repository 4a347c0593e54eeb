import { defineProject, mergeConfig } from 'vitest/config';
import base from './vitest.config.ts';

/**
 * The same unit tests on React 18.3: `react` and `react-dom` (and their subpaths) resolve to the
 * `react-18` / `react-dom-18` aliases, for our source, for @testing-library/react (inlined so the
 * aliases apply to it) and, through a require hook that src/__tests__/setup.ts installs when
 * `PKCE_AUTH_REACT_MAJOR` is 18, for react-dom 18's own `require('react')`.
 */
export default mergeConfig(
  base,
  defineProject({
    resolve: {
      alias: [
        { find: /^react(\/.*)?$/, replacement: 'react-18$1' },
        { find: /^react-dom(\/.*)?$/, replacement: 'react-dom-18$1' },
      ],
    },
    test: {
      name: 'react18',
      server: { deps: { inline: ['@testing-library/react'] } },
      env: { PKCE_AUTH_REACT_MAJOR: '18' },
    },
  }),
);
