// The webhook signing secrets as webhook-ingest reads them (shared/aws/webhook-secrets.ts): current then
// previous, a malformed value refused with a clear error, and a value parsed once while it stays the same.
import type { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { describe, expect, it } from 'vitest';
import { createWebhookSecretSource } from '../../shared/aws/webhook-secrets.ts';

const current = `whsec_${Buffer.from('a'.repeat(24)).toString('base64')}`;
const previous = `whsec_${Buffer.from('b'.repeat(24)).toString('base64')}`;

/** A provider answering whatever `value` holds when asked. */
function provider(value: { raw: unknown }): SecretsProvider {
  return { get: async () => value.raw } as unknown as SecretsProvider;
}

describe('webhook signing secrets', () => {
  it('gives current then previous, and the same answer while the value stays the same', async () => {
    const value = { raw: JSON.stringify({ current, previous }) };
    const secrets = createWebhookSecretSource(provider(value), 'webhook');
    const first = await secrets();
    expect(first).toEqual([current, previous]);
    expect(await secrets()).toBe(first);
    value.raw = JSON.stringify({ current: previous });
    expect(await secrets()).toEqual([previous]);
  });

  it('refuses a malformed value each time it is read, also after a good one', async () => {
    const value = { raw: JSON.stringify({ current }) };
    const secrets = createWebhookSecretSource(provider(value), 'webhook');
    expect(await secrets()).toEqual([current]);
    value.raw = JSON.stringify({ current: 'not-a-secret' });
    await expect(secrets()).rejects.toThrow(/secret webhook is malformed/);
    await expect(secrets()).rejects.toThrow(/secret webhook is malformed/);
    value.raw = '{';
    await expect(secrets()).rejects.toThrow(/secret webhook is not JSON/);
    value.raw = '';
    expect(await secrets()).toEqual([]);
  });
});
