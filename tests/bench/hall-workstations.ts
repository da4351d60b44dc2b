/**
 * The windows of the ingest benchmark (hall.bench.ts), in a process of their own: enrols one
 * station per code, builds each station's chain and serialises its pushes, says READY, waits for
 * GO on stdin, pushes every station's batches (the stations at once, each one batch after the
 * other), and prints {"pushed": n}.
 *
 *     node --import tsx tests/bench/hall-workstations.ts <hall url> <events per station> <batch> <code>…
 */
import { createHash } from 'node:crypto';
import { createInterface } from 'node:readline';
import { Station, chainOf } from './hall-station';

const [url, perStationText, batchText, ...codes] = process.argv.slice(2);
const perStation = Number(perStationText);
const batch = Number(batchText);
const stations = codes.map((_, i) => new Station(`WS-BENCH-${String(i + 1).padStart(2, '0')}`, url!));
for (const [i, station] of stations.entries()) await station.enrol(codes[i]!);
const pushes = stations.map((station) => {
  const chain = chainOf(station.id, perStation);
  const head = { seq: chain.at(-1)!.seq, hash: chain.at(-1)!.hash };
  const bodies: { body: Buffer; digest: string }[] = [];
  for (let from = 0; from < chain.length; from += batch) {
    const body = Buffer.from(JSON.stringify({ head, audit: chain.slice(from, from + batch), records: [], outbox: null }));
    bodies.push({ body, digest: createHash('sm3').update(body).digest('hex') });
  }
  return bodies;
});
process.stdout.write('READY\n');
const lines = createInterface({ input: process.stdin });
await new Promise<void>((resolve) => lines.once('line', () => resolve()));
let pushed = 0;
const cpu0 = process.cpuUsage();
await Promise.all(
  stations.map(async (station, i) => {
    for (const { body, digest } of pushes[i]!) {
      const answer = await station.send('POST', '/api/v1/sync/push', body, null, digest);
      if (answer.status !== 200) throw new Error(`push refused: ${JSON.stringify(answer.json)}`);
      pushed += (answer.json as { stored: { audit: number } }).stored.audit;
    }
  }),
);
const cpu = process.cpuUsage(cpu0);
process.stdout.write(`${JSON.stringify({ pushed, cpuSeconds: (cpu.user + cpu.system) / 1e6 })}\n`);
lines.close();
