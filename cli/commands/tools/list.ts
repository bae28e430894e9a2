import { Flags } from '@oclif/core';
import { BaseCommand, ExitCodes } from '../../base-command.js';
import { withUpstreams } from '../../inspect.js';
import { renderTable } from '../../table.js';

const WARNING = /^\[localmcp warning:[^\]]*\]\s*/;

interface ToolRow {
  name: string;
  server: string;
  originalName: string;
  description: string;
  inputSchema: unknown;
  /** The poisoning screen's verdict: `marked` (listed with a warning), `hidden` (not served), or null. */
  flagged: { action: 'marked' | 'hidden'; rules: string[] } | null;
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
    const { tools, flagged, unavailable } = await withUpstreams(setup, (gateway) => ({
      tools: gateway.catalog.listTools(),
      flagged: gateway.toolScreen.flagged,
      unavailable: gateway.upstreams
        .statuses()
        .filter((s) => s.state !== 'ready' && s.state !== 'disabled')
        .map((s) => s.name),
    }));
    const servers = this.flags.server;
    const flag = (server: string, tool: string) => {
      const found = flagged.find((f) => f.server === server && f.tool === tool);
      return { flagged: found ? { action: found.action, rules: found.rules } : null };
    };
    const rows: ToolRow[] = [
      ...tools.map((t) => ({
        name: t.publicName,
        server: t.server,
        originalName: t.originalName,
        description: t.item.description ?? '',
        inputSchema: t.item.inputSchema,
        ...flag(t.server, t.originalName),
      })),
      // Hidden tools are not in the catalog; they are listed here so that an operator sees what was held back.
      ...flagged
        .filter((f) => f.action === 'hidden')
        .map((f) => ({
          name: '-',
          server: f.server,
          originalName: f.tool,
          description: f.findings.map((x) => `${x.field}: ${x.what}`).join('; '),
          inputSchema: undefined,
          ...flag(f.server, f.tool),
        })),
    ].filter((t) => !servers || servers.includes(t.server));
    if (!this.jsonEnabled()) {
      // FLAGGED comes last and only when the poisoning screen flagged something: scripts reading the first
      // columns keep working.
      const anyFlagged = rows.some((r) => r.flagged);
      this.log(
        renderTable(
          ['NAME', 'SERVER', 'DESCRIPTION', ...(anyFlagged ? ['FLAGGED'] : [])],
          rows.map((r) => [
            r.name === '-' ? `(${r.originalName})` : r.name,
            r.server,
            // A marked description starts with the gateway's warning; the table shows the tool's own first line.
            (r.flagged?.action === 'marked' ? r.description.replace(WARNING, '') : r.description).split('\n')[0] ?? '',
            ...(anyFlagged ? [r.flagged ? `${r.flagged.action}: ${r.flagged.rules.join(',')}` : ''] : []),
          ]),
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
