import type { ApiKeyInfo } from '../../../server/index.js';
import { KeyCommand } from '../../key-command.js';
import { renderTable } from '../../table.js';

export default class KeysList extends KeyCommand<typeof KeysList> {
  static override summary = 'List the API keys (never their secrets), revoked ones included.';
  static override examples = ['<%= config.bin %> keys list', '<%= config.bin %> keys list --json'];
  static override enableJsonFlag = true;

  async run(): Promise<{ keys: ApiKeyInfo[] }> {
    const keys = await this.attempt(() => this.keyStore().list());
    if (!this.jsonEnabled()) {
      if (keys.length === 0) {
        this.log('No API keys. Create one with `localmcp keys create --name <name> --scopes <scopes>`.');
      } else {
        const rows = keys.map((k) => [
          k.id,
          k.name,
          k.scopes.join(' '),
          k.createdAt,
          k.lastUsedAt ?? '',
          k.revokedAt ? `revoked ${k.revokedAt}` : 'active',
        ]);
        this.log(renderTable(['ID', 'NAME', 'SCOPES', 'CREATED', 'LAST USED', 'STATUS'], rows));
      }
    }
    return { keys };
  }
}
