// The vendor contract facts kept in the repository (infra/contracts/facts/) still say what the vendors'
// own files say: where the project's reference material is beside the repository
// (../shared/reference/data), the extraction runs again in memory and must give the committed facts. In a
// user's clone that folder does not exist and the test is skipped, saying so. The facts of apsync's own
// attachment RESTlet follow the script in the repository.
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

  it("apsync's attachment RESTlet facts follow the script they are derived from", () => {
    const script = readFileSync(join(repositoryRoot, 'infra/netsuite-script/apsync_attach_rl.js'), 'utf8');
    const quoted = (text: string) => [...text.matchAll(/'([^']+)'/g)].map((match) => match[1]);
    expect(quoted(/const FILE_TYPES = \[([^\]]*)\]/.exec(script)?.[1] ?? '')).toEqual([...attachFileTypes]);
    const attachable = /const ATTACHABLE = \{([\s\S]*?)\n {2}\};/.exec(script)?.[1] ?? '';
    expect([...attachable.matchAll(/^\s*(\w+):/gm)].map((match) => match[1])).toEqual([...attachRecordTypes]);
    const codes = new Set([...script.matchAll(/refusal\(\s*'([A-Z_]+)'/g)].map((match) => match[1]));
    expect([...codes].sort()).toEqual([...attachRefusalCodes].sort());
    expect(script).toMatch(/const API_VERSION = 1;/);
    expect(script).toMatch(
      new RegExp(`const MAX_STRING = ${MAX_RESTLET_STRING / 1024 / 1024} \\* 1024 \\* 1024;`),
    );
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
