import { Args, Flags } from '@oclif/core';
import { ErrorCodes, isLocalmcpError } from '@localmcp/plugin-api';
import { BaseCommand, ExitCodes } from '../../base-command.js';
import { withUpstreams } from '../../inspect.js';
import type { Gateway } from '../../../server/index.js';

/** What a tool call answers (MCP `CallToolResult`), as the gateway's discovery service returns it. */
type CallToolResult = Awaited<ReturnType<Gateway['discovery']['callTool']>>;
type Outcome = { result: CallToolResult } | { error: unknown } | { unavailable: string };

/** One content block as a line of text: text as it is, anything else summarised. */
function describeBlock(block: CallToolResult['content'][number]): string {
  switch (block.type) {
    case 'text':
      return block.text;
    case 'image':
    case 'audio':
      return `[${block.type} ${block.mimeType}, ${Math.round((block.data.length * 3) / 4)} bytes]`;
    case 'resource_link':
      return `[resource link ${block.uri}${block.name ? ` (${block.name})` : ''}]`;
    case 'resource':
      return 'text' in block.resource ? block.resource.text : `[resource ${block.resource.uri}]`;
    default:
      return `[${(block as { type: string }).type}]`;
  }
}

/** `--arg key=value`: the value as JSON when it parses (numbers, booleans, objects), else the string itself. */
function parseArg(pair: string): [string, unknown] {
  const equals = pair.indexOf('=');
  if (equals <= 0) throw new Error(`--arg ${pair}: expected key=value`);
  const raw = pair.slice(equals + 1);
  try {
    return [pair.slice(0, equals), JSON.parse(raw) as unknown];
  } catch {
    return [pair.slice(0, equals), raw];
  }
}

export default class ToolsCall extends BaseCommand<typeof ToolsCall> {
  static override summary = 'Call one tool of the configured upstreams, its arguments checked against its schema.';
  static override description =
    "Starts the configured upstreams (as `tools list` does), checks the arguments against the tool's inputSchema, calls it once through the gateway's router and prints the result: text content as text, other content summarised; --json prints the whole result. Exit codes: 0 answered, 1 the tool answered with isError or the call failed, 2 bad arguments or an unknown tool, 3 its server is unavailable.";
  static override examples = [
    '<%= config.bin %> tools call toolbox__calculate --arg expression="(2 + 3) * 4"',
    '<%= config.bin %> tools call notes__add_note --args \'{"title": "Groceries", "body": "milk, eggs"}\'',
    '<%= config.bin %> tools call toolbox__uuid --json',
  ];
  static override enableJsonFlag = true;
  static override args = {
    name: Args.string({ required: true, description: 'The tool as clients see it (`<server>__<tool>`).' }),
  };
  static override flags = {
    args: Flags.string({ char: 'a', summary: 'The arguments as one JSON object.', default: '{}' }),
    arg: Flags.string({
      summary: 'One argument as key=value (the value read as JSON when it parses); repeatable, wins over --args.',
      multiple: true,
    }),
  };

  async run(): Promise<CallToolResult> {
    const { args } = await this.parse(ToolsCall);
    const toolArgs = this.toolArguments();
    const setup = await this.setup();
    const outcome = await withUpstreams(setup, async (gateway): Promise<Outcome> => {
      const entry = gateway.catalog.resolveTool(args.name);
      // A server that did not start has no tools in the catalog: name it rather than call the tool unknown.
      const server = gateway.upstreams
        .statuses()
        .find((s) =>
          entry ? s.name === entry.server : args.name.startsWith(`${s.namespace}${setup.config.gateway.separator}`),
        );
      if (server && server.state !== 'ready') {
        return {
          unavailable: `server "${server.name}" is ${server.state}; run \`localmcp servers list\` for its error`,
        };
      }
      try {
        const result = await gateway.discovery.callTool(args.name, toolArgs, 'all', { principal: 'cli' });
        return { result };
      } catch (error) {
        return { error };
      }
    });
    if ('unavailable' in outcome) this.error(outcome.unavailable, { exit: ExitCodes.UNAVAILABLE });
    if ('error' in outcome) {
      const { error } = outcome;
      const usage =
        isLocalmcpError(error) &&
        (error.code === ErrorCodes.INVALID_ARGUMENTS || error.code === ErrorCodes.TOOL_NOT_FOUND);
      this.fail(error, usage ? ExitCodes.CONFIG : ExitCodes.ERROR);
    }
    const { result } = outcome;
    if (!this.jsonEnabled()) {
      for (const block of result.content ?? []) this.log(describeBlock(block));
      if (result.structuredContent !== undefined && (result.content ?? []).length === 0) {
        this.log(JSON.stringify(result.structuredContent, null, 2));
      }
    }
    if (result.isError) {
      if (!this.jsonEnabled()) this.logToStderr(`${args.name} answered with an error (isError)`);
      process.exitCode = ExitCodes.ERROR;
    }
    return result;
  }

  /** `--args` merged with every `--arg`; anything else than a JSON object is a usage error (exit 2). */
  private toolArguments(): Record<string, unknown> {
    let base: unknown;
    try {
      base = JSON.parse(this.flags.args);
    } catch (error) {
      this.error(`--args is not JSON: ${(error as Error).message}`, { exit: ExitCodes.CONFIG });
    }
    if (typeof base !== 'object' || base === null || Array.isArray(base)) {
      this.error('--args must be a JSON object, e.g. \'{"path": "notes.txt"}\'', { exit: ExitCodes.CONFIG });
    }
    try {
      return { ...(base as Record<string, unknown>), ...Object.fromEntries((this.flags.arg ?? []).map(parseArg)) };
    } catch (error) {
      this.error((error as Error).message, { exit: ExitCodes.CONFIG });
    }
  }
}
