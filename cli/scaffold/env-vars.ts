/** One environment variable a config reads: `${NAME}` or `${NAME:-default}` (or VS Code's `${env:NAME}`). */
export interface EnvReference {
  name: string;
  /** The `:-default`, when every use of the variable has one (then setting it is optional). */
  default?: string;
}

// Resolved by the loader itself (server/config/interpolate.ts), not read from the environment.
const BUILTINS = new Set(['userHome', 'workspaceFolder', 'workspaceFolderBasename', 'pathSeparator', '/']);
// Set in every shell, so listing them in .env.example would only invite someone to override them.
const ALWAYS_SET = new Set(['HOME', 'USER', 'LOGNAME', 'PATH', 'PWD', 'SHELL', 'TMPDIR', 'USERPROFILE', 'APPDATA']);
const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The environment variables the strings of `value` reference, in order of first use, following the loader's
 * grammar: `$$` and `\${` are literals, `${input:...}` is VS Code's (not supported, so not listed), built-ins
 * such as `${userHome}` need no variable.
 */
export function envReferences(value: unknown): EnvReference[] {
  const found = new Map<string, { defaults: Set<string | undefined> }>();
  const scan = (text: string) => {
    for (let i = 0; i < text.length; i++) {
      if (text.startsWith('$$', i) || text.startsWith('\\${', i)) {
        i += 2;
        continue;
      }
      if (!text.startsWith('${', i)) continue;
      const end = text.indexOf('}', i + 2);
      if (end === -1) return;
      const expression = text.slice(i + 2, end);
      i = end;
      if (BUILTINS.has(expression) || expression.startsWith('input:')) continue;
      const body = expression.startsWith('env:') ? expression.slice(4) : expression;
      const split = body.indexOf(':-');
      const name = split === -1 ? body : body.slice(0, split);
      if (!VAR_NAME.test(name) || ALWAYS_SET.has(name)) continue;
      const entry = found.get(name) ?? { defaults: new Set() };
      entry.defaults.add(split === -1 ? undefined : body.slice(split + 2));
      found.set(name, entry);
    }
  };
  const walk = (v: unknown) => {
    if (typeof v === 'string') scan(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (typeof v === 'object' && v !== null) Object.values(v).forEach(walk);
  };
  walk(value);
  return [...found].map(([name, { defaults }]) => {
    const [only] = defaults;
    return defaults.size === 1 && only !== undefined ? { name, default: only } : { name };
  });
}

/**
 * `.env.example`: one line per variable, `NAME=` (or `# NAME=<default>` when it has a default, so it stays
 * optional), each under a comment saying what it is. With `existing` (the file's current text), only variables
 * it does not mention yet are appended, and nothing in it changes.
 */
export function renderEnvExample(
  references: readonly EnvReference[],
  describe: (name: string) => string | undefined,
  existing?: string,
): { text: string; added: string[] } {
  const mentioned = (name: string) => existing !== undefined && new RegExp(`^#?\\s*${name}=`, 'm').test(existing);
  const blocks: string[] = [];
  const added: string[] = [];
  for (const { name, default: fallback } of references) {
    if (mentioned(name)) continue;
    added.push(name);
    const about = describe(name);
    const comment = [about, fallback === undefined ? undefined : `optional, default: ${fallback || '(empty)'}`]
      .filter(Boolean)
      .join('; ');
    blocks.push(`${comment ? `# ${comment}\n` : ''}${fallback === undefined ? '' : '# '}${name}=${fallback ?? ''}`);
  }
  const header =
    '# The variables localmcp.yaml reads. Copy this file to .env beside localmcp.yaml and fill it in (the\n' +
    '# environment wins over .env). Keep .env out of version control: it holds secrets.\n';
  if (existing === undefined) return { text: `${header}\n${blocks.join('\n\n')}\n`, added };
  if (blocks.length === 0) return { text: existing, added };
  const separator = existing === '' || existing.endsWith('\n\n') ? '' : existing.endsWith('\n') ? '\n' : '\n\n';
  return { text: `${existing}${separator}# Added by localmcp init\n${blocks.join('\n\n')}\n`, added };
}
