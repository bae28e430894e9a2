import { createHash } from 'node:crypto';

/**
 * Tool and prompt names as clients see them. OpenAI and Anthropic accept `^[a-zA-Z0-9_-]{1,64}$` for function
 * names, so public names keep to that alphabet and length; the catalog maps them back to the original names.
 */
export const MAX_NAME_LENGTH = 64;
const UNSAFE = /[^A-Za-z0-9_-]/g;

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}

/**
 * `<namespace><separator><name>`, made safe; when longer than 64 characters it is cut and ends in `_` plus a
 * hash of the full name, so the same tool always gets the same short name and two long names that share a
 * prefix stay apart.
 */
export function publicName(namespace: string, name: string, separator: string): string {
  const full = `${namespace}${separator}${name}`.replace(UNSAFE, '_');
  if (full.length <= MAX_NAME_LENGTH) return full;
  const hash = shortHash(`${namespace}${separator}${name}`);
  return `${full.slice(0, MAX_NAME_LENGTH - hash.length - 1)}_${hash}`;
}

/**
 * Gives each entry a unique public name. Entries are named in the order given (the catalog sorts them by server
 * and original name first, so the result does not depend on which server answered first); a clash, possible
 * when two servers share a namespace, gets a numeric suffix.
 */
export function assignUniqueNames<T>(entries: T[], nameOf: (entry: T) => string): Map<string, T> {
  const byName = new Map<string, T>();
  for (const entry of entries) {
    const base = nameOf(entry);
    let name = base;
    for (let n = 2; byName.has(name); n++) {
      const suffix = `_${n}`;
      name = base.slice(0, MAX_NAME_LENGTH - suffix.length) + suffix;
    }
    byName.set(name, entry);
  }
  return byName;
}
