/**
 * Just enough of the protobuf wire format to write an ONNX model: varints, fixed32, length-delimited fields and
 * packed repeated varints. Written here rather than adding a protobuf library: the tests need to encode a handful
 * of messages and never decode one. https://protobuf.dev/programming-guides/encoding/
 */

const WIRE_VARINT = 0;
const WIRE_LENGTH_DELIMITED = 2;
const WIRE_FIXED32 = 5;

const encoder = new TextEncoder();

function varint(value: number | bigint): number[] {
  // int64 fields carry negatives as their 64-bit two's complement: ten bytes on the wire.
  let rest = BigInt.asUintN(64, BigInt(value));
  const bytes: number[] = [];
  do {
    const low = Number(rest & 0x7fn);
    rest >>= 7n;
    bytes.push(rest === 0n ? low : low | 0x80);
  } while (rest !== 0n);
  return bytes;
}

/** One protobuf message being written; fields go out in the order they are added. */
export class ProtoMessage {
  readonly #parts: Uint8Array[] = [];

  #tag(field: number, wireType: number): void {
    this.#parts.push(Uint8Array.from(varint((field << 3) | wireType)));
  }

  /** An int32, int64 or enum field. */
  int(field: number, value: number | bigint): this {
    this.#tag(field, WIRE_VARINT);
    this.#parts.push(Uint8Array.from(varint(value)));
    return this;
  }

  /** A float field. */
  float(field: number, value: number): this {
    this.#tag(field, WIRE_FIXED32);
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    this.#parts.push(bytes);
    return this;
  }

  /** A bytes field. */
  bytes(field: number, value: Uint8Array): this {
    this.#tag(field, WIRE_LENGTH_DELIMITED);
    this.#parts.push(Uint8Array.from(varint(value.length)), value);
    return this;
  }

  /** A string field (UTF-8). */
  string(field: number, value: string): this {
    return this.bytes(field, encoder.encode(value));
  }

  /** An embedded message field. */
  message(field: number, value: ProtoMessage): this {
    return this.bytes(field, value.finish());
  }

  /** A packed repeated int32/int64 field. */
  packedInts(field: number, values: ReadonlyArray<number | bigint>): this {
    return this.bytes(field, Uint8Array.from(values.flatMap((v) => varint(v))));
  }

  /** The encoded message. */
  finish(): Uint8Array {
    const out = new Uint8Array(this.#parts.reduce((n, p) => n + p.length, 0));
    let offset = 0;
    for (const part of this.#parts) {
      out.set(part, offset);
      offset += part.length;
    }
    return out;
  }
}
