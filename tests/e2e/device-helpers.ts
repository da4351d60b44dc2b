import { expect, type Page } from '@playwright/test';
import { PDFDict, PDFDocument, PDFName, PDFNumber, PDFRawStream } from 'pdf-lib';
import { applyHomography, homography, type Point } from '../../shared/document-scan';
import type { SheetVideo } from '../fixtures/paper/y4m';
import type { RunningWorkstation } from './workstation';

// What the device specs share: the sandbox's reader simulator, the applicant's screen's record,
// and reading numbered pages from the fake document camera and from the PDF the case keeps
// (tests/fixtures/paper/scene.ts draws a page's number as a row of small squares).

declare global {
  interface Window {
    __screenLog?: { messages: string[]; pages: string[]; pulls: string[] };
  }
}

/** The sandbox's reader, as a trainer sets it (sandbox/README.md, 身份证阅读器模拟器). */
export async function reader(
  ws: RunningWorkstation,
  body: { card?: string | null; mode?: 'ready' | 'busy' | 'absent' | 'malformed'; latencyMs?: number },
): Promise<void> {
  const response = await fetch(`${ws.sandboxUrl}/api/v1/_sandbox/reader`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.ok).toBe(true);
}

// Installed in every page of the context before its own scripts; it records only in the screen.
export function recordScreen(): void {
  if (!location.hash.startsWith('#/applicant')) return;
  const log = { messages: [] as string[], pages: [] as string[], pulls: [] as string[] };
  window.__screenLog = log;
  new BroadcastChannel('workstation.applicant-screen').onmessage = (event) => log.messages.push(JSON.stringify(event.data));
  // One record per frame the page changed in: what the applicant could have seen.
  let pending = false;
  const take = () => {
    pending = false;
    const shown = document.documentElement.outerHTML + '\n' + (document.body?.innerText ?? '');
    if (log.pages.at(-1) !== shown) log.pages.push(shown);
    const pulls = [...document.querySelectorAll<HTMLElement>('[data-testid="applicant-pull"]')]
      .map((el) => `${el.dataset.material}:${el.dataset.state}`)
      .join(',');
    if (pulls && log.pulls.at(-1) !== pulls) log.pulls.push(pulls);
  };
  new MutationObserver(() => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(take);
  }).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
}

/** Where the page-number squares are on a page (0–1, v down): slot s of 20 (scene.ts pageLevel). */
export const NUMBER_SLOTS = Array.from({ length: 20 }, (_, s) => ({ x: 0.1 + 0.03 * s + 0.01, y: 0.9625 }));

/** Counts the dark squares from the first slot on, at points given in the image's pixels. */
const countSquares = (luminance: number[]): number => {
  let n = 0;
  while (n < luminance.length && luminance[n]! < 110) n++;
  return n;
};

/** The number of the page under the camera now, read from the live video. */
export async function liveNumber(page: Page, video: SheetVideo): Promise<number> {
  const toFrame = homography(
    [
      { x: 0, y: 0 },
      { x: 1, y: 0 },
      { x: 1, y: 1 },
      { x: 0, y: 1 },
    ],
    video.corners,
  )!;
  const points = NUMBER_SLOTS.map((p) => applyHomography(toFrame, p));
  const luminance = await page.getByTestId('paper-video').evaluate((el: HTMLVideoElement, at: Point[]) => {
    const canvas = document.createElement('canvas');
    canvas.width = el.videoWidth;
    canvas.height = el.videoHeight;
    const ctx = canvas.getContext('2d')!;
    ctx.drawImage(el, 0, 0);
    return at.map(({ x, y }) => {
      const d = ctx.getImageData(Math.round(x) - 1, Math.round(y) - 1, 3, 3).data;
      let sum = 0;
      for (let i = 0; i < d.length; i += 4) sum += 0.299 * d[i]! + 0.587 * d[i + 1]! + 0.114 * d[i + 2]!;
      return sum / 9;
    });
  }, points);
  return countSquares(luminance);
}

/**
 * Waits until page `n` has just been laid under the camera: its number seen to appear less than
 * a second ago, so that Space lands well inside the two seconds it stays (a page already in view
 * when the wait starts is waited for on the next round of the video).
 */
