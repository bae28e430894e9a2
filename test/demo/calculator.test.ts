// The toolbox calculator's parser, tested directly: precedence, associativity and error positions are
// easier to pin down here than through an MCP round trip (toolbox-server.test.ts covers the tool).
import test from 'ava';
import { CalculationError, evaluate } from '../../server/demo/calculator.js';

const cases: Array<[string, number]> = [
  ['1 + 2 * 3', 7],
  ['(1 + 2) * 3', 9],
  ['10 - 4 - 3', 3], // left-associative
  ['100 / 10 / 5', 2],
  ['2^3^2', 512], // right-associative: 2^(3^2)
  ['(2^3)^2', 64],
  ['-2^2', -4], // unary minus binds looser than ^, as in mathematics
  ['2^-1', 0.5],
  ['--3', 3],
  ['-(1 + 2) * +4', -12],
  ['7 % 4', 3],
  ['.5 + 1.25', 1.75],
  ['1.5e3', 1500],
  ['sqrt(16) + abs(-3)', 7],
  ['round(2.5) + floor(2.9) + ceil(2.1)', 8],
  ['min(4, 2, 8) * max(1, 3)', 6],
  ['  2 *\t( 3 + 4 )  ', 14],
  ['PI', Math.PI],
  ['e^1', Math.E],
];

for (const [expression, expected] of cases) {
  test(`evaluates ${expression.trim()}`, (t) => {
    t.is(evaluate(expression), expected);
  });
}

const errors: Array<[string, RegExp, number]> = [
  ['1 / 0', /division by zero/, 3],
  ['5 % (2 - 2)', /modulo by zero/, 3],
  ['2 +', /unexpected end of expression/, 4],
  ['(1 + 2', /expected '\)'/, 7],
  ['1 + 2)', /unexpected '\)'/, 6],
  ['2 $ 3', /unexpected '\$'/, 3],
  ['foo(1)', /unknown name 'foo'/, 1],
  ['1 + sqrt 4', /function 'sqrt' needs parentheses/, 5],
  ['sqrt(1, 2)', /sqrt takes 1 argument/, 1],
  ['max()', /unexpected '\)'/, 5],
  ['sqrt(-4)', /sqrt of a negative number/, 1],
  ['2e', /unexpected 'e'/, 2],
  ['', /empty expression/, 1],
  ['10^400', /not a finite number/, 1],
];

for (const [expression, message, position] of errors) {
  test(`rejects '${expression}' at position ${position}`, (t) => {
    const error = t.throws(() => evaluate(expression), { instanceOf: CalculationError, message });
    t.is(error?.position, position);
    t.regex(error?.message ?? '', new RegExp(`at position ${position}$`));
  });
}

test('never runs JavaScript: code-like input is a parse error', (t) => {
  t.throws(() => evaluate('process.exit(1)'), { message: /unknown name 'process'|unexpected '\.'/ });
  t.throws(() => evaluate('constructor'), { message: /unknown name 'constructor'/ });
});
