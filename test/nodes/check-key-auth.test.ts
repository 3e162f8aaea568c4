/**
 * The Check key and voice list admin routes in a real Node-RED server with adminAuth on: they answer only
 * users allowed to edit gradium-config nodes, and never echo the key.
 */
import { strict as assert } from 'node:assert';
import { startEmulator, type Emulator } from '../../src/emulator';
import { startNodeRed, type NodeRedServer } from '../helpers/node-red-server';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const bcrypt = require('bcryptjs') as { hashSync(pw: string, rounds: number): string };

const KEY = 'gsk_admin_route_key_5150';
const PASSWORD = 'correct horse battery';

describe('Check key route permissions (real Node-RED with adminAuth)', function () {
  this.timeout(60000);
  let emu: Emulator;
  let red: NodeRedServer;

  before(async () => {
    emu = await startEmulator({ apiKeys: [KEY] });
    const hash = bcrypt.hashSync(PASSWORD, 8);
    red = await startNodeRed({
      settings: {
        adminAuth: {
          type: 'credentials',
          users: [
            { username: 'admin', password: hash, permissions: '*' },
            { username: 'viewer', password: hash, permissions: 'read' },
          ],
        },
      },
    });
  });
  after(async () => {
    await red?.stop();
    await emu?.close();
  });

  async function token(username: string, scope = '*'): Promise<string> {
    const res = await red.request('POST', '/auth/token', {
      client_id: 'node-red-admin',
      grant_type: 'password',
      scope,
      username,
      password: PASSWORD,
    });
    assert.equal(res.status, 200, res.body);
    return (JSON.parse(res.body) as { access_token: string }).access_token;
  }

  const body = (): Record<string, string> => ({ region: 'custom', endpoint: emu.url, apiKey: KEY });

  it('refuses a caller without a token', async () => {
    const res = await red.request('POST', '/gradium/check-key', body());
    assert.equal(res.status, 401);
    assert.doesNotMatch(res.body, new RegExp(KEY));
  });

  it('refuses a user who may only read', async () => {
    const res = await red.request('POST', '/gradium/check-key', body(), { authorization: `Bearer ${await token('viewer', 'read')}` });
    assert.equal(res.status, 401);
  });

  it('answers a user who may edit, without echoing the key', async () => {
    const res = await red.request('POST', '/gradium/check-key', body(), { authorization: `Bearer ${await token('admin')}` });
    assert.equal(res.status, 200, res.body);
    assert.equal((JSON.parse(res.body) as { result: string }).result, 'valid');
    assert.doesNotMatch(res.body, new RegExp(KEY));
  });

  for (const route of ['/gradium/voices']) {
    it(`${route}: refuses a caller without a token and a read-only user; answers an editor without the key`, async () => {
      const anonymous = await red.request('POST', route, body());
      assert.equal(anonymous.status, 401);
      const viewer = await red.request('POST', route, body(), { authorization: `Bearer ${await token('viewer', 'read')}` });
      assert.equal(viewer.status, 401);
      const admin = await red.request('POST', route, body(), { authorization: `Bearer ${await token('admin')}` });
      assert.equal(admin.status, 200, admin.body);
      assert.equal((JSON.parse(admin.body) as { result: string }).result, 'ok');
      assert.doesNotMatch(admin.body, new RegExp(KEY));
    });
  }
});
