import { execFileSync, spawn } from 'node:child_process';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { dirname } from 'node:path';
import { headlines, type Headline } from './all-headlines.js';

/** One suite of `bench all`: a `localmcp bench <command>` run with `--json` in its own process. */
export interface SuitePlan {
  /** Shown in the table and the report; unique in a run (`retrieval-8k`). */
  name: string;
  /** The bench command it runs (`retrieval`): what its report looks like. */
  kind: string;
  /** The bench subcommand and its arguments (without --json). */
  argv: string[];
  /** Rough duration in seconds on the development machine, for the progress bar. */
  expectSeconds: number;
  /** Set when the suite cannot run here (its command or its data is missing). */
  skip?: string;
}

export interface SuiteResult {
  name: string;
  command: string;
  kind: string;
  status: 'ok' | 'skipped' | 'failed';
  /** Why it was skipped or how it failed. */
  note?: string;
  seconds: number;
  /** The suite's own `--json` report. */
  report?: unknown;
  headlines: Headline[];
}

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGb: number;
  node: string;
  os: string;
  /** 1, 5 and 15 minute load averages when the run started and when it ended. */
  loadBefore: number[];
  loadAfter: number[];
  commit?: string;
}

export interface AllBenchReport {
  startedAt: string;
  seconds: number;
  machine: MachineInfo;
  suites: SuiteResult[];
}

export interface AllBenchOptions {
  cliPath: string;
  suites: SuitePlan[];
  /** Called often: the suite running, its elapsed seconds, and the whole run's estimated fraction done. */
  onProgress?: (suite: string, elapsedSeconds: number, fraction: number) => void;
}

/**
 * Runs every suite one after another, each as its own `localmcp bench <suite> --json` process (so no suite
 * inherits another's JIT or heap), and collects their reports. A suite that fails is reported with its error;
 * the others still run.
 */
export async function benchAll(options: AllBenchOptions): Promise<AllBenchReport> {
  const started = Date.now();
  const loadBefore = roundLoad();
  const total = options.suites.reduce((sum, s) => sum + (s.skip ? 0 : s.expectSeconds), 0) || 1;
  let doneWeight = 0;
  const suites: SuiteResult[] = [];
  for (const plan of options.suites) {
    const command = `localmcp bench ${plan.argv.join(' ')}`;
    if (plan.skip) {
      suites.push({
        name: plan.name,
        kind: plan.kind,
        command,
        status: 'skipped',
        note: plan.skip,
        seconds: 0,
        headlines: [],
      });
      continue;
    }
    const t0 = Date.now();
    const tick = setInterval(() => {
      const elapsed = (Date.now() - t0) / 1000;
      // Within a suite, progress is estimated from its usual duration, never shown as done before it is.
      const within = Math.min(0.95, elapsed / plan.expectSeconds) * plan.expectSeconds;
      options.onProgress?.(plan.name, elapsed, (doneWeight + within) / total);
    }, 250);
    try {
      const report = await runJson(options.cliPath, plan.argv);
      suites.push({
        name: plan.name,
        kind: plan.kind,
        command,
        status: 'ok',
        seconds: (Date.now() - t0) / 1000,
        report,
        headlines: headlines(plan.kind, report),
      });
    } catch (error) {
      const note = error instanceof Error ? error.message : String(error);
      suites.push({
        name: plan.name,
        kind: plan.kind,
        command,
        status: 'failed',
        note,
        seconds: (Date.now() - t0) / 1000,
        headlines: [],
      });
    } finally {
      clearInterval(tick);
    }
    doneWeight += plan.expectSeconds;
    options.onProgress?.(plan.name, (Date.now() - t0) / 1000, doneWeight / total);
  }
  return {
    startedAt: new Date(started).toISOString(),
    seconds: (Date.now() - started) / 1000,
    machine: machineInfo(loadBefore, dirname(options.cliPath)),
    suites,
  };
}

/** `localmcp bench <argv> --json` as a child process; resolves with its parsed stdout. */
function runJson(cliPath: string, argv: string[]): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, 'bench', ...argv, '--json'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`exited with ${code}: ${lastLines(stderr || stdout)}`));
      try {
        resolve(JSON.parse(stdout));
      } catch {
        reject(new Error(`printed no JSON report: ${lastLines(stdout)}`));
      }
    });
  });
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-3).join(' | ').slice(0, 500);
}

function roundLoad(): number[] {
  return loadavg().map((n) => Math.round(n * 100) / 100);
}

function machineInfo(loadBefore: number[], cwd: string): MachineInfo {
  let commit: string | undefined;
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd, encoding: 'utf8', stdio: 'pipe' }).trim();
  } catch {
    // Not a git checkout (an installed package): no commit to show.
  }
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    os: `${process.platform} ${release()}`,
    loadBefore,
    loadAfter: roundLoad(),
    ...(commit ? { commit } : {}),
  };
}
