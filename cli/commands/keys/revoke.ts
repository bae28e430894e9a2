import { Args } from '@oclif/core';
import type { ApiKeyInfo } from '../../../server/index.js';
import { KeyCommand } from '../../key-command.js';

export default class KeysRevoke extends KeyCommand<typeof KeysRevoke> {
  static override summary = 'Revoke an API key: a running gateway refuses it from its next request.';
  static override examples = ['<%= config.bin %> keys revoke 3f9a1c2b7d4e'];
  static override enableJsonFlag = true;
  static override args = {
    id: Args.string({ description: 'The key id (from `keys list`) or the whole key.', required: true }),
  };

  async run(): Promise<ApiKeyInfo> {
    const key = await this.attempt(() => this.keyStore().revoke(this.args.id));
    if (!this.jsonEnabled()) this.log(`Revoked API key ${key.id} "${key.name}" (at ${key.revokedAt}).`);
    return key;
  }
}
