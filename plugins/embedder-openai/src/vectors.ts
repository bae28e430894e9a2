/**
 * Turns one `embedding` field of an answer into a vector: a base64 string of little-endian float32 values (what
 * `encoding_format: "base64"` asks for) or an array of numbers (`"float"`, and what some compatible servers send
 * whatever was asked). Returns a reason instead when it is neither.
 */
export function decodeEmbedding(value: unknown): Float32Array | string {
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'base64');
    if (bytes.length === 0 || bytes.length % 4 !== 0) return `a base64 embedding of ${bytes.length} bytes`;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const vector = new Float32Array(bytes.length / 4);
    for (let i = 0; i < vector.length; i++) vector[i] = view.getFloat32(i * 4, true);
    return vector;
  }
  if (Array.isArray(value) && value.length > 0 && value.every((x) => typeof x === 'number')) {
    return Float32Array.from(value as number[]);
  }
  return `an embedding of type ${Array.isArray(value) ? 'array' : typeof value}`;
}

/**
 * Scales a vector to length 1 in place (the gateway compares by dot product). OpenAI's vectors already are, but
 * other servers' often are not. A zero vector stays zero. Returns a reason instead for NaN or infinite values.
 */
export function normalizeInPlace(vector: Float32Array): Float32Array | string {
  let sum = 0;
  for (const x of vector) sum += x * x;
  if (!Number.isFinite(sum)) return 'an embedding with NaN or infinite values';
  if (sum > 0) {
    const scale = 1 / Math.sqrt(sum);
    for (let i = 0; i < vector.length; i++) vector[i]! *= scale;
  }
  return vector;
}
