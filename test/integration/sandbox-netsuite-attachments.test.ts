// Conformance of the NetSuite sandbox's attachment RESTlet (infra/netsuite-script/apsync_attach_rl.js run
// by the sandbox, issue 11 §1): store a file in a File Cabinet folder and attach it to a vendor bill
// once, the {ok: false, code} refusals, the platform's own RESTlet errors, and files kept across restarts.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientAssertion, tokenRequest } from '../../infra/sandboxes/netsuite/access.ts';
import {
  type DemoSummary,
  type NetSuiteSandbox,
  startNetSuiteSandbox,
} from '../../infra/sandboxes/netsuite/index.ts';
import { answerMatches, attachRestletCases } from '../support/attach-restlet-cases.ts';
import { refusedOnPurpose } from '../support/contracts/policy.ts';

type Json = Record<string, unknown>;

let sandbox: NetSuiteSandbox;
let demo: DemoSummary;
let bill: string;
let otherBill: string;
let token: string;

const pdf = Buffer.from('%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
const sha1 = (bytes: Uint8Array) => createHash('sha1').update(bytes).digest('hex');

async function restletToken(target: NetSuiteSandbox, scope: string[] = ['restlets']): Promise<string> {
  const response = await tokenRequest(
    target.credentials.tokenUrl,
    await clientAssertion(target.credentials, { claims: { scope } }),
  );
  return ((await response.json()) as { access_token: string }).access_token;
}

function post(
  body: unknown,
  options: {
    target?: NetSuiteSandbox;
    token?: string;
    query?: string;
    contentType?: string;
    method?: string;
  } = {},
): Promise<Response> {
  const target = options.target ?? sandbox;
  const query = options.query ?? 'script=customscript_apsync_attach&deploy=customdeploy_apsync_attach';
  return fetch(`${target.url}/app/site/hosting/restlet.nl?${query}`, {
    method: options.method ?? 'POST',
    headers: {
      authorization: `Bearer ${options.token ?? token}`,
      'content-type': options.contentType ?? 'application/json',
    },
    ...(options.method === 'GET' ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
}

async function answer(response: Response): Promise<Json> {
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  return (await response.json()) as Json;
}

const request = (overrides: Json = {}, file: Json = {}): Json => ({
  apiVersion: 1,
  record: { type: 'vendorbill', id: bill },
  folderId: demo.attachmentFolder,
  file: {
    name: `procurify-${bill}-invoice.pdf`,
    fileType: 'PDF',
    contentBase64: pdf.toString('base64'),
    sha1: sha1(pdf),
    description: 'Procurify bill, invoice',
    ...file,
  },
  ...overrides,
});

/**
 * Requests that break the RESTlet's contract (infra/contracts/facts/apsync-restlet.ts) on purpose, to see
 * the RESTlet refuse them with a 200 {ok: false, code}.
 */
const sentWrong = (reason: string) =>
  refusedOnPurpose({
    vendor: 'netsuite',
    operation: 'POST /app/site/hosting/restlet.nl',
    statuses: [200],
    reason,
  });

beforeAll(async () => {
  sandbox = await startNetSuiteSandbox();
  demo = sandbox.seedDemo({ vendors: 4, bills: 2, payments: 0 });
  [bill, otherBill] = demo.bills as [string, string];
  token = await restletToken(sandbox, ['rest_webservices', 'restlets']);
});

afterAll(async () => {
  await sandbox.close();
});

describe('storeAttachment', () => {
  it('stores the file in the folder and attaches it to the bill: {ok, fileId, created: true, attached: true}', async () => {
    const stored = await answer(await post(request()));
    expect(stored).toEqual({ ok: true, fileId: expect.any(String), created: true, attached: true });
    const files = sandbox.attachedFiles('vendorBill', bill);
    expect(files).toEqual([
      {
        id: stored.fileId,
        name: `procurify-${bill}-invoice.pdf`,
        folder: demo.attachmentFolder,
        fileType: 'PDF',
        description: 'Procurify bill, invoice',
        size: pdf.length,
        sha1: sha1(pdf),
        contentBase64: pdf.toString('base64'),
      },
    ]);
  });

  it('re-uses the file of that name on a re-send (created: false): nothing is stored twice', async () => {
    const first = await answer(await post(request({}, { name: 'resend.pdf' })));
    const again = await answer(await post(request({}, { name: 'resend.pdf' })));
    expect(again).toEqual({ ok: true, fileId: first.fileId, created: false, attached: true });
    const named = sandbox.store.list('file').filter((file) => file.fields.name === 'resend.pdf');
    expect(named).toHaveLength(1);
    expect(
      sandbox.attachedFiles('vendorBill', bill).filter((file) => file.name === 'resend.pdf'),
    ).toHaveLength(1);
    // The same file attached to another bill is still one file.
    const elsewhere = await answer(
      await post(request({ record: { type: 'vendorbill', id: otherBill } }, { name: 'resend.pdf' })),
    );
    expect(elsewhere).toMatchObject({ fileId: first.fileId, created: false, attached: true });
    expect(sandbox.attachedFiles('vendorBill', otherBill).map((file) => file.id)).toEqual([first.fileId]);
  });

  it('stores text files and takes the sha1 in any case, or no sha1 at all', async () => {
    const text = Buffer.from('line 1\nline 2\n');
    const stored = await answer(
      await post(
        request(
          {},
          {
            name: 'note.txt',
            fileType: 'PLAINTEXT',
            contentBase64: text.toString('base64'),
            sha1: sha1(text).toUpperCase(),
          },
        ),
      ),
    );
    expect(stored).toMatchObject({ ok: true, created: true });
    const plain = await answer(
      await post(request({}, { name: 'nosha.pdf', sha1: undefined, description: undefined })),
    );
    expect(plain).toMatchObject({ ok: true, created: true });
  });
});

describe('refusals: 200 {ok: false, code, message}', () => {
  const refusal = async (body: unknown) => {
    const result = await answer(await post(body));
    expect(result.ok).toBe(false);
    expect(typeof result.message).toBe('string');
    return result.code;
  };

  it('FOLDER_NOT_FOUND for a folder that does not exist', async () => {
    expect(await refusal(request({ folderId: '99999' }))).toBe('FOLDER_NOT_FOUND');
  });

  it('RECORD_NOT_FOUND for a bill that does not exist', async () => {
    expect(await refusal(request({ record: { type: 'vendorbill', id: '999999' } }))).toBe('RECORD_NOT_FOUND');
  });

  it('TOO_LARGE for content over the 10 MB RESTlet string limit', async () => {
    sentWrong('content over the 10 MB string limit is sent to see TOO_LARGE');
    const huge = 'A'.repeat(10 * 1024 * 1024 + 4);
    expect(await refusal(request({}, { name: 'huge.pdf', contentBase64: huge, sha1: undefined }))).toBe(
      'TOO_LARGE',
    );
    expect(sandbox.store.list('file').some((file) => file.fields.name === 'huge.pdf')).toBe(false);
  });

  it('BAD_CONTENT for content that is not base64, does not match its sha1, an unknown file type or a bad name', async () => {
    sentWrong('content that is not base64, an unknown file type and a bad name are sent to see BAD_CONTENT');
    expect(await refusal(request({}, { name: 'x1.pdf', contentBase64: 'not base64!' }))).toBe('BAD_CONTENT');
    expect(await refusal(request({}, { name: 'x2.pdf', sha1: '0'.repeat(40) }))).toBe('BAD_CONTENT');
    expect(await refusal(request({}, { name: 'x3.pdf', fileType: 'EXE' }))).toBe('BAD_CONTENT');
    expect(await refusal(request({}, { name: 'a/b.pdf' }))).toBe('BAD_CONTENT');
    expect(sandbox.store.list('file').some((file) => /^x\d\.pdf$/.test(String(file.fields.name)))).toBe(
      false,
    );
  });

  it('BAD_REQUEST for another apiVersion, an unknown action or a malformed request', async () => {
    sentWrong('malformed requests are sent to see BAD_REQUEST');
    expect(await refusal(request({ apiVersion: 2 }))).toBe('BAD_REQUEST');
    expect(await refusal(request({ action: 'deleteFile' }))).toBe('BAD_REQUEST');
    expect(await refusal({ apiVersion: 1, folderId: demo.attachmentFolder })).toBe('BAD_REQUEST');
    expect(await refusal([1, 2])).toBe('BAD_REQUEST');
  });
});

describe('the shared contract cases (the SuiteScript passes the same)', () => {
  const cases = () =>
    attachRestletCases({
      billId: bill,
      folderId: demo.attachmentFolder,
      folderName: 'Procurify Invoices',
      missingFolderId: '999',
      missingBillId: '999999',
    });
  // Titles are known before the demo exists: build the cases per test.
  for (const [index, { title }] of attachRestletCases({
    billId: '',
    folderId: '',
    folderName: '',
    missingFolderId: '',
    missingBillId: '',
  }).entries()) {
    it(title, async () => {
      const steps = cases()[index]!.steps;
      const wrong = steps.flatMap((step) => (step.sentWrong === undefined ? [] : [step.sentWrong]));
      if (wrong.length > 0) sentWrong(`sent wrong on purpose: ${wrong.join('; ')}`);
      const answers: Json[] = [];
      for (const [step, expected] of steps.entries()) {
        const got = await answer(await post(expected.request));
        expect(answerMatches(got, expected.answer), `step ${step}: ${JSON.stringify(got)}`).toBe(true);
        if (expected.sameFileIdAs !== undefined)
          expect(got.fileId).toBe(answers[expected.sameFileIdAs]!.fileId);
        answers.push(got);
      }
    });
  }
});

describe('checkFolder', () => {
  it('answers the folder name, or FOLDER_NOT_FOUND', async () => {
    expect(
      await answer(await post({ apiVersion: 1, action: 'checkFolder', folderId: demo.attachmentFolder })),
    ).toEqual({
      ok: true,
      folderId: demo.attachmentFolder,
      name: 'Procurify Invoices',
    });
    expect(
      await answer(await post({ apiVersion: 1, action: 'checkFolder', folderId: '424242' })),
    ).toMatchObject({
      ok: false,
      code: 'FOLDER_NOT_FOUND',
    });
  });
});

describe('the platform around the RESTlet', () => {
  const platformError = async (response: Response, status: number, code: string) => {
    expect(response.status).toBe(status);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(code);
  };

  it('refuses an unknown script or deployment, another method, another content type and a token without restlets', async () => {
    refusedOnPurpose(
      {
        vendor: 'netsuite',
        operation: 'GET /app/site/hosting/restlet.nl',
        statuses: [405],
        reason: 'a GET, which the RESTlet has no entry point for, is sent to see it refused',
      },
      {
        vendor: 'netsuite',
        operation: 'POST /app/site/hosting/restlet.nl',
        statuses: [415],
        reason: 'a body in another content type is sent to see it refused',
      },
    );
    await platformError(
      await post(request(), { query: 'script=customscript_other&deploy=customdeploy_apsync_attach' }),
      400,
      'SSS_INVALID_SCRIPTLET_ID',
    );
    await platformError(
      await post(request(), { query: 'script=customscript_apsync_attach&deploy=customdeploy_other' }),
      400,
      'SSS_INVALID_SCRIPTLET_ID',
    );
    await platformError(await post(undefined, { method: 'GET' }), 405, 'SSS_INVALID_HTTP_METHOD');
    await platformError(await post(request(), { contentType: 'text/csv' }), 415, 'INVALID_CONTENT_TYPE');
    await platformError(
      await post(request(), { token: await restletToken(sandbox, ['rest_webservices']) }),
      401,
      'INVALID_LOGIN_ATTEMPT',
    );
  });

  it('counts RESTlet calls against the account concurrency limit and in the request log', async () => {
    sandbox.clearRequestLog();
    await answer(await post({ apiVersion: 1, action: 'checkFolder', folderId: demo.attachmentFolder }));
    expect(sandbox.requestLog().map((entry) => `${entry.method} ${entry.path} ${entry.status}`)).toEqual([
      'POST /app/site/hosting/restlet.nl 200',
    ]);
  });
});

describe('files across restarts', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'apsync-ns-files-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps folders, files, their content and attachments in the data file', async () => {
    const dataFile = join(dir, 'netsuite.json');
    const first = await startNetSuiteSandbox({ dataFile });
    const company = first.seedDemo({ vendors: 2, bills: 1, payments: 0 });
    const firstToken = await restletToken(first);
    const stored = await answer(
      await post(
        {
          ...request({
            record: { type: 'vendorbill', id: company.bills[0] },
            folderId: company.attachmentFolder,
          }),
        },
        { target: first, token: firstToken },
      ),
    );
    await first.close();
    const second = await startNetSuiteSandbox({ dataFile });
    try {
      expect(second.restored).toBe(true);
      expect(second.attachedFiles('vendorBill', company.bills[0]!)).toMatchObject([
        { id: stored.fileId, sha1: sha1(pdf), contentBase64: pdf.toString('base64') },
      ]);
      const again = await answer(
        await post(
          {
            ...request({
              record: { type: 'vendorbill', id: company.bills[0] },
              folderId: company.attachmentFolder,
            }),
          },
          { target: second, token: await restletToken(second) },
        ),
      );
      expect(again).toMatchObject({ fileId: stored.fileId, created: false });
      // The segment, custom fields and tax codes of the demo are kept too.
      expect(second.store.customField('vendorBill', 'cseg_region')).toMatchObject({
        kind: 'select',
        segment: 'cseg_region',
      });
      expect(second.store.customField('vendorBill', 'custcol_procurify_unit_cost')).toMatchObject({
        kind: 'currency',
      });
      expect(second.store.count('salesTaxItem')).toBe(5);
    } finally {
      await second.close();
    }
  });
});
