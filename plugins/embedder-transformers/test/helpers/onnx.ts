import { ProtoMessage } from './protobuf.js';

/**
 * A tiny ONNX model with the interface of a BERT encoder as transformers.js exports it (inputs `input_ids`,
 * `attention_mask`, `token_type_ids`, all int64 [batch, sequence]; output `last_hidden_state` float
 * [batch, sequence, hidden]), so the plugin loads it through exactly the code path of Xenova/all-MiniLM-L6-v2.
 *
 * Instead of attention layers it looks each token up in a table whose rows are pseudo-random but derived from the
 * token id alone: a token has the same vector wherever it appears, so after mean pooling, texts that share tokens
 * have a higher cosine than texts that do not, and a test can compute the expected embedding by hand.
 *
 * Field numbers are those of onnx/onnx.proto (ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto,
 * ValueInfoProto, TypeProto, TensorShapeProto, OperatorSetIdProto).
 */

// TensorProto.DataType
const FLOAT = 1;
const UINT8 = 2;
const INT64 = 7;
// AttributeProto.AttributeType
const ATTRIBUTE_INT = 2;

function tensor(name: string, dataType: number, dims: readonly number[], raw: Uint8Array): ProtoMessage {
  return new ProtoMessage().packedInts(1, dims).int(2, dataType).string(8, name).bytes(9, raw);
}

function valueInfo(name: string, elemType: number, shape: ReadonlyArray<number | string>): ProtoMessage {
  const dims = new ProtoMessage();
  for (const dim of shape) {
    dims.message(1, typeof dim === 'number' ? new ProtoMessage().int(1, dim) : new ProtoMessage().string(2, dim));
  }
  const tensorType = new ProtoMessage().int(1, elemType).message(2, dims);
  return new ProtoMessage().string(1, name).message(2, new ProtoMessage().message(1, tensorType));
}

function node(
  opType: string,
  inputs: readonly string[],
  outputs: readonly string[],
  intAttributes: Record<string, number> = {},
): ProtoMessage {
  const message = new ProtoMessage();
  for (const input of inputs) message.string(1, input);
  for (const output of outputs) message.string(2, output);
  message.string(3, `${opType}_${outputs[0]}`).string(4, opType);
  for (const [name, value] of Object.entries(intAttributes)) {
    message.message(5, new ProtoMessage().string(1, name).int(3, value).int(20, ATTRIBUTE_INT));
  }
  return message;
}

