/// <reference types="vite/client" />

/** The variables the Notes app reads; every one is optional (see `.env.example`). */
interface ImportMetaEnv {
  readonly VITE_AUTH_ISSUER?: string;
  readonly VITE_AUTH_CLIENT_ID?: string;
  readonly VITE_AUTH_SCOPE?: string;
  readonly VITE_AUTH_AUDIENCE?: string;
  readonly VITE_AUTH_AUDIENCE_PARAM?: string;
  readonly VITE_AUTH_STORAGE?: string;
  readonly VITE_AUTH_PROVIDER?: string;
  readonly VITE_AUTH_ISSUER_TEMPLATE?: string;
  readonly VITE_COGNITO_REGION?: string;
  readonly VITE_COGNITO_USER_POOL_ID?: string;
  readonly VITE_COGNITO_DOMAIN?: string;
  readonly VITE_AUTH0_DOMAIN?: string;
  readonly VITE_KEYCLOAK_URL?: string;
  readonly VITE_KEYCLOAK_REALM?: string;
  readonly VITE_OKTA_DOMAIN?: string;
  readonly VITE_OKTA_AUTHORIZATION_SERVER_ID?: string;
  readonly VITE_ENTRA_TENANT?: string;
  readonly VITE_NOTES_API_URL?: string;
  readonly VITE_AUTH_DPOP?: string;
  readonly VITE_AUTH_PAR?: string;
  readonly VITE_TAGS_API_URL?: string;
  readonly VITE_TAGS_RESOURCE?: string;
  readonly VITE_AUTH_MODE?: string;
  readonly VITE_AUTH_RESTORE?: string;
  readonly VITE_AUTH_ROUTER?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}
