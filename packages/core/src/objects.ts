/** A plain object (not null, not an array): what JSON objects parse to. */
export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A non-empty string. */
export const isString = (v: unknown): v is string => typeof v === 'string' && v !== '';

/** Absent, or passing `test` (default: a non-empty string). */
export const optional = (v: unknown, test: (v: unknown) => boolean = isString): boolean => v === undefined || test(v);

/** A copy of `value` without its `undefined` fields, so optional fields are absent rather than undefined. */
export const defined = <T extends object>(value: { [K in keyof T]: T[K] | undefined }): T =>
  Object.fromEntries(Object.entries(value).filter((entry) => entry[1] !== undefined)) as T;

/** Equality of JSON data (tokens, claims, sessions), so unchanged parts can keep their identity. */
export const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** The space-separated words of `value` (none for undefined). */
export const words = (value: string | undefined): string[] => (value ?? '').split(/\s+/).filter(Boolean);

/** Does nothing: for promises whose failure is reported elsewhere (state, a caller). */
export const noop = (): void => {};
