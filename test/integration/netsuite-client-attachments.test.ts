// Integration tests of the NetSuite client's attachment RESTlet part (shared/netsuite/restlet.ts) against
// the NetSuite sandbox: a file is stored and attached once and a re-send re-uses it, refusals become
// DataErrors with the RESTlet's code, a missing deployment is a BugError, and the token carries the
// `restlets` scope only when RESTlets are configured.
import { createHash } from 'node:crypto';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type DemoSummary,
  type NetSuiteSandbox,
  startNetSuiteSandbox,
} from '../../infra/sandboxes/netsuite/index.ts';
import { BugError, DataError, SyncError } from '../../shared/errors.ts';
import {
  createNetSuiteClient,
  type NetSuiteAttachments,
  type NetSuiteClient,
  type NetSuiteClientConfigInput,
  NetSuiteTokenProvider,
  parseNetSuiteClientConfig,
} from '../../shared/netsuite/index.ts';
import { refusedOnPurpose } from '../support/contracts/policy.ts';

let sandbox: NetSuiteSandbox;
let demo: DemoSummary;
let bill: string;

const invoice = Buffer.from('%PDF-1.4\n% apsync test invoice\n%%EOF\n');
const sha1 = (bytes: Uint8Array) => createHash('sha1').update(bytes).digest('hex');

beforeAll(async () => {
  sandbox = await startNetSuiteSandbox({ seed: 21 });
  demo = sandbox.seedDemo({ vendors: 4, bills: 3, payments: 0 });
  bill = demo.bills[0]!;
});

afterAll(async () => {
  await sandbox?.close();
});

beforeEach(() => {
  sandbox.faults.clear();
  sandbox.clearRequestLog();
});

function config(overrides: Partial<NetSuiteClientConfigInput> = {}): NetSuiteClientConfigInput {
  const { accountId, clientId, certificateId, privateKeyPem, algorithm, tokenUrl } = sandbox.credentials;
  return {
    baseUrl: sandbox.url,
    accountId,
    clientId,
    certificateId,
    privateKeyPem,
    algorithm,
    tokenUrl,
    concurrencyShare: 3,
    retryPolicy: { maxAttempts: 4, baseMs: 1, capMs: 5 },
    restlets: { baseUrl: sandbox.url },
    ...overrides,
  };
}

function attachments(client: NetSuiteClient = createNetSuiteClient(config())): NetSuiteAttachments {
  if (client.attachments === undefined) throw new Error('attachments are not configured');
  return client.attachments;
}

async function caught(promise: Promise<unknown>): Promise<SyncError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SyncError) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

const file = (name: string, content: Uint8Array = invoice) => ({
  name,
  fileType: 'PDF' as const,
  content,
  description: `Procurify bill ${bill}`,
});

