import { Args, Flags } from '@oclif/core';
import { BaseCommand, ExitCodes } from '../../base-command.js';
import { withUpstreams } from '../../inspect.js';
import { progressBar } from '../../progress.js';
import { renderTable } from '../../table.js';
import type { ToolSearchResult } from '../../../server/index.js';

export default class ToolsSearch extends BaseCommand<typeof ToolsSearch> {
  static override summary = 'Search the tools of the configured upstreams as a model would with search_tools.';
  static override description =
    'Connects to the upstreams, indexes their tools with the same engine the gateway uses, and prints the ranked matches. --explain shows which fields matched which query words.';
  static override examples = [
    '<%= config.bin %> tools search "add a note"',
    '<%= config.bin %> tools search "what time is it in Tokyo" --limit 3 --explain',
    '<%= config.bin %> tools search "read a file" --server filesystem --json',
  ];
  static override enableJsonFlag = true;
  static override args = {
    query: Args.string({ required: true, description: 'What you want to do, in plain words.' }),
  };
  static override flags = {
    limit: Flags.integer({ char: 'n', summary: 'How many tools to show.', default: 5, min: 1, max: 100 }),
    server: Flags.string({ char: 's', summary: 'Only tools of this server.', multiple: true }),
    explain: Flags.boolean({ summary: 'Show which fields matched which query terms.', default: false }),
  };

  async run(): Promise<{ query: string; tools: ToolSearchResult[] }> {
    const { args } = await this.parse(ToolsSearch);
    const setup = await this.setup();
    setup.config.discovery.maxLimit = Math.max(setup.config.discovery.maxLimit, this.flags.limit);
    const { tools, unavailable } = await withUpstreams(
      setup,
      async (gateway) => {
        // With an embedder, tools are embedded first (seconds to minutes with a local model on a big catalog).
        const progress = progressBar('embedding tools', { enabled: !this.jsonEnabled() });
        await gateway.discovery.index.settled(progress).finally(progress.end);
        return {
          tools: await gateway.discovery.search(args.query, { limit: this.flags.limit, servers: this.flags.server }),
          unavailable: gateway.upstreams.statuses().filter((s) => s.state !== 'ready' && s.state !== 'disabled'),
        };
      },
      this.config,
    );
    if (!this.jsonEnabled()) {
      if (tools.length === 0) this.log(`No tool matched "${args.query}".`);
      else {
        const rows = tools.map((t) => [
          t.score.toFixed(3),
          t.name,
          t.server,
          this.flags.explain ? explain(t) : t.reason,
        ]);
        this.log(renderTable(['SCORE', 'TOOL', 'SERVER', this.flags.explain ? 'MATCHED' : 'WHY'], rows, 90));
      }
      for (const s of unavailable) this.warn(`server "${s.name}" is unavailable: its tools were not searched`);
    }
    if (unavailable.length > 0) process.exitCode = ExitCodes.UNAVAILABLE;
    return { query: args.query, tools };
  }
}

function explain(tool: ToolSearchResult): string {
  const fields = Object.entries(tool.matched ?? {}).filter(([, terms]) => terms.length > 0);
  return fields.length > 0 ? fields.map(([field, terms]) => `${field}: ${terms.join(', ')}`).join('; ') : tool.reason;
}