export async function waitForPageUnderCamera(page: Page, video: SheetVideo, n: number): Promise<void> {
  const deadline = Date.now() + 45_000;
  let shown = await liveNumber(page, video);
  let since: number | null = null;
  while (Date.now() < deadline) {
    await page.waitForTimeout(80);
    const now = await liveNumber(page, video);
    if (now !== shown) {
      shown = now;
      since = Date.now();
    }
    if (shown === n && since !== null && Date.now() - since < 1_000) return;
  }
  throw new Error(`page ${n} did not come under the camera (last seen: ${shown})`);
}

/** Each straightened page image's number, read in the browser from the JPEG bytes. */
export async function numbersOf(page: Page, images: Uint8Array[]): Promise<number[]> {
  return page.evaluate(
    async ({ jpegs, slots }) => {
      const numbers: number[] = [];
      for (const base64 of jpegs) {
        const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
        const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/jpeg' }));
        const canvas = document.createElement('canvas');
        canvas.width = bitmap.width;
        canvas.height = bitmap.height;
        const ctx = canvas.getContext('2d')!;
        ctx.drawImage(bitmap, 0, 0);
        let n = 0;
        for (const slot of slots) {
          const d = ctx.getImageData(Math.round(slot.x * bitmap.width) - 1, Math.round(slot.y * bitmap.height) - 1, 3, 3).data;
          let sum = 0;
          for (let i = 0; i < d.length; i += 4) sum += 0.299 * d[i]! + 0.587 * d[i + 1]! + 0.114 * d[i + 2]!;
          if (sum / 9 >= 110) break;
          n++;
        }
        numbers.push(n);
      }
      return numbers;
    },
    { jpegs: images.map((b) => Buffer.from(b).toString('base64')), slots: NUMBER_SLOTS },
  );
}

/** The paper files the case keeps for a material, straight from IndexedDB: their bytes and type. */
export async function storedPaper(page: Page, caseNo: string, materialId: string): Promise<{ type: string; bytes: Buffer; pages: number | undefined }[]> {
  const rows = await page.evaluate(
    ({ caseNo, materialId }) =>
      new Promise<{ type: string; base64: string; pages: number | undefined }[]>((resolve, reject) => {
        const open = indexedDB.open('e-licence-workstation');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const all = open.result.transaction('paperScans').objectStore('paperScans').getAll();
          all.onerror = () => reject(all.error);
          all.onsuccess = async () => {
            open.result.close();
            const mine = (all.result as { caseNo: string; materialId: string; page: Blob; pages?: number }[]).filter(
              (r) => r.caseNo === caseNo && r.materialId === materialId,
            );
            const out = [];
            for (const row of mine) {
              const bytes = new Uint8Array(await row.page.arrayBuffer());
              let binary = '';
              for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
              out.push({ type: row.page.type, base64: btoa(binary), pages: row.pages });
            }
            resolve(out);
          };
        };
      }),
    { caseNo, materialId },
  );
  return rows.map((r) => ({ type: r.type, bytes: Buffer.from(r.base64, 'base64'), pages: r.pages }));
}

/** Each page's image in a PDF the dialog made (one JPEG per page): its bytes and pixel size, and the page's size in points. */
export async function pdfPages(bytes: Uint8Array): Promise<{ jpeg: Uint8Array; width: number; height: number; points: { width: number; height: number } }[]> {
  const pdf = await PDFDocument.load(bytes);
  return pdf.getPages().map((p) => {
    const xobjects = p.node.Resources()!.lookup(PDFName.of('XObject'), PDFDict);
    const [image] = xobjects.values().map((ref) => pdf.context.lookup(ref));
    if (!(image instanceof PDFRawStream)) throw new Error('a page without its image');
    const size = (key: string) => image.dict.lookup(PDFName.of(key), PDFNumber).asNumber();
    expect(image.dict.get(PDFName.of('Filter'))?.toString()).toBe('/DCTDecode');
    return { jpeg: image.contents, width: size('Width'), height: size('Height'), points: p.getSize() };
  });
}
