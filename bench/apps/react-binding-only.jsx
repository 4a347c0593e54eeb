// @pkce-auth/react's own code: the realistic app with the core (and oauth4webapi) external.
export * from './pkce-auth.jsx';
