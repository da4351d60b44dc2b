import { chromium, type Browser, type BrowserContext } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeQrVideoY4m } from '../fixtures/qr/y4m';
import { closeCounter, fullHolder, materialCard, MATTERS, mintToken, openCounter, startCase, usageRecordsOf, waitForPulls } from './counter-helpers';
import { expect, test } from './workstation';

let browser: Browser | null = null;
let context: BrowserContext | null = null;
let videoDir = '';

test.afterAll(async ({ workstation }) => {
  if (context) await closeCounter(context, workstation);
  await browser?.close();
  if (videoDir) rmSync(videoDir, { recursive: true, force: true });
});

test("a full transaction by camera: Chromium's fake camera plays the holder's QR code", async ({ workstation }) => {
  const holder = await fullHolder(workstation);
  const token = await mintToken(workstation, holder.idNumber);
  videoDir = mkdtempSync(join(tmpdir(), 'counter-camera-'));
  const video = join(videoDir, 'holder-phone.y4m');
  writeQrVideoY4m(video, token, { width: 640, height: 480, fps: 10, seconds: 2 });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-video-capture=${video}`,
    ],
  });
  const opened = await openCounter(browser, workstation);
  context = opened.context;
  const { page } = opened;
  const caseNo = await startCase(page, MATTERS.talent);

  await page.keyboard.press('Alt+KeyS');
  await expect(page.getByTestId('camera-scan')).toBeVisible();
  // Read, the dialog closes itself and the camera stops.
  await expect(page.getByTestId('holder-name')).toHaveText(holder.name, { timeout: 20_000 });
  await expect(page.getByTestId('camera-scan')).toBeHidden();
  expect(
    await page.evaluate(() => document.querySelectorAll('video').length === 0 || [...document.querySelectorAll('video')].every((v) => v.srcObject === null)),
  ).toBe(true);

  await waitForPulls(page);
  for (const id of MATTERS.talent.materials) await expect(materialCard(page, id)).toHaveAttribute('data-state', 'exempt');
  await page.keyboard.press('Alt+KeyC');
  await expect(page.getByTestId('receipt-line')).toHaveCount(MATTERS.talent.materials.length);
  await expect(page.getByTestId('usage-record-state')).toHaveAttribute('data-state', 'delivered');
  await expect(page.getByTestId('purged')).toHaveAttribute('data-count', String(MATTERS.talent.materials.length));
  const records = await usageRecordsOf(workstation, caseNo);
  expect(records).toHaveLength(1);
  expect(records[0]!.materials.every((m) => m.outcome === 'exempt')).toBe(true);
});
