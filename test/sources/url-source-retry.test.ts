/**
 * The URL source's retry rule on a clock the test moves: a source that keeps failing (a real ffmpeg on a file
 * that is not there) is read again after 1 s, 2 s, 4 s … up to 30 s; audio flowing again starts the count anew;
 * stop() ends it with no process left.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseSourceUrl } from '../../src/sources/source-url';
import { UrlSource, type SourceDrop } from '../../src/sources/url-source';
import { encodeAll, ffmpegChildren, requireFfmpeg, SPEECH_WAV, tempDir } from '../helpers/ffmpeg';
import { ManualClock } from '../helpers/manual-clock';
import { until } from '../helpers/speech-audio';

describe('sources: URL source retry (real ffmpeg, manual clock)', function () {
  this.timeout(30000);
  let dir: string;

  before(function () {
    requireFfmpeg(this);
    dir = tempDir('gradium-retry-');
  });
  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('retries after 1, 2, 4, 8, 16, 30, 30 s; the file appearing is read; stop leaves no process', async () => {
    const clock = new ManualClock();
    const file = path.join(dir, 'later.wav');
    const url = parseSourceUrl(`file://${file}`, ['file']);
    const source = new UrlSource({ url, ffmpegPath: 'ffmpeg', clock, stallMs: 600_000 });
    const drops: SourceDrop[] = [];
    let pcmBytes = 0;
    source.on('dropped', (d) => drops.push(d));
    source.on('pcm', (pcm) => (pcmBytes += pcm.length));
    for (let i = 1; i <= 7; i++) {
      if (i > 1) clock.advance(drops[i - 2]!.retryInMs);
      await until(`drop ${i}`, () => drops.length === i);
      assert.equal(source.state, 'backoff');
    }
    assert.deepEqual(drops.map((d) => d.retryInMs), [1000, 2000, 4000, 8000, 16000, 30000, 30000]);
    assert.match(drops[0]!.message, /No such file or directory/);
    // The file is there now: the next attempt reads it.
    encodeAll(SPEECH_WAV, dir, { 'later.wav': ['-t', '1'] });
    clock.advance(29_999);
    assert.equal(source.state, 'backoff', 'not before the 30 s are over');
    clock.advance(1);
    await until('audio from the file', () => pcmBytes > 0, 10000);
    assert.equal(drops.length, 7);
    source.stop();
    assert.equal(source.state, 'stopped');
    await until('no ffmpeg left', () => ffmpegChildren().length === 0);
  });
});
