import assert from 'node:assert/strict';
import { concat, EmulatorFixture, muLaw, s16le, silence, tone, wavWithList } from './helpers';

const RATE = 16000;
const FRAME_BYTES = 2560; // 80 ms of pcm_16000

describe('emulator: audio, steps and words', () => {
  const fx = new EmulatorFixture({ script: ['hello there world', 'second utterance'] });

  it('sends one step per 80 ms of audio with four horizons and a running clock', async () => {
    const c = await fx.connect();
    // 1.04 s in 100 ms messages: frames are counted on the decoded stream, not per message.
    c.sendAudio(s16le(silence(1040, RATE)), 3200);
    await c.waitForType('step', 13);
    const steps = c.of('step');
    steps.forEach((step, i) => {
      assert.equal(step.step_idx, i);
      assert.equal(step.step_duration_s, 0.08);
      assert.equal(step.total_duration_s, Math.round((i + 1) * 80) / 1000);
      assert.deepEqual(
        step.vad.map((v) => v.horizon_s),
        [0.5, 1, 2, 3],
      );
      for (const v of step.vad) assert.ok(v.inactivity_prob >= 0 && v.inactivity_prob <= 1);
    });
    c.send({ type: 'end_of_stream' });
    await c.closed;
    // Only 13 whole frames arrived; the end of stream adds no partial one.
    assert.equal(c.of('step').length, 13);
    assert.equal(c.messages[0]!.type, 'ready');
  });

  it('keeps the bytes of every audio message only when asked (recordAudio)', async () => {
    const audio = s16le(concat(silence(160, RATE), tone(240, RATE)));
    let c = await fx.connect();
    c.sendAudio(audio, FRAME_BYTES);
    await c.waitForType('step', 5);
    assert.deepEqual(fx.emulator.sessions[0]!.receivedAudio, [], 'not kept by default');
    await fx.restart({ recordAudio: true });
    c = await fx.connect();
    c.sendAudio(audio, FRAME_BYTES);
    await c.waitForType('step', 5);
    const kept = fx.emulator.sessions[0]!.receivedAudio;
    assert.equal(kept.length, 5);
    assert.ok(Buffer.concat(kept).equals(audio), 'the bytes sent, in order');
  });

  it('processes audio sent before ready, after ready', async () => {
    fx.emulator.setFaults({ connectDelayMs: 150 });
    const c = await fx.connect();
    c.sendAudio(s16le(silence(400, RATE)), FRAME_BYTES);
    await c.waitForType('step', 5);
    assert.equal(c.messages[0]!.type, 'ready');
    assert.equal(c.of('step').length, 5);
  });

  it('places two utterances on two bursts of tone, in order, with delay-shifted timestamps', async () => {
    const c = await fx.connect({}, { language: 'en', delay_in_frames: 8 });
    const audio = concat(silence(400, RATE), tone(800, RATE), silence(1200, RATE), tone(640, RATE), silence(1600, RATE));
    c.sendAudio(s16le(audio), FRAME_BYTES);
    await c.waitFor('five words', () => c.of('text').length >= 5);
    const texts = c.of('text');
    assert.deepEqual(
      texts.map((t) => t.text),
      ['hello', 'there', 'world', 'second', 'utterance'],
    );
    const offset = 8 * 0.08;
    // First burst spans 0.4-1.2 s of audio, second 2.4-3.04 s; timestamps are on the decoder clock.
    for (const t of texts.slice(0, 3)) assert.ok(t.start_s >= 0.4 + offset - 1e-9 && t.start_s < 1.2 + offset, `${t.text} ${t.start_s}`);
    for (const t of texts.slice(3)) assert.ok(t.start_s >= 2.4 + offset - 1e-9 && t.start_s < 3.04 + offset, `${t.text} ${t.start_s}`);
    assert.equal(texts[0]!.start_s, 1.04);
    assert.ok(texts.every((t) => t.stream_id === 0));
    for (let i = 1; i < texts.length; i++) assert.ok(texts[i]!.start_s > texts[i - 1]!.start_s);

    // end_text follows every word except the last of each utterance.
    const sequence = c.messages.filter((m) => m.type === 'text' || m.type === 'end_text').map((m) => m.type);
    assert.deepEqual(sequence, ['text', 'end_text', 'text', 'end_text', 'text', 'text', 'end_text', 'text']);
    const firstEnd = c.of('end_text')[0]!;
    assert.ok(firstEnd.stop_s > texts[0]!.start_s && firstEnd.stop_s <= texts[1]!.start_s + 1e-9);

    // Words come out only after the audio has passed them by the model delay.
    const stepsBeforeFirstWord = c.messages.slice(0, c.messages.indexOf(texts[0]!)).filter((m) => m.type === 'step');
    const clockAtFirstWord = stepsBeforeFirstWord.at(-1)!.total_duration_s;
    assert.ok(clockAtFirstWord >= 0.4 + 0.8 / 3 + offset - 1e-9, `first word out at ${clockAtFirstWord}`);
    assert.deepEqual(fx.emulator.sessions[0]!.wordsSent, ['hello', 'there', 'world', 'second', 'utterance']);
  });

  it('lets the first words of a long utterance out while it is still spoken', async () => {
    const c = await fx.connect({}, { language: 'en', delay_in_frames: 7, emulator_script: ['one two three four'] });
    c.sendAudio(s16le(tone(3040, RATE)), FRAME_BYTES); // speech only, no pause yet
    await c.waitForType('step', 38);
    // Spread over the speech heard so far, word i is due once (i+1)/4 of it plus 0.56 s lies behind.
    assert.deepEqual(
      c.of('text').map((t) => t.text),
      ['one', 'two', 'three'],
    );
    const starts = c.of('text').map((t) => t.start_s);
    for (let i = 1; i < starts.length; i++) assert.ok(starts[i]! > starts[i - 1]!);
    const ends = c.of('end_text').map((e) => e.stop_s);
    for (let i = 0; i < ends.length - 1; i++) assert.ok(ends[i]! <= starts[i + 1]! + 1e-9, 'words do not overlap');
    c.send({ type: 'flush', flush_id: 1 });
    await c.waitForType('flushed');
    assert.deepEqual(
      c.of('text').map((t) => t.text),
      ['one', 'two', 'three', 'four'],
    );
    const last = c.of('text')[3]!;
    assert.equal(last.start_s, Math.round((0.75 * 3.04 + 0.56) * 1000) / 1000);
  });

  it('a stream that starts quiet reports silence from its first step, then speech when it comes', async () => {
    // A voice gate's pre-roll: half a second of quiet before the first word.
    const c = await fx.connect();
    c.sendAudio(s16le(concat(silence(560, RATE), tone(400, RATE))), FRAME_BYTES);
    await c.waitForType('step', 12);
    const twoSeconds = c.of('step').map((s) => s.vad.find((v) => v.horizon_s === 2)!.inactivity_prob);
    for (const p of twoSeconds.slice(0, 7)) assert.ok(p > 0.9, `quiet step before any speech: ${p}`);
    for (const p of twoSeconds.slice(7)) assert.ok(p < 0.1, `speech step ${p}`);
  });

  it('keeps inactivity low during speech and lets the 2 s horizon pass 0.9 after about 0.5 s of silence', async () => {
    const c = await fx.connect();
    c.sendAudio(s16le(concat(tone(800, RATE), silence(800, RATE))), FRAME_BYTES);
    await c.waitForType('step', 20);
    const twoSeconds = c.of('step').map((s) => s.vad.find((v) => v.horizon_s === 2)!.inactivity_prob);
    for (const p of twoSeconds.slice(0, 10)) assert.ok(p < 0.1, `speech step ${p}`);
    assert.ok(twoSeconds[10 + 5]! > 0.9, `after 480 ms of silence: ${twoSeconds[15]}`);
    for (let i = 11; i < 20; i++) assert.ok(twoSeconds[i]! >= twoSeconds[i - 1]!);
    // Longer horizons rise later.
    const firstSilent = c.of('step')[10]!.vad.map((v) => v.inactivity_prob);
    assert.ok(firstSilent[0]! >= firstSilent[3]!);
  });

  it('treats faint noise as silence', async () => {
    const c = await fx.connect();
    const noise = new Int16Array(RATE);
    for (let i = 0; i < noise.length; i++) noise[i] = Math.round((Math.random() - 0.5) * 40); // about -64 dBFS
    c.sendAudio(s16le(noise), FRAME_BYTES);
    c.send({ type: 'flush', flush_id: 1 });
    await c.waitForType('flushed');
    assert.equal(c.of('text').length, 0);
  });

  it('records frames that break the client contract without rejecting them', async () => {
    const c = await fx.connect();
    c.send({ type: 'audio', audio: Buffer.alloc(641).toString('base64') }); // odd length
    c.send({ type: 'audio', audio: Buffer.alloc(639).toString('base64') }); // completes the carried byte
    c.send({ type: 'audio', audio: '' });
    c.send({ type: 'audio', audio: 'AAA' }); // unpadded: decodes to 2 bytes
    c.send({ type: 'audio', audio: Buffer.alloc(FRAME_BYTES * 2).toString('base64') }); // 160 ms
    c.send({ type: 'flush', flush_id: 'x' });
    await c.waitForType('flushed');
    const invalid = fx.emulator.sessions[0]!.invalidFrames;
    assert.deepEqual(
      invalid.map((f) => f.index),
      [1, 2, 3, 4, 5],
    );
    assert.match(invalid[0]!.reason, /not sample-aligned/);
    assert.match(invalid[1]!.reason, /not sample-aligned/);
    assert.match(invalid[2]!.reason, /empty/);
    assert.match(invalid[3]!.reason, /base64/);
    assert.match(invalid[4]!.reason, /longer than 80 ms/);
    // 641 + 639 bytes make 640 whole samples: the split sample was carried over, not lost.
    assert.equal(fx.emulator.sessions[0]!.samplesReceived, 640 + 1 + 2560);
    assert.equal(fx.emulator.sessions[0]!.audioMessages, 5);
  });

  it('decodes wav input whose header has a LIST chunk before data and arrives split', async () => {
    const rate = 22050;
    const wav = wavWithList(concat(tone(800, rate), silence(1500, rate)), rate);
    const c = await fx.connect({ input_format: 'wav' });
    // Header cut in the middle of the LIST chunk, then 80 ms slices of data.
    c.send({ type: 'audio', audio: wav.subarray(0, 40).toString('base64') });
    const dataStart = wav.indexOf('data', 12, 'latin1') + 8;
    c.send({ type: 'audio', audio: wav.subarray(40, dataStart).toString('base64') });
    c.sendAudio(wav.subarray(dataStart), 1764 * 2);
    await c.waitForType('text', 3);
    assert.deepEqual(
      c.of('text').map((t) => t.text),
      ['hello', 'there', 'world'],
    );
    c.send({ type: 'end_of_stream' });
    await c.closed;
    const s = fx.emulator.sessions[0]!;
    assert.equal(s.samplesReceived, Math.round(rate * 0.8) + Math.round(rate * 1.5));
    assert.deepEqual(s.invalidFrames, []);
    assert.equal(c.of('step').length, Math.ceil(s.samplesReceived / 1764));
  });

  it('decodes 24-bit stereo WAVE_FORMAT_EXTENSIBLE and a-law', async () => {
    const rate = 48000;
    const mono = concat(tone(400, rate), silence(800, rate));
    const fmt = Buffer.alloc(40);
    fmt.writeUInt16LE(0xfffe, 0);
    fmt.writeUInt16LE(2, 2);
    fmt.writeUInt32LE(rate, 4);
    fmt.writeUInt32LE(rate * 6, 8);
    fmt.writeUInt16LE(6, 12);
    fmt.writeUInt16LE(24, 14);
    fmt.writeUInt16LE(22, 16);
    fmt.writeUInt16LE(24, 18);
    fmt.writeUInt32LE(3, 20);
    fmt.writeUInt16LE(1, 24); // sub-format GUID begins with the PCM tag
    const data = Buffer.alloc(mono.length * 6);
    mono.forEach((v, i) => {
      data.writeIntLE(v * 256, i * 6, 3);
      data.writeIntLE(-v * 256, i * 6 + 3, 3);
    });
    const header = Buffer.alloc(20);
    header.write('RIFF', 0, 'latin1');
    header.writeUInt32LE(4 + 8 + 40 + 8 + data.length, 4);
    header.write('WAVE', 8, 'latin1');
    header.write('fmt ', 12, 'latin1');
    header.writeUInt32LE(40, 16);
    const dataHead = Buffer.alloc(8);
    dataHead.write('data', 0, 'latin1');
    dataHead.writeUInt32LE(0xffffffff, 4); // streaming writers leave the size open
    const c = await fx.connect({ input_format: 'wav' });
    c.send({ type: 'audio', audio: Buffer.concat([header, fmt, dataHead]).toString('base64') });
    c.sendAudio(data, 3840 * 6);
    c.send({ type: 'end_of_stream' });
    await c.closed;
    assert.deepEqual(
      c.of('text').map((t) => t.text),
      ['hello', 'there', 'world'],
    );
    assert.equal(c.of('step').length, 15);
    assert.equal(fx.emulator.sessions[0]!.samplesReceived, mono.length);
    assert.deepEqual(fx.emulator.sessions[0]!.invalidFrames, []);

    const alaw = await fx.connect({ input_format: 'alaw_8000' });
    // 0xD5 is a-law silence; 0xAA / 0x2A are large opposite-sign codes: a loud square wave.
    const loud = Buffer.alloc(3200).map((_, i) => (i % 16 < 8 ? 0xaa : 0x2a));
    alaw.sendAudio(Buffer.concat([loud, Buffer.alloc(6400, 0xd5)]), 640);
    alaw.send({ type: 'end_of_stream' });
    await alaw.closed;
    assert.deepEqual(
      alaw.of('text').map((t) => t.text),
      ['second', 'utterance'],
    );
    assert.equal(alaw.of('step').length, 15);
  });

  it('keeps no message log when recordMessages is false', async () => {
    await fx.restart({ recordMessages: false });
    const c = await fx.connect();
    c.sendAudio(s16le(tone(400, RATE)), FRAME_BYTES);
    c.send({ type: 'end_of_stream' });
    await c.closed;
    const s = fx.emulator.sessions[0]!;
    assert.deepEqual([s.received.length, s.sent.length], [0, 0]);
    assert.equal(s.audioMessages, 5);
    assert.deepEqual(s.wordsSent, ['turn', 'on', 'the', 'kitchen', 'light']);
  });

  it('refuses a wav stream that does not start with a RIFF header', async () => {
    const c = await fx.connect({ input_format: 'wav' });
    c.sendAudio(s16le(tone(80, RATE)), FRAME_BYTES);
    assert.equal((await c.closed).code, 1008);
    assert.match(c.of('error')[0]!.message, /RIFF/);
  });

  it('decodes mu-law at 8 kHz', async () => {
    const c = await fx.connect({ input_format: 'ulaw_8000' });
    c.sendAudio(muLaw(concat(silence(160, 8000), tone(800, 8000), silence(1200, 8000))), 640);
    await c.waitForType('text', 3);
    assert.equal(c.of('step').length >= 20, true);
    assert.equal(c.of('text')[0]!.start_s, 0.96);
    assert.equal(fx.emulator.sessions[0]!.samplesReceived, 17280);
    assert.deepEqual(fx.emulator.sessions[0]!.invalidFrames, []);
  });

  it('counts opus bytes without decoding them', async () => {
    const c = await fx.connect({ input_format: 'opus' });
    c.send({ type: 'audio', audio: Buffer.from('OggS....').toString('base64') });
    c.send({ type: 'end_of_stream' });
    await c.closed;
    const s = fx.emulator.sessions[0]!;
    assert.equal(s.audioBytes, 8);
    assert.equal(s.samplesReceived, 0);
    assert.equal(c.of('step').length, 0);
  });

  it('uses a per-session script from json_config.emulator_script', async () => {
    const c = await fx.connect({}, { language: 'en', emulator_script: ['bonjour tout le monde'] });
    c.sendAudio(s16le(concat(tone(400, RATE))), FRAME_BYTES);
    c.send({ type: 'flush', flush_id: 1 });
    await c.waitForType('flushed');
    assert.deepEqual(
      c.of('text').map((t) => t.text),
      ['bonjour', 'tout', 'le', 'monde'],
    );
  });

  it('continues the script across sessions and keeps each session its own words', async () => {
    const speak = async (): Promise<string[]> => {
      const c = await fx.connect();
      c.sendAudio(s16le(tone(400, RATE)), FRAME_BYTES);
      c.send({ type: 'end_of_stream' });
      await c.closed;
      return c.of('text').map((t) => t.text);
    };
    assert.deepEqual(await speak(), ['hello', 'there', 'world']);
    assert.deepEqual(await speak(), ['second', 'utterance']);
    fx.emulator.setScript(['fresh start']);
    assert.deepEqual(await speak(), ['fresh', 'start']);
    assert.deepEqual(await speak(), ['fresh', 'start']);
    assert.deepEqual(
      fx.emulator.sessions.map((s) => s.wordsSent.length),
      [3, 2, 2, 2],
    );
  });
});
