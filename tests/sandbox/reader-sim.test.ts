import { inflateSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { simulatorReaderConfig } from '../../shared/devices';
import { citizenIdProblem } from '../../shared/ids';
import { checkIdCard, normaliseIdCard, valueAtPath } from '../../shared/id-card';
import { EDGE_NOTES } from '../../sandbox/people';
import { openSandbox, type TestSandbox } from './helpers';

let sandbox: TestSandbox;
let httpUrl: string;
let wsUrl: string;

const DONG_LIN = '310115199709281086';
const HUANG_LIANG = '310117193710111071';

beforeAll(async () => {
  sandbox = await openSandbox();
  httpUrl = sandbox.reader!.httpUrl;
  wsUrl = sandbox.reader!.wsUrl;
});
afterAll(async () => {
  await sandbox.stop();
});
beforeEach(async () => {
  await sandbox.call('POST', '/api/v1/_sandbox/reset');
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the vendor answer is judged field by field
async function readHttp(): Promise<any> {
  const res = await fetch(`${httpUrl}/api/ReadCard`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"cmd":"ReadCard"}' });
  expect(res.status).toBe(200);
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- as above
function readWs(message: unknown = { cmd: 'ReadCard', seq: 7 }): Promise<any> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${wsUrl}/ws`);
    socket.once('open', () => socket.send(JSON.stringify(message)));
    socket.once('message', (data) => {
      socket.close();
      const text = data.toString();
      try {
        resolve(JSON.parse(text));
      } catch {
        resolve(text);
      }
    });
    socket.once('error', reject);
  });
}

async function place(card: string | null, extra: Record<string, unknown> = {}): Promise<void> {
  const res = await sandbox.call('POST', '/api/v1/_sandbox/reader', { body: { card, ...extra } });
  expect(res.status).toBe(200);
}

describe('the reader simulator', () => {
  it('holds a card for every natural person with a 居民身份证, and none for a company', async () => {
    const holders = await sandbox.holders();
    const people = holders.filter((holder) => holder.kind === 'natural_person');
    const { cards } = (await sandbox.call('GET', '/api/v1/_sandbox/reader/cards')).json as {
      cards: Array<{ id: string; kind: string; validTo: string | null }>;
    };
    expect(cards.map((card) => card.id).sort()).toEqual(people.map((person) => person.idNumber).sort());
    expect(cards.filter((card) => card.kind === 'expired')).toHaveLength(1);
    expect(cards.filter((card) => card.kind === 'unreadable')).toHaveLength(1);
    const company = holders.find((holder) => holder.kind === 'legal_person')!;
    expect((await sandbox.call('POST', '/api/v1/_sandbox/reader', { body: { card: company.idNumber.replace(/[^0-9X]/g, '0') } })).status).toBe(404);
  });

  it("answers no card until a trainer lays one on the reader, then reads it over HTTP with the holder's library data and a photo", async () => {
    expect(await readHttp()).toMatchObject({ code: '1', msg: '未放卡或卡片放置不正确', readerSn: 'SIM-IDR-0001' });
    await place(DONG_LIN);
    const answer = await readHttp();
    expect(answer).toMatchObject({ code: '0', readerSn: 'SIM-IDR-0001', data: { xm: '董琳', xb: '女', gmsfhm: DONG_LIN, csrq: '19970928' } });
    expect(answer.data.qfjg).toMatch(/^上海市公安局.+分局$/);
    // The photo is a real PNG of the chip photo's size.
    const png = Buffer.from(answer.data.zp, 'base64');
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.readUInt32BE(16)).toBe(102);
    expect(png.readUInt32BE(20)).toBe(126);
    const idat = png.indexOf('IDAT');
    const pixels = inflateSync(png.subarray(idat + 4, idat + 4 + png.readUInt32BE(idat - 4)));
    expect(pixels.length).toBe((102 * 3 + 1) * 126);
    // What the library holds as the 居民身份证 is what the card says.
    const auth = await sandbox.signIn();
    const matter = await sandbox.matter('310000-GA-SFZ-002');
    const grant = (
      await sandbox.call('POST', '/api/v1/authorizations/duty', {
        token: auth,
        body: { holder: { idType: '111', idNumber: DONG_LIN, name: '董琳' }, matterCode: matter.code, caseNo: 'SIM-1', reason: '无手机' },
      })
    ).json;
    const query = (
      await sandbox.call('POST', '/api/v1/licences/query', {
        token: auth,
        body: { grantId: grant.grantId, matterCode: matter.code, materialId: 'M01', purpose: '核对' },
      })
    ).json;
    const detail = (
      await sandbox.call('GET', `/api/v1/licences/${query.licences[0].id}?grantId=${grant.grantId}&matterCode=${matter.code}&materialId=M01`, { token: auth })
    ).json;
    const disclosed = Object.fromEntries((detail.disclosed as Array<{ key: string; value: unknown }>).map((field) => [field.key, field.value]));
    expect(disclosed).toMatchObject({ name: answer.data.xm, gender: answer.data.xb, idNumber: answer.data.gmsfhm, address: answer.data.zz });
  });

  it('serves the same answer over WebSocket, echoing the command and its sequence number', async () => {
    await place(HUANG_LIANG);
    const answer = await readWs();
    expect(answer).toMatchObject({ cmd: 'ReadCard', seq: 7, code: '0', data: { gmsfhm: HUANG_LIANG } });
    // An old applicant's card is valid for the long term.
    expect(answer.data.yxqx).toMatch(/^\d{8}-长期$/);
    expect(await readWs({ cmd: 'Beep' })).toMatchObject({ code: '9' });
  });

  it('gives each person their own photo, the same on every read', async () => {
    await place(DONG_LIN);
    const first = (await readHttp()).data.zp;
    expect((await readHttp()).data.zp).toBe(first);
    await place(HUANG_LIANG);
    expect((await readHttp()).data.zp).not.toBe(first);
  });

  it('has an expired card and a card that cannot be read among its cards', async () => {
    const holders = await sandbox.holders();
    const expiredHolder = holders.find((holder) => holder.note === EDGE_NOTES.expired)!;
    const unreadableHolder = holders.find((holder) => holder.note === EDGE_NOTES.tampered)!;
    await place(expiredHolder.idNumber);
    const answer = await readHttp();
    expect(answer).toMatchObject({ code: '0', data: { yxqx: '20050930-20250930' } });
    const normalised = normaliseIdCard(valueAtPath(answer, 'data'), simulatorReaderConfig('http', { httpUrl, wsUrl }).fields, {
      encoding: 'base64',
      type: 'detect',
    });
    expect(normalised.ok).toBe(true);
    if (normalised.ok) {
      const checks = checkIdCard(normalised.card, new Date('2026-06-01T00:00:00Z'));
      expect(checks).toMatchObject({ validity: 'expired', idNumber: null, birthDateMatches: true, sexMatches: true });
    }
    await place(unreadableHolder.idNumber);
    expect(await readHttp()).toMatchObject({ code: '3', msg: '读卡失败：卡片芯片无应答' });
  });

  it('every card it holds passes GB 11643 and matches the number it carries', async () => {
    const { cards } = (await sandbox.call('GET', '/api/v1/_sandbox/reader/cards')).json as { cards: Array<{ id: string; sex: string; birthDate: string }> };
    for (const card of cards) {
      expect(citizenIdProblem(card.id, new Date('2026-06-01T00:00:00Z'))).toBeNull();
      expect(card.birthDate).toBe(`${card.id.slice(6, 10)}-${card.id.slice(10, 12)}-${card.id.slice(12, 14)}`);
      expect(card.sex).toBe(Number(card.id[16]) % 2 === 1 ? '男' : '女');
    }
  });

  it('can be made busy, absent or garbled, and a second read during a slow one finds it busy', async () => {
    await place(DONG_LIN, { mode: 'busy' });
    expect(await readHttp()).toMatchObject({ code: '2' });
    await place(DONG_LIN, { mode: 'absent' });
    expect(await readWs()).toMatchObject({ code: '4' });
    await place(DONG_LIN, { mode: 'malformed' });
    expect(typeof (await readHttp())).toBe('string');
    await place(DONG_LIN, { mode: 'ready', latencyMs: 400 });
    const [slow, second] = await Promise.all([readHttp(), new Promise((resolve) => setTimeout(resolve, 100)).then(readHttp)]);
    expect(slow).toMatchObject({ code: '0' });
    expect(second).toMatchObject({ code: '2' });
  });

  it('is emptied by the sandbox reset', async () => {
    await place(DONG_LIN, { mode: 'busy', latencyMs: 100 });
    await sandbox.call('POST', '/api/v1/_sandbox/reset');
    expect((await sandbox.call('GET', '/api/v1/_sandbox/reader')).json).toMatchObject({
      card: null,
      mode: 'ready',
      latencyMs: 0,
      readerId: 'SIM-IDR-0001',
      httpUrl,
      wsUrl,
    });
  });

  it('refuses a control call it does not understand', async () => {
    expect((await sandbox.call('POST', '/api/v1/_sandbox/reader', { body: { card: DONG_LIN, colour: 'red' } })).status).toBe(400);
    expect((await sandbox.call('POST', '/api/v1/_sandbox/reader', { body: { latencyMs: -1 } })).status).toBe(400);
    expect((await sandbox.call('POST', '/api/v1/_sandbox/reader', { raw: 'card=1', headers: { 'content-type': 'text/plain' } })).status).toBe(400);
  });
});

describe('the holder page', () => {
  it('lists every holder with 放到读卡器上 for each natural person, and 取走 once a card is on the reader', async () => {
    const page = await (await fetch(`${sandbox.url}/_sandbox/holders`)).text();
    const holders = await sandbox.holders();
    for (const holder of holders.slice(0, 20)) expect(page).toContain(`data-id="${holder.idNumber}"`);
    expect(page.match(/放到读卡器上/g)).toHaveLength(holders.filter((holder) => holder.kind === 'natural_person').length);
    expect(page).toContain('<span id="on-reader">（空）</span>');
    expect(page).not.toContain('取走');

    // A trainer presses 放到读卡器上: a form post, then back to the page.
    const posted = await fetch(`${sandbox.url}/_sandbox/reader`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: sandbox.url },
      body: `card=${HUANG_LIANG}&q=`,
      redirect: 'manual',
    });
    expect(posted.status).toBe(303);
    expect(posted.headers.get('location')).toBe('/_sandbox/holders');
    const after = await (await fetch(`${sandbox.url}/_sandbox/holders?q=${encodeURIComponent('黄亮')}`)).text();
    expect(after).toContain('取走');
    expect(after).toContain(`data-card="${HUANG_LIANG}"`);
    expect(after).toMatch(/<span id="on-reader">黄亮（310117\*+1071）<\/span>/);
    expect((await readHttp()).data.gmsfhm).toBe(HUANG_LIANG);

    // 取走.
    await fetch(`${sandbox.url}/_sandbox/reader`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'card=',
      redirect: 'manual',
    });
    expect((await readHttp()).code).toBe('1');
  });

  it('refuses a form posted from another site', async () => {
    const res = await fetch(`${sandbox.url}/_sandbox/reader`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://evil.example' },
      body: `card=${DONG_LIN}`,
      redirect: 'manual',
    });
    expect(res.status).toBe(403);
    expect((await sandbox.call('GET', '/api/v1/_sandbox/reader')).json.card).toBeNull();
  });

  it('escapes what it shows', async () => {
    const page = await (await fetch(`${sandbox.url}/_sandbox/holders?q=${encodeURIComponent('<script>')}`)).text();
    expect(page).not.toContain('<script>');
    expect(page).toContain('&lt;script&gt;');
  });
});
