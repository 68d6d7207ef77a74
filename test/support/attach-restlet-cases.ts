// The attachment RESTlet's contract as cases both of its implementations must pass: the SuiteScript
// NetSuite runs (test/unit/netsuite-attach-restlet.test.ts, with N/* fakes) and the NetSuite sandbox's
// RESTlet (test/integration/sandbox-netsuite-attachments.test.ts). Each case is one or more requests with
// the answer each must match; a request that breaks the RESTlet's contract facts on purpose
// (infra/contracts/facts/apsync-restlet.ts) says why in `sentWrong`.
import { createHash } from 'node:crypto';

export interface AttachContext {
  billId: string;
  folderId: string;
  folderName: string;
  missingFolderId: string;
  missingBillId: string;
}

export interface AttachStep {
  request: unknown;
  /** Matched with toMatchObject. */
  answer: Record<string, unknown>;
  /** This step's fileId must equal the one of step N of the same case. */
  sameFileIdAs?: number;
  /** Why the request breaks the contract on purpose (the contract check then lets it through). */
  sentWrong?: string;
}

export interface AttachCase {
  title: string;
  steps: AttachStep[];
}

const pdf = Buffer.from('%PDF-1.7\n% shared contract case\n%%EOF\n');
const text = Buffer.from('Invoice 42\nTotal 10.00\n');
const sha1 = (bytes: Uint8Array) => createHash('sha1').update(bytes).digest('hex');

export function attachRestletCases(context: AttachContext): AttachCase[] {
  const store = (
    name: string,
    overrides: Record<string, unknown> = {},
    file: Record<string, unknown> = {},
  ) => ({
    apiVersion: 1,
    record: { type: 'vendorbill', id: context.billId },
    folderId: context.folderId,
    file: {
      name,
      fileType: 'PDF',
      contentBase64: pdf.toString('base64'),
      sha1: sha1(pdf),
      description: 'contract case',
      ...file,
    },
    ...overrides,
  });
  const refused = (code: string) => ({ ok: false, code, message: expectString });
  return [
    {
      title: 'stores and attaches a new file, then re-uses it on a re-send',
      steps: [
        { request: store('case-resend.pdf'), answer: { ok: true, created: true, attached: true } },
        {
          request: store('case-resend.pdf'),
          answer: { ok: true, created: false, attached: true },
          sameFileIdAs: 0,
        },
      ],
    },
    {
      title: 'stores a text file (content decoded from base64) without a sha1 or description',
      steps: [
        {
          request: store(
            'case-note.txt',
            {},
            {
              fileType: 'PLAINTEXT',
              contentBase64: text.toString('base64'),
              sha1: undefined,
              description: undefined,
            },
          ),
          answer: { ok: true, created: true, attached: true },
        },
      ],
    },
    {
      title: 'checks a folder',
      steps: [
        {
          request: { apiVersion: 1, action: 'checkFolder', folderId: context.folderId },
          answer: { ok: true, folderId: context.folderId, name: context.folderName },
        },
        {
          request: { apiVersion: 1, action: 'checkFolder', folderId: context.missingFolderId },
          answer: refused('FOLDER_NOT_FOUND'),
        },
      ],
    },
    {
      title: 'FOLDER_NOT_FOUND and RECORD_NOT_FOUND',
      steps: [
        {
          request: store('case-a.pdf', { folderId: context.missingFolderId }),
          answer: refused('FOLDER_NOT_FOUND'),
        },
        {
          request: store('case-b.pdf', { record: { type: 'vendorbill', id: context.missingBillId } }),
          answer: refused('RECORD_NOT_FOUND'),
        },
        {
          request: store('case-c.pdf', { record: { type: 'salesorder', id: context.billId } }),
          answer: refused('RECORD_NOT_FOUND'),
          sentWrong: 'a record type the RESTlet attaches nothing to',
        },
      ],
    },
    {
      title: 'TOO_LARGE over the 10 MB string limit',
      steps: [
        {
          request: store(
            'case-huge.pdf',
            {},
            { contentBase64: 'A'.repeat(10 * 1024 * 1024 + 4), sha1: undefined },
          ),
          answer: refused('TOO_LARGE'),
          sentWrong: 'content over the 10 MB RESTlet string limit',
        },
      ],
    },
    {
      title: 'BAD_CONTENT: not base64, a sha1 that does not match, an unknown file type, a bad name',
      steps: [
        {
          request: store('case-d.pdf', {}, { contentBase64: 'not base64!' }),
          answer: refused('BAD_CONTENT'),
          sentWrong: 'content that is not base64',
        },
        // A sha1 of the right form that does not match the content: only the script can tell.
        { request: store('case-e.pdf', {}, { sha1: '0'.repeat(40) }), answer: refused('BAD_CONTENT') },
        {
          request: store('case-f.exe', {}, { fileType: 'EXE' }),
          answer: refused('BAD_CONTENT'),
          sentWrong: 'a file type the RESTlet does not store',
        },
        {
          request: store('dir/case-g.pdf'),
          answer: refused('BAD_CONTENT'),
          sentWrong: 'a file name with a / (not a File Cabinet name)',
        },
      ],
    },
    {
      title:
        'BAD_REQUEST: another apiVersion, an unknown action, a missing file, a body that is not an object',
      steps: [
        {
          request: store('case-h.pdf', { apiVersion: 2 }),
          answer: refused('BAD_REQUEST'),
          sentWrong: 'another apiVersion',
        },
        {
          request: store('case-i.pdf', { action: 'deleteFile' }),
          answer: refused('BAD_REQUEST'),
          sentWrong: 'an action the RESTlet does not have',
        },
        {
          request: { apiVersion: 1, folderId: context.folderId },
          answer: refused('BAD_REQUEST'),
          sentWrong: 'a storeAttachment request without record and file',
        },
        { request: [1, 2], answer: refused('BAD_REQUEST'), sentWrong: 'a body that is not an object' },
      ],
    },
  ];
}

/** Stands for "any string" in an expected answer (compared by the runner). */
export const expectString = Symbol('any string');

/** Compares an answer with a step's expectation: equal values, `expectString` for any text. */
export function answerMatches(answer: Record<string, unknown>, expected: Record<string, unknown>): boolean {
  return Object.entries(expected).every(([key, value]) =>
    value === expectString ? typeof answer[key] === 'string' : answer[key] === value,
  );
}
