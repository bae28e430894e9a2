import { Args } from '@oclif/core';
import { AdminClient, AdminRequestError, adminFlags } from '../../admin-client.js';
import { BaseCommand, ExitCodes } from '../../base-command.js';
import { renderCacheStats, type CacheListing } from './stats.js';

export interface CacheClearAnswer extends CacheListing {
  cleared: { server: string };
  /** Entries dropped from each layer: L1 and L3 of the gateway answering, and L2 (shared by every process). */
  removed: { l1: number; l2: number; l3: number };
}

export default class CacheClear extends BaseCommand<typeof CacheClear> {
  static override summary = "Drop cached tool results of a running gateway: one server's, or all of them.";
  static override description =
    'Clears the entries of <server> (all servers without one) from every cache layer, through the admin API: L1 and L3 of the gateway answering, L2 in Redis, and, over Redis pub/sub, L1 of the other gateway processes sharing it. Exit code 1 for an unknown server or a disabled cache, 3 when no gateway answers.';
  static override examples = [
    '<%= config.bin %> cache clear',
    '<%= config.bin %> cache clear github',
    '<%= config.bin %> cache clear github --url http://127.0.0.1:7420 --admin-token $TOKEN --json',
  ];
  static override enableJsonFlag = true;
  static override args = {
    server: Args.string({ description: 'The upstream server whose entries go (default: every server).' }),
  };
  static override flags = adminFlags;

  async run(): Promise<CacheClearAnswer> {
    const { args } = await this.parse(CacheClear);
    const client = new AdminClient(await this.setup(), this.flags);
    let answer: CacheClearAnswer;
    try {
      answer = await client.request<CacheClearAnswer>('/cache/clear', { server: args.server });
    } catch (error) {
      this.fail(error, error instanceof AdminRequestError && error.kind === 'unreachable' ? ExitCodes.UNAVAILABLE : 1);
    }
    if (!this.jsonEnabled()) {
      const { server } = answer.cleared;
      const { l1, l2, l3 } = answer.removed;
      this.log(
        `cleared ${server === '*' ? 'every server' : `"${server}"`}: ${l1} entries from L1, ${l2} from L2, ${l3} from L3`,
      );
      this.log(renderCacheStats(answer));
    }
    return answer;
  }
}
