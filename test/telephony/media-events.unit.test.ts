/**
 * The telephony library on its own: each provider's events read into one shape, a call's steps and lost
 * chunks, and the events that go back (whole frames of at most 100 ms, a mark per utterance, clear).
 */
import { strict as assert } from 'node:assert';
import {
  InboundCalls,
  MediaEventError,
  OutboundCall,
  counterNames,
  leadingEventName,
  looksLikeMediaEvent,
  parseInboundEvent,
  unplayableReason,
  type InboundEvent,
} from '../../src/telephony';

const SID = 'MZ0123456789abcdef0123456789abcdef';
const b64 = (bytes: number[]): string => Buffer.from(bytes).toString('base64');

function refused(payload: unknown, pattern: RegExp): void {
  assert.throws(
    () => parseInboundEvent(payload),
    (err: unknown) => err instanceof MediaEventError && err.code === 'BAD_MEDIA_EVENT' && pattern.test(err.message),
  );
}

describe('telephony: inbound events', () => {
  it('reads Twilio as websocket in passes it on (a JSON string), and the parsed object', () => {
    const start = parseInboundEvent(
      JSON.stringify({
        event: 'start',
        sequenceNumber: '1',
        streamSid: SID,
        start: { streamSid: SID, callSid: 'CA1', customParameters: { a: '1' }, mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 } },
      }),
    );
    assert.deepEqual(start, {
      kind: 'start',
      streamId: SID,
      sequence: 1,
      format: { encoding: 'ulaw', sampleRate: 8000, channels: 1 },
      callId: 'CA1',
      customParameters: { a: '1' },
    });
    const media = parseInboundEvent({ event: 'media', sequenceNumber: '2', streamSid: SID, media: { track: 'inbound', chunk: '1', payload: b64([1, 2, 255]) } });
    assert.equal(media.kind, 'media');
    assert.deepEqual(media.kind === 'media' && [...media.audio], [1, 2, 255]);
    assert.deepEqual(parseInboundEvent({ event: 'connected', protocol: 'Call', version: '1.0.0' }), { kind: 'connected' });
    assert.deepEqual(parseInboundEvent({ event: 'dtmf', streamSid: SID, sequenceNumber: '5', dtmf: { track: 'inbound_track', digit: '#' } }), {
      kind: 'dtmf',
      streamId: SID,
      sequence: 5,
      digit: '#',
    });
    assert.deepEqual(parseInboundEvent({ event: 'mark', streamSid: SID, mark: { name: 'gradium-3' } }), { kind: 'mark', streamId: SID, sequence: undefined, name: 'gradium-3' });
    assert.deepEqual(parseInboundEvent({ event: 'stop', sequenceNumber: '9', streamSid: SID, stop: {} }), { kind: 'stop', streamId: SID, sequence: 9 });
  });

  it('ignores the outbound track of <Start><Stream track="both_tracks">', () => {
    const ev = parseInboundEvent({ event: 'media', streamSid: SID, media: { track: 'outbound', payload: 'not even base64' } });
    assert.ok(ev.kind === 'media' && ev.outbound);
  });

  it('reads Telnyx (stream_id, PCMA), Plivo (streamId, playedStream) and Exotel (stream_sid, 16-bit PCM)', () => {
    const telnyx = parseInboundEvent({ event: 'start', sequence_number: '1', stream_id: 'tx-1', start: { call_control_id: 'v3:cc', media_format: { encoding: 'PCMA', sample_rate: 8000, channels: 1 } } });
    assert.ok(telnyx.kind === 'start');
    assert.deepEqual([telnyx.streamId, telnyx.callId, telnyx.format.encoding, telnyx.sequence], ['tx-1', 'v3:cc', 'alaw', 1]);
    const plivo = parseInboundEvent({ event: 'start', sequenceNumber: 1, start: { streamId: 'pl-1', callId: 'c-1', mediaFormat: { encoding: 'audio/x-mulaw;rate=8000', sampleRate: 8000 } } });
    assert.ok(plivo.kind === 'start');
    assert.deepEqual([plivo.streamId, plivo.callId, plivo.format.encoding], ['pl-1', 'c-1', 'ulaw']);
    assert.deepEqual(parseInboundEvent({ event: 'playedStream', streamId: 'pl-1', name: 'gradium-1' }), { kind: 'mark', streamId: 'pl-1', sequence: undefined, name: 'gradium-1' });
    const exotel = parseInboundEvent({ event: 'start', sequence_number: 1, stream_sid: 'ex-1', start: { call_sid: 'c', media_format: { encoding: 'audio/x-raw', sample_rate: '8000', bit_rate: '16' } } });
    assert.ok(exotel.kind === 'start');
    assert.deepEqual(exotel.format, { encoding: 'pcm', sampleRate: 8000, channels: 1 });
  });

  it('refuses what it cannot read, naming it', () => {
    refused('{"event":"media",', /not JSON/);
    refused('[1,2]', /not an object/);
    refused({ streamSid: SID }, /no "event" field/);
    refused({ event: 'dance', streamSid: SID }, /unknown media-stream event "dance"/);
    refused({ event: 'media', streamSid: SID, media: { payload: 'a b c!' } }, /media\.payload of stream "MZ0123.*" is not base64/);
    refused({ event: 'media', streamSid: SID }, /no "media" object/);
    refused({ event: 'dtmf', streamSid: SID, dtmf: { digit: '12' } }, /digit "12"/);
    refused({ event: 'start', streamSid: SID, start: { mediaFormat: { encoding: 'audio/x-l16', sampleRate: 8000 } } }, /audio\/x-mulaw;rate=8000/);
    refused(42, /expected a media-stream event/);
  });

  it('recognises an event without parsing it where it can', () => {
    assert.equal(leadingEventName(' {"event":"media","streamSid":"x"}'), 'media');
    assert.equal(leadingEventName('{"streamSid":"x","event":"media"}'), undefined);
    assert.equal(leadingEventName({ event: 'mark' }), 'mark');
    assert.ok(looksLikeMediaEvent('  {"x":1}'));
    assert.ok(!looksLikeMediaEvent('AAAA'));
    assert.ok(!looksLikeMediaEvent(Buffer.from('{')));
  });
});

