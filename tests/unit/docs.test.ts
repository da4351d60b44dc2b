import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

// The repo documents itself (docs/): a comment cites a file of the repo, never a document that
// stays behind when the repo is cloned alone, and every citation and link leads somewhere.
const ROOT = join(import.meta.dirname, '../..');
const SKIP = new Set(['node_modules', '.git', 'out', 'dist', 'dist-web', 'release', '.data', 'test-results', 'playwright-report', '.tmp', 'fixtures']);
const SOURCE = /\.(ts|vue|js|mjs|cjs|yml|json|md|html|css)$/;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (SKIP.has(name) || name === 'package-lock.json') return [];
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return SOURCE.test(name) ? [path] : [];
  });
}

const ALL = files(ROOT).map((path) => ({ path: relative(ROOT, path), text: readFileSync(path, 'utf8') }));
const DOCS = ALL.filter((f) => f.path.startsWith('docs/'));

/** The numbers of a document's headings: `## 3. The parts` → `3`, `### 3.6 …` → `3.6`. */
function sectionsOf(doc: string): Set<string> {
  return new Set([...doc.matchAll(/^#{2,4} (\d+(?:\.\d+)*)\.? /gm)].map((m) => m[1]!));
}

describe('the repo documents itself', () => {
  it('cites no document outside the repo', () => {
    const outside = /(?<![\w/-])(?:API|DESIGN|STYLE)\.md\b|\bnotes\/(?:stack|measurements)\.md\b|\/work\/shared\//;
    const citing = ALL.filter((f) => f.path !== 'tests/unit/docs.test.ts' && outside.test(f.text)).map((f) => f.path);
    expect(citing).toEqual([]);
  });

  it('cites sections of docs/ that exist', () => {
    const sections = new Map(DOCS.map((d) => [d.path, sectionsOf(d.text)]));
    const broken: string[] = [];
    let citations = 0;
    for (const file of ALL) {
      for (const m of file.text.matchAll(/(docs\/[\w-]+\.md) §(\d+(?:\.\d+)*)((?:(?:,| and) §?\d+(?:\.\d+)*)*)/g)) {
        const more = [...m[3]!.matchAll(/\d+(?:\.\d+)*/g)].map((n) => n[0]);
        for (const section of [m[2]!, ...more]) {
          citations++;
          if (!sections.get(m[1]!)?.has(section)) broken.push(`${file.path}: ${m[1]} §${section}`);
        }
      }
    }
    expect(broken).toEqual([]);
    expect(citations).toBeGreaterThan(50);
  });

  it('names files and folders of the repo that exist', () => {
    const missing: string[] = [];
    for (const doc of DOCS) {
      for (const m of doc.text.matchAll(/`((?:shared|electron|renderer|sandbox|hall|tests|scripts|docs)\/[\w./-]*)`/g)) {
        if (!m[1]!.startsWith('hall/') && !existsSync(join(ROOT, m[1]!))) missing.push(`${doc.path}: ${m[1]}`);
      }
      for (const m of doc.text.matchAll(/\]\(((?:\.\.\/|\.\/)?[\w./-]+)(?:#[\w-]+)?\)/g)) {
        if (!/^https?:/.test(m[1]!) && !existsSync(join(ROOT, dirname(doc.path), m[1]!))) missing.push(`${doc.path}: link ${m[1]}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
