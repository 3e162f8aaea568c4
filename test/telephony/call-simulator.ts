/**
 * A phone call as Twilio makes it, over a real WebSocket: `connected`, `start`, then a 20 ms μ-law `media`
 * frame every 20 ms in real time (silence, or queued speech), `dtmf` and `stop` when told. What comes back
 * is kept in order and "played" in real time: each returning `mark` is echoed when the audio sent before it
 * would have finished playing, and `clear` drops the queue and echoes every pending mark at once, as Twilio does.
 */
import * as fs from 'node:fs';
import WebSocket from 'ws';
import { linearToMuLaw } from '../../src/audio/g711';

export const FRAME_BYTES = 160; // 20 ms of 8 kHz μ-law
const FRAME_MS = 20;

export interface Received {
  at: number;
  event: Record<string, unknown>;
}

/** A 16 kHz mono 16-bit WAV file as 8 kHz μ-law (pairs of samples averaged), as a phone line carries it. */
export function phoneAudioOf(wavFile: string): Buffer {
  const wav = fs.readFileSync(wavFile);
  let at = 12;
  while (wav.toString('ascii', at, at + 4) !== 'data') at += 8 + wav.readUInt32LE(at + 4);
  const pcm = wav.subarray(at + 8, at + 8 + wav.readUInt32LE(at + 4));
  const out = Buffer.alloc(Math.floor(pcm.length / 4));
  for (let i = 0; i < out.length; i++) out[i] = linearToMuLaw((pcm.readInt16LE(i * 4) + pcm.readInt16LE(i * 4 + 2)) >> 1);
  return out;
}

export class CallSimulator {
  readonly received: Received[] = [];
  readonly echoedMarks: string[] = [];
  private ws: WebSocket | undefined;
  private sequence = 0;
  private chunk = 0;
  private startedAt = 0;
  private framesSent = 0;
  private ticker: NodeJS.Timeout | undefined;
  private readonly speech: Buffer[] = [];
  /** Sequence numbers to leave out (as if the network lost them). */
  private skipLeft = 0;
  /** When the audio received so far will have finished playing (ms, Date.now). */
  private playedUntil = 0;
  private readonly pendingMarks: { name: string; timer: NodeJS.Timeout }[] = [];
  private closed = false;

  constructor(
    private readonly url: string,
    readonly streamSid: string,
    readonly callSid = `CA${streamSid.slice(2)}`,
  ) {}

  async connect(): Promise<void> {
    const ws = new WebSocket(this.url);
    this.ws = ws;
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    ws.on('message', (data, isBinary) => this.onMessage(data as Buffer, isBinary));
    this.send({ event: 'connected', protocol: 'Call', version: '1.0.0' });
    this.send({
      event: 'start',
      sequenceNumber: String(++this.sequence),
      streamSid: this.streamSid,
      start: {
        streamSid: this.streamSid,
        accountSid: 'AC00000000000000000000000000000000',
        callSid: this.callSid,
        tracks: ['inbound'],
        customParameters: { caller: '+15550100' },
        mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
      },
    });
    this.startedAt = Date.now();
    // Frames due are sent on each tick, so a late timer never slows the call down.
    this.ticker = setInterval(() => this.pump(), 10);
  }

  /** Speech to say next, in 20 ms frames (silence goes on around it). */
  say(mulaw: Buffer): void {
    for (let i = 0; i < mulaw.length; i += FRAME_BYTES) {
      const frame = Buffer.alloc(FRAME_BYTES, 0xff);
      mulaw.copy(frame, 0, i, Math.min(mulaw.length, i + FRAME_BYTES));
      this.speech.push(frame);
    }
  }

  get speaking(): boolean {
    return this.speech.length > 0;
  }

  /** The next `count` media messages are lost on the way (their sequence numbers are skipped). */
  loseNext(count: number): void {
    this.skipLeft += count;
  }

  pressKey(digit: string): void {
    this.send({ event: 'dtmf', sequenceNumber: String(++this.sequence), streamSid: this.streamSid, dtmf: { track: 'inbound_track', digit } });
  }

  /** Hang up: `stop`, then the socket closes. */
  async hangUp(): Promise<void> {
    this.stopTicker();
    this.send({
      event: 'stop',
      sequenceNumber: String(++this.sequence),
      streamSid: this.streamSid,
      stop: { accountSid: 'AC00000000000000000000000000000000', callSid: this.callSid },
    });
    await this.close();
  }

  async close(): Promise<void> {
    this.stopTicker();
    for (const m of this.pendingMarks.splice(0)) clearTimeout(m.timer);
    this.closed = true;
    const ws = this.ws;
    if (!ws || ws.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      ws.once('close', () => resolve());
      ws.close();
    });
  }

  events(name: string): Received[] {
    return this.received.filter((r) => r.event.event === name);
  }

  private stopTicker(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
  }

  private pump(): void {
    const due = Math.floor((Date.now() - this.startedAt) / FRAME_MS);
    while (this.framesSent < due) {
      this.framesSent += 1;
      const frame = this.speech.shift() ?? SILENCE;
      this.chunk += 1;
      this.sequence += 1;
      if (this.skipLeft > 0) {
        this.skipLeft -= 1;
        continue;
      }
      this.send({
        event: 'media',
        sequenceNumber: String(this.sequence),
        streamSid: this.streamSid,
        media: { track: 'inbound', chunk: String(this.chunk), timestamp: String(this.chunk * FRAME_MS), payload: frame.toString('base64') },
      });
    }
  }

  private send(event: object): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(event));
  }

  private onMessage(data: Buffer, isBinary: boolean): void {
    if (this.closed) return;
    const now = Date.now();
    // Twilio takes text frames of JSON only (a binary frame is warning 31950): keep it visible to the test.
    const event = isBinary ? { event: '(binary frame)' } : (JSON.parse(data.toString('utf8')) as Record<string, unknown>);
    this.received.push({ at: now, event });
    if (event.event === 'media') {
      const payload = (event.media as { payload: string }).payload;
      const ms = Buffer.from(payload, 'base64').length / 8;
      this.playedUntil = Math.max(now, this.playedUntil) + ms;
    } else if (event.event === 'mark') {
      const name = (event.mark as { name: string }).name;
      const entry = { name, timer: setTimeout(() => this.echo(entry), Math.max(0, this.playedUntil - now)) };
      this.pendingMarks.push(entry);
    } else if (event.event === 'clear') {
      this.playedUntil = now;
      for (const m of this.pendingMarks.splice(0)) {
        clearTimeout(m.timer);
        this.echoNow(m.name);
      }
    }
  }

  private echo(entry: { name: string }): void {
    const i = this.pendingMarks.indexOf(entry as { name: string; timer: NodeJS.Timeout });
    if (i >= 0) this.pendingMarks.splice(i, 1);
    this.echoNow(entry.name);
  }

  private echoNow(name: string): void {
    this.echoedMarks.push(name);
    this.send({ event: 'mark', sequenceNumber: String(++this.sequence), streamSid: this.streamSid, mark: { name } });
  }
}

const SILENCE = Buffer.alloc(FRAME_BYTES, 0xff);
