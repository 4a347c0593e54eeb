#!/usr/bin/env node
// Package gate: publint on every publishable package, then `pnpm pack` them, install the
// tarballs into a scratch app with npm, and import them from dist — runtime and types.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';

const root = resolve(import.meta.dirname, '..');
const packages = ['packages/core', 'packages/react', 'packages/dev-server', 'packages/bff'];
let failed = false;

for (const dir of packages) {
  const pkgDir = join(root, dir);
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  const { messages } = await publint({ pkgDir, strict: true, level: 'suggestion' });
  for (const message of messages) {
    console.log(`[publint] ${pkg.name}: ${message.type}: ${formatMessage(message, pkg)}`);
    if (message.type !== 'suggestion') failed = true;
  }
  if (messages.length === 0) console.log(`[publint] ${pkg.name}: clean`);
}

const scratch = mkdtempSync(join(tmpdir(), 'pkce-auth-pack-'));
try {
  const tarballs = {};
  for (const dir of packages) {
    const out = execFileSync('pnpm', ['pack', '--pack-destination', scratch], { cwd: join(root, dir), encoding: 'utf8' });
    const file = out.trim().split('\n').pop().trim();
    const name = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')).name;
    tarballs[name] = `file:${file.startsWith('/') ? file : join(scratch, file)}`;
  }
  writeFileSync(
    join(scratch, 'package.json'),
    JSON.stringify({ name: 'scratch-app', private: true, type: 'module', dependencies: { ...tarballs, react: '^19.3.0', 'react-dom': '^19.3.0', '@types/react': '^19.3.0', '@types/node': '^20.19.0' } }, null, 2),
  );
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: scratch, stdio: 'inherit' });
  writeFileSync(
    join(scratch, 'check.mjs'),
    `import * as core from '@pkce-auth/core';
import * as react from '@pkce-auth/react';
import '@pkce-auth/react/dpop';
import * as testing from '@pkce-auth/react/testing';
import * as dev from '@pkce-auth/dev-server';
import * as bff from '@pkce-auth/bff';
const need = (mod, names) => { for (const n of names) if (typeof mod[n] !== 'function') throw new Error('missing export ' + n); };
need(core, ['createAuthClient', 'createCodeVerifier', 'createCodeChallenge', 'createPkcePair', 'discover', 'clientCredentials', 'exchangeCode', 'refreshTokens', 'revokeToken', 'AuthError']);
need(react, ['AuthProvider', 'useAuth', 'Callback', 'RequireAuth', 'createAuthClient']);
need(testing, ['createMockAuthClient', 'MockAuthProvider']);
need(dev, ['startDevServer']);
need(bff, ['createBff', 'memoryStore']);
if (await core.createCodeChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk') !== 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM') throw new Error('wrong challenge');
// The DPoP import (a side effect the packages' sideEffects list must keep) enables dpop: true.
core.createAuthClient({ clientId: 'a', redirectUri: 'http://localhost/callback', issuer: 'https://a.example', dpop: true, navigate() {} }).destroy();
// The BFF from its tarball: a short secret is invalid_config; its routes answer without network.
const bffOptions = { issuer: 'https://as.example', clientId: 'a', clientSecret: 's', baseUrl: 'https://app.example', scope: 'openid', secret: 'x'.repeat(32), apis: [{ path: '/api', target: 'https://api.example' }] };
try { bff.createBff({ ...bffOptions, secret: 'short' }); throw new Error('a short secret was accepted'); } catch (e) { if (e?.name !== 'AuthError' || e.code !== 'invalid_config') throw e; }
const b = bff.createBff({ ...bffOptions, store: bff.memoryStore() });
if ((await b.fetch(new Request('https://app.example/elsewhere'))).status !== 404) throw new Error('bff: not 404 for a path it does not own');
if ((await b.fetch(new Request('https://app.example/bff/user', { headers: { 'x-csrf': '1' } }))).status !== 401) throw new Error('bff: /bff/user without a session is not 401');
if ((await b.fetch(new Request('https://app.example/api/x'))).status !== 403) throw new Error('bff: a proxied call without X-CSRF is not 403');
console.log('[pack] runtime imports from dist: ok');
`,
  );
  execFileSync('node', ['check.mjs'], { cwd: scratch, stdio: 'inherit' });
  writeFileSync(
    join(scratch, 'types.ts'),
    `import { createAuthClient, type AuthState, AuthError } from '@pkce-auth/react';
import { createMockAuthClient } from '@pkce-auth/react/testing';
import { startDevServer } from '@pkce-auth/dev-server';
import { createBff, memoryStore, type Bff, type BffOptions, type SessionStore } from '@pkce-auth/bff';
const store: SessionStore = memoryStore({ maxEntries: 100 });
const bffOptions: BffOptions = { issuer: 'https://a.example', clientId: 'a', clientSecret: 's', baseUrl: 'https://app.a.example', scope: 'openid', secret: 'x'.repeat(32), store, apis: [{ path: '/api', target: 'https://api.a.example', resource: 'https://api.a.example' }] };
const bffApp: Bff = createBff(bffOptions);
const answer: Promise<Response> = bffApp.fetch(new Request('https://app.a.example/bff/user'));
const client = createAuthClient({ clientId: 'a', redirectUri: 'http://localhost/callback', issuer: 'https://a.example', dpop: true, par: 'auto', apis: [{ url: 'https://api.a.example', resource: 'https://api.a.example', scope: 'read' }] });
const headers: Promise<Record<string, string>> = client.getAuthHeaders({ url: 'https://api.a.example/x', method: 'GET' });
const token: Promise<string> = client.getAccessToken({ resource: 'https://api.a.example' });
const state: AuthState = client.getState();
const code: AuthError['code'] = 'login_required';
const mock = createMockAuthClient();
void [state, code, mock, startDevServer, headers, token, answer];
`,
  );
  writeFileSync(
    join(scratch, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { strict: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', noEmit: true, skipLibCheck: false, lib: ['ES2022', 'DOM'], types: ['node'] }, files: ['types.ts'] }),
  );
  execFileSync(join(root, 'node_modules/.bin/tsc'), ['-p', scratch], { stdio: 'inherit' });
  console.log('[pack] types resolve from the tarballs: ok');
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
