import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';

/** What `count_words` returns. */
export interface WordCount {
  words: number;
  characters: number;
  lines: number;
}

/** The tool's logic, apart from MCP so it can be tested (and reused) on its own. */
export function countWords(text: string): WordCount {
  return {
    words: text.match(/[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu)?.length ?? 0,
    characters: [...text].length,
    lines: text === '' ? 0 : text.split(/\r\n|\r|\n/).length,
  };
}

/**
 * The `{{name}}` MCP server and its tools. Each tool has a zod input schema (clients see it as JSON Schema), an
 * output schema for its structured result, and annotations that tell clients (and localmcp's cache: read-only
 * tools are cached) what it does.
 */
export function createServer(): McpServer {
  const server = new McpServer({ name: '{{name}}', version: '0.1.0' });

  server.registerTool(
    'count_words',
    {
      title: 'Count words',
      description: 'Count the words, characters and lines of a text.',
      inputSchema: { text: z.string().describe('The text to count') },
      outputSchema: { words: z.number().int(), characters: z.number().int(), lines: z.number().int() },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ text }) => {
      const counts = countWords(text);
      return { content: [{ type: 'text', text: JSON.stringify(counts) }], structuredContent: { ...counts } };
    },
  );

  return server;
}
