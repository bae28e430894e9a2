import { env, pipeline } from '@huggingface/transformers';
import type { FeatureExtractionPipeline, Tensor } from '@huggingface/transformers';
import { ErrorCodes, PluginError, errorMessage, isPluginError } from '@localmcp/plugin-api';
import type { Embedder, HookOptions, PluginContext } from '@localmcp/plugin-api';
import { howToProvide, locateModel } from './model-files.js';
import type { ModelSource } from './model-files.js';
import type { TransformersEmbedderOptions } from './options.js';

/**
 * The embedder id for these options: `transformers:<model>`, then `:quantized` for 8-bit weights, then `:cls` and
 * `:unnormalized` when pooling or normalisation differ from the defaults. Everything that changes the vectors is in
 * it, since the gateway re-embeds when the id changes.
 */
export function transformersEmbedderId(
  options: Pick<TransformersEmbedderOptions, 'model' | 'quantized' | 'pooling' | 'normalize'>,
): string {
  return [
    'transformers',
    options.model,
    ...(options.quantized ? ['quantized'] : []),
    ...(options.pooling === 'mean' ? [] : [options.pooling]),
    ...(options.normalize ? [] : ['unnormalized']),
  ].join(':');
}

/** Throws the reason of the first aborted signal: callers see their own abort reason, as fetch() does. */
function throwIfAborted(signals: ReadonlyArray<AbortSignal | undefined>): void {
  for (const signal of signals) signal?.throwIfAborted();
}

/** A sentence embedder running a transformers.js feature-extraction pipeline on onnxruntime-node (CPU). */
export class TransformersEmbedder implements Embedder {
  readonly id: string;
  readonly dimensions: number;
  readonly #extractor: FeatureExtractionPipeline;
  readonly #options: TransformersEmbedderOptions;
  readonly #ctx: PluginContext;
  // Model runs go one at a time: onnxruntime already spreads one run over the cores.
  #tail: Promise<unknown> = Promise.resolve();
  readonly #inFlight = new Set<Promise<unknown>>();
  #closing: Promise<void> | undefined;

  /** Use {@link createTransformersEmbedder}, which finds and loads the model and measures its vectors. */
  constructor(
    extractor: FeatureExtractionPipeline,
    dimensions: number,
    options: TransformersEmbedderOptions,
    ctx: PluginContext,
  ) {
    this.id = transformersEmbedderId(options);
    this.dimensions = dimensions;
    this.#extractor = extractor;
    this.#options = options;
    this.#ctx = ctx;
  }

