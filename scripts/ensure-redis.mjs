#!/usr/bin/env node
// Makes sure Debian's redis-server is there for the BFF's Redis tests (each test file starts its
// own on a free 127.0.0.1 port and stops it); installs it with apt-get when running as root (CI,
// fresh machines), otherwise says how. REDIS_SERVER may point at another redis-server binary.
import { execFileSync, execSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const wanted = process.env.REDIS_SERVER ?? 'redis-server';
const found = () => {
  try {
    execFileSync(wanted, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

if (found()) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (process.env.REDIS_SERVER || !isRoot || !existsSync('/usr/bin/apt-get')) {
  console.error(
    `[ensure-redis] no ${wanted} to run. Install it (Debian/Ubuntu: sudo apt-get install -y redis-server) ` +
      'or point REDIS_SERVER at a redis-server binary (Redis ≥ 7), then run the tests again.',
  );
  process.exit(1);
}
console.log('[ensure-redis] installing Debian redis-server with apt-get…');
execSync('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server', { stdio: 'inherit' });
if (!found()) {
  console.error(`[ensure-redis] apt-get finished but ${wanted} still does not run`);
  process.exit(1);
}
