/**
 * Pull-and-verify of a matter with 8 materials against the sandbox with 150 ms latency per
 * call: every material at once must take no more than 1.5 times one single pull
 * [`pull_matter_ratio`]. The sequential pull is printed beside it as the baseline.
 */
import { startHostRig } from '../host/helpers';
import { median, reportFigures } from './lib';

const MATTER = '310000-RS-RC-011';
const LATENCY_MS = 150;
const ROUNDS = 5;

const rig = await startHostRig();
try {
  await rig.ok('session.signIn', { username: 'clerk01', password: 'demo' });
  const { matters } = await rig.ok('matters.get', {});
  const matter = matters.find((m) => m.code === MATTER)!;
  if (matter.materials.length !== 8) throw new Error(`${MATTER} has ${matter.materials.length} materials, the benchmark needs 8`);
  const holders = (await rig.sandbox('/holders')) as Array<{ idNumber: string; note: string | null; kind: string }>;
  await rig.sandbox('/faults', { body: { latencyMs: LATENCY_MS, errorRate: 0, down: false } });

  let caseSeq = 0;
  const pullAll = async (holderId: string, mode: 'concurrent' | 'sequential' | 'single') => {
    const caseNo = `BENCH-${++caseSeq}`;
    const { token } = (await rig.sandbox(`/holders/${holderId}/token`, { body: {} })) as { token: string };
    const grant = await rig.ok('grant.redeem', { token, matterCode: MATTER, caseNo });
    const pull = (materialId: string) =>
      rig.ok('material.pull', { grantId: grant.grantId, matterCode: MATTER, caseNo, materialId, purpose: `办理${matter.name}` });
    const started = performance.now();
    let licences = 0;
    if (mode === 'concurrent') licences = (await Promise.all(matter.materials.map((m) => pull(m.id)))).reduce((n, p) => n + p.licences.length, 0);
    else if (mode === 'single') licences = (await pull(matter.materials[0]!.id)).licences.length;
    else for (const m of matter.materials) licences += (await pull(m.id)).licences.length;
    const elapsed = performance.now() - started;
    await rig.ok('case.purge', { caseNo });
    return { elapsed, licences };
  };

  // The holder who holds the most of this matter's licences: the case the ratio is about.
  const candidates = holders.filter((h) => h.note === null && h.kind === 'natural_person').slice(0, 40);
  let best = { id: candidates[0]!.idNumber, licences: -1 };
  await rig.sandbox('/faults', { body: { latencyMs: 0 } });
  for (const h of candidates) {
    const { licences } = await pullAll(h.idNumber, 'concurrent');
    if (licences > best.licences) best = { id: h.idNumber, licences };
  }
  await rig.sandbox('/faults', { body: { latencyMs: LATENCY_MS } });

  const single: number[] = [];
  const concurrent: number[] = [];
  const sequential: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    single.push((await pullAll(best.id, 'single')).elapsed);
    concurrent.push((await pullAll(best.id, 'concurrent')).elapsed);
    sequential.push((await pullAll(best.id, 'sequential')).elapsed);
  }
  const singleMs = median(single);
  const concurrentMs = median(concurrent);
  const sequentialMs = median(sequential);
  console.log(`holder ${best.id} holds ${best.licences} licences for the 8 materials of ${matter.name}; latency ${LATENCY_MS} ms per library call`);
  reportFigures('Pull and verify a matter of 8 materials', [
    { name: 'pull_single_material_ms', value: singleMs, unit: 'ms', target: null, better: 'lower' },
    { name: 'pull_matter_concurrent_ms', value: concurrentMs, unit: 'ms', target: null, better: 'lower' },
    { name: 'pull_matter_sequential_ms', value: sequentialMs, unit: 'ms', target: null, better: 'lower' },
    { name: 'pull_matter_ratio', value: concurrentMs / singleMs, unit: 'x', target: 1.5, better: 'lower' },
    { name: 'pull_matter_sequential_ratio', value: sequentialMs / singleMs, unit: 'x', target: null, better: 'lower' },
  ]);
} finally {
  await rig.close();
}
