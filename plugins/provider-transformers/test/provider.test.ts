import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { createTestContext, instantiatePlugin, isPluginError, pluginId } from '@localmcp/plugin-api';
import plugin, { ToolCallTextFilter, TransformersProviderOptionsSchema, parseHermesToolCalls } from '../src/index.js';

// The real tokenizer files of all-MiniLM-L6-v2 (no weights): see /work/shared/models/README.md. Referenced, not copied.
const TOKENIZER_ONLY = '/work/shared/models/all-MiniLM-L6-v2-tokenizer';

const load = (options: unknown) =>
  instantiatePlugin(plugin, 'provider', options, createTestContext('provider:transformers'));

test('options: modelPath is required, unknown keys and dtypes are refused, defaults apply', (t) => {
  t.is(pluginId(plugin), 'provider:transformers');
  const missing = TransformersProviderOptionsSchema.safeParse({});
  t.false(missing.success);
  t.regex(missing.error!.issues[0]!.message, /modelPath is required/);
  t.false(TransformersProviderOptionsSchema.safeParse({ modelPath: '/m', allowRemote: true }).success, 'no downloads');
  t.false(TransformersProviderOptionsSchema.safeParse({ modelPath: '/m', dtype: 'int3' }).success);
  t.deepEqual(TransformersProviderOptionsSchema.parse({ modelPath: '/m' }), {
    modelPath: '/m',
    dtype: 'q4',
    defaultMaxTokens: 512,
    contextWindow: 8192,
  });
});

test('a missing model folder is a clear error at create, naming the folder; nothing is fetched', async (t) => {
  const error = await t.throwsAsync(load({ modelPath: '/nonexistent/qwen2.5-0.5b' }));
  t.true(isPluginError(error));
  t.regex(
    error!.message,
    /^\[plugin provider:transformers\] create: the model folder \/nonexistent\/qwen2\.5-0\.5b \(modelPath\) does not exist; .*never downloads/,
  );
});

test('a folder without weights lists exactly what is missing', async (t) => {
  const error = await t.throwsAsync(load({ modelPath: TOKENIZER_ONLY, dtype: 'q8' }));
  t.is(
    error!.message,
    `[plugin provider:transformers] create: the model folder ${TOKENIZER_ONLY} lacks onnx/model_quantized.onnx ` +
      '(dtype q8 reads onnx/model_quantized.onnx); this plugin never downloads, so copy the files there',
  );
  const dir = await mkdtemp(join(tmpdir(), 'localmcp-provider-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'config.json'), '{}');
  const partial = await t.throwsAsync(load({ modelPath: dir }));
  t.regex(partial!.message, /lacks tokenizer\.json, tokenizer_config\.json, onnx\/model_q4\.onnx/);
  const file = await t.throwsAsync(load({ modelPath: join(dir, 'config.json') }));
  t.regex(file!.message, /is a file; it must be the folder/);
});

test('Hermes tool calls are parsed out of the text; broken ones stay text', (t) => {
  const { content, toolCalls } = parseHermesToolCalls(
    'Let me look.\n<tool_call>\n{"name": "search_tools", "arguments": {"query": "time in Tokyo"}}\n</tool_call>\n' +
      '<tool_call>{"name": "list_servers", "arguments": "{}"}</tool_call><tool_call>{oops}</tool_call>',
  );
  t.is(content, 'Let me look.\n\n<tool_call>{oops}</tool_call>');
  t.deepEqual(
    toolCalls.map(({ name, arguments: args }) => ({ name, args })),
    [
      { name: 'search_tools', args: { query: 'time in Tokyo' } },
      { name: 'list_servers', args: {} },
    ],
  );
  t.true(toolCalls.every((c) => /^call_[0-9a-f]{8}$/.test(c.id)));
});

test('streamed text hides tool-call markup, even split across pieces', (t) => {
  const filter = new ToolCallTextFilter();
  const pieces = ['Sure', ', one moment <', 'tool_', 'call>{"name":', '"x"}</tool', '_call> done', ' <b>ok</b>'];
  const shown = pieces.map((p) => filter.push(p)).join('') + filter.flush();
  t.is(shown, 'Sure, one moment  done <b>ok</b>');
});
