/**
 * Home Assistant's exact Wyoming call sequences (discovery, speech to text, text to speech, streaming text to
 * speech), sent by the real Python `wyoming` client to a wyoming-server in a real Node-RED runtime, with
 * gradium-stt and gradium-tts talking to the emulator over real WebSockets.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CATALOG_VOICES, DEFAULT_SCRIPT, startEmulator, type Emulator } from '../../src/emulator';
import { speechPcm, until } from '../helpers/speech-audio';
import { freePort, helper, KEY, WyomingFlow } from './harness';
import { requireClient, runClient } from './python-client';

interface InfoProgram {
  name: string;
  installed: boolean;
  attribution: { name: string };
  models?: { name: string; languages: string[] }[];
  voices?: { name: string; description: string; languages: string[] }[];
  supports_transcript_streaming?: boolean;
  requires_external_vad?: boolean;
  supports_synthesize_streaming?: boolean;
}
interface Ev {
  type: string;
  data: Record<string, unknown>;
}

describe('wyoming: Home Assistant sequences with the real Python client', function () {
  this.timeout(60_000);
  let site: string;
  let emu: Emulator;
  let port: number;
  let tmp: string;
  let speech: string;
  let silence: string;

  before(async function () {
    site = requireClient(this);
    emu = await startEmulator({ apiKeys: [KEY] });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gradium-wyoming-'));
    // One utterance: 1.2 s of "speech", then silence long enough for the turn to end on its own.
    speech = path.join(tmp, 'speech.raw');
    fs.writeFileSync(speech, speechPcm([{ speechMs: 1200, silenceMs: 400 }]));
    silence = path.join(tmp, 'empty.raw');
    fs.writeFileSync(silence, Buffer.alloc(0));
  });

  after(async () => {
    await helper.unload();
    await emu?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  afterEach(async () => {
    await helper.unload();
  });

  beforeEach(async () => {
    port = await freePort();
    emu.setScript([...DEFAULT_SCRIPT]);
  });

  it('discovery: describe → info with an asr and a tts program, as Home Assistant parses it', async () => {
    await WyomingFlow.start({ url: emu.url, port });
    // The voice list is read at deploy: wait until info carries the catalogue.
    let info: { asr: InfoProgram[]; tts: InfoProgram[]; satellite?: unknown; handle: unknown[]; wake: unknown[] } | undefined;
    for (let i = 0; i < 50; i++) {
      const r = await runClient(site, ['describe', '127.0.0.1', port]);
      info = r.info as typeof info;
      if (info && info.tts[0]?.voices && info.tts[0].voices.length > 1) break;
      await new Promise((res) => setTimeout(res, 100));
    }
    assert.ok(info);
    const [asr] = info.asr;
    assert.equal(asr?.name, 'Gradium (Node-RED)');
    assert.equal(asr?.installed, true);
    assert.equal(asr?.attribution.name, 'Gradium');
    assert.equal(asr?.supports_transcript_streaming, true);
    assert.equal(asr?.requires_external_vad, true);
    assert.deepEqual(asr?.models?.[0]?.languages, ['de', 'en', 'es', 'fr', 'pt']);
    const [tts] = info.tts;
    assert.equal(tts?.supports_synthesize_streaming, true);
    assert.equal(tts?.voices?.length, CATALOG_VOICES.length);
    const emma = tts?.voices?.find((v) => v.name === 'YTpq7expH9539ERJ');
    assert.deepEqual(emma && { description: emma.description, languages: emma.languages }, { description: 'Emma', languages: ['en'] });
    assert.equal(info.satellite ?? null, null);
    assert.deepEqual(info.handle, []);
    assert.deepEqual(info.wake, []);
  });

  it('speech to text: transcribe → audio-start → 10 ms chunks → audio-stop answers transcript-start, chunks, transcript, transcript-stop; the flow sees it', async () => {
    const flow = await WyomingFlow.start({ url: emu.url, port });
    const r = await runClient(site, ['stt', '127.0.0.1', port, speech, 'en']);
    const events = r.events as Ev[];
    const types = events.map((e) => e.type);
    assert.equal(types[0], 'transcript-start', types.join(' '));
    const transcript = events.find((e) => e.type === 'transcript');
    assert.ok(transcript, types.join(' '));
    assert.equal(transcript.data.text, 'turn on the kitchen light');
    assert.equal(transcript.data.language, 'en');
    const joined = events.filter((e) => e.type === 'transcript-chunk').map((e) => e.data.text).join('');
    assert.equal(joined, transcript.data.text);
    assert.equal(types.at(-1), 'transcript-stop', types.join(' '));
    // The same command on the flow: a final of a stream keyed by the client, with msg.wyoming.
    await until('the final on the flow', () => flow.transcripts.some((m) => m.final));
    const final = flow.transcripts.find((m) => m.final)!;
    assert.match(final.topic, /^wyoming:127\.0\.0\.1:\d+$/);
    assert.equal(final.payload, 'turn on the kitchen light');
    assert.deepEqual(final.wyoming, { client: final.topic.slice('wyoming:'.length), program: 'asr' });
    await until('the stream ended', () => flow.disconnected.length > 0);
    assert.equal(flow.connected[0]?.topic, final.topic);
  });

  it('speech to text: fr-FR runs the session in French; an unsupported language is an error naming the supported ones, then a close', async () => {
    await WyomingFlow.start({ url: emu.url, port });
    const before = emu.sessions.length;
    const fr = await runClient(site, ['stt', '127.0.0.1', port, speech, 'fr-FR']);
    const transcript = (fr.events as Ev[]).find((e) => e.type === 'transcript');
    assert.equal(transcript?.data.language, 'fr');
    const setup = emu.sessions[before]?.received[0] as { json_config?: { language?: string } } | undefined;
    assert.equal(setup?.json_config?.language, 'fr');
    const bad = await runClient(site, ['stt', '127.0.0.1', port, speech, 'xx-YY']);
    const events = bad.events as Ev[];
    assert.equal(events[0]?.type, 'error');
    assert.equal(events[0]?.data.code, 'LANGUAGE_UNSUPPORTED');
    assert.match(String(events[0]?.data.text), /"xx-YY".*de, en, es, fr, pt/);
    assert.equal(events.at(-1)?.type, '(closed)');
  });

  it('speech to text: audio-stop with no audio answers an empty transcript at once, without a Gradium session', async () => {
    await WyomingFlow.start({ url: emu.url, port });
    const before = emu.sessions.length;
    const r = await runClient(site, ['stt', '127.0.0.1', port, silence, 'en']);
    const transcript = (r.events as Ev[]).find((e) => e.type === 'transcript');
    assert.equal(transcript?.data.text, '');
    assert.equal(emu.sessions.length, before);
  });

  it('end of command "gradium": requires_external_vad false, and the first final answers while Home Assistant still uploads', async () => {
    const flow = await WyomingFlow.start({ url: emu.url, port, stt: { wyomingEndOfCommand: 'gradium' } });
    const d = await runClient(site, ['describe', '127.0.0.1', port]);
    assert.equal((d.info as { asr: InfoProgram[] }).asr[0]?.requires_external_vad, false);
    // 1.2 s of speech, then 6 s of silence sent in real time: Gradium's turn detection ends the command long
    // before the upload does (and before the 15 s cap).
    const long = path.join(tmp, 'long.raw');
    fs.writeFileSync(long, speechPcm([{ speechMs: 1200, silenceMs: 6000 }]));
    const r = await runClient(site, ['stt', '127.0.0.1', port, long, 'en', '--concurrent']);
    const transcript = (r.events as Ev[]).find((e) => e.type === 'transcript');
    assert.equal(transcript?.data.text, 'turn on the kitchen light');
    assert.equal(r.uploaded_all, false);
    // The Gradium session ended with the answer (reset): nothing more is billed for this request.
    await until('the session ended', () => flow.disconnected.length > 0);
    assert.equal((flow.disconnected[0]?.payload as { reason: string }).reason, 'reset');
  });

  it('end of command "gradium" with no turn end (manual turns): the cap answers with what was heard', async () => {
    await WyomingFlow.start({ url: emu.url, port, stt: { wyomingEndOfCommand: 'gradium', turnMode: 'manual' }, testing: { commandCapMs: 2500 } });
    const long = path.join(tmp, 'long.raw');
    fs.writeFileSync(long, speechPcm([{ speechMs: 1200, silenceMs: 5000 }]));
    const r = await runClient(site, ['stt', '127.0.0.1', port, long, 'en', '--concurrent']);
    const transcript = (r.events as Ev[]).find((e) => e.type === 'transcript');
    assert.equal(transcript?.data.text, 'turn on the kitchen light');
    assert.equal(r.uploaded_all, false);
  });

  it('a key Gradium refuses: speech to text and text to speech answer an error KEY_REFUSED, then close', async () => {
    await WyomingFlow.start({ url: emu.url, port, apiKey: 'gsk_not_this_one' });
    const stt = await runClient(site, ['stt', '127.0.0.1', port, speech, 'en']);
    const events = stt.events as Ev[];
    const error = events.find((e) => e.type === 'error');
    assert.equal(error?.data.code, 'KEY_REFUSED', JSON.stringify(events));
    assert.equal(events.at(-1)?.type, '(closed)');
    const tts = await runClient(site, ['tts', '127.0.0.1', port, 'Hello.']);
    assert.equal((tts.error as { code: string }).code, 'KEY_REFUSED');
    // The key never travels over Wyoming, not even in the refusal.
    for (const answer of [stt, tts]) assert.ok(!JSON.stringify(answer).includes('gsk_not_this_one'), JSON.stringify(answer));
  });

  it('text to speech: synthesize → audio-start, audio-chunks of whole samples at the node rate, audio-stop', async () => {
    await WyomingFlow.start({ url: emu.url, port, tts: { sampleRate: 22050, format: 'opus' } });
    const r = await runClient(site, ['tts', '127.0.0.1', port, 'Hello from Node-RED.']);
    const events = r.events as string[];
    assert.equal(events[0], 'audio-start');
    assert.match(String(events[1]), /^audio-chunk/);
    assert.equal(events.at(-1), 'audio-stop');
    // Wyoming carries raw PCM: the node's rate applies, its Opus choice does not.
    assert.deepEqual(r.format, [22050, 2, 1]);
    assert.ok((r.audio_bytes as number) > 0 && (r.audio_bytes as number) % 2 === 0);
  });

  it('text to speech: a voice by name is used; an unknown one is an error VOICE_UNKNOWN and a close', async () => {
    await WyomingFlow.start({ url: emu.url, port });
    // Wait for the catalogue (read at deploy).
    for (let i = 0; i < 50; i++) {
      const d = await runClient(site, ['describe', '127.0.0.1', port]);
      if (((d.info as { tts: InfoProgram[] }).tts[0]?.voices?.length ?? 0) > 1) break;
      await new Promise((res) => setTimeout(res, 100));
    }
    const before = emu.ttsSessions.length;
    const ok = await runClient(site, ['tts', '127.0.0.1', port, 'Bonjour.', 'YhIHaAfQ0cQPDV9R']);
    assert.equal((ok.events as string[]).at(-1), 'audio-stop');
    const setup = emu.ttsSessions[before]?.received[0] as { voice_id?: string } | undefined;
    assert.equal(setup?.voice_id, 'YhIHaAfQ0cQPDV9R');
    const bad = await runClient(site, ['tts', '127.0.0.1', port, 'Hello.', 'no-such-voice']);
    assert.deepEqual((bad.error as { code: string }).code, 'VOICE_UNKNOWN');
  });

  it('streaming text to speech: the first sentence is heard before synthesize-stop; one audio-start; the compatibility synthesize is not spoken; synthesize-stopped ends it', async () => {
    await WyomingFlow.start({ url: emu.url, port });
    const before = emu.ttsSessions.length;
    const r = await runClient(site, ['tts-stream', '127.0.0.1', port, '-', 'The kitchen light is on. ', 'It is twenty', ' degrees inside.']);
    const events = r.events as string[];
    assert.equal(r.audio_before_stop, true);
    assert.equal(events.filter((e) => e === 'audio-start').length, 1, events.join(' '));
    assert.equal(events.at(-1), 'synthesize-stopped');
    assert.deepEqual(r.format, [16000, 2, 1]);
    // Two sentences, two utterances; Home Assistant's whole-text copy made none.
    await until('the TTS sessions closed', () => emu.ttsSessions.slice(before).every((s) => s.closed));
    const texts = emu.ttsSessions.slice(before).map((s) => (s.received.filter((m) => (m as { type: string }).type === 'text') as { text: string }[]).map((m) => m.text).join(' '));
    assert.deepEqual(texts, ['The kitchen light is on.', 'It is twenty degrees inside.']);
  });
});
