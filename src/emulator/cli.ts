#!/usr/bin/env node
/**
 * `gradium-emulator`: run the Gradium-protocol emulator on its own, to build and test flows offline.
 * Prints the URL to use and nothing secret; stops cleanly on SIGINT/SIGTERM.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startEmulator } from './index';
import type { EmulatorFaults, EmulatorOptions, EmulatorVoice } from './types';

const USAGE = `Usage: gradium-emulator [options]

  --port N                      port to listen on (default 8765; 0 = any free port)
  --host ADDR                   address to bind (default 127.0.0.1)
  --script FILE                 utterances, one per line, handed out in order to detected speech
  --key KEY                     an accepted API key (repeatable; default: any non-empty key)
  --verbose                     log sessions to stderr
Faults:
  --http401                     refuse every upgrade with HTTP 401
  --no-require-language         accept a setup without json_config.language
  --close-after-frames N        cut the socket (1006) after N audio messages
  --error-after-frames N[:CODE[:MESSAGE]]  send an error (default 1011) after N audio messages, then close
                                (with CODE, or 1011 where a close frame cannot carry it: 1005, 1006, 999...)
  --flush-delay-ms MS           delay every flushed answer
  --late-text-after-flush-ms MS send the last word of a flush MS after flushed
  --drop-flushed                never answer flush
  --session-cap-seconds S       end sessions past S seconds of audio (default 300)
  --stop-reading                stop reading sockets after setup
  --connect-delay-ms MS         delay ready (speech-to-text and text-to-speech)
  --end-of-stream-delay-ms MS   delay the answer to end_of_stream (and the close)
Text-to-speech (/api/speech/tts):
  --voice ID:NAME[:LANGUAGE]    a custom voice of the account, listed and accepted (repeatable)
  --tts-first-audio-delay-ms MS delay the first audio of every request
  --tts-chunk-interval-ms MS    pause between audio messages (default none)
  --tts-close-after-chunks N    cut the socket (1006) after N audio messages
  --tts-error-after-chunks N[:CODE[:MESSAGE]]  the same for text-to-speech, after N audio messages
`;

function main(): void {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        script: { type: 'string' },
        key: { type: 'string', multiple: true },
        verbose: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        http401: { type: 'boolean' },
        'no-require-language': { type: 'boolean' },
        'close-after-frames': { type: 'string' },
        'error-after-frames': { type: 'string' },
        'flush-delay-ms': { type: 'string' },
        'late-text-after-flush-ms': { type: 'string' },
        'drop-flushed': { type: 'boolean' },
        'session-cap-seconds': { type: 'string' },
        'stop-reading': { type: 'boolean' },
        'connect-delay-ms': { type: 'string' },
        'end-of-stream-delay-ms': { type: 'string' },
        voice: { type: 'string', multiple: true },
        'tts-first-audio-delay-ms': { type: 'string' },
        'tts-chunk-interval-ms': { type: 'string' },
        'tts-close-after-chunks': { type: 'string' },
        'tts-error-after-chunks': { type: 'string' },
      },
      strict: true,
    }));
  } catch (err) {
    fail(`${(err as Error).message}\n\n${USAGE}`);
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }

  const faults: EmulatorFaults = {};
  if (values.http401) faults.http401 = true;
  if (values['no-require-language']) faults.requireLanguage = false;
  if (values['drop-flushed']) faults.dropFlushed = true;
  if (values['stop-reading']) faults.stopReading = true;
  const number = (flag: string, raw: string | undefined): number | undefined => {
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < 0) fail(`--${flag} needs a non-negative number, got "${raw}"`);
    return n;
  };
  faults.closeAfterFrames = number('close-after-frames', values['close-after-frames']);
  faults.flushDelayMs = number('flush-delay-ms', values['flush-delay-ms']);
  faults.lateTextAfterFlushMs = number('late-text-after-flush-ms', values['late-text-after-flush-ms']);
  faults.sessionCapSeconds = number('session-cap-seconds', values['session-cap-seconds']);
  faults.connectDelayMs = number('connect-delay-ms', values['connect-delay-ms']);
  faults.endOfStreamDelayMs = number('end-of-stream-delay-ms', values['end-of-stream-delay-ms']);
  /** `N[:CODE[:MESSAGE]]`; any code is taken (the emulator closes with 1011 where a close frame cannot carry it). */
  const errorAfter = (flag: 'error-after-frames' | 'tts-error-after-chunks'): { after: number; code: number; message: string } | undefined => {
    const spec = values[flag];
    if (spec === undefined) return undefined;
    const [after, code, ...message] = spec.split(':');
    return {
      after: number(flag, after) ?? 0,
      code: number(flag, code ?? '1011') ?? 1011,
      message: message.length > 0 ? message.join(':') : 'Internal server error',
    };
  };
  const asrError = errorAfter('error-after-frames');
  if (asrError) faults.errorAfterFrames = { frames: asrError.after, code: asrError.code, message: asrError.message };
  faults.ttsFirstAudioDelayMs = number('tts-first-audio-delay-ms', values['tts-first-audio-delay-ms']);
  faults.ttsChunkIntervalMs = number('tts-chunk-interval-ms', values['tts-chunk-interval-ms']);
  faults.ttsCloseAfterChunks = number('tts-close-after-chunks', values['tts-close-after-chunks']);
  const ttsError = errorAfter('tts-error-after-chunks');
  if (ttsError) faults.ttsErrorAfterChunks = { chunks: ttsError.after, code: ttsError.code, message: ttsError.message };
  for (const key of Object.keys(faults) as (keyof EmulatorFaults)[]) if (faults[key] === undefined) delete faults[key];

  const opts: EmulatorOptions = {
    port: number('port', values.port) ?? 8765,
    host: values.host ?? '127.0.0.1',
    faults,
  };
  if (values.key && values.key.length > 0) opts.apiKeys = values.key;
  if (values.script) opts.script = readScript(values.script);
  if (values.voice && values.voice.length > 0) opts.voices = values.voice.map(parseVoice);
  if (values.verbose) opts.log = (line) => process.stderr.write(`${line}\n`);

  startEmulator(opts).then(
    (emulator) => {
      process.stdout.write(`Gradium emulator listening on ${emulator.url}\n`);
      process.stdout.write(`Text-to-speech on ${emulator.ttsUrl}\n`);
      const stop = (): void => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        emulator.close().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    },
    (err: Error) => fail(`cannot start the emulator: ${err.message}`),
  );
}

function parseVoice(spec: string): EmulatorVoice {
  const [uid, name, language] = spec.split(':');
  if (!uid || !name) fail(`--voice needs ID:NAME[:LANGUAGE], got "${spec}"`);
  return { uid, name, language: language ?? '', gender: '', description: 'custom voice', is_catalog: false };
}

function readScript(path: string): string[] {
  try {
    return readFileSync(path, 'utf8')
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line.length > 0);
  } catch (err) {
    fail(`cannot read --script ${path}: ${(err as Error).message}`);
  }
}

function fail(message: string): never {
  process.stderr.write(`gradium-emulator: ${message}\n`);
  process.exit(2);
}

main();
