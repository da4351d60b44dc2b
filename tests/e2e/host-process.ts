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

/** Starts `tsx electron/host/cli.ts --port 0 --data <tmp>` and waits for its two URL lines. */
export async function startWorkstation(extraArgs: string[] = [], timeoutMs = 60_000): Promise<RunningWorkstation> {
  const dataDir = mkdtempSync(join(tmpdir(), 'workstation-e2e-'));
  const child = spawn(process.execPath, ['--import', 'tsx', 'electron/host/cli.ts', '--port', '0', '--data', dataDir, ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LIBRARY_URL: '' },
  });
  let output = '';
  const found = await new Promise<{ url: string; sandboxUrl: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`workstation did not start in ${timeoutMs / 1000} s:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /^WORKSTATION_URL=(\S+)$/m.exec(output)?.[1];
      const sandboxUrl = /^SANDBOX_URL=(\S+)$/m.exec(output)?.[1];
      if (url && sandboxUrl) {
        clearTimeout(timer);
        resolve({ url, sandboxUrl });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`workstation exited with ${code}:\n${output}`));
    });
  });
  const parsed = new URL(found.url);
  return {
    url: found.url,
    origin: parsed.origin,
    secret: parsed.searchParams.get('key') ?? '',
    sandboxUrl: found.sandboxUrl,
    dataDir,
    process: child,
  };
}

/** Stops a workstation and removes its data folder. */
export async function stopWorkstation(ws: RunningWorkstation): Promise<void> {
  if (ws.process.exitCode === null) {
    const exited = new Promise((resolve) => ws.process.once('exit', resolve));
    ws.process.kill('SIGTERM');
    await exited;
  }
  rmSync(ws.dataDir, { recursive: true, force: true });
}
