// Checks the attachment RESTlet NetSuite runs (infra/netsuite-script/apsync_attach_rl.js): the real file is
// loaded in a VM with fakes of N/file, N/search, N/query, N/record, N/crypto, N/encode and N/log, and must
// answer the shared contract cases as it does in the NetSuite sandbox (which runs the same file), store
// the bytes it was sent, stay within RESTlet governance and let unexpected errors through to NetSuite.
// Its requests and answers in the shared cases must fit the RESTlet's contract facts
// (infra/contracts/facts/apsync-restlet.ts).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { answerMatches, attachRestletCases } from '../support/attach-restlet-cases.ts';
import { ContractChecker } from '../support/contracts/checker.ts';
import { createFakeCrypto, SuiteScriptError } from '../support/netsuite-modules/crypto.ts';
import { createFakeEncode } from '../support/netsuite-modules/encode.ts';
import { createFakeFileCabinet } from '../support/netsuite-modules/file-cabinet.ts';
import { loadSuiteScript } from '../support/netsuite-modules/loader.ts';
import { createFakeLog } from '../support/netsuite-modules/log.ts';

const scriptPath = fileURLToPath(new URL('../../infra/netsuite-script/apsync_attach_rl.js', import.meta.url));

interface RestletEntryPoints {
  post(request: unknown): Record<string, unknown>;
}

const BILL = 4321;
const FOLDER = 1234;

function account() {
  const cabinet = createFakeFileCabinet();
  cabinet.account.addFolder(FOLDER, 'Procurify Invoices');
  cabinet.account.addRecord('vendorbill', BILL);
  const log = createFakeLog();
  const script = loadSuiteScript<RestletEntryPoints>(scriptPath, {
    ...cabinet.modules,
    'N/crypto': createFakeCrypto(new Map()),
    'N/encode': createFakeEncode(),
    'N/log': log.module,
  });
  return { cabinet, log, script, post: script.entryPoints.post };
}

const sha1 = (bytes: Uint8Array) => createHash('sha1').update(bytes).digest('hex');

describe('apsync_attach_rl.js: the file NetSuite runs', () => {
  const source = readFileSync(scriptPath, 'utf8');

  it('declares a SuiteScript 2.1 RESTlet with a post entry point', () => {
    expect(source).toMatch(/@NApiVersion 2\.1\b/);
    expect(source).toMatch(/@NScriptType Restlet\b/);
    const { script } = account();
    expect(script.dependencies).toEqual([
      'N/file',
      'N/search',
      'N/query',
      'N/record',
      'N/crypto',
      'N/encode',
      'N/log',
    ]);
    expect(Object.keys(script.entryPoints)).toEqual(['post']);
  });
});

/** The checks the integration tests make of every exchange with the NetSuite sandbox's RESTlet. */
const checker = new ContractChecker();

function findings(requestBody: string, answer: unknown) {
  const found = checker.check({
    vendor: 'netsuite',
    method: 'POST',
    path: '/app/site/hosting/restlet.nl',
    query: 'script=customscript_apsync_attach&deploy=customdeploy_apsync_attach',
    requestHeaders: { 'content-type': 'application/json' },
    requestBody,
    status: 200,
    responseHeaders: { 'content-type': 'application/json' },
    responseBody: JSON.stringify(answer),
  });
  return {
    request: found.filter((finding) => finding.direction === 'request'),
    response: found.filter((finding) => finding.direction === 'response').map((finding) => finding.message),
  };
}

