// The `toolbox` demo upstream: small stateless utilities (time, arithmetic, randomness) that a model
// genuinely cannot do reliably on its own, so the demo shows why tools behind a gateway are useful.
// Run as a stdio child process by the gateway (see ./index.ts); stdout carries only protocol.
import { randomUUID } from 'node:crypto';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { evaluate } from './calculator.js';
import { failure, json, runStdio, text } from './demo-runtime.js';
import { describeInstant, parseTime } from './time-zones.js';

// readOnlyHint: nothing here changes the world. idempotentHint false marks results that differ per call
// (clock, randomness): a caching gateway must not serve them from cache.
const PURE = { readOnlyHint: true, idempotentHint: true, openWorldHint: false } as const;
const VOLATILE = { readOnlyHint: true, idempotentHint: false, openWorldHint: false } as const;

function createToolboxServer(): McpServer {
  const server = new McpServer({ name: 'toolbox', version: '1.0.0' });

  server.registerTool(
    'current_time',
    {
      description: 'Current date and time in a time zone (ISO instant, local wall-clock time and offset).',
      inputSchema: { timezone: z.string().default('UTC').describe('IANA time zone, e.g. Europe/Paris') },
      annotations: { title: 'Current time', ...VOLATILE },
    },
    ({ timezone }) => attempt(() => json(describeInstant(new Date(), timezone))),
  );

  server.registerTool(
    'convert_time',
    {
      description:
        'Convert a time between time zones. A time without offset (2025-01-31T09:00) is read in from_timezone; ' +
        'one with an offset (…Z, …+02:00) is an exact instant.',
      inputSchema: {
        time: z.string().describe('ISO 8601 time'),
        from_timezone: z.string().default('UTC').describe('IANA zone the time is given in'),
        to_timezone: z.string().describe('IANA zone to convert to'),
      },
      annotations: { title: 'Convert time', ...PURE },
    },
    ({ time, from_timezone, to_timezone }) =>
      attempt(() => {
        const instant = parseTime(time, from_timezone);
        return json({ from: describeInstant(instant, from_timezone), to: describeInstant(instant, to_timezone) });
      }),
  );

  server.registerTool(
    'calculate',
    {
      description:
        'Evaluate arithmetic exactly: + - * / % ^ (right-associative power), parentheses, unary minus, ' +
        'and sqrt, abs, round, floor, ceil, min, max, pi, e. Example: (2 + 3) * sqrt(16) ^ 2',
      inputSchema: { expression: z.string().describe('The expression to evaluate') },
      annotations: { title: 'Calculate', ...PURE },
    },
    // 12 significant digits hide binary floating-point noise: 0.1 + 0.2 answers 0.3, not 0.30000000000000004.
    ({ expression }) => attempt(() => text(String(Number(evaluate(expression).toPrecision(12))))),
  );

  server.registerTool(
    'random_number',
    {
      description: 'A random number between min and max (inclusive when integer is true).',
      inputSchema: {
        min: z.number().describe('Lower bound'),
        max: z.number().describe('Upper bound'),
        integer: z.boolean().default(false).describe('Return a whole number'),
      },
      annotations: { title: 'Random number', ...VOLATILE },
    },
    ({ min, max, integer }) => {
      if (min > max) return failure(`min (${min}) must not be greater than max (${max})`);
      if (!integer) return text(String(min + Math.random() * (max - min)));
      const low = Math.ceil(min);
      const high = Math.floor(max);
      if (low > high) return failure(`there is no integer between ${min} and ${max}`);
      return text(String(low + Math.floor(Math.random() * (high - low + 1))));
    },
  );

  server.registerTool(
    'uuid',
    { description: 'A new random UUID (version 4).', annotations: { title: 'UUID', ...VOLATILE } },
    () => text(randomUUID()),
  );

  server.registerPrompt(
    'explain_calculation',
    {
      title: 'Explain a calculation',
      description: 'Ask the model to explain, step by step, how an arithmetic expression is evaluated.',
      argsSchema: { expression: z.string().describe('The expression to explain') },
    },
    ({ expression }) => {
      let outcome: string;
      try {
        outcome = `The calculate tool evaluates it to ${evaluate(expression)}.`;
      } catch (error) {
        outcome = `The calculate tool rejects it: ${(error as Error).message}.`;
      }
      return {
        messages: [
          {
            role: 'user',
            content: {
              type: 'text',
              text:
                `Explain step by step how to evaluate \`${expression}\`, following operator precedence ` +
                `(^ binds tightest and is right-associative, then * / %, then + -). ${outcome}`,
            },
          },
        ],
      };
    },
  );

  return server;
}

// Expected failures (bad zone, parse error) become tool results the model can read and correct.
function attempt(run: () => CallToolResult): CallToolResult {
  try {
    return run();
  } catch (error) {
    return failure((error as Error).message);
  }
}

await runStdio(createToolboxServer());
