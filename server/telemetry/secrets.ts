import { REDACTED, redactObject, redactSecrets } from '../security/redact.js';

/** Values shorter than this are not scrubbed by value: "1" or "yes" would wreck every log line. */
const MIN_SECRET_LENGTH = 4;

/**
 * The secret strings in a config-like value, by the security module's own rule ({@link redactObject}): a string
 * it masks whole (`gateway.token`, `env.GITHUB_TOKEN`, `headers.Authorization`) is a secret, and so is a string in
 * which it masked a part (a URL with a password), taken whole. Used to scrub these exact values from log lines
 * whatever field or message they turn up in.
 */
export function secretValues(...values: unknown[]): string[] {
  const found = new Set<string>();
  const walk = (original: unknown, masked: unknown) => {
    if (typeof original === 'string') {
      if (original !== masked && original.length >= MIN_SECRET_LENGTH) found.add(original);
      return;
    }
    if (Array.isArray(original) && Array.isArray(masked)) {
      original.forEach((item, i) => walk(item, masked[i]));
      return;
    }
    if (original && typeof original === 'object' && masked && typeof masked === 'object') {
      for (const [key, value] of Object.entries(original)) walk(value, (masked as Record<string, unknown>)[key]);
    }
  };
  for (const value of values) walk(value, redactObject(value));
  return [...found];
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A function that takes one serialized log line and returns it without secrets: the known secret values (raw and
 * as JSON escapes them) and anything the security module's text patterns recognise (bearer tokens, JWTs, our API
 * keys, vendor tokens, `password=...`). The last line of defence behind pino's field redaction, which only knows
 * field paths.
 */
export function lineScrubber(secrets: readonly string[]): (line: string) => string {
  const forms = new Set<string>();
  for (const secret of secrets) {
    forms.add(secret);
    forms.add(JSON.stringify(secret).slice(1, -1));
  }
  // Longest first, so a secret that contains another is replaced whole.
  const pattern =
    forms.size > 0
      ? new RegExp(
          [...forms]
            .sort((a, b) => b.length - a.length)
            .map(escapeRegExp)
            .join('|'),
          'g',
        )
      : undefined;
  return (line) => {
    const masked = pattern ? line.replace(pattern, REDACTED) : line;
    return redactSecrets(masked);
  };
}
