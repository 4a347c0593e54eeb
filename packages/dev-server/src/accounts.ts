/** The people who can sign in to the dev server. */

/** A sign-in identity of the dev server: what the login form checks and the claims it releases. */
export interface DevAccount {
  /** What the person types in the login form's `username` field. */
  username: string;
  /** What the person types in the login form's `password` field. */
  password: string;
  /** The account's claims; `sub` is required. Released by scope: `profile` → `name`, `preferred_username`, …; `email` → `email`, `email_verified`. */
  claims: { sub: string } & Record<string, unknown>;
}

/** The demo account printed on the login page: username `demo`, password `demo`. */
export const DEMO_ACCOUNT: DevAccount = {
  username: 'demo',
  password: 'demo',
  claims: {
    sub: 'demo-user',
    name: 'Demo User',
    preferred_username: 'demo',
    email: 'demo@example.com',
    email_verified: true,
  },
};

/** The default accounts: `demo`/`demo` and a second person, `alice`/`alice`, for per-user tests. */
export const DEFAULT_ACCOUNTS: readonly DevAccount[] = [
  DEMO_ACCOUNT,
  {
    username: 'alice',
    password: 'alice',
    claims: {
      sub: 'alice-user',
      name: 'Alice Example',
      preferred_username: 'alice',
      email: 'alice@example.com',
      email_verified: true,
    },
  },
];

/** The account whose username and password are these, as the login form checks them. */
export function accountByCredentials(accounts: readonly DevAccount[], username: string, password: string): DevAccount | undefined {
  return accounts.find((a) => a.username === username && a.password === password);
}

/** The account whose `sub` claim is this one. */
export function accountBySub(accounts: readonly DevAccount[], sub: string): DevAccount | undefined {
  return accounts.find((a) => a.claims.sub === sub);
}
