/**
 * Every text the editor shows comes from a message catalog, in English and in German: the keys the HTML
 * uses exist in both, both languages have the same keys and placeholders, and the help covers the
 * node's whole message contract in both languages.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REGIONS } from '../../src/gradium/endpoints';
import { STT_DEFAULTS } from '../../src/nodes/node-config';
import { TTS_SPEC } from '../../src/settings/tts-spec';
import {
  catalogNode,
  dataI18nKeys,
  flattenCatalog,
  LANGUAGES,
  NODE_SETS,
  packageJson,
  readCatalog,
  readHelp,
  readSourceHtml,
  REPO_ROOT,
  scriptTranslationKeys,
  type NodeSet,
} from './editor-files';

/** Answers of the runtime's check-key route, shown by the config dialog as gradium-config.check.<answer>. */
const CHECK_RESULTS = ['valid', 'invalid', 'no-credit', 'unreachable', 'no-key', 'failed', 'checking'];
/** Status keys the runtime sets (src/nodes/stt-status.ts), translated by the editor. */
const STATUS_KEYS = [
  'idle',
  'connecting',
  'listening',
  'heard',
  'retry',
  'error.invalidKey',
  'error.noCredit',
  'error.unreachable',
  'error.config',
  'error.noConfig',
].map((k) => `gradium-stt.status.${k}`);
/** Status keys the runtime sets (src/nodes/tts-status.ts). */
const TTS_STATUS_KEYS = ['idle', 'speaking', 'error.invalidKey', 'error.noKey', 'error.noCredit', 'error.voice', 'error.unreachable',
  'error.config', 'error.other', 'error.noConfig'].map((k) => `gradium-tts.status.${k}`);
/** Answers of the voice list route as the dialog shows them (gradium-tts.voices.<answer>). */
const VOICE_LIST_RESULTS = ['invalid', 'no-credit', 'unreachable', 'no-key', 'failed', 'loading', 'loaded', 'noConfig', 'choose'];

function placeholders(message: string): string[] {
  return [...message.matchAll(/__(\w+)__/g)].map((m) => m[1] ?? '').sort();
}

