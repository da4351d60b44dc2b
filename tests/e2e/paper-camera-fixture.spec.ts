import { chromium, expect, test } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectSheet } from '../../shared/document-scan';
import { writeSheetVideoY4m } from '../fixtures/paper/y4m';

// The document camera's fixture as Chromium plays it: a page opens the fake camera at its
// highest resolution, grabs a frame, and the sheet in it is where the video put it.
test("Chromium's fake camera plays the photographed sheet at full resolution", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'paper-camera-'));
  const server = createServer((_req, res) =>
    res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>camera</title><video muted playsinline></video>'),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const video = writeSheetVideoY4m(join(dir, 'sheet.y4m'), { width: 1280, height: 720, pages: 1, framesPerPage: 3 });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-video-capture=${video.path}`,
    ],
  });
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    const grabbed = await page.evaluate(async () => {
      const stream = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 4096 }, height: { ideal: 2160 } }, audio: false });
      const settings = stream.getVideoTracks()[0]!.getSettings();
      const el = document.querySelector('video')!;
      el.srcObject = stream;
      await el.play();
      await new Promise((resolve) => setTimeout(resolve, 500));
      const canvas = document.createElement('canvas');
      canvas.width = el.videoWidth;
      canvas.height = el.videoHeight;
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(el, 0, 0);
      const pixels = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
      for (const track of stream.getTracks()) track.stop();
      let binary = '';
      for (let i = 0; i < pixels.length; i += 0x8000) binary += String.fromCharCode(...pixels.subarray(i, i + 0x8000));
      return { width: canvas.width, height: canvas.height, settings: { width: settings.width, height: settings.height }, base64: btoa(binary) };
    });
    expect(grabbed.settings).toEqual({ width: 1280, height: 720 });
    const frame = { data: new Uint8ClampedArray(Buffer.from(grabbed.base64, 'base64')), width: grabbed.width, height: grabbed.height };
    const found = detectSheet(frame);
    expect(found).not.toBeNull();
    found!.corners.forEach((p, i) => expect(Math.hypot(p.x - video.corners[i]!.x, p.y - video.corners[i]!.y)).toBeLessThan(4));
  } finally {
    await browser.close();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