describe('storeAttachment', () => {
  it('stores the file in the folder and attaches it to the bill, once: a re-send re-uses it', async () => {
    const client = attachments();
    const input = {
      record: { type: 'vendorbill', id: bill },
      folderId: demo.attachmentFolder,
      file: file('inv-1.pdf'),
    };
    const first = await client.storeAttachment(input);
    expect(first).toEqual({ fileId: expect.any(String), created: true, attached: true });
    const again = await client.storeAttachment(input);
    expect(again).toEqual({ fileId: first.fileId, created: false, attached: true });
    expect(sandbox.attachedFiles('vendorBill', bill)).toMatchObject([
      {
        id: first.fileId,
        name: 'inv-1.pdf',
        folder: demo.attachmentFolder,
        fileType: 'PDF',
        sha1: sha1(invoice),
      },
    ]);
    expect(sandbox.store.list('file').filter((stored) => stored.fields.name === 'inv-1.pdf')).toHaveLength(1);
    // Two RESTlet calls on the RESTlet path, one token.
    expect(sandbox.requestLog().map((entry) => entry.path)).toEqual([
      '/services/rest/auth/oauth2/v1/token',
      '/app/site/hosting/restlet.nl',
      '/app/site/hosting/restlet.nl',
    ]);
  });

  it('retries a RESTlet call that failed with 500 (safe: a re-send re-uses the stored file)', async () => {
    sandbox.faults.set('POST /app/site/hosting/restlet.nl', { rate500: 1 });
    const client = attachments(createNetSuiteClient(config(), { onRetry: () => sandbox.faults.clear() }));
    const stored = await client.storeAttachment({
      record: { type: 'vendorbill', id: bill },
      folderId: demo.attachmentFolder,
      file: file('inv-retry.pdf'),
    });
    expect(stored.created).toBe(true);
    expect(
      sandbox
        .requestLog()
        .filter((entry) => entry.path === '/app/site/hosting/restlet.nl')
        .map((entry) => entry.status),
    ).toEqual([500, 200]);
  });

  it('turns the RESTlet refusals into DataErrors with its code and the field to fix', async () => {
    refusedOnPurpose({
      vendor: 'netsuite',
      operation: 'POST /app/site/hosting/restlet.nl',
      statuses: [200],
      reason: 'a file name with a / (not a File Cabinet name) is sent to see BAD_CONTENT',
    });
    const client = attachments();
    const folder = await caught(
      client.storeAttachment({
        record: { type: 'vendorbill', id: bill },
        folderId: '99999',
        file: file('a.pdf'),
      }),
    );
    expect(folder).toBeInstanceOf(DataError);
    expect(folder).toMatchObject({ code: 'FOLDER_NOT_FOUND', path: 'folderId', source: 'netsuite' });
    const record = await caught(
      client.storeAttachment({
        record: { type: 'vendorbill', id: '999999' },
        folderId: demo.attachmentFolder,
        file: file('b.pdf'),
      }),
    );
    expect(record).toBeInstanceOf(DataError);
    expect(record).toMatchObject({ code: 'RECORD_NOT_FOUND', path: 'record' });
    const badName = await caught(
      client.storeAttachment({
        record: { type: 'vendorbill', id: bill },
        folderId: demo.attachmentFolder,
        file: file('a/b.pdf'),
      }),
    );
    expect(badName).toBeInstanceOf(DataError);
    expect(badName).toMatchObject({ code: 'BAD_CONTENT', path: 'file' });
  });

  it('refuses before sending: content over the RESTlet limit (TOO_LARGE) or not matching the expected SHA-1 (BAD_CONTENT)', async () => {
    const client = attachments();
    const big = Buffer.alloc(8 * 1024 * 1024, 1);
    const tooLarge = await caught(
      client.storeAttachment({
        record: { type: 'vendorbill', id: bill },
        folderId: demo.attachmentFolder,
        file: file('big.pdf', big),
      }),
    );
    expect(tooLarge).toBeInstanceOf(DataError);
    expect(tooLarge).toMatchObject({ code: 'TOO_LARGE', path: 'file.contentBase64' });
    const damaged = await caught(
      client.storeAttachment({
        record: { type: 'vendorbill', id: bill },
        folderId: demo.attachmentFolder,
        file: { ...file('c.pdf'), sha1: '0'.repeat(40) },
      }),
    );
    expect(damaged).toBeInstanceOf(DataError);
    expect(damaged).toMatchObject({ code: 'BAD_CONTENT' });
    expect(sandbox.requestLog().filter((entry) => entry.path === '/app/site/hosting/restlet.nl')).toEqual([]);
  });

  it('sends a file whose base64 text is exactly the 10 MB RESTlet limit', async () => {
    const client = attachments();
    const nearLimit = Buffer.alloc(7_864_320, 2); // base64 = exactly 10 MiB: accepted by both
    const stored = await client.storeAttachment({
      record: { type: 'vendorbill', id: bill },
      folderId: demo.attachmentFolder,
      file: file('limit.pdf', nearLimit),
    });
    expect(stored.created).toBe(true);
  });

  it('is a BugError when the RESTlet is not deployed under the configured ids', async () => {
    const client = attachments(
      createNetSuiteClient(
        config({
          restlets: {
            baseUrl: sandbox.url,
            attach: { scriptId: 'customscript_other', deployId: 'customdeploy_apsync_attach' },
          },
        }),
      ),
    );
    const error = await caught(
      client.storeAttachment({
        record: { type: 'vendorbill', id: bill },
        folderId: demo.attachmentFolder,
        file: file('d.pdf'),
      }),
    );
    expect(error).toBeInstanceOf(BugError);
    expect(error).toMatchObject({ code: 'SSS_INVALID_SCRIPTLET_ID' });
    expect(error.message).toMatch(/customscript_other/);
  });

  it('is a BugError for a malformed call (not an internal id)', async () => {
    const error = await caught(
      attachments().storeAttachment({
        record: { type: 'vendorbill', id: 'eid:x' },
        folderId: demo.attachmentFolder,
        file: file('e.pdf'),
      }),
    );
    expect(error).toBeInstanceOf(BugError);
  });
});

