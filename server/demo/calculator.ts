// A small arithmetic evaluator for the toolbox demo's `calculate` tool.
// A hand-written recursive-descent parser rather than eval/Function: the input comes from a model or a
// user, and anything that executes JavaScript would turn a calculator into a remote-code-execution hole.
//
// Grammar (lowest to highest precedence):
//   expression := term (('+' | '-') term)*
//   term       := unary (('*' | '/' | '%') unary)*
//   unary      := ('-' | '+') unary | power
//   power      := primary ('^' unary)?        right-associative; -2^2 is -(2^2) as in mathematics
//   primary    := number | name | name '(' expression (',' expression)* ')' | '(' expression ')'

/** Thrown for any input that cannot be evaluated; `position` is 1-based, counted in characters. */
export class CalculationError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(`${message} at position ${position}`);
    this.name = 'CalculationError';
  }
}

type MathFunction = { arity: [number, number]; apply: (...xs: number[]) => number };

// Maps, not object literals: a lookup of `constructor` or `toString` in a literal finds Object.prototype.
const CONSTANTS = new Map([
  ['pi', Math.PI],
  ['e', Math.E],
]);

// Arity is [min, max]; checked so `sqrt(1, 2)` is an error instead of silently ignoring an argument.
const FUNCTIONS = new Map<string, MathFunction>([
  ['sqrt', { arity: [1, 1], apply: (x) => Math.sqrt(x) }],
  ['abs', { arity: [1, 1], apply: (x) => Math.abs(x) }],
  ['round', { arity: [1, 1], apply: (x) => Math.round(x) }],
  ['floor', { arity: [1, 1], apply: (x) => Math.floor(x) }],
  ['ceil', { arity: [1, 1], apply: (x) => Math.ceil(x) }],
  ['min', { arity: [1, Infinity], apply: (...xs) => Math.min(...xs) }],
  ['max', { arity: [1, Infinity], apply: (...xs) => Math.max(...xs) }],
]);

const NUMBER = /\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?/y;
const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;

/** Evaluates an arithmetic expression; throws a `CalculationError` naming the position of the problem. */
export function evaluate(expression: string): number {
  const parser = new Parser(expression);
  const value = parser.parse();
  if (!Number.isFinite(value)) throw new CalculationError('result is not a finite number', 1);
  return value;
}

class Parser {
  private pos = 0;

  constructor(private readonly src: string) {}

  parse(): number {
    this.skipSpace();
    if (this.pos >= this.src.length) throw this.error('empty expression');
    const value = this.expression();
    if (this.pos < this.src.length) throw this.error(`unexpected '${this.src[this.pos]}'`);
    return value;
  }

  private expression(): number {
    let value = this.term();
    for (let op = this.peek(); op === '+' || op === '-'; op = this.peek()) {
      this.advance();
      const right = this.term();
      value = op === '+' ? value + right : value - right;
    }
    return value;
  }

  private term(): number {
    let value = this.unary();
    for (let op = this.peek(); op === '*' || op === '/' || op === '%'; op = this.peek()) {
      const at = this.pos;
      this.advance();
      const right = this.unary();
      if (op === '*') value *= right;
      else if (right === 0) throw new CalculationError(op === '/' ? 'division by zero' : 'modulo by zero', at + 1);
      else value = op === '/' ? value / right : value % right;
    }
    return value;
  }

  private unary(): number {
    const op = this.peek();
    if (op === '-' || op === '+') {
      this.advance();
      const value = this.unary();
      return op === '-' ? -value : value;
    }
    return this.power();
  }

  private power(): number {
    const base = this.primary();
    if (this.peek() !== '^') return base;
    this.advance();
    // The exponent is parsed as `unary`, which recurses back into `power`: that makes 2^3^2 = 2^(3^2).
    return base ** this.unary();
  }

  private primary(): number {
    const start = this.pos;
    if (this.peek() === '(') {
      this.advance();
      const value = this.expression();
      this.expect(')');
      return value;
    }
    const number = this.match(NUMBER);
    if (number !== undefined) return Number(number);
    const name = this.match(NAME);
    if (name === undefined) {
      throw this.error(
        this.pos >= this.src.length ? 'unexpected end of expression' : `unexpected '${this.src[this.pos]}'`,
      );
    }
    const fn = FUNCTIONS.get(name.toLowerCase());
    if (fn && this.peek() === '(') return this.call(name, fn, start);
    const constant = CONSTANTS.get(name.toLowerCase());
    if (constant !== undefined) return constant;
    throw new CalculationError(fn ? `function '${name}' needs parentheses` : `unknown name '${name}'`, start + 1);
  }

  private call(name: string, fn: MathFunction, start: number): number {
    this.expect('(');
    const args = [this.expression()];
    while (this.peek() === ',') {
      this.advance();
      args.push(this.expression());
    }
    this.expect(')');
    const [min, max] = fn.arity;
    if (args.length < min || args.length > max) {
      throw new CalculationError(
        `${name} takes ${min === max ? min : `at least ${min}`} argument(s), got ${args.length}`,
        start + 1,
      );
    }
    if (name.toLowerCase() === 'sqrt' && args[0]! < 0)
      throw new CalculationError('sqrt of a negative number', start + 1);
    return fn.apply(...args);
  }

  private match(pattern: RegExp): string | undefined {
    pattern.lastIndex = this.pos;
    const found = pattern.exec(this.src)?.[0];
    if (found !== undefined) {
      this.pos += found.length;
      this.skipSpace();
    }
    return found;
  }

  private expect(char: string): void {
    if (this.peek() !== char) throw this.error(`expected '${char}'`);
    this.advance();
  }

  private peek(): string | undefined {
    return this.src[this.pos];
  }

  private advance(): void {
    this.pos++;
    this.skipSpace();
  }

  private skipSpace(): void {
    while (this.pos < this.src.length && /\s/.test(this.src[this.pos]!)) this.pos++;
  }

  private error(message: string): CalculationError {
    return new CalculationError(message, this.pos + 1);
  }
}
