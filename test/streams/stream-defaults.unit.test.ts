/**
 * The STT defaults in one object (src/streams/stream-defaults.ts): read from the settings' declarations, the
 * same as a new node's editor defaults give at runtime, and what a StreamManager without settings runs with.
 */
import { strict as assert } from 'node:assert';
import { STT_DEFAULTS } from '../../src/nodes/node-config';
import { propsFromConfig } from '../../src/nodes/stt-input';
import { STT_SPEC } from '../../src/settings/stt-spec';
import { STREAM_DEFAULTS, streamSettingsOf } from '../../src/streams/stream-defaults';
import { StreamManager } from '../../src/streams/stream-manager';

describe('streams: the STT defaults, one object', () => {
  it('holds every live setting of gradium-stt with its declared default, and nothing else', () => {
    const live = Object.entries(STT_SPEC).filter(([, spec]) => (spec as { live?: boolean }).live === true);
    assert.deepEqual(Object.keys(STREAM_DEFAULTS.settings).sort(), live.map(([name]) => name).sort());
    for (const [name, spec] of live) {
      const expected = spec.type === 'json' ? {} : spec.default;
      assert.deepEqual((STREAM_DEFAULTS.settings as Record<string, unknown>)[name], expected, name);
    }
  });

  it('is what a new node saved by the editor runs with', () => {
    assert.deepEqual(streamSettingsOf(propsFromConfig(STT_DEFAULTS)), STREAM_DEFAULTS.settings);
  });

  it('has the values the stream tests and the benchmark were written against', () => {
    assert.deepEqual(STREAM_DEFAULTS.settings, {
      language: 'en',
      delayInFrames: 10,
      model: 'default',
      jsonConfig: {},
      turnMode: 'vad',
      vadHorizon: 2,
      vadThreshold: 0.7,
      vadSteps: 3,
      flushTimeout: 2000,
      finalGrace: 100,
      idleTimeout: 3000,
      interim: true,
      bufferSeconds: 10,
      sendAudio: 'speech',
      gateAggressiveness: 2,
      gatePreRoll: 500,
      gateHangover: 800,
    });
    assert.deepEqual(
      { ...STREAM_DEFAULTS, settings: undefined },
      {
        settings: undefined,
        backoff: { initialMs: 500, maxMs: 30_000, maxAttempts: 0 },
        sessionCapSeconds: 300,
        handshakeTimeoutMs: 10_000,
        stallTimeoutMs: 10_000,
        maxBufferedBytes: 512 * 1024,
      },
    );
    assert.ok(Object.isFrozen(STREAM_DEFAULTS) && Object.isFrozen(STREAM_DEFAULTS.settings), 'nobody changes them for everyone');
  });

  it('a StreamManager given no settings runs with them; a change stays its own', () => {
    const manager = new StreamManager({
      format: { encoding: 'pcm', sampleRate: 16000, channels: 1, sampleFormat: 's16le' },
      maxStreams: 1,
      connection: () => ({ url: 'ws://127.0.0.1:1/api/speech/asr', apiKey: 'gsk_defaults_test_key' }),
    });
    assert.deepEqual(manager.settingsFor(), STREAM_DEFAULTS.settings);
    manager.updateSettings({ language: 'fr' });
    assert.equal(manager.settingsFor().language, 'fr');
    assert.equal(STREAM_DEFAULTS.settings.language, 'en');
  });
});
