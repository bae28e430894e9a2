// A tool's inputSchema (JSON Schema, as MCP servers send it) as form fields, and the fields' values back as the
// call's arguments. Scalars get their own inputs; arrays, objects and unions are edited as JSON.

/** What an input holds: text, or a number (or null when empty) for number inputs. */
export type FieldValue = string | number | null | undefined;

export type FieldKind = 'string' | 'enum' | 'number' | 'integer' | 'boolean' | 'json';

export interface Field {
  name: string;
  kind: FieldKind;
  required: boolean;
  description?: string;
  options?: string[];
  /** The initial text of the input (`true`/`false` for booleans). */
  initial: string;
  minimum?: number;
  maximum?: number;
}

interface PropertySchema {
  type?: string | string[];
  enum?: unknown[];
  description?: string;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  title?: string;
}

/** The fields of an object schema; undefined when it has no `properties` (edit the whole arguments as JSON). */
export function fieldsOf(schema: Record<string, unknown>): Field[] | undefined {
  const properties = schema.properties as Record<string, PropertySchema> | undefined;
  if (!properties || typeof properties !== 'object' || Object.keys(properties).length === 0) return undefined;
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  return Object.entries(properties).map(([name, property]) => {
    const types = (Array.isArray(property.type) ? property.type : [property.type]).filter((t) => t && t !== 'null');
    const type = types.length === 1 ? types[0] : undefined;
    const kind: FieldKind =
      Array.isArray(property.enum) && property.enum.every((v) => typeof v === 'string')
        ? 'enum'
        : type === 'string' || type === 'number' || type === 'integer' || type === 'boolean'
          ? type
          : 'json';
    const fallback = kind === 'boolean' ? 'false' : '';
    return {
      name,
      kind,
      required: required.has(name),
      ...((property.description ?? property.title) ? { description: property.description ?? property.title } : {}),
      ...(kind === 'enum' ? { options: property.enum as string[] } : {}),
      ...(property.minimum === undefined ? {} : { minimum: property.minimum }),
      ...(property.maximum === undefined ? {} : { maximum: property.maximum }),
      initial:
        property.default === undefined
          ? fallback
          : kind === 'json'
            ? JSON.stringify(property.default)
            : String(property.default),
    };
  });
}

/**
 * The arguments from the fields' texts, or the problems that keep them from being sent. Empty optional fields are
 * left out; the gateway checks the rest against the schema (its answer lists what is still wrong).
 */
export function argumentsOf(
  fields: Field[],
  values: Record<string, FieldValue>,
): { args: Record<string, unknown> } | { problems: string[] } {
  const args: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const field of fields) {
    // A number input bound with bind:value holds a number (or null when empty), the others text.
    const value = values[field.name];
    const text = value === null || value === undefined ? '' : String(value);
    if (field.kind === 'boolean') {
      args[field.name] = text === 'true';
      continue;
    }
    if (text.trim() === '') {
      if (field.required) problems.push(`${field.name} is required`);
      continue;
    }
    if (field.kind === 'number' || field.kind === 'integer') {
      const number = Number(text);
      if (!Number.isFinite(number) || (field.kind === 'integer' && !Number.isInteger(number))) {
        problems.push(`${field.name} must be ${field.kind === 'integer' ? 'an integer' : 'a number'}`);
      } else args[field.name] = number;
    } else if (field.kind === 'json') {
      try {
        args[field.name] = JSON.parse(text);
      } catch {
        problems.push(`${field.name} is not valid JSON`);
      }
    } else args[field.name] = text;
  }
  return problems.length > 0 ? { problems } : { args };
}
