import type { Tool } from '@modelcontextprotocol/sdk/types.js';

/** The names of the discovery meta-tools; never namespaced, so a client can rely on them. */
export const META_TOOL_NAMES = ['search_tools', 'call_tool', 'list_servers'] as const;
export type MetaToolName = (typeof META_TOOL_NAMES)[number];

export function isMetaTool(name: string): name is MetaToolName {
  return (META_TOOL_NAMES as readonly string[]).includes(name);
}

// The descriptions are read by models: say what the tool is for, when to use it, and show one call.
export const META_TOOLS: Tool[] = [
  {
    name: 'search_tools',
    title: 'Search tools',
    description: [
      'Find the tools that can do a task. This gateway connects many MCP servers; rather than loading every tool,',
      'describe the action you need in plain words and get the few best matches, ranked, each with its name,',
      'server, description, inputSchema, score and why it matched. Then run one with call_tool.',
      'Describe the action and its object ("create an issue in a GitHub repository", "read a local file").',
      'Use `server` to search one server (names from list_servers).',
      'Example: {"query": "send a message to a Slack channel", "limit": 5}',
    ].join(' '),
    inputSchema: {
      type: 'object',
      properties: {
        query: { type: 'string', description: 'What you want to do, in plain words.' },
        server: {
          description: 'Only tools of this server (or these servers), as named by list_servers.',
          anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
        },
        limit: { type: 'integer', minimum: 1, description: 'How many tools to return (default 5).' },
      },
      required: ['query'],
    },
    annotations: { readOnlyHint: true, openWorldHint: false },
  },
  {
    name: 'call_tool',
    title: 'Call a tool',
    description: [
      'Run a tool found with search_tools, by its exact name, with arguments that match its inputSchema.',
      'The arguments are checked before anything runs; if they do not fit, you get the list of problems and the',
      'schema, so fix them and call again.',
      'Example: {"name": "github__create_issue", "arguments": {"owner": "octocat", "repo": "hello", "title": "Bug"}}',
    ].join(' '),
    inputSchema: {
      type: 'object',
      properties: {
        name: { type: 'string', description: 'The tool name exactly as search_tools returned it.' },
        arguments: { type: 'object', description: "The tool's arguments, matching its inputSchema." },
      },
      required: ['name'],
    },
  },
  {
    name: 'list_servers',
    title: 'List servers',
    description: [
      'List the MCP servers behind this gateway: name, a one-line summary, tool count and state.',
      'Use it to get an overview, or to pick a `server` filter for search_tools.',
      'Example: {}',
    ].join(' '),
    inputSchema: { type: 'object', properties: {} },
    annotations: { readOnlyHint: true, openWorldHint: false },
  },
];
