/**
 * A stack whose authorization server is the dev server in one provider's quirk profile, and the
 * Notes app built with that provider's preset (`VITE_AUTH_PROVIDER`) pointed at the stand-in:
 * the preset's parameters are the stand-in's origin, realm, pool or tenant, and `VITE_AUTH_ISSUER`
 * overrides the issuer where the preset hardcodes the real provider's host (Cognito, Entra).
 */
import { rm } from 'node:fs/promises';
import { COGNITO_USER_POOL_ID, ENTRA_TENANT_ID, KEYCLOAK_REALM, startDevServer, type DevServer, type ProfileName } from '@pkce-auth/dev-server';
import { createNotesApi, type NotesApi } from '../server/notesApi.mjs';
import { buildApp, recordServer, startStaticServer, type IssuedTokens, type ServerEvent, type StaticServer } from './harness';

/** A profile as the app meets it: `entra-common` is the Entra profile with a multi-tenant (`common`) app. */
export type ProfileCase = ProfileName | 'entra-common';

export interface ProfileStack {
  profile: ProfileCase;
  auth: DevServer;
  api: NotesApi;
  app: StaticServer;
  appUrl: string;
  /** The issuer the app was built with (the template's base for `entra-common`). */
  issuer: string;
  /** The origins of the authorization server (Cognito has two: the issuer's and the hosted-UI domain). */
  authOrigins: string[];
  events: ServerEvent[];
  issued: IssuedTokens[];
  /** How long the app's build took (ms). */
  buildMs: number;
  stop(): Promise<void>;
}

/** The app's variables for a profile: the preset and its parameters, pointed at `auth`. */
export function presetEnv(profile: ProfileCase, auth: DevServer): Record<string, string> {
  const origin = new URL(auth.issuer).origin;
  switch (profile) {
    case 'cognito':
      return { VITE_AUTH_PROVIDER: 'cognito', VITE_COGNITO_REGION: 'us-east-1', VITE_COGNITO_USER_POOL_ID: COGNITO_USER_POOL_ID, VITE_COGNITO_DOMAIN: auth.endpointsOrigin, VITE_AUTH_ISSUER: auth.issuer };
    case 'auth0':
      return { VITE_AUTH_PROVIDER: 'auth0', VITE_AUTH0_DOMAIN: origin };
    case 'keycloak':
      return { VITE_AUTH_PROVIDER: 'keycloak', VITE_KEYCLOAK_URL: origin, VITE_KEYCLOAK_REALM: KEYCLOAK_REALM };
    case 'okta':
      return { VITE_AUTH_PROVIDER: 'okta', VITE_OKTA_DOMAIN: origin };
    case 'entra':
      return { VITE_AUTH_PROVIDER: 'entra', VITE_ENTRA_TENANT: ENTRA_TENANT_ID, VITE_AUTH_ISSUER: auth.issuer };
    case 'entra-common':
      return { VITE_AUTH_PROVIDER: 'entra', VITE_ENTRA_TENANT: 'common', VITE_AUTH_ISSUER: `${origin}/common/v2.0`, VITE_AUTH_ISSUER_TEMPLATE: `${origin}/{tenantid}/v2.0` };
  }
}

/**
 * How the app names the notes API to each provider: Auth0 with `audience`, Cognito not at all (its
 * tokens have no `aud`: the notes API checks none), the others with RFC 8707 `resource`.
 */
function audienceEnv(profile: ProfileCase, auth: DevServer): Record<string, string> {
  if (profile === 'cognito') return { VITE_AUTH_AUDIENCE: '', VITE_AUTH_AUDIENCE_PARAM: 'none' };
  return { VITE_AUTH_AUDIENCE: auth.resource, VITE_AUTH_AUDIENCE_PARAM: profile === 'auth0' ? 'audience' : 'resource' };
}

export async function startProfileStack(profile: ProfileCase, opts: { accessTokenTtl: number }): Promise<ProfileStack> {
  const started: { stop(): Promise<void> }[] = [];
  const outDirs: string[] = [];
  const stop = async (): Promise<void> => {
    await Promise.allSettled([...started.reverse().map((s) => s.stop()), ...outDirs.map((d) => rm(d, { recursive: true, force: true }))]);
  };
  try {
    const app = await startStaticServer();
    started.push(app);
    const auth = await startDevServer({ port: 0, profile: profile === 'entra-common' ? 'entra' : profile, appOrigins: [app.origin], accessTokenTtl: opts.accessTokenTtl });
    started.push(auth);
    // Cognito's access tokens carry no `aud`: an empty audience is no audience check.
    const api = await createNotesApi({ issuer: auth.issuer, audience: profile === 'cognito' ? '' : auth.resource, port: 0, allowedOrigins: [app.origin] });
    started.push(api);
    const { events, issued } = recordServer(auth);
    const env = presetEnv(profile, auth);
    const t = Date.now();
    const outDir = await buildApp({
      ...env,
      ...audienceEnv(profile, auth),
      VITE_NOTES_API_URL: api.url,
      VITE_TAGS_API_URL: '',
      VITE_AUTH_STORAGE: 'session',
      VITE_AUTH_RESTORE: 'false',
    });
    const buildMs = Date.now() - t;
    outDirs.push(outDir);
    app.setRoot(outDir);
    const authOrigins = [...new Set([new URL(auth.issuer).origin, auth.endpointsOrigin])];
    return { profile, auth, api, app, appUrl: app.origin, issuer: env.VITE_AUTH_ISSUER ?? auth.issuer, authOrigins, events, issued, buildMs, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
