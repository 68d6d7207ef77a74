// The operator console's record page (shared/console/app.ts) when its next-write part cannot be loaded:
// the page still shows the record's state and audit trail, and says why there is no preview.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ConsoleData } from '../../shared/console/read-model.ts';

afterEach(() => {
  vi.doUnmock('../../shared/console/next-write.ts');
  vi.resetModules();
});

describe('operator console record page', () => {
  it('shows the record without a preview when the preview part fails to load', async () => {
    vi.resetModules();
    vi.doMock('../../shared/console/next-write.ts', () => {
      throw new Error('chunk next-write-x.mjs is missing');
    });
    const { createConsole } = await import('../../shared/console/app.ts');
    const { createTokenAuth } = await import('../../shared/console/auth.ts');
    // Only the reads the record page makes, answered from memory.
    const state = {
      getState: async () => ({
        status: 'review',
        updatedAt: '2026-12-01T10:00:00.000Z',
        message: 'no GL code',
      }),
      findBySource: async () => undefined,
      read: async () => [{ at: '2026-12-01T10:00:00.000Z', step: 'parked', message: 'no GL code' }],
    };
    const data = { state, defaultPaymentMode: 'push' } as unknown as ConsoleData;
    const handle = createConsole({ data, auth: createTokenAuth('secret-token', 'operator') });
    const response = await handle({
      method: 'GET',
      path: '/record',
      query: new URLSearchParams({ system: 'procurify', kind: 'bill', id: '7001' }),
      headers: { authorization: 'Bearer secret-token' },
      body: '',
    });
    expect(response.status).toBe(200);
    expect(response.body).toContain('<strong>review</strong>');
    expect(response.body).toContain('No preview: the preview could not be loaded');
    expect(response.body).toContain('npx apsync preview procurify:bill:7001');
    expect(response.body).toContain('parked');
  });

  it('says a record apsync writes nowhere has no next write, without the preview part', async () => {
    vi.resetModules();
    let loaded = false;
    vi.doMock('../../shared/console/next-write.ts', () => {
      loaded = true;
      throw new Error('chunk next-write-x.mjs is missing');
    });
    const { createConsole } = await import('../../shared/console/app.ts');
    const { createTokenAuth } = await import('../../shared/console/auth.ts');
    const state = {
      getState: async () => ({ status: 'synced', updatedAt: '2026-12-01T10:00:00.000Z' }),
      findBySource: async () => undefined,
      read: async () => [],
    };
    const data = { state, defaultPaymentMode: 'push' } as unknown as ConsoleData;
    const handle = createConsole({ data, auth: createTokenAuth('secret-token', 'operator') });
    const response = await handle({
      method: 'GET',
      path: '/record',
      // The payment mode's own record: an operator setting, written nowhere.
      query: new URLSearchParams({ system: 'procurify', kind: 'payment', id: 'mode' }),
      headers: { authorization: 'Bearer secret-token' },
      body: '',
    });
    expect(response.status).toBe(200);
    expect(response.body).toContain('nowhere: there is no next write');
    expect(response.body).not.toContain('No preview');
    expect(response.body).not.toContain('apsync preview');
    expect(loaded).toBe(false);
  });
});
