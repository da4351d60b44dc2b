/**
 * `npm run sandbox -- --port <n> --data <dir> [--seed <text>] [--reader-port <n>]`: runs the
 * sandbox alone and prints `SANDBOX_URL=http://127.0.0.1:<port>` once it serves, and
 * `READER_SIM_URL=http://127.0.0.1:<port>` for its ID-card reader simulator.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_SEED, startSandbox } from './index';

function fail(message: string): never {
  process.stderr.write(
    `${message}\n用法：npm run sandbox -- --port <端口，0 为任选> --data <数据目录> [--seed <种子>] [--reader-port <读卡器模拟器端口，0 为任选>]\n`,
  );
  process.exit(2);
}

let args: { port?: string; data?: string; seed?: string; 'reader-port'?: string };
try {
  args = parseArgs({
    options: { port: { type: 'string' }, data: { type: 'string' }, seed: { type: 'string' }, 'reader-port': { type: 'string' } },
    strict: true,
  }).values;
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
const port = Number(args.port ?? '0');
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`无效的端口：${args.port}`);
const readerPort = Number(args['reader-port'] ?? '0');
if (!Number.isInteger(readerPort) || readerPort < 0 || readerPort > 65535) fail(`无效的读卡器模拟器端口：${args['reader-port']}`);

const sandbox = await startSandbox({
  dataDir: args.data ?? '.data/sandbox',
  port,
  seed: args.seed ?? DEFAULT_SEED,
  log: (line) => process.stderr.write(`${line}\n`),
  reader: { port: readerPort },
});
process.stdout.write(`SANDBOX_URL=${sandbox.url}\n`);
if (sandbox.reader) process.stdout.write(`READER_SIM_URL=${sandbox.reader.httpUrl}\n`);

const stop = (): void => {
  void sandbox.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
