/**
 * The lifecycle most end-to-end files share: one stack and one Chromium for the file (started in
 * `beforeAll`), every context a test opened closed after it (its pages dumped when it failed),
 * and everything stopped in `afterAll` whatever happened.
 */
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { closeQuietly, dumpPages, launchBrowser, type Stack } from './harness';

export interface BrowserSuite {
  /** The file's stack (after `beforeAll`). */
  stack(): Stack;
  /** A fresh browser context, closed after the test; default timeout 15 s. */
  newContext(): Promise<BrowserContext>;
}

export function useStackAndBrowser(start: () => Promise<Stack>): BrowserSuite {
  let stack: Stack | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    stack = await start();
    browser = await launchBrowser();
  });
  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail') await dumpPages(task.name, contexts);
    await closeQuietly(...contexts.splice(0));
  });
  afterAll(async () => {
    await closeQuietly(...contexts.splice(0), browser);
    await stack?.stop();
  });

  return {
    stack: () => {
      if (!stack) throw new Error('the stack is not started (use suite.stack() inside tests)');
      return stack;
    },
    async newContext() {
      if (!browser) throw new Error('the browser is not launched (use suite.newContext() inside tests)');
      const context = await browser.newContext();
      contexts.push(context);
      context.setDefaultTimeout(15_000);
      return context;
    },
  };
}
