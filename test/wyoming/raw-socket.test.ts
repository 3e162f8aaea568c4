/**
 * Bad input and the connection lifecycle on raw Node sockets, against a wyoming-server in a real Node-RED
 * runtime: every malformed event is an `error` event and a close, never a crash nor a disturbance of another
 * connection; split and batched events read the same; allow and maxConnections close at once; a client that
 * hangs up mid-request ends its Gradium session; a redeploy frees the port; a port in use is a node error.
 */
import { strict as assert } from 'node:assert';
import * as net from 'node:net';
import { startEmulator, type Emulator } from '../../src/emulator';
import { EventReader, MAX_HEADER_BYTES, type WyomingEvent } from '../../src/wyoming/framing';
import { encodeEvent } from '../../src/wyoming/framing';
import { END_OF_COMMAND_MODES } from '../../src/wyoming/stt-binding';
import { speechPcm, until } from '../helpers/speech-audio';
import { freePort, helper, KEY, WyomingFlow } from './harness';

/** A raw client: what it received, parsed with the package's own reader, and whether the server closed. */
class RawClient {
  readonly events: WyomingEvent[] = [];
  closed = false;
  writeFailed = false;
  private readonly reader = new EventReader();
  readonly socket: net.Socket;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on('data', (b: Buffer) => this.events.push(...this.reader.push(b)));
    socket.on('close', () => (this.closed = true));
    socket.on('error', () => (this.writeFailed = true));
  }

  static connect(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1', () => resolve(new RawClient(s)));
      s.once('error', reject);
    });
  }

  write(bytes: Buffer | string): void {
    if (!this.socket.destroyed) this.socket.write(bytes);
  }

  async until(what: string, check: (c: RawClient) => boolean): Promise<void> {
    await until(what, () => check(this), 10_000);
  }

  end(): void {
    this.socket.destroy();
  }
}

const ev = (type: string, data?: Record<string, unknown>, payload?: Buffer): Buffer => encodeEvent(type, data, payload);

