/** The last few KiB of an upstream's stderr, kept to explain why a server is down. */
export class StderrTail {
  private text = '';

  constructor(private readonly maxChars = 8192) {}

  push(chunk: string): void {
    this.text += chunk;
    if (this.text.length > this.maxChars * 2) this.text = this.text.slice(-this.maxChars);
  }

  /** The last `lines` lines (default 20). */
  lines(lines = 20): string[] {
    const all = this.text.slice(-this.maxChars).split('\n');
    if (all.at(-1) === '') all.pop();
    return all.slice(-lines);
  }

  clear(): void {
    this.text = '';
  }
}
