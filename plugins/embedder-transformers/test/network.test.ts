import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import test from 'ava';
import type { ExecutionContext } from 'ava';
import { env } from '@huggingface/transformers';
import { isPluginError } from '@localmcp/plugin-api';
import { loadEmbedder } from './helpers/load.js';
import { removeModelFolders, tempFolder, writeModelFolder } from './helpers/model-folder.js';

// transformers.js fetches through `env.fetch` (utils/hub.js); these tests replace it, and `env.remoteHost`, which
// are global to the process: so every test here is serial, and each restores what it changed.
test.after.always(removeModelFolders);

const MODEL = 'Xenova/all-MiniLM-L6-v2';

/** Counts every fetch transformers.js or anything else in the process makes, refusing them unless `pass`. */
function watchFetch(t: ExecutionContext, { pass = false } = {}): string[] {
  const seen: string[] = [];
  const original = { envFetch: env.fetch, globalFetch: globalThis.fetch };
  const spy = (target: (input: string | URL, init?: unknown) => Promise<unknown>) =>
    (async (input: string | URL | Request, init?: unknown) => {
      seen.push(String(input instanceof Request ? input.url : input));
      if (!pass) throw new Error(`network access in a test: ${String(input)}`);
      return target(input as string, init);
    }) as typeof fetch;
  env.fetch = spy(original.envFetch);
  globalThis.fetch = spy(original.globalFetch as never);
  t.teardown(() => {
    env.fetch = original.envFetch;
    globalThis.fetch = original.globalFetch;
  });
  return seen;
}

test.serial('allowRemote false: a model that is not local fails in create, and nothing is fetched', async (t) => {
  const fetched = watchFetch(t);
  const cacheDir = await tempFolder();
  const error = await t.throwsAsync(loadEmbedder({ cacheDir }));
  t.true(isPluginError(error));
  t.like(error, { plugin: 'embedder:transformers', hook: 'create' });
  t.true(error!.message.includes(`looked in ${join(env.localModelPath, MODEL)} and ${join(cacheDir, MODEL)}`));
  t.regex(error!.message, /and allowRemote is false, so nothing is downloaded; put config\.json, tokenizer\.json/);
  t.regex(error!.message, /set the option modelPath to it, or set allowRemote: true to download it once$/);
  t.deepEqual(fetched, []);
});

test.serial('allowRemote false: loading and embedding from local folders fetches nothing', async (t) => {
  const fetched = watchFetch(t);
  const fromPath = await loadEmbedder({ modelPath: await writeModelFolder() });
  // Without modelPath the model is found by its id under the cache folder, where a download would have put it.
  const cacheDir = await tempFolder();
  await writeModelFolder({ into: join(cacheDir, MODEL) });
  const fromCache = await loadEmbedder({ cacheDir });
  t.teardown(() => Promise.all([fromPath.close?.(), fromCache.close?.()]));
  t.is(fromCache.id, fromPath.id);
  t.deepEqual(await fromCache.embed(['open issues']), await fromPath.embed(['open issues']));
  t.deepEqual(fetched, []);
});

/** A loopback stand-in for the Hugging Face Hub, serving one model folder at `/<model>/resolve/main/<file>`. */
async function fakeHub(t: ExecutionContext, folder: string) {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://hub').pathname);
    requests.push(path);
    const prefix = `/${MODEL}/resolve/main/`;
    const file = path.startsWith(prefix) ? join(folder, path.slice(prefix.length)) : undefined;
    if (!file || !existsSync(file)) {
      res.writeHead(404).end('Entry not found');
      return;
    }
    readFile(file).then(
      (body) => res.writeHead(200, { 'content-length': body.length }).end(body),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const original = env.remoteHost;
  env.remoteHost = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  t.teardown(() => {
    env.remoteHost = original;
  });
  return requests;
}

test.serial('allowRemote true downloads into cacheDir once; then the model loads offline', async (t) => {
  const requests = await fakeHub(t, await writeModelFolder());
  const fetched = watchFetch(t, { pass: true });
  const cacheDir = await tempFolder();
  const downloaded = await loadEmbedder({ cacheDir, allowRemote: true });
  t.teardown(() => downloaded.close?.());
  for (const file of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model_quantized.onnx']) {
    t.true(requests.includes(`/${MODEL}/resolve/main/${file}`), `${file} was requested`);
    t.true(existsSync(join(cacheDir, MODEL, file)), `${file} is in the cache folder`);
  }
  t.true(fetched.length > 0);

  const before = requests.length;
  const offline = await loadEmbedder({ cacheDir });
  t.teardown(() => offline.close?.());
  t.is(requests.length, before, 'nothing fetched the second time');
  t.deepEqual(await offline.embed(['read file']), await downloaded.embed(['read file']));
});

test.serial('allowRemote true with the hub unreachable fails in create, naming the model', async (t) => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  const original = env.remoteHost;
  env.remoteHost = `http://127.0.0.1:${port}/`;
  t.teardown(() => {
    env.remoteHost = original;
  });
  const error = await t.throwsAsync(loadEmbedder({ cacheDir: await tempFolder(), allowRemote: true }));
  t.true(isPluginError(error));
  t.true(
    error!.message.startsWith(
      `[plugin embedder:transformers] create: could not load model ${MODEL} from ${env.remoteHost} (allowRemote): ` +
        'fetch failed (ECONNREFUSED); without network access, put config.json',
    ),
    error!.message,
  );
});