describe('wyoming: raw sockets — bad input, limits, lifecycle', function () {
  this.timeout(30_000);
  let emu: Emulator;
  let port: number;

  before(async () => {
    emu = await startEmulator({ apiKeys: [KEY] });
  });
  after(async () => {
    await helper.unload();
    await emu.close();
  });
  beforeEach(async () => {
    port = await freePort();
  });
  afterEach(async () => {
    await helper.unload();
  });

  const badInputs: [string, Buffer | string][] = [
    ['a header line that is not JSON', 'hello there\n'],
    ['a header line that is a JSON array', '[1,2,3]\n'],
    ['a header without a type', '{"data": {}}\n'],
    ['a header whose type is not a string', '{"type": 7}\n'],
    ['a data_length that is not a whole number', '{"type": "describe", "data_length": 1.5}\n'],
    ['a data_length of 2^40', '{"type": "describe", "data_length": 1099511627776}\n'],
    ['a payload_length over 1 MiB', `{"type": "audio-chunk", "payload_length": ${1024 * 1024 + 1}}\n`],
    ['a negative payload_length', '{"type": "audio-chunk", "payload_length": -4}\n'],
    ['a data block that is not a JSON object', '{"type": "describe", "data_length": 5}\n[1,2]'],
    ['a data block that is not JSON', '{"type": "describe", "data_length": 5}\nnope!'],
  ];

  for (const [what, bytes] of badInputs) {
    it(`${what}: an error event BAD_EVENT, then a close; another connection is served meanwhile`, async () => {
      await WyomingFlow.start({ url: emu.url, port });
      const other = await RawClient.connect(port);
      const bad = await RawClient.connect(port);
      bad.write(bytes);
      await bad.until('the close', (c) => c.closed);
      assert.equal(bad.events[0]?.type, 'error');
      assert.equal(bad.events[0]?.data.code, 'BAD_EVENT');
      assert.equal(typeof bad.events[0]?.data.text, 'string');
      other.write(ev('describe'));
      await other.until('info', (c) => c.events.some((e) => e.type === 'info'));
      assert.equal(other.closed, false);
      other.end();
    });
  }

  it('a header line over 64 KiB is refused as soon as the bound is passed: the server does not keep reading it', async () => {
    await WyomingFlow.start({ url: emu.url, port });
    const c = await RawClient.connect(port);
    // 8 MiB without a newline: the connection ends long before it is all sent, so it is never buffered.
    const block = Buffer.alloc(256 * 1024, 0x61);
    let sent = 0;
    while (!c.closed && !c.writeFailed && sent < 8 * 1024 * 1024) {
      c.write(block);
      sent += block.length;
      await new Promise((r) => setImmediate(r));
    }
    await c.until('the close', (x) => x.closed);
    assert.equal(c.events[0]?.data.code, 'BAD_EVENT');
    assert.match(String(c.events[0]?.data.text), /64|65536/);
  });

  it('the reader never holds more than one header line past its bound (memory stays flat)', () => {
    const reader = new EventReader();
    let peak = 0;
    assert.throws(() => {
      for (let i = 0; i < 1000; i++) {
        reader.push(Buffer.alloc(1000, 0x61));
        peak = Math.max(peak, reader.bufferedBytes);
      }
    }, /header line longer/);
    assert.ok(peak <= MAX_HEADER_BYTES + 1000, `peak ${peak}`);
    assert.equal(reader.bufferedBytes, 0);
  });

  it('events split byte by byte, and many events in one write, are read the same; unknown types are ignored; ping → pong with its text', async () => {
    await WyomingFlow.start({ url: emu.url, port });
    const c = await RawClient.connect(port);
    const bytes = Buffer.concat([ev('ping', { text: 'héllo 🌍' }), ev('no-such-event', { x: 1 }), ev('describe')]);
    for (const b of bytes) c.write(Buffer.from([b]));
    await c.until('pong and info', (x) => x.events.length >= 2);
    c.write(Buffer.concat([ev('ping', { text: 'a' }), ev('ping', { text: 'b' }), ev('select-program', { name: 'x' }), ev('ping', { text: 'c' }), ev('describe')]));
    await c.until('three pongs and info', (x) => x.events.length >= 6);
    assert.deepEqual(
      c.events.map((e) => [e.type, e.data.text ?? null]),
      [['pong', 'héllo 🌍'], ['info', null], ['pong', 'a'], ['pong', 'b'], ['pong', 'c'], ['info', null]],
    );
    c.end();
  });

  it('allow: a client outside the list is closed at once, before a byte is read, and counted', async () => {
    await WyomingFlow.start({ url: emu.url, port, server: { allow: '192.168.77.0/24, fd00::/8' } });
    const c = await RawClient.connect(port);
    c.write(ev('describe'));
    await c.until('the close', (x) => x.closed);
    assert.deepEqual(c.events, []);
    const server = (helper.getNode('w1') as unknown as { wyoming: { counters: { refusedNotAllowed: number } } }).wyoming;
    assert.equal(server.counters.refusedNotAllowed, 1);
    // The dialog's status line reads the same count through the admin API.
    const res = await helper.request().get('/wyoming-server/w1/status').expect(200);
    assert.deepEqual([res.body.state, res.body.refusedNotAllowed, res.body.refusedFull], ['listening', 1, 0]);
  });

  it('maxConnections: one more connection is closed at once and counted; a freed place is taken again', async () => {
    await WyomingFlow.start({ url: emu.url, port, server: { maxConnections: 2 } });
    const a = await RawClient.connect(port);
    const b = await RawClient.connect(port);
    a.write(ev('describe'));
    b.write(ev('describe'));
    await a.until('info', (x) => x.events.length > 0);
    await b.until('info', (x) => x.events.length > 0);
    const c = await RawClient.connect(port);
    await c.until('the close', (x) => x.closed);
    assert.deepEqual(c.events, []);
    const server = (helper.getNode('w1') as unknown as { wyoming: { counters: { refusedFull: number } } }).wyoming;
    assert.equal(server.counters.refusedFull, 1);
    a.end();
    await until('a gone', () => (helper.getNode('w1') as unknown as { wyoming: { counters: { connections: number } } }).wyoming.counters.connections === 1);
    const d = await RawClient.connect(port);
    d.write(ev('describe'));
    await d.until('info', (x) => x.events.length > 0);
    b.end();
    d.end();
  });

  it('a connection sends several requests one after another; the second in the satellite style (audio-chunks only)', async () => {
    emu.setScript(['turn on the kitchen light', 'good night']);
    const flow = await WyomingFlow.start({ url: emu.url, port });
    const c = await RawClient.connect(port);
    const fmt = { rate: 16000, width: 2, channels: 1 };
    const pcm = speechPcm([{ speechMs: 1200, silenceMs: 200 }]);
    const audio = (): Buffer[] => {
      const out: Buffer[] = [];
      for (let o = 0; o < pcm.length; o += 3200) out.push(ev('audio-chunk', fmt, pcm.subarray(o, o + 3200)));
      return out;
    };
    c.write(Buffer.concat([ev('transcribe', { language: 'en' }), ev('audio-start', fmt), ...audio(), ev('audio-stop')]));
    await c.until('the first transcript', (x) => x.events.some((e) => e.type === 'transcript-stop'));
    c.write(Buffer.concat([...audio(), ev('audio-stop')]));
    await c.until('the second transcript', (x) => x.events.filter((e) => e.type === 'transcript-stop').length === 2);
    const texts = c.events.filter((e) => e.type === 'transcript').map((e) => e.data.text);
    assert.deepEqual(texts, ['turn on the kitchen light', 'good night']);
    assert.equal(c.closed, false);
    // Each request was its own stream of the node, on the same key.
    await until('both streams ended', () => flow.disconnected.length >= 2);
    assert.equal(new Set(flow.connected.map((m) => m.topic)).size, 1);
    c.end();
  });

  for (const mode of END_OF_COMMAND_MODES) {
    it(`${mode} end of command: the second request waits for its own stream, not for the first one's, still closing`, async () => {
      emu.setScript(['turn on the kitchen light', 'good night']);
      const flow = await WyomingFlow.start({ url: emu.url, port, stt: { wyomingEndOfCommand: mode } });
      const c = await RawClient.connect(port);
      const fmt = { rate: 16000, width: 2, channels: 1 };
      const pcm = speechPcm([{ speechMs: 1200, silenceMs: 200 }]);
      const audio = (): Buffer[] => {
        const out: Buffer[] = [];
        for (let o = 0; o < pcm.length; o += 3200) out.push(ev('audio-chunk', fmt, pcm.subarray(o, o + 3200)));
        return out;
      };
      // The first request is answered by its stream's last final, but that stream's Gradium session is slow to
      // end (1 s before it answers end_of_stream and closes); the second request's session is slower still to
      // start (2 s before ready). So the first stream's end (its disconnected report) comes while the second
      // request waits for its own final: it must not be taken as the second request's end.
      emu.setFaults({ endOfStreamDelayMs: 1000 });
      try {
        c.write(Buffer.concat([ev('transcribe', { language: 'en' }), ev('audio-start', fmt), ...audio(), ev('audio-stop')]));
        await c.until('the first transcript', (x) => x.events.some((e) => e.type === 'transcript-stop'));
        emu.setFaults({ connectDelayMs: 2000 });
        c.write(Buffer.concat([...audio(), ev('audio-stop')]));
        await until('the first stream ended', () => flow.disconnected.length >= 1);
        await c.until('the second transcript', (x) => x.events.filter((e) => e.type === 'transcript-stop').length === 2);
      } finally {
        emu.setFaults({});
      }
      await until('both streams ended', () => flow.disconnected.length >= 2);
      // Each request: transcript-start, its words as chunks, transcript, transcript-stop; nothing more.
      const replies = c.events.filter((e) => e.type.startsWith('transcript'));
      const texts = replies.filter((e) => e.type === 'transcript').map((e) => e.data.text);
      assert.deepEqual(texts, ['turn on the kitchen light', 'good night']);
      const stops = replies.flatMap((e, i) => (e.type === 'transcript-stop' ? [i] : []));
      assert.equal(stops.length, 2);
      const second = replies.slice(stops[0]! + 1);
      assert.equal(second[0]?.type, 'transcript-start');
      assert.equal(second.filter((e) => e.type === 'transcript-chunk').map((e) => e.data.text).join(''), 'good night');
      assert.equal(c.closed, false);
      assert.deepEqual(flow.errors, []);
      // Both streams ended in order (the first one's slow end was waited for, not cut).
      assert.deepEqual(flow.disconnected.map((m) => (m.payload as { reason: string }).reason), ['stop', 'stop']);
      c.end();
    });
  }

  it('a client hanging up mid-request ends that Gradium session at once', async () => {
    const flow = await WyomingFlow.start({ url: emu.url, port });
    const before = emu.sessions.length;
    const c = await RawClient.connect(port);
    c.write(Buffer.concat([ev('transcribe', { language: 'en' }), ev('audio-start', { rate: 16000, width: 2, channels: 1 })]));
    const pcm = speechPcm([{ speechMs: 3000, silenceMs: 0 }]);
    for (let o = 0; o < 16000; o += 3200) c.write(ev('audio-chunk', { rate: 16000, width: 2, channels: 1 }, pcm.subarray(o, o + 3200)));
    await until('a Gradium session', () => emu.sessions.length > before);
    c.end();
    await until('the session closed', () => emu.sessions[before]!.closed);
    await until('disconnected on the flow', () => flow.disconnected.length > 0);
    assert.equal((flow.disconnected[0]!.payload as { reason: string }).reason, 'reset');
  });

  it('a redeploy closes every connection and frees the port; the new deploy listens again', async () => {
    await WyomingFlow.start({ url: emu.url, port });
    const c = await RawClient.connect(port);
    c.write(ev('describe'));
    await c.until('info', (x) => x.events.length > 0);
    await helper.unload();
    await c.until('closed by the redeploy', (x) => x.closed);
    await WyomingFlow.start({ url: emu.url, port });
    const d = await RawClient.connect(port);
    d.write(ev('describe'));
    await d.until('info again', (x) => x.events.some((e) => e.type === 'info'));
    d.end();
  });

  it('a port already in use is a node error PORT_IN_USE and a red status on the attached nodes, not a crash', async () => {
    const squatter = net.createServer();
    await new Promise<void>((r) => squatter.listen(port, '127.0.0.1', () => r()));
    try {
      const flow = await WyomingFlow.start({ url: emu.url, port });
      await until('the errors', () => flow.errors.filter((e) => e.code === 'PORT_IN_USE').length >= 2);
      assert.ok(flow.errors.some((e) => e.node === 'n1' && /already in use/.test(e.text)));
      await until('a red status', () => flow.statuses.some((s) => s.node === 't1' && s.fill === 'red'));
      assert.match(String(flow.statuses.find((s) => s.node === 't1' && s.fill === 'red')?.text), /portInUse/);
    } finally {
      await new Promise<void>((r) => squatter.close(() => r()));
    }
  });

  it('a second gradium-stt on the same server is a node error WYOMING_TAKEN', async () => {
    const flow = await WyomingFlow.start({ url: emu.url, port, secondStt: true });
    await until('the error', () => flow.errors.some((e) => e.code === 'WYOMING_TAKEN'));
    assert.match(flow.errors.find((e) => e.code === 'WYOMING_TAKEN')!.text, /one gradium-stt per server/);
  });

  it('STT events on a server without a gradium-stt: an error NOT_CONFIGURED and a close', async () => {
    await WyomingFlow.start({ url: emu.url, port, stt: null });
    const c = await RawClient.connect(port);
    c.write(ev('transcribe', { language: 'en' }));
    await c.until('the close', (x) => x.closed);
    assert.equal(c.events[0]?.data.code, 'NOT_CONFIGURED');
  });
});
