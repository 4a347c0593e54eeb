import { setupServer } from 'msw/node';

/** The one MSW server of the core tests; unhandled requests fail the test (see setup.ts). */
export const server = setupServer();