describe('message catalogs', () => {
  for (const set of NODE_SETS) {
    describe(set, () => {
      const html = readSourceHtml(set);
      const used = [...new Set([...dataI18nKeys(html), ...scriptTranslationKeys(html)])];

      it('the HTML uses catalog keys (the extraction finds them)', () => {
        assert.ok(dataI18nKeys(html).length > 10, 'few data-i18n keys found');
        assert.ok(scriptTranslationKeys(html).length > 5, 'few keys found in the script');
      });

      for (const lang of LANGUAGES) {
        it(`every key the HTML uses exists in ${lang}`, () => {
          const catalog = readCatalog(lang, set);
          const missing = used.filter((key) => {
            const node = catalogNode(catalog, key.replace(/\.$/, ''));
            // A key ending in '.' is a prefix completed at run time; it must name a group of messages.
            return key.endsWith('.') ? typeof node !== 'object' : typeof node !== 'string';
          });
          assert.deepEqual(missing, []);
        });
      }

      it('English and German have the same keys and the same placeholders', () => {
        const en = flattenCatalog(readCatalog('en-US', set));
        const de = flattenCatalog(readCatalog('de', set));
        assert.deepEqual([...de.keys()].sort(), [...en.keys()].sort());
        for (const [key, message] of en) {
          assert.deepEqual(placeholders(de.get(key) ?? ''), placeholders(message), `placeholders of ${key}`);
        }
      });

      it('no message is empty', () => {
        for (const lang of LANGUAGES) {
          for (const [key, message] of flattenCatalog(readCatalog(lang, set))) {
            assert.notEqual(message.trim(), '', `${lang} ${key}`);
          }
        }
      });

      it('the catalog namespace in the HTML is this package’s', () => {
        const m = /var CATALOG = '([^']+)'/.exec(html);
        assert.ok(m, 'no CATALOG constant');
        assert.equal(m[1], `${packageJson().name}/${set}`);
      });
    });
  }

  for (const lang of LANGUAGES) {
    it(`${lang}: keys completed at run time exist (check answers, regions, status)`, () => {
      const config = flattenCatalog(readCatalog(lang, 'gradium-config'));
      for (const result of CHECK_RESULTS) assert.ok(config.has(`gradium-config.check.${result}`), result);
      for (const region of REGIONS) {
        assert.ok(config.has(`gradium-config.region.${region}`), region);
        assert.ok(config.has(`gradium-config.regionShort.${region}`), region);
      }
      const stt = flattenCatalog(readCatalog(lang, 'gradium-stt'));
      for (const key of STATUS_KEYS) assert.ok(stt.has(key), key);
      assert.deepEqual(placeholders(stt.get('gradium-stt.status.listening') ?? ''), ['count']);
      assert.deepEqual(placeholders(stt.get('gradium-stt.status.retry') ?? ''), ['seconds']);
      assert.deepEqual(placeholders(stt.get('gradium-stt.status.heard') ?? ''), ['text']);
      const tts = flattenCatalog(readCatalog(lang, 'gradium-tts'));
      for (const key of TTS_STATUS_KEYS) assert.ok(tts.has(key), key);
      assert.deepEqual(placeholders(tts.get('gradium-tts.status.speaking') ?? ''), ['count']);
      for (const result of VOICE_LIST_RESULTS) assert.ok(tts.has(`gradium-tts.voices.${result}`), result);
      for (const group of ['en', 'fr', 'de', 'es', 'pt', 'custom']) assert.ok(tts.has(`gradium-tts.voices.group.${group}`), group);
    });
  }

  it('every status a gradium-tts node sets names a message of its catalog', () => {
    const source = fs.readFileSync(path.join(REPO_ROOT, 'src', 'nodes', 'tts-status.ts'), 'utf8');
    const used = [...source.matchAll(/'(error\.[A-Za-z]+|idle|speaking)'/g)].map((m) => `gradium-tts.status.${m[1]}`);
    assert.ok(used.length >= 8, `found ${used.length} status keys in tts-status.ts`);
    for (const key of used) assert.ok(TTS_STATUS_KEYS.includes(key), `${key} is not among the checked keys`);
  });

  it('the English status texts are the short ones the design names', () => {
    const stt = flattenCatalog(readCatalog('en-US', 'gradium-stt'));
    assert.equal(stt.get('gradium-stt.status.idle'), 'idle');
    assert.equal(stt.get('gradium-stt.status.listening'), 'listening (__count__)');
    assert.equal(stt.get('gradium-stt.status.error.invalidKey'), 'invalid key');
    assert.equal(stt.get('gradium-stt.status.error.noCredit'), 'no credit');
    assert.equal(stt.get('gradium-stt.status.error.unreachable'), 'unreachable');
  });
});

