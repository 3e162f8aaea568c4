/**
 * No value the dialog accepts is refused at deploy, and the other way round: every setting's boundary values
 * (from its declaration in src/settings) go through the editor's validator (the real HTML and resource script,
 * evaluated with the settings the runtime exports) and through the runtime's own check of saved properties and
 * of msg.settings, and both must give the same answer. A real Node-RED then deploys each setting's extremes.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ERROR_CODES } from '../../src/common/error-codes';
import { resolveEndpoint } from '../../src/gradium/endpoints';
import { CONFIG_SPEC } from '../../src/settings/config-spec';
import { parseProps, parseUpdate, rangeText, type SettingSpec, type SettingsSpec } from '../../src/settings/spec';
import { STT_SPEC } from '../../src/settings/stt-spec';
import { STT_DEFAULTS, TTS_DEFAULTS } from '../../src/nodes/node-config';
import { propsFromConfig } from '../../src/nodes/stt-input';
import { propsFromConfig as ttsPropsFromConfig } from '../../src/nodes/tts-input';
import { TTS_SPEC } from '../../src/settings/tts-spec';
import { DIALECTS, unplayableReason, type Dialect } from '../../src/telephony/dialects';
import { TtsRun, unloadTts } from '../nodes/tts-harness';
import { startEmulator, type Emulator } from '../../src/emulator';
import { helper, SttHarness } from '../nodes/stt-harness';
import { until } from '../helpers/speech-audio';
import { evaluateDefinitions, readSourceHtml, REPO_ROOT, type EvaluatedDefinition } from './editor-files';

/** Values on and around every edge of a declaration, as the editor would save them and as a flow would send them. */
function boundaryValues(spec: SettingSpec): unknown[] {
  switch (spec.type) {
    case 'number': {
      const step = spec.integer ? 1 : Math.min(0.01, (spec.max - spec.min) / 100);
      const values: unknown[] = [spec.min, spec.max, spec.min - step, spec.max + step, String(spec.min), String(spec.max)];
      values.push(0, -1, '', 'abc', ' 5 ', spec.default, String(spec.default));
      if (spec.integer) values.push(spec.min + 0.5, String(spec.max - 0.5));
      if (spec.orZero) values.push('0', 0.5, spec.min - 1);
      return values;
    }
    case 'choice':
      return [...spec.values, ...spec.values.map(String), 'nope', '', 999, null];
    case 'boolean':
      return [true, false, 'true', 'false', 'yes', 1, null];
    case 'text': {
      const values: unknown[] = ['', ' ', 'x', spec.default, 42, null];
      if (spec.maxLength !== undefined) values.push('a'.repeat(spec.maxLength), 'a'.repeat(spec.maxLength + 1));
      return values;
    }
    case 'json':
      return ['', '{}', '{"temp": 0.2}', ' {"a": [1]} ', '[1, 2]', '"text"', '{"temp": ', 'null', '42'];
  }
}

function editorAccepts(def: EvaluatedDefinition, name: string, value: unknown): boolean {
  const d = def.defaults[name];
  assert.ok(d, `the editor declares no property ${name}`);
  if (!d.validate) return true;
  return d.validate.call({}, value, { label: name }) === true;
}

function runtimeAccepts(check: () => unknown): boolean {
  try {
    check();
    return true;
  } catch (err) {
    assert.equal((err as { code?: string }).code, 'SETTING_REFUSED', String(err));
    return false;
  }
}

