import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
const all = ['discoveryRequest','processDiscoveryResponse','customFetch','allowInsecureRequests','OperationProcessingError','JSON_ATTRIBUTE_COMPARISON','UnsupportedOperationError','ResponseBodyError','WWWAuthenticateChallengeError','getValidatedIdTokenClaims','refreshTokenGrantRequest','None','processRefreshTokenResponse','validateAuthResponse','AuthorizationResponseError','authorizationCodeGrantRequest','processAuthorizationCodeResponse','generateRandomState','generateRandomNonce','revocationRequest','processRevocationResponse'];
async function size(names) {
  const src = `import {${names.join(',')}} from 'oauth4webapi'; console.log(${names.join(',')});`;
  const r = await build({ stdin: { contents: src, resolveDir: '/work/main/packages/core' }, bundle: true, minify: true, format: 'esm', platform: 'browser', target: 'es2022', write: false, logLevel: 'silent' });
  const c = r.outputFiles[0].contents; return [c.length, gzipSync(c, { level: 9 }).length];
}
const base = await size(all); console.log('all', base);
for (const n of all) { const s = await size(all.filter((x) => x !== n)); console.log(n.padEnd(36), base[0] - s[0], base[1] - s[1]); }
