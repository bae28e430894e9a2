import { createHash } from 'node:crypto';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS; under NodeNext its default import is the module object.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** One problem with a tool call's arguments, as a model can act on it. */
export interface ArgumentProblem {
  path: string;
  message: string;
}

export type ValidationResult = { ok: true } | { ok: false; problems: ArgumentProblem[] };

/**
 * Checks tool arguments against the tool's JSON Schema before anything is sent upstream. Compiled validators are
 * cached by schema content, so a tool list refresh with unchanged schemas costs nothing. A schema ajv cannot
 * compile (upstreams publish odd ones) is not held against the call: the upstream will judge it.
 */
export class ArgumentValidator {
  private readonly ajv: Ajv;
  private readonly cache = new Map<string, ValidateFunction | null>();
  /** The same schema object (a catalog entry's) skips hashing its JSON on every call. */
  private readonly bySchema = new WeakMap<object, ValidateFunction | null>();

  constructor() {
    this.ajv = new Ajv({ allErrors: true, strict: false, validateSchema: false });
    addFormats(this.ajv);
  }

  validate(schema: Record<string, unknown> | undefined, args: unknown): ValidationResult {
    if (!schema) return { ok: true };
    const validate = this.compile(schema);
    if (!validate) return { ok: true };
    if (validate(args ?? {})) return { ok: true };
    return { ok: false, problems: (validate.errors ?? []).map(describe) };
  }

  /**
   * Compiles a schema ahead of its first call (predictive warming); true when it was not compiled yet. ajv's
   * compile is the costly part of a first call's check, milliseconds for a real tool's schema.
   */
  /** Whether `schema` (this object) has been compiled already, so checking arguments against it costs no compile. */
  isPrepared(schema: Record<string, unknown> | undefined): boolean {
    return schema === undefined || this.bySchema.has(schema);
  }

  prepare(schema: Record<string, unknown> | undefined): boolean {
    if (!schema || this.bySchema.has(schema)) return false;
    const before = this.cache.size;
    this.compile(schema);
    return this.cache.size > before;
  }

  private compile(schema: Record<string, unknown>): ValidateFunction | null {
    const known = this.bySchema.get(schema);
    if (known !== undefined) return known;
    const key = createHash('sha256').update(JSON.stringify(schema)).digest('base64url');
    let validate = this.cache.get(key);
    if (validate === undefined) {
      try {
        validate = this.ajv.compile(schema);
      } catch {
        validate = null;
      }
      if (this.cache.size > 5000) this.cache.clear();
      this.cache.set(key, validate);
    }
    this.bySchema.set(schema, validate);
    return validate;
  }
}

function describe(error: ErrorObject): ArgumentProblem {
  const at = `arguments${error.instancePath.replace(/\//g, '.')}`;
  switch (error.keyword) {
    case 'required':
      return { path: `${at}.${String(error.params.missingProperty)}`, message: 'is required' };
    case 'additionalProperties':
      return { path: `${at}.${String(error.params.additionalProperty)}`, message: 'is not an accepted argument' };
    case 'enum':
      return { path: at, message: `must be one of ${JSON.stringify(error.params.allowedValues)}` };
    default:
      return { path: at, message: error.message ?? 'is invalid' };
  }
}

/** The problems as lines for a model: `- arguments.path: is required`. */
export function formatProblems(problems: ArgumentProblem[]): string {
  return problems.map((p) => `- ${p.path}: ${p.message}`).join('\n');
}
