import { relative } from 'node:path';
import { Flags } from '@oclif/core';
import { errorMessage, isLocalmcpError } from '@localmcp/plugin-api';
import { ExitCodes } from '../../base-command.js';
import { LocalmcpCommand } from '../../command.js';
import { ScaffoldInputError } from '../../scaffold/names.js';
import { askServerName, isPromptCancel } from '../../scaffold/prompts.js';
import { scaffoldServer, type ScaffoldServerResult } from '../../scaffold/server.js';

export default class InitServer extends LocalmcpCommand {
  static override summary = 'Create an MCP server in TypeScript (one tool, its tests) and add it to localmcp.yaml.';
  static override description = `Renders templates/server into a new package: an MCP server on the official TypeScript SDK with zod schemas, one tool (count_words) and tests (node:test: the tool's logic, an in-memory client, the built server over stdio). Then adds it to the config under mcpServers.<name> (node dist/src/index.js, cwd relative to the config), creating localmcp.yaml when there is none. Then: npm install && npm run build in its folder, and localmcp tools list shows <name>__count_words.`;
  static override examples = [
    '<%= config.bin %> init server --name weather',
    '<%= config.bin %> init server --name weather --dir servers/weather --config gateway/localmcp.yaml --json',
  ];
  static override enableJsonFlag = true;
  static override flags = {
    name: Flags.string({ char: 'n', summary: 'The server name: its tools are published as <name>__<tool>.' }),
    dir: Flags.directory({ char: 'd', summary: 'The server folder (default ./<name>).' }),
    config: Flags.string({
      char: 'c',
      summary: 'The config to add it to (default: localmcp.yaml here, created when absent).',
      env: 'LOCALMCP_CONFIG',
    }),
    force: Flags.boolean({
      char: 'f',
      summary: 'Write into a folder that is not empty; replace a server of the same name in the config.',
      default: false,
    }),
  };

  async run(): Promise<ScaffoldServerResult> {
    const { flags } = await this.parse(InitServer);
    let name = flags.name;
    if (name === undefined) {
      if (!process.stdin.isTTY || !process.stdout.isTTY || this.jsonEnabled()) {
        this.error('--name is required when not on a terminal', { exit: 2 });
      }
      try {
        name = await askServerName();
      } catch (error) {
        if (isPromptCancel(error)) this.error('cancelled', { exit: 130 });
        throw error;
      }
    }
    let result: ScaffoldServerResult;
    try {
      result = await scaffoldServer({ name, dir: flags.dir, config: flags.config, force: flags.force });
    } catch (error) {
      const configError = isLocalmcpError(error) && error.code.startsWith('CONFIG_');
      this.error(isLocalmcpError(error) ? error.message : errorMessage(error), {
        exit: error instanceof ScaffoldInputError ? 2 : configError ? ExitCodes.CONFIG : ExitCodes.ERROR,
      });
    }
    if (!this.jsonEnabled()) {
      const dir = relative(process.cwd(), result.dir) || '.';
      const config = relative(process.cwd(), result.config.file) || result.config.file;
      this.log(
        `Created the MCP server "${name}" in ${dir}; ${result.config.created ? 'wrote' : 'added it to'} ${config}.`,
      );
      this.log(
        `\nNext:\n  cd ${dir} && npm install && npm test   # builds it, too\n  localmcp tools list --server ${name}`,
      );
    }
    return result;
  }
}
