import type { Page } from '@playwright/test';
import { objectionRows } from '../../renderer/features/objections/objections';

type SeedRows = ReturnType<typeof objectionRows>[];

/**
 * Writes objections and their outbox items into the page's IndexedDB in one transaction,
 * shaped exactly as the app writes them (`objectionRows`): the way tests and the outbox
 * benchmark queue hundreds of items without filing each through the form.
 */
export async function writeObjectionRows(page: Page, rows: SeedRows): Promise<void> {
  // As JSON text: Playwright's typing of an argument recurses without end into the face values' JSON type.
  await page.evaluate(
    (text) =>
      new Promise<void>((resolve, reject) => {
        const all = JSON.parse(text) as Array<{ objection: unknown; outbox: unknown }>;
        const open = indexedDB.open('e-licence-workstation');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction(['objections', 'outbox'], 'readwrite');
          for (const row of all) {
            tx.objectStore('objections').put(row.objection);
            tx.objectStore('outbox').add(row.outbox);
          }
          tx.oncomplete = () => {
            db.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    JSON.stringify(rows),
  );
}
