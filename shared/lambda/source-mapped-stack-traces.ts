// Stack traces of a deployed function name apsync's TypeScript files and lines, as with Node's
// --enable-source-maps, but a bundle's source map is read only when a stack from its file is first
// formatted. With --enable-source-maps Node reads and parses the map of every module as it loads it and
// counts each loaded file's lines character by character (for coverage reports, not stack traces):
// 10.7–19.7 % of the instructions of a cold start (callgrind, four functions, commit ce15e02). infra/cdk/esbuild-options.ts
// makes this module the first one each bundle evaluates; the sources (tests, local mode) never load it.
// A frame is written as Node writes a source-mapped one (name restored from the map's names, `async `
// and `new ` prefixes, the receiver's type), from the map beside its file (infra/cdk/split-bundle.ts
// writes `<file>.map` for each file); a frame without a map keeps V8's text; the first line is Node's.

type CallSite = NodeJS.CallSite;
type SourceMap = import('node:module').SourceMap;

const stackLineAt = '\n    at ';

/** Each file's source map, read on its first frame (null: the file has none). */
const sourceMaps = new Map<string, SourceMap | null>();

function readSourceMap(fileName: string): SourceMap | null {
  if (!fileName.startsWith('file://')) return null;
  const { fileURLToPath, pathToFileURL } = process.getBuiltinModule('node:url');
  const { readFileSync } = process.getBuiltinModule('node:fs');
  const { isAbsolute } = process.getBuiltinModule('node:path');
  const { SourceMap } = process.getBuiltinModule('node:module');
  const mapPath = `${fileURLToPath(fileName)}.map`;
  let payload: import('node:module').SourceMapPayload;
  try {
    payload = JSON.parse(readFileSync(mapPath, 'utf8'));
  } catch {
    return null;
  }
  // Sources as absolute file URLs, resolved against the map's own URL, as Node resolves them.
  const mapUrl = pathToFileURL(mapPath).href;
  payload.sources = payload.sources.map((source) => {
    const rooted = (payload.sourceRoot || '') + source;
    return isAbsolute(rooted) ? pathToFileURL(rooted).href : new URL(rooted, mapUrl).href;
  });
  payload.sourceRoot = '';
  return new SourceMap(payload);
}

function sourceMapOf(fileName: string): SourceMap | null {
  let sourceMap = sourceMaps.get(fileName);
  if (sourceMap === undefined) {
    try {
      sourceMap = readSourceMap(fileName);
    } catch {
      sourceMap = null;
    }
    sourceMaps.set(fileName, sourceMap);
  }
  return sourceMap;
}

interface MapEntry {
  originalSource?: string;
  originalLine?: number;
  originalColumn?: number;
  name?: string;
}

const entryAt = (sourceMap: SourceMap, line: number | null, column: number | null): MapEntry =>
  sourceMap.findEntry((line ?? 0) - 1, (column ?? 0) - 1) as MapEntry;

/** The name the sources gave the frame's function, where minifying renamed it. */
function originalSymbolName(
  sourceMap: SourceMap,
  site: CallSite,
  caller: CallSite | undefined,
): string | undefined {
  const enclosing = entryAt(sourceMap, site.getEnclosingLineNumber(), site.getEnclosingColumnNumber());
  if (enclosing.name) return enclosing.name;
  if (caller !== undefined && site.getFileName() === caller.getFileName()) {
    return entryAt(sourceMap, caller.getLineNumber(), caller.getColumnNumber()).name;
  }
  return undefined;
}

/** One frame in its source's terms; undefined where its file or position has no mapping. */
function mappedFrame(site: CallSite, caller: CallSite | undefined): string | undefined {
  const fileName = site.getFileName() ?? site.getEvalOrigin();
  if (fileName === undefined) return undefined;
  const sourceMap = sourceMapOf(fileName);
  if (sourceMap === null) return undefined;
  const { originalSource, originalLine, originalColumn } = entryAt(
    sourceMap,
    site.getLineNumber(),
    site.getColumnNumber(),
  );
  if (originalSource === undefined || originalLine === undefined || originalColumn === undefined) {
    return undefined;
  }
  const source = originalSource.startsWith('file://')
    ? process.getBuiltinModule('node:url').fileURLToPath(originalSource)
    : originalSource;
  const prefix = site.isAsync() ? 'async ' : site.isConstructor() ? 'new ' : '';
  const typeName = site.getTypeName();
  const namePrefix = typeName !== null && typeName !== 'global' ? `${typeName}.` : '';
  const name =
    originalSymbolName(sourceMap, site, caller) ||
    (site.getFunctionName() ?? site.getMethodName()) ||
    '<anonymous>';
  return `${prefix}${namePrefix}${name} (${source}:${originalLine + 1}:${originalColumn + 1})`;
}

/**
 * Makes `error.stack` map the frames of files with a source map beside them. Node's own formatting writes
 * the error's first line (a Node error's code included) and every frame without a map.
 */
export function installSourceMappedStackTraces(): void {
  const nodeFormat = Error.prepareStackTrace;
  if (nodeFormat === undefined) return;
  Error.prepareStackTrace = (error: Error, trace: CallSite[]) => {
    const frames = trace.map((site, index) => {
      let text: string | undefined;
      try {
        text = mappedFrame(site, trace[index + 1]);
      } catch {
        text = undefined;
      }
      return `${stackLineAt}${text ?? String(site)}`;
    });
    return `${nodeFormat(error, [])}${frames.join('')}`;
  };
}

installSourceMappedStackTraces();
