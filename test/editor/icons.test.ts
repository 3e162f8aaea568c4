/**
 * Palette and Flow Library icons: SVG files with names no other package is likely to use, a white glyph on
 * a transparent background, in Node-RED's 2:3 shape, shipped beside the built node files.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { builtIconsDir, flowLibrary, NODE_SETS, readSourceHtml, REPO_ROOT } from './editor-files';

const WHITE_OR_NONE = /^(#fff|#ffffff|white|none|transparent)$/i;

describe('icons', () => {
  for (const set of NODE_SETS) {
    describe(set, () => {
      const icon = flowLibrary.nodeDefinitions(readSourceHtml(set)).types[set]?.icon;

      it('names an SVG file with a package-specific name', () => {
        assert.equal(typeof icon, 'string');
        assert.match(String(icon), /^gradium-[a-z-]+\.svg$/);
      });

      it('exists in icons/ and in the build', () => {
        const source = path.join(REPO_ROOT, 'icons', String(icon));
        assert.ok(fs.existsSync(source), `${source} missing`);
        const built = path.join(builtIconsDir(set), String(icon));
        assert.ok(fs.existsSync(built), `${built} missing: run npm run build`);
        assert.ok(fs.readFileSync(built).equals(fs.readFileSync(source)), 'the built icon differs from the source');
      });

      it('is an SVG document in a 2:3 box, white on transparent', () => {
        const svg = fs.readFileSync(path.join(REPO_ROOT, 'icons', String(icon)), 'utf8');
        const root = /<svg\b[^>]*>/.exec(svg)?.[0] ?? '';
        assert.match(root, /xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
        const box = /viewBox="\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*"/.exec(root);
        assert.ok(box, 'no viewBox');
        assert.equal(Number(box[3]) / Number(box[4]), 2 / 3);
        for (const m of svg.matchAll(/\b(fill|stroke|stop-color|color)\s*[=:]\s*"?([^";\s>]+)/g)) {
          assert.match(m[2] ?? '', WHITE_OR_NONE, `${m[1]} ${m[2]} is not white`);
        }
        assert.ok(!/<image\b/.test(svg), 'embedded bitmap');
        // A shape covering the whole box would be a background.
        const fullRect = new RegExp(`<rect[^>]*width="${box[3]}"[^>]*height="${box[4]}"`);
        assert.ok(!fullRect.test(svg), 'a background rectangle');
      });
    });
  }
});
