// readCredentials (shared/aws/credentials.ts) and the client sources (shared/sync-clients.ts): a secret's
// value is parsed and validated once while it stays the same, again when it changes (rotation); a
// malformed value is refused on every read; a client is rebuilt only when its secret's value changes.
import type { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { procurifyCredentialsSchema, readCredentials } from '../../shared/aws/credentials.ts';
import { createProcurifyClientSource } from '../../shared/sync-clients.ts';

/** A provider answering the current value of each secret, as Powertools' cache does between reads. */
function secrets(values: Record<string, string>) {
  const provider = {
    get: async (name: string) => values[name],
  } as unknown as SecretsProvider;
  return { provider, values };
}

const procurify = (clientSecret: string) =>
  JSON.stringify({ domain: 'acme', clientId: 'client', clientSecret, baseUrl: 'http://127.0.0.1:1' });

const settings = {
  netsuiteBaseUrl: undefined,
  procurifyBaseUrl: undefined,
  netsuiteConcurrencyShare: 1,
  netsuiteRequestTimeoutSeconds: 30,
};

afterEach(() => {
  vi.restoreAllMocks();
});

describe('readCredentials', () => {
  it('parses a value once while it stays the same, again when it changes', async () => {
    const parses = vi.spyOn(procurifyCredentialsSchema, 'safeParse');
    const { provider, values } = secrets({ 'test/parse-once': procurify('one') });
    const first = await readCredentials(provider, 'test/parse-once', procurifyCredentialsSchema);
    const second = await readCredentials(provider, 'test/parse-once', procurifyCredentialsSchema);
    expect(second).toBe(first);
    expect(parses).toHaveBeenCalledTimes(1);
    values['test/parse-once'] = procurify('two');
    const rotated = await readCredentials(provider, 'test/parse-once', procurifyCredentialsSchema);
    expect(rotated.clientSecret).toBe('two');
    expect(parses).toHaveBeenCalledTimes(2);
  });

  it('keeps each secret apart', async () => {
    const { provider } = secrets({ 'test/a': procurify('a'), 'test/b': procurify('b') });
    const a = await readCredentials(provider, 'test/a', procurifyCredentialsSchema);
    const b = await readCredentials(provider, 'test/b', procurifyCredentialsSchema);
    expect([a.clientSecret, b.clientSecret]).toEqual(['a', 'b']);
    expect((await readCredentials(provider, 'test/a', procurifyCredentialsSchema)).clientSecret).toBe('a');
  });

  it('refuses a malformed value on every read', async () => {
    const { provider } = secrets({ 'test/malformed': JSON.stringify({ domain: 'acme', clientId: 'x' }) });
    for (let read = 0; read < 2; read++) {
      await expect(readCredentials(provider, 'test/malformed', procurifyCredentialsSchema)).rejects.toThrow(
        /secret test\/malformed is malformed \(clientSecret: /,
      );
    }
  });
});

describe('client sources', () => {
  it('keep the client while the secret stays the same and rebuild it when it changes', async () => {
    const { provider, values } = secrets({ 'test/source': procurify('one') });
    const source = createProcurifyClientSource(provider, 'test/source', settings);
    const client = await source();
    expect(await source()).toBe(client);
    values['test/source'] = procurify('two');
    const rotated = await source();
    expect(rotated).not.toBe(client);
    expect(await source()).toBe(rotated);
  });
});
