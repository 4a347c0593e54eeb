import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';

interface Problems {
  /** The last failure of an action the person started (sign in, sign out, refresh), if any. */
  actionError: unknown;
  report(error: unknown): void;
  clear(): void;
}

const ProblemsContext = createContext<Problems | null>(null);

/**
 * Holds failures of actions started from buttons, which reject a promise rather than (or as well
 * as) landing in `AuthState.error`, so the error banner can show both in one place.
 */
export function ProblemsProvider({ children, initial = null }: { children: ReactNode; initial?: unknown }) {
  const [actionError, setActionError] = useState<unknown>(initial);
  const report = useCallback((error: unknown) => setActionError(error), []);
  const clear = useCallback(() => setActionError(null), []);
  const value = useMemo(() => ({ actionError, report, clear }), [actionError, report, clear]);
  return <ProblemsContext.Provider value={value}>{children}</ProblemsContext.Provider>;
}

export function useProblems(): Problems {
  const problems = useContext(ProblemsContext);
  if (!problems) throw new Error('useProblems() must be used inside <ProblemsProvider>.');
  return problems;
}
