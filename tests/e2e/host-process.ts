import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The workstation as a child process, without Playwright's test runner: the e2e fixture and
// the benchmarks both start it from here.

/** A workstation started exactly as `npm start` starts it, on its own data folder. */
export interface RunningWorkstation {
  /** The printed WORKSTATION_URL, with its secret. */
  url: string;
  origin: string;
  secret: string;
  sandboxUrl: string;
  dataDir: string;
  process: ChildProcess;
}

/**
 * Starts `node --import tsx <script> <args>` (no library configured in its environment) and
 * waits until its output has printed every line asked for; resolves with the first group of
 * each, in order, and a reader of everything it printed (stdout and stderr). Rejects with the
 * output so far if it exits first or takes over `timeoutMs`.
 */
export async function startScript(
  script: string,
  args: string[],
  lines: RegExp[],
  what: string,
  timeoutMs = 60_000,
): Promise<{ child: ChildProcess; values: string[]; output: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LIBRARY_URL: '' },
  });
  let output = '';
  const values = await new Promise<string[]>((resolve, reject) => {
    const timer = setTimeout(() => {
      // Not left running behind a failed test.
      child.kill('SIGTERM');
      reject(new Error(`${what} did not start in ${timeoutMs / 1000} s:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const found = lines.map((line) => line.exec(output)?.[1]);
      if (found.every((value) => value !== undefined)) {
        clearTimeout(timer);
        resolve(found as string[]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code}:\n${output}`));
    });
  });
  return { child, values, output: () => output };
}

/** Stops a process started by {@link startScript} and waits until it has exited. */
export async function stopScript(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/**
 * Starts `tsx electron/host/cli.ts --port 0 --data <tmp>` and waits for its two URL lines.
 * Without a `--hall` argument the workstation runs without a hall (`--hall off`): the embedded
 * hall's PostgreSQL takes seconds to start, and only the hall's own specs need it (they pass
 * `--hall embedded` or a hall's URL).
 */
export async function startWorkstation(extraArgs: string[] = [], timeoutMs = 60_000): Promise<RunningWorkstation> {
  const dataDir = mkdtempSync(join(tmpdir(), 'workstation-e2e-'));
  const hall = extraArgs.includes('--hall') ? [] : ['--hall', 'off'];
  const { child, values } = await startScript(
    'electron/host/cli.ts',
    ['--port', '0', '--data', dataDir, ...hall, ...extraArgs],
    [/^WORKSTATION_URL=(\S+)$/m, /^SANDBOX_URL=(\S+)$/m],
    'workstation',
    timeoutMs,
  );
  const [url, sandboxUrl] = values as [string, string];
  const parsed = new URL(url);
  return { url, origin: parsed.origin, secret: parsed.searchParams.get('key') ?? '', sandboxUrl, dataDir, process: child };
}

/** Stops a workstation and removes its data folder. */
export async function stopWorkstation(ws: RunningWorkstation): Promise<void> {
  await stopScript(ws.process);
  rmSync(ws.dataDir, { recursive: true, force: true });
}
