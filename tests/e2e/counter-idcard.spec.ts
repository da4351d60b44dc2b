import { createServer } from 'node:net';
import type { BrowserContext, Page } from '@playwright/test';
import { DEFAULT_DEVICE_SETTINGS } from '../../shared/devices';
import {
  closeCounter,
  CONTEXT_OPTIONS,
  EDGE,
  fullHolder,
  grantsFor,
  gunScan,
  holderByNote,
  materialCard,
  MATTERS,
  mintToken,
  openCounter,
  startCase,
  waitForPulls,
} from './counter-helpers';
import { callFromPage } from './supervision-fixtures';
import { reader } from './device-helpers';
import { expect, signIn, signOutAll, test } from './workstation';

// The ID-card reader at the counter (issue 14 item 1), against the sandbox's reader simulator,
// which `npm start` wires in training by default: nothing is configured here.

test.describe.configure({ mode: 'serial' });

let context: BrowserContext;
let page: Page;

/** The workstation's audit events, read from IndexedDB in the page. */
function auditEvents(on: Page): Promise<{ seq: number; kind: string; case: string | null; details: Record<string, unknown> }[]> {
  return on.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('e-licence-workstation');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const all = open.result.transaction('auditEvents').objectStore('auditEvents').getAll();
          all.onsuccess = () => {
            open.result.close();
            resolve(all.result);
          };
          all.onerror = () => reject(all.error);
        };
      }),
  );
}

