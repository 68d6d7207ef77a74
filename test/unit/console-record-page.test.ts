// The operator console's record page (shared/console/app.ts) when its next-write part cannot be loaded:
// the page still shows the record's state and audit trail, and says why there is no preview; a record
// apsync writes nowhere needs no such part.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ConsoleData } from '../../shared/console/read-model.ts';
import type { RecordState } from '../../shared/state/model.ts';

afterEach(() => {
  vi.doUnmock('../../shared/console/next-write.ts');
  vi.resetModules();
});

/**
 * The record page of `record`, its next-write part failing to load; `state` and `entries` answer the
 * only reads the page makes, from memory. Says whether the page tried to load that part.
 */
async function recordPageWithoutPreview(
  record: { system: string; kind: string; id: string },
  state: Pick<RecordState, 'status' | 'updatedAt' | 'message'>,
  entries: Array<{ at: string; step: string; message?: string }>,
) {
  vi.resetModules();
  let loaded = false;
  vi.doMock('../../shared/console/next-write.ts', () => {
    loaded = true;
    throw new Error('chunk next-write-x.mjs is missing');
  });
  const { createConsole } = await import('../../shared/console/app.ts');
  const { createTokenAuth } = await import('../../shared/console/auth.ts');
  const store = {
    getState: async () => state,
    findBySource: async () => undefined,
    read: async () => entries,
  };
  const data = { state: store, defaultPaymentMode: 'push' } as unknown as ConsoleData;
  const handle = createConsole({ data, auth: createTokenAuth('secret-token', 'operator') });
  const response = await handle({
    method: 'GET',
    path: '/record',
    query: new URLSearchParams(record),
    headers: { authorization: 'Bearer secret-token' },
    body: '',
  });
  return { response, loaded };
}

describe('operator console record page', () => {
  it('shows the record without a preview when the preview part fails to load', async () => {
    const { response, loaded } = await recordPageWithoutPreview(
      { system: 'procurify', kind: 'bill', id: '7001' },
      { status: 'review', updatedAt: '2026-12-01T10:00:00.000Z', message: 'no GL code' },
      [{ at: '2026-12-01T10:00:00.000Z', step: 'parked', message: 'no GL code' }],
    );
    expect(loaded).toBe(true);
    expect(response.status).toBe(200);
    expect(response.body).toContain('<strong>review</strong>');
    expect(response.body).toContain('No preview: the preview could not be loaded');
    expect(response.body).toContain('npx apsync preview procurify:bill:7001');
    expect(response.body).toContain('parked');
  });

  it('says a record apsync writes nowhere has no next write, without the preview part', async () => {
    // The payment mode's own record: an operator setting, written nowhere.
    const { response, loaded } = await recordPageWithoutPreview(
      { system: 'procurify', kind: 'payment', id: 'mode' },
      { status: 'synced', updatedAt: '2026-12-01T10:00:00.000Z' },
      [],
    );
    expect(response.status).toBe(200);
    expect(response.body).toContain('nowhere: there is no next write');
    expect(response.body).not.toContain('No preview');
    expect(response.body).not.toContain('apsync preview');
    expect(loaded).toBe(false);
  });
});