describe('telephony: a call, step by step', () => {
  const start = (sid: string, seq = 1): InboundEvent => parseInboundEvent({ event: 'start', sequenceNumber: String(seq), streamSid: sid, start: { streamSid: sid } });
  const media = (sid: string, seq: number): InboundEvent =>
    parseInboundEvent({ event: 'media', sequenceNumber: String(seq), streamSid: sid, media: { track: 'inbound', payload: b64([255, 255]) } });

  it('start, media, dtmf, stop; gaps in the sequence numbers are lost chunks, a late one was not lost', () => {
    const calls = new InboundCalls<string>();
    const opened = calls.accept(start(SID), undefined);
    assert.equal(opened.kind, 'start');
    assert.ok(opened.kind === 'start');
    assert.equal(calls.get(SID), undefined, 'known only once its stream is open');
    calls.opened(opened.call);
    assert.equal(calls.accept(media(SID, 2), undefined).kind, 'audio');
    calls.accept(media(SID, 5), undefined); // 3 and 4 lost
    calls.accept(media(SID, 4), undefined); // 4 arrives late
    assert.equal(calls.get(SID)!.lostChunks, 1);
    const dtmf = calls.accept(parseInboundEvent({ event: 'dtmf', streamSid: SID, dtmf: { digit: '7' } }), undefined);
    assert.ok(dtmf.kind === 'dtmf' && dtmf.digit === '7' && dtmf.key === SID);
    assert.equal(calls.accept(parseInboundEvent({ event: 'stop', sequenceNumber: '6', streamSid: SID }), undefined).kind, 'stop');
    assert.equal(calls.get(SID)!.state, 'stopped');
    calls.forget(SID);
    assert.equal(calls.size, 0);
  });

  it('the message key wins over the stream id', () => {
    const calls = new InboundCalls<string>();
    const step = calls.accept(start(SID), 'kitchen-phone');
    assert.ok(step.kind === 'start' && step.key === 'kitchen-phone' && step.call.info.streamId === SID);
  });

  it('refuses media before start, media after stop, a second start, and an event with no stream id', () => {
    const calls = new InboundCalls<string>();
    assert.throws(() => calls.accept(media(SID, 2), undefined), /before its start event/);
    const s = calls.accept(start(SID), undefined);
    assert.ok(s.kind === 'start');
    calls.opened(s.call);
    assert.throws(() => calls.accept(start(SID), undefined), /second start event/);
    calls.accept(parseInboundEvent({ event: 'stop', streamSid: SID }), undefined);
    assert.throws(() => calls.accept(media(SID, 3), undefined), /after its stop event/);
    assert.throws(() => calls.accept(parseInboundEvent({ event: 'media', media: { payload: b64([1]) } }), undefined), /no stream id/);
    // Ignored: connected, marks (the echo of what gradium-tts sent), Plivo's clearedAudio.
    assert.equal(calls.accept(parseInboundEvent({ event: 'connected' }), undefined).kind, 'ignore');
    assert.equal(calls.accept(parseInboundEvent({ event: 'mark', streamSid: SID, mark: { name: 'x' } }), undefined).kind, 'ignore');
  });
});