  /**
   * One vector per text, in order, `batchSize` texts per model run. The signal (and the gateway's shutdown signal)
   * is checked before every batch; a batch already running finishes, since onnxruntime cannot stop a run.
   */
  async embed(texts: string[], options: HookOptions = {}): Promise<Float32Array[]> {
    if (this.#closing) throw this.#error('embed', 'the embedder is closed');
    const call = this.#embedBatches(texts, [options.signal, this.#ctx.signal]);
    this.#inFlight.add(call);
    try {
      return await call;
    } finally {
      this.#inFlight.delete(call);
    }
  }

  /**
   * Lets the calls already started finish (the gateway aborts their signals first when it shuts down, so they stop
   * at their next batch), then releases the onnxruntime session. Calling it again is harmless.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await Promise.allSettled([...this.#inFlight]);
      await this.#extractor.dispose();
    })();
    return this.#closing;
  }

  async #embedBatches(texts: string[], signals: ReadonlyArray<AbortSignal | undefined>): Promise<Float32Array[]> {
    const vectors: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += this.#options.batchSize) {
      throwIfAborted(signals);
      const batch = texts.slice(start, start + this.#options.batchSize);
      vectors.push(
        ...(await this.#serially(() => {
          throwIfAborted(signals); // it may have waited behind another caller's batch
          return this.#run(batch);
        })),
      );
    }
    return vectors;
  }

  #serially<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(task);
    this.#tail = result.catch(() => undefined);
    return result;
  }

  async #run(batch: string[]): Promise<Float32Array[]> {
    const started = performance.now();
    let output: Tensor;
    try {
      output = await this.#extractor(batch, { pooling: this.#options.pooling, normalize: this.#options.normalize });
    } catch (error) {
      throw this.#error('embed', `the model failed on a batch of ${batch.length}: ${errorMessage(error)}`, error);
    }
    try {
      const [rows, width] = output.dims;
      if (output.dims.length !== 2 || rows !== batch.length || width !== this.dimensions) {
        throw this.#error(
          'embed',
          `the model returned vectors of shape [${output.dims.join(', ')}], expected [${batch.length}, ${this.dimensions}]`,
        );
      }
      const data =
        output.data instanceof Float32Array ? output.data : Float32Array.from(output.data as ArrayLike<number>);
      this.#ctx.metrics.increment('texts_embedded', undefined, batch.length);
      this.#ctx.metrics.observe('batch_ms', performance.now() - started);
      return batch.map((_, i) => data.slice(i * width, (i + 1) * width));
    } finally {
      output.dispose();
    }
  }

  #error(hook: string, message: string, cause?: unknown): PluginError {
    return new PluginError(ErrorCodes.PLUGIN_HOOK_FAILED, this.#ctx.id, hook, message, { cause });
  }
}

async function loadPipeline(source: ModelSource, options: TransformersEmbedderOptions, ctx: PluginContext) {
  try {
    return await pipeline('feature-extraction', source.pathOrId, {
      dtype: options.quantized ? 'q8' : 'fp32',
      device: 'cpu',
      // Per call rather than `env.allowRemoteModels = false`: env is global to the process, shared with any other
      // transformers.js user in it. With local_files_only transformers.js never fetches (utils/hub.js).
      local_files_only: source.localFilesOnly,
      ...(source.cacheDir === undefined ? {} : { cache_dir: source.cacheDir }),
    });
  } catch (error) {
    const where = source.localFilesOnly ? source.pathOrId : `${env.remoteHost} (allowRemote)`;
    const hint = source.localFilesOnly ? '' : `; without network access, ${howToProvide(options)}`;
    throw new PluginError(
      ErrorCodes.PLUGIN_HOOK_FAILED,
      ctx.id,
      'create',
      `could not load model ${options.model} from ${where}: ${describe(error)}${hint}`,
      { cause: error },
    );
  }
}

/** An error's message, with the system error code of its cause when it has one (`fetch failed (ECONNREFUSED)`). */
function describe(error: unknown): string {
  const code = (error as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  return typeof code === 'string' ? `${errorMessage(error)} (${code})` : errorMessage(error);
}

/**
 * The vector length, from one probe run rather than `hidden_size` in config.json: the run also proves at start-up
 * that the model loads, runs and gives one vector per text, instead of at the first search.
 */
async function vectorLength(
  extractor: FeatureExtractionPipeline,
  options: TransformersEmbedderOptions,
  ctx: PluginContext,
): Promise<number> {
  let probe: Tensor;
  try {
    probe = await extractor(['dimension probe'], { pooling: options.pooling, normalize: options.normalize });
  } catch (error) {
    const reason =
      'the model failed on a first text (a feature-extraction model outputs last_hidden_state ' +
      `[batch, tokens, hidden]): ${errorMessage(error)}`;
    throw new PluginError(ErrorCodes.PLUGIN_HOOK_FAILED, ctx.id, 'create', reason, { cause: error });
  }
  try {
    const [rows, width = 0] = probe.dims;
    if (probe.dims.length !== 2 || rows !== 1 || width < 1) {
      const reason = `the model gives output of shape [${probe.dims.join(', ')}] for one text, not one vector`;
      throw new PluginError(ErrorCodes.PLUGIN_HOOK_FAILED, ctx.id, 'create', reason);
    }
    return width;
  } finally {
    probe.dispose();
  }
}

/**
 * Loads the model and returns the embedder. Fails with a PluginError (hook `create`) when the model is not there:
 * no download happens unless `allowRemote` is set.
 */
export async function createTransformersEmbedder(
  options: TransformersEmbedderOptions,
  ctx: PluginContext,
): Promise<TransformersEmbedder> {
  const started = performance.now();
  const source = await locateModel(options, ctx.id);
  ctx.signal.throwIfAborted();
  const extractor = await loadPipeline(source, options, ctx);
  try {
    const dimensions = await vectorLength(extractor, options, ctx);
    const embedder = new TransformersEmbedder(extractor, dimensions, options, ctx);
    ctx.logger.info(
      {
        model: options.model,
        from: source.pathOrId,
        id: embedder.id,
        dimensions,
        loadMs: Math.round(performance.now() - started),
      },
      'embedding model loaded',
    );
    return embedder;
  } catch (error) {
    await extractor.dispose().catch(() => undefined);
    throw isPluginError(error)
      ? error
      : new PluginError(ErrorCodes.PLUGIN_HOOK_FAILED, ctx.id, 'create', errorMessage(error), { cause: error });
  }
}
