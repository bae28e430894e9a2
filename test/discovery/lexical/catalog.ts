// A small hand-made catalog for the engine's tests: a few servers of different kinds, one described in Chinese.
import type { ToolDocument } from '@localmcp/plugin-api';

const github = (name: string, description: string, properties: Record<string, unknown> = {}): ToolDocument => ({
  id: `github__${name}`,
  name,
  server: 'github',
  serverDescription: 'GitHub issues, pull requests and repositories',
  description,
  inputSchema: { type: 'object', properties },
});

const filesystem = (name: string, description: string): ToolDocument => ({
  id: `filesystem__${name}`,
  name,
  server: 'filesystem',
  serverDescription: 'Read and write files on the local disk',
  description,
  inputSchema: { type: 'object', properties: { path: { type: 'string', description: 'Path of the file' } } },
});

export const CATALOG: ToolDocument[] = [
  github('create_issue', 'Create a new issue in a GitHub repository.', {
    owner: { type: 'string' },
    repo: { type: 'string' },
    title: { type: 'string', description: 'Issue title' },
  }),
  github('list_issues', 'List issues of a repository, optionally filtered by state.'),
  github('get_file_contents', 'Get the contents of a file or directory from a repository.'),
  github('create_pull_request', 'Open a new pull request from a branch.'),
  filesystem('read_file', 'Read the complete contents of a file.'),
  filesystem('write_file', 'Create a new file or overwrite an existing one with new content.'),
  filesystem('list_directory', 'List the entries of a directory.'),
  {
    id: 'weather__get_forecast',
    name: 'get_forecast',
    server: 'weather',
    serverDescription: 'Weather forecasts',
    description: 'Weather forecast for a city for the next days.',
    inputSchema: {
      type: 'object',
      properties: {
        city: { type: 'string', description: 'City name' },
        options: {
          type: 'object',
          properties: { units: { type: 'string', description: 'metric or imperial temperature units' } },
        },
      },
    },
  },
  {
    id: 'bing__bing_search',
    name: 'bing_search',
    server: 'bing',
    serverDescription: '中文必应搜索工具',
    description: '使用必应搜索指定的关键词，并返回搜索结果列表',
    inputSchema: { type: 'object', properties: { query: { type: 'string', description: '搜索关键词' } } },
  },
  {
    id: 'notes__add_note',
    name: 'add_note',
    server: 'notes',
    description: 'Add a note with a title and a body.',
  },
];

/** Ids of hits, in order. */
export const ids = (hits: ReadonlyArray<{ id: string }>) => hits.map((h) => h.id);
