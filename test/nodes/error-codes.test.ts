/**
 * Every error a gradium-stt node raises reaches a Catch node with a stable `msg.error.code`, so a flow can
 * tell a refused key from bad audio. Real Node-RED runtime, real Catch node, the emulator behind.
 */
import { strict as assert } from 'node:assert';
import type { NodeMessage } from 'node-red';
import { ERROR_CODES, type ErrorCode } from '../../src/common/error-codes';
import { startEmulator, type Emulator } from '../../src/emulator';
import { FlowRun, unloadFlow } from '../reliability/flow-run';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chunks, speechPcm, until } from '../helpers/speech-audio';

const TWO_UTTERANCES = speechPcm([
  { speechMs: 800, silenceMs: 900 },
  { speechMs: 1200, silenceMs: 900 },
]);
const KEY = 'gsk_codes_key_0123456789';
/** Every chunk goes on the wire: one or two frames must open a session (the voice gate would hold them). */
const ALWAYS = { sendAudio: 'always' } as const;

function codes(caught: NodeMessage[]): (string | undefined)[] {
  return caught.map((m) => (m as { error?: { code?: string } }).error?.code);
}

describe('error codes (Catch node reads msg.error.code)', () => {
  let emu: Emulator;
  beforeEach(async () => {
    emu = await startEmulator({ port: 0, apiKeys: [KEY] });
  });
  afterEach(async () => {
    await unloadFlow();
    await emu.close();
  });

  it('bad input, bad audio, a refused setting, no stream, the stream cap: one code each', async () => {
    const run = await FlowRun.start({ url: emu.url, apiKey: KEY, props: { ...ALWAYS, maxStreams: 1 } });
    const expected: ErrorCode[] = [];
    const expect = (code: ErrorCode, msg: Record<string, unknown>): void => {
      expected.push(code);
      run.send(msg);
    };
    expect('BAD_INPUT', { topic: 'a', action: 'dance' });
    expect('BAD_INPUT', { topic: { nested: true }, payload: Buffer.alloc(640) });
    expect('BAD_AUDIO', { topic: 'a', payload: 'this is not base64 audio!' });
    expect('BAD_AUDIO', { topic: 'a', payload: Buffer.alloc(640), format: { encoding: 'mp3' } });
    expect('SETTING_REFUSED', { settings: { language: 'xx' } });
    expect('SETTING_REFUSED', { settings: { langauge: 'fr' } });
    expect('NO_STREAM', { topic: 'nobody', action: 'flush' });
    run.audio('a', chunks(TWO_UTTERANCES, 80).slice(0, 2));
    expect('STREAM_CAP', { topic: 'b', payload: Buffer.alloc(2560) });
    await until(`${expected.length} caught errors`, () => run.caught.length >= expected.length);
    assert.deepEqual(codes(run.caught), expected);
    for (const m of run.caught) {
      const error = (m as { error: { message: string; source: { id: string } } }).error;
      assert.equal(error.source.id, 'n1');
      assert.ok(error.message.length > 20, error.message);
    }
  });

  it('a refused key: KEY_REFUSED', async () => {
    const run = await FlowRun.start({ url: emu.url, apiKey: 'gsk_wrong_key_0000000000', props: ALWAYS });
    run.audio('a', chunks(TWO_UTTERANCES, 80).slice(0, 2));
    await until('a caught error', () => run.caught.length > 0);
    assert.deepEqual(codes(run.caught), ['KEY_REFUSED']);
  });

  it('Gradium refusing a setting (1011 naming it): SETTING_REFUSED', async () => {
    emu.setFaults({ errorAfterFrames: { frames: 1, code: 1011, message: 'Invalid language: xx' } });
    const run = await FlowRun.start({ url: emu.url, apiKey: KEY });
    run.audio('a', chunks(TWO_UTTERANCES, 80).slice(0, 3));
    await until('a caught error', () => run.caught.length > 0);
    assert.deepEqual(codes(run.caught), ['SETTING_REFUSED']);
  });

  it('no key anywhere: NO_KEY; a node without a config node: NOT_CONFIGURED', async () => {
    const saved = process.env.GRADIUM_API_KEY;
    delete process.env.GRADIUM_API_KEY;
    try {
      const run = await FlowRun.start({ url: emu.url, apiKey: '', props: ALWAYS });
      run.audio('a', chunks(TWO_UTTERANCES, 80).slice(0, 1));
      await until('a caught error', () => run.caught.length > 0);
      assert.deepEqual(codes(run.caught), ['NO_KEY']);
    } finally {
      if (saved !== undefined) process.env.GRADIUM_API_KEY = saved;
    }
    await unloadFlow();
    const run = await FlowRun.start({ url: emu.url, apiKey: KEY, props: { maxStreams: 0 } });
    run.send({ topic: 'a', payload: Buffer.alloc(2560) });
    await until('a caught error', () => run.caught.length > 0);
    assert.deepEqual(codes(run.caught), ['NOT_CONFIGURED']);
  });

  it('every code is documented in the README', () => {
    const readme = fs.readFileSync(path.join(__dirname, '../../../README.md'), 'utf8');
    for (const code of Object.keys(ERROR_CODES)) assert.ok(readme.includes(`\`${code}\``), `README lacks ${code}`);
  });
});
