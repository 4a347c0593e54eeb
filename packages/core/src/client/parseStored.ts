/** Helpers for validating what is read back from storage: outside input, like any response. */

/**
 * Runs `parse` on a value read back from storage: any failed {@link check} (or a TypeError on a
 * missing part) reads as absent, so a corrupt or foreign entry can never crash the app.
 */
export function parseStored<T>(parse: () => T): T | undefined {
  try {
    return parse();
  } catch {
    return undefined;
  }
}

export function check(condition: boolean): void {
  if (!condition) throw new TypeError('malformed stored entry');
}