/** Everything the workstation keeps in IndexedDB, every store, as one text. */
function everythingStored(on: Page): Promise<string> {
  return on.evaluate(
    () =>
      new Promise<string>((resolve, reject) => {
        const open = indexedDB.open('e-licence-workstation');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const names = [...db.objectStoreNames];
          const tx = db.transaction(names);
          const parts: string[] = [];
          for (const name of names) {
            const all = tx.objectStore(name).getAll();
            all.onsuccess = () => parts.push(JSON.stringify(all.result));
          }
          tx.oncomplete = () => {
            db.close();
            resolve(parts.join('\n'));
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
  );
}

const masked = (id: string) => `${id.slice(0, 6)}********${id.slice(14)}`;

async function chooseDutyReason(label: string): Promise<void> {
  await page.getByTestId('duty-dialog').getByTestId('duty-reason').click();
  await page.locator('.el-select-dropdown__item:visible', { hasText: label }).click();
}

test.beforeAll(async ({ browser, workstation }) => {
  ({ context, page } = await openCounter(browser, workstation));
});
test.afterAll(async ({ workstation }) => {
  await reader(workstation, { card: null, mode: 'ready', latencyMs: 0 });
  await closeCounter(context, workstation);
});

test('no phone: the trainer lays the card on the simulated reader, Alt+I fills the form, the photo is shown large, and the case is served without typing the number', async ({
  workstation,
}) => {
  const elder = await holderByNote(workstation, EDGE.noPhone);
  // The trainer chooses the card from the sandbox's holder page.
  const trainer = await context.newPage();
  await trainer.goto(`${workstation.sandboxUrl}/_sandbox/holders?q=${elder.idNumber}`);
  await trainer.getByRole('button', { name: '放到读卡器上' }).first().click();
  await expect(trainer.locator('#on-reader')).toContainText(elder.name);
  await trainer.close();

  const caseNo = await startCase(page, MATTERS.seniorCard);
  await expect(page.getByTestId('shortcuts')).toContainText('Alt+I 读取身份证');
  await page.keyboard.press('Alt+KeyD');
  const dialog = page.getByTestId('duty-dialog');
  await expect(dialog.getByTestId('duty-id-number')).toBeFocused();
  await page.keyboard.press('Alt+KeyI');

  await expect(dialog.getByTestId('duty-id-number')).toHaveValue(elder.idNumber);
  await expect(dialog.getByTestId('duty-name')).toHaveValue(elder.name);
  await expect(dialog.getByTestId('duty-id-ok')).toContainText('来自身份证');
  const card = dialog.getByTestId('id-card');
  await expect(card).toHaveAttribute('data-validity', 'valid');
  // `npm start`'s training wiring: the sandbox's simulator answered, with its reader id.
  await expect(card).toHaveAttribute('data-reader', 'SIM-IDR-0001');
  await expect(card).toContainText('培训模拟读卡器 SIM-IDR-0001');
  await expect(card.getByTestId('id-card-ok')).toHaveText('证件号码校验通过，证件在有效期内。');
  await expect(card).toContainText('长期');
  // The photo, large enough to compare with the person at the window.
  const photo = card.getByTestId('id-card-photo');
  await expect(photo).toBeVisible();
  expect(await photo.evaluate((img: HTMLImageElement) => [img.complete, img.naturalWidth, img.naturalHeight])).toEqual([true, 102, 126]);
  const box = (await photo.boundingBox())!;
  expect(box.width).toBeGreaterThanOrEqual(200);
  expect(box.height).toBeGreaterThanOrEqual(250);
  const photoBase64 = (await photo.getAttribute('src'))!.split(',')[1]!;
  expect(photoBase64.length).toBeGreaterThan(100);
  await page.screenshot({ path: 'test-results/counter-idcard-duty.png' });

  // Name and number came from the card: the clerk goes on to the basis.
  await expect(dialog.getByTestId('duty-basis')).toBeFocused();
  await page.keyboard.type('《上海市电子证照管理办法》第二十二条');
  await chooseDutyReason('老年人不便使用电子证照');
  await dialog.getByTestId('duty-submit').click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('holder-name')).toHaveText(elder.name);
  await expect(page.getByTestId('holder-basis')).toHaveAttribute('data-basis', 'duty');
  await waitForPulls(page);
  for (const id of MATTERS.seniorCard.materials) await expect(materialCard(page, id)).toHaveAttribute('data-state', 'exempt');

  // The read is on record with the masked number and the reader's id; the photo is nowhere stored.
  const reads = (await auditEvents(page)).filter((e) => e.kind === 'id_card_read' && e.case === caseNo);
  expect(reads.map((e) => e.details)).toEqual([
    { action: 'read', ok: true, holder: masked(elder.idNumber), readerId: 'SIM-IDR-0001', source: 'simulator', validity: 'valid', problems: [] },
  ]);
  expect(JSON.stringify(reads)).not.toContain(elder.idNumber);
  expect(await everythingStored(page)).not.toContain(photoBase64.slice(0, 200));

  // Completed: the card goes with the case's other face data.
  await page.keyboard.press('Alt+KeyC');
  await expect(page.getByTestId('receipt')).toBeVisible();
  await expect(page.getByTestId('id-card-photo')).toHaveCount(0);
  await expect(page.locator(`img[src*="${photoBase64.slice(0, 64)}"]`)).toHaveCount(0);
  expect(await everythingStored(page)).not.toContain(photoBase64.slice(0, 200));
  const [grant] = await grantsFor(workstation, caseNo);
  expect(grant).toMatchObject({ basis: 'duty' });
});

test('an expired card is said plainly, and the clerk decides to go on; the decision is on record', async ({ workstation }) => {
  const caoId = '310120197905174191';
  await reader(workstation, { card: caoId });
  const caseNo = await startCase(page, MATTERS.idCard);
  // Read on the holder step first: the card is shown there, its expiry said.
  await page.keyboard.press('Alt+KeyI');
  const panel = page.getByTestId('holder-panel').getByTestId('id-card');
  await expect(panel).toHaveAttribute('data-validity', 'expired');
  await expect(panel.getByTestId('id-card-period')).toHaveText('2005.09.30-2025.09.30');
  await expect(panel.getByTestId('id-card-problem')).toContainText(
    '该身份证已过有效期（有效期限 2005.09.30-2025.09.30），请告知申请人及时换领；是否继续办理由窗口人员决定。',
  );
  await expect(panel.getByTestId('id-card-problem')).toContainText('身份证已过有效期');
  await expect(panel.getByTestId('id-card-number')).toHaveText(masked(caoId));
  await page.screenshot({ path: 'test-results/counter-idcard-expired.png' });

  // The no-phone dialog takes the card already read.
  await page.keyboard.press('Alt+KeyD');
  const dialog = page.getByTestId('duty-dialog');
  await expect(dialog.getByTestId('duty-id-number')).toHaveValue(caoId);
  await expect(dialog.getByTestId('duty-name')).toHaveValue('曹嘉宇');
  await dialog.getByTestId('duty-basis').fill('《上海市电子证照管理办法》第二十二条');
  await chooseDutyReason('申请人无手机或无法出示亮证码');
  // Not without the clerk's decision.
  await dialog.getByTestId('duty-submit').click();
  await expect(dialog).toContainText('该身份证已过有效期：如仍继续办理，请勾选确认；否则请取消。');
  await expect(page.getByTestId('materials')).toHaveCount(0);
  expect(await grantsFor(workstation, caseNo)).toEqual([]);

  await dialog.getByTestId('duty-go-on-expired').click();
  await dialog.getByTestId('duty-submit').click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('holder-name')).toHaveText('曹嘉宇');
  await waitForPulls(page);

  const reads = (await auditEvents(page)).filter((e) => e.kind === 'id_card_read' && e.case === caseNo).map((e) => e.details);
  expect(reads).toEqual([
    { action: 'read', ok: true, holder: masked(caoId), readerId: 'SIM-IDR-0001', source: 'simulator', validity: 'expired', problems: ['expired'] },
    { action: 'go_on_expired', holder: masked(caoId), validTo: '2025-09-30' },
  ]);
});

test('a reader that is absent or busy is said in Chinese, and the number can still be typed', async ({ workstation }) => {
  const elder = await holderByNote(workstation, EDGE.noPhone);
  await reader(workstation, { card: elder.idNumber, mode: 'absent' });
  const caseNo = await startCase(page, MATTERS.seniorCard);
  await page.keyboard.press('Alt+KeyD');
  const dialog = page.getByTestId('duty-dialog');
  await dialog.getByTestId('duty-read-id-card').click();
  const error = dialog.getByTestId('id-card-error');
  await expect(error).toHaveAttribute('data-code', 'READER_ABSENT');
  await expect(error).toContainText('未连接到身份证阅读器');
  await expect(error).toContainText('可以继续手工录入证件号码和姓名。');
  await expect(dialog.getByTestId('id-card-photo')).toHaveCount(0);
  // The focus is back in the number: the clerk types it.
  await expect(dialog.getByTestId('duty-id-number')).toBeFocused();

  await reader(workstation, { mode: 'busy' });
  await page.keyboard.press('Alt+KeyI');
  await expect(error).toHaveAttribute('data-code', 'READER_BUSY');
  await expect(error).toContainText('身份证阅读器正忙，请稍候几秒再读卡，或手工录入证件号码。');

  await dialog.getByTestId('duty-id-number').focus();
  await page.keyboard.type(elder.idNumber, { delay: 10 });
  await expect(dialog.getByTestId('duty-id-ok')).toHaveText('证件号码校验通过');
  await dialog.getByTestId('duty-name').fill(elder.name);
  await dialog.getByTestId('duty-basis').fill('《上海市电子证照管理办法》第二十二条');
  await chooseDutyReason('老年人不便使用电子证照');
  await dialog.getByTestId('duty-submit').click();
  await expect(dialog).toBeHidden();
  await waitForPulls(page);

  const reads = (await auditEvents(page)).filter((e) => e.kind === 'id_card_read' && e.case === caseNo).map((e) => e.details);
  expect(reads).toEqual([
    { action: 'read', ok: false, code: 'READER_ABSENT' },
    { action: 'read', ok: false, code: 'READER_BUSY' },
  ]);
  await reader(workstation, { mode: 'ready' });
});

test("亮证码: a card read first is compared with the code's holder, and another person's code is refused before anything is pulled", async ({
  workstation,
}) => {
  const dong = await fullHolder(workstation);
  const liuLi = '310104195212018146';
  await reader(workstation, { card: liuLi });
  const caseNo = await startCase(page, MATTERS.idCard);
  await page.keyboard.press('Alt+KeyI');
  await expect(page.getByTestId('id-card-name')).toHaveText('刘丽');
  await expect(page.getByTestId('holder-panel')).toContainText('扫描亮证码时，将核对亮证码的持有人是否为这张身份证的持有人。');

  const token = await mintToken(workstation, dong.idNumber);
  await gunScan(page, token);
  const refusal = page.getByTestId('token-error');
  await expect(refusal).toBeVisible();
  await page.screenshot({ path: 'test-results/counter-idcard-mismatch.png' });
  await expect(refusal).toContainText(
    `身份证与亮证码不是同一人：身份证为 刘丽（${masked(liuLi)}），亮证码的持有人为 ${dong.name}（${masked(dong.idNumber)}）。未调取任何证照。`,
  );
  await expect(page.getByTestId('counter-page')).toHaveAttribute('data-phase', 'holder');
  await expect(page.getByTestId('materials')).toHaveCount(0);
  // Nothing was asked of the library: the code is not redeemed, no grant exists for the case.
  expect(await grantsFor(workstation, caseNo)).toEqual([]);

  // The right card on the reader: the same code now goes through.
  await reader(workstation, { card: dong.idNumber });
  await page.keyboard.press('Alt+KeyI');
  await expect(page.getByTestId('id-card-name')).toHaveText(dong.name);
  await gunScan(page, token);
  await expect(page.getByTestId('holder-name')).toHaveText(dong.name);
  await expect(page.getByTestId('id-card-compared')).toHaveAttribute('data-result', 'match');
  await expect(page.getByTestId('id-card-compared')).toHaveText('身份证已核对：与亮证码持有人一致');
  await waitForPulls(page);
  expect(await grantsFor(workstation, caseNo)).toHaveLength(1);

  const compared = (await auditEvents(page))
    .filter((e) => e.kind === 'id_card_read' && e.case === caseNo && e.details.action === 'compare_token')
    .map((e) => e.details);
  expect(compared).toEqual([
    { action: 'compare_token', result: 'id_number_differs', card: masked(liuLi), token: masked(dong.idNumber) },
    { action: 'compare_token', result: 'match', card: masked(dong.idNumber), token: masked(dong.idNumber) },
  ]);
});

test.describe('the reader in 设置', () => {
  test('a supervisor points the reader at a service that is not there: the settings say what each preset follows, the test and the counter say the reader is absent', async ({
    browser,
    workstation,
  }) => {
    await signOutAll(workstation);
    const own = await browser.newContext(CONTEXT_OPTIONS);
    const sup = await own.newPage();
    // A port nobody listens on.
    const deadPort = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    try {
      await signIn(sup, workstation, 'super01');
      await sup.goto(`${workstation.origin}/#/settings`);
      const settings = sup.getByTestId('reader-settings');
      await expect(settings.getByTestId('reader-training')).toContainText('读卡使用内置沙箱的模拟读卡器');
      await expect(settings.getByTestId('reader-preset-source')).toContainText('不使用阅读器');

      await settings.getByTestId('reader-preset').click();
      await sup.locator('.el-select-dropdown__item:visible', { hasText: '培训模拟读卡器（HTTP）' }).click();
      await expect(settings.getByTestId('reader-preset-source')).toContainText('依据：sandbox/README.md「身份证阅读器模拟器」');
      await expect(settings.getByTestId('reader-preset-source')).toContainText('仅在演示/培训环境中使用');
      await settings.getByTestId('reader-preset').click();
      await sup.locator('.el-select-dropdown__item:visible', { hasText: '自定义（按厂商读卡服务说明填写）' }).click();
      await expect(settings.getByTestId('reader-preset-source')).toContainText('依据：厂商随阅读器提供的本地读卡服务接口说明');

      // Checked before anything is sent: a reader service must be on this machine.
      await settings.getByTestId('reader-url').fill('http://192.168.1.20:8000/api/ReadCard');
      await settings.getByTestId('reader-save').click();
      await expect(settings.getByTestId('reader-custom')).toContainText('读卡服务地址必须是本机地址（127.0.0.1 或 localhost）');
      await settings.getByTestId('reader-url').fill(`http://127.0.0.1:${deadPort}/api/ReadCard`);
      // Practise with the configured reader in training.
      await settings.getByTestId('reader-in-training').locator('.el-radio', { hasText: '使用下面配置的阅读器' }).click();
      await settings.getByTestId('reader-save').click();
      const notice = sup.getByTestId('reader-notice');
      await expect(notice).toContainText('阅读器设置已保存，已记入审计日志：');
      await expect(notice).toContainText('阅读器设置已保存，已记入审计日志：自定义阅读器配置、培训时读卡、身份证阅读器型号。');
      await expect(settings.getByTestId('reader-training')).toContainText('读卡使用下面配置的阅读器');
      await sup.screenshot({ path: 'test-results/settings-reader.png', fullPage: true });

      const saved = (await callFromPage(sup, 'devices.settings.get')).value as { settings: typeof DEFAULT_DEVICE_SETTINGS };
      expect(saved.settings.idReader).toMatchObject({
        preset: 'custom',
        inTraining: 'configured',
        custom: { url: `http://127.0.0.1:${deadPort}/api/ReadCard`, statusField: 'code' },
      });
      const change = (await auditEvents(sup)).filter((e) => e.kind === 'device_settings_change').at(-1);
      expect((change?.details as { changes: unknown[] }).changes).toEqual(
        expect.arrayContaining([
          { field: 'idReader.custom.url', from: null, to: `http://127.0.0.1:${deadPort}/api/ReadCard` },
          { field: 'idReader.inTraining', from: 'simulator', to: 'configured' },
          { field: 'idReader.preset', from: 'none', to: 'custom' },
        ]),
      );

      await settings.getByTestId('reader-probe').click();
      await expect(sup.getByTestId('reader-notice')).toContainText('测试结果：未连接到阅读器');
      await expect(sup.getByTestId('reader-notice')).toHaveAttribute('data-type', 'error');

      // At the counter: the reader is said to be absent, and the number can be typed.
      await sup.goto(`${workstation.origin}/#/counter`);
      await expect(sup.getByTestId('matter-search').first()).toBeVisible();
      const search = sup.getByTestId('matter-search').first();
      await search.fill(MATTERS.seniorCard.query);
      await expect(sup.getByTestId('matter-hits').locator('li').first()).toHaveAttribute('data-code', MATTERS.seniorCard.code);
      await sup.keyboard.press('Enter');
      await expect(sup.getByTestId('counter-page')).toHaveAttribute('data-phase', 'holder');
      await sup.keyboard.press('Alt+KeyD');
      await sup.keyboard.press('Alt+KeyI');
      const error = sup.getByTestId('duty-dialog').getByTestId('id-card-error');
      await expect(error).toHaveAttribute('data-code', 'READER_ABSENT');
      await expect(error).toContainText('请检查阅读器的连线和读卡服务后重试，或手工录入证件号码');
      await expect(sup.getByTestId('duty-dialog').getByTestId('duty-id-number')).toBeFocused();
      await expect(sup.getByTestId('duty-dialog').getByTestId('duty-id-number')).toBeEditable();
      await sup.getByTestId('duty-dialog').getByTestId('duty-cancel').click();
      await sup.getByTestId('cancel-case').click();
      await sup.getByRole('button', { name: '确定' }).click();
    } finally {
      // The workstation is shared with other spec files: the defaults back.
      expect((await callFromPage(sup, 'devices.settings.set', DEFAULT_DEVICE_SETTINGS)).ok).toBe(true);
      await own.close();
      await signOutAll(workstation);
    }
  });
});
