// The vendor contract facts kept in the repository (infra/contracts/facts/) still say what the vendors'
// own files say: where the project's reference material is beside the repository
// (../shared/reference/data), the extraction runs again in memory and must give the committed facts. In a
// user's clone that folder does not exist and the test is skipped, saying so. The facts of apsync's own
// attachment RESTlet are read from the script in the repository and are what it accepts.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  defaultSourceFolder,
  extractAll,
  factsFiles,
  factsFolder,
  repositoryRoot,
  sourceFiles,
} from '../../infra/contracts/extract.ts';
import {
  apsyncRestletFacts,
  attachApiVersion,
  attachFileTypes,
  attachRecordTypes,
  attachRefusalCodes,
  MAX_RESTLET_STRING,
} from '../../infra/contracts/facts/apsync-restlet.ts';
import { netsuiteReferenceFacts } from '../../infra/contracts/facts/netsuite-reference.ts';
import { type ContractFacts, sha256 } from '../../infra/contracts/openapi-facts.ts';
import {
  attachmentFileTypes,
  MAX_RESTLET_STRING as clientMaxRestletString,
} from '../../shared/netsuite/index.ts';
import { ATTACH_API_VERSION } from '../../shared/netsuite/restlet.ts';
import { createFakeCrypto } from '../support/netsuite-modules/crypto.ts';
import { createFakeEncode } from '../support/netsuite-modules/encode.ts';
import { createFakeFileCabinet } from '../support/netsuite-modules/file-cabinet.ts';
import { loadSuiteScript } from '../support/netsuite-modules/loader.ts';
import { createFakeLog } from '../support/netsuite-modules/log.ts';

const present = Object.values(sourceFiles).every((file) => existsSync(join(defaultSourceFolder, file)));
if (!present) {
  console.info(
    `contract-facts: ${defaultSourceFolder} is absent in this clone: the committed facts are not compared with the vendors' files`,
  );
}
const committed = (name: keyof typeof factsFiles) =>
  JSON.parse(readFileSync(join(factsFolder, factsFiles[name]), 'utf8')) as ContractFacts;

/** Schema keywords carrying prose, wherever they occur (property names themselves are skipped). */
function proseKeywords(value: unknown, at = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => proseKeywords(item, `${at}/${index}`));
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, item]) => {
    const names = key === 'properties' || at.endsWith('/parameters');
    if (names && typeof item === 'object' && item !== null)
      return Object.entries(item).flatMap(([name, sub]) => proseKeywords(sub, `${at}/${key}/${name}`));
    if (['description', 'title', 'example', 'examples', 'summary'].includes(key)) return [`${at}/${key}`];
    return proseKeywords(item, `${at}/${key}`);
  });
}

