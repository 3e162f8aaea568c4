/**
 * The editor saves what the runtime reads: the defaults in the HTML must be the ones in
 * src/nodes/node-config.ts, and each property must carry a label and, where it has a validator, a
 * Node-RED 3.1 two-parameter one that accepts the default and explains a bad value.
 */
import { strict as assert } from 'node:assert';
import { REGIONS } from '../../src/gradium/endpoints';
import { CONFIG_DEFAULTS, STT_DEFAULTS, TTS_DEFAULTS } from '../../src/nodes/node-config';
import {
  evaluateDefinitions,
  flowLibrary,
  LANGUAGES,
  readCatalog,
  readSourceHtml,
  translator,
  type EvaluatedDefinition,
} from './editor-files';

function definition(set: 'gradium-config' | 'gradium-stt' | 'gradium-tts', lang: (typeof LANGUAGES)[number] = 'en-US'): EvaluatedDefinition {
  const def = evaluateDefinitions(readSourceHtml(set), lang)[set];
  assert.ok(def, `${set} was not registered`);
  return def;
}

/** Runs a property's validator the way the editor does: `this` is the node, `opt.label` the label. */
function validate(def: EvaluatedDefinition, prop: string, value: unknown, node: Record<string, unknown> = {}): unknown {
  const d = def.defaults[prop];
  assert.ok(d?.validate, `${prop} has no validator`);
  return d.validate.call(node, value, { label: String(d.label) });
}

describe('editor defaults match src/nodes/node-config.ts', () => {
  it('gradium-stt: the literal defaults are STT_DEFAULTS plus the config reference', () => {
    const parsed = flowLibrary.nodeDefinitions(readSourceHtml('gradium-stt')).types['gradium-stt'];
    assert.ok(parsed);
    assert.deepEqual(parsed.defaultValues, { ...STT_DEFAULTS, gradium: '' });
    assert.deepEqual(Object.keys(parsed.defaults).sort(), [...Object.keys(STT_DEFAULTS), 'gradium'].sort());
  });

  it('gradium-tts: the literal defaults are TTS_DEFAULTS plus the config reference', () => {
    const parsed = flowLibrary.nodeDefinitions(readSourceHtml('gradium-tts')).types['gradium-tts'];
    assert.ok(parsed);
    assert.deepEqual(parsed.defaultValues, { ...TTS_DEFAULTS, gradium: '' });
    assert.deepEqual(Object.keys(parsed.defaults).sort(), [...Object.keys(TTS_DEFAULTS), 'gradium'].sort());
  });

  it('gradium-config: the literal defaults are CONFIG_DEFAULTS', () => {
    const parsed = flowLibrary.nodeDefinitions(readSourceHtml('gradium-config')).types['gradium-config'];
    assert.ok(parsed);
    assert.deepEqual(parsed.defaultValues, { ...CONFIG_DEFAULTS });
  });

  it('the Name field comes last in the dialog', () => {
    for (const set of ['gradium-config', 'gradium-stt', 'gradium-tts'] as const) {
      const html = readSourceHtml(set);
      const prefix = set === 'gradium-config' ? 'node-config-input-' : 'node-input-';
      const ids = [...html.matchAll(new RegExp(`id="${prefix}([A-Za-z]+)"`, 'g'))].map((m) => m[1]);
      assert.equal(ids.at(-1), 'name', `${set}: the last field of the dialog is ${ids.at(-1)}`);
    }
  });

  it('the config reference is required and typed; the key is a password credential', () => {
    for (const set of ['gradium-stt', 'gradium-tts'] as const) {
      const def = definition(set);
      assert.equal(def.defaults.gradium?.type, 'gradium-config');
      assert.equal(def.defaults.gradium?.required, true);
    }
    const config = definition('gradium-config');
    // Objects made in the VM have another realm's prototypes: compare their JSON.
    assert.deepEqual(JSON.parse(JSON.stringify(config.credentials)), { apiKey: { type: 'password' } });
  });

  for (const lang of LANGUAGES) {
    it(`every property has a label from the ${lang} catalog`, () => {
      for (const set of ['gradium-config', 'gradium-stt', 'gradium-tts'] as const) {
        const labels = readCatalog(lang, set)[set];
        assert.ok(labels && typeof labels === 'object');
        for (const [prop, d] of Object.entries(definition(set, lang).defaults)) {
          assert.equal(typeof d.label, 'string', `${set}.${prop}: no label`);
          const expected: string | undefined = (labels.label as Record<string, string>)[prop];
          assert.equal(d.label, expected, `${set}.${prop}: label is not ${set}.label.${prop} of ${lang}`);
        }
      }
    });
  }

  it('every validator takes (value, opt), so Node-RED shows its message', () => {
    for (const set of ['gradium-config', 'gradium-stt', 'gradium-tts'] as const) {
      for (const [prop, d] of Object.entries(definition(set).defaults)) {
        if (d.validate) assert.equal(d.validate.length, 2, `${set}.${prop}: validator arity ${d.validate.length}`);
      }
    }
  });

  it('every default value passes its own validator', () => {
    for (const set of ['gradium-config', 'gradium-stt', 'gradium-tts'] as const) {
      const def = definition(set);
      const node = Object.fromEntries(Object.entries(def.defaults).map(([k, d]) => [k, d.value]));
      for (const [prop, d] of Object.entries(def.defaults)) {
        if (d.validate) assert.equal(d.validate.call(node, d.value, { label: String(d.label) }), true, `${set}.${prop}`);
      }
    }
  });
});

