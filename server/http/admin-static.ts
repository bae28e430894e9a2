import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Middleware } from 'koa';
import { isLoopback } from './guards.js';

/** Where the panel is served. */
export const ADMIN_UI_PREFIX = '/admin';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
};

// The page loads only its own scripts and styles and talks only to its own origin (fetch and the WebSocket).
// Svelte sets style attributes at run time, hence 'unsafe-inline' for styles only.
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/**
 * The built panel (`vite build admin-ui` writes `dist/admin-ui/`). From the compiled gateway (dist/server/http) it
 * is `../../admin-ui`; from the sources (tests run through tsx) it is `../../dist/admin-ui`. Only a directory
 * with built assets counts: the sources' own `admin-ui/index.html` is Vite's input, not a page to serve.
 */
export function findAdminUiDir(): string | undefined {
  const candidates = ['../../dist/admin-ui/', '../../admin-ui/'].map((p) => fileURLToPath(new URL(p, import.meta.url)));
  return candidates.find((dir) => existsSync(join(dir, 'index.html')) && existsSync(join(dir, 'assets')));
}

export interface AdminPanelOptions {
  /** With an admin token the page is served to anyone (it holds no data: the API asks for the token); without, only on loopback. */
  adminToken: string | undefined;
  /** The built panel; default {@link findAdminUiDir}. */
  dir?: string;
}

/**
 * `/admin`: the single-page app's files, and its `index.html` for every other path under it (the app routes on
 * the client: `/admin/servers` reloaded must still load the app). Hashed assets are cached for good; the page
 * itself is revalidated. Before authentication in the chain: the page must load to show its login form.
 */
export function adminPanel(options: AdminPanelOptions): Middleware {
  const root = options.dir ?? findAdminUiDir();
  return async (ctx, next) => {
    if (ctx.path !== ADMIN_UI_PREFIX && !ctx.path.startsWith(`${ADMIN_UI_PREFIX}/`)) return next();
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') {
      ctx.status = 405;
      ctx.set('Allow', 'GET, HEAD');
      ctx.body = { error: `method ${ctx.method} is not allowed on ${ADMIN_UI_PREFIX}` };
      return;
    }
    const remote = (ctx.req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
    if (options.adminToken === undefined && !isLoopback(remote) && remote !== '::1') {
      ctx.throw(403, 'the admin panel is served only on loopback unless an admin token is set (--admin-token)');
    }
    if (!root) {
      ctx.status = 404;
      ctx.body = { error: 'the admin panel is not built (npm run build builds it into dist/admin-ui)' };
      return;
    }
    let relative = '';
    try {
      relative = decodeURIComponent(ctx.path.slice(ADMIN_UI_PREFIX.length)).replace(/^\/+/, '');
    } catch {
      ctx.throw(400, 'malformed path');
    }
    const file = normalize(join(root, relative));
    const inside = file.startsWith(root.endsWith(sep) ? root : root + sep);
    const asset = inside && relative !== '' && (await isFile(file));
    // A path with an extension that is not there is a missing asset (404), not a page of the app.
    if (!asset && extname(relative) !== '') {
      ctx.status = 404;
      ctx.body = { error: `no such file: ${ctx.path}` };
      return;
    }
    const served = asset ? file : join(root, 'index.html');
    ctx.set('Content-Security-Policy', CSP);
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Referrer-Policy', 'no-referrer');
    ctx.set(
      'Cache-Control',
      asset && relative.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
    );
    ctx.type = TYPES[extname(served)] ?? 'application/octet-stream';
    ctx.body = await readFile(served);
  };
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
