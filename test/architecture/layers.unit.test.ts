/**
 * The layers stay visible: every import in src/ goes down the order below (or within its own folder), and only
 * src/nodes knows Node-RED. A new folder must be placed in the order before it can import anything.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';

const SRC = path.join(__dirname, '../../../src');

/** Lower ranks are lower layers. settings/spec.ts is the mechanism (below the gate, which validates with it). */
function rankOf(file: string): number {
  const rel = path.relative(SRC, file).split(path.sep);
  const folder = rel.length > 1 ? rel[0]! : '(root)';
  if (folder === 'settings') return rel[1] === 'spec.ts' ? 2.5 : 4;
  const ranks: Record<string, number> = {
    common: 0,
    gradium: 1,
    audio: 2,
    // Phone media-stream events: above the audio layer (base64, G.711), below tts and settings, which use its dialects.
    telephony: 2.7,
    'voice-gate': 3,
    sources: 3,
    tts: 3,
    streams: 5,
    emulator: 5,
    // The Wyoming server maps requests onto streams and speakers.
    wyoming: 5.5,
    nodes: 6,
    '(root)': 7,
  };
  const rank = ranks[folder];
  assert.ok(rank !== undefined, `src/${folder} has no place in the layer order (test/architecture/layers.unit.test.ts)`);
  return rank;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

describe('architecture: layers', () => {
  const files = sourceFiles(SRC);

  it('finds the sources', () => {
    assert.ok(files.length > 50, `${files.length} files`);
  });

  it('every relative import goes to a lower layer or stays in its own folder', () => {
    const problems: string[] = [];
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8');
      for (const m of text.matchAll(/^(?:import|export)\b[^;]*?from '(\.[^']+)'/gm)) {
        const target = path.resolve(path.dirname(file), m[1]!);
        const sameFolder = path.dirname(target) === path.dirname(file);
        const targetFile = fs.existsSync(target + '.ts') ? target + '.ts' : path.join(target, 'index.ts');
        if (sameFolder) continue;
        if (rankOf(targetFile) >= rankOf(file)) problems.push(`${path.relative(SRC, file)} imports ${m[1]}`);
      }
    }
    assert.deepEqual(problems, []);
  });

  it('only src/nodes imports Node-RED', () => {
    const offenders = files.filter(
      (f) => !path.relative(SRC, f).startsWith('nodes' + path.sep) && /from 'node-red'|require\('node-red'\)/.test(fs.readFileSync(f, 'utf8')),
    );
    assert.deepEqual(offenders.map((f) => path.relative(SRC, f)), []);
  });
});
