import type { z } from 'zod';
import { formatPath } from './format-issues.js';

/** The input with keys the schema does not know removed, and one warning per removed key. */
export interface StrippedInput {
  value: unknown;
  warnings: string[];
}

// The parts of a zod 4 schema definition this walk reads. Wrappers (optional, default, ...) hold `innerType`,
// a pipe (preprocess, transform) holds its input side in `in`.
interface SchemaDef {
  type: string;
  shape?: Record<string, z.ZodType>;
  valueType?: z.ZodType;
  element?: z.ZodType;
  innerType?: z.ZodType;
  in?: z.ZodType;
}

const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional']);

function defOf(schema: z.ZodType): SchemaDef {
  return schema.def as unknown as SchemaDef;
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (;;) {
    const def = defOf(current);
    if (WRAPPERS.has(def.type) && def.innerType) current = def.innerType;
    else if (def.type === 'pipe' && def.in) current = def.in;
    else return current;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Removes keys the schema does not declare, walking objects, records and arrays in step with the schema.
 *
 * The files we read are shared with other clients (Claude Desktop's `preferences`, Cline's `autoApprove`,
 * VS Code's `inputs`), so an unknown key is expected and must not fail the load; zod's strict objects would
 * fail, and its default stripping would drop keys without telling anyone about a typo like `comand`.
 * Stripping before interpolation also means a `${...}` inside a key we ignore can never raise an error.
 * Values of the wrong type are left alone for validation to report.
 */
export function stripUnknownKeys(schema: z.ZodType, value: unknown, path: PropertyKey[] = []): StrippedInput {
  const warnings: string[] = [];
  const walk = (s: z.ZodType, v: unknown, at: PropertyKey[]): unknown => {
    const def = defOf(unwrap(s));
    if (def.type === 'object' && def.shape && isPlainObject(v)) {
      const out: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(v)) {
        const childSchema = Object.hasOwn(def.shape, key) ? def.shape[key] : undefined;
        if (childSchema === undefined) warnings.push(`unknown key "${formatPath([...at, key])}" ignored`);
        else out[key] = walk(childSchema, child, [...at, key]);
      }
      return out;
    }
    if (def.type === 'record' && def.valueType && isPlainObject(v)) {
      const valueType = def.valueType;
      return Object.fromEntries(Object.entries(v).map(([key, child]) => [key, walk(valueType, child, [...at, key])]));
    }
    if (def.type === 'array' && def.element && Array.isArray(v)) {
      const element = def.element;
      return v.map((child, index) => walk(element, child, [...at, index]));
    }
    return v;
  };
  return { value: walk(schema, value, path), warnings };
}
