// The progress bar: drawn in place on a terminal, silent elsewhere, cleared at the end.
import test from 'ava';
import { progressBar } from '../../server/bench/retrieval-progress.js';

test('on a terminal the bar is redrawn when the percentage changes and cleared when done', (t) => {
  const writes: string[] = [];
  const progress = progressBar({ isTTY: true, write: (s) => writes.push(s) }, 'searching', 10);
  progress(1, 4);
  progress(1, 4); // same percentage: not redrawn
  progress(2, 4);
  t.deepEqual(writes, ['\rsearching [###.......]  25% 1/4', '\rsearching [#####.....]  50% 2/4']);
  progress(4, 4);
  t.regex(writes.at(-1)!, /^\r +\r$/);
});

test('off a terminal nothing is drawn', (t) => {
  const writes: string[] = [];
  const progress = progressBar({ isTTY: false, write: (s) => writes.push(s) }, 'searching');
  progress(1, 2);
  progress(2, 2);
  t.deepEqual(writes, []);
});
