// Loads a SuiteScript 2.x AMD file the way NetSuite does: evaluates it in its own VM context with a
// `define` that captures the dependency list and factory, then calls the factory with the given N/* fakes.
import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';

export interface LoadedSuiteScript<T> {
  dependencies: string[];
  entryPoints: T;
}

export function loadSuiteScript<T>(path: string, modules: Record<string, unknown>): LoadedSuiteScript<T> {
  const source = readFileSync(path, 'utf8');
  let captured: { dependencies: string[]; factory: (...deps: unknown[]) => T } | undefined;
  const define = (dependencies: string[], factory: (...deps: unknown[]) => T): void => {
    if (captured) throw new Error(`${path} calls define twice`);
    captured = { dependencies, factory };
  };
  runInNewContext(source, { define }, { filename: path });
  if (!captured) throw new Error(`${path} does not call define`);
  const resolved = captured.dependencies.map((name) => {
    if (!(name in modules)) throw new Error(`${path} needs ${name}, which the test did not provide`);
    return modules[name];
  });
  return { dependencies: captured.dependencies, entryPoints: captured.factory(...resolved) };
}
