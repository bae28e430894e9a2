import path from 'node:path';
import { ErrorCodes, LocalmcpError } from '@localmcp/plugin-api';
import { configInvalidError, formatPath } from './format-issues.js';

/** Where `${...}` values come from. */
export interface InterpolationContext {
  /** The config file, for error messages. */
  file: string | undefined;
  /** Looked up first. */
  env: NodeJS.ProcessEnv;
  /** The `.env` beside the config file, looked up when `env` lacks a variable. */
  dotenv: Record<string, string>;
  userHome: string;
  workspaceFolder: string;
}

const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SUPPORTED = '${VAR}, ${VAR:-default}, ${env:VAR}, ${userHome}, ${workspaceFolder}';

/**
 * Replaces `${...}` in every string of a parsed config (keys are left alone). The forms are the union of what
 * the clients whose files we read understand: shell-style `${VAR}` and `${VAR:-default}` (Claude Code),
 * `${env:VAR}`, `${userHome}` and `${workspaceFolder}` (Cursor, VS Code). `$$` and `\${` write a literal.
 */
export function interpolate(value: unknown, ctx: InterpolationContext, at: PropertyKey[] = []): unknown {
  if (typeof value === 'string') return interpolateString(value, ctx, at);
  if (Array.isArray(value)) return value.map((item, index) => interpolate(item, ctx, [...at, index]));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, ctx, [...at, k])]));
  }
  return value;
}

function interpolateString(text: string, ctx: InterpolationContext, at: PropertyKey[]): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    if (text.startsWith('$$', i)) {
      out += '$';
      i += 2;
    } else if (text.startsWith('\\${', i)) {
      out += '${';
      i += 3;
    } else if (text.startsWith('${', i)) {
      const end = text.indexOf('}', i + 2);
      if (end === -1) {
        const message = `unterminated "\${" in ${JSON.stringify(text)} (write $$ for a literal $)`;
        throw configInvalidError(ctx.file, [{ path: formatPath(at), message }]);
      }
      out += resolve(text.slice(i + 2, end), ctx, at);
      i = end + 1;
    } else {
      out += text[i];
      i += 1;
    }
  }
  return out;
}

function resolve(expression: string, ctx: InterpolationContext, at: PropertyKey[]): string {
  const where = `${ctx.file ?? 'config'}: ${formatPath(at)}`;
  if (expression.startsWith('input:')) {
    const message =
      `\${${expression}} is an input variable, which VS Code prompts for; localmcp cannot prompt, so input ` +
      `variables are not supported. Use \${VAR} instead and set VAR in the environment or a .env file`;
    throw new LocalmcpError(ErrorCodes.CONFIG_ENV_MISSING, `${where}: ${message}`, {
      data: { file: ctx.file, path: formatPath(at), variable: expression },
    });
  }
  switch (expression) {
    case 'userHome':
      return ctx.userHome;
    case 'workspaceFolder':
      return ctx.workspaceFolder;
    case 'workspaceFolderBasename':
      return path.basename(ctx.workspaceFolder);
    case 'pathSeparator':
    case '/':
      return path.sep;
  }
  const body = expression.startsWith('env:') ? expression.slice(4) : expression;
  const split = body.indexOf(':-');
  const name = split === -1 ? body : body.slice(0, split);
  const fallback = split === -1 ? undefined : body.slice(split + 2);
  if (!VAR_NAME.test(name)) {
    const message =
      `unsupported variable \${${expression}}; supported forms are ${SUPPORTED} ` + '(write $$ for a literal $)';
    throw configInvalidError(ctx.file, [{ path: formatPath(at), message }]);
  }
  const value = ctx.env[name] ?? ctx.dotenv[name];
  if (fallback !== undefined && (value === undefined || value === '')) return fallback;
  if (value !== undefined) return value;
  throw new LocalmcpError(
    ErrorCodes.CONFIG_ENV_MISSING,
    `${where}: environment variable ${name} is not set (set it in the environment or a .env file beside the ` +
      `config, or use \${${name}:-default} for a default)`,
    { data: { file: ctx.file, path: formatPath(at), variable: name } },
  );
}
