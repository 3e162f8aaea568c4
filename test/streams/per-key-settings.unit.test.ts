/**
 * msg.settings with a key changes that key only, now and for its later streams; without a key it changes the
 * node, except the fields a key set for itself.
 */
import { strict as assert } from 'node:assert';
import { ManagerHarness } from './manager-harness';
import { pcmRun } from './scripted-gradium';

function languageOf(h: ManagerHarness, key: string): string[] {
  return h.connected.filter((c) => c.key === key).map((c) => c.payload.language);
}

describe('streams: settings per key (manual clock, scripted socket)', () => {
  it('a key set before its first audio opens in its own language; the others keep the node’s', () => {
    const h = new ManagerHarness({ idleTimeout: 0 });
    h.manager.updateSettings({ language: 'fr' }, 'kitchen');
    h.push('kitchen', pcmRun(2));
    h.push('office', pcmRun(2));
    h.advance(20);
    assert.deepEqual(h.server.sessions.map((s) => s.language), ['fr', 'en']);
    assert.deepEqual(languageOf(h, 'kitchen'), ['fr']);
    assert.deepEqual(languageOf(h, 'office'), ['en']);
    assert.equal(h.manager.settingsFor().language, 'en', 'the node’s own settings are untouched');
  });

  it('a key’s change rotates only that key’s session (final "settings"), mid-stream, nothing lost', () => {
    const h = new ManagerHarness({ idleTimeout: 0, turnMode: 'manual' });
    h.push('kitchen', pcmRun(5, 'speech', 1));
    h.push('office', pcmRun(5, 'speech', 100));
    h.advance(20);
    h.server.session(1).say('bonjour', 0.1);
    h.manager.updateSettings({ language: 'fr' }, 'kitchen');
    h.push('kitchen', pcmRun(3, 'speech', 6));
    h.advance(300);
    assert.equal(h.server.sessions.length, 3);
    assert.equal(h.server.session(3).language, 'fr');
    assert.deepEqual(h.reasons('kitchen'), ['settings']);
    assert.deepEqual(h.reasons('office'), []);
    assert.equal(h.finals('kitchen')[0]!.endOfTurn, 'settings');
    assert.equal(h.server.session(3).audio.length, 3);
  });

  it('a node-wide change reaches every key except in the fields a key set itself', () => {
    const h = new ManagerHarness({ idleTimeout: 0 });
    h.manager.updateSettings({ language: 'fr' }, 'kitchen');
    h.push('kitchen', pcmRun(2));
    h.push('office', pcmRun(2));
    h.advance(20);
    h.manager.updateSettings({ language: 'de', delayInFrames: 16 });
    h.advance(300);
    // office: new session in German with the new delay; kitchen: new session for the delay, still French.
    const last = (key: string): { language: string; delayInFrames: number } =>
      h.connected.filter((c) => c.key === key).at(-1)!.payload;
    assert.deepEqual(last('office'), { ...last('office'), language: 'de', delayInFrames: 16 });
    assert.deepEqual(last('kitchen'), { ...last('kitchen'), language: 'fr', delayInFrames: 16 });
    h.manager.updateSettings({ language: 'es' });
    h.advance(300);
    assert.equal(last('kitchen').language, 'fr');
    assert.equal(last('office').language, 'es');
    assert.equal(h.manager.settingsFor('kitchen').delayInFrames, 16);
  });

  it('a key keeps its settings when its stream ended (idle) and comes back, until redeploy', () => {
    const h = new ManagerHarness({ idleTimeout: 1000 });
    h.manager.updateSettings({ language: 'fr', idleTimeout: 500 }, 'kitchen');
    h.push('kitchen', pcmRun(2));
    h.advance(800);
    assert.deepEqual(h.reasons('kitchen'), ['idle'], 'the key’s own idle timeout (500 ms) applied');
    h.advance(60_000);
    h.push('kitchen', pcmRun(2));
    h.advance(20);
    assert.deepEqual(languageOf(h, 'kitchen'), ['fr', 'fr']);
  });

  it('a bad value for a key is refused whole and changes nothing', () => {
    const h = new ManagerHarness({ idleTimeout: 0 });
    assert.throws(() => h.manager.updateSettings({ language: 'fr', vadSteps: 0 }, 'kitchen'), /settings\.vadSteps/);
    assert.equal(h.manager.settingsFor('kitchen').language, 'en');
  });
});
