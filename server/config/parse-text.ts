import { ErrorCodes, LocalmcpError } from '@localmcp/plugin-api';
import { parse as parseYaml, YAMLParseError } from 'yaml';

/**
 * Parses a config file's text: `.json` as JSON, anything else as YAML. An empty file is an empty config.
 * A syntax error is CONFIG_PARSE_FAILED naming the file, line and column.
 */
export function parseConfigText(file: string, text: string): unknown {
  const value = file.toLowerCase().endsWith('.json') ? parseJson(file, text) : parseYamlText(file, text);
  return value ?? {};
}

function parseYamlText(file: string, text: string): unknown {
  try {
    // `merge` allows `<<: *defaults` so several servers can share one block.
    return parseYaml(text, { merge: true });
  } catch (error) {
    if (!(error instanceof YAMLParseError)) throw error;
    const position = error.linePos?.[0];
    // yaml's message already says "at line L, column C" and shows the offending line.
    throw new LocalmcpError(ErrorCodes.CONFIG_PARSE_FAILED, `Cannot parse ${file}: ${error.message}`, {
      cause: error,
      data: { file, line: position?.line, column: position?.col },
    });
  }
}

function parseJson(file: string, text: string): unknown {
  // VS Code's mcp.json is JSONC (comments, trailing commas), so those are blanked out first. Blanking keeps
  // every other character at its offset, so error positions still point into the original text.
  const json = stripJsonc(text);
  if (json.trim() === '') return {};
  try {
    return JSON.parse(json);
  } catch (error) {
    const message = (error as Error).message;
    let offset = jsonErrorOffset(json, error);
    let reason = message.replace(/ at position \d+.*$/s, '').replace(/ in JSON$/, '');
    if (message.startsWith('Unexpected token')) {
      // V8 quotes the whole document here and points past a bad word (`tru`); name the word instead.
      const word = wordAround(json, offset);
      offset = word.start;
      reason = `Unexpected ${JSON.stringify(word.text)}`;
    }
    const { line, column } = lineAndColumn(text, offset);
    throw new LocalmcpError(
      ErrorCodes.CONFIG_PARSE_FAILED,
      `Cannot parse ${file}: ${reason} at line ${line}, column ${column}`,
      { cause: error, data: { file, line, column } },
    );
  }
}

// V8 reports "at position N" for most JSON errors but not for "Unexpected token" ones. For those, the shortest
// prefix whose error is not about running out of input ends at the bad character.
function jsonErrorOffset(json: string, error: unknown): number {
  const match = /at position (\d+)/.exec((error as Error).message);
  if (match) return Number(match[1]);
  const failsInside = (prefix: string): boolean => {
    try {
      JSON.parse(prefix);
      return false;
    } catch (e) {
      const message = (e as Error).message;
      const at = /at position (\d+)/.exec(message);
      return !/end of JSON input/.test(message) && !(at && Number(at[1]) >= prefix.length);
    }
  };
  let low = 0;
  let high = json.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (failsInside(json.slice(0, mid + 1))) high = mid;
    else low = mid + 1;
  }
  return Math.min(low, Math.max(json.length - 1, 0));
}

const DELIMITER = /[\s{}[\],:"]/;

// The run of non-delimiter characters at `offset`, or ending just before it; else the character itself.
function wordAround(json: string, offset: number): { start: number; text: string } {
  const isDelimiter = (i: number) => DELIMITER.test(json[i] ?? ' ');
  let end = offset;
  if (isDelimiter(end) && end > 0 && !isDelimiter(end - 1)) end--; // V8 stopped just past the word
  if (isDelimiter(end)) return { start: offset, text: json[offset] ?? '' };
  let start = end;
  while (start > 0 && !isDelimiter(start - 1)) start--;
  while (end < json.length && !isDelimiter(end)) end++;
  return { start, text: json.slice(start, end) };
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/** Replaces `//` and `/* *\/` comments and trailing commas with spaces, leaving strings and offsets intact. */
export function stripJsonc(text: string): string {
  const out = text.split('');
  let inString = false;
  const blank = (from: number, to: number) => {
    for (let j = from; j < to; j++) if (out[j] !== '\n' && out[j] !== '\r') out[j] = ' ';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '/' && text[i + 1] === '/') {
      const end = text.indexOf('\n', i);
      blank(i, end === -1 ? text.length : end);
      i = end === -1 ? text.length : end;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end === -1) break; // left for JSON.parse to report
      blank(i, end + 2);
      i = end + 1;
    } else if (c === ',') {
      const next = nextSignificant(text, i + 1);
      if (next === '}' || next === ']') out[i] = ' ';
    }
  }
  return out.join('');
}

const endOf = (found: number, length: number, skip: number): number => (found === -1 ? length : found + skip);

// The next character from `from` that is neither whitespace nor inside a comment.
function nextSignificant(text: string, from: number): string | undefined {
  let i = from;
  while (i < text.length) {
    const c = text[i];
    if (c !== undefined && /\s/.test(c)) i++;
    else if (text.startsWith('//', i)) i = endOf(text.indexOf('\n', i), text.length, 0);
    else if (text.startsWith('/*', i)) i = endOf(text.indexOf('*/', i + 2), text.length, 2);
    else return c;
  }
  return undefined;
}
