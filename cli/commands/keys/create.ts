import { Flags } from '@oclif/core';
import type { ApiKeyInfo } from '../../../server/index.js';
import { KeyCommand } from '../../key-command.js';

export default class KeysCreate extends KeyCommand<typeof KeysCreate> {
  static override summary = 'Create an API key for the gateway; the key is printed once and only its hash is kept.';
  static override description =
    'Scopes say what the key reaches, and add up: server:<glob> (every tool of matching servers), tool:<glob> (tools matching "<server>/<tool>" or the public name), admin (everything, and the admin API).';
  static override examples = [
    '<%= config.bin %> keys create --name ci --scopes server:github',
    '<%= config.bin %> keys create --name triage --scopes "tool:github/*issue*,tool:slack/post_message" --json',
    '<%= config.bin %> keys create --name ops --scopes admin',
  ];
  static override enableJsonFlag = true;
  static override flags = {
    name: Flags.string({ char: 'n', summary: 'A name for people: who or what uses the key.', required: true }),
    scopes: Flags.string({
      char: 's',
      summary: 'What the key may reach: server:<glob>, tool:<glob>, admin (comma-separated or repeated).',
      required: true,
      multiple: true,
      delimiter: ',',
    }),
  };

  async run(): Promise<ApiKeyInfo & { key: string }> {
    const { name, scopes } = this.flags;
    const { key, info } = await this.attempt(() => this.keyStore().create({ name, scopes }));
    if (!this.jsonEnabled()) {
      this.log(`Created API key ${info.id} "${info.name}" (${info.scopes.join(', ')}).`);
      this.log(`\n  ${key}\n`);
      this.log(
        'This is the only time the key is shown: store it now. Clients send it as "Authorization: Bearer <key>".',
      );
    }
    return { ...info, key };
  }
}
