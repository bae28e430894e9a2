import { BaseCommand, ExitCodes } from '../../base-command.js';
import { withUpstreams } from '../../inspect.js';
import { renderTable } from '../../table.js';
import type { UpstreamStatus } from '../../../server/index.js';

export default class ServersList extends BaseCommand<typeof ServersList> {
  static override summary = 'Connect to each configured upstream MCP server once and show its state.';
  static override description =
    'Starts every enabled upstream (stdio processes are ended afterwards), then prints its state, transport, tool count and, for a server that failed, its last error and the tail of its stderr. Exits with code 3 when an enabled server could not be reached.';
  static override examples = [
    '<%= config.bin %> servers list',
    '<%= config.bin %> servers list --config ~/.cursor/mcp.json --json',
  ];
  static override enableJsonFlag = true;

  async run(): Promise<{ servers: UpstreamStatus[] }> {
    const setup = await this.setup();
    const servers = await withUpstreams(setup, (gateway) => gateway.upstreams.statuses());
    if (!this.jsonEnabled()) {
      const rows = servers.map((s) => [
        s.name,
        s.connectedVia ?? s.transport,
        s.state,
        String(s.toolCount),
        s.lastError ?? '',
      ]);
      this.log(renderTable(['NAME', 'TRANSPORT', 'STATE', 'TOOLS', 'ERROR'], rows));
      for (const s of servers.filter((x) => x.state !== 'ready' && x.state !== 'disabled' && x.stderrTail.length > 0)) {
        this.log(`\n${s.name} stderr (last lines):\n  ${s.stderrTail.slice(-5).join('\n  ')}`);
      }
      if (setup.demo)
        this.log('\n(no config file found: these are the built-in demo servers; run `localmcp init` to create one)');
    }
    if (servers.some((s) => s.state !== 'ready' && s.state !== 'disabled')) process.exitCode = ExitCodes.UNAVAILABLE;
    return { servers };
  }
}
