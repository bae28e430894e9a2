// The questions `localmcp init` asks on a terminal. Each takes the streams to use, so tests can answer them.
import { checkbox, confirm, input, select } from '@inquirer/prompts';
import { PLUGIN_KINDS, type PluginKind } from '@localmcp/plugin-api';
import type { CatalogEntry } from './catalog.js';
import type { ClientConfigFile } from './client-configs.js';

/** Where prompts read keys and draw: the terminal by default. */
export interface PromptStreams {
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
}

/** True when the user ended a prompt with Ctrl-C (inquirer's ExitPromptError), which is a cancel, not a failure. */
export function isPromptCancel(error: unknown): boolean {
  return error instanceof Error && error.name === 'ExitPromptError';
}

/**
 * Asks where the servers come from (a client config found on this machine, if any), then which well-known
 * servers to add: the catalog's defaults are preselected unless a config is imported.
 */
export async function askProject(
  catalog: readonly CatalogEntry[],
  found: readonly ClientConfigFile[],
  streams: PromptStreams = {},
): Promise<{ servers: string[]; importFile?: string }> {
  let importFile: string | undefined;
  if (found.length > 0) {
    importFile = await select<string | undefined>(
      {
        message: 'Start from',
        choices: [
          ...found.map((c) => ({
            name: `the servers of ${c.label}`,
            short: c.label,
            value: c.file,
            description: c.file,
          })),
          { name: 'a list of well-known MCP servers', value: undefined },
        ],
      },
      streams,
    );
  }
  const servers = await checkbox(
    {
      message: importFile ? 'Add well-known servers too' : 'MCP servers to put behind localmcp',
      choices: catalog.map((entry) => ({
        name: `${entry.id.padEnd(20)} ${entry.description}`,
        short: entry.id, // what the answer line shows once picked
        value: entry.id,
        checked: importFile === undefined && entry.default,
        ...(entry.needs ? { description: `needs ${entry.needs}` } : {}),
      })),
      pageSize: Math.min(catalog.length, 12),
    },
    streams,
  );
  return { servers, ...(importFile ? { importFile } : {}) };
}

/** Whether to overwrite a file that exists. */
export function askOverwrite(file: string, streams: PromptStreams = {}): Promise<boolean> {
  return confirm({ message: `${file} exists. Overwrite it?`, default: false }, streams);
}

const NAME = /^[a-z0-9][a-z0-9-]*$/;
const nameRule = (value: string) =>
  NAME.test(value) || 'lower-case letters, digits and dashes, starting with a letter or digit';

/** The kind and name of a new plugin, asking only for what the flags did not give. */
export async function askPlugin(
  given: { kind?: PluginKind; name?: string },
  streams: PromptStreams = {},
): Promise<{ kind: PluginKind; name: string }> {
  const kind =
    given.kind ??
    (await select<PluginKind>(
      {
        message: 'Plugin kind',
        choices: PLUGIN_KINDS.map((k) => ({ name: `${k.padEnd(9)} ${KIND_SUMMARY[k]}`, value: k })),
      },
      streams,
    ));
  const name =
    given.name ?? (await input({ message: 'Plugin name (its id is <kind>:<name>)', validate: nameRule }, streams));
  return { kind, name };
}

/** The name of a new MCP server. */
export function askServerName(streams: PromptStreams = {}): Promise<string> {
  return input({ message: 'Server name (its tools are published as <name>__<tool>)', validate: nameRule }, streams);
}

/** One line per plugin kind, for pickers and help. */
export const KIND_SUMMARY: Record<PluginKind, string> = {
  provider: 'a chat model API (chat, tool calls, streaming)',
  embedder: 'texts in, vectors out (tool discovery, the semantic cache)',
  search: 'a vector index for tool discovery',
  breaker: 'a resilience policy every upstream call passes',
};