describe('vendor contract facts', () => {
  it.skipIf(!present)(
    `match a fresh extraction from the vendors' files${present ? '' : ' (skipped: ../shared/reference/data is absent)'}`,
    () => {
      const fresh = extractAll(defaultSourceFolder);
      // Checksums first: a changed vendor file says so plainly before the detail.
      expect(committed('procurify').document).toEqual(fresh.procurify.document);
      expect(committed('netsuite').document).toEqual(fresh.netsuite.document);
      expect(committed('procurify')).toEqual(fresh.procurify);
      expect(committed('netsuite')).toEqual(fresh.netsuite);
    },
  );

  it('hand-kept NetSuite facts share the export definitions they copy', () => {
    const exported = committed('netsuite').$defs;
    for (const name of ['nsLink', 'nsResource', 'nsError', 'nsResourceCollection'] as const) {
      const hand = netsuiteReferenceFacts.$defs[name];
      expect(hand, name).toBeDefined();
      // The hand-kept copy may list fewer properties (collections are typed more simply) but never others.
      const handProperties = Object.keys((hand?.properties ?? {}) as object);
      const exportProperties = Object.keys((exported[name]?.properties ?? {}) as object);
      expect(exportProperties, name).toEqual(expect.arrayContaining(handProperties));
    }
  });

  it('keep only the operations apsync uses, each with its responses', () => {
    for (const name of Object.keys(factsFiles) as Array<keyof typeof factsFiles>) {
      const facts = committed(name);
      expect(Object.keys(facts.operations).length).toBeGreaterThan(10);
      for (const [key, operation] of Object.entries(facts.operations)) {
        expect(key).toMatch(/^(GET|POST|PUT|PATCH|DELETE) \//);
        expect(Object.keys(operation.responses).length, key).toBeGreaterThan(0);
      }
      // No prose: descriptions, titles and examples are left out (fields may be named so).
      expect(proseKeywords({ operations: facts.operations, $defs: facts.$defs }), name).toEqual([]);
    }
  });

  it("apsync's attachment RESTlet facts are what the script accepts", () => {
    const scriptPath = join(repositoryRoot, 'infra/netsuite-script/apsync_attach_rl.js');
    const script = readFileSync(scriptPath, 'utf8');
    // The facts read the script's lists (apsync-restlet.ts): the script, run with fakes of N/*, stores a
    // file of each listed type on each listed record type, and refuses any other type.
    const cabinet = createFakeFileCabinet();
    cabinet.account.addFolder(1234, 'Procurify Invoices');
    for (const type of [...attachRecordTypes, 'customer']) cabinet.account.addRecord(type, 42);
    const { post } = loadSuiteScript<{ post(request: unknown): Record<string, unknown> }>(scriptPath, {
      ...cabinet.modules,
      'N/crypto': createFakeCrypto(new Map()),
      'N/encode': createFakeEncode(),
      'N/log': createFakeLog().module,
    }).entryPoints;
    const store = (recordType: string, fileType: string) =>
      post({
        apiVersion: 1,
        record: { type: recordType, id: '42' },
        folderId: '1234',
        file: { name: `f-${recordType}.${fileType}`, fileType, contentBase64: 'QUJD' },
      });
    expect(attachFileTypes.length).toBeGreaterThan(0);
    for (const fileType of attachFileTypes)
      expect(store('vendorbill', fileType), fileType).toMatchObject({ ok: true });
    expect(store('vendorbill', 'MP3')).toMatchObject({ ok: false, code: 'BAD_CONTENT' });
    // The version apsync's client sends is the script's; any other is refused.
    expect(ATTACH_API_VERSION).toBe(attachApiVersion);
    expect(
      post({
        apiVersion: attachApiVersion + 1,
        record: { type: 'vendorbill', id: '42' },
        folderId: '1234',
        file: { name: 'f.pdf', fileType: 'PDF', contentBase64: 'QUJD' },
      }),
    ).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
    expect(attachRecordTypes.length).toBeGreaterThan(0);
    for (const recordType of attachRecordTypes)
      expect(store(recordType, 'PDF'), recordType).toMatchObject({ ok: true });
    expect(store('customer', 'PDF')).toMatchObject({ ok: false, code: 'RECORD_NOT_FOUND' });
    expect(attachRefusalCodes).toEqual(
      expect.arrayContaining([
        'BAD_REQUEST',
        'FOLDER_NOT_FOUND',
        'RECORD_NOT_FOUND',
        'TOO_LARGE',
        'BAD_CONTENT',
      ]),
    );
    expect(MAX_RESTLET_STRING).toBe(10 * 1024 * 1024);
    // The client keeps its own copy (shared/ cannot import infra/): the same as the facts.
    expect([...attachmentFileTypes]).toEqual([...attachFileTypes]);
    expect(clientMaxRestletString).toBe(MAX_RESTLET_STRING);
    // Any other change of the script: review apsync-restlet.ts against it, then update the checksum.
    expect(
      sha256(script),
      'apsync_attach_rl.js changed: review infra/contracts/facts/apsync-restlet.ts against it and update its document.sha256',
    ).toBe(apsyncRestletFacts.document.sha256);
  });
});
