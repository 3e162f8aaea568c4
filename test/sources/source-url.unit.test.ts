import assert from 'node:assert/strict';
import { maskSecrets, parseSchemes, parseSourceUrl, schemesTextIsValid } from '../../src/sources/source-url';

describe('sources: msg.source URLs, allowed schemes and masking', () => {
  const allowed = parseSchemes('rtsp, rtsps, http, https');

  it('takes an allowed URL and shows it without its credentials', () => {
    const u = parseSourceUrl('rtsp://admin:p%40ss@cam.local:554/stream1', allowed);
    assert.equal(u.scheme, 'rtsp');
    assert.equal(u.shown, 'rtsp://***:***@cam.local:554/stream1');
    assert.equal(u.href, 'rtsp://admin:p%40ss@cam.local:554/stream1');
    const line = 'rtsp://admin:p%40ss@cam.local:554/stream1: 401 Unauthorized (password p@ss, user admin)';
    const masked = maskSecrets(line, u.secrets);
    assert.ok(!masked.includes('p@ss') && !masked.includes('p%40ss') && !masked.includes('admin'), masked);
  });

  it('refuses other schemes, naming the allowed ones; file only when listed', () => {
    assert.throws(() => parseSourceUrl('file:///etc/passwd', allowed), { code: 'BAD_INPUT', message: /"file:" .* not allowed; this node reads rtsp:, rtsps:, http:, https:/ });
    assert.equal(parseSourceUrl('file:///tmp/a.wav', parseSchemes('file')).scheme, 'file');
    assert.throws(() => parseSourceUrl('not a url', allowed), /is not a URL/);
    assert.throws(() => parseSourceUrl(42, allowed), /expected a URL/);
  });

  it('sourceSchemes: known names only', () => {
    assert.equal(schemesTextIsValid('rtsp, http,https file'), true);
    assert.equal(schemesTextIsValid('rtsp, gopher'), false);
    assert.deepEqual(parseSchemes('RTSP: , http'), ['rtsp', 'http']);
  });

  it('masks the userinfo of any URL in a text, even without the parsed secrets', () => {
    assert.equal(maskSecrets('failed: http://bob:hunter2@x/y'), 'failed: http://***@x/y');
  });
});
