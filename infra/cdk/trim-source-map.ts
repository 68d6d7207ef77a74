// Keeps only apsync's own sources in a bundle's source maps (split-bundle.ts, the bundling's afterBundling
// hook, trims each; by hand: `node infra/cdk/trim-source-map.ts <index.mjs.map>`): the first stack trace
// through a file reads and parses its whole map and resolves every source's URL
// (shared/lambda/source-mapped-stack-traces.ts); nine sources in ten are dependencies'. Positions in
// apsync's code map exactly as before; positions in a dependency's code are left unmapped.
import { readFileSync, writeFileSync } from 'node:fs';
import { argv } from 'node:process';

interface SourceMapV3 {
  version: 3;
  file?: string;
  sources: string[];
  names: string[];
  mappings: string;
  sourceRoot?: string;
  sourcesContent?: (string | null)[];
}

const base64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const digitOf = new Map([...base64].map((character, digit) => [character, digit]));

/** The fields of one segment (Base64 VLQ, source map v3). */
function decodeSegment(segment: string): number[] {
  const fields: number[] = [];
  let value = 0;
  let shift = 0;
  for (const character of segment) {
    const digit = digitOf.get(character);
    if (digit === undefined) throw new Error(`source map: "${character}" is not a Base64 VLQ digit`);
    value += (digit & 31) * 2 ** shift;
    if (digit & 32) {
      shift += 5;
    } else {
      fields.push(value % 2 === 1 ? -Math.floor(value / 2) : Math.floor(value / 2));
      value = 0;
      shift = 0;
    }
  }
  return fields;
}

function encodeField(field: number): string {
  let value = field < 0 ? -field * 2 + 1 : field * 2;
  let text = '';
  do {
    let digit = value % 32;
    value = Math.floor(value / 32);
    if (value > 0) digit |= 32;
    text += base64[digit];
  } while (value > 0);
  return text;
}

/** Whether a source is apsync's own (not a dependency's under node_modules). */
export const isOwnSource = (source: string): boolean => !/(^|\/)node_modules\//.test(source);

/**
 * The map with the segments of dependencies' sources replaced by unmapped ones (one where a run of
 * them starts), and only the sources and names still used.
 */
export function trimSourceMap(
  map: SourceMapV3,
  keep: (source: string) => boolean = isOwnSource,
): SourceMapV3 {
  const kept = map.sources.map((source) => keep(`${map.sourceRoot ?? ''}${source}`));
  const newSourceIndex: number[] = [];
  let keptCount = 0;
  for (const keepIt of kept) newSourceIndex.push(keepIt ? keptCount++ : -1);
  const newNameIndex = new Map<number, number>();
  // Decoding state (absolute values in the input) and encoding state (last values written).
  const read = { source: 0, line: 0, column: 0, name: 0 };
  const written = { source: 0, line: 0, column: 0, name: 0 };
  let lastWrittenMapped = false;
  const lines = map.mappings.split(';').map((line) => {
    let generatedColumn = 0;
    let writtenColumn = 0;
    const segments: string[] = [];
    for (const segment of line.split(',')) {
      if (segment === '') continue;
      const fields = decodeSegment(segment);
      generatedColumn += fields[0]!;
      const mapped = fields.length >= 4;
      if (mapped) {
        read.source += fields[1]!;
        read.line += fields[2]!;
        read.column += fields[3]!;
        if (fields.length >= 5) read.name += fields[4]!;
      }
      if (mapped && kept[read.source]) {
        const source = newSourceIndex[read.source]!;
        let text =
          encodeField(generatedColumn - writtenColumn) +
          encodeField(source - written.source) +
          encodeField(read.line - written.line) +
          encodeField(read.column - written.column);
        Object.assign(written, { source, line: read.line, column: read.column });
        if (fields.length >= 5) {
          let name = newNameIndex.get(read.name);
          if (name === undefined) {
            name = newNameIndex.size;
            newNameIndex.set(read.name, name);
          }
          text += encodeField(name - written.name);
          written.name = name;
        }
        segments.push(text);
        writtenColumn = generatedColumn;
        lastWrittenMapped = true;
      } else if (lastWrittenMapped) {
        segments.push(encodeField(generatedColumn - writtenColumn));
        writtenColumn = generatedColumn;
        lastWrittenMapped = false;
      }
    }
    return segments.join(',');
  });
  const names: string[] = [];
  for (const [oldIndex, newIndex] of newNameIndex) names[newIndex] = map.names[oldIndex]!;
  return {
    version: 3,
    ...(map.file === undefined ? {} : { file: map.file }),
    ...(map.sourceRoot === undefined ? {} : { sourceRoot: map.sourceRoot }),
    sources: map.sources.filter((_, index) => kept[index]),
    ...(map.sourcesContent === undefined
      ? {}
      : { sourcesContent: map.sourcesContent.filter((_, index) => kept[index]) }),
    names,
    mappings: lines.join(';'),
  };
}

if (import.meta.main) {
  const file = argv[2];
  if (file === undefined) throw new Error('usage: node infra/cdk/trim-source-map.ts <file.map>');
  const map = JSON.parse(readFileSync(file, 'utf8')) as SourceMapV3;
  writeFileSync(file, JSON.stringify(trimSourceMap(map)));
}