describe('the shared contract cases (the sandbox RESTlet passes the same)', () => {
  const context = {
    billId: String(BILL),
    folderId: String(FOLDER),
    folderName: 'Procurify Invoices',
    missingFolderId: '999',
    missingBillId: '999999',
  };
  for (const contractCase of attachRestletCases(context)) {
    // One case sends 10 MB (TOO_LARGE): serialised once, parsed, checked by the script and against the
    // contract facts, a few seconds of string work on a loaded 2-core machine; the deadline fits that.
    it(contractCase.title, { timeout: 60_000 }, () => {
      const { post } = account();
      const answers: Array<Record<string, unknown>> = [];
      for (const [index, step] of contractCase.steps.entries()) {
        const requestBody = JSON.stringify(step.request);
        // The RESTlet receives the parsed JSON body, as NetSuite passes an application/json request.
        const answer = post(JSON.parse(requestBody));
        expect(answerMatches(answer, step.answer), `step ${index}: ${JSON.stringify(answer)}`).toBe(true);
        if (step.sameFileIdAs !== undefined) expect(answer.fileId).toBe(answers[step.sameFileIdAs]!.fileId);
        // The contract facts say what the script does: its answers fit them, and a request breaks them
        // exactly when the case sends it wrong on purpose.
        const found = findings(requestBody, answer);
        expect(found.response, `step ${index}: answer`).toEqual([]);
        expect(
          found.request.length > 0,
          `step ${index}: request findings ${JSON.stringify(found.request)}`,
        ).toBe(step.sentWrong !== undefined);
        answers.push(answer);
      }
    });
  }
});

describe('what it stores', () => {
  it('saves the decoded bytes in the folder under the name, attaches them to the bill, once', () => {
    const { cabinet, post } = account();
    const bytes = Buffer.from([0x25, 0x50, 0x44, 0x46, 0x00, 0xff, 0x10, 0x80]);
    const request = {
      apiVersion: 1,
      record: { type: 'vendorbill', id: String(BILL) },
      folderId: String(FOLDER),
      file: {
        name: 'procurify-b1-a1.pdf',
        fileType: 'PDF',
        contentBase64: bytes.toString('base64'),
        sha1: sha1(bytes),
        description: 'Bill b1',
      },
    };
    const first = post(request);
    expect(first).toEqual({ ok: true, fileId: expect.any(String), created: true, attached: true });
    const stored = cabinet.account.files.get(Number(first.fileId))!;
    expect(stored).toMatchObject({
      name: 'procurify-b1-a1.pdf',
      folder: FOLDER,
      fileType: 'PDF',
      description: 'Bill b1',
    });
    expect(sha1(stored.bytes)).toBe(sha1(bytes));
    expect(cabinet.account.attachedTo('vendorbill', BILL).map((file) => file.id)).toEqual([
      Number(first.fileId),
    ]);
    expect(post(request)).toEqual({ ok: true, fileId: first.fileId, created: false, attached: true });
    expect(cabinet.account.files.size).toBe(1);
  });

  it('stays far below the 5,000 governance units of a RESTlet call', () => {
    const { cabinet, post } = account();
    post({
      apiVersion: 1,
      record: { type: 'vendorbill', id: BILL },
      folderId: FOLDER,
      file: { name: 'units.pdf', fileType: 'PDF', contentBase64: Buffer.from('x').toString('base64') },
    });
    expect(cabinet.account.usage.units).toBeLessThanOrEqual(60);
  });

  it('answers FOLDER_NOT_FOUND when the folder disappears between the check and the save', () => {
    const { cabinet, post } = account();
    const save = cabinet.modules['N/file'].create;
    cabinet.modules['N/file'].create = (options) => {
      cabinet.account.folders.delete(FOLDER);
      return save(options);
    };
    const answer = post({
      apiVersion: 1,
      record: { type: 'vendorbill', id: String(BILL) },
      folderId: String(FOLDER),
      file: { name: 'gone.pdf', fileType: 'PDF', contentBase64: Buffer.from('x').toString('base64') },
    });
    expect(answer).toMatchObject({ ok: false, code: 'FOLDER_NOT_FOUND' });
  });

  it('lets an unexpected error through (NetSuite answers it as an HTTP error) and logs it', () => {
    const { cabinet, log, post } = account();
    cabinet.modules['N/record'].attach = () => {
      throw new SuiteScriptError('UNEXPECTED_ERROR', 'boom');
    };
    expect(() =>
      post({
        apiVersion: 1,
        record: { type: 'vendorbill', id: String(BILL) },
        folderId: String(FOLDER),
        file: { name: 'boom.pdf', fileType: 'PDF', contentBase64: Buffer.from('x').toString('base64') },
      }),
    ).toThrow(/boom/);
    expect(
      log.entries.some((entry) => entry.level === 'error' && /UNEXPECTED_ERROR/.test(entry.details)),
    ).toBe(true);
  });
});