function walk(type: string, specs: SettingsSpec, def: EvaluatedDefinition, defaults: Record<string, unknown>, runtime: (props: Record<string, unknown>) => unknown): void {
  for (const [name, spec] of Object.entries(specs)) {
    // The dialog saves what its fields hold: text for text fields, true/false for a checkbox.
    const values = boundaryValues(spec).filter(
      (v) => !(spec.type === 'boolean' && typeof v !== 'boolean') && !(spec.type === 'text' && typeof v !== 'string'),
    );
    it(`${type}.${name}: the dialog and the runtime agree on ${values.length} boundary values`, () => {
      let accepted = 0;
      for (const value of values) {
        const editor = editorAccepts(def, name, value);
        const deploy = runtimeAccepts(() => runtime({ ...defaults, [name]: value }));
        assert.equal(editor, deploy, `${name} = ${JSON.stringify(value)}: editor ${editor ? 'accepts' : 'refuses'}, runtime ${deploy ? 'accepts' : 'refuses'}`);
        if (spec.live) {
          const live = runtimeAccepts(() => parseUpdate(specs, { [name]: value }));
          // msg.settings comes from flows, not the dialog: it may take a JSON object itself, never less than the dialog.
          if (editor) assert.equal(live, true, `msg.settings.${name} = ${JSON.stringify(value)} is refused but the dialog accepts it`);
          if (!deploy && typeof value !== 'object') assert.equal(live, false, `msg.settings.${name} = ${JSON.stringify(value)}`);
        }
        if (editor) accepted += 1;
      }
      assert.ok(accepted > 0, `${name}: no value accepted`);
      if (spec.type !== 'boolean' && !(spec.type === 'text' && !spec.required && spec.maxLength === undefined)) {
        assert.ok(accepted < values.length, `${name}: the walk tried no refused value (${accepted}/${values.length})`);
      }
    });
  }
}

describe('settings boundaries: dialog = runtime', () => {
  const stt = evaluateDefinitions(readSourceHtml('gradium-stt'))['gradium-stt']!;
  const config = evaluateDefinitions(readSourceHtml('gradium-config'))['gradium-config']!;

  describe('gradium-stt', () => {
    walk('gradium-stt', STT_SPEC, stt, STT_DEFAULTS, (props) => propsFromConfig(props));
  });

  describe('gradium-tts', () => {
    const tts = evaluateDefinitions(readSourceHtml('gradium-tts'))['gradium-tts']!;
    walk('gradium-tts', TTS_SPEC, tts, TTS_DEFAULTS, (props) => ttsPropsFromConfig(props));
  });

  describe('gradium-config', () => {
    walk('gradium-config', { region: CONFIG_SPEC.region }, config, {}, (props) => parseProps(CONFIG_SPEC, props));

    it('the custom endpoint: the dialog accepts exactly the URLs the runtime connects to', () => {
      const urls = [
        'wss://api.gradium.ai/api/speech/asr',
        'wss://10.0.0.5:8443/asr',
        'ws://127.0.0.1:8765/api/speech/asr',
        'ws://127.1.2.3:8765/x',
        'ws://localhost:1/x',
        'ws://LOCALHOST:1/x',
        'ws://[::1]:2/x',
        'ws://10.0.0.5:8765/asr',
        'ws://api.gradium.ai/api/speech/asr',
        'https://api.gradium.ai',
        'http://127.0.0.1:8765',
        'not a url',
        'wss://${GRADIUM_HOST}/api/speech/asr',
      ];
      for (const url of urls) {
        const editor = config.defaults.endpoint!.validate!.call({ region: 'custom' }, url, { label: 'endpoint' }) === true;
        let runtime = true;
        try {
          resolveEndpoint('custom', url);
        } catch {
          runtime = false;
        }
        assert.equal(editor, runtime, `${url}: editor ${editor}, runtime ${runtime}`);
      }
    });
  });

  describe('a real Node-RED deploys every setting at its extremes', () => {
    let emu: Emulator;
    before(async () => {
      emu = await startEmulator({ port: 0 });
    });
    after(async () => emu.close());
    afterEach(() => helper.unload());

    for (const edge of ['min', 'max'] as const) {
      it(`every setting at its ${edge}: the node deploys, and a stream opens a Gradium session with them`, async () => {
        const props: Record<string, unknown> = {};
        for (const [name, spec] of Object.entries(STT_SPEC) as [string, SettingSpec][]) {
          if (spec.type === 'number') props[name] = edge === 'min' ? spec.min : spec.max;
          if (spec.type === 'choice') props[name] = edge === 'min' ? spec.values[0] : spec.values[spec.values.length - 1];
        }
        const h = await SttHarness.start(emu.url, props);
        h.send({ topic: 'edge', action: 'start' });
        await until('a connected message', () => h.connected.length > 0 || h.errors.length > 0);
        assert.deepEqual(h.errors, []);
        assert.ok(!h.statuses.some((s) => s.fill === 'red'), JSON.stringify(h.statuses));
        assert.equal(h.connected[0]!.payload.delayInFrames, props.delayInFrames);
      });
    }
  });
});

