/**
 * The built editor HTML, read the way the Flow Library and node-red-dev read it: if this parse finds
 * nothing, the Flow Library lists no node types and shows no icon, and the scorecard passes vacuously.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  builtHtmlPath,
  builtIconsDir,
  catalogNode,
  flowLibrary,
  LANGUAGES,
  NODE_SETS,
  readBuiltHtml,
  readCatalog,
  readSourceHtml,
} from './editor-files';

const CORE_CATEGORIES = ['common', 'function', 'network', 'sequence', 'parser', 'storage', 'analysis', 'social', 'advanced', 'input', 'output'];

describe('editor HTML as the Flow Library reads it', () => {
  it('the build ships each node set’s HTML unchanged beside its .js', () => {
    for (const set of NODE_SETS) {
      assert.equal(readBuiltHtml(set), readSourceHtml(set), `${builtHtmlPath(set)} differs from nodes/${set}.html`);
      assert.ok(fs.existsSync(builtHtmlPath(set).replace(/\.html$/, '.js')), `${set}: no .js beside the HTML`);
    }
  });

  it('each HTML file registers exactly its own type with literal arguments', () => {
    for (const set of NODE_SETS) {
      const { types, errors } = flowLibrary.nodeDefinitions(readBuiltHtml(set));
      assert.deepEqual(errors, [], `${set}: parse problems`);
      assert.deepEqual(Object.keys(types), [set]);
    }
  });

  it('gradium-stt: literal category, colour, icon, one input and three outputs', () => {
    const def = flowLibrary.nodeDefinitions(readBuiltHtml('gradium-stt')).types['gradium-stt'];
    assert.ok(def);
    assert.equal(def.inputs, 1);
    assert.equal(def.outputs, 3);
    assert.equal(def.icon, 'gradium-stt.svg');
    assert.match(String(def.color), /^#[0-9A-Fa-f]{6}$/);
    assert.equal(typeof def.category, 'string');
    const category = String(def.category);
    if (!CORE_CATEGORIES.includes(category)) {
      // A custom category is labelled from the node set's catalog (palette.label.<category>).
      for (const lang of LANGUAGES) {
        const label = catalogNode(readCatalog(lang, 'gradium-stt'), `palette.label.${category}`);
        assert.equal(typeof label, 'string', `${lang}: no palette.label.${category} for the custom category`);
      }
    }
  });

  it('gradium-tts: literal category, colour, icon, one input and two outputs', () => {
    const def = flowLibrary.nodeDefinitions(readBuiltHtml('gradium-tts')).types['gradium-tts'];
    assert.ok(def);
    assert.equal(def.inputs, 1);
    assert.equal(def.outputs, 2);
    assert.equal(def.icon, 'gradium-tts.svg');
    assert.match(String(def.color), /^#[0-9A-Fa-f]{6}$/);
    assert.equal(def.category, flowLibrary.nodeDefinitions(readBuiltHtml('gradium-stt')).types['gradium-stt']?.category);
    for (const lang of LANGUAGES) {
      assert.equal(typeof catalogNode(readCatalog(lang, 'gradium-tts'), `palette.label.${String(def.category)}`), 'string');
    }
  });

  it('gradium-config: a config node with a literal icon and the key as its only credential', () => {
    const def = flowLibrary.nodeDefinitions(readBuiltHtml('gradium-config')).types['gradium-config'];
    assert.ok(def);
    assert.equal(def.category, 'config');
    assert.equal(def.icon, 'gradium-config.svg');
    assert.deepEqual(def.credentials, ['apiKey']);
  });

  it('every icon a definition names exists in the icons folder beside the built .js', () => {
    for (const set of NODE_SETS) {
      const def = flowLibrary.nodeDefinitions(readBuiltHtml(set)).types[set];
      assert.ok(def?.icon, `${set}: no icon`);
      assert.ok(fs.existsSync(path.join(builtIconsDir(set), def.icon)), `${set}: ${def.icon} not in dist icons`);
    }
  });

  it('a definition built the way bundlers emit it is invisible to this parse (the check can fail)', () => {
    const html = readSourceHtml('gradium-stt').replace(
      "RED.nodes.registerType('gradium-stt', {",
      "var TYPE = 'gradium-stt'; RED.nodes.registerType(TYPE, {",
    );
    const { types, errors } = flowLibrary.nodeDefinitions(html);
    assert.deepEqual(Object.keys(types), []);
    assert.ok(errors.some((e) => e.includes('non-literal')));
  });
});
