/** What a secret is replaced with. */
export const REDACTED = '[redacted]';

/**
 * Secrets in free text: what an upstream prints on stderr (shown in /readyz and `servers list`), error messages
 * relayed to clients, log lines. Each pattern keeps enough to recognise the thing (the key id, the scheme, the
 * user name) and drops the part that grants access. Formats: our API keys, bearer headers, JWTs, URL
 * credentials, `key=value` pairs with a secret-sounding key, and vendor tokens with fixed prefixes.
 */
const TEXT_PATTERNS: Array<[RegExp, string]> = [
  [/\b(lmk_[a-z0-9]+_)[a-f0-9]{64}\b/g, `$1${REDACTED}`],
  [/\b(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi, `$1${REDACTED}`],
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, REDACTED],
  [/\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s@/]+@/gi, `$1${REDACTED}@`],
  [
    /\b((?:[A-Za-z0-9]+[_-])*(?:api[_-]?key|apikey|token|secret|password|passwd|pwd|client[_-]?secret|private[_-]?key)["']?\s*[:=]\s*["']?)[^\s"'&,;]{4,}/gi,
    `$1${REDACTED}`,
  ],
  [/\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{20,})\b/g, REDACTED],
  [/\bsk-(?:proj-|ant-)?[A-Za-z0-9_-]{20,}/g, REDACTED],
  [/\bxox[abprs]-[A-Za-z0-9-]{10,}/g, REDACTED],
  [/\bAKIA[0-9A-Z]{16}\b/g, REDACTED],
  [/\bAIza[0-9A-Za-z_-]{35}\b/g, REDACTED],
];

/** Text with the secrets it contains replaced by `[redacted]`. */
export function redactSecrets(text: string): string {
  let out = text;
  for (const [pattern, replacement] of TEXT_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

// Field names whose values are secrets whatever they look like: config sections, headers, env maps.
const SECRET_FIELD =
  /(?:^|[_-])(?:token|secret|password|passwd|authorization|api[_-]?key|apikey|cookie|private[_-]?key)$/i;
// camelCase names (`accessToken`, `clientSecret`) are split first; `maxTokens` stays a number of tokens.
const isSecretField = (key: string) => SECRET_FIELD.test(key.replace(/([a-z0-9])([A-Z])/g, '$1_$2'));

/**
 * A deep copy of a config-like value with secret fields masked (`gateway.token`, `security.auth.jwt.secret`,
 * `headers.Authorization`, `env.GITHUB_TOKEN`) and secrets inside other strings redacted as text. For showing a
 * config or a status object to people; the object itself is not changed.
 */
export function redactObject<T>(value: T): T {
  const walk = (node: unknown, key?: string): unknown => {
    if (typeof node === 'string') return key !== undefined && isSecretField(key) ? REDACTED : redactSecrets(node);
    if (Array.isArray(node)) return node.map((item) => walk(item));
    if (node && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v, k)]));
    }
    return node;
  };
  return walk(value) as T;
}

/**
 * pino `redact.paths` for the security layer's fields, to add to the logger's own (which covers `token` and
 * `headers.authorization`): a request's headers, API keys and JWT secrets.
 */
export const SECRET_LOG_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'secret',
  '*.secret',
  'password',
  '*.password',
  'jwt.secret',
  '*.jwt.secret',
];