describe('help', () => {
  const helpFor = (lang: (typeof LANGUAGES)[number], set: NodeSet): string => readHelp(lang, set);

  for (const lang of LANGUAGES) {
    for (const set of NODE_SETS) {
      it(`${lang} ${set}: one help block for the type, intro paragraph first, References last`, () => {
        const help = helpFor(lang, set);
        assert.equal([...help.matchAll(/data-help-name="([^"]+)"/g)].map((m) => m[1]).join(), set);
        const body = help.replace(/^[\s\S]*?<script[^>]*>/, '').trimStart();
        assert.ok(body.startsWith('<p>'), 'the first element is not the intro <p>');
        const headings = [...help.matchAll(/<h3>([^<]+)<\/h3>/g)].map((m) => m[1]);
        assert.ok(headings.length >= 2, 'too few sections');
      });
    }

    it(`${lang} gradium-stt: Inputs, Outputs, Details, References; three ports`, () => {
      const help = helpFor(lang, 'gradium-stt');
      assert.equal([...help.matchAll(/<h3>/g)].length, 4);
      const ports = /<ol class="node-ports">([\s\S]*?)<\/ol>/.exec(help);
      assert.ok(ports, 'no ol.node-ports');
      const items = (ports[1] ?? '').split(/<li>/).slice(1);
      assert.equal(items.length, 3);
      for (const item of items) assert.match(item, /<dl class="message-properties">/);
    });

    it(`${lang} gradium-stt: documents every input property, action and setting`, () => {
      const help = helpFor(lang, 'gradium-stt');
      const terms = [...help.matchAll(/<dt[^>]*>\s*([A-Za-z]+)/g)].map((m) => m[1]);
      for (const prop of ['payload', 'topic', 'action', 'settings', 'format', 'reset', 'final', 'transcript']) {
        assert.ok(terms.includes(prop), `no <dt> for ${prop}`);
      }
      const code = new Set([...help.matchAll(/<code>([^<]+)<\/code>/g)].map((m) => m[1]));
      const settings = ['language', 'delayInFrames', 'model', 'jsonConfig', 'vadHorizon', 'vadThreshold', 'vadSteps',
        'flushTimeout', 'finalGrace', 'idleTimeout', 'interim', 'delay_in_frames', 'model_name', 'json_config'];
      const actions = ['start', 'flush', 'stop'];
      const format = ['encoding', 'sampleRate', 'channels', 'sampleFormat'];
      for (const word of [...settings, ...actions, ...format]) assert.ok(code.has(word), `<code>${word}</code> missing`);
      // The camelCase settings are the node's own property names.
      for (const name of settings.filter((s) => !s.includes('_'))) assert.ok(name in STT_DEFAULTS, name);
    });

    it(`${lang} gradium-stt: documents every output field`, () => {
      const help = helpFor(lang, 'gradium-stt');
      const code = new Set([...help.matchAll(/<code>([^<]+)<\/code>/g)].map((m) => m[1]));
      const connected = ['session', 'requestId', 'model', 'language', 'inputFormat', 'sampleRate', 'delayInFrames', 'reconnects'];
      const disconnected = ['reason', 'code', 'message', 'willReconnect', 'retryInMs', 'audioSeconds', 'droppedAudioMs',
        'latency', 'stop', 'idle', 'settings', 'rotation', 'reset', 'error', 'closed', 'redeploy'];
      const transcript = ['text', 'final', 'words', 'start', 'end', 'endOfTurn', 'latencyMs', 'vad', 'flush'];
      for (const word of [...connected, ...disconnected, ...transcript]) assert.ok(code.has(word), `<code>${word}</code> missing`);
    });
  }

  for (const lang of LANGUAGES) {
    it(`${lang} gradium-tts: Inputs, Outputs, Details, References; two ports, one list each`, () => {
      const help = helpFor(lang, 'gradium-tts');
      assert.equal([...help.matchAll(/<h3>/g)].length, 4);
      const ports = /<ol class="node-ports">([\s\S]*?)<\/ol>/.exec(help);
      assert.ok(ports, 'no ol.node-ports');
      const items = (ports[1] ?? '').split(/<li>/).slice(1);
      assert.equal(items.length, 2);
      for (const item of items) assert.equal((item.match(/<dl class="message-properties">/g) ?? []).length, 1);
    });

    it(`${lang} gradium-tts: documents every input property, action, setting and output field`, () => {
      const help = helpFor(lang, 'gradium-tts');
      const terms = [...help.matchAll(/<dt[^>]*>\s*([A-Za-z]+)/g)].map((m) => m[1]);
      for (const prop of ['payload', 'topic', 'action', 'settings', 'format', 'durationMs', 'words', 'text', 'seq', 'final']) {
        assert.ok(terms.includes(prop), `no <dt> for ${prop}`);
      }
      const code = new Set([...help.matchAll(/<code>([^<]+)<\/code>/g)].map((m) => m[1]));
      const live = Object.entries(TTS_SPEC).filter(([, s]) => (s as { live?: boolean }).live).map(([n]) => n);
      const aliases = Object.values(TTS_SPEC).map((s) => (s as { alias?: string }).alias).filter((a): a is string => !!a && a !== 'sample_rate' && a !== 'unmute_delay');
      const outputs = ['encoding', 'sampleRate', 'channels', 'mute', 'unmute', 'firstAudioMs', 'durationMs', 'characters', 'utterances',
        'reason', 'played', 'stop', 'error', 'closed', 'dropped', 'file', 'stream', 'wav', 'pcm', 'opus', 'ulaw', 'alaw'];
      for (const word of [...live, ...aliases, ...outputs, 'stop']) assert.ok(code.has(word), `<code>${word}</code> missing`);
    });
  }

  it('German help has the same structure as the English help', () => {
    for (const set of NODE_SETS) {
      const shape = (html: string): number[] => [
        (html.match(/<h3>/g) ?? []).length,
        (html.match(/<h4>/g) ?? []).length,
        (html.match(/<dt/g) ?? []).length,
        (html.match(/<li>/g) ?? []).length,
        (html.match(/<code>/g) ?? []).length,
      ];
      assert.deepEqual(shape(helpFor('de', set)), shape(helpFor('en-US', set)), set);
    }
  });
});
