'use strict';
/**
 * The editor, the catalogs, the help and the example agree with the one list of settings
 * (nodes/lib/mic-settings.js): the Flow Library reads the definition, the dialog saves the defaults the
 * runtime reads, its validators accept exactly what the runtime accepts, every label has words in
 * English and German, and the example flow deploys settings the runtime takes as they are.
 */
const { describe, it } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const { SETTINGS, NAMES, readSettings } = require('../../nodes/lib/mic-settings');

const DASH = path.resolve(__dirname, '..', '..');
const HTML = fs.readFileSync(path.join(DASH, 'nodes', 'ui-gradium-mic.html'), 'utf8');
const LANGS = ['en-US', 'de'];
// The Flow Library's reading of editor HTML, shared with the root package's scorecard.
const { nodeDefinitions } = require(path.join(DASH, '..', 'scripts', 'flow-library-types.js'));
/** Dashboard's standard widget properties, beside the widget's own settings. */
const DASHBOARD_PROPS = { name: '', order: 0, width: 0, height: 0, className: '' };

const catalog = (lang) => JSON.parse(fs.readFileSync(path.join(DASH, 'nodes', 'locales', lang, 'ui-gradium-mic.json'), 'utf8'));

function lookup(obj, dotted) {
  return dotted.split('.').reduce((at, k) => (at && typeof at === 'object' ? at[k] : undefined), obj);
}

/** Runs the editor script with a minimal RED; returns the registered definition. */
function evaluateDefinition(lang) {
  const messages = catalog(lang);
  let registered;
  const RED = {
    _: (key) => {
      const local = key.replace(/^node-red-dashboard-2-gradium-mic\/ui-gradium-mic:/, '');
      const text = lookup(messages, local);
      return typeof text === 'string' ? text : key;
    },
    nodes: { registerType: (type, def) => (registered = { type, def }), node: () => null, subflow: () => null },
  };
  const script = /<script type="text\/javascript">([\s\S]*?)<\/script>/.exec(HTML)[1];
  vm.runInNewContext(script, { RED, $: () => ({ val: () => '', toggleClass: () => undefined }) });
  assert.equal(registered?.type, 'ui-gradium-mic');
  return registered.def;
}