function bytesOf(array: Float32Array | BigInt64Array): Uint8Array {
  // ONNX raw_data is little-endian, as are the typed arrays of every platform Node runs on.
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

/** A deterministic value in [-1, 1) for (token, column): a 32-bit integer hash (lowbias32), no state. */
function tableValue(seed: number, token: number, column: number): number {
  let x = (Math.imul(token, 0x9e3779b1) ^ Math.imul(column + 1, 0x85ebca6b) ^ seed) >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return (x >>> 0) / 2 ** 31 - 1;
}

/** What to build. */
export interface TokenEmbeddingModelSpec {
  /** Rows of the token table: the tokenizer's vocabulary size. */
  vocabSize: number;
  /** The vector length (`hidden_size`). */
  hidden: number;
  /** Store the table as uint8 with a DequantizeLinear node, as `model_quantized.onnx` files do. */
  quantized: boolean;
  /** Changes every row: two seeds are two different models. */
  seed?: number;
  /** The output's name; anything but `last_hidden_state` makes a model transformers.js cannot pool. */
  outputName?: string;
}

/** A built model: the `.onnx` file and the vector it outputs for each token before pooling. */
export interface TokenEmbeddingModel {
  readonly spec: TokenEmbeddingModelSpec;
  readonly onnx: Uint8Array;
  /** The row of `token` exactly as the model computes it (dequantized when quantized). */
  row(token: number): Float32Array;
}

// Per-tensor uint8 quantization of values in [-1, 1): q = round(v / scale) + 128.
const QUANT_SCALE = 1 / 127;
const QUANT_ZERO_POINT = 128;

/** Builds the ONNX model described in this file's comment. */
export function buildTokenEmbeddingModel(spec: TokenEmbeddingModelSpec): TokenEmbeddingModel {
  const { vocabSize, hidden, quantized, seed = 0x5eed, outputName = 'last_hidden_state' } = spec;
  const table = new Float32Array(vocabSize * hidden);
  const quantizedTable = new Uint8Array(vocabSize * hidden);
  for (let token = 0; token < vocabSize; token++) {
    for (let column = 0; column < hidden; column++) {
      const value = tableValue(seed, token, column);
      const q = Math.min(255, Math.max(0, Math.round(value / QUANT_SCALE) + QUANT_ZERO_POINT));
      quantizedTable[token * hidden + column] = q;
      // What DequantizeLinear computes: (q - zero_point) * scale, in float32.
      table[token * hidden + column] = quantized
        ? Math.fround((q - QUANT_ZERO_POINT) * Math.fround(QUANT_SCALE))
        : value;
    }
  }
  // Segment A (type 0, every single-text input) adds nothing; segment B adds 1 to every column.
  const typeTable = new Float32Array(2 * hidden).fill(1, hidden);

  const graph = new ProtoMessage();
  const nodes: ProtoMessage[] = [];
  const initializers: ProtoMessage[] = [];
  if (quantized) {
    initializers.push(
      tensor('word_embeddings_quantized', UINT8, [vocabSize, hidden], quantizedTable),
      tensor('word_embeddings_scale', FLOAT, [], bytesOf(Float32Array.of(QUANT_SCALE))),
      tensor('word_embeddings_zero_point', UINT8, [], Uint8Array.of(QUANT_ZERO_POINT)),
    );
    nodes.push(
      node(
        'DequantizeLinear',
        ['word_embeddings_quantized', 'word_embeddings_scale', 'word_embeddings_zero_point'],
        ['word_embeddings'],
      ),
    );
  } else {
    initializers.push(tensor('word_embeddings', FLOAT, [vocabSize, hidden], bytesOf(table)));
  }
  initializers.push(
    tensor('token_type_embeddings', FLOAT, [2, hidden], bytesOf(typeTable)),
    tensor('unsqueeze_axes', INT64, [1], bytesOf(BigInt64Array.of(2n))),
  );
  nodes.push(
    node('Gather', ['word_embeddings', 'input_ids'], ['token_vectors'], { axis: 0 }),
    node('Gather', ['token_type_embeddings', 'token_type_ids'], ['type_vectors'], { axis: 0 }),
    node('Add', ['token_vectors', 'type_vectors'], ['embeddings']),
    node('Cast', ['attention_mask'], ['mask_float'], { to: FLOAT }),
    node('Unsqueeze', ['mask_float', 'unsqueeze_axes'], ['mask']),
    // Padding positions come out as zeros, as they would not from a real encoder; pooling ignores them anyway.
    node('Mul', ['embeddings', 'mask'], [outputName]),
  );
  for (const n of nodes) graph.message(1, n);
  graph.string(2, 'token_embedding_lookup');
  for (const init of initializers) graph.message(5, init);
  for (const input of ['input_ids', 'attention_mask', 'token_type_ids']) {
    graph.message(11, valueInfo(input, INT64, ['batch_size', 'sequence_length']));
  }
  graph.message(12, valueInfo(outputName, FLOAT, ['batch_size', 'sequence_length', hidden]));

  const model = new ProtoMessage()
    .int(1, 8) // ir_version 8 (ONNX 1.10+), well inside what onnxruntime 1.x reads
    .string(2, 'localmcp-test')
    .message(7, graph)
    .message(8, new ProtoMessage().string(1, '').int(2, 17)); // default domain, opset 17
  return {
    spec,
    onnx: model.finish(),
    row: (token) => table.slice(token * hidden, (token + 1) * hidden),
  };
}
