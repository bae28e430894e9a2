import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { Flags } from '@oclif/core';
import { ErrorCodes, errorMessage, isLocalmcpError } from '@localmcp/plugin-api';
import { ExitCodes } from '../base-command.js';
import { LocalmcpCommand } from '../command.js';
import { loadServerCatalog } from '../scaffold/catalog.js';
import { CLIENTS, findClientConfigs, resolveImportSource } from '../scaffold/client-configs.js';
import { ScaffoldInputError } from '../scaffold/names.js';
import { initProject, type InitProjectResult } from '../scaffold/project.js';
import { askOverwrite, askProject, isPromptCancel } from '../scaffold/prompts.js';

export default class Init extends LocalmcpCommand {
  static override summary =
    'Start a project: localmcp.yaml with the MCP servers you pick or import, .env.example and a compose override.';
  static override description = `On a terminal, asks which well-known MCP servers to put behind the gateway, or offers to import the servers of a Claude Desktop, Cursor, VS Code or Claude Code config it finds. Otherwise (or with --yes) flags decide: --servers picks from the list, --import reads a client's config; with neither, the default servers (memory, filesystem) are used.

Writes localmcp.yaml, .env.example (every variable localmcp.yaml reads; an existing one only gains the missing ones) and docker-compose.override.yml (kept when it exists, unless --force). Credentials found inline in an imported config are moved to .env (mode 0600) and referenced as \${VAR}, so localmcp.yaml can be shared.

The well-known servers are listed in templates/init/servers.yaml: memory, filesystem, everything, sequential-thinking, github, fetch, git, time, playwright, brave-search, context7.`;
  static override examples = [
    '<%= config.bin %> init',
    '<%= config.bin %> init --yes --dir ./gateway',
    '<%= config.bin %> init --servers memory,github,fetch',
    '<%= config.bin %> init --import claude-desktop',
    '<%= config.bin %> init --import .vscode/mcp.json --servers everything --json',
  ];
  static override enableJsonFlag = true;
  static override flags = {
    dir: Flags.directory({ char: 'd', summary: 'Directory to write into.', default: '.' }),
    force: Flags.boolean({
      char: 'f',
      summary: 'Overwrite localmcp.yaml and docker-compose.override.yml.',
      default: false,
    }),
    yes: Flags.boolean({ char: 'y', summary: 'Ask nothing: use the flags, else the default servers.', default: false }),
    servers: Flags.string({
      char: 's',
      summary: 'Well-known servers to add, by id (comma-separated or repeated); "none" for none.',
      multiple: true,
      delimiter: ',',
    }),
    import: Flags.string({
      char: 'i',
      summary: `Import the servers of a client config: a path, or ${CLIENTS.join(', ')} (found in their usual places).`,
    }),
  };

  async run(): Promise<InitProjectResult> {
    const { flags } = await this.parse(Init);
    const dir = resolve(flags.dir);
    const catalog = await loadServerCatalog();
    const interactive =
      process.stdin.isTTY === true &&
      process.stdout.isTTY === true &&
      !flags.yes &&
      !this.jsonEnabled() &&
      flags.servers === undefined &&
      flags.import === undefined;

    let servers = (flags.servers ?? catalog.filter((entry) => entry.default).map((entry) => entry.id)).filter(
      (id) => id !== 'none',
    );
    let importFile =
      flags.import === undefined ? undefined : this.attempt(() => resolveImportSource(flags.import!, process.cwd()));
    let force = flags.force;
    if (interactive) {
      try {
        ({ servers, importFile } = await askProject(catalog, findClientConfigs(process.cwd())));
        const config = join(dir, 'localmcp.yaml');
        if (!force && existsSync(config)) {
          force = await askOverwrite(relative(process.cwd(), config) || config);
          if (!force) this.exit(0);
        }
      } catch (error) {
        if (isPromptCancel(error)) this.error('cancelled', { exit: 130 });
        throw error;
      }
    }

    let result: InitProjectResult;
    try {
      result = await initProject({ dir, servers, importFile, force });
    } catch (error) {
      const exists = isLocalmcpError(error) && error.code === ErrorCodes.INIT_FILE_EXISTS;
      const config = isLocalmcpError(error) && error.code.startsWith('CONFIG_');
      this.error(isLocalmcpError(error) ? error.message : errorMessage(error), {
        // A bad --servers id is a usage error (2), like a broken imported config.
        exit: config || error instanceof ScaffoldInputError ? ExitCodes.CONFIG : ExitCodes.ERROR,
        suggestions: exists ? ['pass --force to overwrite it'] : undefined,
      });
    }
    if (!this.jsonEnabled()) this.log(summary(result));
    for (const warning of result.imported?.warnings ?? []) this.warn(warning);
    return result;
  }

  private attempt<T>(step: () => T): T {
    try {
      return step();
    } catch (error) {
      this.error(errorMessage(error), { exit: ExitCodes.CONFIG });
    }
  }
}

/** What was written, and what to do next. */
export function summary(result: InitProjectResult): string {
  const shown = (file: string) => relative(process.cwd(), file) || file;
  const lines = [`Wrote ${result.written.map(shown).join(', ')}.`];
  if (result.kept.length > 0)
    lines.push(`Kept ${result.kept.map(shown).join(', ')} (it exists; --force overwrites it).`);
  const count = result.servers.length;
  lines.push(
    `${count} server${count === 1 ? '' : 's'}: ${count > 0 ? result.servers.join(', ') : 'none yet (edit mcpServers)'}.`,
  );
  if (result.imported) {
    const { file, servers, movedToDotenv } = result.imported;
    lines.push(`Imported ${servers.length} from ${shown(file)}.`);
    if (movedToDotenv.length > 0) {
      lines.push(`Moved ${movedToDotenv.join(', ')} out of the config into .env (mode 0600); keep .env private.`);
    }
  }
  const required = result.variables.filter((v) => v.required).map((v) => v.name);
  const inDir = (command: string) =>
    resolve(result.dir) === process.cwd() ? command : `cd ${shown(result.dir)} && ${command}`;
  lines.push('', 'Next:');
  if (required.length > 0) lines.push(`  set ${required.join(', ')} (cp .env.example .env, then fill it in)`);
  lines.push(`  ${inDir('localmcp servers list')}   # does every server start?`, `  ${inDir('localmcp serve')}`);
  return lines.join('\n');
}
