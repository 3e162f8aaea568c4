/**
 * Audio as devices put it on MQTT: raw PCM chunks, Snips/Rhasspy Hermes audioFrame WAVs, base64 in JSON;
 * and a publisher that sends several devices' streams interleaved at a steady pace.
 */
import { makeWav } from '../audio/fixtures';
import type { MqttClient } from './core-nodes';

/**
 * One Hermes audioFrame per `samples` samples, shaped like the Snips audio server's: a `time` chunk
 * (U64LE capture time in ms) between `fmt ` and `data`, so the header is 60 bytes, not 44.
 */
export function snipsFrames(pcm: Buffer, samples = 256, startMs = 1_700_000_000_000): Buffer[] {
  const frames: Buffer[] = [];
  const size = samples * 2;
  for (let o = 0; o < pcm.length; o += size) {
    const time = Buffer.alloc(8);
    time.writeBigUInt64LE(BigInt(startMs + Math.round(o / 32)));
    frames.push(
      makeWav({ sampleRate: 16000, channels: 1, formatTag: 1, bitsPerSample: 16, data: pcm.subarray(o, o + size), before: [{ id: 'time', body: time }] }),
    );
  }
  return frames;
}

/** `{"audio": "<base64>", "seq": n}` per chunk, as ESP32 sketches and apps that can only send text do. */
export function base64Json(chunks: Buffer[]): string[] {
  return chunks.map((c, seq) => JSON.stringify({ audio: c.toString('base64'), seq }));
}

export interface DeviceStream {
  topic: string;
  payloads: (Buffer | string)[];
  /** Audio duration of each payload. */
  chunkMs: number;
}

const TICK_MS = 16;

/**
 * Publishes the streams interleaved, each at `speed` × real time (QoS 0, as microphones do). Each tick
 * sends every stream the chunks that are due, so short chunks go out in small bursts rather than waiting
 * on timers finer than the event loop keeps.
 */
export async function publishPaced(client: MqttClient, streams: DeviceStream[], speed = 2): Promise<void> {
  const sent = streams.map(() => 0);
  for (let tick = 1; streams.some((s, i) => sent[i]! < s.payloads.length); tick++) {
    const dueMs = tick * TICK_MS * speed;
    for (const [i, s] of streams.entries()) {
      while (sent[i]! < s.payloads.length && sent[i]! * s.chunkMs < dueMs) {
        await client.publishAsync(s.topic, s.payloads[sent[i]!]!, { qos: 0 });
        sent[i]!++;
      }
    }
    await new Promise((r) => setTimeout(r, TICK_MS));
  }
}
