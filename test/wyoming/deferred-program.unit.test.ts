/**
 * A program attached before the node's audio modules have loaded: the server describes it at once, a request
 * that opens meanwhile keeps its events in order and hands them over when the modules are ready.
 */
import { strict as assert } from 'node:assert';
import type { ErrorCode } from '../../src/common/error-codes';
import { deferredProgram, MAX_WAITING_EVENTS } from '../../src/wyoming/deferred-program';
import type { WyomingEvent } from '../../src/wyoming/framing';
import { RequestError, type Outbox, type RequestHandler, type WyomingClient } from '../../src/wyoming/requests';

const CLIENT: WyomingClient = { address: '127.0.0.1', port: 40000, id: '127.0.0.1:40000' };

/** The program behind the deferral: records what reaches it (the deferral is what is under test). */
class RecordingProgram {
  opened = 0;
  readonly events: string[] = [];
  closed = 0;
  refuse: string | null = null;
  describe(): string {
    return 'asr';
  }
  open(): RequestHandler {
    this.opened += 1;
    return {
      event: (e: WyomingEvent) => {
        if (this.refuse === e.type) throw new RequestError('LANGUAGE_UNSUPPORTED', `refused ${e.type}`);
        this.events.push(e.type);
      },
      close: () => {
        this.closed += 1;
      },
    };
  }
}

class RecordingOutbox implements Outbox {
  readonly failures: { code: ErrorCode; text: string }[] = [];
  send(): void {}
  fail(code: ErrorCode, text: string): void {
    this.failures.push({ code, text });
  }
}

function event(type: string): WyomingEvent {
  return { type, data: {}, payload: null };
}

function gate(): { ready: Promise<void>; isReady: () => boolean; open: () => void; fail: (e: Error) => void } {
  let done = false;
  let open!: () => void;
  let fail!: (e: Error) => void;
  const ready = new Promise<void>((resolve, reject) => {
    open = () => {
      done = true;
      resolve();
    };
    fail = reject;
  });
  ready.catch(() => undefined);
  return { ready, isReady: () => done, open, fail };
}

const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('wyoming: a program attached before it can serve (deferred-program)', () => {
  it('describes itself at once; events that come before it is ready reach it in order once it is', async () => {
    const program = new RecordingProgram();
    const g = gate();
    const deferred = deferredProgram(program, g);
    assert.equal(deferred.describe(), 'asr');
    const handler = deferred.open(CLIENT, new RecordingOutbox());
    handler.event(event('transcribe'));
    handler.event(event('audio-start'));
    handler.event(event('audio-chunk'));
    assert.equal(program.opened, 0, 'nothing opened before the modules are ready');
    g.open();
    await settle();
    handler.event(event('audio-stop'));
    assert.deepEqual(program.events, ['transcribe', 'audio-start', 'audio-chunk', 'audio-stop']);
    assert.equal(program.opened, 1);
    handler.close();
    assert.equal(program.closed, 1);
  });

  it('once ready, opens requests directly', () => {
    const program = new RecordingProgram();
    const g = gate();
    g.open();
    const deferred = deferredProgram(program, { ready: g.ready, isReady: () => true });
    deferred.open(CLIENT, new RecordingOutbox()).event(event('transcribe'));
    assert.deepEqual(program.events, ['transcribe']);
  });

  it('a connection that closes while waiting opens nothing', async () => {
    const program = new RecordingProgram();
    const g = gate();
    const handler = deferredProgram(program, g).open(CLIENT, new RecordingOutbox());
    handler.event(event('transcribe'));
    handler.close();
    g.open();
    await settle();
    assert.equal(program.opened, 0);
    assert.deepEqual(program.events, []);
  });

  it('modules that fail to load end the request with an error naming why', async () => {
    const out = new RecordingOutbox();
    const program = new RecordingProgram();
    const g = gate();
    deferredProgram(program, g).open(CLIENT, out).event(event('transcribe'));
    g.fail(new Error('resampler did not load'));
    await settle();
    assert.deepEqual(out.failures, [{ code: 'NOT_CONFIGURED', text: 'speech-to-text could not start: resampler did not load' }]);
    assert.equal(program.opened, 0);
  });

  it('a refusal among the held events is answered as the connection would answer it', async () => {
    const program = new RecordingProgram();
    program.refuse = 'transcribe';
    const out = new RecordingOutbox();
    const g = gate();
    const handler = deferredProgram(program, g).open(CLIENT, out);
    handler.event(event('transcribe'));
    handler.event(event('audio-start'));
    g.open();
    await settle();
    assert.deepEqual(out.failures, [{ code: 'LANGUAGE_UNSUPPORTED', text: 'refused transcribe' }]);
    assert.deepEqual(program.events, [], 'nothing after the refusal is handed over');
    assert.equal(program.closed, 1);
  });

  it(`holds at most ${MAX_WAITING_EVENTS} events, then refuses with BAD_EVENT`, () => {
    const handler = deferredProgram(new RecordingProgram(), gate()).open(CLIENT, new RecordingOutbox());
    for (let i = 0; i < MAX_WAITING_EVENTS; i++) handler.event(event('audio-chunk'));
    assert.throws(
      () => handler.event(event('audio-chunk')),
      (err: unknown) => err instanceof RequestError && err.code === 'BAD_EVENT' && /while speech-to-text was still loading/.test(err.message),
    );
  });
});
