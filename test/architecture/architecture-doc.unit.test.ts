/**
 * docs/architecture.md keeps up with src/: every folder under src/ has its row in the folder table, with a
 * one-line purpose, and every row names a folder that exists or is marked as planned.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '../../..');

function folderRows(): Map<string, string> {
  const doc = fs.readFileSync(path.join(ROOT, 'docs/architecture.md'), 'utf8');
  const rows = new Map<string, string>();
  for (const m of doc.matchAll(/^\| `src\/([\w-]+)\/` \| (.*) \|$/gm)) rows.set(m[1]!, m[2]!.trim());
  return rows;
}

describe('architecture: docs/architecture.md', () => {
  const rows = folderRows();
  const folders = fs
    .readdirSync(path.join(ROOT, 'src'), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name);

  it('has a purpose line for every folder under src/', () => {
    assert.ok(folders.length >= 9, `${folders.length} folders`);
    const missing = folders.filter((f) => !rows.has(f));
    assert.deepEqual(missing, [], 'folders without a row in docs/architecture.md');
    for (const f of folders) assert.ok(rows.get(f)!.split(/\s+/).length >= 5, `src/${f}/: "${rows.get(f)}" is not a purpose`);
  });

  it('names no folder that neither exists nor is marked as planned', () => {
    const stale = [...rows].filter(([f, purpose]) => !folders.includes(f) && !purpose.startsWith('*planned'));
    assert.deepEqual(stale.map(([f]) => f), []);
  });
});
