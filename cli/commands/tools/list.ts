import { Flags } from '@oclif/core';
import { BaseCommand, ExitCodes } from '../../base-command.js';
import { withUpstreams } from '../../inspect.js';
import { renderTable } from '../../table.js';

interface ToolRow {
  name: string;
  server: string;
  originalName: string;
  description: string;
  inputSchema: unknown;
}

export default class ToolsList extends BaseCommand<typeof ToolsList> {
  static override summary = 'List the merged tools of the configured upstreams, under the names clients see.';
  static override examples = ['<%= config.bin %> tools list', '<%= config.bin %> tools list --server notes --json'];
  static override enableJsonFlag = true;
  static override flags = {
    server: Flags.string({ char: 's', summary: 'Only the tools of this server.', multiple: true }),
  };

  async run(): Promise<{ tools: ToolRow[]; unavailable: string[] }> {
    const setup = await this.setup();
    const { tools, unavailable } = await withUpstreams(setup, (gateway) => ({
      tools: gateway.catalog.listTools(),
      unavailable: gateway.upstreams
        .statuses()
        .filter((s) => s.state !== 'ready' && s.state !== 'disabled')
        .map((s) => s.name),
    }));
    const servers = this.flags.server;
    const rows: ToolRow[] = tools
      .filter((t) => !servers || servers.includes(t.server))
      .map((t) => ({
        name: t.publicName,
        server: t.server,
        originalName: t.originalName,
        description: t.item.description ?? '',
        inputSchema: t.item.inputSchema,
      }));
    if (!this.jsonEnabled()) {
      this.log(
        renderTable(
          ['NAME', 'SERVER', 'DESCRIPTION'],
          rows.map((r) => [r.name, r.server, r.description.split('\n')[0] ?? '']),
        ),
      );
      this.log(`\n${rows.length} tools`);
      for (const name of unavailable)
        this.warn(`server "${name}" is unavailable; run \`localmcp servers list\` for its error`);
    }
    if (unavailable.length > 0) process.exitCode = ExitCodes.UNAVAILABLE;
    return { tools: rows, unavailable };
  }
}
