import type { SecurityConfig } from '../config/security-schema.js';
import type { RedisConnection } from '../redis/connection.js';
import type { Logger } from '../telemetry/logger.js';
import { createAuthenticator, type Authenticator } from './auth.js';
import { createJwtVerifier, type JwtVerifier } from './jwt.js';
import { keyFileVersion } from './key-file.js';
import { KeyStore, keyFilePath } from './key-store.js';
import type { RateLimiter } from './rate-limit.js';
import { createRateLimiter } from './rate-limit-redis.js';
import {
  defaultScopesSupported,
  protectedResourceMetadata,
  resourceMetadataUrl,
  type ProtectedResourceMetadata,
} from './resource-metadata.js';

export interface GatewaySecurityOptions {
  config: SecurityConfig;
  /** The static gateway token (`gateway.token`). */
  token?: string;
  /** Where keys.json lives; without one, API keys are off. */
  dataDir?: string;
  /** The shared Redis, when configured: rate-limit buckets are then shared by every gateway process. */
  redis?: { connection: RedisConnection; keyPrefix: string };
  /** Configured server names, for the advertised `scopes_supported`. */
  serverNames: () => string[];
  logger: Logger;
}

// Authenticators differ only by the resource_metadata URL of their challenges, which follows the Host a client
// used when no `resource` is configured; a bounded cache keeps a Host-spraying client from growing it.
const MAX_AUTHENTICATORS = 16;

/**
 * The gateway's security state, free of Koa: who may call (static token, API keys, JWTs), how often (a token
 * bucket per principal, shared through Redis when there is one) and the RFC 9728 document. With `auth.keys:
 * auto`, keys count from the moment keys.json holds an active key, so `localmcp keys create` turns
 * authentication on in a running gateway without a restart.
 */
export class GatewaySecurity {
  readonly keys: KeyStore | undefined;
  readonly jwt: JwtVerifier | undefined;
  readonly rateLimiter: RateLimiter | undefined;
  private readonly authenticators = new Map<string, Authenticator>();
  private activeKeys: { version: string; active: boolean } | undefined;

  constructor(private readonly options: GatewaySecurityOptions) {
    const { auth, rateLimit } = options.config;
    this.keys = auth.keys !== false && options.dataDir ? new KeyStore(keyFilePath(options.dataDir)) : undefined;
    this.jwt = auth.jwt
      ? createJwtVerifier({
          secret: auth.jwt.secret,
          jwksUrl: auth.jwt.jwksUrl,
          issuer: auth.jwt.issuer,
          audience: auth.jwt.audience,
          scopesClaim: auth.jwt.scopesClaim,
          clockToleranceSec: auth.jwt.clockToleranceSec,
        })
      : undefined;
    this.rateLimiter = rateLimit.enabled ? createRateLimiter(rateLimit.perKey, options.redis) : undefined;
  }

  get config(): SecurityConfig {
    return this.options.config;
  }

  /** The resource identifier of RFC 9728: configured, or the gateway's `/mcp` as the client reached it. */
  resource(origin: string): string {
    return this.config.auth.resourceMetadata?.resource ?? `${origin}/mcp`;
  }

  /** The RFC 9728 document, or undefined when no authorization server is configured (nothing to advertise). */
  metadata(origin: string): ProtectedResourceMetadata | undefined {
    const configured = this.config.auth.resourceMetadata;
    if (!configured) return undefined;
    return protectedResourceMetadata({
      resource: this.resource(origin),
      authorizationServers: configured.authorizationServers,
      scopesSupported: configured.scopesSupported ?? defaultScopesSupported(this.options.serverNames()),
      resourceName: 'localmcp',
    });
  }

  /** The authenticator for a request reaching the gateway at `origin` (`http://127.0.0.1:7420`). */
  async authenticator(origin: string): Promise<Authenticator> {
    const withKeys = await this.keysActive();
    const metadataUrl = this.config.auth.resourceMetadata ? resourceMetadataUrl(this.resource(origin)) : undefined;
    const cacheKey = `${withKeys ? 'k' : '-'} ${metadataUrl ?? ''}`;
    let authenticator = this.authenticators.get(cacheKey);
    if (!authenticator) {
      if (this.authenticators.size >= MAX_AUTHENTICATORS) this.authenticators.clear();
      authenticator = createAuthenticator({
        token: this.options.token,
        keys: withKeys ? this.keys : undefined,
        jwt: this.jwt,
        resourceMetadataUrl: metadataUrl,
      });
      this.authenticators.set(cacheKey, authenticator);
    }
    return authenticator;
  }

  /** `keys: true` always; `auto` while keys.json holds a key that is not revoked (checked by file version). */
  private async keysActive(): Promise<boolean> {
    if (!this.keys) return false;
    if (this.config.auth.keys === true) return true;
    const version = await keyFileVersion(this.keys.file);
    if (this.activeKeys?.version !== version) {
      let active: boolean;
      try {
        active = await this.keys.hasActiveKeys();
      } catch (error) {
        // A damaged keys.json must not open the gateway: keys stay required, and every key is refused.
        this.options.logger.error({ err: (error as Error).message }, 'cannot read the API key file');
        active = true;
      }
      this.activeKeys = { version, active };
    }
    return this.activeKeys.active;
  }
}
