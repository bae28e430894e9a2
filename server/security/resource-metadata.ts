/** The well-known path of RFC 9728 (OAuth 2.0 Protected Resource Metadata), section 3. */
export const RESOURCE_METADATA_PATH = '/.well-known/oauth-protected-resource';

/** The RFC 9728 document: what an MCP client reads to find where to get a token for this gateway. */
export interface ProtectedResourceMetadata {
  resource: string;
  authorization_servers: string[];
  scopes_supported?: string[];
  bearer_methods_supported: string[];
  resource_name?: string;
}

export interface ResourceMetadataOptions {
  /** The resource identifier: the gateway's MCP URL as clients use it, e.g. `https://mcp.example.com/mcp`. */
  resource: string;
  /** Issuer URLs of the authorization servers that mint tokens for this gateway. */
  authorizationServers: string[];
  scopesSupported?: string[];
  resourceName?: string;
}

/**
 * Section 2. `resource` must be an absolute URL without a fragment (section 1.2); the spec asks for https, but a
 * loopback gateway is plain http, so http is accepted too. Only the Authorization header is offered
 * (`bearer_methods_supported: ["header"]`): query-string tokens end up in logs (RFC 6750 section 2.3).
 */
export function protectedResourceMetadata(options: ResourceMetadataOptions): ProtectedResourceMetadata {
  const resource = new URL(options.resource);
  if (resource.protocol !== 'https:' && resource.protocol !== 'http:') {
    throw new Error(`resource must be an http(s) URL, got ${options.resource}`);
  }
  if (resource.hash !== '' || options.resource.includes('#')) {
    throw new Error(`resource must not have a fragment: ${options.resource}`);
  }
  for (const server of options.authorizationServers) new URL(server);
  return {
    resource: options.resource,
    authorization_servers: [...options.authorizationServers],
    ...(options.scopesSupported ? { scopes_supported: [...options.scopesSupported] } : {}),
    bearer_methods_supported: ['header'],
    ...(options.resourceName ? { resource_name: options.resourceName } : {}),
  };
}

/**
 * Where the document of `resource` is served (section 3.1): the well-known path goes between the host and the
 * resource's path, so `https://gw.example/mcp` has `https://gw.example/.well-known/oauth-protected-resource/mcp`.
 * That is also the `resource_metadata` URL a 401's WWW-Authenticate points at (section 5.1).
 */
export function resourceMetadataUrl(resource: string): string {
  const url = new URL(resource);
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '');
  return `${url.origin}${RESOURCE_METADATA_PATH}${path}${url.search}`;
}

/**
 * The scopes worth advertising: `admin`, `server:*` and one `server:<name>` per configured server (tool-level
 * scopes are globs with no useful finite list).
 */
export function defaultScopesSupported(serverNames: readonly string[]): string[] {
  return ['admin', 'server:*', ...serverNames.map((name) => `server:${name}`)];
}
