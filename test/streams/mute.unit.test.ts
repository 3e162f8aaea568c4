/**
 * Mute and unmute per key or for the whole node, muteMs, and what mute costs and saves (manual clock,
 * scripted socket).
 */
import { strict as assert } from 'node:assert';
import { ManagerHarness } from './manager-harness';
import { pcmRun, tagOf } from './scripted-gradium';

describe('streams: mute (manual clock, scripted socket)', () => {
  it('mute mid-utterance: the turn before it is final ("mute"), muted audio never sent, audio after unmute is', () => {
    const h = new ManagerHarness({ idleTimeout: 0, turnMode: 'manual' });
    h.push('kitchen', pcmRun(5, 'speech', 1));
    h.advance(20);
    const s = h.server.session(1);
    s.say('turn on', 0.1);
    h.manager.mute('kitchen');
    h.push('kitchen', pcmRun(10, 'speech', 50));
    h.advance(200);
    const [final] = h.finals('kitchen');
    assert.equal(final!.text, 'turn on');
    assert.equal(final!.endOfTurn, 'mute');
    assert.deepEqual(s.audio.map(tagOf), [1, 2, 3, 4, 5], 'nothing muted reached Gradium');
    h.manager.unmute('kitchen');
    h.push('kitchen', pcmRun(3, 'speech', 100));
    h.advance(20);
    assert.deepEqual(s.audio.map(tagOf).slice(5), [100, 101, 102], 'the same session goes on after unmute');
    h.manager.stop('kitchen', undefined);
    h.advance(200);
    const d = h.disconnected[0]!.payload;
    assert.equal(d.mutedSeconds, 0.8);
    assert.equal(d.sentSeconds, 0.64);
    assert.equal(d.audioSeconds, 0.64);
  });

  it('a chunk cut mid-frame: the part before the mute is sent, the part that came muted is not', () => {
    const h = new ManagerHarness({ idleTimeout: 0 });
    // 80 ms + 40 ms before the mute: the 40 ms wait in the pipeline for the rest of their frame.
    h.manager.pushAudio('mic', Buffer.alloc(3840, 5), undefined, undefined);
    h.manager.mute('mic');
    h.manager.pushAudio('mic', Buffer.alloc(1280, 6), undefined, undefined);
    h.manager.unmute('mic');
    h.push('mic', pcmRun(1, 'speech', 7));
    h.advance(20);
    const audio = h.server.session(1).audio;
    assert.deepEqual(audio.map((a) => [tagOf(a), a.length]), [[5, 2560], [5, 1280], [7, 2560]]);
  });

  it('muteMs: the mute lifts by itself', () => {
    const h = new ManagerHarness({ idleTimeout: 0 });
    h.push('kitchen', pcmRun(2, 'speech', 1));
    h.advance(20);
    h.manager.mute('kitchen', 1000);
    // Muted at 20 ms for 1000 ms: the chunks at 20, 100... 980 ms are kept back.
    h.pushPaced('kitchen', pcmRun(13, 'speech', 10));
    assert.equal(h.manager.isMuted('kitchen'), false);
    h.push('kitchen', pcmRun(2, 'speech', 30));
    h.advance(20);
    assert.deepEqual(h.server.session(1).audio.map(tagOf), [1, 2, 30, 31]);
  });

  it('mute for a key with no stream yet is kept: its audio opens no session until unmute', () => {
    const h = new ManagerHarness({ idleTimeout: 3000 });
    h.manager.mute('sat');
    // An always-on microphone, muted for ten minutes: no session, no cost.
    h.pushPaced('sat', pcmRun(7500, 'speech'));
    assert.equal(h.server.sessions.length, 0);
    assert.equal(h.manager.summary().streams, 0);
    assert.equal(h.manager.summary().muted, 1);
    assert.equal(h.manager.summary().sentShare, 0);
    h.manager.unmute('sat');
    h.push('sat', pcmRun(5, 'speech', 1));
    h.advance(20);
    assert.deepEqual(h.server.session(1).audio.map(tagOf), [1, 2, 3, 4, 5]);
    h.manager.stop('sat', undefined);
    h.advance(200);
    const d = h.disconnected[0]!.payload;
    assert.equal(d.mutedSeconds, 600, 'what mute kept back while the key had no session comes with its next report');
    assert.equal(d.sentSeconds, 0.4);
  });

  it('a muted always-on microphone lets its session end by idle and opens no other', () => {
    const h = new ManagerHarness({ idleTimeout: 3000 });
    h.pushPaced('mic', pcmRun(10));
    h.manager.mute('mic');
    h.pushPaced('mic', pcmRun(1000));
    assert.deepEqual(h.reasons(), ['idle']);
    assert.equal(h.server.sessions.length, 1);
    // The last audio sent came at 720 ms: idle 3 s later, then flush, grace (100 ms) and close.
    assert.equal(h.disconnected[0]!.at, 720 + 3000 + 102, 'idle counts from the last audio sent, not the muted input');
  });

  it('mute without a key mutes every key, present and future; unmute by name is an exception; unmute all ends it', () => {
    const h = new ManagerHarness({ idleTimeout: 0, turnMode: 'manual' });
    h.push('a', pcmRun(2, 'speech', 1));
    h.advance(20);
    h.manager.mute(undefined);
    h.push('a', pcmRun(2, 'speech', 10));
    h.push('b', pcmRun(2, 'speech', 20));
    h.advance(20);
    assert.equal(h.server.sessions.length, 1, 'b is muted before it ever had a stream');
    assert.equal(h.manager.summary().nodeMuted, true);
    h.manager.unmute('b');
    h.push('b', pcmRun(2, 'speech', 30));
    h.push('a', pcmRun(2, 'speech', 40));
    h.advance(20);
    assert.deepEqual(h.server.session(2).audio.map(tagOf), [30, 31]);
    assert.deepEqual(h.server.session(1).audio.map(tagOf), [1, 2]);
    h.manager.unmute(undefined);
    h.push('a', pcmRun(1, 'speech', 50));
    h.advance(20);
    assert.deepEqual(h.server.session(1).audio.map(tagOf), [1, 2, 50]);
    assert.equal(h.manager.summary().nodeMuted, false);
  });

  it('a node-wide muteMs lifts by itself; a key muted by name stays muted', () => {
    const h = new ManagerHarness({ idleTimeout: 0 });
    h.manager.mute('b');
    h.manager.mute(undefined, 500);
    assert.ok(h.manager.isMuted('a') && h.manager.isMuted('b'));
    h.advance(500);
    assert.equal(h.manager.isMuted('a'), false);
    assert.equal(h.manager.isMuted('b'), false, 'a node-wide mute replaces the mutes by name');
    h.manager.mute('b');
    h.manager.mute('c', 300);
    h.advance(300);
    assert.deepEqual([h.manager.isMuted('b'), h.manager.isMuted('c')], [true, false]);
  });

  it('sentShare: the share of audio taken in that went to Gradium', () => {
    const h = new ManagerHarness({ idleTimeout: 0 });
    assert.equal(h.manager.summary().sentShare, null, 'nothing kept back: no share to show');
    h.push('a', pcmRun(30));
    h.manager.mute('a');
    h.push('a', pcmRun(10));
    assert.equal(h.manager.summary().sentShare, 0.75);
  });
});