describe('editor definition', () => {
  it('is readable by the Flow Library: literal type, icon, colour, one input, two outputs', () => {
    const { types, errors } = nodeDefinitions(HTML);
    assert.deepEqual(errors, []);
    const def = types['ui-gradium-mic'];
    assert.ok(def);
    assert.equal(def.icon, 'gradium-mic.svg');
    assert.ok(fs.existsSync(path.join(DASH, 'nodes', 'icons', def.icon)));
    assert.equal(def.inputs, 1);
    assert.equal(def.outputs, 2);
    assert.equal(typeof def.color, 'string');
  });

  it('saves the defaults of nodes/lib/mic-settings.js, and Dashboard\'s own widget properties', () => {
    const def = nodeDefinitions(HTML).types['ui-gradium-mic'];
    const expected = { ...DASHBOARD_PROPS };
    for (const name of NAMES) expected[name] = SETTINGS[name].default;
    assert.deepEqual(def.defaultValues, expected);
    assert.deepEqual(Object.keys(def.defaults).sort(), [...Object.keys(expected), 'group'].sort());
    assert.equal(def.defaults.group.type, 'ui-group');
    assert.equal(def.defaults.group.required, true);
  });

  it('its validators accept what the runtime accepts, and explain the rest', () => {
    const def = evaluateDefinition('en-US');
    for (const name of NAMES) {
      const s = SETTINGS[name];
      const validate = def.defaults[name].validate;
      if ('boolean' in s) continue; // checkboxes: nothing to type wrong
      assert.equal(typeof validate, 'function', `${name} has a validator`);
      const check = (v) => validate.call({}, v, { label: 'Label' });
      const runtimeTakes = (v) => readSettings({ [name]: v }).problems.length === 0;
      const samples = 'values' in s ? [...s.values, 'nonsense', 'HOLD']
        : 'integer' in s ? [s.min, s.max, s.min - 1, s.max + 1, 2.5, 'abc', String(s.max)]
          : ['', 'x'.repeat(s.maxLength), 'x'.repeat(s.maxLength + 1)];
      for (const v of samples) {
        const result = check(v);
        assert.equal(result === true, runtimeTakes(v), `${name} = ${JSON.stringify(v)}: editor says ${result}`);
        if (result !== true) assert.match(String(result), /^Label: \S/, `${name}: the message names the field`);
      }
    }
  });

  it('every data-i18n key of the dialog and every label key has a text in English and German', () => {
    const keys = new Set([...HTML.matchAll(/data-i18n="(?:\[\w+\])?([^"]+)"/g)].map((m) => m[1]));
    for (const m of HTML.matchAll(/\btr\('([^']+)'/g)) keys.add(m[1]);
    for (const m of HTML.matchAll(/this\._\('([^']+)'/g)) keys.add(m[1]);
    for (const by of SETTINGS.keyBy.values) keys.add(`ui-gradium-mic.hint.keyBy.${by}`);
    assert.ok(keys.size > 20, `found ${keys.size} keys`);
    for (const lang of LANGS) {
      const messages = catalog(lang);
      for (const key of keys) assert.equal(typeof lookup(messages, key), 'string', `${lang}: no text for ${key}`);
    }
    // The two catalogs have the same keys.
    const flat = (o, p = '') => Object.entries(o).flatMap(([k, v]) => (typeof v === 'object' ? flat(v, `${p}${k}.`) : [`${p}${k}`]));
    assert.deepEqual(flat(catalog('de')).sort(), flat(catalog('en-US')).sort());
  });

  it('has help in English and German that names every output property and setting', () => {
    for (const lang of LANGS) {
      const help = fs.readFileSync(path.join(DASH, 'nodes', 'locales', lang, 'ui-gradium-mic.html'), 'utf8');
      assert.match(help, /data-help-name="ui-gradium-mic"/);
      for (const word of ['action', 'payload', 'format', 'topic', 'mic', '_client', 'ui_update', 'enabled', 'maxSeconds', 'onRelease']) {
        assert.ok(help.includes(word), `${lang} help mentions ${word}`);
      }
    }
  });
});

describe('README', () => {
  it('lists every setting with its default', () => {
    const readme = fs.readFileSync(path.join(DASH, 'README.md'), 'utf8');
    for (const name of NAMES) {
      const row = new RegExp(`^\\| [^|]+ \\(\`${name}\`\\) \\| \`${JSON.stringify(SETTINGS[name].default).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\` \\|`, 'm');
      assert.match(readme, row, `README settings table: ${name}`);
    }
  });
});

describe('example flow', () => {
  const file = path.join(DASH, 'examples', 'Microphone to transcript.json');
  const flow = JSON.parse(fs.readFileSync(file, 'utf8'));
  const byType = (t) => flow.filter((n) => n.type === t);

  it('has the widget with settings the runtime takes as they are', () => {
    const [mic] = byType('ui-gradium-mic');
    assert.ok(mic);
    assert.deepEqual(readSettings(mic).problems, []);
    for (const name of NAMES) assert.ok(name in mic, `the example saves ${name}`);
  });

  it('wires the widget into gradium-stt and the transcripts back into the widget and a Switch', () => {
    const [mic] = byType('ui-gradium-mic');
    const [stt] = byType('gradium-stt');
    assert.ok(stt, 'gradium-stt is in the example');
    assert.ok(mic.wires[0].includes(stt.id), 'output 1 → gradium-stt');
    assert.ok(stt.wires[2].includes(mic.id), 'transcripts → the widget');
    const switches = byType('switch').map((n) => n.id);
    assert.ok(stt.wires[2].some((id) => switches.includes(id)), 'transcripts → a Switch');
    const group = byType('ui-group').find((g) => g.id === mic.group);
    assert.ok(group, "the widget's group is in the example");
    assert.ok(byType('ui-page').some((p) => p.id === group.page));
  });

  it('holds no API key', () => {
    const [cfg] = byType('gradium-config');
    assert.ok(cfg);
    assert.equal(cfg.credentials, undefined);
    assert.doesNotMatch(JSON.stringify(flow), /gsk_/);
  });
});
