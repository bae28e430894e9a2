import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { join } from 'node:path';
import { ErrorCodes, LocalmcpError } from '@localmcp/plugin-api';
import { keyFileVersion, readKeyFile, updateKeyFile, type StoredKey } from './key-file.js';
import { parseScopes, type Scope } from './scopes.js';

/** An API key as shown to people and code: everything but the salt and hash. */
export type ApiKeyInfo = Omit<StoredKey, 'salt' | 'hash'>;

export type KeyVerification =
  | { ok: true; key: ApiKeyInfo; scope: Scope }
  | { ok: false; reason: 'malformed' | 'unknown' | 'wrong' | 'revoked'; key?: ApiKeyInfo };

export interface KeyStoreOptions {
  now?: () => Date;
  /** `lastUsedAt` is written at most this often per key (default one minute): a file write per call would not do. */
  touchIntervalMs?: number;
}

const KEY_FORMAT = /^lmk_([a-z0-9]+)_([a-f0-9]{64})$/;

/** Where `keys create` puts keys and the gateway reads them. */
export function keyFilePath(dataDir: string): string {
  return join(dataDir, 'keys.json');
}

// A salted HMAC-SHA-256 rather than scrypt: the secret is 256 random bits, so there is nothing to brute-force
// that a slow hash would protect, and scrypt's ~50 ms would be paid on every authenticated request.
function digest(salt: string, secret: string): Buffer {
  return createHmac('sha256', Buffer.from(salt, 'base64url')).update(secret).digest();
}

const info = ({ salt: _salt, hash: _hash, ...rest }: StoredKey): ApiKeyInfo => rest;

/**
 * API keys in `<dataDir>/keys.json` (0600). A key is `lmk_<id>_<secret>`: the id is public (it names the key in
 * `keys list` and logs), the secret is shown once by `create` and stored only as a hash. The file is re-read
 * whenever it changed on disk, so a key created or revoked by the CLI takes effect in a running gateway at once.
 */
export class KeyStore {
  private cache: { version: string; keys: Map<string, StoredKey> } | undefined;
  private readonly touched = new Map<string, number>();
  private readonly now: () => Date;

  constructor(
    readonly file: string,
    private readonly options: KeyStoreOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
  }

  /** Makes a key; `scopes` are checked (SCOPE_INVALID). The returned `key` is the only copy of the secret. */
  async create(input: { name: string; scopes: string[] }): Promise<{ key: string; info: ApiKeyInfo }> {
    parseScopes(input.scopes, { strict: true });
    const secret = randomBytes(32).toString('hex');
    const salt = randomBytes(16).toString('base64url');
    const stored = await updateKeyFile(this.file, (content) => {
      let id: string;
      do id = randomBytes(6).toString('hex');
      while (content.keys.some((k) => k.id === id));
      const record: StoredKey = {
        id,
        name: input.name,
        scopes: [...input.scopes],
        salt,
        hash: digest(salt, secret).toString('base64url'),
        createdAt: this.now().toISOString(),
      };
      content.keys.push(record);
      return record;
    });
    return { key: `lmk_${stored.id}_${secret}`, info: info(stored) };
  }

  /** Every key, revoked ones included, oldest first. */
  async list(): Promise<ApiKeyInfo[]> {
    return (await readKeyFile(this.file)).keys.map(info);
  }

  /** True when at least one key is not revoked: `auth.keys: auto` turns key auth on then. */
  async hasActiveKeys(): Promise<boolean> {
    return (await readKeyFile(this.file)).keys.some((k) => k.revokedAt === undefined);
  }

  /** Revokes by id (or by the full key); revoking twice keeps the first date. Unknown ids are KEY_NOT_FOUND. */
  async revoke(idOrKey: string): Promise<ApiKeyInfo> {
    const id = KEY_FORMAT.exec(idOrKey)?.[1] ?? idOrKey;
    return updateKeyFile(this.file, (content) => {
      const key = content.keys.find((k) => k.id === id);
      if (!key) throw new LocalmcpError(ErrorCodes.KEY_NOT_FOUND, `no API key with id "${id}"`, { data: { id } });
      key.revokedAt ??= this.now().toISOString();
      return info(key);
    });
  }

  /** Checks a presented key in constant time; records `lastUsedAt` (best effort) on success. */
  async verify(presented: string): Promise<KeyVerification> {
    const match = KEY_FORMAT.exec(presented);
    if (!match) return { ok: false, reason: 'malformed' };
    const [, id, secret] = match as unknown as [string, string, string];
    const stored = (await this.load()).get(id);
    if (!stored) return { ok: false, reason: 'unknown' };
    const expected = Buffer.from(stored.hash, 'base64url');
    const actual = digest(stored.salt, secret);
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
      return { ok: false, reason: 'wrong', key: info(stored) };
    }
    if (stored.revokedAt !== undefined) return { ok: false, reason: 'revoked', key: info(stored) };
    await this.touch(stored);
    return { ok: true, key: info(stored), scope: parseScopes(stored.scopes).scope };
  }

  private async load(): Promise<Map<string, StoredKey>> {
    const version = await keyFileVersion(this.file);
    if (this.cache?.version !== version) {
      const content = await readKeyFile(this.file);
      this.cache = { version, keys: new Map(content.keys.map((k) => [k.id, k])) };
    }
    return this.cache.keys;
  }

  private async touch(key: StoredKey): Promise<void> {
    const now = this.now();
    const interval = this.options.touchIntervalMs ?? 60_000;
    const last = Math.max(this.touched.get(key.id) ?? 0, key.lastUsedAt ? Date.parse(key.lastUsedAt) : 0);
    if (now.getTime() - last < interval) return;
    this.touched.set(key.id, now.getTime());
    // A read-only data dir or a held lock must not fail the request: lastUsedAt is informational.
    await updateKeyFile(
      this.file,
      (content) => {
        const record = content.keys.find((k) => k.id === key.id);
        if (record) record.lastUsedAt = now.toISOString();
      },
      { lockTimeoutMs: 200 },
    ).catch(() => undefined);
  }
}