describe('editor validators explain bad values', () => {
  const stt = definition('gradium-stt');
  const t = translator('en-US');
  const ns = 'node-red-contrib-gradium/gradium-stt:';

  const bad: [string, unknown][] = [
    ['maxStreams', 0],
    ['maxStreams', '2.5'],
    ['sampleRate', 'fast'],
    ['channels', 33],
    ['vadThreshold', '0'],
    ['vadThreshold', 1],
    ['vadThreshold', 1.5],
    ['vadSteps', 0],
    ['flushTimeout', -1],
    ['idleTimeout', 'soon'],
    ['bufferSeconds', 301],
    ['language', 'xx'],
    ['delayInFrames', 9],
    ['vadHorizon', 5],
    ['encoding', 'mp3'],
    ['turnMode', 'sometimes'],
    ['keyProperty', 'a..b'],
    ['jsonConfig', '{"temp": '],
    ['jsonConfig', '[1, 2]'],
    ['jsonConfig', '"text"'],
  ];
  for (const [prop, value] of bad) {
    it(`${prop} = ${JSON.stringify(value)} gives a message naming the field`, () => {
      const result = validate(stt, prop, value);
      assert.equal(typeof result, 'string');
      assert.ok(String(result).startsWith(t(`${ns}gradium-stt.label.${prop}`) + ': '), String(result));
    });
  }

  const good: [string, unknown][] = [
    ['maxStreams', '200'],
    ['vadThreshold', '0.01'],
    ['idleTimeout', 0],
    ['keyProperty', 'payload.deviceId'],
    ['jsonConfig', ''],
    ['jsonConfig', '{"temp": 0.2, "padding_bonus": 1}'],
    ['delayInFrames', '48'],
    ['vadHorizon', '0.5'],
    ['language', 'any'],
  ];
  for (const [prop, value] of good) {
    it(`${prop} = ${JSON.stringify(value)} is accepted`, () => {
      assert.equal(validate(stt, prop, value), true);
    });
  }

  it('validator messages are translated (German)', () => {
    const de = definition('gradium-stt', 'de');
    const result = validate(de, 'maxStreams', 0);
    assert.equal(result, 'Max. Streams: Muss eine ganze Zahl von 1 bis 10000 sein');
  });

  describe('gradium-tts', () => {
    const tts = definition('gradium-tts');
    const tns = 'node-red-contrib-gradium/gradium-tts:';
    const ttsBad: [string, unknown][] = [
      ['voice', ''],
      ['voice', 'v'.repeat(101)],
      ['model', ' '],
      ['format', 'mp3'],
      ['sampleRate', 11025],
      ['delivery', 'radio'],
      ['speed', 5],
      ['speed', 'quick'],
      ['temperature', -0.1],
      ['temperature', 1.5],
      ['unmuteDelay', 2.5],
      ['unmuteDelay', 10001],
      ['keyProperty', 'a..b'],
    ];
    for (const [prop, value] of ttsBad) {
      it(`${prop} = ${JSON.stringify(value)} gives a message naming the field`, () => {
        const result = validate(tts, prop, value);
        assert.equal(typeof result, 'string');
        assert.ok(String(result).startsWith(t(`${tns}gradium-tts.label.${prop}`) + ': '), String(result));
      });
    }
    const ttsGood: [string, unknown][] = [
      ['voice', 'my-cloned-voice-01'],
      ['sampleRate', '48000'],
      ['speed', '-4'],
      ['speed', 2.5],
      ['temperature', '0'],
      ['unmuteDelay', 0],
      ['keyProperty', 'payload.siteId'],
    ];
    for (const [prop, value] of ttsGood) {
      it(`${prop} = ${JSON.stringify(value)} is accepted`, () => {
        assert.equal(validate(tts, prop, value), true);
      });
    }
    it('stream delivery is refused with the wav format (the saved format when the dialog is closed), as the runtime refuses it', () => {
      assert.match(String(validate(tts, 'delivery', 'stream', { format: 'wav' })), /^Delivery: a WAV file needs/);
      assert.equal(validate(tts, 'delivery', 'stream', { format: 'pcm' }), true);
      assert.equal(validate(tts, 'delivery', 'file', { format: 'wav' }), true);
    });
    it('messages are translated (German)', () => {
      assert.equal(validate(definition('gradium-tts', 'de'), 'temperature', 2), 'Temperatur: Muss eine Zahl von 0 bis 1.4 sein');
    });
  });

  describe('gradium-config endpoint', () => {
    const config = definition('gradium-config');
    const check = (endpoint: string, region: string): unknown => validate(config, 'endpoint', endpoint, { region });

    it('is ignored unless the region is custom', () => {
      assert.equal(check('', 'global'), true);
      assert.equal(check('http://nonsense', 'eu'), true);
    });
    it('is required for a custom region', () => {
      assert.equal(typeof check('', 'custom'), 'string');
    });
    it('accepts wss:// anywhere and ws:// only to this machine', () => {
      assert.equal(check('wss://api.gradium.ai/api/speech/asr', 'custom'), true);
      assert.equal(check('ws://127.0.0.1:8765', 'custom'), true);
      assert.equal(check('ws://localhost:8765/asr', 'custom'), true);
      assert.equal(check('ws://[::1]:8765', 'custom'), true);
      assert.equal(typeof check('ws://api.gradium.ai/api/speech/asr', 'custom'), 'string');
      assert.equal(typeof check('https://api.gradium.ai', 'custom'), 'string');
      assert.equal(typeof check('not a url', 'custom'), 'string');
    });
    it('leaves a whole ${VAR} value to the runtime (Node-RED replaces it), but refuses one inside a URL (it does not)', () => {
      assert.equal(check('${GRADIUM_ENDPOINT}', 'custom'), true);
      assert.equal(typeof check('wss://${GRADIUM_HOST}/api/speech/asr', 'custom'), 'string');
    });
    it('accepts only the listed regions', () => {
      for (const region of REGIONS) assert.equal(validate(config, 'region', region), true);
      assert.equal(typeof validate(config, 'region', 'mars'), 'string');
    });
  });
});