describe('checkFolder', () => {
  it("answers the folder's name, or a DataError FOLDER_NOT_FOUND", async () => {
    const client = attachments();
    expect(await client.checkFolder(demo.attachmentFolder)).toEqual({
      folderId: demo.attachmentFolder,
      name: 'Procurify Invoices',
    });
    const missing = await caught(client.checkFolder('777777'));
    expect(missing).toBeInstanceOf(DataError);
    expect(missing).toMatchObject({ code: 'FOLDER_NOT_FOUND', path: 'folderId' });
  });
});

describe('configuration and token scope', () => {
  it('asks for the restlets scope only when RESTlets are configured, and has no attachments part otherwise', async () => {
    const scopeOf = async (input: NetSuiteClientConfigInput) =>
      decodeJwt(await new NetSuiteTokenProvider({ config: parseNetSuiteClientConfig(input) }).signAssertion())
        .scope;
    expect(await scopeOf(config())).toEqual(['rest_webservices', 'restlets']);
    const { restlets: _, ...plain } = config();
    expect(await scopeOf(plain)).toEqual(['rest_webservices']);
    expect(createNetSuiteClient(plain).attachments).toBeUndefined();
  });

  it('derives the RESTlet host from the account id and defaults the script ids', () => {
    const parsed = parseNetSuiteClientConfig({ ...config(), accountId: '1234567_SB1', restlets: {} });
    expect(parsed.restlets).toEqual({
      baseUrl: 'https://1234567-sb1.restlets.api.netsuite.com',
      attach: { scriptId: 'customscript_apsync_attach', deployId: 'customdeploy_apsync_attach' },
    });
    expect(() =>
      parseNetSuiteClientConfig({
        ...config(),
        restlets: { attach: { scriptId: 'apsync_attach', deployId: 'x' } },
      }),
    ).toThrow(/restlets\.attach\.scriptId/);
  });

  it('a token without the restlets scope is refused by the RESTlet (a token of an older integration record)', async () => {
    // One client with RESTlets configured shares its token with the record API: both kinds of call work.
    const client = createNetSuiteClient(config());
    await client.records.get('vendor', demo.vendors[0]!);
    expect((await attachments(client).checkFolder(demo.attachmentFolder)).name).toBe('Procurify Invoices');
    expect(client.stats().tokens.tokenRequests).toBe(1);
    // A provider that never asks for restlets (as before issue 11) gets a 401 from the RESTlet host.
    const response = await fetch(
      `${sandbox.url}/app/site/hosting/restlet.nl?script=customscript_apsync_attach&deploy=customdeploy_apsync_attach`,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${await createNetSuiteClient({ ...config(), restlets: undefined }).tokens.getToken()}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ apiVersion: 1, action: 'checkFolder', folderId: demo.attachmentFolder }),
      },
    );
    expect(response.status).toBe(401);
  });
});