describe('gradium-tts deploys every setting at its extremes and speaks with them', () => {
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator({ port: 0 });
  });
  after(async () => emu.close());
  afterEach(() => unloadTts());

  for (const edge of ['min', 'max'] as const) {
    it(`every setting at its ${edge}`, async () => {
      const props: Record<string, unknown> = {};
      for (const [name, spec] of Object.entries(TTS_SPEC) as [string, SettingSpec][]) {
        if (spec.type === 'number') props[name] = edge === 'min' ? spec.min : spec.max;
        if (spec.type === 'choice') props[name] = edge === 'min' ? spec.values[0] : spec.values[spec.values.length - 1];
      }
      // The first format (wav) needs file delivery: the one combination the node refuses.
      if (props.format === 'wav') props.delivery = 'file';
      // media-stream delivery plays only what the phone provider carries: the first dialect that plays the format.
      if (props.delivery === 'media-stream' && unplayableReason(props.dialect as Dialect, String(props.format), Number(props.sampleRate))) {
        props.dialect = DIALECTS.find((d) => !unplayableReason(d, String(props.format), Number(props.sampleRate)));
      }
      const run = await TtsRun.start({ url: emu.url, apiKey: 'edge-key', props });
      run.send({ topic: 'edge', payload: 'edge case' });
      await run.waitEnds(1);
      assert.deepEqual(run.caught, []);
      const s = emu.ttsSessions.at(-1)!;
      assert.deepEqual(s.config, { padding_bonus: props.speed === 0 ? 0 : -(props.speed as number), temp: props.temperature });
    });
  }
});

describe('settings in the help and the README', () => {
  it('the README tables (settings, error codes) are the ones written from src/', () => {
    const check = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'docs-tables.js'), '--check'], { encoding: 'utf8' });
    assert.equal(check.status, 0, check.stderr);
  });

  for (const [lang, type, specs] of [
    ['en-US', 'gradium-stt', STT_SPEC],
    ['de', 'gradium-stt', STT_SPEC],
    ['en-US', 'gradium-tts', TTS_SPEC],
    ['de', 'gradium-tts', TTS_SPEC],
  ] as const) {
    it(`the built ${lang} help lists every ${type} setting with its default and accepted values`, () => {
      const help = fs.readFileSync(path.join(REPO_ROOT, 'dist', 'nodes', 'locales', lang, `${type}.html`), 'utf8');
      assert.ok(!help.includes('<!-- settings-table -->'), 'the placeholder was filled');
      for (const [name, spec] of Object.entries(specs) as [string, SettingSpec][]) {
        if (name === 'name') continue;
        const row = new RegExp(`<tr><td><code>${name}</code></td>.*</tr>`).exec(help)?.[0];
        assert.ok(row, `${lang}: no row for ${name}`);
        assert.ok(row.includes(escapeHtml(rangeText(spec))), `${lang}: ${name} row lacks "${rangeText(spec)}": ${row}`);
        assert.equal(row.endsWith('<td>✓</td></tr>'), spec.live === true, `${lang}: ${name} live mark`);
      }
      for (const code of Object.keys(ERROR_CODES)) assert.ok(help.includes(`<code>${code}</code>`), `${lang}: help lacks ${code}`);
    });
  }
});

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
}
