import { z } from 'zod';
import { expected } from './format-issues.js';
import { booleanField, intField, nonEmptyString, positiveNumberField, stringList } from './schema-fields.js';

const httpUrl = (what: string) =>
  nonEmptyString(what).refine((value) => {
    try {
      return ['http:', 'https:'].includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, expected(what));

/**
 * Bearer JWTs from an authorization server. Exactly one of `secret` (HS256) or `jwksUrl` (RS256/ES256 keys
 * fetched from the server); `issuer` and `audience` must match the token's `iss` and `aud`, and `exp` is required.
 */
const JwtSchema = z
  .object(
    {
      // RFC 7518 section 3.2: an HS256 key must be at least as long as the hash (32 bytes).
      secret: z.string(expected('a string')).min(32, 'a JWT secret needs at least 32 characters').optional(),
      jwksUrl: httpUrl('an http(s) URL of a JWKS').optional(),
      issuer: nonEmptyString('the issuer (the "iss" claim)'),
      audience: z.union([nonEmptyString(), z.array(nonEmptyString()).min(1)], expected('a string or array of strings')),
      /** Default: `scope` (space-separated), then `scopes`, then `scp`. */
      scopesClaim: nonEmptyString('a claim name').optional(),
      clockToleranceSec: intField(0, 600, 'an integer number of seconds (0 to 600)').default(30),
    },
    expected('an object with "issuer", "audience" and "secret" or "jwksUrl"'),
  )
  .refine((jwt) => (jwt.secret === undefined) !== (jwt.jwksUrl === undefined), {
    message: 'set exactly one of "secret" or "jwksUrl"',
  });

/** RFC 9728: served at /.well-known/oauth-protected-resource so that MCP clients find the authorization server. */
const ResourceMetadataSchema = z.object(
  {
    /** The gateway's MCP URL as clients see it; default: the URL it listens on, with `/mcp`. */
    resource: httpUrl('an http(s) URL').optional(),
    authorizationServers: z.array(httpUrl('an issuer URL'), expected('array of issuer URLs')).min(1),
    /** Default: `admin`, `server:*` and `server:<name>` for each configured server. */
    scopesSupported: stringList().optional(),
  },
  expected('an object with "authorizationServers"'),
);

const AuthSchema = z.object(
  {
    /** API keys (`localmcp keys create`). `auto`: on when the data dir's keys.json holds a key that is not revoked. */
    keys: z.union([booleanField(), z.literal('auto')], expected('true, false or "auto"')).default('auto'),
    jwt: JwtSchema.optional(),
    resourceMetadata: ResourceMetadataSchema.optional(),
  },
  expected('an object'),
);

const RateLimitSchema = z.object(
  {
    /** Applies to API keys and JWT subjects; the static gateway token is the operator and is not limited. */
    enabled: booleanField().default(true),
    perKey: z
      .object(
        {
          /** The burst: requests a key may make at once after a quiet spell. */
          capacity: intField(1, 1_000_000, 'an integer from 1 to 1000000').default(60),
          refillPerSecond: positiveNumberField('a positive number of requests per second').default(10),
        },
        expected('an object with "capacity" and/or "refillPerSecond"'),
      )
      .prefault({}),
  },
  expected('an object'),
);

const PoisoningSchema = z.object(
  {
    /** `mark`: flagged tools get a warning and lose hidden text; `hide`: flagged tools are not listed; `off`. */
    policy: z.enum(['mark', 'hide', 'off'], expected('"mark", "hide" or "off"')).default('mark'),
  },
  expected('an object with "policy"'),
);

const LimitsSchema = z.object(
  {
    maxBodyBytes: intField(1024, 1024 ** 3, 'a number of bytes (1024 to 1 GiB)').default(4 * 1024 * 1024),
    /** Tool results larger than this are refused with an error rather than relayed. */
    maxResultBytes: intField(1024, 1024 ** 3, 'a number of bytes (1024 to 1 GiB)').default(10 * 1024 * 1024),
  },
  expected('an object'),
);

/** The `security` section: who may call (auth), how often (rateLimit), what upstream text is trusted, sizes. */
export const SecuritySchema = z.object(
  {
    auth: AuthSchema.prefault({}),
    rateLimit: RateLimitSchema.prefault({}),
    poisoning: PoisoningSchema.prefault({}),
    limits: LimitsSchema.prefault({}),
  },
  expected('an object with "auth", "rateLimit", "poisoning" and/or "limits"'),
);

export type SecurityConfig = z.infer<typeof SecuritySchema>;
