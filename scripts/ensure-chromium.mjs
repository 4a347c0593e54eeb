#!/usr/bin/env node
// Makes sure Debian's chromium is there for the end-to-end tests; installs it with apt-get when
// running as root (CI, fresh machines), otherwise says how. Browser downloads (playwright
// install) do not work on these machines, so the system package is the one used.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { CHROMIUM_PATH as wanted } from './chromium.mjs';

if (existsSync(wanted)) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (!isRoot || !existsSync('/usr/bin/apt-get')) {
  console.error(
    `[ensure-chromium] no chromium at ${wanted}. Install it (Debian/Ubuntu: sudo apt-get install -y chromium) ` +
      'or point CHROMIUM_PATH at a Chromium/Chrome binary, then run the tests again.',
  );
  process.exit(1);
}
console.log('[ensure-chromium] installing Debian chromium with apt-get (about 35 s)…');
execSync('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium', { stdio: 'inherit' });
if (!existsSync(wanted)) {
  console.error(`[ensure-chromium] apt-get finished but ${wanted} is still missing`);
  process.exit(1);
}
