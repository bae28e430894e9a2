import { ErrorCodes, LocalmcpError } from '@localmcp/plugin-api';
import picomatch from 'picomatch';

/**
 * What a principal may reach. Each entry grants something and grants add up (a union), like OAuth scopes:
 * `server:github` grants every tool of the server named `github` (its key in `mcpServers`), `tool:slack/post_*`
 * grants only the matching tools, `admin` grants everything including the admin API. An empty scope grants
 * nothing. Intersection was rejected: `server:github tool:github/get_*` would then be needed to say what
 * `tool:github/get_*` alone says.
 */
export interface Scope {
  /** Globs on server names. */
  servers: string[];
  /** Globs on `<server>/<tool>` (server name, the upstream's own tool name) or on the public name (`gh__get_issue`). */
  tools: string[];
  admin: boolean;
}

/** The static gateway token and a gateway without auth: everything. */
export const FULL_ACCESS: Readonly<Scope> = Object.freeze({ servers: ['*'], tools: ['*'], admin: true });

/** A tool as scopes see it: where it lives and what it is called there and downstream. */
export interface ToolRef {
  server: string;
  originalName: string;
  publicName: string;
}

const SCOPE_SYNTAX = 'expected "server:<glob>", "tool:<glob>" or "admin"';

/** The scope strings of a Scope, in the syntax `parseScopes` reads (what `keys list` shows and keys.json holds). */
export function formatScope(scope: Scope): string[] {
  return [
    ...(scope.admin ? ['admin'] : []),
    ...scope.servers.map((s) => `server:${s}`),
    ...scope.tools.map((t) => `tool:${t}`),
  ];
}

/**
 * Reads scope strings. `strict` (the CLI, keys.json) rejects anything else with SCOPE_INVALID; otherwise unknown
 * entries are returned in `unknown` and grant nothing, because a JWT's `scope` claim also carries scopes meant
 * for other resources (`openid`, `email`).
 */
export function parseScopes(items: readonly string[], options: { strict?: boolean } = {}) {
  const scope: Scope = { servers: [], tools: [], admin: false };
  const unknown: string[] = [];
  for (const raw of items) {
    const item = raw.trim();
    if (item === '') continue;
    const [kind, ...rest] = item.split(':');
    const glob = rest.join(':');
    if (item === 'admin') scope.admin = true;
    else if (kind === 'server' && glob !== '') scope.servers.push(glob);
    else if (kind === 'tool' && glob !== '') scope.tools.push(glob);
    else unknown.push(item);
  }
  if (options.strict && unknown.length > 0) {
    throw new LocalmcpError(
      ErrorCodes.SCOPE_INVALID,
      `invalid scope ${unknown.map((u) => `"${u}"`).join(', ')}: ${SCOPE_SYNTAX}`,
      {
        data: { invalid: unknown },
      },
    );
  }
  return { scope, unknown };
}

interface CompiledScope {
  server: (name: string) => boolean;
  tool: (name: string) => boolean;
}

const never = () => false;
// Scopes live as long as their key or token; compile their globs once, not per request.
const compiled = new WeakMap<Scope, CompiledScope>();

function compile(scope: Scope): CompiledScope {
  let matcher = compiled.get(scope);
  if (!matcher) {
    // `dot`: a server or tool name starting with "." is still a name, not a hidden file.
    matcher = {
      server: scope.servers.length > 0 ? picomatch(scope.servers, { dot: true }) : never,
      tool: scope.tools.length > 0 ? picomatch(scope.tools, { dot: true }) : never,
    };
    compiled.set(scope, matcher);
  }
  return matcher;
}

/** Whether `scope` grants the tool `tool` of `server`; `publicName` lets tool globs match the namespaced name too. */
export function allows(scope: Scope, server: string, tool: string, publicName?: string): boolean {
  if (scope.admin) return true;
  const matcher = compile(scope);
  if (matcher.server(server)) return true;
  return matcher.tool(`${server}/${tool}`) || (publicName !== undefined && matcher.tool(publicName));
}

/**
 * Whether `scope` grants the whole server (a `server:` glob or admin): for what has no tool name, such as the
 * server's prompts and resources. A server reached only through `tool:` globs is not granted by this.
 */
export function allowsServer(scope: Scope, server: string): boolean {
  return scope.admin || compile(scope).server(server);
}

/** The tools `scope` grants, in their order: what tools/list, search_tools and list_servers should show. */
export function filterTools<T extends ToolRef>(scope: Scope, tools: readonly T[]): T[] {
  if (scope.admin) return [...tools];
  return tools.filter((t) => allows(scope, t.server, t.originalName, t.publicName));
}