describe('telephony: events back to the call', () => {
  const decode = (ev: Record<string, unknown>): Buffer => Buffer.from((ev.media as { payload: string }).payload, 'base64');

  it('Twilio: Gradium 80 ms chunks go out as they are; odd sizes as whole 20 ms frames of at most 100 ms; the rest at the end, then a mark', () => {
    const call = new OutboundCall(SID, 'twilio', { encoding: 'ulaw', sampleRate: 8000 }, counterNames('u'));
    const chunk = Buffer.alloc(640, 1);
    const [one] = call.send(chunk);
    assert.deepEqual(Object.keys(one!), ['event', 'streamSid', 'media']);
    assert.deepEqual(Object.keys(one!.media as object), ['payload']);
    assert.ok(decode(one!).equals(chunk));
    const odd = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 256));
    const out = call.send(odd);
    assert.deepEqual(out.map((e) => decode(e).length), [800, 160], 'whole frames, at most 100 ms');
    const end = call.endUtterance();
    assert.deepEqual(end.map((e) => e.event), ['media', 'mark']);
    assert.equal(decode(end[0]!).length, 40, 'the last samples, not padded');
    assert.ok(Buffer.concat([...out, end[0]!].map(decode)).equals(odd), 'every byte, in order');
    assert.deepEqual(end[1], { event: 'mark', streamSid: SID, mark: { name: 'u-1' } });
    assert.equal(call.state, 'playing');
    assert.equal(call.markReturned('u-0'), false);
    assert.equal(call.markReturned('u-1'), true);
    assert.equal(call.state, 'quiet');
  });

  it('a mark sent before more audio does not mean that audio played; clear only when something may be playing', () => {
    const call = new OutboundCall(SID, 'twilio', { encoding: 'ulaw', sampleRate: 8000 }, counterNames('m'));
    assert.equal(call.clear(), undefined);
    call.send(Buffer.alloc(160));
    call.endUtterance();
    call.send(Buffer.alloc(160));
    assert.equal(call.markReturned('m-1'), false);
    assert.deepEqual(call.clear(), { event: 'clear', streamSid: SID });
    assert.equal(call.clear(), undefined);
  });

  it('Telnyx, Plivo and Exotel shapes; Exotel chunks are 100 ms and the last is padded with silence', () => {
    const telnyx = new OutboundCall('tx', 'telnyx', { encoding: 'ulaw', sampleRate: 8000 });
    assert.deepEqual(Object.keys(telnyx.send(Buffer.alloc(160))[0]!), ['event', 'media']);
    assert.deepEqual(telnyx.clear(), { event: 'clear' });
    const plivo = new OutboundCall('pl', 'plivo', { encoding: 'ulaw', sampleRate: 8000 });
    const play = plivo.send(Buffer.alloc(160))[0]!;
    assert.equal(play.event, 'playAudio');
    assert.deepEqual({ ...(play.media as object), payload: undefined }, { contentType: 'audio/x-mulaw', sampleRate: 8000, payload: undefined });
    assert.deepEqual(plivo.endUtterance()[0], { event: 'checkpoint', streamId: 'pl', name: 'gradium-1' });
    assert.deepEqual(plivo.clear(), { event: 'clearAudio', streamId: 'pl' }, 'the checkpoint has not come back');
    const exotel = new OutboundCall('ex', 'exotel', { encoding: 'pcm', sampleRate: 8000 });
    assert.deepEqual(exotel.send(Buffer.alloc(1000)), [], 'less than 100 ms waits');
    const full = exotel.send(Buffer.alloc(1000));
    assert.deepEqual(full.map((e) => decode(e).length), [1600]);
    const last = exotel.endUtterance();
    assert.equal(decode(last[0]!).length, 1600, 'padded to 100 ms (a multiple of 320 bytes)');
    assert.equal(last[1]!.stream_sid, 'ex');
  });

  it('knows which formats each provider plays', () => {
    assert.equal(unplayableReason('twilio', 'ulaw', 16000), undefined);
    assert.match(unplayableReason('twilio', 'wav', 16000)!, /twilio media stream cannot carry format "wav"; choose format "ulaw"/);
    assert.equal(unplayableReason('telnyx', 'alaw', 8000), undefined);
    assert.equal(unplayableReason('exotel', 'pcm', 16000), undefined);
    assert.match(unplayableReason('exotel', 'pcm', 48000)!, /at 48000 Hz/);
  });
});
