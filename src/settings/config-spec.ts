/** Every property of a `gradium-config` node (the API key is a credential, never a property). */
import { REGIONS } from '../gradium/endpoints';
import type { SettingsSpec, ValuesOf } from './spec';

export const CONFIG_SPEC = {
  name: { type: 'text', default: '' },
  region: { type: 'choice', default: 'global', values: REGIONS },
  /** Only read when region is `custom`; checked by resolveEndpoint (wss://, or ws:// to loopback). */
  endpoint: { type: 'text', default: '', maxLength: 2000 },
} as const satisfies SettingsSpec;

export type ConfigValues = ValuesOf<typeof CONFIG_SPEC>;
