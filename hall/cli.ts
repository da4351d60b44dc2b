/**
 * `npm run hall -- …`: runs the hall, or does an administrator's task on it.
 *
 *     npm run hall -- --port <n> --data <dir> [--database postgres://…] [--bind <addr>] [--name <name>]
 *                     [--library <url> --root-key <kid>:<hex> --library-user <name>]   (password: HALL_LIBRARY_PASSWORD)
 *     npm run hall -- enrol --data <dir> [--database postgres://…]
 *     npm run hall -- workstations --data <dir> [--database postgres://…]
 *     npm run hall -- revoke <workstation id> --reason <text> --data <dir> [--database postgres://…]
 *
 * The database URL may also come from HALL_DATABASE_URL (a password in a URL on the command
 * line is visible to every user of the machine). Serving, it prints `HALL_URL=…` once it serves.
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { RootKeySchema } from '../shared/contract';
import { callRunningHall, type AdminCall } from './admin';
import { openHallDatabase, startHall } from './index';
import { migrate } from './migrations';
import { loadIdentity } from './identity';
import { Authenticator } from './auth';
import { SupervisionService } from './supervision';

const USAGE = `用法：
  npm run hall -- --port <端口，0 为任选> --data <数据目录> [--database postgres://…] [--bind <监听地址>] [--name <大厅名称>]
                  [--library <证照库地址> --root-key <kid>:<根公钥> --library-user <账号>]（密码取自环境变量 HALL_LIBRARY_PASSWORD）
  npm run hall -- enrol --data <数据目录> [--database postgres://…]           生成一次性登记码（24 小时内有效）
  npm run hall -- workstations --data <数据目录> [--database postgres://…]    列出已登记的工作台
  npm run hall -- revoke <工作台编号> --reason <原因> --data <数据目录> [--database postgres://…]`;

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

let parsed: ReturnType<typeof parse>;
function parse() {
  return parseArgs({
    allowPositionals: true,
    strict: true,
    options: {
      port: { type: 'string' },
      data: { type: 'string' },
      database: { type: 'string' },
      bind: { type: 'string' },
      name: { type: 'string' },
      library: { type: 'string' },
      'root-key': { type: 'string' },
      'library-user': { type: 'string' },
      reason: { type: 'string' },
    },
  });
}
try {
  parsed = parse();
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
const { values: args, positionals } = parsed;
const [command = 'serve', ...rest] = positionals;
const dataDir = resolve(args.data ?? '.data/hall');
const databaseUrl = args.database ?? process.env.HALL_DATABASE_URL ?? null;
if (databaseUrl !== null && !/^postgres(ql)?:\/\//.test(databaseUrl)) fail('--database 必须是 postgres:// 开头的 PostgreSQL 连接地址');

/** Runs an administrator's call on the running hall, or on the database when no hall runs; a refusal ends the command. */
async function administer(call: AdminCall): Promise<unknown> {
  try {
    return await administerOnce(call);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}

async function administerOnce(call: AdminCall): Promise<unknown> {
  const viaHall = await callRunningHall(dataDir, call);
  if (viaHall !== null) return viaHall;
  const db = await openHallDatabase(dataDir, databaseUrl);
  try {
    await migrate(db);
    const identity = await loadIdentity(db, args.name ?? '区行政服务中心');
    const supervision = new SupervisionService(
      db,
      () => new Date(),
      () => undefined,
    );
    if (call.action === 'enrol')
      return { ...(await new Authenticator(db, identity, () => new Date()).newEnrolmentCode()), hallId: identity.hallId, fingerprint: identity.fingerprint };
    if (call.action === 'workstations') return supervision.workstations();
    return supervision.revokeWorkstation({ workstation: call.workstationId, reason: call.reason }, { id: 'hall-admin' });
  } finally {
    await db.close();
  }
}

if (command === 'enrol') {
  if (rest.length) fail(`多余的参数：${rest.join(' ')}`);
  const made = (await administer({ action: 'enrol' })) as { code: string; expiresAt: string; hallId: string; fingerprint: string };
  process.stdout.write(`ENROLMENT_CODE=${made.code}\nEXPIRES_AT=${made.expiresAt}\nHALL_FINGERPRINT=${made.fingerprint}\n`);
  process.stderr.write(
    `一次性登记码：${made.code}（只能使用一次，${new Date(made.expiresAt).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai' })} 前有效）\n` +
      `请值班长在工作台「设置」中填写大厅地址和此登记码，并核对工作台显示的大厅指纹为：${made.fingerprint}\n`,
  );
} else if (command === 'workstations') {
  if (rest.length) fail(`多余的参数：${rest.join(' ')}`);
  process.stdout.write(`${JSON.stringify(await administer({ action: 'workstations' }), null, 2)}\n`);
} else if (command === 'revoke') {
  const [workstationId, ...more] = rest;
  if (!workstationId || more.length) fail('revoke 需要一个工作台编号');
  if (!args.reason) fail('revoke 需要 --reason <原因>');
  process.stdout.write(`${JSON.stringify(await administer({ action: 'revoke', workstationId, reason: args.reason }), null, 2)}\n`);
} else if (command === 'serve') {
  if (rest.length) fail(`多余的参数：${rest.join(' ')}`);
  const port = Number(args.port ?? '0');
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`无效的端口：${args.port}`);
  const libraryFlags = [args.library, args['root-key'], args['library-user']];
  if (libraryFlags.some((f) => f !== undefined) && libraryFlags.some((f) => f === undefined)) fail('--library、--root-key 和 --library-user 需要一起给出');
  let library = null;
  if (args.library) {
    if (!/^https?:\/\/\S+$/.test(args.library)) fail('--library 必须是 http(s) 地址');
    const [kid = '', publicKey = '', ...extra] = args['root-key']!.trim().split(':');
    const rootKey = RootKeySchema.safeParse({ kid, publicKey: publicKey.toLowerCase() });
    if (extra.length || !rootKey.success) fail('--root-key 的格式为 <kid>:<以 04 开头的 130 位十六进制公钥>');
    const password = process.env.HALL_LIBRARY_PASSWORD;
    if (!password) fail('请在环境变量 HALL_LIBRARY_PASSWORD 中给出大厅证照库账号的密码');
    library = { url: args.library.replace(/\/+$/, ''), rootKey: rootKey.data, username: args['library-user']!, password };
  }
  if (!databaseUrl) {
    process.stderr.write(
      `大厅数据保存在 ${resolve(dataDir, 'pglite')}（PGlite，进程内的 PostgreSQL）：仅适用于单机或培训。正式大厅请用 --database 指向大厅的 PostgreSQL 服务器。\n`,
    );
  }
  let hall;
  try {
    hall = await startHall({ dataDir, databaseUrl, port, bind: args.bind, name: args.name, library, log: (line) => process.stderr.write(`${line}\n`) });
  } catch (error) {
    process.stderr.write(`大厅服务器未能启动：${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
  process.stderr.write(`大厅 ${hall.hallId}（${hall.engine === 'pglite' ? 'PGlite' : 'PostgreSQL'}），公钥指纹 ${hall.fingerprint}\n`);
  process.stdout.write(`HALL_URL=${hall.url}\n`);
  const stop = (): void => {
    void hall.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} else {
  fail(`未知的命令：${command}`);
}
